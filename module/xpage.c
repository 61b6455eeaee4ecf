// SPDX-License-Identifier: GPL-2.0
/*
 * Pages that become kernel text in a clone, kept W^X.
 *
 * While a page is mapped as text in a clone it has no writable mapping
 * anywhere: its direct-map entry is not present, and shadowk writes it only
 * through the kernel's own text-poking machinery (a temporary mapping in
 * poking_mm, which only the writing CPU ever sees), naming it by a
 * read-only alias in vmalloc space.  A page taken out of the direct map may
 * still have a writable translation in some CPU's TLB, so it may be mapped
 * executable only after an all-CPU flush: one spare page is kept out of
 * the direct map, and the flush that each change of a clone's text makes
 * anyway readies the spare for the next change.
 *
 * Everything here runs under text_mutex (text.c's changes, mirror.c's
 * mirror of the kernel's own writes), which also serialises the spare.
 */

#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/vmalloc.h>

#include "ksyms.h"
#include "fault.h"
#include "mem.h"
#include "tlb.h"
#include "xpage.h"

static struct shadowk_xpage shadowk_xpage_spare;
static bool shadowk_xpage_spare_ready;	/* flushed since it left the map */

static int shadowk_xpage_alloc(struct shadowk_xpage *xp)
{
	void *addr = shadowk_mem_page_alloc(GFP_KERNEL_ACCOUNT);
	struct page *page;

	if (!addr)
		return -ENOMEM;
	page = virt_to_page(addr);
	/* vmap and the split allocate too: the fail_nth walk reaches both. */
	xp->ro = shadowk_fault_should_fail() ? NULL :
		 vmap(&page, 1, VM_MAP, PAGE_KERNEL_RO);
	if (!xp->ro)
		goto nomem;
	/* Splitting a large direct-map page may allocate: this can fail. */
	if (shadowk_fault_should_fail() ||
	    shadowk_ksyms_set_direct_map_invalid_noflush(page)) {
		vunmap(xp->ro);
		goto nomem;
	}
	xp->page = page;
	return 0;
nomem:
	xp->ro = NULL;
	shadowk_mem_page_free(addr);
	return -ENOMEM;
}

/* A page ready to be written and mapped as text. */
int shadowk_xpage_get(struct shadowk_xpage *xp)
{
	lockdep_assert_held(shadowk_ksyms.text_mutex);
	if (!shadowk_xpage_spare.page && shadowk_xpage_alloc(&shadowk_xpage_spare))
		return -ENOMEM;
	if (!shadowk_xpage_spare_ready) {
		/* No change since the spare was made: flush for it alone. */
		shadowk_tlb_flush_all();
		shadowk_xpage_spare_ready = true;
	}
	*xp = shadowk_xpage_spare;
	shadowk_xpage_spare.page = NULL;
	shadowk_xpage_spare.ro = NULL;
	shadowk_xpage_spare_ready = false;
	return 0;
}

/*
 * After the all-CPU flush that ended every mapping of @xp as text: back
 * into the direct map, and freed.
 */
void shadowk_xpage_put(struct shadowk_xpage *xp)
{
	if (!xp->page)
		return;
	vunmap(xp->ro);
	if (shadowk_ksyms_set_direct_map_default_noflush(xp->page)) {
		/* Never hand the allocator a page it cannot touch. */
		pr_warn("a text page could not rejoin the direct map: leaked\n");
		shadowk_mem_page_forget(page_address(xp->page));
	} else {
		shadowk_mem_page_free(page_address(xp->page));
	}
	xp->page = NULL;
	xp->ro = NULL;
}

/* Write @xp, mapped or not, through a temporary mapping. */
void shadowk_xpage_write(struct shadowk_xpage *xp, unsigned int offset,
			 const void *src, size_t len)
{
	/*
	 * text_poke_kgdb() is __text_poke() without text_poke()'s lockdep
	 * check: shadowk holds text_mutex, except when it mirrors kgdb's own
	 * writes, made with every other CPU stopped.
	 */
	shadowk_ksyms_text_poke_kgdb((void *)xp->ro + offset, src, len);
}

/*
 * Around every all-CPU flush shadowk makes under text_mutex: a spare made
 * before the flush is ready after it.
 */
void shadowk_xpage_before_flush(void)
{
	lockdep_assert_held(shadowk_ksyms.text_mutex);
	if (!shadowk_xpage_spare.page)
		shadowk_xpage_alloc(&shadowk_xpage_spare);	/* or later */
}

void shadowk_xpage_after_flush(void)
{
	lockdep_assert_held(shadowk_ksyms.text_mutex);
	if (shadowk_xpage_spare.page)
		shadowk_xpage_spare_ready = true;
}

void shadowk_xpage_exit(void)
{
	mutex_lock(shadowk_ksyms.text_mutex);
	/* Never mapped as text: no flush needed to give it back. */
	shadowk_xpage_put(&shadowk_xpage_spare);
	shadowk_xpage_spare_ready = false;
	mutex_unlock(shadowk_ksyms.text_mutex);
}
