// SPDX-License-Identifier: GPL-2.0
/*
 * Binding address spaces to clones.
 *
 * A binding points one mm's kernel-image entry at its clone's tables, so
 * every thread of the mm runs the clone; view.c says how each kind of
 * change is made safe and known to the CPUs.  Unbinding points it back at
 * the kernel's entry.
 *
 * A binding ends in exactly one of these ways, whoever first takes it out
 * of the table under shadowk_bind_lock: UNBIND; DESTROY of the clone (or
 * module unload, or ftrace's death); or the end of the mm itself, seen at
 * __mmdrop(), when no CPU has it loaded any more, not even lazily (on x86
 * a lazy kernel thread holds a reference to its borrowed mm).  So neither
 * exit nor exec costs a flush: nothing can use the dead mm's view again,
 * and the clone's pages, which its stale TLB entries might name, are freed
 * only after flushes of their own (text.c, DESTROY).
 *
 * A binding holds no reference to its mm: the mm cannot be freed while
 * the binding is in the table, because __mmdrop() waits for the lock to
 * take it out first.  A path that must touch the mm after dropping the
 * lock (to flush between two steps) takes mm_count if it is not already
 * zero, or has the mm's users pinned by its own caller.
 */

#include <linux/hashtable.h>
#include <linux/mm.h>
#include <linux/pid.h>
#include <linux/ptrace.h>
#include <linux/sched/mm.h>
#include <linux/pid_namespace.h>
#include <linux/sched/task.h>
#include <linux/sort.h>
#include <linux/spinlock.h>

#include <uapi/linux/shadowk.h>

#include "bind.h"
#include "clone.h"
#include "compat.h"
#include "dev.h"
#include "health.h"
#include "hook.h"
#include "ksyms.h"
#include "mem.h"
#include "pgtable.h"
#include "tlb.h"
#include "view.h"

#define SHADOWK_BIND_FLAGS \
	(SHADOWK_BIND_INHERIT_FORK | SHADOWK_BIND_INHERIT_EXEC)

struct shadowk_binding {
	struct hlist_node hnode;	/* shadowk_bind_hash, by mm; RCU */
	struct list_head cnode;		/* clone->bindings */
	struct mm_struct *mm;		/* valid while in the hash */
	struct shadowk_clone *clone;	/* a reference */
	u32 flags;
	u32 bound_by;			/* enum shadowk_bound_by */
	u64 cgroup_id;			/* SHADOWK_BOUND_CGROUP's cgroup */
	struct pid *pid;		/* the process it was made for */
	struct rcu_head rcu;
	/* This process's calls, one count per injection slot (inject.c). */
	atomic64_t counters[SHADOWK_BIND_COUNTERS];
};

/*
 * Bindings and each clone's list of them.  Interrupts off: __mmdrop() may
 * come from any context that drops a reference.  Never flush under it: a
 * CPU spinning here with interrupts off would never take the IPI.
 */
static DEFINE_SPINLOCK(shadowk_bind_lock);
static DEFINE_HASHTABLE(shadowk_bind_hash, 8);

static void shadowk_binding_free_rcu(struct rcu_head *rcu)
{
	struct shadowk_binding *b = container_of(rcu, struct shadowk_binding,
						 rcu);

	put_pid(b->pid);
	shadowk_mem_obj_free(b);
}

/* After it left the table: dispatch may still be reading its counters. */
static void shadowk_binding_finish(struct shadowk_binding *b)
{
	shadowk_clone_put(b->clone);
	call_rcu(&b->rcu, shadowk_binding_free_rcu);
}

/*
 * Dispatch, preemption off: the per-process counter @slot of @mm's
 * binding, or NULL if it has none (it is being unbound).
 */
atomic64_t *shadowk_bind_counter(struct mm_struct *mm, unsigned int slot)
{
	struct shadowk_binding *b;

	hash_for_each_possible_rcu_notrace(shadowk_bind_hash, b, hnode,
					   (unsigned long)mm)
		if (b->mm == mm)
			return &b->counters[slot];
	return NULL;
}

/* A new user of @slot in @clone: every process counts from zero. */
void shadowk_bind_counter_reset(struct shadowk_clone *clone,
				unsigned int slot)
{
	struct shadowk_binding *b;
	unsigned long flags;

	spin_lock_irqsave(&shadowk_bind_lock, flags);
	list_for_each_entry(b, &clone->bindings, cnode)
		atomic64_set(&b->counters[slot], 0);
	spin_unlock_irqrestore(&shadowk_bind_lock, flags);
}

