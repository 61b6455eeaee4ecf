// SPDX-License-Identifier: GPL-2.0
/*
 * Private text pages of clones, and the page-table steps that map them.
 *
 * A clone maps the kernel's text through copies of the kernel's own
 * entries, 2 MiB pages, until it changes something in a 2 MiB region.
 * Then the region is prepared (bridge.c: the kernel's mapping of it stops
 * being global, the bridge maps it at 4 KiB), the clone points its entry
 * for the region at a PTE page of its own, a copy of the bridge's (the
 * kernel's frames, only the page size changes), and every CPU flushes, so
 * that none still holds the region's 2 MiB translation for the clone.
 * Only after that does a private frame replace one entry (only the frame
 * changes).  No step changes a translation's page size and its frame at
 * once, which the iTLB-multihit erratum punishes with a machine check.
 *
 * Every step is: write the entries, flush every CPU, and only then free
 * what the old entries pointed at.  A private frame is never writable
 * while mapped (xpage.c); shadowk's own changes build a new page and map
 * it in place of the old one, and the kernel's own text writes reach the
 * mapped frame through its text-poking machinery (mirror.c).
 *
 * All of it runs under text_mutex, so the kernel's text writers and mirror.c
 * see each private page either before or after a change, never during.
 */

#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/slab.h>

#include <asm/pgtable.h>

#include "bridge.h"
#include "ksyms.h"
#include "mem.h"
#include "pgtable.h"
#include "text.h"
#include "tlb.h"
#include "xpage.h"

/* The kernel's bytes at @va, through its direct-map alias. */
const u8 *shadowk_text_original(unsigned long va)
{
	return lm_alias(va);
}

/*
 * Every all-CPU flush of a change to clones' text: it also readies the
 * next private page (xpage.c).
 */
void shadowk_text_flush(void)
{
	lockdep_assert_held(shadowk_ksyms.text_mutex);
	shadowk_xpage_before_flush();
	shadowk_tlb_flush_all();
	shadowk_xpage_after_flush();
}

static struct shadowk_region *shadowk_text_region_find(struct shadowk_text *text,
						       unsigned int idx)
{
	struct shadowk_region *region;

	list_for_each_entry(region, &text->regions, node)
		if (region->pmd_idx == idx)
			return region;
	return NULL;
}

static struct shadowk_region *shadowk_text_region_get(struct shadowk_text *text,
						      unsigned long va)
{
	unsigned int idx = shadowk_pgtable_pmd_index(va), i;
	struct shadowk_region *region;
	int prepared;

	region = shadowk_text_region_find(text, idx);
	if (region)
		return region;

	prepared = shadowk_bridge_prepare(idx);
	if (prepared < 0)
		return NULL;
	if (prepared)
		/* The kernel's entry lost its global bit: every clone follows. */
		shadowk_pgtable_sync_all();

	region = shadowk_mem_obj_alloc(sizeof(*region), GFP_KERNEL);
	if (region)
		region->ptes = shadowk_mem_page_alloc(GFP_KERNEL);
	if (!region || !region->ptes) {
		shadowk_mem_obj_free(region);
		/* A prepared region is harmless; the flush makes it so. */
		if (prepared)
			shadowk_text_flush();
		return NULL;
	}
	region->pmd_idx = idx;
	for (i = 0; i < PTRS_PER_PTE; i++)
		region->ptes[i] = shadowk_bridge_pte(idx, i);

	/* The kernel's frames at 4 KiB: only the page size changes. */
	__set_bit(idx, text->pt->private_pmds);
	WRITE_ONCE(text->pt->pmd[idx], __pmd(__pa(region->ptes) | _KERNPG_TABLE));
	text->pt->pages++;
	list_add(&region->node, &text->regions);
	/* No CPU keeps the region's 2 MiB translation for this clone. */
	shadowk_text_flush();
	return region;
}

static void shadowk_text_region_put(struct shadowk_text *text,
				    struct shadowk_region *region)
{
	unsigned int idx = region->pmd_idx;

	if (region->nr_frames)
		return;
	/* Its frames are the kernel's again: only the page size changes. */
	WRITE_ONCE(text->pt->pmd[idx], READ_ONCE(*shadowk_pgtable_orig_pmd_at(idx)));
	__clear_bit(idx, text->pt->private_pmds);
	shadowk_text_flush();
	list_del(&region->node);
	shadowk_mem_page_free(region->ptes);
	shadowk_mem_obj_free(region);
	text->pt->pages--;
}

/* Under text_mutex, which every change to frames holds: no RCU needed. */
struct shadowk_frame *shadowk_text_frame_find(struct shadowk_text *text,
					      unsigned long va)
{
	return xa_load(&text->frames, va >> PAGE_SHIFT);
}

/*
 * The clone's frame for @va, created unmapped if new; the caller gives it
 * content with shadowk_text_frame_rewrite().
 */
struct shadowk_frame *shadowk_text_frame_get(struct shadowk_text *text,
					     unsigned long va)
{
	struct shadowk_region *region;
	struct shadowk_frame *frame;

	lockdep_assert_held(shadowk_ksyms.text_mutex);
	frame = shadowk_text_frame_find(text, va);
	if (frame)
		return frame;
	region = shadowk_text_region_get(text, va);
	if (!region)
		return NULL;
	frame = shadowk_mem_obj_alloc(sizeof(*frame), GFP_KERNEL);
	if (!frame || xa_insert(&text->frames, va >> PAGE_SHIFT, frame,
				GFP_KERNEL)) {
		shadowk_mem_obj_free(frame);
		shadowk_text_region_put(text, region);
		return NULL;
	}
	frame->va = va & PAGE_MASK;
	frame->region = region;
	INIT_LIST_HEAD(&frame->sites);
	region->nr_frames++;
	return frame;
}

