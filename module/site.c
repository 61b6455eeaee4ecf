// SPDX-License-Identifier: GPL-2.0
/*
 * Owned sites: the patching primitive every feature builds on.
 *
 * A clone owns a function's 5-byte entry (fentry) site by mapping a private
 * copy of its page in which the site is "call shadowk_tramp".  The bytes
 * are installed in a draft page and swapped in (text.c), never written
 * into live text, and never with an int3.
 *
 * A site has users (probes, injections, redirections, SITE_ADD), each
 * embedding a struct shadowk_site_user in its own slot; the site is
 * installed for the first and given back to the kernel after the last.
 * This file knows no feature: what the users do at a call is dispatch.c's.
 *
 * Locking: sites and their users change under the clone lock and
 * text_mutex (a transaction); dispatch reads the table and the users under
 * RCU with preemption off, so a site or a user is freed only after a grace
 * period following its removal.
 */

#include <linux/hashtable.h>
#include <linux/idr.h>
#include <linux/mutex.h>
#include <linux/workqueue.h>

#include <asm/nops.h>
#include <asm/text-patching.h>

#include "clone.h"
#include "guard.h"
#include "health.h"
#include "ksyms.h"
#include "mem.h"
#include "site.h"
#include "text.h"

DEFINE_HASHTABLE(shadowk_site_table, SHADOWK_SITE_TABLE_BITS);
/* Every attached user by id, of every kind and clone; clone lock. */
static DEFINE_IDR(shadowk_site_user_idr);
static void shadowk_site_reown(struct work_struct *work);
static DECLARE_WORK(shadowk_site_reown_work, shadowk_site_reown);

static u64 shadowk_site_pack(const u8 insn[SHADOWK_SITE_LEN])
{
	u64 v = 0;

	memcpy(&v, insn, SHADOWK_SITE_LEN);
	return v;
}

/* The kernel wrote at the site: remember its instruction once complete. */
void shadowk_site_kernel_wrote(struct shadowk_site *site)
{
	/* A leading int3 is the kernel's patch in progress; wait for it. */
	if (site->kernel_insn[0] == INT3_INSN_OPCODE)
		return;
	WRITE_ONCE(site->chain_insn, shadowk_site_pack(site->kernel_insn));
}

void shadowk_site_reown_later(struct shadowk_site *site)
{
	site->displaced = true;
	queue_work(system_unbound_wq, &shadowk_site_reown_work);
}

/* Under text_mutex or the clone lock, either of which keeps sites. */
struct shadowk_site *shadowk_site_at(struct shadowk_clone *clone,
				     unsigned long addr)
{
	struct shadowk_site *site;

	hash_for_each_possible(shadowk_site_table, site, hnode, addr)
		if (site->addr == addr && site->clone == clone)
			return site;
	return NULL;
}

/* Is the kernel's instruction one shadowk knows how to follow? */
static bool shadowk_site_insn_known(const u8 *insn)
{
	static const u8 nop5[SHADOWK_SITE_LEN] = { BYTES_NOP5 };

	return !memcmp(insn, nop5, SHADOWK_SITE_LEN) ||
	       insn[0] == CALL_INSN_OPCODE || insn[0] == JMP32_INSN_OPCODE;
}

/* rel32 of "call shadowk_tramp" placed at @site. */
static long shadowk_site_rel(unsigned long site)
{
	unsigned long tramp = (unsigned long)shadowk_tramp;

	/* Keep the compiler from folding this into a reloc to tramp-5. */
	OPTIMIZER_HIDE_VAR(tramp);
	return (long)tramp - (long)(site + SHADOWK_SITE_LEN);
}

/* "call shadowk_tramp", placed at @site. */
static u8 *shadowk_site_call_bytes(unsigned long site, u8 call[SHADOWK_SITE_LEN])
{
	s32 rel = shadowk_site_rel(site);

	call[0] = CALL_INSN_OPCODE;
	memcpy(&call[1], &rel, sizeof(rel));
	return call;
}

static int shadowk_site_install(struct shadowk_clone *clone,
				struct shadowk_site *site)
{
	long rel = shadowk_site_rel(site->addr);
	u8 call[SHADOWK_SITE_LEN];
	struct shadowk_frame *frame;
	int err;

