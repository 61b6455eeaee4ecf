/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOWK_SITE_H
#define _SHADOWK_SITE_H

/* What the trampoline does after shadowk_site_dispatch() returns. */
#define SHADOWK_TRAMP_CONTINUE	0	/* back into the function */
#define SHADOWK_TRAMP_CALL	1	/* as if the site called regs->r11 */
#define SHADOWK_TRAMP_RETURN	2	/* return regs->ax from the function */
#define SHADOWK_TRAMP_JMP	3	/* as if the site jumped to regs->r11 */
#define SHADOWK_TRAMP_REDIRECT	4	/* call regs->r11, then redirect exit */
#define SHADOWK_TRAMP_RESTART	5	/* run the site again, in today's view */

#define SHADOWK_SITE_LEN	5	/* call rel32, and the fentry NOP */

#ifndef __ASSEMBLY__

#include <linux/init.h>
#include <linux/list.h>
#include <linux/rcupdate.h>
#include <linux/types.h>

struct mm_struct;
struct shadowk_clone;
struct shadowk_frame;
struct shadowk_injection;
struct shadowk_probe;
struct shadowk_redirect;
struct shadowk_ucmd;

/* Registers the trampoline saved, lowest address first. */
struct shadowk_tramp_regs {
	unsigned long r11, r10, r9, r8, di, si, dx, cx, ax;
	unsigned long bp;
	unsigned long ip;		/* the site + 5 */
	unsigned long parent_ip;	/* the function's return address */
};

struct shadowk_site {
	struct list_head node;		/* clone->sites, under text_mutex */
	struct hlist_node hnode;	/* dispatch table, RCU */
	struct shadowk_clone *clone;
	unsigned long addr;
	struct shadowk_frame *frame;
	/*
	 * Its users; the site is given back to the kernel when the last one
	 * goes.  Set under text_mutex, read locklessly by dispatch.
	 */
	bool raw;			/* SHADOWK_IOC_SITE_ADD */
	struct shadowk_probe *probe;
	struct shadowk_injection *inject;
	struct shadowk_redirect *redirect;
	/* SHADOWK_IOC_SITE_ADD's parameters. */
	u32 action;
	u32 flags;
	long value;
	/* The kernel's bytes at the site, kept current by poke.c. */
	u8 kernel_insn[SHADOWK_SITE_LEN];
	/* The last complete instruction of them, packed; read locklessly. */
	u64 chain_insn;
	bool displaced;		/* the kernel's bytes are in the frame */
	struct rcu_head rcu;
};

int shadowk_site_add(struct shadowk_ucmd *ucmd);
int shadowk_site_del(struct shadowk_ucmd *ucmd);

/*
 * A change to sites: the locks they change under, a spare site in case
 * one must be installed, and the sites given back, freed at the end after
 * a grace period.  Every user of a site (probe, injection, redirection)
 * changes it this way:
 *
 *	err = shadowk_site_txn_begin(&txn, may_install);
 *	site = shadowk_site_claim(&txn, clone, addr, &err);
 *	... set or clear the site's pointer to the user ...
 *	shadowk_site_release(&txn, site);	(when clearing)
 *	shadowk_site_txn_end(&txn);
 *	... a user cleared from a site may now be freed ...
 */
struct shadowk_site_txn {
	struct shadowk_site *spare;
	struct list_head gone;
	bool cleared;		/* a user was cleared: wait a grace period */
};

int shadowk_site_txn_begin(struct shadowk_site_txn *txn, bool may_install);
void shadowk_site_txn_end(struct shadowk_site_txn *txn);
int shadowk_site_target(u32 clone_id, u64 addr, const char *symbol,
			struct shadowk_clone **clonep, unsigned long *sitep);
int shadowk_site_target_change(u32 clone_id, u64 addr, const char *symbol,
			       struct shadowk_clone **clonep,
			       unsigned long *sitep);
bool shadowk_site_is_syscall(const char *symbol, unsigned long site);
struct shadowk_site *shadowk_site_claim(struct shadowk_site_txn *txn,
					struct shadowk_clone *clone,
					unsigned long addr, int *err);
void shadowk_site_release(struct shadowk_site_txn *txn,
			  struct shadowk_site *site);

struct shadowk_site *shadowk_site_at(struct shadowk_clone *clone,
				     unsigned long addr);
void shadowk_site_kernel_wrote(struct shadowk_site *site);
void shadowk_site_reown_later(struct shadowk_site *site);
void shadowk_site_clone_free(struct shadowk_clone *clone);
void shadowk_site_settle(void);

unsigned long shadowk_site_dispatch(struct shadowk_tramp_regs *regs);
/* tramp.S; called only from owned sites. */
void shadowk_tramp(void);

int __init shadowk_site_init(void);
void shadowk_site_exit(void);

#endif /* __ASSEMBLY__ */
#endif /* _SHADOWK_SITE_H */