/* What the clone shows at @frame now. */
const u8 *shadowk_text_frame_bytes(struct shadowk_frame *frame)
{
	return frame->xp.page ? frame->xp.ro : shadowk_text_original(frame->va);
}

/*
 * Map a new private copy of @frame's page, with @bytes at @va: built off
 * line, then swapped in for the old one, which is freed after the flush.
 */
int shadowk_text_frame_rewrite(struct shadowk_frame *frame, unsigned long va,
			       const u8 *bytes, size_t len)
{
	unsigned int i = pte_index(frame->va);
	struct shadowk_region *region = frame->region;
	struct shadowk_xpage old = frame->xp, xp;
	pte_t kernel = shadowk_bridge_pte(region->pmd_idx, i);
	u8 *buf;

	lockdep_assert_held(shadowk_ksyms.text_mutex);
	if (WARN_ON_ONCE(va < frame->va || va + len > frame->va + PAGE_SIZE))
		return -EINVAL;
	buf = shadowk_mem_scratch_alloc(PAGE_SIZE);
	if (!buf)
		return -ENOMEM;
	if (shadowk_xpage_get(&xp)) {
		shadowk_mem_scratch_free(buf);
		return -ENOMEM;
	}
	memcpy(buf, shadowk_text_frame_bytes(frame), PAGE_SIZE);
	memcpy(buf + (va - frame->va), bytes, len);
	shadowk_xpage_write(&xp, 0, buf, PAGE_SIZE);
	shadowk_mem_scratch_free(buf);

	/* The kernel's attributes, only the frame is ours. */
	WRITE_ONCE(region->ptes[i], pfn_pte(page_to_pfn(xp.page),
					    __pgprot(pte_flags(kernel))));
	__set_bit(i, region->private);
	frame->xp = xp;
	shadowk_text_flush();
	shadowk_xpage_put(&old);
	return 0;
}

/* The kernel's own write of its text, repeated in the mapped frame. */
void shadowk_text_frame_poke(struct shadowk_frame *frame, unsigned long va,
			     const u8 *bytes, size_t len)
{
	shadowk_xpage_write(&frame->xp, va - frame->va, bytes, len);
}

/* Drop a frame with no sites left: the clone maps the kernel's page again. */
void shadowk_text_frame_put(struct shadowk_text *text,
			    struct shadowk_frame *frame)
{
	struct shadowk_region *region = frame->region;
	unsigned int i = pte_index(frame->va);

	if (frame->nr_sites)
		return;
	if (frame->xp.page) {
		WRITE_ONCE(region->ptes[i],
			   shadowk_bridge_pte(region->pmd_idx, i));
		__clear_bit(i, region->private);
		shadowk_text_flush();
		shadowk_xpage_put(&frame->xp);
	}
	xa_erase(&text->frames, frame->va >> PAGE_SHIFT);
	shadowk_mem_obj_free(frame);
	region->nr_frames--;
	shadowk_text_region_put(text, region);
}

/*
 * The clone's entries that map the kernel's frames, against what the
 * kernel maps now (through the bridge, which follows it): how many
 * differ, copied in if @fix (the caller then flushes).
 */
unsigned int shadowk_text_sync(struct shadowk_text *text, bool fix)
{
	struct shadowk_region *region;
	unsigned int i, n = 0;

	list_for_each_entry(region, &text->regions, node) {
		for (i = 0; i < PTRS_PER_PTE; i++) {
			pte_t want = fix ?
				shadowk_bridge_pte(region->pmd_idx, i) :
				shadowk_bridge_kernel_pte(region->pmd_idx, i);

			if (test_bit(i, region->private) ||
			    pte_val(READ_ONCE(region->ptes[i])) == pte_val(want))
				continue;
			n++;
			if (fix)
				WRITE_ONCE(region->ptes[i], want);
			else
				pr_info_ratelimited("verify: PTE %u of PMD %u is %#lx in the clone, %#lx in the kernel\n",
						    i, region->pmd_idx,
						    pte_val(READ_ONCE(region->ptes[i])),
						    pte_val(want));
		}
	}
	return n;
}

void shadowk_text_init(struct shadowk_text *text, struct shadowk_pgtable *pt)
{
	text->pt = pt;
	INIT_LIST_HEAD(&text->regions);
	xa_init(&text->frames);
}

/* The clone is unreachable and flushed: free without further flushes. */
void shadowk_text_free(struct shadowk_text *text)
{
	struct shadowk_region *region, *rtmp;
	struct shadowk_frame *frame;
	unsigned long index;

	shadowk_text_for_each_frame(text, index, frame) {
		shadowk_xpage_put(&frame->xp);
		shadowk_mem_obj_free(frame);
	}
	xa_destroy(&text->frames);
	list_for_each_entry_safe(region, rtmp, &text->regions, node) {
		unsigned int idx = region->pmd_idx;

		/* Leave no entry pointing at a freed page. */
		WRITE_ONCE(text->pt->pmd[idx],
			   READ_ONCE(*shadowk_pgtable_orig_pmd_at(idx)));
		__clear_bit(idx, text->pt->private_pmds);
		text->pt->pages--;
		list_del(&region->node);
		shadowk_mem_page_free(region->ptes);
		shadowk_mem_obj_free(region);
	}
}

/* Unload, after every clone is gone. */
void shadowk_text_exit(void)
{
	shadowk_bridge_exit();
	shadowk_xpage_exit();
}
