// SPDX-License-Identifier: GPL-2.0
/*
 * Binding address spaces to clones.
 *
 * A binding points one mm's top-level kernel-image entry at its clone's
 * private tables, so every thread of the mm runs the clone from its next
 * TLB miss on; the flush after the write makes that "now".  Unbinding
 * writes the kernel's own entry back and flushes, after which no CPU can
 * reach the clone through that mm.
 *
 * A binding ends in exactly one of four ways, whichever comes first, and
 * whoever clears ->attached under shadowk_bind_lock does the teardown:
 * UNBIND; DESTROY of the clone (or module unload); the mm's exit, seen by
 * an mmu_notifier ->release; or, for a binding made at fork or exec before
 * its notifier could be registered, the registering work finding the mm
 * already gone.
 *
 * Fork and exec are followed from tracepoints and an exec hook, which run
 * in atomic context: they write the entry at once and leave registering
 * the mmu_notifier, which sleeps, to shadowk's workqueue.
 */

#include <linux/hashtable.h>
#include <linux/mm.h>
#include <linux/mmu_notifier.h>
#include <linux/pid.h>
#include <linux/ptrace.h>
#include <linux/refcount.h>
#include <linux/sched/mm.h>
#include <linux/sched/task.h>
#include <linux/spinlock.h>
#include <linux/tracepoint.h>
#include <linux/workqueue.h>

#include <uapi/linux/shadowk.h>

#include "bind.h"
#include "clone.h"
#include "dev.h"
#include "hook.h"
#include "ksyms.h"
#include "mem.h"
#include "tlb.h"

#define SHADOWK_BIND_FLAGS \
	(SHADOWK_BIND_INHERIT_FORK | SHADOWK_BIND_INHERIT_EXEC)

struct shadowk_binding {
	struct mmu_notifier mn;
	struct hlist_node hnode;	/* shadowk_bind_hash, by mm */
	struct list_head cnode;		/* clone->bindings */
	struct mm_struct *mm;		/* mmgrab()ed for the binding's life */
	struct shadowk_clone *clone;	/* a reference while attached */
	u32 flags;
	refcount_t ref;		/* attachment, registered notifier, work */
	bool attached;
	bool mn_registered;
	struct work_struct register_work;
	struct rcu_head rcu;
	/* This process's calls, one count per injection slot (inject.c). */
	atomic64_t counters[SHADOWK_BIND_COUNTERS];
};

/* An exec by a bound task, between begin_new_exec() and the tracepoint. */
struct shadowk_exec_note {
	struct hlist_node hnode;
	struct task_struct *task;
	struct shadowk_clone *clone;
	u32 flags;
};

static DEFINE_SPINLOCK(shadowk_bind_lock);
static DEFINE_HASHTABLE(shadowk_bind_hash, 8);
static DEFINE_HASHTABLE(shadowk_exec_notes, 6);
static struct workqueue_struct *shadowk_bind_wq;

static void shadowk_binding_free_rcu(struct rcu_head *rcu)
{
	shadowk_mem_obj_free(container_of(rcu, struct shadowk_binding, rcu));
}

