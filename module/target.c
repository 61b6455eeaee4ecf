// SPDX-License-Identifier: GPL-2.0
/*
 * Targets: what a command names (a live clone, and a function by address
 * or symbol), resolved to the function's entry site, with the refusals
 * that keep shadowk off code it must not own.
 */

#include <linux/kallsyms.h>
#include <linux/security.h>
#include <linux/string.h>

#include <uapi/linux/shadowk.h>

#include "clone.h"
#include "health.h"
#include "ksyms.h"
#include "mem.h"
#include "site.h"
#include "target.h"

/* The function-entry site for a user's address or symbol. */
static int shadowk_target_resolve(const struct shadowk_func *func,
				  unsigned long *sitep)
{
	unsigned long addr = func->addr, site;

	if (!addr) {
		if (strnlen(func->symbol, SHADOWK_SYMBOL_LEN) >=
		    SHADOWK_SYMBOL_LEN || !func->symbol[0])
			return -EINVAL;
		addr = shadowk_ksyms_kallsyms_lookup_name(func->symbol);
		if (!addr)
			return -ENOENT;
	}
	if (addr < (unsigned long)shadowk_ksyms.stext ||
	    addr >= (unsigned long)shadowk_ksyms.etext)
		return -ERANGE;
	if ((addr >= (unsigned long)shadowk_ksyms.entry_text_start &&
	     addr < (unsigned long)shadowk_ksyms.entry_text_end) ||
	    (addr >= (unsigned long)shadowk_ksyms.noinstr_text_start &&
	     addr < (unsigned long)shadowk_ksyms.noinstr_text_end))
		return -EXDEV;
	/*
	 * ftrace_location() maps a function's start to its fentry site (past
	 * an ENDBR), but also any byte inside the site to the site itself.
	 */
	site = shadowk_ksyms_ftrace_location(addr);
	if (!site || addr > site || (site & PAGE_MASK) !=
		     ((site + SHADOWK_SITE_LEN - 1) & PAGE_MASK))
		return -ENXIO;
	if (shadowk_ksyms_within_kprobe_blacklist(addr) ||
	    shadowk_ksyms_within_kprobe_blacklist(site))
		return -EACCES;
	*sitep = site;
	return 0;
}

/*
 * A system call's entry point.  Zero-argument syscalls' __x64_sys_ names
 * are aliases of their __do_sys_ body, so an address may print as either.
 */
bool shadowk_target_is_syscall(const char *symbol, unsigned long site)
{
	static const char *const prefixes[] = { "__x64_sys_", "__do_sys_" };
	char name[KSYM_SYMBOL_LEN];
	unsigned int i;

	if (!symbol[0]) {
		sprint_symbol_no_offset(name, site);
		symbol = name;
	}
	for (i = 0; i < ARRAY_SIZE(prefixes); i++)
		if (!strncmp(symbol, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

/* shadowk_target_is_syscall() for the function as a command named it. */
bool shadowk_target_func_is_syscall(const struct shadowk_func *func,
				    unsigned long site)
{
	return shadowk_target_is_syscall(func->addr ? "" : func->symbol, site);
}

/*
 * The name a user of the function is listed under: the one the command
 * gave, else the kernel's for the site.  Allocated; NULL without memory.
 */
char *shadowk_target_name(const struct shadowk_func *func, unsigned long site)
{
	char buf[KSYM_SYMBOL_LEN];
	const char *name = func->symbol;
	char *copy;

	if (func->addr) {
		sprint_symbol_no_offset(buf, site);
		name = buf;
	}
	copy = shadowk_mem_obj_alloc(strlen(name) + 1, GFP_KERNEL_ACCOUNT);
	if (copy)
		strcpy(copy, name);
	return copy;
}

/*
 * What a command names: a reference to the live clone @clone_id, and the
 * function-entry site of @func.
 */
int shadowk_target_get(u32 clone_id, const struct shadowk_func *func,
		       struct shadowk_clone **clonep, unsigned long *sitep)
{
	struct shadowk_clone *clone = shadowk_clone_get(clone_id);
	int err;

	if (!clone)
		return -ENOENT;
	err = shadowk_target_resolve(func, sitep);
	if (err) {
		shadowk_clone_put(clone);
		return err;
	}
	*clonep = clone;
	return 0;
}

/*
 * shadowk_target_get() for a command that changes kernel code: refused
 * once ftrace is dead, and by lockdown, while reading and removing what
 * exists stay allowed.
 */
int shadowk_target_get_change(u32 clone_id, const struct shadowk_func *func,
			      struct shadowk_clone **clonep,
			      unsigned long *sitep)
{
	int err = shadowk_health_check();

	if (err)
		return err;
	if (security_locked_down(LOCKDOWN_DBG_WRITE_KERNEL))
		return -EPERM;
	return shadowk_target_get(clone_id, func, clonep, sitep);
}
