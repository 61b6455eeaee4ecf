// SPDX-License-Identifier: GPL-2.0
/*
 * The one place shadowk looks up symbols the kernel does not export.
 *
 * kallsyms_lookup_name() itself is unexported since 5.7; a kprobe that is
 * registered disabled (so nothing is patched) reports its address.
 */

#include <linux/kprobes.h>
#include <linux/moduleparam.h>
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

/*
 * KSYM_TEXT: a function, checked to lie in core kernel text.
 * KSYM_OPTIONAL: a function a kernel configuration may leave out; 0 then.
 */
enum shadowk_ksym_kind { KSYM_TEXT, KSYM_DATA, KSYM_OPTIONAL };

struct shadowk_ksym {
	const char *name;
	unsigned long *slot;
	enum shadowk_ksym_kind kind;
};

#define KSYM_DATUM(sym, field) \
	{ sym, (unsigned long *)&shadowk_ksyms.field, KSYM_DATA }

static const struct shadowk_ksym shadowk_ksym_table[] __initconst = {
	/* Section bounds: text symbols, but only compared with. */
	KSYM_DATUM("_stext", stext),
	KSYM_DATUM("_etext", etext),
	KSYM_DATUM("__entry_text_start", entry_text_start),
	KSYM_DATUM("__entry_text_end", entry_text_end),
	KSYM_DATUM("__noinstr_text_start", noinstr_text_start),
	KSYM_DATUM("__noinstr_text_end", noinstr_text_end),
	KSYM_DATUM("text_mutex", text_mutex),
	KSYM_DATUM("ftrace_enabled", ftrace_enabled),
	KSYM_DATUM("init_mm", init_mm),
	KSYM_DATUM("cpa_lock", cpa_lock),
	KSYM_DATUM("pgd_lock", pgd_lock),
	KSYM_DATUM("text_poke_memset", text_poke_memset),
	KSYM_DATUM("bpf_prog_active", bpf_prog_active),
#define SHADOWK_KSYMS_FN(fn, optional) \
	{ #fn, &shadowk_ksyms_addrs[SHADOWK_KSYMS_##fn], \
	  optional ? KSYM_OPTIONAL : KSYM_TEXT },
#include "ksyms_fns.h"
#undef SHADOWK_KSYMS_FN
};

static int __init shadowk_ksyms_find_lookup(void)
{
	struct kprobe kp = {
		.symbol_name = "kallsyms_lookup_name",
		.flags = KPROBE_FLAG_DISABLED,
	};
	int err;

	err = register_kprobe(&kp);
	if (err) {
		pr_err("cannot find kallsyms_lookup_name through kprobes (%d)\n",
		       err);
		return err;
	}
	/* Maybe past an ENDBR: entered through a return, it works anyway. */
	shadowk_ksyms_addrs[SHADOWK_KSYMS_kallsyms_lookup_name] =
		(unsigned long)kp.addr;
	unregister_kprobe(&kp);
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

		addr = shadowk_ksyms_kallsyms_lookup_name(ks->name);
		if (!addr && ks->kind != KSYM_OPTIONAL) {
			pr_err("cannot resolve kernel symbol %s\n", ks->name);
			return -ENOENT;
		}
		*ks->slot = addr;
	}

	/* A function outside [_stext, _etext) means a lookup went wrong. */
	stext = (unsigned long)shadowk_ksyms.stext;
	etext = (unsigned long)shadowk_ksyms.etext;
	for (i = 0; i < ARRAY_SIZE(shadowk_ksym_table); i++) {
		const struct shadowk_ksym *ks = &shadowk_ksym_table[i];

		addr = *ks->slot;
		if (ks->kind == KSYM_DATA || (addr >= stext && addr < etext))
			continue;
		/* A module's symbol of the same name is not the kernel's. */
		if (ks->kind == KSYM_OPTIONAL) {
			*ks->slot = 0;
			continue;
		}
		pr_err("kernel symbol %s is outside core kernel text\n",
		       ks->name);
		return -ENOENT;
	}

	if (require_symbol && *require_symbol &&
	    !shadowk_ksyms_kallsyms_lookup_name(require_symbol)) {
		pr_err("cannot resolve kernel symbol %s\n", require_symbol);
		return -ENOENT;
	}
	return 0;
}
