// SPDX-License-Identifier: GPL-2.0
/*
 * The one place shadowk looks up symbols the kernel does not export.
 *
 * kallsyms_lookup_name() itself is unexported since 5.7; a kprobe that is
 * registered disabled (so nothing is patched) reports its address.
 */

#include <linux/kprobes.h>
#include <linux/moduleparam.h>
#include <linux/preempt.h>
#include <linux/stddef.h>

#include "compat.h"
#include "ksyms.h"

struct shadowk_ksyms shadowk_ksyms __ro_after_init;

/*
 * Test hook: one more symbol to require, so that the selftests can watch
 * the load fail and name it.  Empty in normal use.
 */
static char *require_symbol;
module_param(require_symbol, charp, 0);
MODULE_PARM_DESC(require_symbol,
		 "testing only: also require this kernel symbol at load");

/* KSYM_OPTIONAL: text that a kernel config may leave out; NULL then. */
enum shadowk_ksym_kind { KSYM_TEXT, KSYM_DATA, KSYM_OPTIONAL };

struct shadowk_ksym {
	const char *name;
	size_t offset;		/* in struct shadowk_ksyms */
	enum shadowk_ksym_kind kind;
};

#define KSYM(sym, field, kind) \
	{ sym, offsetof(struct shadowk_ksyms, field), kind }

static const struct shadowk_ksym shadowk_ksym_table[] __initconst = {
	KSYM("_stext", stext, KSYM_TEXT),
	KSYM("_etext", etext, KSYM_DATA),
	KSYM("__entry_text_start", entry_text_start, KSYM_TEXT),
	KSYM("__entry_text_end", entry_text_end, KSYM_DATA),
	KSYM("text_mutex", text_mutex, KSYM_DATA),
	KSYM("ftrace_enabled", ftrace_enabled, KSYM_DATA),
	KSYM("init_mm", init_mm, KSYM_DATA),
	KSYM("ptrace_may_access", ptrace_may_access, KSYM_TEXT),
	KSYM("__noinstr_text_start", noinstr_text_start, KSYM_TEXT),
	KSYM("__noinstr_text_end", noinstr_text_end, KSYM_DATA),
	KSYM("ftrace_location", ftrace_location, KSYM_TEXT),
	KSYM("within_kprobe_blacklist", within_kprobe_blacklist, KSYM_TEXT),
	KSYM("text_poke_memset", text_poke_memset, KSYM_TEXT),
	KSYM("switch_mm_irqs_off", switch_mm_irqs_off, KSYM_TEXT),
	KSYM("kernel_text_address", kernel_text_address, KSYM_TEXT),
	KSYM("get_injectable_error_type", get_injectable_error_type,
	     KSYM_OPTIONAL),
};

unsigned long shadowk_ksyms_lookup(const char *name)
{
	unsigned long addr;
	u64 cet;

	preempt_disable();
	cet = shadowk_compat_ibt_off();
	addr = shadowk_ksyms.kallsyms_lookup_name(name);
	shadowk_compat_ibt_restore(cet);
	preempt_enable();
	return addr;
}

static int __init shadowk_ksyms_find_lookup(void)
{
	struct kprobe kp = {
		.symbol_name = "kallsyms_lookup_name",
		.flags = KPROBE_FLAG_DISABLED,
	};
	unsigned long addr;
	int err;

	err = register_kprobe(&kp);
	if (err) {
		pr_err("cannot find kallsyms_lookup_name through kprobes (%d)\n",
		       err);
		return err;
	}
	addr = (unsigned long)kp.addr;
	unregister_kprobe(&kp);
	shadowk_ksyms.kallsyms_lookup_name = (void *)addr;

	/*
	 * kprobes may have placed the probe past an ENDBR; ask the function
	 * for its own start so later readers see the real address.
	 */
	addr = shadowk_ksyms_lookup("kallsyms_lookup_name");
	if (!addr) {
		pr_err("kallsyms_lookup_name does not resolve itself\n");
		return -ENOENT;
	}
	shadowk_ksyms.kallsyms_lookup_name = (void *)addr;
	return 0;
}

int __init shadowk_ksyms_init(void)
{
	unsigned long stext, etext, addr;
	unsigned int i;
	int err;

	err = shadowk_ksyms_find_lookup();
	if (err)
		return err;

	for (i = 0; i < ARRAY_SIZE(shadowk_ksym_table); i++) {
		const struct shadowk_ksym *ks = &shadowk_ksym_table[i];

		addr = shadowk_ksyms_lookup(ks->name);
		if (!addr && ks->kind != KSYM_OPTIONAL) {
			pr_err("cannot resolve kernel symbol %s\n", ks->name);
			return -ENOENT;
		}
		*(unsigned long *)((char *)&shadowk_ksyms + ks->offset) = addr;
	}

	/* A text symbol outside [_stext, _etext) means a lookup went wrong. */
	stext = (unsigned long)shadowk_ksyms.stext;
	etext = (unsigned long)shadowk_ksyms.etext;
	for (i = 0; i < ARRAY_SIZE(shadowk_ksym_table); i++) {
		const struct shadowk_ksym *ks = &shadowk_ksym_table[i];
		unsigned long *field;

		if (ks->kind == KSYM_DATA)
			continue;
		field = (unsigned long *)((char *)&shadowk_ksyms + ks->offset);
		addr = *field;
		/* A module's symbol of the same name is not the kernel's. */
		if (ks->kind == KSYM_OPTIONAL) {
			if (addr < stext || addr >= etext)
				*field = 0;
			continue;
		}
		if (addr < stext || addr >= etext) {
			pr_err("kernel symbol %s is outside core kernel text\n",
			       ks->name);
			return -ENOENT;
		}
	}

	if (require_symbol && *require_symbol &&
	    !shadowk_ksyms_lookup(require_symbol)) {
		pr_err("cannot resolve kernel symbol %s\n", require_symbol);
		return -ENOENT;
	}
	return 0;
}
