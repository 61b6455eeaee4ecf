/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Everything that differs between the kernels shadowk supports lives here,
 * tested by feature rather than by version where the headers allow it.
 * Core code is written for the newest supported kernel.
 */
#ifndef _SHADOWK_COMPAT_H
#define _SHADOWK_COMPAT_H

#include <linux/kconfig.h>
#include <linux/version.h>

#if !defined(CONFIG_X86_64)
#error "shadowk supports x86-64 only"
#endif
#if !IS_ENABLED(CONFIG_KPROBES)
#error "shadowk needs CONFIG_KPROBES to find kallsyms_lookup_name"
#endif
#if !IS_ENABLED(CONFIG_KALLSYMS_ALL)
#error "shadowk needs CONFIG_KALLSYMS_ALL to resolve kernel data symbols"
#endif
#if !IS_ENABLED(CONFIG_DYNAMIC_FTRACE_WITH_REGS)
#error "shadowk needs CONFIG_DYNAMIC_FTRACE_WITH_REGS"
#endif

#include <asm/cpufeature.h>
#include <asm/msr.h>

/*
 * Calls through pointers found with kallsyms.  With kernel IBT, objtool
 * seals the ENDBR of functions whose address the kernel itself never
 * takes, and kprobes may report an address past the ENDBR; an indirect
 * call there raises #CP.  Such calls run with IBT switched off on this CPU
 * for their duration.  Kernels without IBT support compile this away.
 */
#if defined(X86_FEATURE_IBT) && defined(MSR_IA32_S_CET) && defined(CET_ENDBR_EN)
static inline u64 shadowk_compat_ibt_off(void)
{
	u64 cet = 0;

	if (cpu_feature_enabled(X86_FEATURE_IBT)) {
		rdmsrl(MSR_IA32_S_CET, cet);
		if (cet & CET_ENDBR_EN)
			wrmsrl(MSR_IA32_S_CET, cet & ~CET_ENDBR_EN);
	}
	return cet;
}

static inline void shadowk_compat_ibt_restore(u64 cet)
{
	if (cet & CET_ENDBR_EN)
		wrmsrl(MSR_IA32_S_CET, cet);
}
#else
static inline u64 shadowk_compat_ibt_off(void)
{
	return 0;
}

static inline void shadowk_compat_ibt_restore(u64 cet)
{
}
#endif

/*
 * asm/tlbflush.h hides struct tlb_state_shared from modules although the
 * per-CPU variable is exported; its one member is all shadowk reads.
 */
#include <linux/percpu-defs.h>

struct shadowk_compat_tlb_state_shared {
	bool is_lazy;
};
DECLARE_PER_CPU_SHARED_ALIGNED(struct shadowk_compat_tlb_state_shared,
			       cpu_tlbstate_shared);

#endif /* _SHADOWK_COMPAT_H */
