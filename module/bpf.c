// SPDX-License-Identifier: GPL-2.0
/*
 * BPF programs at scoped sites: a kprobe program that runs, at a
 * function's entry or its return, for processes bound to one clone only.
 *
 * An attachment is a user of the function's owned site, like a probe
 * (probe.c): unbound processes run the kernel's own bytes and never
 * reach it, so they pay nothing, where a kprobe's pid filter runs after
 * every process has paid for the hit.  At entry, dispatch runs the
 * program on the registers the site's call saved (bpfrun.c); at return,
 * a return probe of the attachment's own (retprobe.c) runs it on the
 * registers rethook saved, and times the call as a return probe does.
 *
 * The attachment holds a reference to the program from attach to its
 * free, a grace period after the last call that could run it; the
 * program's own maps live as long as it does.
 */

#include <linux/bpf.h>
#include <linux/filter.h>
#include <linux/slab.h>

#include <uapi/linux/shadowk.h>

#include "bpf.h"
#include "bpfrun.h"
#include "clone.h"
#include "compat.h"
#include "dev.h"
#include "limits.h"
#include "list.h"
#include "mem.h"
#include "retprobe.h"
#include "site.h"
#include "target.h"

#define SHADOWK_BPF_FLAGS	SHADOWK_BPF_RETURN
#define SHADOWK_BPF_SLOTS	(BIT(SHADOWK_SLOT_BPF) | BIT(SHADOWK_SLOT_BPF_RETURN))

static unsigned int shadowk_bpf_count;	/* under shadowk_mutex */

void notrace shadowk_bpf_enter(struct shadowk_bpf *bpf,
			       struct shadowk_tramp_regs *regs)
{
	if (bpf->ret)
		shadowk_retprobe_enter(bpf->ret, regs);
	else if (shadowk_bpfrun_entry(bpf->prog, regs))
		this_cpu_inc(bpf->cpu->runs);
	else
		this_cpu_inc(bpf->cpu->missed);
}

static void shadowk_bpf_sum(const struct shadowk_bpf *bpf, u64 *runs,
			    u64 *missed)
{
	int cpu;

	if (bpf->ret) {
		shadowk_retprobe_runs(bpf->ret, runs, missed);
		return;
	}
	*runs = 0;
	*missed = 0;
	for_each_possible_cpu(cpu) {
		const struct shadowk_bpf_cpu *c = per_cpu_ptr(bpf->cpu, cpu);

		*runs += READ_ONCE(c->runs);
		*missed += READ_ONCE(c->missed);
	}
}

/* A grace period after shadowk_bpf_stop(), or never attached. */
static void shadowk_bpf_free(struct shadowk_bpf *bpf)
{
	shadowk_site_user_release(&bpf->user);
	if (bpf->ret)
		shadowk_retprobe_free(bpf->ret);
	free_percpu(bpf->cpu);
	bpf_prog_put(bpf->prog);
	shadowk_mem_obj_free(bpf);
}

/* Calls under way return without running it, after a grace period. */
static void shadowk_bpf_stop(struct shadowk_bpf *bpf)
{
	if (bpf->ret)
		shadowk_retprobe_stop(bpf->ret);
}

static void shadowk_bpf_clone_gone(struct shadowk_site_user *user)
{
	shadowk_bpf_stop(container_of(user, struct shadowk_bpf, user));
	shadowk_bpf_count--;
}

static void shadowk_bpf_user_free(struct shadowk_site_user *user)
{
	shadowk_bpf_free(container_of(user, struct shadowk_bpf, user));
}

static const struct shadowk_site_user_ops shadowk_bpf_ops = {
	.clone_gone = shadowk_bpf_clone_gone,
	.free = shadowk_bpf_user_free,
};

/* Takes over the reference to @prog, even when it fails. */
static struct shadowk_bpf *shadowk_bpf_alloc(u32 flags, struct bpf_prog *prog)
{
	struct shadowk_bpf *bpf;

	bpf = shadowk_mem_obj_alloc(sizeof(*bpf), GFP_KERNEL_ACCOUNT);
	if (!bpf)
		goto err;
	bpf->prog = prog;
	bpf->flags = flags;
	bpf->user.ops = &shadowk_bpf_ops;
	if (flags & SHADOWK_BPF_RETURN) {
		bpf->user.slot = SHADOWK_SLOT_BPF_RETURN;
		bpf->ret = shadowk_retprobe_alloc(prog);
		if (!bpf->ret)
			goto err_bpf;
	} else {
		bpf->user.slot = SHADOWK_SLOT_BPF;
		bpf->cpu = alloc_percpu_gfp(struct shadowk_bpf_cpu,
					    GFP_KERNEL_ACCOUNT);
		if (!bpf->cpu)
			goto err_bpf;
	}
	return bpf;
err_bpf:
	shadowk_mem_obj_free(bpf);
err:
	bpf_prog_put(prog);
	return NULL;
}

/*
 * What a kprobe program may do that a scoped site cannot give it: run
 * sleepable (a uprobe's), expect another attach point's run context
 * (kprobe.multi, kprobe sessions, uprobe.multi), or override the
 * function's return (bpf_override_return() moves a kprobe's saved
 * instruction pointer, which here is a copy).
 */
static int shadowk_bpf_check(const struct bpf_prog *prog)
{
	if (prog->expected_attach_type)
		return -EINVAL;
	if (shadowk_compat_bpf_sleepable(prog) || prog->kprobe_override)
		return -EOPNOTSUPP;
	return 0;
}

static struct bpf_prog *shadowk_bpf_prog_get(int fd)
{
	struct bpf_prog *prog;
	int err;

