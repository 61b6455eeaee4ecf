/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOWK_KSYMS_H
#define _SHADOWK_KSYMS_H

#include <linux/init.h>
#include <linux/mutex.h>
#include <linux/preempt.h>

#include "compat.h"

struct mm_struct;
struct task_struct;

/*
 * Kernel symbols shadowk needs that no header exports.  Resolved once at
 * load; the load fails, naming the symbol, if any is missing.  Read-only
 * after init.
 */
struct shadowk_ksyms {
	unsigned long (*kallsyms_lookup_name)(const char *name);
	char *stext;
	char *etext;
	char *entry_text_start;
	char *entry_text_end;
	struct mutex *text_mutex;
	int *ftrace_enabled;
	struct mm_struct *init_mm;
	bool (*ptrace_may_access)(struct task_struct *task, unsigned int mode);
	char *noinstr_text_start;
	char *noinstr_text_end;
	unsigned long (*ftrace_location)(unsigned long ip);
	bool (*within_kprobe_blacklist)(unsigned long addr);
	void *text_poke_memset;
	void (*switch_mm_irqs_off)(struct mm_struct *prev,
				   struct mm_struct *next,
				   struct task_struct *tsk);
	int (*kernel_text_address)(unsigned long addr);
	/* Optional: NULL without CONFIG_FUNCTION_ERROR_INJECTION. */
	int (*get_injectable_error_type)(unsigned long addr);
};

extern struct shadowk_ksyms shadowk_ksyms;

/* The same for a function that returns nothing. */
#define shadowk_ksyms_call_void(fn, ...)				\
do {									\
	u64 __cet;							\
									\
	preempt_disable();						\
	__cet = shadowk_compat_ibt_off();				\
	shadowk_ksyms.fn(__VA_ARGS__);					\
	shadowk_compat_ibt_restore(__cet);				\
	preempt_enable();						\
} while (0)

/*
 * Call a resolved kernel function.  Such functions may have no ENDBR
 * (sealed by objtool, or entered past it), so IBT is off for the call;
 * the functions called this way do not sleep.
 */
#define shadowk_ksyms_call(fn, ...)					\
({									\
	typeof(shadowk_ksyms.fn(__VA_ARGS__)) __ret;			\
	u64 __cet;							\
									\
	preempt_disable();						\
	__cet = shadowk_compat_ibt_off();				\
	__ret = shadowk_ksyms.fn(__VA_ARGS__);				\
	shadowk_compat_ibt_restore(__cet);				\
	preempt_enable();						\
	__ret;								\
})

int __init shadowk_ksyms_init(void);
unsigned long shadowk_ksyms_lookup(const char *name);

#endif /* _SHADOWK_KSYMS_H */
