// SPDX-License-Identifier: GPL-2.0
/*
 * Per-process fault injection: a function returns a chosen value, without
 * running, in the calls of bound processes that a policy picks.
 *
 * An injection is a user of its function's owned site.  Policies count
 * calls per process (per bound mm), in a counter the binding holds for
 * each injection slot of its clone, so "every 3rd call" is exact for each
 * process whatever its threads or its neighbours do.  The probability
 * policy is a pure function of the seed and the call's number, so a seed
 * replays the same failures.
 */

#include <linux/err.h>
#include <linux/mm.h>

#include <asm-generic/error-injection.h>

#include "bind.h"
#include "clone.h"
#include "dev.h"
#include "inject.h"
#include "ksyms.h"
#include "limits.h"
#include "list.h"
#include "mem.h"
#include "site.h"
#include "target.h"

#define SHADOWK_INJECT_FLAGS	SHADOWK_INJECT_FORCE
#define SHADOWK_INJECT_GOLDEN	0x9e3779b97f4a7c15ULL

static u64 shadowk_inject_mix(u64 z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Does the policy pick a process's @n-th call (from 1)?  Pure. */
static bool shadowk_inject_picks(const struct shadowk_injection *inject, u64 n)
{
	u64 draw;

	switch (inject->policy) {
	case SHADOWK_INJECT_EVERY_NTH:
		return n % inject->nth == 0;
	case SHADOWK_INJECT_FIRST_N:
		return n <= inject->nth;
	case SHADOWK_INJECT_PROBABILITY:
		draw = shadowk_inject_mix(inject->seed + n * SHADOWK_INJECT_GOLDEN);
		return draw % SHADOWK_INJECT_PPM < inject->ppm;
	}
	return true;
}

/* Dispatch, preemption off, for a bound process's own call. */
bool shadowk_inject_fires(struct shadowk_injection *inject,
			  struct mm_struct *view)
{
	atomic64_t *count = shadowk_bind_counter(view, inject->slot);
	bool fire;

	if (!count)
		return false;
	fire = shadowk_inject_picks(inject, atomic64_inc_return(count));
	atomic64_inc(&inject->calls);
	if (fire)
		atomic64_inc(&inject->injected);
	return fire;
}

static void shadowk_inject_free(struct shadowk_injection *inject)
{
	shadowk_site_user_release(&inject->user);
	shadowk_mem_obj_free(inject);
}

static void shadowk_inject_user_free(struct shadowk_site_user *user)
{
	shadowk_inject_free(container_of(user, struct shadowk_injection, user));
}

/* The clone's slots go with it. */
static const struct shadowk_site_user_ops shadowk_inject_ops = {
	.free = shadowk_inject_user_free,
};

static int shadowk_inject_check_policy(const struct shadowk_inject_set *cmd)
{
	switch (cmd->policy) {
	case SHADOWK_INJECT_ALWAYS:
		return cmd->nth || cmd->seed || cmd->ppm ? -EINVAL : 0;
	case SHADOWK_INJECT_EVERY_NTH:
	case SHADOWK_INJECT_FIRST_N:
		return !cmd->nth || cmd->seed || cmd->ppm ? -EINVAL : 0;
	case SHADOWK_INJECT_PROBABILITY:
		return cmd->nth || !cmd->ppm || cmd->ppm > SHADOWK_INJECT_PPM ?
		       -EINVAL : 0;
	}
	return -EINVAL;
}

/* Without FORCE: a function whose callers expect an errno from it. */
static bool shadowk_inject_allowed(const char *symbol, unsigned long addr)
{
	int etype;

	if (shadowk_target_is_syscall(symbol, addr))
		return true;
	if (!shadowk_ksyms_has(get_injectable_error_type))
		return false;
	/* It takes a mutex: a veneer call, nothing disabled around it. */
	etype = shadowk_ksyms_get_injectable_error_type(addr);
	return etype == EI_ETYPE_ERRNO || etype == EI_ETYPE_ERRNO_NULL;
}

static struct shadowk_injection *
shadowk_inject_new(const struct shadowk_inject_set *cmd)
{
	struct shadowk_injection *inject;

	inject = shadowk_mem_obj_alloc(sizeof(*inject), GFP_KERNEL_ACCOUNT);
	if (!inject)
		return NULL;
	inject->user.ops = &shadowk_inject_ops;
	inject->user.slot = SHADOWK_SLOT_INJECT;
	inject->user.replaces = true;
	inject->value = cmd->value;
	inject->policy = cmd->policy;
	inject->nth = cmd->nth;
	inject->seed = cmd->seed;
	inject->ppm = cmd->ppm;
	inject->flags = cmd->flags;
	return inject;
}

/* The slot an injection that was just replaced or removed kept. */
static void shadowk_inject_slot_free(struct shadowk_clone *clone,
				     struct shadowk_injection *inject)
{
	shadowk_clone_lock();
	clear_bit(inject->slot, clone->inject_slots);
	shadowk_clone_unlock();
}

/*
 * Under the site transaction's locks.  An injection already there is
 * replaced: returned in @oldp, its slot kept until the caller frees it.
 */
static int shadowk_inject_attach(struct shadowk_site_txn *txn,
				 struct shadowk_clone *clone, unsigned long addr,
				 struct shadowk_injection *inject,
				 struct shadowk_injection **oldp)
{
	struct shadowk_site_user *old;
	unsigned int slot;
	int err;

	*oldp = NULL;
	old = shadowk_site_user_find(clone, addr, SHADOWK_SLOT_INJECT);
	if (!old && shadowk_site_nr_users(clone, SHADOWK_SLOT_INJECT) >=
		    SHADOWK_MAX_INJECTS)
		return -ENOSPC;
	/*
	 * Live injections take at most half the slots; replaced ones keep
	 * theirs until their grace period ends, outside the lock, so many
	 * replacements at once may hold the rest a moment.
	 */
	slot = find_first_zero_bit(clone->inject_slots, SHADOWK_BIND_COUNTERS);
	if (slot >= SHADOWK_BIND_COUNTERS)
		return -ENOSPC;
	inject->slot = slot;
	shadowk_bind_counter_reset(clone, slot);
	err = shadowk_site_attach(txn, clone, addr, &inject->user, &old);
	if (err)
		return err;
	set_bit(slot, clone->inject_slots);
	if (old)
		*oldp = container_of(old, struct shadowk_injection, user);
	return 0;
}

int shadowk_inject_set_ioctl(struct shadowk_ucmd *ucmd)
{
	struct shadowk_inject_set *cmd = ucmd->cmd;
	struct shadowk_injection *inject, *old;
	struct shadowk_site_txn txn;
	struct shadowk_clone *clone;
	unsigned long addr;
	int err;

	if (cmd->flags & ~SHADOWK_INJECT_FLAGS)
		return -EINVAL;
	err = shadowk_inject_check_policy(cmd);
	if (err)
		return err;
	if (!(cmd->flags & SHADOWK_INJECT_FORCE) &&
	    (cmd->value >= 0 || cmd->value < -MAX_ERRNO))
		return -EINVAL;
	err = shadowk_target_get_change(cmd->clone_id, &cmd->func, &clone,
					&addr);
	if (err)
		return err;
	err = -EOPNOTSUPP;
	if (!(cmd->flags & SHADOWK_INJECT_FORCE) &&
	    !shadowk_inject_allowed(cmd->func.addr ? "" : cmd->func.symbol,
				    addr))
		goto out_clone;
	err = -ENOMEM;
	inject = shadowk_inject_new(cmd);
	if (!inject)
		goto out_clone;
	inject->user.name = shadowk_target_name(&cmd->func, addr);
	if (!inject->user.name)
		goto out_inject;

	err = shadowk_site_txn_begin(&txn, true);
	if (err)
		goto out_inject;
	err = shadowk_inject_attach(&txn, clone, addr, inject, &old);
	if (!err)
		cmd->out_inject_id = inject->user.id;
	shadowk_site_txn_end(&txn);
	if (err)
		goto out_inject;
	if (old) {
		shadowk_inject_slot_free(clone, old);
		shadowk_inject_free(old);
	}
	cmd->out_site = shadowk_dev_addr(ucmd, addr);
	err = shadowk_dev_respond(ucmd, sizeof(*cmd));
	goto out_clone;
out_inject:
	shadowk_inject_free(inject);
out_clone:
	shadowk_clone_put(clone);
	return err;
}

/* Under the clone lock. */
static struct shadowk_injection *shadowk_inject_by_id(u32 id)
{
	struct shadowk_site_user *user;

	user = shadowk_site_user_by_id(id, BIT(SHADOWK_SLOT_INJECT));
	return user ? container_of(user, struct shadowk_injection, user) : NULL;
}

/* Under the clone lock, the injection attached. */
static void shadowk_inject_describe(const struct shadowk_ucmd *ucmd,
				    const struct shadowk_injection *inject,
				    struct shadowk_inject_entry *e)
{
	memset(e, 0, sizeof(*e));
	e->inject_id = inject->user.id;
	e->clone_id = inject->user.site->clone->id;
	e->flags = inject->flags;
	e->policy = inject->policy;
	e->value = inject->value;
	e->nth = inject->nth;
	e->seed = inject->seed;
	e->ppm = inject->ppm;
	e->site = shadowk_dev_addr(ucmd, inject->user.site->addr);
	e->calls = atomic64_read(&inject->calls);
	e->injected = atomic64_read(&inject->injected);
	strscpy(e->symbol, inject->user.name, sizeof(e->symbol));
}

int shadowk_inject_read_ioctl(struct shadowk_ucmd *ucmd)
{
	struct shadowk_inject_read *cmd = ucmd->cmd;
	struct shadowk_injection *inject;

	if (cmd->flags || cmd->__reserved)
		return -EINVAL;
	shadowk_clone_lock();
	inject = shadowk_inject_by_id(cmd->inject_id);
	if (inject)
		shadowk_inject_describe(ucmd, inject, &cmd->out);
	shadowk_clone_unlock();
	return inject ? shadowk_dev_respond(ucmd, sizeof(*cmd)) : -ENOENT;
}

int shadowk_inject_del_ioctl(struct shadowk_ucmd *ucmd)
{
	struct shadowk_inject_del *cmd = ucmd->cmd;
	struct shadowk_injection *inject;
	struct shadowk_site_txn txn;
	struct shadowk_clone *clone;
	int err;

	if (cmd->flags || cmd->__reserved)
		return -EINVAL;
	err = shadowk_site_txn_begin(&txn, false);
	if (err)
		return err;
	inject = shadowk_inject_by_id(cmd->inject_id);
	if (inject) {
		/* Its slot is the clone's, freed after the grace period. */
		clone = shadowk_clone_hold(inject->user.site->clone);
		shadowk_site_detach(&txn, &inject->user);
	}
	shadowk_site_txn_end(&txn);
	if (!inject)
		return -ENOENT;
	/* After the grace period: the counts are final. */
	cmd->out_calls = atomic64_read(&inject->calls);
	cmd->out_injected = atomic64_read(&inject->injected);
	shadowk_inject_slot_free(clone, inject);
	shadowk_clone_put(clone);
	shadowk_inject_free(inject);
	return shadowk_dev_respond(ucmd, sizeof(*cmd));
}

static void shadowk_inject_list_describe(const struct shadowk_ucmd *ucmd,
					 const struct shadowk_site_user *user,
					 void *entry)
{
	shadowk_inject_describe(ucmd, container_of(user,
				struct shadowk_injection, user), entry);
}

static const struct shadowk_list_kind shadowk_inject_list_kind = {
	.slots = BIT(SHADOWK_SLOT_INJECT),
	.entry_size = sizeof(struct shadowk_inject_entry),
	.describe = shadowk_inject_list_describe,
};

int shadowk_inject_list_ioctl(struct shadowk_ucmd *ucmd)
{
	struct shadowk_inject_list *cmd = ucmd->cmd;
	u32 room;
	int err;

	if (cmd->flags || cmd->__reserved)
		return -EINVAL;
	err = shadowk_dev_entry_size_ok(cmd->entry_size,
					offsetofend(struct shadowk_inject_entry, symbol));
	if (err)
		return err;
	/* A clone holds few: room for all, whatever the caller offers. */
	room = min_t(u32, cmd->count, SHADOWK_MAX_INJECTS);
	err = shadowk_list_users(ucmd, cmd->clone_id, &shadowk_inject_list_kind,
				 room, SHADOWK_MAX_INJECTS, cmd->entries,
				 cmd->entry_size, &cmd->count);
	return err ? err : shadowk_dev_respond(ucmd, sizeof(*cmd));
}

#include "selftest/inject.c"
