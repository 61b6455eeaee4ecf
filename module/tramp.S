/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The code an owned site calls.  It is entered exactly like the kernel's
 * ftrace trampolines: from a function's first instruction, with the return
 * address into the function on the stack and the function's arguments in
 * registers.  It saves what the function may still need, asks
 * shadowk_site_dispatch() what to do, and then does it with the registers
 * and stack exactly as they were at entry.
 */

#include <linux/linkage.h>
#include <asm/nospec-branch.h>
#include <asm/unwind_hints.h>

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

SYM_FUNC_START(shadowk_tramp)
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
	call	shadowk_site_dispatch

	cmpl	$SHADOWK_TRAMP_CALL, %eax
	je	.Lcall
	cmpl	$SHADOWK_TRAMP_RETURN, %eax
	je	.Lreturn
	cmpl	$SHADOWK_TRAMP_JMP, %eax
	je	.Ljmp
	cmpl	$SHADOWK_TRAMP_REDIRECT, %eax
	je	.Lredirect
	shadowk_restore
	RET

	/*
	 * What the kernel put at the site: enter it with the site's stack.
	 * Through a return, not an indirect jump: the kernel's trampolines
	 * have no ENDBR, and IBT checks jumps but not returns.
	 */
.Lcall:
	shadowk_restore
	pushq	%r11
	UNWIND_HINT_FUNC
	RET

	/* Leave the function before it starts: drop the return into it. */
.Lreturn:
	shadowk_restore
	addq	$8, %rsp
	UNWIND_HINT_FUNC
	RET

.Ljmp:
	shadowk_restore
	movq	%r11, (%rsp)
	UNWIND_HINT_FUNC
	RET

	/*
	 * Call the replacement (r11) in the function's place, with the
	 * function's register arguments, then count the call out of it
	 * (r10 is the redirection) and return to the function's caller.
	 */
.Lredirect:
	shadowk_restore
	addq	$8, %rsp
	UNWIND_HINT_FUNC
	pushq	%r10
	CALL_NOSPEC r11
	popq	%rdi
	pushq	%rax
	pushq	%rdx
	call	shadowk_redirect_exit
	popq	%rdx
	popq	%rax
	RET
SYM_FUNC_END(shadowk_tramp)
