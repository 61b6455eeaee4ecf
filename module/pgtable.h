/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOWK_PGTABLE_H
#define _SHADOWK_PGTABLE_H

#include <linux/init.h>
#include <linux/list.h>
#include <linux/pgtable.h>
#include <linux/types.h>

#include <asm/processor.h>

/*
 * A clone's private top of the kernel-image page-table chain.  Binding an
 * address space means pointing its top-level kernel-image entry at @top.
 */
struct shadowk_pgtable {
	pgd_t top;
	p4d_t *p4d;	/* private P4D page with 5-level paging, else NULL */
	pud_t *pud;	/* private PUD page */
	pmd_t *pmd;	/* private PMD page covering the kernel image */
	unsigned int pages;
	/* PMD entries pointing at the clone's own PTE pages (see text.c). */
	DECLARE_BITMAP(private_pmds, PTRS_PER_PMD);
	struct list_head node;	/* the tables that follow the kernel's */
};

struct shadowk_pgtable_diff {
	u64 entries;
};

int shadowk_pgtable_clone(struct shadowk_pgtable *pt);
void shadowk_pgtable_free(struct shadowk_pgtable *pt);
unsigned int shadowk_pgtable_sync(struct shadowk_pgtable *pt);
/* Under text_mutex: the tables sync_all keeps up with the kernel's. */
void shadowk_pgtable_track(struct shadowk_pgtable *pt);
void shadowk_pgtable_untrack(struct shadowk_pgtable *pt);
unsigned int shadowk_pgtable_sync_all(void);
void shadowk_pgtable_verify(struct shadowk_pgtable *pt,
			    struct shadowk_pgtable_diff *diff);

pgd_t *shadowk_pgtable_mm_entry(struct mm_struct *mm);

/* Index of the kernel image's entry in a top-level page table. */
extern unsigned int shadowk_pgtable_top_index;

/*
 * The kernel-image entry of the page tables this CPU runs on now: what
 * decides which view its instruction fetches see, whoever current is.
 */
static __always_inline u64 shadowk_pgtable_loaded(void)
{
	pgd_t *pgd = __va(read_cr3_pa());

	return pgd_val(READ_ONCE(pgd[shadowk_pgtable_top_index]));
}
pmd_t *shadowk_pgtable_orig_pmd(unsigned long va);
pmd_t *shadowk_pgtable_orig_pmd_at(unsigned int idx);
void shadowk_pgtable_text_pmds(unsigned int *large, unsigned int *total);
unsigned int shadowk_pgtable_pmd_index(unsigned long va);
pgd_t shadowk_pgtable_original(void);

int __init shadowk_pgtable_init(void);

#endif /* _SHADOWK_PGTABLE_H */
