// SPDX-License-Identifier: GPL-2.0
/*
 * Binding cgroups: every process of a cgroup v2 subtree runs a clone, and
 * so does every process that enters it later.
 *
 * A binding belongs to an address space (bind.c); a bound cgroup only
 * decides which processes get one.  A process is a member when its main
 * thread's cgroup on the default hierarchy is the bound cgroup or below
 * it.  Bound cgroups never overlap, so a process is in at most one.
 *
 * Processes enter in two ways, and leave in the same two:
 *  - fork: follow.c's sched_process_fork hook asks shadowk_cgroup_on_fork(),
 *    which binds the child before it first runs, if it was born in a bound
 *    subtree (CLONE_INTO_CGROUP included);
 *  - migration: the cgroup_attach_task tracepoint fires in the writer of
 *    cgroup.procs, in atomic context and under cgroup_mutex, after the move.
 *    It only queues a task_work on the writer; that runs before the write
 *    returns to user space, where the process is settled (bind.c), with the
 *    flushes a live process's change needs.
 *
 * Membership is read under bind.c's lock in the same step that binds, and
 * every move is followed by a settle that starts after the move ended, so
 * a settle that raced with a move is always corrected by the next one.
 * Settles, binds and unbinds of cgroups are serialised by
 * shadowk_cgroup_mutex, which is taken before shadowk_mutex.
 *
 * The tracepoint is attached only while a cgroup is bound: until then, a
 * migration anywhere costs nothing.
 */

#include <linux/capability.h>
#include <linux/cgroup.h>
#include <linux/nsproxy.h>
#include <linux/rculist.h>
#include <linux/rcupdate.h>
#include <linux/sched/mm.h>
#include <linux/sched/task.h>
#include <linux/task_work.h>
#include <linux/tracepoint.h>
#include <linux/workqueue.h>

#include <uapi/linux/shadowk.h>

#include "bind.h"
#include "cgroup.h"
#include "clone.h"
#include "compat.h"
#include "dev.h"
#include "health.h"
#include "limits.h"
#include "mem.h"

struct shadowk_cgbind {
	struct list_head node;		/* shadowk_cgroup_binds; RCU */
	struct cgroup *cgrp;		/* a reference */
	u64 id;
	struct shadowk_clone *clone;	/* a reference */
};

/* A move to follow, queued by the tracepoint. */
struct shadowk_cgroup_move {
	struct callback_head twork;
	struct llist_node lnode;	/* when no task_work can take it */
	struct task_struct *task;	/* a reference */
};

static DEFINE_MUTEX(shadowk_cgroup_mutex);
static LIST_HEAD(shadowk_cgroup_binds);
static unsigned int shadowk_cgroup_nr;	/* lockless reads: a hint */
static struct tracepoint *shadowk_cgroup_tp;
static LLIST_HEAD(shadowk_cgroup_moves);

static void shadowk_cgroup_moves_work(struct work_struct *work);
static DECLARE_WORK(shadowk_cgroup_work, shadowk_cgroup_moves_work);

/* bind.c's shadowk_bind_member_fn: under rcu_read_lock(). */
struct shadowk_clone *shadowk_cgroup_member(struct task_struct *task,
					    u64 *cgroup_id)
{
	struct shadowk_cgbind *cgb;
	struct cgroup *cgrp;

	if (task->flags & PF_KTHREAD)
		return NULL;
	cgrp = task_dfl_cgroup(task->group_leader);
	list_for_each_entry_rcu(cgb, &shadowk_cgroup_binds, node)
		if (cgroup_is_descendant(cgrp, cgb->cgrp)) {
			*cgroup_id = cgb->id;
			return cgb->clone;
		}
	return NULL;
}

