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
#include <linux/sched/task.h>
#include <linux/spinlock.h>

#include <uapi/linux/shadowk.h>

#include "bind.h"
#include "clone.h"
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
	shadowk_mem_obj_free(container_of(rcu, struct shadowk_binding, rcu));
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
						     u32 flags, gfp_t gfp)
{
	struct shadowk_binding *b = shadowk_mem_obj_alloc(sizeof(*b), gfp);

	if (!b)
		return NULL;
	b->mm = mm;
	b->clone = clone;
	kref_get(&clone->ref);
	b->flags = flags;
	return b;
}

/* Undo an allocation that never attached. */
static void shadowk_binding_discard(struct shadowk_binding *b)
{
	shadowk_clone_put(b->clone);
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

/* A child at fork, never loaded on any CPU: the store is all. */
void shadowk_bind_new_fork(struct mm_struct *mm, struct shadowk_clone *clone,
			   u32 flags)
{
	struct shadowk_binding *b;
	unsigned long irq;

	b = shadowk_binding_alloc(mm, clone, flags, GFP_ATOMIC);
	if (!b) {
		pr_warn_ratelimited("out of memory: a child is not bound\n");
		return;
	}
	spin_lock_irqsave(&shadowk_bind_lock, irq);
	if (shadowk_bind_attach_locked(b)) {
		spin_unlock_irqrestore(&shadowk_bind_lock, irq);
		shadowk_binding_discard(b);
		return;
	}
	shadowk_view_set(mm, clone->pt.top);
	spin_unlock_irqrestore(&shadowk_bind_lock, irq);
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
 * other CPU has it loaded, else as a live move.
 */
void shadowk_bind_new_exec(struct mm_struct *mm, struct shadowk_clone *clone,
			   u32 flags)
{
	pgd_t via = shadowk_view_via(clone->pt.top);
	struct shadowk_binding *b;
	unsigned long irq;
	bool here;

	b = shadowk_binding_alloc(mm, clone, flags, GFP_ATOMIC);
	if (!b) {
		pr_warn_ratelimited("out of memory: an exec is not bound\n");
		return;
	}
	spin_lock_irqsave(&shadowk_bind_lock, irq);
	if (shadowk_bind_attach_locked(b)) {
		spin_unlock_irqrestore(&shadowk_bind_lock, irq);
		shadowk_binding_discard(b);
		return;
	}
	here = shadowk_view_set_here(mm, clone->pt.top);
	if (!here)
		shadowk_view_set(mm, via);
	spin_unlock_irqrestore(&shadowk_bind_lock, irq);
	if (!here)
		shadowk_bind_go_live(b, via);
}

/* The clone @mm is bound to, referenced, and its flags; or NULL. */
struct shadowk_clone *shadowk_bind_of(struct mm_struct *mm, u32 *flags)
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

/* The process's mm, if the caller may bind it: as mm_access() decides. */
static struct mm_struct *shadowk_bind_mm(pid_t pid)
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
	mm = shadowk_bind_mm(cmd->pid);
	if (IS_ERR(mm)) {
		err = PTR_ERR(mm);
		goto out_clone;
	}

	err = -ENOMEM;
	b = shadowk_binding_alloc(mm, clone, cmd->flags, GFP_KERNEL_ACCOUNT);
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
	mm = shadowk_bind_mm(cmd->pid);
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
	mm = shadowk_bind_mm(cmd->pid);
	if (IS_ERR(mm))
		return PTR_ERR(mm);
	cmd->out_clone_id = 0;
	cmd->out_bind_flags = 0;
	spin_lock_irqsave(&shadowk_bind_lock, irq);
	b = shadowk_bind_find(mm);
	if (b) {
		cmd->out_clone_id = b->clone->id;
		cmd->out_bind_flags = b->flags;
	}
	spin_unlock_irqrestore(&shadowk_bind_lock, irq);
	mmput(mm);
	return shadowk_dev_respond(ucmd, sizeof(*cmd));
}

/* Address spaces bound to @clone that are still alive (not exited). */
unsigned int shadowk_bind_count(struct shadowk_clone *clone)
{
	struct shadowk_binding *b;
	unsigned long irq;
	unsigned int n = 0;

	spin_lock_irqsave(&shadowk_bind_lock, irq);
	list_for_each_entry(b, &clone->bindings, cnode)
		n += atomic_read(&b->mm->mm_users) > 0;
	spin_unlock_irqrestore(&shadowk_bind_lock, irq);
	return n;
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
				      struct list_head *list,
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

/* Unbind every mm of @clone (every clone if NULL), a batch per flush. */
static void shadowk_bind_detach(struct shadowk_clone *clone)
{
	struct mm_struct *mms[SHADOWK_BIND_BATCH];
	unsigned long irq;
	unsigned int n;
	LIST_HEAD(gone);

	do {
		spin_lock_irqsave(&shadowk_bind_lock, irq);
		n = shadowk_bind_take(clone, &gone, mms, SHADOWK_BIND_BATCH);
		spin_unlock_irqrestore(&shadowk_bind_lock, irq);
		shadowk_bind_end_list(&gone, mms, n);
		INIT_LIST_HEAD(&gone);
	} while (n == SHADOWK_BIND_BATCH);
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
	shadowk_bind_detach(clone);
}

/* ftrace died (health.c): nobody stays bound. */
void shadowk_bind_detach_all(void)
{
	shadowk_bind_detach(NULL);
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