static struct shadowk_binding *shadowk_bind_find(struct mm_struct *mm)
{
	struct shadowk_binding *b;

	lockdep_assert_held(&shadowk_bind_lock);
	hash_for_each_possible(shadowk_bind_hash, b, hnode, (unsigned long)mm)
		if (b->mm == mm)
			return b;
	return NULL;
}

static struct shadowk_binding *shadowk_binding_alloc(struct mm_struct *mm,
						     struct shadowk_clone *clone,
						     u32 flags, u32 bound_by,
						     struct pid *pid, gfp_t gfp)
{
	struct shadowk_binding *b = shadowk_mem_obj_alloc(sizeof(*b), gfp);

	if (!b)
		return NULL;
	b->mm = mm;
	b->clone = clone;
	kref_get(&clone->ref);
	b->flags = flags;
	b->bound_by = bound_by;
	b->pid = get_pid(pid);
	return b;
}

/* Undo an allocation that never attached. */
static void shadowk_binding_discard(struct shadowk_binding *b)
{
	shadowk_clone_put(b->clone);
	put_pid(b->pid);
	shadowk_mem_obj_free(b);
}

/* Into the table, if the mm is free and the clone alive: 0 or an errno. */
static int shadowk_bind_attach_locked(struct shadowk_binding *b)
{
	lockdep_assert_held(&shadowk_bind_lock);
	if (b->clone->dead || shadowk_health_dead())
		return -ENOENT;
	if (shadowk_bind_find(b->mm))
		return -EBUSY;
	hash_add_rcu(shadowk_bind_hash, &b->hnode, (unsigned long)b->mm);
	list_add(&b->cnode, &b->clone->bindings);
	return 0;
}

static void shadowk_bind_detach_locked(struct shadowk_binding *b)
{
	lockdep_assert_held(&shadowk_bind_lock);
	hash_del_rcu(&b->hnode);
	list_del(&b->cnode);
}

/* Is the binding still in the table (not ended by someone else)? */
static bool shadowk_bind_attached(struct shadowk_binding *b)
{
	return shadowk_bind_find(b->mm) == b;
}

/*
 * The clone @member gives @b's task, under shadowk_bind_lock: its
 * membership and the binding are decided in one step, so a move that
 * ends while the binding is made is followed by the mover's own settle
 * (cgroup.c), which takes the lock after it.  False if none.
 */
static bool shadowk_bind_member_locked(struct shadowk_binding *b,
				       struct task_struct *task,
				       shadowk_bind_member_fn member)
{
	struct shadowk_clone *clone;

	lockdep_assert_held(&shadowk_bind_lock);
	rcu_read_lock();
	clone = member(task, &b->cgroup_id);
	if (clone) {
		kref_get(&clone->ref);
		b->clone = clone;
	}
	rcu_read_unlock();
	return clone;
}

/*
 * A child at fork, never loaded on any CPU: the store is all.  With
 * @member the child is bound as its cgroup says, and @clone is unused.
 */
void shadowk_bind_new_fork(struct task_struct *child,
			   struct shadowk_clone *clone, u32 flags,
			   shadowk_bind_member_fn member)
{
	struct mm_struct *mm = child->mm;
	struct shadowk_binding *b;
	unsigned long irq;

	b = shadowk_mem_obj_alloc(sizeof(*b), GFP_ATOMIC);
	if (!b) {
		pr_warn_ratelimited("out of memory: a child is not bound\n");
		return;
	}
	b->mm = mm;
	b->pid = get_pid(task_tgid(child));
	b->flags = flags;
	b->bound_by = member ? SHADOWK_BOUND_CGROUP : SHADOWK_BOUND_FORK;
	spin_lock_irqsave(&shadowk_bind_lock, irq);
	if (member) {
		if (!shadowk_bind_member_locked(b, child, member))
			goto discard;
	} else {
		kref_get(&clone->ref);
		b->clone = clone;
	}
	if (shadowk_bind_attach_locked(b))
		goto discard_clone;
	shadowk_view_set(mm, b->clone->pt.top);
	spin_unlock_irqrestore(&shadowk_bind_lock, irq);
	return;

discard_clone:
	spin_unlock_irqrestore(&shadowk_bind_lock, irq);
	shadowk_binding_discard(b);
	return;
discard:
	spin_unlock_irqrestore(&shadowk_bind_lock, irq);
	put_pid(b->pid);
	shadowk_mem_obj_free(b);
}

