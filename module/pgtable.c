// SPDX-License-Identifier: GPL-2.0
/*
 * Page tables of clones.
 *
 * The kernel image sits under one top-level entry that every address space
 * copies from init_mm: pgd -> [P4D with 5-level paging] -> PUD -> the PMD
 * page whose entries map text, rodata and data in 2 MiB pages (or PTE
 * pages where the kernel split them).  A clone copies that chain's pages
 * (two with 4-level paging, three with 5-level) and nothing below them, so
 * that it maps the kernel's own frames until something in it is patched.
 * Everything else under those pages (modules, fixmap, ESPFIX, the CPU entry
 * area) stays shared, because the copies point at the same lower tables.
 *
 * The kernel may still change its PMD entries after a clone copied them
 * (page-attribute changes split large pages); shadowk_pgtable_sync() copies
 * such changes into a clone and shadowk_pgtable_verify() counts them.
 */

#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/mm_types.h>
#include <linux/mutex.h>
#include <linux/pgtable.h>

#include <asm/pgalloc.h>

#include "ksyms.h"
#include "mem.h"
#include "pgtable.h"

/* The kernel's own chain for the image, found once at load. */
static struct {
	unsigned long addr;
	pgd_t *pgdp;		/* init_mm's top-level entry */
	p4d_t *p4d_page;	/* 5-level only */
	pud_t *pud_page;
	pmd_t *pmd_page;
	unsigned int p4d_idx, pud_idx;
} shadowk_pgtable_orig __ro_after_init;

unsigned int shadowk_pgtable_top_index __ro_after_init;

#define PAGE_OF(p) ((void *)((unsigned long)(p) & PAGE_MASK))

int __init shadowk_pgtable_init(void)
{
	unsigned long addr = (unsigned long)shadowk_ksyms.stext;
	pgd_t *pgdp = pgd_offset_pgd(shadowk_ksyms.init_mm->pgd, addr);
	p4d_t *p4dp;
	pud_t *pudp;

	if (pgd_none(*pgdp) || pgd_bad(*pgdp))
		goto bad;
	p4dp = p4d_offset(pgdp, addr);
	if (p4d_none(*p4dp) || p4d_bad(*p4dp))
		goto bad;
	pudp = pud_offset(p4dp, addr);
	if (pud_none(*pudp) || pud_bad(*pudp) || pud_leaf(*pudp))
		goto bad;

	shadowk_pgtable_orig.addr = addr;
	shadowk_pgtable_orig.pgdp = pgdp;
	shadowk_pgtable_top_index = pgd_index(addr);
	if (pgtable_l5_enabled()) {
		shadowk_pgtable_orig.p4d_page = PAGE_OF(p4dp);
		shadowk_pgtable_orig.p4d_idx = p4d_index(addr);
	}
	shadowk_pgtable_orig.pud_page = PAGE_OF(pudp);
	shadowk_pgtable_orig.pud_idx = pud_index(addr);
	shadowk_pgtable_orig.pmd_page = PAGE_OF(pmd_offset(pudp, addr));
	return 0;
bad:
	pr_err("refusing to load: the kernel image is not mapped the way shadowk expects\n");
	return -EOPNOTSUPP;
}

pgd_t shadowk_pgtable_original(void)
{
	return READ_ONCE(*shadowk_pgtable_orig.pgdp);
}

pmd_t *shadowk_pgtable_orig_pmd(unsigned long va)
{
	return &shadowk_pgtable_orig.pmd_page[pmd_index(va)];
}

pmd_t *shadowk_pgtable_orig_pmd_at(unsigned int idx)
{
	return &shadowk_pgtable_orig.pmd_page[idx];
}

/* The kernel's PMD entries that map core text, and how many are large. */
void shadowk_pgtable_text_pmds(unsigned int *large, unsigned int *total)
{
	unsigned long va = (unsigned long)shadowk_ksyms.stext & PMD_MASK;
	unsigned long end = (unsigned long)shadowk_ksyms.etext;

	*large = 0;
	*total = 0;
	for (; va < end; va += PMD_SIZE) {
		(*total)++;
		if (pmd_leaf(READ_ONCE(*shadowk_pgtable_orig_pmd(va))))
			(*large)++;
	}
}

unsigned int shadowk_pgtable_pmd_index(unsigned long va)
{
	return pmd_index(va);
}

pgd_t *shadowk_pgtable_mm_entry(struct mm_struct *mm)
{
	return pgd_offset_pgd(mm->pgd, shadowk_pgtable_orig.addr);
}

static void *shadowk_pgtable_copy(const void *orig)
{
	u64 *page = shadowk_mem_page_alloc(GFP_KERNEL_ACCOUNT);
	const u64 *src = orig;
	unsigned int i;

	if (!page)
		return NULL;
	for (i = 0; i < PTRS_PER_PMD; i++)
		page[i] = READ_ONCE(src[i]);
	return page;
}

