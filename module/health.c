// SPDX-License-Identifier: GPL-2.0
/*
 * Whether ftrace, which shadowk's coherence and bookkeeping hang on, still
 * works.
 *
 * When ftrace finds the kernel's text not as it expects, it WARNs and kills
 * itself for good (ftrace_bug(), ftrace_kill()): no more code changes, and
 * unregister_ftrace_function() fails from then on, so shadowk's callbacks
 * (on __text_poke, begin_new_exec, __mmdrop) can never be removed.  Calls
 * into them keep working, since ftrace_kill() only stops changes; but
 * module text that is freed while they are installed would be called the
 * next time the kernel patches text or a process execs or exits.  So from
 * the moment ftrace dies shadowk keeps itself loaded (a module reference it
 * never drops), ends every binding, refuses to bind or to change code
 * (ENOTRECOVERABLE), and says so in one line.
 *
 * It notices through kprobes (int3, which need no ftrace) on ftrace_bug()
 * and ftrace_kill(), and asks ftrace_is_dead() before every command that
 * would change something, in case ftrace_kill() was inlined into its
 * caller.  If unload still finds ftrace dead (it died after the last
 * command and neither kprobe fired), unload cannot finish safely and
 * waits for ever instead (hook.c).
 */

#include <linux/atomic.h>
#include <linux/irq_work.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/workqueue.h>

#include "health.h"
#include "ksyms.h"

static atomic_t shadowk_health_died = ATOMIC_INIT(0);
/* What ends every binding; given at init, so that this file calls no layer above. */
static void (*shadowk_health_unbind_all)(void) __ro_after_init;

static void shadowk_health_unbind(struct work_struct *work)
{
	pr_err("ftrace has stopped working: every process is unbound, and shadowk stays loaded until reboot\n");
	shadowk_health_unbind_all();
}
static DECLARE_WORK(shadowk_health_work, shadowk_health_unbind);

static void shadowk_health_queue(struct irq_work *iw)
{
	schedule_work(&shadowk_health_work);
}
static DEFINE_IRQ_WORK(shadowk_health_irq_work, shadowk_health_queue);

/* Any context, kprobe handlers included: once only. */
static void shadowk_health_died_now(void)
{
	if (atomic_xchg(&shadowk_health_died, 1))
		return;
	/* Never unloaded from now on: the callbacks stay, so must we. */
	__module_get(THIS_MODULE);
	irq_work_queue(&shadowk_health_irq_work);
}

static int shadowk_health_pre(struct kprobe *kp, struct pt_regs *regs)
{
	shadowk_health_died_now();
	return 0;
}

static struct kprobe shadowk_health_probes[] = {
	{ .symbol_name = "ftrace_bug", .pre_handler = shadowk_health_pre },
	{ .symbol_name = "ftrace_kill", .pre_handler = shadowk_health_pre },
};
static bool shadowk_health_probed[ARRAY_SIZE(shadowk_health_probes)];

bool shadowk_health_dead(void)
{
	return atomic_read(&shadowk_health_died);
}

/* Before a change: 0, or -ENOTRECOVERABLE once ftrace is dead. */
int shadowk_health_check(void)
{
	if (!shadowk_health_dead() && shadowk_ksyms_ftrace_is_dead())
		shadowk_health_died_now();
	return shadowk_health_dead() ? -ENOTRECOVERABLE : 0;
}

int __init shadowk_health_init(void (*unbind_all)(void))
{
	unsigned int i;
	int err;

	if (shadowk_ksyms_ftrace_is_dead()) {
		pr_err("refusing to load: ftrace has stopped working\n");
		return -EOPNOTSUPP;
	}
	shadowk_health_unbind_all = unbind_all;
	/* Without them, ftrace_is_dead() before each change still tells. */
	for (i = 0; i < ARRAY_SIZE(shadowk_health_probes); i++) {
		err = register_kprobe(&shadowk_health_probes[i]);
		if (err)
			pr_warn("cannot probe %s (%d); ftrace's death is noticed at the next command\n",
				shadowk_health_probes[i].symbol_name, err);
		shadowk_health_probed[i] = !err;
	}
	return 0;
}

void shadowk_health_exit(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(shadowk_health_probes); i++)
		if (shadowk_health_probed[i])
			unregister_kprobe(&shadowk_health_probes[i]);
	irq_work_sync(&shadowk_health_irq_work);
	flush_work(&shadowk_health_work);
}
