// SPDX-License-Identifier: GPL-2.0
/*
 * Private text pages of clones, and the page-table steps that map them.
 *
 * Before a clone maps one page of a 2 MiB text region privately, the
 * kernel's own mapping of that region is made 4 KiB and non-global, with
 * the same frames and otherwise the same attributes.  Then every view of
 * the region (the kernel's, every clone's) uses 4 KiB pages, so binding,
 * unbinding and patching only ever change a frame at the same page size,
 * never the size and the frame together (which the iTLB-multihit erratum
 * punishes with a machine check); and no global TLB entry for a page that
 * differs between views can survive a CR3 switch.
 *
 * Every step is: write the entries, flush every CPU, and only then free
 * what the old entries pointed at.  Private frames are never changed in
 * place while mapped, except by the kernel's own text_poke protocol that
 * poke.c mirrors; shadowk's own changes build a draft page and swap it in.
 *
 * All of it runs under text_mutex, so the kernel's text writers and poke.c
 * see each private page either before or after a change, never during.
 */

#include <linux/mm.h>
#include <linux/mutex.h>

#include <asm/pgtable.h>

#include "clone.h"
#include "ksyms.h"
#include "mem.h"
#include "pgtable.h"
#include "text.h"
#include "tlb.h"

/* What shadowk changed in the kernel's own tables, to undo at unload. */
struct shadowk_orig_region {
	pmd_t saved_pmd;	/* the entry before we touched it */
	pte_t *split;		/* our PTE page, if we split a large page */
	DECLARE_BITMAP(was_global, PTRS_PER_PTE);
};

static struct shadowk_orig_region *shadowk_orig[PTRS_PER_PMD];

static pte_t *shadowk_text_pte_page(pmd_t pmd)
{
	return (pte_t *)__va(pmd_val(pmd) & PTE_PFN_MASK);
}

/* The kernel's PTE for @va, once its region has been prepared. */
static pte_t shadowk_text_orig_pte(unsigned long va)
{
	pmd_t pmd = READ_ONCE(*shadowk_pgtable_orig_pmd(va));

	return READ_ONCE(shadowk_text_pte_page(pmd)[pte_index(va)]);
}

const void *shadowk_text_original(unsigned long va)
{
	pte_t pte = shadowk_text_orig_pte(va & PAGE_MASK);

	return page_address(pfn_to_page(pte_pfn(pte))) + offset_in_page(va);
}

/*
 * Make the kernel's mapping of @va's 2 MiB region 4 KiB and non-global.
 * The caller flushes.  Returns true if it changed anything.
 */
static int shadowk_text_orig_prepare(unsigned long va, bool *changed)
{
	unsigned int idx = shadowk_pgtable_pmd_index(va);
	pmd_t *pmdp = shadowk_pgtable_orig_pmd(va);
	struct shadowk_orig_region *orig;
	pmd_t pmd = READ_ONCE(*pmdp);
	pte_t *ptes;
	unsigned int i;

	*changed = false;
	if (shadowk_orig[idx])
		return 0;
	orig = shadowk_mem_obj_alloc(sizeof(*orig), GFP_KERNEL);
	if (!orig)
		return -ENOMEM;
	orig->saved_pmd = pmd;

	if (pmd_leaf(pmd)) {
		pgprot_t prot = pgprot_large_2_4k(__pgprot(pmd_flags(pmd) &
							   ~_PAGE_PSE));
		unsigned long pfn = pmd_pfn(pmd);

		ptes = shadowk_mem_page_alloc(GFP_KERNEL);
		if (!ptes) {
			shadowk_mem_obj_free(orig);
			return -ENOMEM;
		}
		pgprot_val(prot) &= ~_PAGE_GLOBAL;
		for (i = 0; i < PTRS_PER_PTE; i++)
			ptes[i] = pfn_pte(pfn + i, prot);
		orig->split = ptes;
		/* Same frames, same attributes but G: no size+frame change. */
		WRITE_ONCE(*pmdp, __pmd(__pa(ptes) | _KERNPG_TABLE));
	} else {
		ptes = shadowk_text_pte_page(pmd);
		for (i = 0; i < PTRS_PER_PTE; i++) {
			pte_t pte = READ_ONCE(ptes[i]);

			if (!(pte_flags(pte) & _PAGE_GLOBAL))
				continue;
			__set_bit(i, orig->was_global);
			WRITE_ONCE(ptes[i], pte_clear_flags(pte, _PAGE_GLOBAL));
		}
	}
	shadowk_orig[idx] = orig;
	*changed = true;
	return 0;
}

