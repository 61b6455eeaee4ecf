/* SPDX-License-Identifier: GPL-2.0 */
/*
 * shadowk's interface for other kernel modules.
 *
 * shadowk_redirect() sends one core kernel function to a replacement, for
 * the processes bound to one clone only: their calls enter the
 * replacement, with the same arguments, and return what it returns; every
 * other process runs the kernel's function.  The rules:
 *
 * - The replacement has the function's exact signature, and at most six
 *   integer or pointer arguments (all in registers): it is called from
 *   shadowk's trampoline, so arguments on the stack would not line up.
 * - It must not call the function it replaces (bound processes would
 *   enter it again, without end).  It may sleep if the function may.
 * - Its module calls shadowk_unredirect() before its code goes away,
 *   normally in its exit function.  shadowk_unredirect() returns only
 *   when no thread is inside the replacement any more, so it waits for
 *   calls that are blocked in it.
 * - A redirection outlives the clone's destruction (it then redirects
 *   nothing) and must still be undone.
 */
#ifndef _SHADOWK_H
#define _SHADOWK_H

#include <linux/types.h>

struct shadowk_redirect;

/*
 * Returns the redirection, or an ERR_PTR: -ENOENT (no such clone or
 * symbol), -EINVAL (@replacement is not kernel or module text), -EBUSY
 * (the clone already injects into or redirects @symbol), -EPERM (the
 * kernel is locked down), -ENOMEM, and the function errnos of
 * uapi/linux/shadowk.h (-ERANGE, -EXDEV, -ENXIO, -EACCES).
 */
struct shadowk_redirect *shadowk_redirect(u32 clone_id, const char *symbol,
					  void *replacement);
void shadowk_unredirect(struct shadowk_redirect *redirect);

#endif /* _SHADOWK_H */
