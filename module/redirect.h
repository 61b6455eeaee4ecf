/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOWK_REDIRECT_H
#define _SHADOWK_REDIRECT_H

#include <linux/atomic.h>
#include <linux/types.h>

#include "shadowk.h"

struct shadowk_site;

struct shadowk_redirect {
	struct shadowk_site *site;	/* NULL once orphaned or undone */
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

/* The clone ends under shadowk_clone_lock(): it redirects nothing now. */
void shadowk_redirect_orphan(struct shadowk_redirect *redirect);

#endif /* _SHADOWK_REDIRECT_H */
