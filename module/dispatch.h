/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOWK_DISPATCH_H
#define _SHADOWK_DISPATCH_H

/* What the trampoline does after shadowk_dispatch_call() returns. */
#define SHADOWK_TRAMP_CONTINUE	0	/* back into the function */
#define SHADOWK_TRAMP_CALL	1	/* as if the site called regs->r11 */
#define SHADOWK_TRAMP_RETURN	2	/* return regs->ax from the function */
#define SHADOWK_TRAMP_JMP	3	/* as if the site jumped to regs->r11 */
#define SHADOWK_TRAMP_REDIRECT	4	/* call regs->r11, then redirect exit */
#define SHADOWK_TRAMP_RESTART	5	/* run the site again, in today's view */

#ifndef __ASSEMBLY__

/* Registers the trampoline saved, lowest address first. */
struct shadowk_tramp_regs {
	unsigned long r11, r10, r9, r8, di, si, dx, cx, ax;
	unsigned long bp;
	unsigned long ip;		/* the site + 5 */
	unsigned long parent_ip;	/* the function's return address */
};

unsigned long shadowk_dispatch_call(struct shadowk_tramp_regs *regs);

#endif /* __ASSEMBLY__ */
#endif /* _SHADOWK_DISPATCH_H */