/* Move a live, pinned @mm to @clone, the binding made: the flushes. */
static void shadowk_bind_go_live(struct shadowk_binding *b, pgd_t via)
{
	unsigned long irq;

	shadowk_tlb_flush_all();
	if (pgd_val(via) == pgd_val(b->clone->pt.top))
		return;
	spin_lock_irqsave(&shadowk_bind_lock, irq);
	if (shadowk_bind_attached(b))
		shadowk_view_set(b->mm, b->clone->pt.top);
	spin_unlock_irqrestore(&shadowk_bind_lock, irq);
	shadowk_tlb_flush_all();
}

/*
 * exec's new mm, current's, loaded on this CPU: moved here alone if no
 * other CPU has it loaded, else as a live move.  With @member, the new
 * program is bound as current's cgroup says, to the clone it names.
 */
void shadowk_bind_new_exec(struct mm_struct *mm, struct shadowk_clone *clone,
			   u32 flags, shadowk_bind_member_fn member)
{
	struct shadowk_binding *b;
	unsigned long irq;
	pgd_t via;
	bool here;

	b = shadowk_mem_obj_alloc(sizeof(*b), GFP_ATOMIC);
	if (!b) {
		pr_warn_ratelimited("out of memory: an exec is not bound\n");
		return;
	}
	b->mm = mm;
	b->pid = get_pid(task_tgid(current));
	b->flags = flags;
	b->bound_by = member ? SHADOWK_BOUND_CGROUP : SHADOWK_BOUND_EXEC;
	spin_lock_irqsave(&shadowk_bind_lock, irq);
	if (member) {
		if (!shadowk_bind_member_locked(b, current, member)) {
			spin_unlock_irqrestore(&shadowk_bind_lock, irq);
			put_pid(b->pid);
			shadowk_mem_obj_free(b);
			return;
		}
	} else {
		kref_get(&clone->ref);
		b->clone = clone;
	}
	if (shadowk_bind_attach_locked(b)) {
		spin_unlock_irqrestore(&shadowk_bind_lock, irq);
		shadowk_binding_discard(b);
		return;
	}
	via = shadowk_view_via(b->clone->pt.top);
	here = shadowk_view_set_here(mm, b->clone->pt.top);
	if (!here)
		shadowk_view_set(mm, via);
	spin_unlock_irqrestore(&shadowk_bind_lock, irq);
	if (!here)
		shadowk_bind_go_live(b, via);
}

/* The clone @mm is bound to, referenced, its flags and how; or NULL. */
struct shadowk_clone *shadowk_bind_of(struct mm_struct *mm, u32 *flags,
				      u32 *bound_by)
{
	struct shadowk_clone *clone = NULL;
	struct shadowk_binding *b;
	unsigned long irq;

	spin_lock_irqsave(&shadowk_bind_lock, irq);
	b = shadowk_bind_find(mm);
	if (b) {
		clone = b->clone;
		kref_get(&clone->ref);
		*flags = b->flags;
		*bound_by = b->bound_by;
	}
	spin_unlock_irqrestore(&shadowk_bind_lock, irq);
	return clone;
}

/* Cheap and lockless: does @mm hold a view other than the kernel's? */
bool shadowk_bind_is_bound(struct mm_struct *mm)
{
	return pgd_val(READ_ONCE(*shadowk_pgtable_mm_entry(mm))) !=
	       pgd_val(shadowk_view_kernel());
}

/*
 * __mmdrop(): the mm's last reference is going; no CPU has it loaded.  Its
 * binding ends here, with no flush (see the top of the file).
 */
static void notrace shadowk_bind_on_mmdrop(unsigned long ip,
					   unsigned long parent_ip,
					   struct ftrace_ops *op,
					   struct ftrace_regs *fregs)
{
	struct pt_regs *regs = ftrace_get_regs(fregs);
	struct mm_struct *mm = regs ? (void *)regs->di : NULL;
	struct shadowk_binding *b;
	unsigned long irq;

	if (!mm || !mm->pgd || !shadowk_bind_is_bound(mm))
		return;
	spin_lock_irqsave(&shadowk_bind_lock, irq);
	b = shadowk_bind_find(mm);
	if (b)
		shadowk_bind_detach_locked(b);
	/* Whatever left it pointing elsewhere: the kernel's, to be tidy. */
	shadowk_view_set(mm, shadowk_view_kernel());
	spin_unlock_irqrestore(&shadowk_bind_lock, irq);
	if (b)
		shadowk_binding_finish(b);
}

