// SPDX-License-Identifier: GPL-2.0
/*
 * Coherence: every write the kernel makes to its own text after boot
 * (ftrace, kprobes and optprobes, jump labels, static calls, BPF
 * trampolines, livepatch through ftrace) goes through __text_poke().  A
 * callback at its entry repeats the write in every clone's private copy of
 * the page, so a clone stays byte-identical to the kernel outside the
 * sites it owns.
 *
 * At entry, not after: __text_poke() re-reads what it wrote through the
 * page tables of whoever called it (BUG_ON on a mismatch), and the caller
 * may be a bound process.  Writing first means the clone goes through the
 * same byte sequence as the kernel (int3, tail, head) with the same
 * text_poke_sync() between steps.
 *
 * Owned sites are the exception.  The kernel's bytes there are recorded
 * (so dispatch can do what the kernel now does) but not written, unless
 * the caller itself runs on that clone: then its re-read must see them, so
 * they are written and shadowk's call is put back afterwards by a page
 * swap (site.c).  A private frame is never writable while mapped
 * (xpage.c): the mirror goes through the kernel's own __text_poke(), on
 * the frame's read-only alias, from inside this callback, before the
 * kernel's own call does anything.
 *
 * Every caller of __text_poke() holds text_mutex, and so does everything
 * that changes clones' frames or sites: that is what makes this lockless
 * walk safe.
 */

#include <linux/ftrace.h>
#include <linux/list.h>
#include <linux/mm_types.h>
#include <linux/sched.h>

#include <asm/tlbflush.h>

#include "clone.h"
#include "compat.h"
#include "hook.h"
#include "ksyms.h"
#include "pgtable.h"
#include "mirror.h"
#include "site.h"
#include "text.h"

static LIST_HEAD(shadowk_mirror_clones);

void shadowk_mirror_track(struct shadowk_clone *clone)
{
	lockdep_assert_held(shadowk_ksyms.text_mutex);
	list_add(&clone->mirror_node, &shadowk_mirror_clones);
}

void shadowk_mirror_forget(struct shadowk_clone *clone)
{
	lockdep_assert_held(shadowk_ksyms.text_mutex);
	list_del_init(&clone->mirror_node);
}

/*
 * The view __text_poke()'s re-read will see, as the top-level entry for
 * the kernel image: that of the page tables loaded now (not necessarily
 * current->active_mm's, see view.c), or none on a lazy CPU, which
 * use_temporary_mm() moves to init_mm first.
 */
static u64 shadowk_mirror_reader_view(void)
{
	if (this_cpu_read(cpu_tlbstate_shared.is_lazy))
		return 0;
	return shadowk_pgtable_loaded();
}

/* The site in @frame covering byte @va, if any. */
static struct shadowk_site *shadowk_mirror_site_at(struct shadowk_frame *frame,
						 unsigned long va)
{
	struct shadowk_site *s;

	list_for_each_entry(s, &frame->sites, frame_node)
		if (va >= s->addr && va < s->addr + SHADOWK_SITE_LEN)
			return s;
	return NULL;
}

/*
 * The byte a clone's frame gets where the kernel writes @byte at @va over
 * @now: the kernel's, except inside an owned site (@site, or NULL) whose
 * call stays, unless the writer's own re-read goes through this clone
 * (@reader): then the site must be displaced (*@displace) until the
 * kernel is done.  The site records the kernel's byte either way.
 */
static u8 shadowk_mirror_merge(struct shadowk_site *site, unsigned long va,
			     u8 byte, u8 now, bool reader, bool *displace)
{
	if (!site)
		return byte;
	site->kernel_insn[va - site->addr] = byte;
	/* Once displaced, the frame follows fully. */
	if (site->displaced)
		return byte;
	if (!reader)
		return now;
	*displace = true;
	return byte;
}

#define SHADOWK_MIRROR_CHUNK	64

static void shadowk_mirror_frame(struct shadowk_frame *frame, unsigned long addr,
			       const u8 *src, bool memset_byte, size_t len,
			       bool reader)
{
	unsigned long i, at, start = max(addr, frame->va);
	unsigned long end = min(addr + len, frame->va + PAGE_SIZE);
	const u8 *now = shadowk_text_frame_bytes(frame);
	struct shadowk_site *site = NULL;
	u8 buf[SHADOWK_MIRROR_CHUNK];

	for (at = start; at < end; at += SHADOWK_MIRROR_CHUNK) {
		unsigned long stop = min(at + SHADOWK_MIRROR_CHUNK, end);
		bool changed = false;

		for (i = at; i < stop; i++) {
			u8 byte = memset_byte ? src[0] : src[i - addr];
			u8 *out = &buf[i - at];
			bool displace = false;

			if (!site || i >= site->addr + SHADOWK_SITE_LEN)
				site = shadowk_mirror_site_at(frame, i);
			*out = shadowk_mirror_merge(site, i, byte, now[i - frame->va],
						  reader, &displace);
			if (displace)
				shadowk_site_reown_later(site);
			changed |= *out != now[i - frame->va];
		}
		if (changed)
			shadowk_text_frame_poke(frame, at, buf, stop - at);
	}
	/* Sites the write touched: follow the kernel's finished instruction. */
	list_for_each_entry(site, &frame->sites, frame_node)
		if (site->addr < end && site->addr + SHADOWK_SITE_LEN > start)
			shadowk_site_kernel_wrote(site);
}

static void notrace shadowk_mirror_hook(unsigned long ip, unsigned long pip,
				      struct ftrace_ops *op,
				      struct ftrace_regs *fregs)
{
	struct pt_regs *regs = ftrace_get_regs(fregs);
	unsigned long addr, va;
	struct shadowk_clone *clone;
	const u8 *src;
	bool memset_byte;
	u64 reader;
	size_t len;

	if (!regs || list_empty(&shadowk_mirror_clones))
		return;
	addr = regs->si;
	len = regs->cx;
	if (addr < (unsigned long)shadowk_ksyms.stext ||
	    addr >= (unsigned long)shadowk_ksyms.etext || !len)
		return;
	src = (const u8 *)regs->dx;
	/* text_poke_memset's source is an int holding the byte. */
	memset_byte = (void *)regs->di == shadowk_ksyms.text_poke_memset;
	reader = shadowk_mirror_reader_view();

	list_for_each_entry(clone, &shadowk_mirror_clones, mirror_node) {
		for (va = addr & PAGE_MASK; va < addr + len; va += PAGE_SIZE) {
			struct shadowk_frame *frame;

			frame = shadowk_text_frame_find(&clone->text, va);
			if (!frame || !frame->xp.page)
				continue;
			shadowk_mirror_frame(frame, addr, src, memset_byte,
					   len, pgd_val(clone->pt.top) == reader);
		}
	}
}

static struct shadowk_hook shadowk_mirror_hook_desc = {
	.symbol = "__text_poke",
	.func = shadowk_mirror_hook,
	.flags = FTRACE_OPS_FL_SAVE_REGS,
};

int __init shadowk_mirror_init(void)
{
	return shadowk_hook_register(&shadowk_mirror_hook_desc);
}

void shadowk_mirror_exit(void)
{
	shadowk_hook_unregister(&shadowk_mirror_hook_desc);
}

#include "selftest/mirror.c"
