// SPDX-License-Identifier: GPL-2.0
/*
 * What kind of machine shadowk is loading on, and whether it can work
 * there safely.  Each refusal prints one line saying why.
 */

#include <linux/align.h>
#include <linux/errno.h>
#include <linux/init.h>
#include <linux/pgtable.h>
#include <linux/printk.h>
#include <xen/xen.h>

#include <asm/cpufeature.h>
#include <asm/pgtable_types.h>
#include <asm/tlbflush.h>

#include <uapi/linux/shadowk.h>

#include "env.h"
#include "ksyms.h"

static u32 shadowk_env __ro_after_init;

struct shadowk_env_check {
	bool (*refuse)(void);
	const char *reason;
};

static bool __init shadowk_env_xen_pv(void)
{
	return xen_pv_domain();
}

static bool __init shadowk_env_ftrace_off(void)
{
	return !READ_ONCE(*shadowk_ksyms.ftrace_enabled);
}

static const struct shadowk_env_check shadowk_env_checks[] __initconst = {
	{ shadowk_env_xen_pv,
	  "Xen PV guests have their kernel page tables managed by the hypervisor" },
	{ shadowk_env_ftrace_off,
	  "function tracing is disabled (kernel.ftrace_enabled=0); shadowk needs it to follow the kernel's text writes" },
};

/*
 * With PTI the kernel maps the 2 MiB pages of its entry text into every
 * process's user page tables, global there and in its own tables
 * (pti_clone_entry_text() clones whole PMDs).  It aligns the entry text
 * to them (ALIGN_ENTRY_TEXT_BEGIN/END), so they hold nothing shadowk can
 * own, and they say nothing of how the rest of the text is mapped.
 * Since 6.14 they start the text, at _stext.
 */
static bool __init shadowk_env_entry_pages(unsigned long addr)
{
	unsigned long start = (unsigned long)shadowk_ksyms.entry_text_start;
	unsigned long end = (unsigned long)shadowk_ksyms.entry_text_end;

	return addr >= (start & PMD_MASK) && addr < ALIGN(end, PMD_SIZE);
}

/* Is the kernel's text, past the entry text's own pages, global? */
static bool __init shadowk_env_text_is_global(void)
{
	unsigned long addr = (unsigned long)shadowk_ksyms.stext;
	unsigned int level;
	pte_t *pte;

	if (shadowk_env_entry_pages(addr))
		addr = ALIGN((unsigned long)shadowk_ksyms.entry_text_end, PMD_SIZE);
	if (addr >= (unsigned long)shadowk_ksyms.etext)
		return false;
	pte = lookup_address(addr, &level);
	return pte && (pte_flags(*pte) & _PAGE_GLOBAL);
}

int __init shadowk_env_init(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(shadowk_env_checks); i++) {
		if (shadowk_env_checks[i].refuse()) {
			pr_err("refusing to load: %s\n",
			       shadowk_env_checks[i].reason);
			return -EOPNOTSUPP;
		}
	}

	if (pgtable_l5_enabled())
		shadowk_env |= SHADOWK_ENV_LA57;
	if (boot_cpu_has(X86_FEATURE_PTI))
		shadowk_env |= SHADOWK_ENV_PTI;
	if (boot_cpu_has(X86_FEATURE_PCID))
		shadowk_env |= SHADOWK_ENV_PCID;
	if (shadowk_env_text_is_global())
		shadowk_env |= SHADOWK_ENV_GLOBAL_TEXT;

	/*
	 * PTI without PCID maps the text global in the user page tables too
	 * (pti_clone_kernel_text), where shadowk does not clear the bit.
	 */
	if ((shadowk_env & SHADOWK_ENV_PTI) &&
	    (shadowk_env & SHADOWK_ENV_GLOBAL_TEXT)) {
		pr_err("refusing to load: kernel text is mapped global under page-table isolation (a CPU without PCID); boot with nopti or pti=on on a CPU with PCID\n");
		return -EOPNOTSUPP;
	}
	return 0;
}

u32 shadowk_env_flags(void)
{
	return shadowk_env;
}