/* follow.c, at fork, for a child no binding of its parent's takes. */
void shadowk_cgroup_on_fork(struct task_struct *child)
{
	struct shadowk_clone *clone;
	u64 id;

	if (!READ_ONCE(shadowk_cgroup_nr) || (child->flags & PF_KTHREAD) ||
	    !shadowk_compat_dumpable(child, child->mm))
		return;
	/* Most children are born outside: no allocation for them. */
	rcu_read_lock();
	clone = shadowk_cgroup_member(child, &id);
	rcu_read_unlock();
	if (clone)
		shadowk_bind_new_fork(child, NULL, SHADOWK_BIND_INHERIT_EXEC,
				      shadowk_cgroup_member);
}

/* Bind or unbind @task as its cgroup now says: 1 if it was bound. */
static int shadowk_cgroup_settle_locked(struct task_struct *task)
{
	struct mm_struct *mm;
	int bound;

	lockdep_assert_held(&shadowk_cgroup_mutex);
	if (task->flags & PF_KTHREAD)
		return 0;
	mm = get_task_mm(task);
	if (!mm)
		return 0;
	bound = shadowk_bind_settle(mm, task, shadowk_cgroup_member);
	mmput(mm);
	return bound;
}

static void shadowk_cgroup_move_done(struct shadowk_cgroup_move *move)
{
	mutex_lock(&shadowk_cgroup_mutex);
	shadowk_cgroup_settle_locked(move->task);
	mutex_unlock(&shadowk_cgroup_mutex);
	put_task_struct(move->task);
	shadowk_mem_obj_free(move);
}

/*
 * In the writer, on its way back to user space.  The reference the
 * tracepoint took on the module keeps this code in place until here;
 * shadowk_cgroup_exit() waits out the few instructions after the put.
 */
static void shadowk_cgroup_move_twork(struct callback_head *head)
{
	shadowk_cgroup_move_done(container_of(head, struct shadowk_cgroup_move,
					      twork));
	module_put(THIS_MODULE);
}

/* Moves made by kernel threads, or by a writer that is exiting. */
static void shadowk_cgroup_moves_work(struct work_struct *work)
{
	struct shadowk_cgroup_move *move, *tmp;
	struct llist_node *list = llist_del_all(&shadowk_cgroup_moves);

	llist_for_each_entry_safe(move, tmp, list, lnode)
		shadowk_cgroup_move_done(move);
}

/* cgroup_attach_task: atomic, cgroup_mutex held; the move is done. */
static void shadowk_cgroup_on_attach(void *data, struct cgroup *dst,
				     const char *path,
				     struct task_struct *task,
				     bool threadgroup)
{
	struct shadowk_cgroup_move *move;

	move = shadowk_mem_obj_alloc(sizeof(*move), GFP_ATOMIC);
	if (!move) {
		pr_warn_ratelimited("out of memory: a move of pid %d between cgroups is not followed\n",
				    task_tgid_nr(task));
		return;
	}
	move->task = get_task_struct(task);
	if (!(current->flags & PF_KTHREAD) && try_module_get(THIS_MODULE)) {
		init_task_work(&move->twork, shadowk_cgroup_move_twork);
		if (!task_work_add(current, &move->twork, TWA_RESUME))
			return;
		module_put(THIS_MODULE);
	}
	llist_add(&move->lnode, &shadowk_cgroup_moves);
	schedule_work(&shadowk_cgroup_work);
}

/* The tracepoint is attached while anything is bound. */
static int shadowk_cgroup_attach_tp(void)
{
	lockdep_assert_held(&shadowk_cgroup_mutex);
	if (shadowk_cgroup_nr)
		return 0;
	if (!shadowk_cgroup_tp)
		return -EOPNOTSUPP;
	return tracepoint_probe_register(shadowk_cgroup_tp,
					 shadowk_cgroup_on_attach, NULL);
}

static void shadowk_cgroup_detach_tp(void)
{
	lockdep_assert_held(&shadowk_cgroup_mutex);
	if (shadowk_cgroup_nr)
		return;
	tracepoint_probe_unregister(shadowk_cgroup_tp,
				    shadowk_cgroup_on_attach, NULL);
	tracepoint_synchronize_unregister();
}