static void shadowk_binding_put(struct shadowk_binding *b)
{
	if (!refcount_dec_and_test(&b->ref))
		return;
	mmdrop(b->mm);
	/* Dispatch may be reading its counters. */
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

	spin_lock_bh(&shadowk_bind_lock);
	list_for_each_entry(b, &clone->bindings, cnode)
		atomic64_set(&b->counters[slot], 0);
	spin_unlock_bh(&shadowk_bind_lock);
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

static void shadowk_bind_attach_locked(struct shadowk_binding *b)
{
	lockdep_assert_held(&shadowk_bind_lock);
	hash_add_rcu(shadowk_bind_hash, &b->hnode, (unsigned long)b->mm);
	list_add(&b->cnode, &b->clone->bindings);
	b->clone->nr_bound++;
	b->attached = true;
	WRITE_ONCE(*shadowk_pgtable_mm_entry(b->mm), b->clone->pt.top);
}

/* True if this call detached @b; the caller then owes shadowk_bind_finish. */
static bool shadowk_bind_detach_locked(struct shadowk_binding *b)
{
	lockdep_assert_held(&shadowk_bind_lock);
	if (!b->attached)
		return false;
	WRITE_ONCE(*shadowk_pgtable_mm_entry(b->mm),
		   shadowk_pgtable_original());
	hash_del_rcu(&b->hnode);
	list_del(&b->cnode);
	b->clone->nr_bound--;
	b->attached = false;
	return true;
}

/*
 * After detaching (and the flush that follows it, done by the caller):
 * drop what the attachment held.  May run from the notifier's ->release.
 */
static void shadowk_bind_finish(struct shadowk_binding *b)
{
	bool registered;

	spin_lock_bh(&shadowk_bind_lock);
	registered = b->mn_registered;
	b->mn_registered = false;
	spin_unlock_bh(&shadowk_bind_lock);

	shadowk_clone_put(b->clone);
	if (registered)
		mmu_notifier_put(&b->mn);	/* ->free_notifier puts its ref */
	shadowk_binding_put(b);
}

static void shadowk_bind_mn_release(struct mmu_notifier *mn,
				    struct mm_struct *mm)
{
	struct shadowk_binding *b = container_of(mn, struct shadowk_binding,
						 mn);
	bool detached;

	spin_lock_bh(&shadowk_bind_lock);
	detached = shadowk_bind_detach_locked(b);
	spin_unlock_bh(&shadowk_bind_lock);
	if (!detached)
		return;
	/* The dying mm may still be loaded, lazily, on other CPUs. */
	shadowk_tlb_flush_all();
	shadowk_bind_finish(b);
}

static void shadowk_bind_mn_free(struct mmu_notifier *mn)
{
	shadowk_binding_put(container_of(mn, struct shadowk_binding, mn));
}

static const struct mmu_notifier_ops shadowk_bind_mn_ops = {
	.release = shadowk_bind_mn_release,
	.free_notifier = shadowk_bind_mn_free,
};

static struct shadowk_binding *shadowk_binding_alloc(struct mm_struct *mm,
						     struct shadowk_clone *clone,
						     u32 flags, gfp_t gfp)
{
	struct shadowk_binding *b = shadowk_mem_obj_alloc(sizeof(*b), gfp);

	if (!b)
		return NULL;
	b->mn.ops = &shadowk_bind_mn_ops;
	b->mm = mm;
	mmgrab(mm);
	b->clone = clone;
	kref_get(&clone->ref);
	b->flags = flags;
	refcount_set(&b->ref, 1);
	return b;
}

/* Undo an allocation that never attached. */
static void shadowk_binding_discard(struct shadowk_binding *b)
{
	shadowk_clone_put(b->clone);
	shadowk_binding_put(b);
}

/*
 * Work for bindings made in atomic context: register the notifier, or, if
 * the mm died first, tear the binding down here.
 */
static void shadowk_bind_register_work(struct work_struct *work)
{
	struct shadowk_binding *b = container_of(work, struct shadowk_binding,
						 register_work);
	bool attached, detached = false;

	if (!mmget_not_zero(b->mm)) {
		spin_lock_bh(&shadowk_bind_lock);
		detached = shadowk_bind_detach_locked(b);
		spin_unlock_bh(&shadowk_bind_lock);
		if (detached) {
			shadowk_tlb_flush_all();
			shadowk_bind_finish(b);
		}
		goto out;
	}

	if (mmu_notifier_register(&b->mn, b->mm)) {
		/* Cannot follow the mm's exit: do not stay bound to it. */
		spin_lock_bh(&shadowk_bind_lock);
		detached = shadowk_bind_detach_locked(b);
		spin_unlock_bh(&shadowk_bind_lock);
		mmput(b->mm);
		if (detached) {
			shadowk_tlb_flush_all();
			shadowk_bind_finish(b);
		}
		goto out;
	}
	refcount_inc(&b->ref);
	spin_lock_bh(&shadowk_bind_lock);
	attached = b->attached;
	if (attached)
		b->mn_registered = true;
	spin_unlock_bh(&shadowk_bind_lock);
	if (!attached)		/* unbound while we were registering */
		mmu_notifier_put(&b->mn);
	mmput(b->mm);
out:
	shadowk_binding_put(b);
}

/*
 * Bind @mm, which has never been loaded on any CPU or is loaded only by
 * current (exec), from atomic context.  @flush says whether it may be.
 */
static void shadowk_bind_atomic(struct mm_struct *mm,
				struct shadowk_clone *clone, u32 flags,
				bool flush)
{
	struct shadowk_binding *b;

	b = shadowk_binding_alloc(mm, clone, flags, GFP_ATOMIC);
	if (!b) {
		pr_warn_ratelimited("out of memory: a child is not bound\n");
		return;
	}
	spin_lock_bh(&shadowk_bind_lock);
	if (clone->dead || shadowk_bind_find(mm)) {
		spin_unlock_bh(&shadowk_bind_lock);
		shadowk_binding_discard(b);
		return;
	}
	shadowk_bind_attach_locked(b);
	refcount_inc(&b->ref);		/* for the work */
	INIT_WORK(&b->register_work, shadowk_bind_register_work);
	queue_work(shadowk_bind_wq, &b->register_work);
	spin_unlock_bh(&shadowk_bind_lock);
	if (flush)
		shadowk_tlb_flush_all();
}

/*
 * fork: a child with its own mm gets a fresh copy of the kernel's entry
 * from init_mm; bind it before it first runs.  It has never been loaded,
 * so no CPU holds a translation through it and no flush is needed.
 */
static void shadowk_bind_on_fork(void *data, struct task_struct *parent,
				 struct task_struct *child)
{
	struct mm_struct *mm = parent->mm;
	struct shadowk_binding *pb;
	struct shadowk_clone *clone;
	u32 flags;

	if (!mm || !child->mm || child->mm == mm)
		return;
	/* Cheap test first: is the parent bound at all? */
	if (pgd_val(READ_ONCE(*shadowk_pgtable_mm_entry(mm))) ==
	    pgd_val(shadowk_pgtable_original()))
		return;

	spin_lock_bh(&shadowk_bind_lock);
	pb = shadowk_bind_find(mm);
	if (!pb || !(pb->flags & SHADOWK_BIND_INHERIT_FORK)) {
		spin_unlock_bh(&shadowk_bind_lock);
		return;
	}
	clone = pb->clone;
	kref_get(&clone->ref);
	flags = pb->flags;
	spin_unlock_bh(&shadowk_bind_lock);

	shadowk_bind_atomic(child->mm, clone, flags, false);
	shadowk_clone_put(clone);
}

static void shadowk_bind_free_note(struct shadowk_exec_note *note)
{
	shadowk_clone_put(note->clone);
	shadowk_mem_obj_free(note);
}

/*
 * exec, part one: begin_new_exec() is about to replace current's mm.  If
 * the old one is bound with INHERIT_EXEC, note the clone for part two.
 */
static void notrace shadowk_bind_on_begin_exec(unsigned long ip,
					       unsigned long parent_ip,
					       struct ftrace_ops *op,
					       struct ftrace_regs *fregs)
{
	struct mm_struct *mm = current->mm;
	struct shadowk_exec_note *note, *old;
	struct shadowk_binding *b;

	if (!mm || pgd_val(READ_ONCE(*shadowk_pgtable_mm_entry(mm))) ==
		   pgd_val(shadowk_pgtable_original()))
		return;

	note = shadowk_mem_obj_alloc(sizeof(*note), GFP_ATOMIC);
	if (!note)
		return;
	spin_lock_bh(&shadowk_bind_lock);
	b = shadowk_bind_find(mm);
	if (!b || !(b->flags & SHADOWK_BIND_INHERIT_EXEC)) {
		spin_unlock_bh(&shadowk_bind_lock);
		shadowk_mem_obj_free(note);
		return;
	}
	/* A failed earlier exec may have left a note: replace it. */
	hash_for_each_possible(shadowk_exec_notes, old, hnode,
			       (unsigned long)current)
		if (old->task == current) {
			hash_del(&old->hnode);
			shadowk_bind_free_note(old);
			break;
		}
	note->task = current;
	note->clone = b->clone;
	kref_get(&b->clone->ref);
	note->flags = b->flags;
	hash_add(shadowk_exec_notes, &note->hnode, (unsigned long)current);
	spin_unlock_bh(&shadowk_bind_lock);
}

static struct shadowk_exec_note *shadowk_bind_take_note(struct task_struct *t)
{
	struct shadowk_exec_note *note;

	spin_lock_bh(&shadowk_bind_lock);
	hash_for_each_possible(shadowk_exec_notes, note, hnode,
			       (unsigned long)t)
		if (note->task == t) {
			hash_del(&note->hnode);
			spin_unlock_bh(&shadowk_bind_lock);
			return note;
		}
	spin_unlock_bh(&shadowk_bind_lock);
	return NULL;
}

/*
 * exec, part two: the new mm is in place and loaded on this CPU (and, if
 * the task moved since, lazily on the one before), so flush after binding.
 */
static void shadowk_bind_on_exec(void *data, struct task_struct *p,
				 pid_t old_pid, struct linux_binprm *bprm)
{
	struct shadowk_exec_note *note;

	if (hash_empty(shadowk_exec_notes))
		return;
	note = shadowk_bind_take_note(p);
	if (!note)
		return;
	if (p->mm)
		shadowk_bind_atomic(p->mm, note->clone, note->flags, true);
	shadowk_bind_free_note(note);
}

/* A task that died between the two parts leaves its note behind. */
static void shadowk_bind_on_free(void *data, struct task_struct *p)
{
	struct shadowk_exec_note *note;

	if (hash_empty(shadowk_exec_notes))
		return;
	note = shadowk_bind_take_note(p);
	if (note)
		shadowk_bind_free_note(note);
}

static struct shadowk_hook shadowk_bind_exec_hook = {
	.symbol = "begin_new_exec",
	.func = shadowk_bind_on_begin_exec,
};

struct shadowk_bind_tp {
	const char *name;
	void *probe;
	struct tracepoint *tp;
};

static struct shadowk_bind_tp shadowk_bind_tps[] = {
	{ "sched_process_fork", shadowk_bind_on_fork },
	{ "sched_process_exec", shadowk_bind_on_exec },
	{ "sched_process_free", shadowk_bind_on_free },
};

static void shadowk_bind_find_tp(struct tracepoint *tp, void *unused)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(shadowk_bind_tps); i++)
		if (!strcmp(tp->name, shadowk_bind_tps[i].name))
			shadowk_bind_tps[i].tp = tp;
}

