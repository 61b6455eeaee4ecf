// SPDX-License-Identifier: GPL-2.0
/*
 * The *_LIST ioctls of site users (probes, injections, BPF programs):
 * one clone's users of a kind, in id order, snapshot under the clone lock
 * and copied out after it, so that no user copy runs under the lock.
 */

#include <linux/overflow.h>
#include <linux/string.h>

#include "clone.h"
#include "dev.h"
#include "list.h"
#include "mem.h"
#include "site.h"

/*
 * Copy @clone_id's users of @kind to @uentries, as many as @room (the
 * caller's, already capped at the kind's limit); *@count becomes how many
 * there are, which may be more.  The snapshot starts with room for @hint
 * (how many the kind has now, say), not for all the caller offers; if
 * more were added meanwhile, it is taken once more with all the room.
 */
int shadowk_list_users(const struct shadowk_ucmd *ucmd, u32 clone_id,
		       const struct shadowk_list_kind *kind, u32 room,
		       u32 hint, u64 uentries, u32 uentry_size, u32 *count)
{
	struct shadowk_site_user *user;
	struct shadowk_clone *clone;
	u32 cap = min(room, hint), n, id;
	void *entries, *e;
	int err;

	clone = shadowk_clone_get(clone_id);
	if (!clone)
		return -ENOENT;
again:
	entries = NULL;
	if (cap) {
		entries = shadowk_mem_scratch_alloc(array_size(cap,
							       kind->entry_size));
		if (!entries) {
			shadowk_clone_put(clone);
			return -ENOMEM;
		}
	}
	n = 0;
	shadowk_clone_lock();
	for (id = 1; (user = shadowk_site_user_next(clone, kind->slots, &id));
	     id++, n++) {
		if (n >= cap)
			continue;
		e = entries + n * kind->entry_size;
		memset(e, 0, kind->entry_size);
		kind->describe(ucmd, user, e);
	}
	shadowk_clone_unlock();
	if (n > cap && cap < room) {
		shadowk_mem_scratch_free(entries);
		cap = room;
		goto again;
	}
	shadowk_clone_put(clone);

	err = shadowk_dev_copy_entries(uentries, uentry_size, entries,
				       kind->entry_size, min(cap, n));
	if (!err)
		*count = n;
	shadowk_mem_scratch_free(entries);
	return err;
}
