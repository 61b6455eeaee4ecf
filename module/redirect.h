/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOWK_REDIRECT_H
#define _SHADOWK_REDIRECT_H

#include <linux/atomic.h>
#include <linux/types.h>

#include <linux/shadowk.h>
#include "site.h"

struct shadowk_redirect {
	struct shadowk_site_user user;	/* .site NULL once the clone ends */
	void *replacement;
	atomic_t active;		/* threads inside the replacement */
};

/* Dispatch, preemption off: a bound process enters the replacement. */
static inline unsigned long shadowk_redirect_enter(struct shadowk_redirect *r)
{
	atomic_inc(&r->active);
	return (unsigned long)r->replacement;
}

/* tramp.S, when the replacement has returned. */
void shadowk_redirect_exit(struct shadowk_redirect *redirect);

#endif /* _SHADOWK_REDIRECT_H */