static struct task_struct *shadowk_bind_task(pid_t pid, int *err)
{
	struct task_struct *task;
	struct pid *spid;

	if (pid < 0) {
		*err = -EINVAL;
		return NULL;
	}
	if (!pid) {
		get_task_struct(current);
		return current;
	}
	spid = find_get_pid(pid);
	task = get_pid_task(spid, PIDTYPE_PID);
	put_pid(spid);
	if (!task) {
		*err = -ESRCH;
		return NULL;
	}
	return task;
}

/* The process's mm, if the caller may bind it. */
static struct mm_struct *shadowk_bind_mm(pid_t pid, int *err)
{
	struct task_struct *task = shadowk_bind_task(pid, err);
	struct mm_struct *mm;

	if (!task)
		return NULL;
	if (task != current &&
	    !shadowk_ksyms_ptrace_may_access(task,
					     PTRACE_MODE_ATTACH_REALCREDS)) {
		put_task_struct(task);
		*err = -EPERM;
		return NULL;
	}
	mm = get_task_mm(task);
	put_task_struct(task);
	if (!mm)
		*err = -ESRCH;
	return mm;
}

int shadowk_bind_ioctl(struct shadowk_ucmd *ucmd)
{
	struct shadowk_bind *cmd = ucmd->cmd;
	struct shadowk_binding *b;
	struct shadowk_clone *clone;
	struct mm_struct *mm;
	int err = 0;

	if (cmd->flags & ~SHADOWK_BIND_FLAGS)
		return -EINVAL;
	clone = shadowk_clone_get(cmd->clone_id);
	if (!clone)
		return -ENOENT;
	mm = shadowk_bind_mm(cmd->pid, &err);
	if (!mm)
		goto out_clone;

	err = -ENOMEM;
	b = shadowk_binding_alloc(mm, clone, cmd->flags, GFP_KERNEL_ACCOUNT);
	if (!b)
		goto out_mm;
	/* We hold mm_users, so ->release cannot run before we attach. */
	err = mmu_notifier_register(&b->mn, mm);
	if (err) {
		shadowk_binding_discard(b);
		goto out_mm;
	}
	refcount_inc(&b->ref);		/* the notifier's, put by free */
	b->mn_registered = true;

	spin_lock_bh(&shadowk_bind_lock);
	if (clone->dead || shadowk_bind_find(mm)) {
		err = clone->dead ? -ENOENT : -EBUSY;
		b->mn_registered = false;
		spin_unlock_bh(&shadowk_bind_lock);
		mmu_notifier_put(&b->mn);
		shadowk_binding_discard(b);
		goto out_mm;
	}
	shadowk_bind_attach_locked(b);
	spin_unlock_bh(&shadowk_bind_lock);
	shadowk_tlb_flush_all();
	err = 0;
out_mm:
	mmput(mm);
out_clone:
	shadowk_clone_put(clone);
	return err;
}