	if (rel != (s32)rel)
		return -ERANGE;
	frame = shadowk_text_frame_get(&clone->text, site->addr);
	if (!frame)
		return -ENOMEM;
	/* The kernel's bytes, through its own mapping. */
	memcpy(site->kernel_insn, shadowk_text_original(site->addr),
	       SHADOWK_SITE_LEN);
	if (!shadowk_site_insn_known(site->kernel_insn)) {
		shadowk_text_frame_put(&clone->text, frame);
		return -EBUSY;
	}
	site->chain_insn = shadowk_site_pack(site->kernel_insn);
	site->frame = frame;
	frame->nr_sites++;
	list_add(&site->frame_node, &frame->sites);
	list_add(&site->node, &clone->sites);
	/* Findable before any CPU can reach the call. */
	hash_add_rcu(shadowk_site_table, &site->hnode, site->addr);
	err = shadowk_text_frame_rewrite(frame, site->addr,
					 shadowk_site_call_bytes(site->addr,
								 call),
					 SHADOWK_SITE_LEN);
	if (err) {
		hash_del_rcu(&site->hnode);
		list_del(&site->node);
		list_del(&site->frame_node);
		frame->nr_sites--;
		shadowk_text_frame_put(&clone->text, frame);
	}
	return err;
}

/*
 * Give the site back to the kernel in this clone: true if done (the caller
 * frees it after a grace period).  The site stays findable until the flush
 * that ends every CPU's use of the call: until then a call can still
 * arrive and must find it.  If no page can be had for the rewrite, the
 * site stays as it is, without users: it does what the kernel does, and
 * goes with the clone.
 */
static bool shadowk_site_uninstall(struct shadowk_clone *clone,
				   struct shadowk_site *site)
{
	struct shadowk_frame *frame = site->frame;

	if (frame->nr_sites > 1 &&
	    shadowk_text_frame_rewrite(frame, site->addr, site->kernel_insn,
				       SHADOWK_SITE_LEN)) {
		pr_warn_ratelimited("out of memory: a site stays installed, doing what the kernel does\n");
		return false;
	}
	list_del(&site->frame_node);
	/* The last site's frame goes: unmapping it brings the kernel's back. */
	if (!--frame->nr_sites)
		shadowk_text_frame_put(&clone->text, frame);
	list_del(&site->node);
	hash_del_rcu(&site->hnode);
	return true;
}

/* @may_install: whether the change may install a site (and so allocate). */
int shadowk_site_txn_begin(struct shadowk_site_txn *txn, bool may_install)
{
	INIT_LIST_HEAD(&txn->gone);
	txn->cleared = false;
	txn->spare = NULL;
	if (may_install) {
		int err = shadowk_health_check();

		if (err)
			return err;
		txn->spare = shadowk_mem_obj_alloc(sizeof(*txn->spare),
						   GFP_KERNEL_ACCOUNT);
		if (!txn->spare)
			return -ENOMEM;
		/*
		 * Before a site can exist: guard.c may be needed from then.
		 * Enabling it patches text, so not under text_mutex.
		 */
		shadowk_guard_site_added();
	}
	shadowk_clone_lock();
	mutex_lock(shadowk_ksyms.text_mutex);
	/* Follow what the kernel changed in its own tables since. */
	shadowk_clone_sync_text();
	return 0;
}

void shadowk_site_txn_end(struct shadowk_site_txn *txn)
{
	struct shadowk_site *site, *tmp;

	mutex_unlock(shadowk_ksyms.text_mutex);
	shadowk_clone_unlock();
	/* No CPU reaches what was cleared now; wait out those in dispatch. */
	if (txn->cleared)
		synchronize_rcu();
	list_for_each_entry_safe(site, tmp, &txn->gone, node) {
		shadowk_mem_obj_free(site);
		shadowk_guard_site_removed();
	}
	if (txn->spare) {
		shadowk_mem_obj_free(txn->spare);
		shadowk_guard_site_removed();
	}
}

/* The user in @slot of @site, for a change to sites. */
static struct shadowk_site_user *
shadowk_site_user(struct shadowk_site *site, enum shadowk_site_slot slot)
{
	return rcu_dereference_protected(site->users[slot],
					 lockdep_is_held(shadowk_ksyms.text_mutex));
}

static bool shadowk_site_unused(struct shadowk_site *site)
{
	enum shadowk_site_slot slot;

	for (slot = 0; slot < SHADOWK_NR_SLOTS; slot++)
		if (shadowk_site_user(site, slot))
			return false;
	return true;
}

/* The last user went: give the site back, freed at the txn's end. */
static void shadowk_site_release(struct shadowk_site_txn *txn,
				 struct shadowk_site *site)
{
	txn->cleared = true;
	if (shadowk_site_unused(site) && shadowk_site_uninstall(site->clone,
								site))
		list_add(&site->node, &txn->gone);
}