static struct shadowk_hook shadowk_bind_mmdrop_hook = {
	.symbol = "__mmdrop",
	.func = shadowk_bind_on_mmdrop,
	.flags = FTRACE_OPS_FL_SAVE_REGS,
};

/*
 * The process's mm, if the caller may bind it: as mm_access() decides.
 * With @tgid, the process's own pid too, referenced.
 */
static struct mm_struct *shadowk_bind_mm(pid_t pid, struct pid **tgid)
{
	struct task_struct *task;
	struct mm_struct *mm;
	struct pid *spid;

	if (pid < 0)
		return ERR_PTR(-EINVAL);
	if (pid) {
		spid = find_get_pid(pid);
		task = get_pid_task(spid, PIDTYPE_PID);
		put_pid(spid);
	} else {
		task = get_task_struct(current);
	}
	if (!task)
		return ERR_PTR(-ESRCH);
	/*
	 * The ptrace check and the mm under the task's exec_update_lock: both
	 * are of the same program, not of one before and one after an exec.
	 */
	mm = shadowk_ksyms_mm_access(task, PTRACE_MODE_ATTACH_REALCREDS);
	if (tgid && !IS_ERR_OR_NULL(mm))
		*tgid = get_pid(task_tgid(task));
	put_task_struct(task);
	if (!mm)
		return ERR_PTR(-ESRCH);
	if (PTR_ERR(mm) == -EACCES)
		return ERR_PTR(-EPERM);
	return mm;
}

int shadowk_bind_ioctl(struct shadowk_ucmd *ucmd)
{
	struct shadowk_bind *cmd = ucmd->cmd;
	struct shadowk_binding *b;
	struct shadowk_clone *clone;
	struct pid *tgid = NULL;
	struct mm_struct *mm;
	unsigned long irq;
	pgd_t via;
	int err = 0;

	if (cmd->flags & ~SHADOWK_BIND_FLAGS)
		return -EINVAL;
	err = shadowk_health_check();
	if (err)
		return err;
	clone = shadowk_clone_get(cmd->clone_id);
	if (!clone)
		return -ENOENT;
	mm = shadowk_bind_mm(cmd->pid, &tgid);
	if (IS_ERR(mm)) {
		err = PTR_ERR(mm);
		goto out_clone;
	}

	err = -ENOMEM;
	b = shadowk_binding_alloc(mm, clone, cmd->flags, SHADOWK_BOUND_PID,
				  tgid, GFP_KERNEL_ACCOUNT);
	if (!b)
		goto out_mm;
	via = shadowk_view_via(clone->pt.top);
	spin_lock_irqsave(&shadowk_bind_lock, irq);
	err = shadowk_bind_attach_locked(b);
	if (!err)
		shadowk_view_set(mm, via);
	spin_unlock_irqrestore(&shadowk_bind_lock, irq);
	if (err) {
		shadowk_binding_discard(b);
		goto out_mm;
	}
	/* mm_users pins the mm, so the binding's end cannot free it here. */
	shadowk_bind_go_live(b, via);
out_mm:
	put_pid(tgid);
	mmput(mm);
out_clone:
	shadowk_clone_put(clone);
	return err;
}

/*
 * Back to the kernel's view for live, pinned mms the caller has taken out
 * of the table and set to shadowk_view_via(): one flush for all of them.
 */
static void shadowk_bind_leave(struct mm_struct **mms, unsigned int n)
{
	pgd_t kernel = shadowk_view_kernel();
	unsigned long irq;
	unsigned int i;

	shadowk_tlb_flush_all();
	if (pgd_val(shadowk_view_via(kernel)) == pgd_val(kernel))
		return;
	spin_lock_irqsave(&shadowk_bind_lock, irq);
	for (i = 0; i < n; i++)
		/* Unless it was bound again meanwhile. */
		if (!shadowk_bind_find(mms[i]))
			shadowk_view_set(mms[i], kernel);
	spin_unlock_irqrestore(&shadowk_bind_lock, irq);
}

