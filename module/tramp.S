/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The code an owned site calls.  It is entered exactly like the kernel's
 * ftrace trampolines: from a function's first instruction, with the return
 * address into the function on the stack and the function's arguments in
 * registers.  It saves what the function may still need, asks
 * shadowk_dispatch_call() what to do, and then does it with the registers
 * and stack exactly as they were at entry.
 *
 * Every way out keeps the return stack balanced: each return it makes
 * pops an entry that a call pushed (the site's own call, or one of the
 * thunk's), so later returns of the function and its callers predict
 * right, and call-depth tracking stays in step.
 */

#include <linux/linkage.h>
#include <linux/objtool.h>
#include <asm/nospec-branch.h>
#include <asm/unwind_hints.h>

#include "dispatch.h"
#include "site.h"

	.code64
	.section .text, "ax"

.macro shadowk_restore
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rdi
	popq	%rsi
	popq	%rdx
	popq	%rcx
	popq	%rax
	popq	%rbp
.endm

/*
 * Reached only by the direct call an owned site holds; site.c takes the
 * address to compute that call's displacement, never to branch through it.
 */
SYM_FUNC_START(shadowk_tramp)
	ANNOTATE_NOENDBR
	pushq	%rbp
	movq	%rsp, %rbp
	pushq	%rax
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	movq	%rsp, %rdi
	call	shadowk_dispatch_call

	cmpl	$SHADOWK_TRAMP_CALL, %eax
	je	.Lcall
	cmpl	$SHADOWK_TRAMP_RETURN, %eax
	je	.Lreturn
	cmpl	$SHADOWK_TRAMP_JMP, %eax
	je	.Ljmp
	cmpl	$SHADOWK_TRAMP_REDIRECT, %eax
	je	.Lredirect
	cmpl	$SHADOWK_TRAMP_RESTART, %eax
	je	.Lrestart
	shadowk_restore
	RET

	/*
	 * What the kernel put at the site: enter it as if the site had
	 * called it, with the site's return address on the stack.
	 */
.Lcall:
	shadowk_restore
	jmp	shadowk_thunk_r11

	/* As if the site had jumped: the return into the function goes. */
.Ljmp:
	shadowk_restore
	movq	%r11, (%rsp)
	UNWIND_HINT_FUNC
	RET

	/*
	 * Nothing of this view at the site any more (it was unbound or the
	 * site removed while this call was on its way): run again whatever
	 * the view now has there, the kernel's own instruction.
	 */
.Lrestart:
	shadowk_restore
	subq	$SHADOWK_SITE_LEN, (%rsp)
	UNWIND_HINT_FUNC
	RET

	/*
	 * Leave the function before it starts, returning %rax: through one
	 * plain return, so that the caller's own return-stack entry is the
	 * one the return to the caller uses.
	 */
.Lreturn:
	shadowk_restore
	leaq	.Lreturn_to_caller(%rip), %r11
	movq	%r11, (%rsp)
	UNWIND_HINT_FUNC
	RET

	/*
	 * Call the replacement (r11) in the function's place, with the
	 * function's register arguments, then count the call out of it (r10
	 * is the redirection) and return to the function's caller as above.
	 * The second push keeps the stack's alignment that of a call from
	 * the function's caller.
	 */
.Lredirect:
	shadowk_restore
	pushq	%r10
	pushq	%r10
	call	shadowk_thunk_r11
	popq	%rdi
	popq	%rdi
	pushq	%rax
	pushq	%rdx
	call	shadowk_redirect_exit
	popq	%rdx
	popq	%rax
	leaq	.Lreturn_to_caller(%rip), %r11
	movq	%r11, (%rsp)
	UNWIND_HINT_FUNC
	RET

.Lreturn_to_caller:
	UNWIND_HINT_FUNC
	RET
SYM_FUNC_END(shadowk_tramp)
