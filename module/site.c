// SPDX-License-Identifier: GPL-2.0
/*
 * Owned sites: the patching primitive every feature builds on.
 *
 * A clone owns a function's 5-byte entry (fentry) site by mapping a private
 * copy of its page in which the site is "call shadowk_tramp".  The bytes
 * are installed in a draft page and swapped in (text.c), never written
 * into live text, and never with an int3.
 *
 * Dispatch finds the site from the return address and the clone from the
 * page tables the CPU runs on: the clone whose top-level entry the active
 * mm holds is the only one whose text this CPU can be executing.  It acts
 * only for a bound process in task context unless the site says
 * otherwise; in every case it then does what the kernel has at the site
 * (nothing, or its call or jump, as poke.c records it).
 *
 * Locking: sites are added and removed under shadowk_clone_mutex and
 * text_mutex; dispatch reads the table under RCU (preemption disabled), so
 * a site is freed only after a grace period following its removal.
 */

#include <linux/kallsyms.h>
#include <linux/mm_types.h>
#include <linux/hashtable.h>
#include <linux/mutex.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/security.h>
#include <linux/workqueue.h>

#include <asm/nops.h>
#include <asm/text-patching.h>

#include <uapi/linux/shadowk.h>

#include "clone.h"
#include "dev.h"
#include "inject.h"
#include "ksyms.h"
#include "mem.h"
#include "pgtable.h"
#include "poke.h"
#include "probe.h"
#include "redirect.h"
#include "site.h"
#include "stats.h"
#include "text.h"
#include "guard.h"
#include "health.h"

#define SHADOWK_SITE_FLAGS	SHADOWK_SITE_ANY_CONTEXT

static DEFINE_HASHTABLE(shadowk_site_table, 10);
static void shadowk_site_reown(struct work_struct *work);
static DECLARE_WORK(shadowk_site_reown_work, shadowk_site_reown);

static u64 shadowk_site_pack(const u8 insn[SHADOWK_SITE_LEN])
{
	u64 v = 0;

	memcpy(&v, insn, SHADOWK_SITE_LEN);
	return v;
}

/* The kernel wrote at the site: remember its instruction once complete. */
void shadowk_site_kernel_wrote(struct shadowk_site *site)
{
	/* A leading int3 is the kernel's patch in progress; wait for it. */
	if (site->kernel_insn[0] == INT3_INSN_OPCODE)
		return;
	WRITE_ONCE(site->chain_insn, shadowk_site_pack(site->kernel_insn));
}

void shadowk_site_reown_later(struct shadowk_site *site)
{
	site->displaced = true;
	queue_work(system_unbound_wq, &shadowk_site_reown_work);
}

/*
 * Is current a bound process's own thread (not a kernel thread that
 * borrowed its mm) whose address space is bound to @view?
 */
static bool shadowk_site_bound_current(u64 view)
{
	struct mm_struct *mm = current->mm;

	return mm && !(current->flags & PF_KTHREAD) &&
	       pgd_val(READ_ONCE(*shadowk_pgtable_mm_entry(mm))) == view;
}

/*
 * The users of @site, the site of the clone whose text this CPU runs
 * (@view): what they make of the call, or CONTINUE for the kernel's own.
 */
static unsigned long shadowk_site_act(struct shadowk_site *site, u64 view,
				      struct shadowk_tramp_regs *regs)
{
	bool bound = shadowk_site_bound_current(view);
	bool task = bound && in_task();
	struct shadowk_redirect *redirect;
	struct shadowk_injection *inject;
	struct shadowk_probe *probe;

	probe = READ_ONCE(site->probe);
	if (probe)
		shadowk_probe_hit(probe, task, bound);
	if (task) {
		inject = READ_ONCE(site->inject);
		if (inject && shadowk_inject_fires(inject, current->mm)) {
			regs->ax = inject->value;
			return SHADOWK_TRAMP_RETURN;
		}
		redirect = READ_ONCE(site->redirect);
		if (redirect) {
			regs->r11 = shadowk_redirect_enter(redirect);
			regs->r10 = (unsigned long)redirect;
			return SHADOWK_TRAMP_REDIRECT;
		}
	}
	/* Pairs with SITE_ADD's release: ->action and ->value are set. */
	if (smp_load_acquire(&site->raw) &&
	    site->action == SHADOWK_SITE_RETURN &&
	    (task || (site->flags & SHADOWK_SITE_ANY_CONTEXT))) {
		regs->ax = site->value;
		return SHADOWK_TRAMP_RETURN;
	}
	return SHADOWK_TRAMP_CONTINUE;
}