	prog = bpf_prog_get_type_dev(fd, BPF_PROG_TYPE_KPROBE, false);
	if (IS_ERR(prog))
		return prog;
	err = shadowk_bpf_check(prog);
	if (err) {
		bpf_prog_put(prog);
		return ERR_PTR(err);
	}
	return prog;
}

int shadowk_bpf_attach_ioctl(struct shadowk_ucmd *ucmd)
{
	struct shadowk_bpf_attach *cmd = ucmd->cmd;
	struct shadowk_site_txn txn;
	struct shadowk_clone *clone;
	struct shadowk_bpf *bpf;
	struct bpf_prog *prog;
	unsigned long addr;
	int err;

	if (cmd->flags & ~SHADOWK_BPF_FLAGS)
		return -EINVAL;
	if ((cmd->flags & SHADOWK_BPF_RETURN) && !shadowk_retprobe_available())
		return -EOPNOTSUPP;
	err = shadowk_target_get_change(cmd->clone_id, &cmd->func, &clone,
					&addr);
	if (err)
		return err;
	prog = shadowk_bpf_prog_get(cmd->prog_fd);
	if (IS_ERR(prog)) {
		err = PTR_ERR(prog);
		goto out_clone;
	}
	err = -ENOMEM;
	bpf = shadowk_bpf_alloc(cmd->flags, prog);
	if (!bpf)
		goto out_clone;
	bpf->user.name = shadowk_target_name(&cmd->func, addr);
	if (!bpf->user.name)
		goto out_bpf;

	err = shadowk_site_txn_begin(&txn, true);
	if (err)
		goto out_bpf;
	err = -ENOSPC;
	if (shadowk_bpf_count < SHADOWK_MAX_BPF)
		err = shadowk_site_attach(&txn, clone, addr, &bpf->user, NULL);
	if (!err)
		shadowk_bpf_count++;
	shadowk_site_txn_end(&txn);
	if (err)
		goto out_bpf;
	cmd->out_bpf_id = bpf->user.id;
	cmd->out_prog_id = prog->aux->id;
	cmd->out_site = shadowk_dev_addr(ucmd, addr);
	/* It is attached now; a failed copy-out does not undo it. */
	err = shadowk_dev_respond(ucmd, sizeof(*cmd));
	goto out_clone;
out_bpf:
	shadowk_bpf_free(bpf);
out_clone:
	shadowk_clone_put(clone);
	return err;
}

/* Under the clone lock. */
static struct shadowk_bpf *shadowk_bpf_by_id(u32 id)
{
	struct shadowk_site_user *user;

	user = shadowk_site_user_by_id(id, SHADOWK_BPF_SLOTS);
	return user ? container_of(user, struct shadowk_bpf, user) : NULL;
}

int shadowk_bpf_detach_ioctl(struct shadowk_ucmd *ucmd)
{
	struct shadowk_bpf_detach *cmd = ucmd->cmd;
	struct shadowk_site_txn txn;
	struct shadowk_bpf *bpf;
	int err;

	if (cmd->flags || cmd->__reserved)
		return -EINVAL;
	err = shadowk_site_txn_begin(&txn, false);
	if (err)
		return err;
	bpf = shadowk_bpf_by_id(cmd->bpf_id);
	if (bpf) {
		shadowk_bpf_count--;
		shadowk_bpf_stop(bpf);
		shadowk_site_detach(&txn, &bpf->user);
	}
	shadowk_site_txn_end(&txn);
	if (!bpf)
		return -ENOENT;
	/* After the grace period: every run is in. */
	shadowk_bpf_sum(bpf, &cmd->out_runs, &cmd->out_missed);
	shadowk_bpf_free(bpf);
	return shadowk_dev_respond(ucmd, sizeof(*cmd));
}

static void shadowk_bpf_describe(const struct shadowk_ucmd *ucmd,
				 const struct shadowk_site_user *user,
				 void *entry)
{
	const struct shadowk_bpf *bpf =
		container_of(user, struct shadowk_bpf, user);
	struct shadowk_bpf_entry *e = entry;

	e->bpf_id = user->id;
	e->flags = bpf->flags;
	e->prog_id = bpf->prog->aux->id;
	e->site = shadowk_dev_addr(ucmd, user->site->addr);
	shadowk_bpf_sum(bpf, &e->runs, &e->missed);
	strscpy(e->symbol, user->name, sizeof(e->symbol));
	strscpy(e->prog_name, bpf->prog->aux->name, sizeof(e->prog_name));
	if (bpf->ret)
		shadowk_retprobe_sum(bpf->ret, &e->latency, NULL);
}

static const struct shadowk_list_kind shadowk_bpf_list_kind = {
	.slots = SHADOWK_BPF_SLOTS,
	.entry_size = sizeof(struct shadowk_bpf_entry),
	.describe = shadowk_bpf_describe,
};

int shadowk_bpf_list_ioctl(struct shadowk_ucmd *ucmd)
{
	struct shadowk_bpf_list *cmd = ucmd->cmd;
	int err;

	if (cmd->flags || cmd->__reserved)
		return -EINVAL;
	err = shadowk_dev_entry_size_ok(cmd->entry_size,
					offsetofend(struct shadowk_bpf_entry, latency));
	if (err)
		return err;
	err = shadowk_list_users(ucmd, cmd->clone_id, &shadowk_bpf_list_kind,
				 min_t(u32, cmd->count, SHADOWK_MAX_BPF),
				 READ_ONCE(shadowk_bpf_count), cmd->entries,
				 cmd->entry_size, &cmd->count);
	return err ? err : shadowk_dev_respond(ucmd, sizeof(*cmd));
}

/* Every clone, and so every attachment, is gone. */
void shadowk_bpf_exit(void)
{
	WARN_ON(shadowk_bpf_count);
}