int shadowk_bind_unbind_ioctl(struct shadowk_ucmd *ucmd)
{
	struct shadowk_unbind *cmd = ucmd->cmd;
	struct shadowk_binding *b;
	struct mm_struct *mm;
	unsigned long irq;

	if (cmd->flags || cmd->__reserved)
		return -EINVAL;
	mm = shadowk_bind_mm(cmd->pid, NULL);
	if (IS_ERR(mm))
		return PTR_ERR(mm);

	spin_lock_irqsave(&shadowk_bind_lock, irq);
	b = shadowk_bind_find(mm);
	if (b) {
		shadowk_bind_detach_locked(b);
		shadowk_view_set(mm, shadowk_view_via(shadowk_view_kernel()));
	}
	spin_unlock_irqrestore(&shadowk_bind_lock, irq);
	if (b) {
		shadowk_bind_leave(&mm, 1);
		shadowk_binding_finish(b);
	}
	mmput(mm);
	return b ? 0 : -ENOENT;
}

int shadowk_bind_process_info_ioctl(struct shadowk_ucmd *ucmd)
{
	struct shadowk_process_info *cmd = ucmd->cmd;
	struct shadowk_binding *b;
	struct mm_struct *mm;
	unsigned long irq;

	if (cmd->flags || cmd->__reserved)
		return -EINVAL;
	mm = shadowk_bind_mm(cmd->pid, NULL);
	if (IS_ERR(mm))
		return PTR_ERR(mm);
	cmd->out_clone_id = 0;
	cmd->out_bind_flags = 0;
	cmd->out_bound_by = 0;
	cmd->__reserved2 = 0;
	cmd->out_cgroup_id = 0;
	spin_lock_irqsave(&shadowk_bind_lock, irq);
	b = shadowk_bind_find(mm);
	if (b) {
		cmd->out_clone_id = b->clone->id;
		cmd->out_bind_flags = b->flags;
		cmd->out_bound_by = b->bound_by;
		cmd->out_cgroup_id = b->cgroup_id;
	}
	spin_unlock_irqrestore(&shadowk_bind_lock, irq);
	mmput(mm);
	return shadowk_dev_respond(ucmd, sizeof(*cmd));
}

/*
 * Address spaces bound to @clone that are still alive (not exited); with
 * a @cgroup_id, only those bound through that cgroup.
 */
unsigned int shadowk_bind_count(struct shadowk_clone *clone, u64 cgroup_id)
{
	struct shadowk_binding *b;
	unsigned long irq;
	unsigned int n = 0;

	spin_lock_irqsave(&shadowk_bind_lock, irq);
	list_for_each_entry(b, &clone->bindings, cnode)
		if (!cgroup_id || b->cgroup_id == cgroup_id)
			n += atomic_read(&b->mm->mm_users) > 0;
	spin_unlock_irqrestore(&shadowk_bind_lock, irq);
	return n;
}

/*
 * A process that may have entered or left a bound cgroup (cgroup.c, which
 * serialises these): bind @mm, pinned by the caller, through the cgroup
 * @member names for @task, or end its binding through a cgroup it left.
 * Bindings made otherwise are left alone.  1 if it bound, else 0.
 */
int shadowk_bind_settle(struct mm_struct *mm, struct task_struct *task,
			shadowk_bind_member_fn member)
{
	struct shadowk_binding *b, *old;
	unsigned long irq;
	pgd_t via;

	b = shadowk_mem_obj_alloc(sizeof(*b), GFP_KERNEL_ACCOUNT);
	if (!b)
		return 0;
	b->mm = mm;
	b->pid = get_pid(task_tgid(task));
	b->flags = SHADOWK_BIND_INHERIT_EXEC;
	b->bound_by = SHADOWK_BOUND_CGROUP;
	spin_lock_irqsave(&shadowk_bind_lock, irq);
	old = shadowk_bind_find(mm);
	if (old && old->bound_by != SHADOWK_BOUND_CGROUP)
		goto discard;
	if (!shadowk_bind_member_locked(b, task, member)) {
		if (!old)
			goto discard;
		b->clone = NULL;
	} else if (old && old->cgroup_id == b->cgroup_id) {
		goto discard_clone;
	}
	if (old) {
		/* Left its cgroup, or went to another bound one. */
		shadowk_bind_detach_locked(old);
		shadowk_view_set(mm, shadowk_view_via(shadowk_view_kernel()));
		spin_unlock_irqrestore(&shadowk_bind_lock, irq);
		shadowk_bind_leave(&mm, 1);
		shadowk_binding_finish(old);
		if (!b->clone)
			goto free;
		spin_lock_irqsave(&shadowk_bind_lock, irq);
	}
	if (!shadowk_compat_dumpable(task, mm) ||
	    shadowk_bind_attach_locked(b))
		goto discard_clone;
	via = shadowk_view_via(b->clone->pt.top);
	shadowk_view_set(mm, via);
	spin_unlock_irqrestore(&shadowk_bind_lock, irq);
	shadowk_bind_go_live(b, via);
	return 1;

discard_clone:
	spin_unlock_irqrestore(&shadowk_bind_lock, irq);
	shadowk_binding_discard(b);
	return 0;
discard:
	spin_unlock_irqrestore(&shadowk_bind_lock, irq);
free:
	put_pid(b->pid);
	shadowk_mem_obj_free(b);
	return 0;
}