int shadowk_unbind_ioctl(struct shadowk_ucmd *ucmd)
{
	struct shadowk_unbind *cmd = ucmd->cmd;
	struct shadowk_binding *b;
	struct mm_struct *mm;
	bool detached = false;
	int err = 0;

	if (cmd->flags || cmd->__reserved)
		return -EINVAL;
	mm = shadowk_bind_mm(cmd->pid, &err);
	if (!mm)
		return err;

	spin_lock_bh(&shadowk_bind_lock);
	b = shadowk_bind_find(mm);
	if (b)
		detached = shadowk_bind_detach_locked(b);
	spin_unlock_bh(&shadowk_bind_lock);
	mmput(mm);
	if (!detached)
		return -ENOENT;
	shadowk_tlb_flush_all();
	shadowk_bind_finish(b);
	return 0;
}

unsigned int shadowk_bind_count(struct shadowk_clone *clone)
{
	unsigned int n;

	spin_lock_bh(&shadowk_bind_lock);
	n = clone->nr_bound;
	spin_unlock_bh(&shadowk_bind_lock);
	return n;
}

/* DESTROY: unbind every mm of @clone, with one flush for all of them. */
void shadowk_bind_detach_clone(struct shadowk_clone *clone)
{
	struct shadowk_binding *b, *tmp;
	LIST_HEAD(gone);

	spin_lock_bh(&shadowk_bind_lock);
	clone->dead = true;	/* no binding may attach from now on */
	list_for_each_entry_safe(b, tmp, &clone->bindings, cnode) {
		shadowk_bind_detach_locked(b);
		list_add(&b->cnode, &gone);
	}
	spin_unlock_bh(&shadowk_bind_lock);
	if (list_empty(&gone))
		return;
	shadowk_tlb_flush_all();
	list_for_each_entry_safe(b, tmp, &gone, cnode)
		shadowk_bind_finish(b);
}

