// SPDX-License-Identifier: GPL-2.0
/*
 * Test module: register and unregister an ftrace_ops on one function from
 * a work item on one chosen CPU, @cycles times, all at load.  The kworker
 * runs on whatever page tables that CPU last loaded, lazily: if a bound
 * process ran there, ftrace's check of the function's bytes reads through
 * the bound process's view.  The load fails (with ftrace's error) if any
 * cycle fails.
 *
 *   insmod sk_ftrace_work.ko func=NAME cpu=N cycles=K
 */

#include <linux/cpumask.h>
#include <linux/ftrace.h>
#include <linux/module.h>
#include <linux/string.h>
#include <linux/workqueue.h>

static char *func = "__x64_sys_getppid";
module_param(func, charp, 0);
MODULE_PARM_DESC(func, "the function to hook");
static int cpu = 1;
module_param(cpu, int, 0);
MODULE_PARM_DESC(cpu, "the CPU the work runs on");
static int cycles = 1;
module_param(cycles, int, 0);
MODULE_PARM_DESC(cycles, "how many register/unregister cycles");

static atomic_t sk_ftrace_work_hits = ATOMIC_INIT(0);

static void notrace sk_ftrace_work_func(unsigned long ip, unsigned long pip,
					struct ftrace_ops *op,
					struct ftrace_regs *fregs)
{
	atomic_inc(&sk_ftrace_work_hits);
}

static struct ftrace_ops sk_ftrace_work_ops = {
	.func = sk_ftrace_work_func,
};

struct sk_ftrace_work {
	struct work_struct work;
	int err;
	int ran_on;
};

static void sk_ftrace_work_fn(struct work_struct *work)
{
	struct sk_ftrace_work *w = container_of(work, struct sk_ftrace_work,
						work);

	w->ran_on = raw_smp_processor_id();
	w->err = register_ftrace_function(&sk_ftrace_work_ops);
	if (!w->err)
		w->err = unregister_ftrace_function(&sk_ftrace_work_ops);
}

static int __init sk_ftrace_work_init(void)
{
	struct sk_ftrace_work w = { .err = 0 };
	int i, err;

	if (cpu < 0 || cpu >= nr_cpu_ids || !cpu_online(cpu) || cycles < 1)
		return -EINVAL;
	err = ftrace_set_filter(&sk_ftrace_work_ops, (unsigned char *)func,
				strlen(func), 1);
	if (err)
		return err;
	INIT_WORK_ONSTACK(&w.work, sk_ftrace_work_fn);
	for (i = 0; i < cycles && !w.err; i++) {
		schedule_work_on(cpu, &w.work);
		flush_work(&w.work);
		if (w.ran_on != cpu)
			w.err = -EAGAIN;
	}
	destroy_work_on_stack(&w.work);
	ftrace_free_filter(&sk_ftrace_work_ops);
	if (w.err)
		pr_err("cycle %d failed: %d\n", i, w.err);
	else
		pr_info("%d cycles on CPU %d, %d hits\n", cycles, cpu,
			atomic_read(&sk_ftrace_work_hits));
	return w.err;
}

static void __exit sk_ftrace_work_exit(void)
{
}

module_init(sk_ftrace_work_init);
module_exit(sk_ftrace_work_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("shadowk selftest: ftrace updates from a work item on one CPU");
