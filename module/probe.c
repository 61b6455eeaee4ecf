// SPDX-License-Identifier: GPL-2.0
/*
 * Scoped probes: function-entry hit counters for bound processes only.
 *
 * A probe is a user of its function's owned site (site.c): the clone's
 * copy of the entry site calls shadowk, and dispatch adds one to a per-CPU
 * counter when the caller is a bound process.  Unbound processes run the
 * kernel's own bytes at the same address and never reach shadowk.
 *
 * A probe's id is its site user's (site.c), found under the clone lock,
 * which every change to sites holds too, so a probe found by id always
 * has its site.
 */

#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "clone.h"
#include "dev.h"
#include "limits.h"
#include "list.h"
#include "mem.h"
#include "probe.h"
#include "site.h"
#include "target.h"

#define SHADOWK_PROBE_FLAGS	(SHADOWK_PROBE_IRQ | SHADOWK_PROBE_RETURN)

static unsigned int shadowk_probe_count;	/* under shadowk_mutex */

static u64 shadowk_probe_sum(const struct shadowk_probe *probe)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(*per_cpu_ptr(probe->hits, cpu));
	return sum;
}

/* A grace period after shadowk_probe_stop(), or never attached. */
static void shadowk_probe_free(struct shadowk_probe *probe)
{
	shadowk_site_user_release(&probe->user);
	if (probe->ret)
		shadowk_retprobe_free(probe->ret);
	free_percpu(probe->hits);
	shadowk_mem_obj_free(probe);
}

/* Calls under way return without reaching the probe, after a grace period. */
static void shadowk_probe_stop(struct shadowk_probe *probe)
{
	if (probe->ret)
		shadowk_retprobe_stop(probe->ret);
}

static void shadowk_probe_clone_gone(struct shadowk_site_user *user)
{
	shadowk_probe_stop(container_of(user, struct shadowk_probe, user));
	shadowk_probe_count--;
}

static void shadowk_probe_user_free(struct shadowk_site_user *user)
{
	shadowk_probe_free(container_of(user, struct shadowk_probe, user));
}

static const struct shadowk_site_user_ops shadowk_probe_ops = {
	.clone_gone = shadowk_probe_clone_gone,
	.free = shadowk_probe_user_free,
};

static struct shadowk_probe *shadowk_probe_alloc(u32 flags)
{
	struct shadowk_probe *probe;

	probe = shadowk_mem_obj_alloc(sizeof(*probe), GFP_KERNEL_ACCOUNT);
	if (!probe)
		return NULL;
	probe->hits = shadowk_mem_counters_alloc();
	if (!probe->hits) {
		shadowk_mem_obj_free(probe);
		return NULL;
	}
	if (flags & SHADOWK_PROBE_RETURN) {
		probe->ret = shadowk_retprobe_alloc(NULL);
		if (!probe->ret) {
			free_percpu(probe->hits);
			shadowk_mem_obj_free(probe);
			return NULL;
		}
	}
	probe->user.ops = &shadowk_probe_ops;
	probe->user.slot = SHADOWK_SLOT_PROBE;
	probe->flags = flags;
	return probe;
}

/* Under the site transaction's locks. */
static int shadowk_probe_attach(struct shadowk_site_txn *txn,
				struct shadowk_clone *clone,
				unsigned long addr, struct shadowk_probe *probe)
{
	int err;

	if (shadowk_probe_count >= SHADOWK_MAX_PROBES)
		return -ENOSPC;
	/* Not findable by id before the txn ends: it holds the clone lock. */
	err = shadowk_site_attach(txn, clone, addr, &probe->user, NULL);
	if (err)
		return err;
	shadowk_probe_count++;
	return 0;
}

int shadowk_probe_add_ioctl(struct shadowk_ucmd *ucmd)
{
	struct shadowk_probe_add *cmd = ucmd->cmd;
	struct shadowk_probe *probe;
	struct shadowk_site_txn txn;
	struct shadowk_clone *clone;
	unsigned long addr;
	int err;

	if (cmd->flags & ~SHADOWK_PROBE_FLAGS)
		return -EINVAL;
	if ((cmd->flags & SHADOWK_PROBE_RETURN) && !shadowk_retprobe_available())
		return -EOPNOTSUPP;
	err = shadowk_target_get_change(cmd->clone_id, &cmd->func, &clone,
					&addr);
	if (err)
		return err;
	err = -ENOMEM;
	probe = shadowk_probe_alloc(cmd->flags);
	if (!probe)
		goto out_clone;
	probe->user.name = shadowk_target_name(&cmd->func, addr);
	if (!probe->user.name)
		goto out_probe;

	err = shadowk_site_txn_begin(&txn, true);
	if (err)
		goto out_probe;
	err = shadowk_probe_attach(&txn, clone, addr, probe);
	shadowk_site_txn_end(&txn);
	if (err)
		goto out_probe;
	cmd->out_probe_id = probe->user.id;
	cmd->out_site = shadowk_dev_addr(ucmd, addr);
	/* The probe exists now; a failed copy-out does not undo it. */
	err = shadowk_dev_respond(ucmd, sizeof(*cmd));
	goto out_clone;
out_probe:
	shadowk_probe_free(probe);
out_clone:
	shadowk_clone_put(clone);
	return err;
}

