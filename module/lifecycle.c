// SPDX-License-Identifier: GPL-2.0
/*
 * How a clone begins and ends, and the ioctls that make, destroy, show
 * and list clones.  This sits above every part of a clone, so that the
 * order in which the parts go is written in one function,
 * shadowk_lifecycle_end(), and no part calls up to end another.
 */

#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/sched.h>
#include <linux/uaccess.h>

#include <uapi/linux/shadowk.h>

#include "bind.h"
#include "cgroup.h"
#include "clone.h"
#include "dev.h"
#include "ksyms.h"
#include "lifecycle.h"
#include "limits.h"
#include "mem.h"
#include "mirror.h"
#include "site.h"
#include "text.h"

/*
 * A clone out of the id table goes, in this order:
 *  1. its cgroups are unbound, then every mm, each with the flush that ends every CPU's use
 *     of the clone's tables: nothing executes its text after this, except
 *     dispatch calls already under way;
 *  2. under the locks, its sites leave the table (their users told), and
 *     the kernel's text and table changes stop being mirrored into it;
 *     its private text goes;
 *  3. a grace period later, the sites and their users are freed;
 *  4. the struct and its upper tables go with the last reference.
 */
static void shadowk_lifecycle_end(struct shadowk_clone *clone)
{
	LIST_HEAD(gone);

	shadowk_cgroup_clone_end(clone);
	shadowk_bind_detach_clone(clone);

	shadowk_clone_lock();
	mutex_lock(shadowk_ksyms.text_mutex);
	shadowk_site_clone_end(clone, &gone);
	shadowk_mirror_forget(clone);
	shadowk_pgtable_untrack(&clone->pt);
	shadowk_text_free(&clone->text);
	mutex_unlock(shadowk_ksyms.text_mutex);
	shadowk_clone_unlock();

	shadowk_site_free_gone(&gone);
	shadowk_clone_put(clone);
}

static int shadowk_lifecycle_remove(u32 id)
{
	struct shadowk_clone *clone = shadowk_clone_unpublish(id);

	if (!clone)
		return -ENOENT;
	shadowk_lifecycle_end(clone);
	return 0;
}

int shadowk_lifecycle_create_ioctl(struct shadowk_ucmd *ucmd)
{
	struct shadowk_create *cmd = ucmd->cmd;
	struct shadowk_clone *clone;
	int id, err;

	if ((cmd->flags & ~SHADOWK_CREATE_TRANSIENT) || cmd->__reserved)
		return -EINVAL;
	if (strnlen(cmd->name, SHADOWK_NAME_LEN) >= SHADOWK_NAME_LEN)
		return -EINVAL;

	clone = shadowk_clone_alloc(cmd->name);
	if (!clone)
		return -ENOMEM;
	if (cmd->flags & SHADOWK_CREATE_TRANSIENT) {
		clone->owner = ucmd->file;
		clone->owner_pid = get_pid(task_tgid(current));
	}
	/* The kernel's text writes reach its frames before it has any. */
	mutex_lock(shadowk_ksyms.text_mutex);
	shadowk_mirror_track(clone);
	mutex_unlock(shadowk_ksyms.text_mutex);
	id = shadowk_clone_publish(clone);
	if (id < 0) {
		mutex_lock(shadowk_ksyms.text_mutex);
		shadowk_mirror_forget(clone);
		mutex_unlock(shadowk_ksyms.text_mutex);
		shadowk_clone_put(clone);
		return id;
	}

	cmd->out_clone_id = id;
	err = shadowk_dev_respond(ucmd, sizeof(*cmd));
	/* The caller cannot learn the id: undo. */
	if (err)
		shadowk_lifecycle_remove(id);
	return err;
}

int shadowk_lifecycle_pin_ioctl(struct shadowk_ucmd *ucmd)
{
	struct shadowk_clone_pin *cmd = ucmd->cmd;

	if (cmd->flags || cmd->__reserved)
		return -EINVAL;
	return shadowk_clone_pin(cmd->clone_id);
}