static struct shadowk_region *shadowk_text_region_get(struct shadowk_clone *c,
						      unsigned long va)
{
	unsigned int idx = shadowk_pgtable_pmd_index(va);
	struct shadowk_region *region;
	pmd_t orig_pmd;
	bool changed;
	unsigned int i;
	pte_t *src;

	list_for_each_entry(region, &c->regions, node)
		if (region->pmd_idx == idx)
			return region;

	if (shadowk_text_orig_prepare(va, &changed))
		return NULL;
	if (changed) {
		/* Other clones still map the old large page: follow. */
		shadowk_clone_sync_all();
		shadowk_tlb_flush_all();
	}

	region = shadowk_mem_obj_alloc(sizeof(*region), GFP_KERNEL);
	if (!region)
		return NULL;
	region->ptes = shadowk_mem_page_alloc(GFP_KERNEL);
	if (!region->ptes) {
		shadowk_mem_obj_free(region);
		return NULL;
	}
	region->pmd_idx = idx;
	orig_pmd = READ_ONCE(*shadowk_pgtable_orig_pmd(va));
	src = shadowk_text_pte_page(orig_pmd);
	for (i = 0; i < PTRS_PER_PTE; i++)
		region->ptes[i] = READ_ONCE(src[i]);

	/* Same frames as the kernel's PTE page: no flush needed to switch. */
	__set_bit(idx, c->pt.private_pmds);
	WRITE_ONCE(c->pt.pmd[idx],
		   __pmd(__pa(region->ptes) | pmd_flags(orig_pmd)));
	c->pt.pages++;
	list_add(&region->node, &c->regions);
	return region;
}

static void shadowk_text_region_put(struct shadowk_clone *c,
				    struct shadowk_region *region)
{
	unsigned int idx = region->pmd_idx;

	if (region->nr_frames)
		return;
	WRITE_ONCE(c->pt.pmd[idx],
		   READ_ONCE(*shadowk_pgtable_orig_pmd((unsigned long)idx <<
						       PMD_SHIFT)));
	__clear_bit(idx, c->pt.private_pmds);
	shadowk_tlb_flush_all();
	list_del(&region->node);
	shadowk_mem_page_free(region->ptes);
	shadowk_mem_obj_free(region);
	c->pt.pages--;
}

struct shadowk_frame *shadowk_text_frame_find(struct shadowk_clone *clone,
					      unsigned long va)
{
	struct shadowk_frame *frame;

	va &= PAGE_MASK;
	list_for_each_entry(frame, &clone->frames, node)
		if (frame->va == va)
			return frame;
	return NULL;
}

/*
 * The clone's frame for @va, created unmapped (->page NULL) if new.  The
 * caller installs content with a draft and shadowk_text_frame_swap().
 */
struct shadowk_frame *shadowk_text_frame_get(struct shadowk_clone *clone,
					     unsigned long va)
{
	struct shadowk_region *region;
	struct shadowk_frame *frame;

	lockdep_assert_held(shadowk_ksyms.text_mutex);
	frame = shadowk_text_frame_find(clone, va);
	if (frame)
		return frame;
	region = shadowk_text_region_get(clone, va);
	if (!region)
		return NULL;
	frame = shadowk_mem_obj_alloc(sizeof(*frame), GFP_KERNEL);
	if (!frame) {
		shadowk_text_region_put(clone, region);
		return NULL;
	}
	frame->va = va & PAGE_MASK;
	frame->region = region;
	region->nr_frames++;
	list_add(&frame->node, &clone->frames);
	return frame;
}

/* A copy of what the clone shows at @frame now, to edit off-line. */
void *shadowk_text_frame_draft(struct shadowk_frame *frame)
{
	void *draft = shadowk_mem_page_alloc(GFP_KERNEL);

	if (draft)
		memcpy(draft, frame->page ?: shadowk_text_original(frame->va),
		       PAGE_SIZE);
	return draft;
}

