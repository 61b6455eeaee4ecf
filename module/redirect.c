// SPDX-License-Identifier: GPL-2.0
/*
 * Per-process redirection: another module sends a core function to its
 * own replacement for the processes bound to one clone.
 *
 * A redirection is a user of the function's owned site.  Dispatch counts
 * the call in (->active) and the trampoline calls the replacement, then
 * shadowk_redirect_exit() counts it out, so that unregistering can
 * tell when the replacement's code is no longer in use: after clearing
 * the site and a grace period no call can start, and then it waits for
 * ->active to drain.  That covers calls that sleep in the replacement,
 * which no RCU flavour would.  The wait polls, so that the way out of a
 * replacement is one atomic decrement and calls nothing anyone could
 * trace, probe or redirect.
 */

#include <linux/err.h>
#include <linux/export.h>
#include <linux/sched.h>
#include <linux/string.h>

#include "clone.h"
#include "ksyms.h"
#include "mem.h"
#include "redirect.h"
#include "site.h"
#include "target.h"

/* The decrement is this call's last touch of @redirect. */
void notrace shadowk_redirect_exit(struct shadowk_redirect *redirect)
{
	atomic_dec(&redirect->active);
}

struct shadowk_redirect *shadowk_redirect_register(u32 clone_id,
						   const char *symbol,
						   void *replacement)
{
	struct shadowk_redirect *redirect;
	struct shadowk_site_txn txn;
	struct shadowk_clone *clone;
	struct shadowk_func func = {};
	unsigned long addr;
	int err;

	/* Entered through a return (thunk.S): no ENDBR needed. */
	if (!symbol || !replacement ||
	    !shadowk_ksyms_kernel_text_address((unsigned long)replacement))
		return ERR_PTR(-EINVAL);
	if (strscpy(func.symbol, symbol, sizeof(func.symbol)) < 0)
		return ERR_PTR(-EINVAL);
	err = shadowk_target_get_change(clone_id, &func, &clone, &addr);
	if (err)
		return ERR_PTR(err);
	err = -ENOMEM;
	redirect = shadowk_mem_obj_alloc(sizeof(*redirect), GFP_KERNEL);
	if (!redirect)
		goto out_clone;
	/* No ops: its module frees it (unregistering), clone or not. */
	redirect->user.slot = SHADOWK_SLOT_REDIRECT;
	redirect->user.replaces = true;
	redirect->replacement = replacement;

	err = shadowk_site_txn_begin(&txn, true);
	if (!err) {
		err = shadowk_site_attach(&txn, clone, addr, &redirect->user,
					  NULL);
		shadowk_site_txn_end(&txn);
	}
	if (err)
		shadowk_mem_obj_free(redirect);
out_clone:
	shadowk_clone_put(clone);
	if (err)
		return ERR_PTR(err);
	pr_info("clone %u: %s redirected to %ps\n", clone_id, symbol,
		replacement);
	return redirect;
}
EXPORT_SYMBOL_GPL(shadowk_redirect_register);

void shadowk_redirect_unregister(struct shadowk_redirect *redirect)
{
	struct shadowk_site_txn txn;

	if (IS_ERR_OR_NULL(redirect))
		return;
	/* Without a site to install, this cannot fail. */
	shadowk_site_txn_begin(&txn, false);
	if (redirect->user.site)
		shadowk_site_detach(&txn, &redirect->user);
	txn.cleared = true;
	shadowk_site_txn_end(&txn);
	/* No call can enter now; wait for those inside the replacement. */
	while (atomic_read(&redirect->active))
		schedule_timeout_uninterruptible(1);
	shadowk_mem_obj_free(redirect);
}
EXPORT_SYMBOL_GPL(shadowk_redirect_unregister);