/*
 * One replacing user per site, and one user per slot, except that a user
 * given @replaced takes its slot's place (returned there, to be freed by
 * the caller after the txn).
 */
static int shadowk_site_admits(struct shadowk_site *site,
			       struct shadowk_site_user *user,
			       struct shadowk_site_user **replaced)
{
	struct shadowk_site_user *other;
	enum shadowk_site_slot slot;

	for (slot = 0; slot < SHADOWK_NR_SLOTS; slot++) {
		other = shadowk_site_user(site, slot);
		if (!other)
			continue;
		if (slot == user->slot && !replaced)
			return -EBUSY;
		if (slot != user->slot && user->replaces && other->replaces)
			return -EBUSY;
	}
	return 0;
}

/*
 * Attach @user, ready to be seen by dispatch, to @clone's site at @addr,
 * installing the site if it has none.  -EBUSY if the site cannot take it.
 */
int shadowk_site_attach(struct shadowk_site_txn *txn,
			struct shadowk_clone *clone, unsigned long addr,
			struct shadowk_site_user *user,
			struct shadowk_site_user **replaced)
{
	struct shadowk_site_user *old;
	struct shadowk_site *site;
	int err;

	lockdep_assert_held(shadowk_ksyms.text_mutex);
	if (replaced)
		*replaced = NULL;
	if (clone->dead)
		return -ENOENT;
	site = shadowk_site_at(clone, addr);
	if (!site) {
		if (WARN_ON_ONCE(!txn->spare))
			return -ENOENT;
		site = txn->spare;
		site->clone = clone;
		site->addr = addr;
		err = shadowk_site_install(clone, site);
		if (err) {
			/* It may have been findable a moment: a grace period. */
			txn->cleared = true;
			return err;
		}
		txn->spare = NULL;
	}
	err = shadowk_site_admits(site, user, replaced);
	if (err) {
		shadowk_site_release(txn, site);
		return err;
	}
	old = shadowk_site_user(site, user->slot);
	if (old) {
		/* The same function and kind: to its users, the same one. */
		user->id = old->id;
		idr_replace(&shadowk_site_user_idr, user, user->id);
		old->id = 0;
		old->site = NULL;
		txn->cleared = true;
		*replaced = old;
	} else {
		err = shadowk_mem_id_alloc(&shadowk_site_user_idr, user);
		if (err < 0) {
			shadowk_site_release(txn, site);
			return err;
		}
		user->id = err;
		clone->nr_site_users[user->slot]++;
	}
	user->site = site;
	/* Pairs with dispatch's dependent load: a complete user or none. */
	rcu_assign_pointer(site->users[user->slot], user);
	return 0;
}

/* Detach @user; the caller frees it after the txn. */
void shadowk_site_detach(struct shadowk_site_txn *txn,
			 struct shadowk_site_user *user)
{
	struct shadowk_site *site = user->site;

	lockdep_assert_held(shadowk_ksyms.text_mutex);
	if (WARN_ON_ONCE(!site))
		return;
	RCU_INIT_POINTER(site->users[user->slot], NULL);
	site->clone->nr_site_users[user->slot]--;
	idr_remove(&shadowk_site_user_idr, user->id);
	user->id = 0;
	user->site = NULL;
	shadowk_site_release(txn, site);
}

/* The user in @slot of @clone's site at @addr, under the clone lock. */
struct shadowk_site_user *shadowk_site_user_find(struct shadowk_clone *clone,
						 unsigned long addr,
						 enum shadowk_site_slot slot)
{
	struct shadowk_site *site;

	lockdep_assert_held(&shadowk_mutex);
	site = clone->dead ? NULL : shadowk_site_at(clone, addr);
	if (!site)
		return NULL;
	return rcu_dereference_protected(site->users[slot],
					 lockdep_is_held(&shadowk_mutex));
}

/* How many users of @slot @clone's sites have, under the clone lock. */
unsigned int shadowk_site_nr_users(struct shadowk_clone *clone,
				   enum shadowk_site_slot slot)
{
	return clone->nr_site_users[slot];
}

/* The user with @id if it is of a slot in @slots (a mask), clone lock. */
struct shadowk_site_user *shadowk_site_user_by_id(u32 id,
						  unsigned long slots)
{
	struct shadowk_site_user *user;

	lockdep_assert_held(&shadowk_mutex);
	if (!id || id > INT_MAX)
		return NULL;
	user = idr_find(&shadowk_site_user_idr, id);
	return user && (slots & BIT(user->slot)) ? user : NULL;
}

/*
 * @clone's next user of a slot in @slots (a mask) whose id is *@id or
 * more, in id order, with *@id set to its id; NULL at the end.  Under the
 * clone lock.
 */
