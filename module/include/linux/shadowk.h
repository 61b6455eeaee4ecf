/* SPDX-License-Identifier: GPL-2.0 */
/*
 * shadowk's interface for other kernel modules: redirect one core kernel
 * function to a replacement, for the processes bound to one clone only.
 *
 * Build against it with ``ccflags-y += -I$(SHADOWK)/include`` and
 * ``KBUILD_EXTRA_SYMBOLS := $(SHADOWK)/$(KERNELRELEASE)/Module.symvers``,
 * where make install puts them (Documentation/admin-guide/shadowk.rst);
 * module/examples/detrand.c is a complete user.
 */
#ifndef _LINUX_SHADOWK_H
#define _LINUX_SHADOWK_H

#include <linux/types.h>

struct shadowk_redirect;

/**
 * shadowk_redirect_register() - send a function to a replacement, for one clone
 * @clone_id: the clone whose bound processes are redirected
 * @symbol: the kernel function, by name (core kernel text only)
 * @replacement: the function they call instead, in this module's text
 *
 * The bound processes' calls of @symbol enter @replacement, with the same
 * arguments, and return what it returns; every other process runs the
 * kernel's function.  The rules:
 *
 * - @replacement has the function's exact signature, and at most six
 *   integer or pointer arguments (all in registers): it is called from
 *   shadowk's trampoline, so arguments on the stack would not line up.
 * - It must not call the function it replaces (bound processes would
 *   enter it again, without end).  It may sleep if the function may.
 * - Its module calls shadowk_redirect_unregister() before its code goes
 *   away, normally in its exit function.
 * - A redirection outlives the clone's destruction (it then redirects
 *   nothing) and must still be unregistered.
 *
 * Context: process context; it may sleep.
 * Return: the redirection, or an ERR_PTR: -ENOENT (no such clone or
 * symbol), -EINVAL (@replacement is not kernel or module text), -EBUSY
 * (the clone already injects into or redirects @symbol), -EPERM (the
 * kernel is locked down), -ENOMEM, -ENOTRECOVERABLE (ftrace has stopped
 * working), and the function errnos of uapi/linux/shadowk.h (-ERANGE,
 * -EXDEV, -ENXIO, -EACCES).
 */
struct shadowk_redirect *shadowk_redirect_register(u32 clone_id,
						   const char *symbol,
						   void *replacement);

/**
 * shadowk_redirect_unregister() - undo shadowk_redirect_register()
 * @redirect: what it returned; NULL or an ERR_PTR does nothing
 *
 * Returns only when no thread is inside the replacement any more, so it
 * waits for calls that are blocked in it; then @redirect is freed.
 *
 * Context: process context; it sleeps.
 */
void shadowk_redirect_unregister(struct shadowk_redirect *redirect);

#endif /* _LINUX_SHADOWK_H */
