// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's own mapping of its text, and the bridge view.
 *
 * The kernel maps its text with 2 MiB pages, global unless PTI is on.
 * shadowk leaves them 2 MiB, so that unbound processes keep their TLB
 * reach, and only clears the global bit in a 2 MiB region where some clone
 * differs: a global translation would survive a CR3 switch from one view
 * to another.  A clone maps such a region with a 4 KiB PTE page of its own
 * (text.c).
 *
 * Moving a live address space from the kernel's view to a clone's would
 * change at once, for the clone's private pages, the page size and the
 * frame: the condition of the iTLB-multihit erratum, which a TLB holding
 * both translations at an instruction fetch turns into a machine check.
 * The bridge is a third view in between: the kernel's own frames and
 * attributes, mapped with 4 KiB pages in every region any clone has made
 * private.  Kernel to bridge changes only page sizes, bridge to clone only
 * frames, and an all-CPU flush between the steps means no TLB ever holds
 * both kinds (switch.c).  The bridge's PTE pages are also what a clone's
 * region starts from.
 *
 * One bridge serves all clones: made with the first region, freed at
 * unload, changed under text_mutex.  The kernel can change its entries
 * under shadowk (page-attribute changes split a large page or change a
 * 4 KiB one): shadowk's own writes to the kernel's tables take the locks
 * the kernel's page-attribute code takes, cpa_lock then pgd_lock; the
 * bridge and the clones follow the kernel's changes at the next change of
 * any clone's text (shadowk_bridge_sync()), and VERIFY counts what they
 * have not followed yet.  At unload the global bit goes back only where
 * an entry is still what shadowk left.
 */

#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/pgtable.h>
#include <linux/spinlock.h>

#include "bridge.h"
#include "ksyms.h"
#include "mem.h"
#include "pgtable.h"
#include "stats.h"
#include "tlb.h"

struct shadowk_bridge_region {
	pte_t *ptes;		/* the kernel's mapping at 4 KiB, never global */
	bool large;		/* the kernel maps the region with one PMD */
	pmd_t cleared_pmd;	/* large: the kernel's PMD as shadowk left it */
	bool pmd_was_global;
	DECLARE_BITMAP(pte_was_global, PTRS_PER_PTE);	/* not large */
};

static struct shadowk_bridge_region *shadowk_bridge_regions[PTRS_PER_PMD];
static struct shadowk_pgtable shadowk_bridge_pt;
static bool shadowk_bridge_made;

static pte_t *shadowk_bridge_pte_page(pmd_t pmd)
{
	return (pte_t *)__va(pmd_val(pmd) & PTE_PFN_MASK);
}

/*
 * What the kernel maps at entry @i of the region its PMD entry @pmd
 * covers, as a 4 KiB, non-global entry.
 */
static pte_t shadowk_bridge_from_kernel(pmd_t pmd, unsigned int i)
{
	pte_t pte;

	if (!pmd_present(pmd))
		return __pte(0);
	if (pmd_leaf(pmd)) {
		pgprot_t prot = pgprot_large_2_4k(__pgprot(pmd_flags(pmd) &
							   ~_PAGE_PSE));

		pte = pfn_pte(pmd_pfn(pmd) + i, prot);
	} else {
		pte = READ_ONCE(shadowk_bridge_pte_page(pmd)[i]);
	}
	return pte_clear_flags(pte, _PAGE_GLOBAL);
}

/* Under the kernel's page-attribute locks: no entry changes under us. */
static void shadowk_bridge_lock_kernel(void)
	__acquires(shadowk_ksyms.cpa_lock) __acquires(shadowk_ksyms.pgd_lock)
{
	spin_lock(shadowk_ksyms.cpa_lock);
	spin_lock(shadowk_ksyms.pgd_lock);
}

