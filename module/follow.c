// SPDX-License-Identifier: GPL-2.0
/*
 * Following a bound process into its children and across exec.
 *
 * Fork: a child with its own mm gets a fresh copy of the kernel's entry
 * from init_mm; with INHERIT_FORK it is bound before it first runs, from
 * the sched_process_fork tracepoint; else cgroup.c binds it if it was
 * born into a bound cgroup.
 *
 * Exec: begin_new_exec() replaces the mm.  Its entry notes the binding of
 * the mm being left (and the credentials it ran with); the
 * sched_process_exec tracepoint, when the new program is in place and its
 * credentials are final, binds the new mm, unless the exec raised the
 * process's privileges: set-user-ID or set-group-ID, file capabilities, an
 * LSM's domain change (all of which the kernel marks bprm->secureexec),
 * or any other change of effective ids or gain of capabilities.  Then the
 * binding ends there, as ptrace ends at such an exec: a clone must never
 * make a privileged program's calls fail or go elsewhere on behalf of the
 * unprivileged process that started it.  The old mm's binding ends with
 * the old mm.
 *
 * Tracepoints and ftrace callbacks run in atomic context; everything here
 * allocates with GFP_ATOMIC and never flushes other CPUs but at an exec
 * that moved between CPUs half way.
 */

#include <linux/binfmts.h>
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/hashtable.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/spinlock.h>
#include <linux/tracepoint.h>

#include <uapi/linux/shadowk.h>

#include "bind.h"
#include "cgroup.h"
#include "clone.h"
#include "compat.h"
#include "follow.h"
#include "hook.h"
#include "mem.h"

/* An exec by a bound task, between begin_new_exec() and the tracepoint. */
struct shadowk_exec_note {
	struct hlist_node hnode;
	struct task_struct *task;
	struct shadowk_clone *clone;	/* a reference */
	u32 flags;
	u32 bound_by;
	/* What the old program ran with, to tell a privilege change by. */
	kuid_t euid, fsuid;
	kgid_t egid, fsgid;
	kernel_cap_t cap_permitted, cap_effective;
};

static DEFINE_SPINLOCK(shadowk_follow_lock);
static DEFINE_HASHTABLE(shadowk_follow_notes, 6);

/*
 * A child of a process bound with INHERIT_FORK is bound as its parent;
 * any other child as its cgroup says, wherever it was born.
 */
static void shadowk_follow_on_fork(void *data, struct task_struct *parent,
				   struct task_struct *child)
{
	struct mm_struct *mm = parent->mm;
	struct shadowk_clone *clone;
	u32 flags, bound_by;

	if (!child->mm || child->mm == mm)
		return;
	if (mm && shadowk_bind_is_bound(mm)) {
		clone = shadowk_bind_of(mm, &flags, &bound_by);
		if (clone && bound_by != SHADOWK_BOUND_CGROUP &&
		    (flags & SHADOWK_BIND_INHERIT_FORK)) {
			shadowk_bind_new_fork(child, clone, flags, NULL);
			shadowk_clone_put(clone);
			return;
		}
		if (clone)
			shadowk_clone_put(clone);
	}
	shadowk_cgroup_on_fork(child);
}

static void shadowk_follow_free_note(struct shadowk_exec_note *note)
{
	shadowk_clone_put(note->clone);
	shadowk_mem_obj_free(note);
}

static struct shadowk_exec_note *shadowk_follow_take_note(struct task_struct *t)
{
	struct shadowk_exec_note *note;
	unsigned long irq;

	if (hash_empty(shadowk_follow_notes))
		return NULL;
	spin_lock_irqsave(&shadowk_follow_lock, irq);
	hash_for_each_possible(shadowk_follow_notes, note, hnode,
			       (unsigned long)t)
		if (note->task == t) {
			hash_del(&note->hnode);
			spin_unlock_irqrestore(&shadowk_follow_lock, irq);
			return note;
		}
	spin_unlock_irqrestore(&shadowk_follow_lock, irq);
	return NULL;
}

/*
 * exec, part one: begin_new_exec() is about to replace current's mm.  A
 * note left by an exec that failed later is dropped first, whatever the
 * mm is now; a new one is made if the mm is bound with INHERIT_EXEC.
 */
static void notrace shadowk_follow_on_begin_exec(unsigned long ip,
						 unsigned long parent_ip,
						 struct ftrace_ops *op,
						 struct ftrace_regs *fregs)
{
	struct mm_struct *mm = current->mm;
	struct shadowk_exec_note *note;
	const struct cred *cred;
	struct shadowk_clone *clone;
	unsigned long irq;
	u32 flags, bound_by;