static struct shadowk_cgbind *shadowk_cgroup_find(u64 id)
{
	struct shadowk_cgbind *cgb;

	lockdep_assert_held(&shadowk_cgroup_mutex);
	list_for_each_entry(cgb, &shadowk_cgroup_binds, node)
		if (cgb->id == id)
			return cgb;
	return NULL;
}

static int shadowk_cgroup_check_new(struct cgroup *cgrp)
{
	struct shadowk_cgbind *cgb;

	lockdep_assert_held(&shadowk_cgroup_mutex);
	if (shadowk_cgroup_nr >= SHADOWK_MAX_CGROUPS)
		return -ENOSPC;
	list_for_each_entry(cgb, &shadowk_cgroup_binds, node)
		if (cgroup_is_descendant(cgrp, cgb->cgrp) ||
		    cgroup_is_descendant(cgb->cgrp, cgrp))
			return -EBUSY;
	return 0;
}

/*
 * The members of @cgrp's subtree: counted if @tasks is NULL, else up to
 * @room of them, referenced.
 */
static unsigned int shadowk_cgroup_members(struct cgroup *cgrp,
					   struct task_struct **tasks,
					   unsigned int room)
{
	struct task_struct *p;
	unsigned int n = 0;

	rcu_read_lock();
	for_each_process(p) {
		if ((p->flags & PF_KTHREAD) ||
		    !cgroup_is_descendant(task_dfl_cgroup(p), cgrp))
			continue;
		if (tasks) {
			if (n == room)
				break;
			tasks[n] = get_task_struct(p);
		}
		n++;
	}
	rcu_read_unlock();
	return n;
}

#define SHADOWK_CGROUP_SLACK	64
#define SHADOWK_CGROUP_ROUNDS	8

/*
 * The processes already in; those that come later are the hooks'.  The
 * cgroup is published first, so a member born or moved in after the count
 * is bound by its fork or its mover; the room left for such is only so
 * that the walk need not go round again, which settling twice would not
 * mind.
 */
static unsigned int shadowk_cgroup_walk(struct cgroup *cgrp)
{
	unsigned int i, n, room, round, bound = 0;
	struct task_struct **tasks;

	for (round = 0; round < SHADOWK_CGROUP_ROUNDS; round++) {
		room = shadowk_cgroup_members(cgrp, NULL, 0) +
		       SHADOWK_CGROUP_SLACK;
		tasks = shadowk_mem_scratch_alloc(array_size(room,
							     sizeof(*tasks)));
		if (!tasks)
			break;
		n = shadowk_cgroup_members(cgrp, tasks, room);
		for (i = 0; i < n; i++) {
			bound += shadowk_cgroup_settle_locked(tasks[i]);
			put_task_struct(tasks[i]);
			cond_resched();
		}
		shadowk_mem_scratch_free(tasks);
		if (n < room)
			break;
	}
	return bound;
}

