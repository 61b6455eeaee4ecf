/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOWK_SITE_H
#define _SHADOWK_SITE_H

#define SHADOWK_SITE_LEN	5	/* call rel32, and the fentry NOP */

#ifndef __ASSEMBLY__

#include <linux/bits.h>
#include <linux/list.h>
#include <linux/rcupdate.h>
#include <linux/types.h>

struct shadowk_clone;
struct shadowk_frame;
struct shadowk_site;
struct shadowk_site_user;

/*
 * The kinds of user a site can have, a slot each, in the order dispatch
 * asks them (dispatch.c).  A new kind of user adds its slot here and its
 * call in dispatch.c; site.c does not change.
 */
enum shadowk_site_slot {
	SHADOWK_SLOT_PROBE,
	SHADOWK_SLOT_BPF,		/* at entry */
	SHADOWK_SLOT_BPF_RETURN,
	SHADOWK_SLOT_INJECT,
	SHADOWK_SLOT_REDIRECT,
	SHADOWK_SLOT_RAW,		/* SHADOWK_IOC_SITE_ADD */
	SHADOWK_NR_SLOTS
};

/* A user's cold-path callbacks, each optional (and ops itself). */
struct shadowk_site_user_ops {
	/*
	 * The clone ends and its sites with it: forget what names the user
	 * (an id).  Under the clone lock and text_mutex; ->site is NULL.
	 */
	void (*clone_gone)(struct shadowk_site_user *user);
	/* A grace period after clone_gone: no dispatch call still sees it. */
	void (*free)(struct shadowk_site_user *user);
};

/*
 * What a feature embeds to use a site.  A user that @replaces the
 * function may make the call return without running it (an injection, a
 * redirection, a returning SITE_ADD): a site has at most one, so what a
 * bound process runs is never in doubt.
 */
struct shadowk_site_user {
	const struct shadowk_site_user_ops *ops;
	struct shadowk_site *site;	/* NULL unless attached; clone lock */
	enum shadowk_site_slot slot;
	bool replaces;
	/*
	 * Its id, in one space for every kind (SHADOWK_IOC_*_DEL take it),
	 * while attached; a replacement takes over the id of the user it
	 * replaces.  Set by shadowk_site_attach(), under the clone lock.
	 */
	u32 id;
	/* The name its creator gave the function, or NULL; its own. */
	const char *name;
};

struct shadowk_site {
	struct list_head node;		/* clone->sites, under text_mutex */
	struct hlist_node hnode;	/* shadowk_site_table, RCU */
	struct shadowk_clone *clone;
	unsigned long addr;
	struct shadowk_frame *frame;
	struct list_head frame_node;	/* frame->sites, under text_mutex */
	/*
	 * The site is given back to the kernel when its last user goes.  Set
	 * under the clone lock and text_mutex, read by dispatch under RCU.
	 */
	struct shadowk_site_user __rcu *users[SHADOWK_NR_SLOTS];
	/* The kernel's bytes at the site, kept current by mirror.c. */
	u8 kernel_insn[SHADOWK_SITE_LEN];
	/* The last complete instruction of them, packed; read locklessly. */
	u64 chain_insn;
	bool displaced;		/* the kernel's bytes are in the frame */
};

/*
 * Every clone's sites by address.  Changed under text_mutex; dispatch
 * walks a bucket under RCU with preemption off.
 */
#define SHADOWK_SITE_TABLE_BITS	10
extern struct hlist_head shadowk_site_table[1 << SHADOWK_SITE_TABLE_BITS];

/*
 * A change to sites: the locks it holds, a spare site in case one must be
 * installed, and the sites given back, freed at the end after a grace
 * period.  Every user of a site changes it this way:
 *
 *	err = shadowk_site_txn_begin(&txn, may_install);
 *	err = shadowk_site_attach(&txn, clone, addr, &user, NULL);
 *	   or shadowk_site_detach(&txn, &user);
 *	shadowk_site_txn_end(&txn);
 *	... a user detached may now be freed ...
 */
struct shadowk_site_txn {
	struct shadowk_site *spare;
	struct list_head gone;
	bool cleared;		/* a user was cleared: wait a grace period */
};

int shadowk_site_txn_begin(struct shadowk_site_txn *txn, bool may_install);
void shadowk_site_txn_end(struct shadowk_site_txn *txn);
int shadowk_site_attach(struct shadowk_site_txn *txn,
			struct shadowk_clone *clone, unsigned long addr,
			struct shadowk_site_user *user,
			struct shadowk_site_user **replaced);
void shadowk_site_detach(struct shadowk_site_txn *txn,
			 struct shadowk_site_user *user);
struct shadowk_site_user *shadowk_site_user_find(struct shadowk_clone *clone,
						 unsigned long addr,
						 enum shadowk_site_slot slot);
unsigned int shadowk_site_nr_users(struct shadowk_clone *clone,
				   enum shadowk_site_slot slot);
/* @slots: a mask of BIT(enum shadowk_site_slot). */
struct shadowk_site_user *shadowk_site_user_by_id(u32 id,
						  unsigned long slots);
struct shadowk_site_user *shadowk_site_user_next(struct shadowk_clone *clone,
						 unsigned long slots, u32 *id);
void shadowk_site_user_release(struct shadowk_site_user *user);

struct shadowk_site *shadowk_site_at(struct shadowk_clone *clone,
				     unsigned long addr);
void shadowk_site_kernel_wrote(struct shadowk_site *site);
void shadowk_site_reown_later(struct shadowk_site *site);
void shadowk_site_clone_end(struct shadowk_clone *clone,
			    struct list_head *gone);
void shadowk_site_free_gone(struct list_head *gone);
void shadowk_site_settle(void);

/* tramp.S; called only from owned sites. */
void shadowk_tramp(void);
void shadowk_site_exit(void);

#endif /* __ASSEMBLY__ */
#endif /* _SHADOWK_SITE_H */
