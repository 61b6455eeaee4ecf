/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOWK_KSYMS_H
#define _SHADOWK_KSYMS_H

#include <linux/init.h>
#include <linux/mutex.h>

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
};

extern struct shadowk_ksyms shadowk_ksyms;

int __init shadowk_ksyms_init(void);
unsigned long shadowk_ksyms_lookup(const char *name);

#endif /* _SHADOWK_KSYMS_H */
