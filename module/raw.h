/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOWK_RAW_H
#define _SHADOWK_RAW_H

#include <linux/types.h>

#include "site.h"

struct shadowk_ucmd;

/* A site added by SHADOWK_IOC_SITE_ADD, with what it does at a call. */
struct shadowk_raw {
	struct shadowk_site_user user;
	u32 action;		/* enum shadowk_site_action */
	u32 flags;
	long value;
};

int shadowk_raw_add_ioctl(struct shadowk_ucmd *ucmd);
int shadowk_raw_del_ioctl(struct shadowk_ucmd *ucmd);

#endif /* _SHADOWK_RAW_H */