/*
 * The view is decided by the page tables this CPU has loaded, not by
 * current->active_mm: the two differ in the windows where the kernel
 * switches mm (exec_mmap(), a context switch, kthread_use_mm()) and while
 * an unbind's flush is on its way to this CPU.  Whatever view the call
 * was made in, the kernel's instruction at the site runs: the users act
 * only when the CPU runs the clone whose site it is; otherwise any clone's
 * site at the address records the kernel's instruction (they all follow
 * the same kernel writes); and when no clone owns the address any more,
 * the view this call was made in is gone (unbound, site removed, each
 * flushed before the site is freed), so the site runs again in today's
 * view.  Never RESTART while some clone's frame with the call is still
 * mapped: that would loop.
 */
unsigned long notrace shadowk_site_dispatch(struct shadowk_tramp_regs *regs)
{
	unsigned long addr = regs->ip - SHADOWK_SITE_LEN;
	struct shadowk_site *site, *mine = NULL, *any = NULL;
	unsigned long ret = SHADOWK_TRAMP_CONTINUE;
	u64 view, insn;
	s32 rel;

	preempt_disable_notrace();
	view = shadowk_pgtable_loaded();
	hash_for_each_possible_rcu_notrace(shadowk_site_table, site, hnode,
					   addr) {
		if (site->addr != addr)
			continue;
		any = site;
		if (pgd_val(site->clone->pt.top) == view) {
			mine = site;
			break;
		}
	}
	if (!any) {
		ret = SHADOWK_TRAMP_RESTART;
		goto out;
	}
	/*
	 * Users are freed a grace period after they are cleared; an idle
	 * CPU RCU does not watch is not waited for (sites themselves are
	 * freed only after a flush, which waits for every CPU).
	 */
	if (mine && rcu_is_watching()) {
		ret = shadowk_site_act(mine, view, regs);
		if (ret != SHADOWK_TRAMP_CONTINUE)
			goto out;
	}
	insn = READ_ONCE(any->chain_insn);
	rel = (s32)(insn >> 8);
	switch ((u8)insn) {
	case CALL_INSN_OPCODE:
		regs->r11 = addr + SHADOWK_SITE_LEN + rel;
		ret = SHADOWK_TRAMP_CALL;
		break;
	case JMP32_INSN_OPCODE:
		/* Only BPF's fexit and fmod_ret trampolines, on 7.x. */
		shadowk_stats_inc(SHADOWK_STAT_CHAIN_JMP);
		regs->r11 = addr + SHADOWK_SITE_LEN + rel;
		ret = SHADOWK_TRAMP_JMP;
		break;
	}
out:
	preempt_enable_notrace();
	return ret;
}

struct shadowk_site *shadowk_site_at(struct shadowk_clone *clone,
				     unsigned long addr)
{
	struct shadowk_site *site;

	list_for_each_entry(site, &clone->sites, node)
		if (site->addr == addr)
			return site;
	return NULL;
}