int shadowk_pgtable_clone(struct shadowk_pgtable *pt)
{
	unsigned int pud_idx = shadowk_pgtable_orig.pud_idx;
	pud_t orig_pud;

	memset(pt, 0, sizeof(*pt));
	INIT_LIST_HEAD(&pt->node);
	pt->pmd = shadowk_pgtable_copy(shadowk_pgtable_orig.pmd_page);
	pt->pud = shadowk_pgtable_copy(shadowk_pgtable_orig.pud_page);
	if (!pt->pmd || !pt->pud)
		goto nomem;
	pt->pages = 2;

	/* Same entry flags (and memory-encryption bit), our own page. */
	orig_pud = READ_ONCE(shadowk_pgtable_orig.pud_page[pud_idx]);
	WRITE_ONCE(pt->pud[pud_idx],
		   __pud(__pa(pt->pmd) | pud_flags(orig_pud)));

	if (pgtable_l5_enabled()) {
		unsigned int p4d_idx = shadowk_pgtable_orig.p4d_idx;
		p4d_t orig_p4d;

		pt->p4d = shadowk_pgtable_copy(shadowk_pgtable_orig.p4d_page);
		if (!pt->p4d)
			goto nomem;
		pt->pages++;
		orig_p4d = READ_ONCE(shadowk_pgtable_orig.p4d_page[p4d_idx]);
		WRITE_ONCE(pt->p4d[p4d_idx],
			   __p4d(__pa(pt->pud) | p4d_flags(orig_p4d)));
		pt->top = __pgd(__pa(pt->p4d) |
				pgd_flags(shadowk_pgtable_original()));
	} else {
		pt->top = __pgd(__pa(pt->pud) |
				pgd_flags(shadowk_pgtable_original()));
	}
	return 0;
nomem:
	shadowk_pgtable_free(pt);
	return -ENOMEM;
}

/* Only once no address space points at @pt and every CPU has flushed. */
void shadowk_pgtable_free(struct shadowk_pgtable *pt)
{
	shadowk_mem_page_free(pt->p4d);
	shadowk_mem_page_free(pt->pud);
	shadowk_mem_page_free(pt->pmd);
	memset(pt, 0, sizeof(*pt));
}

/*
 * Walk the shared entries of one copied level: @priv is the index the
 * clone points at its own page (or -1), @fix copies differences in.
 */
static unsigned int shadowk_pgtable_cmp(u64 *copy, const u64 *orig, int priv,
					const unsigned long *privmap, bool fix,
					const char *level)
{
	unsigned int i, n = 0;

	for (i = 0; i < PTRS_PER_PMD; i++) {
		u64 o = READ_ONCE(orig[i]);

		if (i == priv || (privmap && test_bit(i, privmap)) ||
		    READ_ONCE(copy[i]) == o)
			continue;
		n++;
		if (fix)
			WRITE_ONCE(copy[i], o);
		else if (level)
			/* VERIFY expects none: say which, for a report. */
			pr_info_ratelimited("verify: %s entry %u is %#llx in the clone, %#llx in the kernel\n",
					    level, i, READ_ONCE(copy[i]), o);
	}
	return n;
}

static unsigned int shadowk_pgtable_walk(struct shadowk_pgtable *pt, bool fix)
{
	unsigned int n;

	n = shadowk_pgtable_cmp((u64 *)pt->pmd,
				(u64 *)shadowk_pgtable_orig.pmd_page, -1,
				pt->private_pmds, fix, "PMD");
	n += shadowk_pgtable_cmp((u64 *)pt->pud,
				 (u64 *)shadowk_pgtable_orig.pud_page,
				 shadowk_pgtable_orig.pud_idx, NULL, fix, "PUD");
	if (pt->p4d)
		n += shadowk_pgtable_cmp((u64 *)pt->p4d,
					 (u64 *)shadowk_pgtable_orig.p4d_page,
					 shadowk_pgtable_orig.p4d_idx, NULL, fix,
					 "P4D");
	return n;
}

/* Returns how many entries changed; the caller must then flush. */
unsigned int shadowk_pgtable_sync(struct shadowk_pgtable *pt)
{
	return shadowk_pgtable_walk(pt, true);
}

static LIST_HEAD(shadowk_pgtable_tracked);

void shadowk_pgtable_track(struct shadowk_pgtable *pt)
{
	lockdep_assert_held(shadowk_ksyms.text_mutex);
	list_add_tail(&pt->node, &shadowk_pgtable_tracked);
}

void shadowk_pgtable_untrack(struct shadowk_pgtable *pt)
{
	lockdep_assert_held(shadowk_ksyms.text_mutex);
	list_del_init(&pt->node);
}

/* The kernel's entries changed: every clone's tables copy the change. */
unsigned int shadowk_pgtable_sync_all(void)
{
	struct shadowk_pgtable *pt;
	unsigned int n = 0;

	lockdep_assert_held(shadowk_ksyms.text_mutex);
	list_for_each_entry(pt, &shadowk_pgtable_tracked, node)
		n += shadowk_pgtable_sync(pt);
	return n;
}

void shadowk_pgtable_verify(struct shadowk_pgtable *pt,
			    struct shadowk_pgtable_diff *diff)
{
	diff->entries = shadowk_pgtable_walk(pt, false);
}

#include "selftest/pgtable.c"