static void shadowk_bridge_unlock_kernel(void)
	__releases(shadowk_ksyms.pgd_lock) __releases(shadowk_ksyms.cpa_lock)
{
	spin_unlock(shadowk_ksyms.pgd_lock);
	spin_unlock(shadowk_ksyms.cpa_lock);
}

/* Clear the global bit of the kernel's mapping of region @idx. */
static void shadowk_bridge_kernel_nonglobal(struct shadowk_bridge_region *r,
					    unsigned int idx)
{
	pmd_t *pmdp = shadowk_pgtable_orig_pmd_at(idx);
	pmd_t pmd;
	unsigned int i;

	shadowk_bridge_lock_kernel();
	pmd = READ_ONCE(*pmdp);
	r->large = pmd_leaf(pmd);
	if (r->large) {
		r->pmd_was_global = pmd_flags(pmd) & _PAGE_GLOBAL;
		r->cleared_pmd = __pmd(pmd_val(pmd) & ~_PAGE_GLOBAL);
		if (r->pmd_was_global) {
			WRITE_ONCE(*pmdp, r->cleared_pmd);
			shadowk_stats_add(SHADOWK_STAT_KERNEL_PMDS, 1);
		}
	} else if (pmd_present(pmd)) {
		pte_t *ptes = shadowk_bridge_pte_page(pmd);

		for (i = 0; i < PTRS_PER_PTE; i++) {
			pte_t pte = READ_ONCE(ptes[i]);

			if (!(pte_flags(pte) & _PAGE_GLOBAL))
				continue;
			__set_bit(i, r->pte_was_global);
			WRITE_ONCE(ptes[i], pte_clear_flags(pte, _PAGE_GLOBAL));
			shadowk_stats_add(SHADOWK_STAT_KERNEL_PTES, 1);
		}
	}
	pmd = READ_ONCE(*pmdp);
	for (i = 0; i < PTRS_PER_PTE; i++)
		r->ptes[i] = shadowk_bridge_from_kernel(pmd, i);
	shadowk_bridge_unlock_kernel();
}

/*
 * Make region @idx one where clones may differ.  Returns 1 if it was not
 * yet: the caller then makes every clone copy the kernel's changed entry
 * and flushes every CPU before any clone maps the region privately.
 */
int shadowk_bridge_prepare(unsigned int idx)
{
	struct shadowk_bridge_region *r;
	int err;

	lockdep_assert_held(shadowk_ksyms.text_mutex);
	if (shadowk_bridge_regions[idx])
		return 0;
	if (!shadowk_bridge_made) {
		err = shadowk_pgtable_clone(&shadowk_bridge_pt);
		if (err)
			return err;
		shadowk_bridge_made = true;
	}
	r = shadowk_mem_obj_alloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	r->ptes = shadowk_mem_page_alloc(GFP_KERNEL);
	if (!r->ptes) {
		shadowk_mem_obj_free(r);
		return -ENOMEM;
	}
	shadowk_bridge_kernel_nonglobal(r, idx);
	shadowk_bridge_regions[idx] = r;
	/* Same frames as the kernel: only the page size differs. */
	WRITE_ONCE(shadowk_bridge_pt.pmd[idx],
		   __pmd(__pa(r->ptes) | _KERNPG_TABLE));
	__set_bit(idx, shadowk_bridge_pt.private_pmds);
	shadowk_bridge_pt.pages++;
	shadowk_pgtable_sync(&shadowk_bridge_pt);
	return 1;
}

bool shadowk_bridge_prepared(unsigned int idx)
{
	return shadowk_bridge_regions[idx];
}

/* The top-level entry of the bridge, or of the kernel if there is none. */
pgd_t shadowk_bridge_top(void)
{
	return shadowk_bridge_made ? shadowk_bridge_pt.top :
				     shadowk_pgtable_original();
}

/* Entry @i of prepared region @idx: the kernel's frame, at 4 KiB. */
pte_t shadowk_bridge_pte(unsigned int idx, unsigned int i)
{
	return READ_ONCE(shadowk_bridge_regions[idx]->ptes[i]);
}