int shadowk_cgroup_bind_ioctl(struct shadowk_ucmd *ucmd)
{
	struct shadowk_cgroup_bind *cmd = ucmd->cmd;
	struct shadowk_cgbind *cgb;
	struct shadowk_clone *clone;
	struct cgroup *cgrp;
	int err;

	if (cmd->flags || cmd->__reserved)
		return -EINVAL;
	if (!capable(CAP_SYS_PTRACE))
		return -EPERM;
	err = shadowk_health_check();
	if (err)
		return err;
	clone = shadowk_clone_get(cmd->clone_id);
	if (!clone)
		return -ENOENT;
	cgrp = cgroup_get_from_fd(cmd->cgroup_fd);
	if (IS_ERR(cgrp)) {
		err = -EBADF;
		goto out_clone;
	}
	err = -ENOMEM;
	cgb = shadowk_mem_obj_alloc(sizeof(*cgb), GFP_KERNEL_ACCOUNT);
	if (!cgb)
		goto out_cgroup;
	cgb->cgrp = cgrp;
	cgb->id = cgroup_id(cgrp);
	cgb->clone = clone;

	mutex_lock(&shadowk_cgroup_mutex);
	/* Destroyed meanwhile: its end has taken, or will take, the lock. */
	err = -ENOENT;
	if (!shadowk_clone_live(clone))
		goto out_unlock;
	err = shadowk_cgroup_check_new(cgrp);
	if (err)
		goto out_unlock;
	err = shadowk_cgroup_attach_tp();
	if (err)
		goto out_unlock;
	list_add_tail_rcu(&cgb->node, &shadowk_cgroup_binds);
	WRITE_ONCE(shadowk_cgroup_nr, shadowk_cgroup_nr + 1);
	/*
	 * A fork that read the count as 0 put its child on the task list
	 * before (and took locks since): ordered against the walk's read of
	 * the list, the child is either seen by the hook or by the walk.
	 */
	smp_mb();
	cmd->out_bound = shadowk_cgroup_walk(cgrp);
	mutex_unlock(&shadowk_cgroup_mutex);

	cmd->out_cgroup_id = cgb->id;
	return shadowk_dev_respond(ucmd, sizeof(*cmd));

out_unlock:
	mutex_unlock(&shadowk_cgroup_mutex);
	shadowk_mem_obj_free(cgb);
out_cgroup:
	cgroup_put(cgrp);
out_clone:
	shadowk_clone_put(clone);
	return err;
}

/*
 * Out of the list (shadowk_cgroup_mutex held): no settle binds through
 * it from now on; a fork hook may still be reading it until a grace
 * period ends.
 */
static void shadowk_cgroup_unlink(struct shadowk_cgbind *cgb)
{
	lockdep_assert_held(&shadowk_cgroup_mutex);
	list_del_rcu(&cgb->node);
	WRITE_ONCE(shadowk_cgroup_nr, shadowk_cgroup_nr - 1);
	shadowk_cgroup_detach_tp();
}

/* After the grace period: its processes back, then it goes. */
static unsigned int shadowk_cgroup_end(struct shadowk_cgbind *cgb)
{
	unsigned int n = shadowk_bind_detach_cgroup(cgb->id);

	cgroup_put(cgb->cgrp);
	shadowk_clone_put(cgb->clone);
	shadowk_mem_obj_free(cgb);
	return n;
}

int shadowk_cgroup_unbind_ioctl(struct shadowk_ucmd *ucmd)
{
	struct shadowk_cgroup_unbind *cmd = ucmd->cmd;
	struct shadowk_cgbind *cgb;

	if (cmd->flags || cmd->__reserved2)
		return -EINVAL;
	mutex_lock(&shadowk_cgroup_mutex);
	cgb = shadowk_cgroup_find(cmd->cgroup_id);
	if (cgb)
		shadowk_cgroup_unlink(cgb);
	mutex_unlock(&shadowk_cgroup_mutex);
	if (!cgb)
		return -ENOENT;
	synchronize_rcu();
	cmd->out_unbound = shadowk_cgroup_end(cgb);
	return shadowk_dev_respond(ucmd, sizeof(*cmd));
}

/* lifecycle.c: the clone is out of the id table and about to end. */
void shadowk_cgroup_clone_end(struct shadowk_clone *clone)
{
	struct shadowk_cgbind *cgb, *tmp;
	LIST_HEAD(gone);

	mutex_lock(&shadowk_cgroup_mutex);
	list_for_each_entry_safe(cgb, tmp, &shadowk_cgroup_binds, node) {
		if (cgb->clone != clone)
			continue;
		shadowk_cgroup_unlink(cgb);
		/* Its node is readers' until the grace period; this is not. */
		list_add(&cgb->node, &gone);
	}
	mutex_unlock(&shadowk_cgroup_mutex);
	if (list_empty(&gone))
		return;
	synchronize_rcu();
	list_for_each_entry_safe(cgb, tmp, &gone, node)
		shadowk_cgroup_end(cgb);
}

