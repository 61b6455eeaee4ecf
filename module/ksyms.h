/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOWK_KSYMS_H
#define _SHADOWK_KSYMS_H

#include <linux/init.h>
#include <linux/spinlock_types.h>
#include <linux/types.h>

#include "compat.h"

struct cred;
struct mm_struct;
struct mutex;
struct page;
struct task_struct;

/*
 * Kernel data shadowk needs that no header exports.  Resolved once at
 * load; the load fails, naming the symbol, if any is missing.  Read-only
 * after init.
 */
struct shadowk_ksyms {
	char *stext;
	char *etext;
	char *entry_text_start;
	char *entry_text_end;
	char *noinstr_text_start;
	char *noinstr_text_end;
	struct mutex *text_mutex;
	int *ftrace_enabled;
	struct mm_struct *init_mm;
	/* The kernel's page-attribute locks, taken in this order. */
	spinlock_t *cpa_lock;
	spinlock_t *pgd_lock;
	/* Compared with, never called. */
	void *text_poke_memset;
	/* BPF's per-CPU recursion count (trace_call_bpf()). */
	int __percpu *bpf_prog_active;
};

extern struct shadowk_ksyms shadowk_ksyms;

/*
 * Kernel functions, called through thunk.S's veneers (see there): the
 * prototypes are the kernel's own.  Their addresses, in thunk.S's slots,
 * for the optional ones to be tested before a call.
 */
enum shadowk_ksyms_fn {
#define SHADOWK_KSYMS_FN(fn, optional) SHADOWK_KSYMS_##fn,
#include "ksyms_fns.h"
#undef SHADOWK_KSYMS_FN
	SHADOWK_KSYMS_NR_FNS
};

extern unsigned long shadowk_ksyms_addrs[SHADOWK_KSYMS_NR_FNS];

#define shadowk_ksyms_has(fn) (shadowk_ksyms_addrs[SHADOWK_KSYMS_##fn] != 0)

unsigned long shadowk_ksyms_kallsyms_lookup_name(const char *name);
bool shadowk_ksyms_kallsyms_show_value(const struct cred *cred);
unsigned long shadowk_ksyms_ftrace_location(unsigned long ip);
int shadowk_ksyms_ftrace_is_dead(void);
bool shadowk_ksyms_within_kprobe_blacklist(unsigned long addr);
int shadowk_ksyms_kernel_text_address(unsigned long addr);
struct mm_struct *shadowk_ksyms_mm_access(struct task_struct *task,
					  unsigned int mode);
void shadowk_ksyms_switch_mm_irqs_off(struct mm_struct *unused,
				      struct mm_struct *next,
				      struct task_struct *tsk);
void *shadowk_ksyms_text_poke_kgdb(void *addr, const void *opcode,
				   size_t len);
int shadowk_ksyms_set_direct_map_invalid_noflush(struct page *page);
int shadowk_ksyms_set_direct_map_default_noflush(struct page *page);
void shadowk_ksyms___flush_tlb_all(void);
int shadowk_ksyms_get_injectable_error_type(unsigned long addr);
#if SHADOWK_COMPAT_RETHOOK_OBJPOOL
struct rethook *shadowk_ksyms_rethook_alloc(void *data,
					    rethook_handler_t handler,
					    int size, int num);
#else
struct rethook *shadowk_ksyms_rethook_alloc(void *data,
					    rethook_handler_t handler);
#endif
void shadowk_ksyms_rethook_stop(struct rethook *rh);
void shadowk_ksyms_rethook_free(struct rethook *rh);
struct rethook_node *shadowk_ksyms_rethook_try_get(struct rethook *rh);
void shadowk_ksyms_rethook_hook(struct rethook_node *node,
				struct pt_regs *regs, bool mcount);
/* Before 6.6 only. */
void shadowk_ksyms_rethook_add_node(struct rethook *rh,
				    struct rethook_node *node);

int __init shadowk_ksyms_init(void);

#endif /* _SHADOWK_KSYMS_H */