/* What the kernel maps now at entry @i of prepared region @idx. */
pte_t shadowk_bridge_kernel_pte(unsigned int idx, unsigned int i)
{
	return shadowk_bridge_from_kernel(READ_ONCE(*shadowk_pgtable_orig_pmd_at(idx)),
					  i);
}

/*
 * Follow what the kernel changed in its own entries since: returns how
 * many of the bridge's entries changed (the caller flushes).
 */
unsigned int shadowk_bridge_sync(void)
{
	unsigned int idx, i, n = 0;

	lockdep_assert_held(shadowk_ksyms.text_mutex);
	if (!shadowk_bridge_made)
		return 0;
	n += shadowk_pgtable_sync(&shadowk_bridge_pt);
	for (idx = 0; idx < PTRS_PER_PMD; idx++) {
		struct shadowk_bridge_region *r = shadowk_bridge_regions[idx];

		if (!r)
			continue;
		for (i = 0; i < PTRS_PER_PTE; i++) {
			pte_t pte = shadowk_bridge_kernel_pte(idx, i);

			if (pte_val(READ_ONCE(r->ptes[i])) == pte_val(pte))
				continue;
			WRITE_ONCE(r->ptes[i], pte);
			n++;
		}
	}
	return n;
}

/*
 * Unload, every clone gone and every address space back on the kernel's
 * entry: give the kernel its global bits back where its entries are still
 * what shadowk left, and free the bridge.
 */
void shadowk_bridge_exit(void)
{
	unsigned int idx, i;

	if (!shadowk_bridge_made)
		return;
	mutex_lock(shadowk_ksyms.text_mutex);
	shadowk_bridge_lock_kernel();
	for (idx = 0; idx < PTRS_PER_PMD; idx++) {
		struct shadowk_bridge_region *r = shadowk_bridge_regions[idx];
		pmd_t *pmdp = shadowk_pgtable_orig_pmd_at(idx);
		pmd_t pmd;

		if (!r)
			continue;
		pmd = READ_ONCE(*pmdp);
		if (r->large) {
			if (!r->pmd_was_global)
				continue;
			shadowk_stats_add(SHADOWK_STAT_KERNEL_PMDS, -1);
			/* Changed by the kernel since: its entry, as it is. */
			if (pmd_val(pmd) == pmd_val(r->cleared_pmd))
				WRITE_ONCE(*pmdp,
					   __pmd(pmd_val(pmd) | _PAGE_GLOBAL));
		} else if (pmd_present(pmd) && !pmd_leaf(pmd)) {
			pte_t *ptes = shadowk_bridge_pte_page(pmd);

			for_each_set_bit(i, r->pte_was_global, PTRS_PER_PTE) {
				pte_t pte = READ_ONCE(ptes[i]);

				shadowk_stats_add(SHADOWK_STAT_KERNEL_PTES, -1);
				if (pte_present(pte))
					WRITE_ONCE(ptes[i],
						   pte_set_flags(pte, _PAGE_GLOBAL));
			}
		}
	}
	shadowk_bridge_unlock_kernel();
	/*
	 * A global bit needs no flush to come back; but CPUs may still cache
	 * walks through the bridge's tables, which are freed next.
	 */
	shadowk_tlb_flush_all();
	for (idx = 0; idx < PTRS_PER_PMD; idx++) {
		struct shadowk_bridge_region *r = shadowk_bridge_regions[idx];

		if (!r)
			continue;
		shadowk_mem_page_free(r->ptes);
		shadowk_mem_obj_free(r);
		shadowk_bridge_regions[idx] = NULL;
	}
	shadowk_pgtable_free(&shadowk_bridge_pt);
	shadowk_bridge_made = false;
	mutex_unlock(shadowk_ksyms.text_mutex);
}
