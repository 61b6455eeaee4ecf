/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOWK_LIST_H
#define _SHADOWK_LIST_H

#include <linux/types.h>

struct shadowk_site_user;
struct shadowk_ucmd;

/* One kind of site user, as a *_LIST ioctl replies with it. */
struct shadowk_list_kind {
	unsigned long slots;	/* a mask of BIT(enum shadowk_site_slot) */
	size_t entry_size;	/* the kernel's sizeof() of one entry */
	/* Fill @entry (zeroed) for @user; under the clone lock. */
	void (*describe)(const struct shadowk_ucmd *ucmd,
			 const struct shadowk_site_user *user, void *entry);
};

int shadowk_list_users(const struct shadowk_ucmd *ucmd, u32 clone_id,
		       const struct shadowk_list_kind *kind, u32 room,
		       u32 hint, u64 uentries, u32 uentry_size, u32 *count);

#endif /* _SHADOWK_LIST_H */