/*
 * The last reference to an open /dev/shadowk is gone, perhaps with its
 * process killed: its transient clones go, as DESTROY would end them.
 */
void shadowk_lifecycle_release(const struct file *file)
{
	struct shadowk_clone *clone;

	while ((clone = shadowk_clone_unpublish_owned(file)))
		shadowk_lifecycle_end(clone);
}

int shadowk_lifecycle_destroy_ioctl(struct shadowk_ucmd *ucmd)
{
	struct shadowk_destroy *cmd = ucmd->cmd;

	if (cmd->flags || cmd->__reserved)
		return -EINVAL;
	return shadowk_lifecycle_remove(cmd->clone_id);
}

static void shadowk_lifecycle_text_counts(struct shadowk_clone *clone,
					  u64 *sites, u64 *frames)
{
	struct shadowk_frame *frame;
	struct shadowk_site *site;
	unsigned long index;

	*sites = 0;
	*frames = 0;
	mutex_lock(shadowk_ksyms.text_mutex);
	list_for_each_entry(site, &clone->sites, node)
		(*sites)++;
	shadowk_text_for_each_frame(&clone->text, index, frame)
		if (frame->xp.page)
			(*frames)++;
	mutex_unlock(shadowk_ksyms.text_mutex);
}

int shadowk_lifecycle_info_ioctl(struct shadowk_ucmd *ucmd)
{
	struct shadowk_clone_info *cmd = ucmd->cmd;
	struct shadowk_clone *clone;

	if (cmd->flags || cmd->__reserved)
		return -EINVAL;
	clone = shadowk_clone_get(cmd->clone_id);
	if (!clone)
		return -ENOENT;

	shadowk_clone_lock();
	memcpy(cmd->out_name, clone->name, SHADOWK_NAME_LEN);
	cmd->out_bound_mms = shadowk_bind_count(clone, 0);
	shadowk_lifecycle_text_counts(clone, &cmd->out_owned_sites,
				      &cmd->out_private_frames);
	cmd->out_pt_pages = clone->pt.pages;
	cmd->out_bytes = (u64)(cmd->out_pt_pages + cmd->out_private_frames) * PAGE_SIZE +
		     sizeof(*clone);
	cmd->out_flags = clone->owner ? SHADOWK_CREATE_TRANSIENT : 0;
	cmd->out_owner_pid = clone->owner ?
		pid_nr_ns(clone->owner_pid, task_active_pid_ns(current)) : 0;
	shadowk_clone_unlock();
	cmd->out_cgroups = shadowk_cgroup_count(clone);

	shadowk_clone_put(clone);
	return shadowk_dev_respond(ucmd, sizeof(*cmd));
}

int shadowk_lifecycle_list_ioctl(struct shadowk_ucmd *ucmd)
{
	struct shadowk_clone_list *cmd = ucmd->cmd;
	u32 __user *uids = u64_to_user_ptr(cmd->ids);
	u32 room = cmd->count, n;
	int err = 0;
	u32 *ids;

	if (cmd->flags || cmd->__reserved)
		return -EINVAL;

	/* Snapshot under the lock, copy out after it. */
	ids = shadowk_mem_scratch_alloc(SHADOWK_MAX_CLONES * sizeof(*ids));
	if (!ids)
		return -ENOMEM;
	n = shadowk_clone_ids(ids);
	if (room && copy_to_user(uids, ids, min(room, n) * sizeof(*ids)))
		err = -EFAULT;
	shadowk_mem_scratch_free(ids);
	if (err)
		return err;
	cmd->count = n;
	return shadowk_dev_respond(ucmd, sizeof(*cmd));
}

/* Module unload: end what is left, as DESTROY would. */
void shadowk_lifecycle_exit(void)
{
	struct shadowk_clone *clone;

	while ((clone = shadowk_clone_unpublish_any()))
		shadowk_lifecycle_end(clone);
	shadowk_clone_exit();
}