	note = shadowk_follow_take_note(current);
	if (note)
		shadowk_follow_free_note(note);
	if (!mm || !shadowk_bind_is_bound(mm))
		return;
	clone = shadowk_bind_of(mm, &flags, &bound_by);
	if (!clone)
		return;
	if (!(flags & SHADOWK_BIND_INHERIT_EXEC)) {
		shadowk_clone_put(clone);
		return;
	}
	note = shadowk_mem_obj_alloc(sizeof(*note), GFP_ATOMIC);
	if (!note) {
		pr_warn_ratelimited("out of memory: an exec is not bound\n");
		shadowk_clone_put(clone);
		return;
	}
	note->task = current;
	note->clone = clone;
	note->flags = flags;
	note->bound_by = bound_by;
	cred = current_cred();
	note->euid = cred->euid;
	note->fsuid = cred->fsuid;
	note->egid = cred->egid;
	note->fsgid = cred->fsgid;
	note->cap_permitted = cred->cap_permitted;
	note->cap_effective = cred->cap_effective;
	spin_lock_irqsave(&shadowk_follow_lock, irq);
	hash_add(shadowk_follow_notes, &note->hnode, (unsigned long)current);
	spin_unlock_irqrestore(&shadowk_follow_lock, irq);
}

/* Did the exec give the process more than it had? */
static bool shadowk_follow_raised(const struct shadowk_exec_note *note,
				  const struct linux_binprm *bprm)
{
	const struct cred *cred = current_cred();

	return bprm->secureexec ||
	       !uid_eq(note->euid, cred->euid) ||
	       !uid_eq(note->fsuid, cred->fsuid) ||
	       !gid_eq(note->egid, cred->egid) ||
	       !gid_eq(note->fsgid, cred->fsgid) ||
	       !cap_issubset(cred->cap_permitted, note->cap_permitted) ||
	       !cap_issubset(cred->cap_effective, note->cap_effective);
}

/* exec, part two: the new mm is in place and loaded on this CPU. */
static void shadowk_follow_on_exec(void *data, struct task_struct *p,
				   pid_t old_pid, struct linux_binprm *bprm)
{
	struct shadowk_exec_note *note = shadowk_follow_take_note(p);

	if (!note)
		return;
	if (shadowk_follow_raised(note, bprm))
		pr_info_ratelimited("pid %d: the binding to clone %u ends at the privileged exec of %s\n",
				    task_pid_nr(p), note->clone->id, p->comm);
	else if (p->mm && note->bound_by != SHADOWK_BOUND_CGROUP)
		shadowk_bind_new_exec(p->mm, note->clone, note->flags, NULL);
	else if (p->mm && shadowk_compat_dumpable(p, p->mm))
		shadowk_bind_new_exec(p->mm, NULL, note->flags,
				      shadowk_cgroup_member);
	shadowk_follow_free_note(note);
}

/* A task that died between the two parts leaves its note behind. */
static void shadowk_follow_on_free(void *data, struct task_struct *p)
{
	struct shadowk_exec_note *note = shadowk_follow_take_note(p);

	if (note)
		shadowk_follow_free_note(note);
}

static struct shadowk_hook shadowk_follow_exec_hook = {
	.symbol = "begin_new_exec",
	.func = shadowk_follow_on_begin_exec,
};

struct shadowk_follow_tp {
	const char *name;
	void *probe;
	struct tracepoint *tp;
};

static struct shadowk_follow_tp shadowk_follow_tps[] = {
	{ "sched_process_fork", shadowk_follow_on_fork },
	{ "sched_process_exec", shadowk_follow_on_exec },
	{ "sched_process_free", shadowk_follow_on_free },
};

static void shadowk_follow_find_tp(struct tracepoint *tp, void *unused)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(shadowk_follow_tps); i++)
		if (!strcmp(tp->name, shadowk_follow_tps[i].name))
			shadowk_follow_tps[i].tp = tp;
}

int __init shadowk_follow_init(void)
{
	unsigned int i;
	int err;

	for_each_kernel_tracepoint(shadowk_follow_find_tp, NULL);
	for (i = 0; i < ARRAY_SIZE(shadowk_follow_tps); i++) {
		if (!shadowk_follow_tps[i].tp) {
			pr_err("cannot find tracepoint %s\n",
			       shadowk_follow_tps[i].name);
			return -ENOENT;
		}
	}
	for (i = 0; i < ARRAY_SIZE(shadowk_follow_tps); i++) {
		err = tracepoint_probe_register(shadowk_follow_tps[i].tp,
						shadowk_follow_tps[i].probe,
						NULL);
		if (err) {
			pr_err("cannot attach to tracepoint %s (%d)\n",
			       shadowk_follow_tps[i].name, err);
			goto fail_tp;
		}
	}
	err = shadowk_hook_register(&shadowk_follow_exec_hook);
	if (err)
		goto fail_tp;
	return 0;

fail_tp:
	while (i--)
		tracepoint_probe_unregister(shadowk_follow_tps[i].tp,
					    shadowk_follow_tps[i].probe, NULL);
	tracepoint_synchronize_unregister();
	return err;
}

void shadowk_follow_exit(void)
{
	struct shadowk_exec_note *note;
	struct hlist_node *tmp;
	unsigned int i;
	int bkt;

	shadowk_hook_unregister(&shadowk_follow_exec_hook);
	for (i = 0; i < ARRAY_SIZE(shadowk_follow_tps); i++)
		tracepoint_probe_unregister(shadowk_follow_tps[i].tp,
					    shadowk_follow_tps[i].probe, NULL);
	tracepoint_synchronize_unregister();
	hash_for_each_safe(shadowk_follow_notes, bkt, tmp, note, hnode) {
		hash_del(&note->hnode);
		shadowk_follow_free_note(note);
	}
}