/* Under the clone lock. */
static struct shadowk_probe *shadowk_probe_by_id(u32 id)
{
	struct shadowk_site_user *user;

	user = shadowk_site_user_by_id(id, BIT(SHADOWK_SLOT_PROBE));
	return user ? container_of(user, struct shadowk_probe, user) : NULL;
}

int shadowk_probe_del_ioctl(struct shadowk_ucmd *ucmd)
{
	struct shadowk_probe_del *cmd = ucmd->cmd;
	struct shadowk_probe *probe;
	struct shadowk_site_txn txn;
	int err;

	if (cmd->flags || cmd->__reserved)
		return -EINVAL;
	err = shadowk_site_txn_begin(&txn, false);
	if (err)
		return err;
	probe = shadowk_probe_by_id(cmd->probe_id);
	if (probe) {
		shadowk_probe_count--;
		shadowk_probe_stop(probe);
		shadowk_site_detach(&txn, &probe->user);
	}
	shadowk_site_txn_end(&txn);
	if (!probe)
		return -ENOENT;
	/* After the grace period: every hit is in. */
	cmd->out_hits = shadowk_probe_sum(probe);
	shadowk_probe_free(probe);
	return shadowk_dev_respond(ucmd, sizeof(*cmd));
}

int shadowk_probe_read_ioctl(struct shadowk_ucmd *ucmd)
{
	struct shadowk_probe_read *cmd = ucmd->cmd;
	struct shadowk_probe *probe;

	if (cmd->flags)
		return -EINVAL;
	shadowk_clone_lock();
	probe = shadowk_probe_by_id(cmd->probe_id);
	if (probe) {
		cmd->out_hits = shadowk_probe_sum(probe);
		cmd->out_site = shadowk_dev_addr(ucmd, probe->user.site->addr);
		cmd->out_clone_id = probe->user.site->clone->id;
		memset(&cmd->out_latency, 0, sizeof(cmd->out_latency));
		memset(cmd->out_hist, 0, sizeof(cmd->out_hist));
		if (probe->ret)
			shadowk_retprobe_sum(probe->ret, &cmd->out_latency,
					     cmd->out_hist);
	}
	shadowk_clone_unlock();
	if (!probe)
		return -ENOENT;
	return shadowk_dev_respond(ucmd, sizeof(*cmd));
}

static void shadowk_probe_describe(const struct shadowk_ucmd *ucmd,
				   const struct shadowk_site_user *user,
				   void *entry)
{
	const struct shadowk_probe *probe =
		container_of(user, struct shadowk_probe, user);
	struct shadowk_probe_entry *e = entry;

	e->probe_id = user->id;
	e->flags = probe->flags;
	e->site = shadowk_dev_addr(ucmd, user->site->addr);
	e->hits = shadowk_probe_sum(probe);
	if (probe->ret)
		shadowk_retprobe_sum(probe->ret, &e->latency, NULL);
	/* The name even where the address is hidden. */
	strscpy(e->symbol, user->name, sizeof(e->symbol));
}

static const struct shadowk_list_kind shadowk_probe_list_kind = {
	.slots = BIT(SHADOWK_SLOT_PROBE),
	.entry_size = sizeof(struct shadowk_probe_entry),
	.describe = shadowk_probe_describe,
};

int shadowk_probe_list_ioctl(struct shadowk_ucmd *ucmd)
{
	struct shadowk_probe_list *cmd = ucmd->cmd;
	int err;

	if (cmd->flags || cmd->__reserved)
		return -EINVAL;
	err = shadowk_dev_entry_size_ok(cmd->entry_size,
					offsetofend(struct shadowk_probe_entry, symbol));
	if (err)
		return err;
	err = shadowk_list_users(ucmd, cmd->clone_id, &shadowk_probe_list_kind,
				 min_t(u32, cmd->count, SHADOWK_MAX_PROBES),
				 READ_ONCE(shadowk_probe_count), cmd->entries,
				 cmd->entry_size, &cmd->count);
	return err ? err : shadowk_dev_respond(ucmd, sizeof(*cmd));
}

/* Every clone, and so every probe, is gone. */
void shadowk_probe_exit(void)
{
	WARN_ON(shadowk_probe_count);
}