struct shadowk_site_user *shadowk_site_user_next(struct shadowk_clone *clone,
						 unsigned long slots, u32 *id)
{
	struct shadowk_site_user *user;
	int next = *id;

	lockdep_assert_held(&shadowk_mutex);
	for (; (user = idr_get_next(&shadowk_site_user_idr, &next)); next++) {
		if ((slots & BIT(user->slot)) && user->site &&
		    user->site->clone == clone) {
			*id = next;
			return user;
		}
	}
	return NULL;
}

/* What every user's free does for the parts site.c gave it. */
void shadowk_site_user_release(struct shadowk_site_user *user)
{
	shadowk_mem_obj_free(user->name);
	user->name = NULL;
}

/*
 * A bound process patched one of its own clone's sites, so mirror.c had to
 * let the kernel's bytes into the frame.  Put shadowk's call back now that
 * the kernel is done (it held text_mutex for the whole patch).
 */
static void shadowk_site_reown(struct work_struct *work)
{
	struct shadowk_site *site;
	unsigned int bkt;

	shadowk_clone_lock();
	mutex_lock(shadowk_ksyms.text_mutex);
	hash_for_each(shadowk_site_table, bkt, site, hnode) {
		u8 call[SHADOWK_SITE_LEN];

		/* Without memory it stays displaced: the kernel's. */
		if (site->displaced &&
		    !shadowk_text_frame_rewrite(site->frame, site->addr,
						shadowk_site_call_bytes(site->addr, call),
						SHADOWK_SITE_LEN))
			site->displaced = false;
	}
	mutex_unlock(shadowk_ksyms.text_mutex);
	shadowk_clone_unlock();
}

/*
 * The clone ends, after every mm is unbound and flushed: nothing can
 * execute its text any more, except dispatch calls already under way.
 * Its sites leave the table and their users are told; the caller frees
 * them with shadowk_site_free_gone() once it has dropped the locks.
 */
void shadowk_site_clone_end(struct shadowk_clone *clone,
			    struct list_head *gone)
{
	struct shadowk_site_user *user;
	enum shadowk_site_slot slot;
	struct shadowk_site *site, *tmp;

	lockdep_assert_held(shadowk_ksyms.text_mutex);
	list_for_each_entry_safe(site, tmp, &clone->sites, node) {
		hash_del_rcu(&site->hnode);
		list_move(&site->node, gone);
		for (slot = 0; slot < SHADOWK_NR_SLOTS; slot++) {
			user = shadowk_site_user(site, slot);
			if (!user)
				continue;
			idr_remove(&shadowk_site_user_idr, user->id);
			user->id = 0;
			user->site = NULL;
			if (user->ops && user->ops->clone_gone)
				user->ops->clone_gone(user);
			/*
			 * A user that is not ours to free (a redirection) may
			 * be freed by its owner as soon as the locks drop:
			 * shadowk_site_free_gone() must not find it.  Calls
			 * under way still hold it, as RCU readers.
			 */
			if (!user->ops || !user->ops->free)
				RCU_INIT_POINTER(site->users[slot], NULL);
		}
	}
	memset(clone->nr_site_users, 0, sizeof(clone->nr_site_users));
}

/* Sites of ended clones, and their users, a grace period later. */
void shadowk_site_free_gone(struct list_head *gone)
{
	struct shadowk_site_user *user;
	enum shadowk_site_slot slot;
	struct shadowk_site *site, *tmp;

	/* Dispatch can only have been inside a site the clone had. */
	if (list_empty(gone))
		return;
	synchronize_rcu();
	list_for_each_entry_safe(site, tmp, gone, node) {
		for (slot = 0; slot < SHADOWK_NR_SLOTS; slot++) {
			/* Nothing reaches the site: no lock needed. */
			user = rcu_dereference_protected(site->users[slot], 1);
			if (user && user->ops && user->ops->free)
				user->ops->free(user);
		}
		shadowk_mem_obj_free(site);
		shadowk_guard_site_removed();
	}
}

/* Let pending re-owning finish, so that callers see a settled clone. */
void shadowk_site_settle(void)
{
	flush_work(&shadowk_site_reown_work);
}

void shadowk_site_exit(void)
{
	/* Every clone, and so every user, is gone. */
	WARN_ON(!idr_is_empty(&shadowk_site_user_idr));
	idr_destroy(&shadowk_site_user_idr);
	cancel_work_sync(&shadowk_site_reown_work);
	/* Tasks preempted in shadowk_tramp after dispatch returned. */
	synchronize_rcu_tasks();
}