/* The function-entry site for a user's address or symbol. */
static int shadowk_site_resolve(u64 uaddr, const char *symbol,
				unsigned long *sitep)
{
	unsigned long addr = uaddr, site;

	if (!addr) {
		if (strnlen(symbol, SHADOWK_SYMBOL_LEN) >= SHADOWK_SYMBOL_LEN ||
		    !symbol[0])
			return -EINVAL;
		addr = shadowk_ksyms_kallsyms_lookup_name(symbol);
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
bool shadowk_site_is_syscall(const char *symbol, unsigned long site)
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

/*
 * What a command names: a reference to the live clone @clone_id, and the
 * function-entry site of @addr, or of @symbol when @addr is 0.
 */
int shadowk_site_target(u32 clone_id, u64 addr, const char *symbol,
			struct shadowk_clone **clonep, unsigned long *sitep)
{
	struct shadowk_clone *clone = shadowk_clone_get(clone_id);
	int err;

	if (!clone)
		return -ENOENT;
	err = shadowk_site_resolve(addr, symbol, sitep);
	if (err) {
		shadowk_clone_put(clone);
		return err;
	}
	*clonep = clone;
	return 0;
}

/*
 * shadowk_site_target() for a command that changes kernel code: refused
 * once ftrace is dead, and by lockdown, while reading and removing what
 * exists stay allowed.
 */
int shadowk_site_target_change(u32 clone_id, u64 addr, const char *symbol,
			       struct shadowk_clone **clonep,
			       unsigned long *sitep)
{
	int err = shadowk_health_check();

	if (err)
		return err;
	if (security_locked_down(LOCKDOWN_DBG_WRITE_KERNEL))
		return -EPERM;
	return shadowk_site_target(clone_id, addr, symbol, clonep, sitep);
}

/* Is the kernel's instruction one shadowk knows how to follow? */
static bool shadowk_site_insn_known(const u8 *insn)
{
	static const u8 nop5[SHADOWK_SITE_LEN] = { BYTES_NOP5 };

	return !memcmp(insn, nop5, SHADOWK_SITE_LEN) ||
	       insn[0] == CALL_INSN_OPCODE || insn[0] == JMP32_INSN_OPCODE;
}

/* rel32 of "call shadowk_tramp" placed at @site. */
static long shadowk_site_rel(unsigned long site)
{
	unsigned long tramp = (unsigned long)shadowk_tramp;

	/* Keep the compiler from folding this into a reloc to tramp-5. */
	OPTIMIZER_HIDE_VAR(tramp);
	return (long)tramp - (long)(site + SHADOWK_SITE_LEN);
}

/* "call shadowk_tramp", placed at @site. */
static u8 *shadowk_site_call_bytes(unsigned long site, u8 call[SHADOWK_SITE_LEN])
{
	s32 rel = shadowk_site_rel(site);

	call[0] = CALL_INSN_OPCODE;
	memcpy(&call[1], &rel, sizeof(rel));
	return call;
}

static int shadowk_site_install(struct shadowk_clone *clone,
				struct shadowk_site *site)
{
	long rel = shadowk_site_rel(site->addr);
	u8 call[SHADOWK_SITE_LEN];
	struct shadowk_frame *frame;
	int err;

	if (rel != (s32)rel)
		return -ERANGE;
	frame = shadowk_text_frame_get(clone, site->addr);
	if (!frame)
		return -ENOMEM;
	/* The kernel's bytes, through its own mapping. */
	memcpy(site->kernel_insn, shadowk_text_original(site->addr),
	       SHADOWK_SITE_LEN);
	if (!shadowk_site_insn_known(site->kernel_insn)) {
		shadowk_text_frame_put(clone, frame);
		return -EBUSY;
	}
	site->chain_insn = shadowk_site_pack(site->kernel_insn);
	site->frame = frame;
	frame->nr_sites++;
	list_add(&site->node, &clone->sites);
	/* Findable before any CPU can reach the call. */
	hash_add_rcu(shadowk_site_table, &site->hnode, site->addr);
	err = shadowk_text_frame_rewrite(frame, site->addr,
					 shadowk_site_call_bytes(site->addr,
								 call),
					 SHADOWK_SITE_LEN);
	if (err) {
		hash_del_rcu(&site->hnode);
		list_del(&site->node);
		frame->nr_sites--;
		shadowk_text_frame_put(clone, frame);
	}
	return err;
}

/*
 * Give the site back to the kernel in this clone: true if done (the caller
 * frees it after a grace period).  The site stays findable until the flush
 * that ends every CPU's use of the call: until then a call can still
 * arrive and must find it.  If no page can be had for the rewrite, the
 * site stays as it is, without users: it does what the kernel does, and
 * goes with the clone.
 */
static bool shadowk_site_uninstall(struct shadowk_clone *clone,
				   struct shadowk_site *site)
{
	struct shadowk_frame *frame = site->frame;

	if (frame->nr_sites > 1 &&
	    shadowk_text_frame_rewrite(frame, site->addr, site->kernel_insn,
				       SHADOWK_SITE_LEN)) {
		pr_warn_ratelimited("out of memory: a site stays installed, doing what the kernel does\n");
		return false;
	}
	/* The last site's frame goes: unmapping it brings the kernel's back. */
	if (!--frame->nr_sites)
		shadowk_text_frame_put(clone, frame);
	list_del(&site->node);
	hash_del_rcu(&site->hnode);
	return true;
}

/* @may_install: whether the change may install a site (and so allocate). */
int shadowk_site_txn_begin(struct shadowk_site_txn *txn, bool may_install)
{
	INIT_LIST_HEAD(&txn->gone);
	txn->cleared = false;
	txn->spare = NULL;
	if (may_install) {
		int err = shadowk_health_check();

		if (err)
			return err;
		txn->spare = shadowk_mem_obj_alloc(sizeof(*txn->spare),
						   GFP_KERNEL_ACCOUNT);
		if (!txn->spare)
			return -ENOMEM;
		/*
		 * Before a site can exist: guard.c may be needed from then.
		 * Enabling it patches text, so not under text_mutex.
		 */
		shadowk_guard_site_added();
	}
	shadowk_clone_lock();
	mutex_lock(shadowk_ksyms.text_mutex);
	/* Follow what the kernel changed in its own tables since. */
	shadowk_clone_sync_text();
	return 0;
}

void shadowk_site_txn_end(struct shadowk_site_txn *txn)
{
	struct shadowk_site *site, *tmp;

	mutex_unlock(shadowk_ksyms.text_mutex);
	shadowk_clone_unlock();
	/* No CPU reaches what was cleared now; wait out those in dispatch. */
	if (txn->cleared)
		synchronize_rcu();
	list_for_each_entry_safe(site, tmp, &txn->gone, node) {
		shadowk_mem_obj_free(site);
		shadowk_guard_site_removed();
	}
	if (txn->spare) {
		shadowk_mem_obj_free(txn->spare);
		shadowk_guard_site_removed();
	}
}

/* The clone's site at @addr, installed now if it has none. */
struct shadowk_site *shadowk_site_claim(struct shadowk_site_txn *txn,
					struct shadowk_clone *clone,
					unsigned long addr, int *err)
{
	struct shadowk_site *site;

	lockdep_assert_held(shadowk_ksyms.text_mutex);
	if (clone->dead) {
		*err = -ENOENT;
		return NULL;
	}
	site = shadowk_site_at(clone, addr);
	if (site)
		return site;
	if (WARN_ON_ONCE(!txn->spare)) {
		*err = -ENOENT;
		return NULL;
	}
	site = txn->spare;
	site->clone = clone;
	site->addr = addr;
	*err = shadowk_site_install(clone, site);
	if (*err) {
		/* It may have been findable a moment: a grace period first. */
		txn->cleared = true;
		return NULL;
	}
	txn->spare = NULL;
	return site;
}

/* A user was cleared from @site: give it back if it was the last. */
void shadowk_site_release(struct shadowk_site_txn *txn,
			  struct shadowk_site *site)
{
	lockdep_assert_held(shadowk_ksyms.text_mutex);
	txn->cleared = true;
	if (site->raw || site->probe || site->inject || site->redirect)
		return;
	if (shadowk_site_uninstall(site->clone, site))
		list_add(&site->node, &txn->gone);
}

int shadowk_site_add(struct shadowk_ucmd *ucmd)
{
	struct shadowk_site_add *cmd = ucmd->cmd;
	struct shadowk_site_txn txn;
	struct shadowk_clone *clone;
	struct shadowk_site *site;
	unsigned long addr;
	int err;

	if (cmd->flags & ~SHADOWK_SITE_FLAGS)
		return -EINVAL;
	if (cmd->action > SHADOWK_SITE_RETURN ||
	    (cmd->action != SHADOWK_SITE_RETURN && cmd->value) || cmd->site)
		return -EINVAL;
	err = shadowk_site_target_change(cmd->clone_id, cmd->addr,
					 cmd->symbol, &clone, &addr);
	if (err)
		return err;
	err = -EOPNOTSUPP;
	if (cmd->action == SHADOWK_SITE_RETURN &&
	    !shadowk_site_is_syscall(cmd->addr ? "" : cmd->symbol, addr))
		goto out_clone;

	err = shadowk_site_txn_begin(&txn, true);
	if (err)
		goto out_clone;
	site = shadowk_site_claim(&txn, clone, addr, &err);
	if (site && (site->raw || (cmd->action == SHADOWK_SITE_RETURN &&
				   (site->inject || site->redirect)))) {
		err = -EBUSY;
		shadowk_site_release(&txn, site);
	} else if (site) {
		site->action = cmd->action;
		site->flags = cmd->flags;
		site->value = cmd->value;
		/* Parameters before the flag dispatch tests first. */
		smp_store_release(&site->raw, true);
	}
	shadowk_site_txn_end(&txn);
	if (err)
		goto out_clone;
	cmd->site = shadowk_dev_addr(ucmd, addr);
	err = shadowk_dev_respond(ucmd, sizeof(*cmd));
out_clone:
	shadowk_clone_put(clone);
	return err;
}

int shadowk_site_del(struct shadowk_ucmd *ucmd)
{
	struct shadowk_site_del *cmd = ucmd->cmd;
	struct shadowk_site_txn txn;
	struct shadowk_clone *clone;
	struct shadowk_site *site = NULL;
	unsigned long addr;
	int err;

	if (cmd->flags || cmd->__reserved)
		return -EINVAL;
	err = shadowk_site_target(cmd->clone_id, cmd->addr, cmd->symbol,
				  &clone, &addr);
	if (err)
		return err;

	err = shadowk_site_txn_begin(&txn, false);
	if (err)
		goto out_clone;
	site = clone->dead ? NULL : shadowk_site_at(clone, addr);
	if (site && site->raw) {
		WRITE_ONCE(site->raw, false);
		shadowk_site_release(&txn, site);
	} else {
		err = -ENOENT;
	}
	shadowk_site_txn_end(&txn);
out_clone:
	shadowk_clone_put(clone);
	return err;
}

/*
 * A bound process patched one of its own clone's sites, so poke.c had to
 * let the kernel's bytes into the frame.  Put shadowk's call back now that
 * the kernel is done (it held text_mutex for the whole patch).
 */
static void shadowk_site_reown(struct work_struct *work)
{
	struct shadowk_clone *clone;
	struct shadowk_site *site;

	shadowk_clone_lock();
	mutex_lock(shadowk_ksyms.text_mutex);
	shadowk_clone_for_each(clone) {
		list_for_each_entry(site, &clone->sites, node) {
			u8 call[SHADOWK_SITE_LEN];

			/* Without memory it stays displaced: the kernel's. */
			if (site->displaced &&
			    !shadowk_text_frame_rewrite(site->frame, site->addr,
							shadowk_site_call_bytes(site->addr, call),
							SHADOWK_SITE_LEN))
				site->displaced = false;
		}
	}
	mutex_unlock(shadowk_ksyms.text_mutex);
	shadowk_clone_unlock();
}

/*
 * DESTROY, after every mm is unbound and flushed: nothing can execute the
 * clone's text any more, except dispatch calls already under way.
 */
void shadowk_site_clone_free(struct shadowk_clone *clone)
{
	struct shadowk_site *site, *tmp;
	LIST_HEAD(gone);

	shadowk_clone_lock();
	mutex_lock(shadowk_ksyms.text_mutex);
	list_for_each_entry_safe(site, tmp, &clone->sites, node) {
		hash_del_rcu(&site->hnode);
		list_move(&site->node, &gone);
		if (site->probe)
			shadowk_probe_unlink(site->probe);
		if (site->redirect)
			shadowk_redirect_orphan(site->redirect);
	}
	shadowk_poke_forget(clone);
	shadowk_text_clone_free(clone);
	mutex_unlock(shadowk_ksyms.text_mutex);
	shadowk_clone_unlock();

	/* Dispatch can only have been inside a site the clone had. */
	if (list_empty(&gone))
		return;
	synchronize_rcu();
	list_for_each_entry_safe(site, tmp, &gone, node) {
		if (site->probe)
			shadowk_probe_free(site->probe);
		if (site->inject)
			shadowk_inject_free(site->inject);
		shadowk_mem_obj_free(site);
		shadowk_guard_site_removed();
	}
}

/* Let pending re-owning finish, so that callers see a settled clone. */
void shadowk_site_settle(void)
{
	flush_work(&shadowk_site_reown_work);
}

int __init shadowk_site_init(void)
{
	return 0;
}

void shadowk_site_exit(void)
{
	cancel_work_sync(&shadowk_site_reown_work);
	/* Tasks preempted in shadowk_tramp after dispatch returned. */
	synchronize_rcu_tasks();
}