/* Map @draft as the clone's page; the old private page is freed after. */
void shadowk_text_frame_swap(struct shadowk_frame *frame, void *draft)
{
	pte_t orig = shadowk_text_orig_pte(frame->va);
	pte_t *ptep = &frame->region->ptes[pte_index(frame->va)];
	void *old = frame->page;

	lockdep_assert_held(shadowk_ksyms.text_mutex);
	WRITE_ONCE(*ptep, pfn_pte(__pa(draft) >> PAGE_SHIFT,
				  __pgprot(pte_flags(orig))));
	frame->page = draft;
	shadowk_tlb_flush_all();
	shadowk_mem_page_free(old);
}

/* Drop a frame with no sites left: the clone maps the kernel's page again. */
void shadowk_text_frame_put(struct shadowk_clone *clone,
			    struct shadowk_frame *frame)
{
	struct shadowk_region *region = frame->region;

	if (frame->nr_sites)
		return;
	if (frame->page) {
		WRITE_ONCE(region->ptes[pte_index(frame->va)],
			   shadowk_text_orig_pte(frame->va));
		shadowk_tlb_flush_all();
		shadowk_mem_page_free(frame->page);
	}
	list_del(&frame->node);
	shadowk_mem_obj_free(frame);
	region->nr_frames--;
	shadowk_text_region_put(clone, region);
}

/* The clone is unreachable and flushed: free without further flushes. */
void shadowk_text_clone_free(struct shadowk_clone *clone)
{
	struct shadowk_region *region, *rtmp;
	struct shadowk_frame *frame, *ftmp;

	list_for_each_entry_safe(frame, ftmp, &clone->frames, node) {
		list_del(&frame->node);
		shadowk_mem_page_free(frame->page);
		shadowk_mem_obj_free(frame);
	}
	list_for_each_entry_safe(region, rtmp, &clone->regions, node) {
		unsigned int idx = region->pmd_idx;

		/* Leave no entry pointing at a freed page. */
		WRITE_ONCE(clone->pt.pmd[idx],
			   READ_ONCE(*shadowk_pgtable_orig_pmd((unsigned long)idx
							       << PMD_SHIFT)));
		__clear_bit(idx, clone->pt.private_pmds);
		clone->pt.pages--;
		list_del(&region->node);
		shadowk_mem_page_free(region->ptes);
		shadowk_mem_obj_free(region);
	}
}

/*
 * Unload, after every clone is gone: give the kernel back its large pages
 * and global bits where nothing else changed those entries meanwhile.
 */
void shadowk_text_exit(void)
{
	bool flush = false, kept = false;
	unsigned int idx, i;

	mutex_lock(shadowk_ksyms.text_mutex);
	for (idx = 0; idx < PTRS_PER_PMD; idx++) {
		struct shadowk_orig_region *orig = shadowk_orig[idx];
		unsigned long va = (unsigned long)shadowk_ksyms.stext &
				   PUD_MASK;
		pmd_t *pmdp;

		if (!orig)
			continue;
		va += (unsigned long)idx << PMD_SHIFT;
		pmdp = shadowk_pgtable_orig_pmd(va);
		if (orig->split) {
			if (READ_ONCE(*pmdp).pmd ==
			    (__pa(orig->split) | _KERNPG_TABLE)) {
				WRITE_ONCE(*pmdp, orig->saved_pmd);
				flush = true;
				shadowk_tlb_flush_all();
				shadowk_mem_page_free(orig->split);
			} else {
				/* The kernel changed it since: it is theirs. */
				shadowk_mem_page_forget(orig->split);
				kept = true;
			}
		} else {
			pte_t *ptes = shadowk_text_pte_page(READ_ONCE(*pmdp));

			for_each_set_bit(i, orig->was_global, PTRS_PER_PTE) {
				pte_t pte = READ_ONCE(ptes[i]);

				WRITE_ONCE(ptes[i],
					   pte_set_flags(pte, _PAGE_GLOBAL));
				flush = true;
			}
		}
		shadowk_orig[idx] = NULL;
		shadowk_mem_obj_free(orig);
	}
	if (flush)
		shadowk_tlb_flush_all();
	mutex_unlock(shadowk_ksyms.text_mutex);
	if (kept)
		pr_warn("left a split kernel text mapping the kernel changed meanwhile\n");
}