int __init shadowk_bind_init(void)
{
	unsigned int i;
	int err;

	shadowk_bind_wq = alloc_workqueue("shadowk_bind", 0, 0);
	if (!shadowk_bind_wq)
		return -ENOMEM;

	for_each_kernel_tracepoint(shadowk_bind_find_tp, NULL);
	for (i = 0; i < ARRAY_SIZE(shadowk_bind_tps); i++) {
		if (!shadowk_bind_tps[i].tp) {
			pr_err("cannot find tracepoint %s\n",
			       shadowk_bind_tps[i].name);
			err = -ENOENT;
			goto fail;
		}
	}
	for (i = 0; i < ARRAY_SIZE(shadowk_bind_tps); i++) {
		err = tracepoint_probe_register(shadowk_bind_tps[i].tp,
						shadowk_bind_tps[i].probe,
						NULL);
		if (err) {
			pr_err("cannot attach to tracepoint %s (%d)\n",
			       shadowk_bind_tps[i].name, err);
			goto fail_tp;
		}
	}
	err = shadowk_hook_register(&shadowk_bind_exec_hook);
	if (err)
		goto fail_tp;
	return 0;

fail_tp:
	while (i--)
		tracepoint_probe_unregister(shadowk_bind_tps[i].tp,
					    shadowk_bind_tps[i].probe, NULL);
	tracepoint_synchronize_unregister();
fail:
	destroy_workqueue(shadowk_bind_wq);
	return err;
}

/* After every clone is destroyed: no binding is attached any more. */
void shadowk_bind_exit(void)
{
	struct shadowk_exec_note *note;
	struct hlist_node *tmp;
	unsigned int i;
	int bkt;

	shadowk_hook_unregister(&shadowk_bind_exec_hook);
	for (i = 0; i < ARRAY_SIZE(shadowk_bind_tps); i++)
		tracepoint_probe_unregister(shadowk_bind_tps[i].tp,
					    shadowk_bind_tps[i].probe, NULL);
	tracepoint_synchronize_unregister();
	/* Bindings made at fork/exec still registering their notifier. */
	flush_workqueue(shadowk_bind_wq);
	destroy_workqueue(shadowk_bind_wq);

	hash_for_each_safe(shadowk_exec_notes, bkt, tmp, note, hnode) {
		hash_del(&note->hnode);
		shadowk_bind_free_note(note);
	}
	/* Notifiers being freed call back into this module. */
	mmu_notifier_synchronize();
	/* Bindings waiting for readers to leave. */
	rcu_barrier();
}