unsigned int shadowk_cgroup_count(struct shadowk_clone *clone)
{
	struct shadowk_cgbind *cgb;
	unsigned int n = 0;

	mutex_lock(&shadowk_cgroup_mutex);
	list_for_each_entry(cgb, &shadowk_cgroup_binds, node)
		n += cgb->clone == clone;
	mutex_unlock(&shadowk_cgroup_mutex);
	return n;
}

int shadowk_cgroup_list_ioctl(struct shadowk_ucmd *ucmd)
{
	struct shadowk_cgroup_list *cmd = ucmd->cmd;
	struct shadowk_cgroup_entry *entries;
	struct cgroup **cgrps;
	struct shadowk_cgbind *cgb;
	struct shadowk_clone *clone;
	u32 i, n = 0;
	int err = 0;

	if (cmd->flags || cmd->__reserved)
		return -EINVAL;
	err = shadowk_dev_entry_size_ok(cmd->entry_size,
					offsetofend(struct shadowk_cgroup_entry, path));
	if (err)
		return err;
	clone = shadowk_clone_get(cmd->clone_id);
	if (!clone)
		return -ENOENT;
	entries = shadowk_mem_scratch_alloc(array_size(SHADOWK_MAX_CGROUPS,
						       sizeof(*entries)));
	cgrps = shadowk_mem_scratch_alloc(array_size(SHADOWK_MAX_CGROUPS,
						     sizeof(*cgrps)));
	if (!entries || !cgrps) {
		err = -ENOMEM;
		goto out;
	}
	mutex_lock(&shadowk_cgroup_mutex);
	list_for_each_entry(cgb, &shadowk_cgroup_binds, node) {
		if (cgb->clone != clone)
			continue;
		entries[n].cgroup_id = cgb->id;
		cgroup_get(cgb->cgrp);
		cgrps[n++] = cgb->cgrp;
	}
	mutex_unlock(&shadowk_cgroup_mutex);
	/* cgroup_path_ns() takes cgroup_mutex: outside ours. */
	for (i = 0; i < n; i++) {
		entries[i].processes = shadowk_bind_count(clone,
							  entries[i].cgroup_id);
		if (cgroup_path_ns(cgrps[i], entries[i].path,
				   sizeof(entries[i].path),
				   current->nsproxy->cgroup_ns) < 0)
			entries[i].path[0] = 0;
		cgroup_put(cgrps[i]);
	}
	if (cmd->count)
		err = shadowk_dev_copy_entries(cmd->entries, cmd->entry_size,
					       entries, sizeof(*entries),
					       min(cmd->count, n));
	cmd->count = n;
	if (!err)
		err = shadowk_dev_respond(ucmd, sizeof(*cmd));
out:
	shadowk_mem_scratch_free(cgrps);
	shadowk_mem_scratch_free(entries);
	shadowk_clone_put(clone);
	return err;
}

static void shadowk_cgroup_find_tp(struct tracepoint *tp, void *unused)
{
	if (!strcmp(tp->name, "cgroup_attach_task"))
		shadowk_cgroup_tp = tp;
}

int __init shadowk_cgroup_init(void)
{
	for_each_kernel_tracepoint(shadowk_cgroup_find_tp, NULL);
	if (!shadowk_cgroup_tp)
		pr_info("no cgroup_attach_task tracepoint: cgroups cannot be bound\n");
	return 0;
}

/* After every clone ended, so nothing is bound and the tracepoint is off. */
void shadowk_cgroup_exit(void)
{
	WARN_ON(!list_empty(&shadowk_cgroup_binds));
	flush_work(&shadowk_cgroup_work);
	/* A task_work past its module_put() may still be returning. */
	synchronize_rcu_tasks();
}
