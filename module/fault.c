// SPDX-License-Identifier: GPL-2.0
/*
 * fail_nth: the allocation failure walk's knob.
 *
 * A task writes N to debugfs shadowk/fail_nth; its N-th allocation through
 * shadowk from then on fails, once, and reading the file back gives 0 if
 * that happened (else how many were still to go).  Writing 0 disarms it.
 * Only the writing task is counted, and only in task context, so what the
 * kernel does on other CPUs meanwhile (a fork that follows a binding, a
 * deferred free) does not move the count: a walk over N = 1, 2, ... reaches
 * every allocation of one command in turn, deterministically.
 *
 * The file exists only when the module is loaded with fault_injection=1: it
 * is a test's tool, and a machine that did not ask for it gets no new way
 * to make the module fail.
 */

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/spinlock.h>
#include <linux/stacktrace.h>
#include <linux/uaccess.h>

#include "fault.h"

static bool fault_injection;
module_param(fault_injection, bool, 0400);
MODULE_PARM_DESC(fault_injection,
		 "test only: create debugfs shadowk/fail_nth (default 0)");

static DEFINE_SPINLOCK(shadowk_fault_lock);
static struct task_struct *shadowk_fault_task;	/* holds a reference */
static unsigned int shadowk_fault_left;

bool shadowk_fault_should_fail(void)
{
	unsigned long irqflags;
	bool fail = false;

	/* The one test every allocation pays when nothing is armed. */
	if (likely(READ_ONCE(shadowk_fault_task) != current) || !in_task())
		return false;
	spin_lock_irqsave(&shadowk_fault_lock, irqflags);
	if (shadowk_fault_task == current && shadowk_fault_left &&
	    --shadowk_fault_left == 0)
		fail = true;
	spin_unlock_irqrestore(&shadowk_fault_lock, irqflags);
	if (fail) {
		unsigned long where[4] = {};

		/* Which allocation, for the walk's report: skip ourselves. */
		stack_trace_save(where, ARRAY_SIZE(where), 1);
		pr_info("fail_nth: failing the allocation of %pS < %pS < %pS\n",
			(void *)where[0], (void *)where[1], (void *)where[2]);
	}
	return fail;
}

static void shadowk_fault_arm(unsigned int nth)
{
	struct task_struct *old;

	spin_lock_irq(&shadowk_fault_lock);
	old = shadowk_fault_task;
	shadowk_fault_task = nth ? get_task_struct(current) : NULL;
	shadowk_fault_left = nth;
	spin_unlock_irq(&shadowk_fault_lock);
	if (old)
		put_task_struct(old);
}

static ssize_t shadowk_fault_write(struct file *file, const char __user *ubuf,
				   size_t count, loff_t *ppos)
{
	unsigned int nth;
	int err;

	err = kstrtouint_from_user(ubuf, count, 0, &nth);
	if (err)
		return err;
	shadowk_fault_arm(nth);
	return count;
}

static ssize_t shadowk_fault_read(struct file *file, char __user *ubuf,
				  size_t count, loff_t *ppos)
{
	unsigned int left = 0;
	char buf[16];
	int len;

	spin_lock_irq(&shadowk_fault_lock);
	if (shadowk_fault_task == current)
		left = shadowk_fault_left;
	spin_unlock_irq(&shadowk_fault_lock);
	len = scnprintf(buf, sizeof(buf), "%u\n", left);
	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

static const struct file_operations shadowk_fault_fops = {
	.owner = THIS_MODULE,
	.read = shadowk_fault_read,
	.write = shadowk_fault_write,
	.llseek = default_llseek,
};

/* @dir: shadowk's debugfs directory (stats.c's). */
int __init shadowk_fault_init(struct dentry *dir)
{
	if (fault_injection)
		debugfs_create_file("fail_nth", 0600, dir, NULL,
				    &shadowk_fault_fops);
	return 0;
}

void shadowk_fault_exit(void)
{
	/* The file went with the directory (stats.c); drop the task. */
	shadowk_fault_arm(0);
}
