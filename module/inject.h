/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOWK_INJECT_H
#define _SHADOWK_INJECT_H

#include <linux/atomic.h>
#include <linux/types.h>

#include "site.h"

struct mm_struct;
struct shadowk_ucmd;

struct shadowk_injection {
	struct shadowk_site_user user;
	long value;
	u32 policy;		/* enum shadowk_inject_policy */
	u32 slot;		/* the bindings' counter for this injection */
	u64 nth;
	u64 seed;
	u32 ppm;
	u32 flags;		/* enum shadowk_inject_flags */
	atomic64_t calls;
	atomic64_t injected;
};

bool shadowk_inject_fires(struct shadowk_injection *inject,
			  struct mm_struct *view);

int shadowk_inject_set_ioctl(struct shadowk_ucmd *ucmd);
int shadowk_inject_read_ioctl(struct shadowk_ucmd *ucmd);
int shadowk_inject_del_ioctl(struct shadowk_ucmd *ucmd);
int shadowk_inject_list_ioctl(struct shadowk_ucmd *ucmd);

#endif /* _SHADOWK_INJECT_H */
