/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Calls through a return.
 *
 * shadowk enters code whose first instruction need not be an ENDBR:
 * kernel functions found with kallsyms (objtool seals the ENDBR of every
 * function whose address the kernel itself never takes), the trampoline
 * the kernel installed at an owned site (ftrace's have none), and a
 * replacement another module provides.  With kernel IBT an indirect call
 * or jump there raises #CP; a return is not checked.  So shadowk reaches
 * all of them through shadowk_thunk_r11, which returns to %r11 from a call
 * of its own, as a retpoline does: the return pops what that call pushed,
 * so the return stack stays balanced, and a mispredicted return
 * speculates into an int3 rather than into the target.
 *
 * The target then runs exactly as if the thunk's caller had jumped to it:
 * every register but %r11 and the whole stack as the caller left them.
 */

#include <linux/linkage.h>
#include <linux/objtool.h>
#include <asm/nospec-branch.h>
#include <asm/unwind_hints.h>

	.code64
	.section .text, "ax"

SYM_FUNC_START(shadowk_thunk_r11)
	ANNOTATE_INTRA_FUNCTION_CALL
	call	.Lthunk_ret
	int3
.Lthunk_ret:
	movq	%r11, (%rsp)
	UNWIND_HINT_FUNC
	RET
SYM_FUNC_END(shadowk_thunk_r11)

/*
 * For each kernel function ksyms.c looks up, in the order of ksyms_fns.h:
 * a slot of shadowk_ksyms_addrs[] for its address (read-only after init),
 * and a direct-call target in shadowk that C calls with the function's own
 * prototype, and that jumps to the function through the thunk, so the
 * function returns straight to the C caller.  Nothing here disables IBT,
 * so the callee may sleep.
 */
	.pushsection .data..ro_after_init, "aw"
	.balign 8
SYM_DATA_START(shadowk_ksyms_addrs)
#define SHADOWK_KSYMS_FN(fn, optional) .quad 0 ;
#include "ksyms_fns.h"
#undef SHADOWK_KSYMS_FN
SYM_DATA_END(shadowk_ksyms_addrs)
	.popsection

	.set	shadowk_ksyms_slot, 0
.macro SHADOWK_KSYMS_VENEER fn
SYM_FUNC_START(shadowk_ksyms_\fn)
	movq	shadowk_ksyms_addrs + 8 * shadowk_ksyms_slot(%rip), %r11
	jmp	shadowk_thunk_r11
SYM_FUNC_END(shadowk_ksyms_\fn)
	.set	shadowk_ksyms_slot, shadowk_ksyms_slot + 1
.endm

#define SHADOWK_KSYMS_FN(fn, optional) SHADOWK_KSYMS_VENEER fn ;
#include "ksyms_fns.h"
#undef SHADOWK_KSYMS_FN
