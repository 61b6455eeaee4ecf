/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOWK_TEXT_H
#define _SHADOWK_TEXT_H

#include <linux/bitmap.h>
#include <linux/list.h>
#include <linux/pgtable.h>
#include <linux/types.h>

#include "xpage.h"

struct shadowk_clone;

/* A 2 MiB text region that a clone maps with its own PTE page. */
struct shadowk_region {
	struct list_head node;		/* clone->regions */
	unsigned int pmd_idx;
	pte_t *ptes;
	unsigned int nr_frames;
	DECLARE_BITMAP(private, PTRS_PER_PTE);	/* entries of mapped frames */
};

/* A 4 KiB text page that a clone has copied. */
struct shadowk_frame {
	struct list_head node;		/* clone->frames */
	unsigned long va;		/* page-aligned */
	struct shadowk_xpage xp;	/* the private copy; no page: unmapped */
	struct shadowk_region *region;
	unsigned int nr_sites;
};

/* Under text_mutex. */
struct shadowk_frame *shadowk_text_frame_get(struct shadowk_clone *clone,
					     unsigned long va);
struct shadowk_frame *shadowk_text_frame_find(struct shadowk_clone *clone,
					      unsigned long va);
int shadowk_text_frame_rewrite(struct shadowk_frame *frame, unsigned long va,
			       const u8 *bytes, size_t len);
void shadowk_text_frame_poke(struct shadowk_frame *frame, unsigned long va,
			     const u8 *bytes, size_t len);
const u8 *shadowk_text_frame_bytes(struct shadowk_frame *frame);
void shadowk_text_frame_put(struct shadowk_clone *clone,
			    struct shadowk_frame *frame);
unsigned int shadowk_text_sync(struct shadowk_clone *clone, bool fix);
void shadowk_text_clone_free(struct shadowk_clone *clone);
void shadowk_text_flush(void);

const u8 *shadowk_text_original(unsigned long va);

void shadowk_text_exit(void);

#endif /* _SHADOWK_TEXT_H */