/* A bound process, held for PROCESS_LIST between the lock and the copy. */
struct shadowk_bind_snap {
	struct pid *pid;
	u32 flags, bound_by;
	u64 cgroup_id;
};

/* Up to @room of @clone's live bindings, their pids referenced. */
static u32 shadowk_bind_snapshot(struct shadowk_clone *clone,
				 struct shadowk_bind_snap *snap, u32 room)
{
	struct shadowk_binding *b;
	unsigned long irq;
	u32 n = 0;

	spin_lock_irqsave(&shadowk_bind_lock, irq);
	list_for_each_entry(b, &clone->bindings, cnode) {
		if (n == room)
			break;
		if (!b->pid || atomic_read(&b->mm->mm_users) <= 0)
			continue;
		snap[n].pid = get_pid(b->pid);
		snap[n].flags = b->flags;
		snap[n].bound_by = b->bound_by;
		snap[n].cgroup_id = b->cgroup_id;
		n++;
	}
	spin_unlock_irqrestore(&shadowk_bind_lock, irq);
	return n;
}

static int shadowk_bind_entry_cmp(const void *a, const void *b)
{
	const struct shadowk_process_entry *x = a, *y = b;

	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

/* The snapshot as the caller sees it: its pids, the processes' names. */
static u32 shadowk_bind_describe(struct shadowk_bind_snap *snap, u32 n,
				 struct shadowk_process_entry *e)
{
	struct pid_namespace *ns = task_active_pid_ns(current);
	struct task_struct *task;
	u32 i, out = 0;

	for (i = 0; i < n; i++) {
		pid_t nr = pid_nr_ns(snap[i].pid, ns);

		task = get_pid_task(snap[i].pid, PIDTYPE_TGID);
		put_pid(snap[i].pid);
		if (!task)
			continue;
		if (nr > 0) {
			memset(&e[out], 0, sizeof(e[out]));
			e[out].pid = nr;
			e[out].bind_flags = snap[i].flags;
			e[out].bound_by = snap[i].bound_by;
			e[out].cgroup_id = snap[i].cgroup_id;
			get_task_comm(e[out].comm, task);
			out++;
		}
		put_task_struct(task);
	}
	sort(e, out, sizeof(*e), shadowk_bind_entry_cmp, NULL);
	return out;
}

int shadowk_bind_list_ioctl(struct shadowk_ucmd *ucmd)
{
	struct shadowk_process_list *cmd = ucmd->cmd;
	struct shadowk_process_entry *entries = NULL;
	struct shadowk_bind_snap *snap = NULL;
	struct shadowk_clone *clone;
	u32 cap, n;
	int err;

	if (cmd->flags || cmd->__reserved)
		return -EINVAL;
	err = shadowk_dev_entry_size_ok(cmd->entry_size,
					offsetofend(struct shadowk_process_entry, comm));
	if (err)
		return err;
	clone = shadowk_clone_get(cmd->clone_id);
	if (!clone)
		return -ENOENT;
	/* Room for those bound now and some that come meanwhile. */
	cap = shadowk_bind_count(clone, 0) + 16;
	err = -ENOMEM;
	snap = shadowk_mem_scratch_alloc(array_size(cap, sizeof(*snap)));
	entries = shadowk_mem_scratch_alloc(array_size(cap, sizeof(*entries)));
	if (!snap || !entries)
		goto out;
	n = shadowk_bind_snapshot(clone, snap, cap);
	n = shadowk_bind_describe(snap, n, entries);
	err = 0;
	if (cmd->count)
		err = shadowk_dev_copy_entries(cmd->entries, cmd->entry_size,
					       entries, sizeof(*entries),
					       min(cmd->count, n));
	cmd->count = n;
	if (!err)
		err = shadowk_dev_respond(ucmd, sizeof(*cmd));
out:
	shadowk_mem_scratch_free(entries);
	shadowk_mem_scratch_free(snap);
	shadowk_clone_put(clone);
	return err;
}

/*
 * End the bindings on @list, taken out of the table by the caller (which
 * set them to the via view and pinned their mms in @mms): flush, back to
 * the kernel's view, drop the pins.
 */
static void shadowk_bind_end_list(struct list_head *list,
				  struct mm_struct **mms, unsigned int n)
{
	struct shadowk_binding *b, *tmp;
	unsigned int i;

	shadowk_bind_leave(mms, n);
	for (i = 0; i < n; i++)
		mmdrop(mms[i]);
	list_for_each_entry_safe(b, tmp, list, cnode)
		shadowk_binding_finish(b);
}

/*
 * Take up to @max bindings of @clone (of every clone if NULL) out of the
 * table, set each live mm to the via view and pin it.  A dying mm whose
 * count is already zero is in __mmdrop(), waiting for the lock: nobody can
 * have it loaded, so it is left as it is.
 */
static unsigned int shadowk_bind_take(struct shadowk_clone *clone,
				      u64 cgroup_id, struct list_head *list,
				      struct mm_struct **mms, unsigned int max)
{
	pgd_t via = shadowk_view_via(shadowk_view_kernel());
	struct shadowk_binding *b;
	struct hlist_node *tmp;
	unsigned int n = 0;
	int bkt;

	lockdep_assert_held(&shadowk_bind_lock);
	hash_for_each_safe(shadowk_bind_hash, bkt, tmp, b, hnode) {
		if (n == max)
			break;
		if (clone && b->clone != clone)
			continue;
		if (cgroup_id && b->cgroup_id != cgroup_id)
			continue;
		shadowk_bind_detach_locked(b);
		list_add(&b->cnode, list);
		if (!atomic_inc_not_zero(&b->mm->mm_count))
			continue;
		shadowk_view_set(b->mm, via);
		mms[n++] = b->mm;
	}
	return n;
}

#define SHADOWK_BIND_BATCH	64

/*
 * Unbind every mm of @clone (every clone if NULL), or only those bound
 * through the cgroup @cgroup_id if not 0, a batch per flush; how many
 * live ones.
 */
static unsigned int shadowk_bind_detach(struct shadowk_clone *clone,
					u64 cgroup_id)
{
	struct mm_struct *mms[SHADOWK_BIND_BATCH];
	unsigned int n, total = 0;
	unsigned long irq;
	LIST_HEAD(gone);

	do {
		spin_lock_irqsave(&shadowk_bind_lock, irq);
		n = shadowk_bind_take(clone, cgroup_id, &gone, mms,
				      SHADOWK_BIND_BATCH);
		spin_unlock_irqrestore(&shadowk_bind_lock, irq);
		shadowk_bind_end_list(&gone, mms, n);
		INIT_LIST_HEAD(&gone);
		total += n;
	} while (n == SHADOWK_BIND_BATCH);
	return total;
}

/* A cgroup's binding ended (cgroup.c): the processes it bound go back. */
unsigned int shadowk_bind_detach_cgroup(u64 cgroup_id)
{
	return shadowk_bind_detach(NULL, cgroup_id);
}

/*
 * DESTROY: no binding may attach from now on; unbind every mm.  Always
 * one flush at least: a binding that ended at its mm's end left stale
 * entries for the clone's pages, which are freed next.
 */
void shadowk_bind_detach_clone(struct shadowk_clone *clone)
{
	unsigned long irq;

	spin_lock_irqsave(&shadowk_bind_lock, irq);
	clone->dead = true;
	spin_unlock_irqrestore(&shadowk_bind_lock, irq);
	shadowk_bind_detach(clone, 0);
}

/* ftrace died (health.c): nobody stays bound. */
void shadowk_bind_detach_all(void)
{
	shadowk_bind_detach(NULL, 0);
}

int __init shadowk_bind_init(void)
{
	return shadowk_hook_register(&shadowk_bind_mmdrop_hook);
}

/* After every clone is destroyed: no binding is attached any more. */
void shadowk_bind_exit(void)
{
	shadowk_hook_unregister(&shadowk_bind_mmdrop_hook);
	/* Bindings waiting for readers to leave. */
	rcu_barrier();
}
