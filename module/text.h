/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOWK_TEXT_H
#define _SHADOWK_TEXT_H

#include <linux/bitmap.h>
#include <linux/list.h>
#include <linux/pgtable.h>
#include <linux/types.h>
#include <linux/xarray.h>

#include "pgtable.h"
#include "xpage.h"

/*
 * A clone's private text: the 2 MiB regions it maps with PTE pages of its
 * own and the 4 KiB frames it copied, and the tables they hang from.
 * Under text_mutex (and the clone lock to change them).
 */
struct shadowk_text {
	struct shadowk_pgtable *pt;
	struct list_head regions;	/* struct shadowk_region */
	struct xarray frames;		/* struct shadowk_frame, by page */
};

/* A 2 MiB text region that a clone maps with its own PTE page. */
struct shadowk_region {
	struct list_head node;		/* shadowk_text.regions */
	unsigned int pmd_idx;
	pte_t *ptes;
	unsigned int nr_frames;
	DECLARE_BITMAP(private, PTRS_PER_PTE);	/* entries of mapped frames */
};

/* A 4 KiB text page that a clone has copied. */
struct shadowk_frame {
	unsigned long va;		/* page-aligned */
	struct shadowk_xpage xp;	/* the private copy; no page: unmapped */
	struct shadowk_region *region;
	struct list_head sites;		/* site.c's, in this page */
	unsigned int nr_sites;
};

/* Under text_mutex: each of @text's frames. */
#define shadowk_text_for_each_frame(text, index, frame) \
	xa_for_each(&(text)->frames, index, frame)

/* Under text_mutex. */
struct shadowk_frame *shadowk_text_frame_get(struct shadowk_text *text,
					     unsigned long va);
struct shadowk_frame *shadowk_text_frame_find(struct shadowk_text *text,
					      unsigned long va);
int shadowk_text_frame_rewrite(struct shadowk_frame *frame, unsigned long va,
			       const u8 *bytes, size_t len);
void shadowk_text_frame_poke(struct shadowk_frame *frame, unsigned long va,
			     const u8 *bytes, size_t len);
const u8 *shadowk_text_frame_bytes(struct shadowk_frame *frame);
void shadowk_text_frame_put(struct shadowk_text *text,
			    struct shadowk_frame *frame);
unsigned int shadowk_text_sync(struct shadowk_text *text, bool fix);
void shadowk_text_init(struct shadowk_text *text,
		       struct shadowk_pgtable *pt);
void shadowk_text_free(struct shadowk_text *text);
void shadowk_text_flush(void);

const u8 *shadowk_text_original(unsigned long va);

void shadowk_text_exit(void);

#endif /* _SHADOWK_TEXT_H */
