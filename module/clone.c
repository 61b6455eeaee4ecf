// SPDX-License-Identifier: GPL-2.0
/*
 * Clone objects: ids, names, lifetime, and the ioctls that manage them.
 *
 * What shadowk_mutex covers, and the lock order, is written in clone.h.
 * A clone is freed when its last reference goes: the id table holds one
 * until DESTROY, each binding one until it detaches (after the flush that
 * ends every CPU's use of the clone's tables).  shadowk_clone_end() is the
 * one place that says in which order a clone's parts go.
 */

#include <linux/idr.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "bind.h"
#include "bridge.h"
#include "clone.h"
#include "dev.h"
#include "ksyms.h"
#include "mem.h"
#include "poke.h"
#include "site.h"
#include "text.h"
#include "tlb.h"

/* What it covers, and the lock order: clone.h. */
DEFINE_MUTEX(shadowk_mutex);
static DEFINE_IDR(shadowk_clone_idr);
static LIST_HEAD(shadowk_clone_list_head);
static unsigned int shadowk_clone_count;

static int shadowk_clone_remove(u32 id);

void shadowk_clone_lock(void)
{
	mutex_lock(&shadowk_mutex);
}

void shadowk_clone_unlock(void)
{
	mutex_unlock(&shadowk_mutex);
}

struct list_head *shadowk_clone_all(void)
{
	lockdep_assert_held(&shadowk_mutex);
	return &shadowk_clone_list_head;
}

/* The kernel's tables changed: every clone copies the change. */
void shadowk_clone_sync_all(void)
{
	struct shadowk_clone *clone;

	lockdep_assert_held(&shadowk_mutex);
	list_for_each_entry(clone, &shadowk_clone_list_head, node)
		shadowk_pgtable_sync(&clone->pt);
}

/*
 * Before a change to clones' text: the bridge and every clone follow what
 * the kernel changed in its own entries since (page-attribute changes),
 * with a flush if anything did.
 */
void shadowk_clone_sync_text(void)
{
	struct shadowk_clone *clone;
	unsigned int n;

	lockdep_assert_held(&shadowk_mutex);
	lockdep_assert_held(shadowk_ksyms.text_mutex);
	n = shadowk_bridge_sync();
	list_for_each_entry(clone, &shadowk_clone_list_head, node) {
		n += shadowk_pgtable_sync(&clone->pt);
		n += shadowk_text_sync(clone, true);
	}
	if (n)
		shadowk_text_flush();
}

static void shadowk_clone_release(struct kref *ref)
{
	struct shadowk_clone *clone = container_of(ref, struct shadowk_clone,
						   ref);

	shadowk_pgtable_free(&clone->pt);
	shadowk_mem_obj_free(clone);
}

void shadowk_clone_put(struct shadowk_clone *clone)
{
	kref_put(&clone->ref, shadowk_clone_release);
}

/* A reference to the live clone @id, or NULL. */
struct shadowk_clone *shadowk_clone_get(u32 id)
{
	struct shadowk_clone *clone;

	mutex_lock(&shadowk_mutex);
	clone = idr_find(&shadowk_clone_idr, id);
	if (clone)
		kref_get(&clone->ref);
	mutex_unlock(&shadowk_mutex);
	return clone;
}

static bool shadowk_clone_name_valid(const char *name)
{
	return strnlen(name, SHADOWK_NAME_LEN) < SHADOWK_NAME_LEN;
}

static struct shadowk_clone *shadowk_clone_by_name(const char *name)
{
	struct shadowk_clone *clone;
	int id;

	lockdep_assert_held(&shadowk_mutex);
	idr_for_each_entry(&shadowk_clone_idr, clone, id)
		if (!strcmp(clone->name, name))
			return clone;
	return NULL;
}

int shadowk_clone_create_ioctl(struct shadowk_ucmd *ucmd)
{
	struct shadowk_create *cmd = ucmd->cmd;
	struct shadowk_clone *clone;
	int id, err;

	if (cmd->flags || cmd->__reserved || cmd->clone_id)
		return -EINVAL;
	if (!shadowk_clone_name_valid(cmd->name))
		return -EINVAL;

	clone = shadowk_mem_obj_alloc(sizeof(*clone), GFP_KERNEL_ACCOUNT);
	if (!clone)
		return -ENOMEM;
	kref_init(&clone->ref);
	INIT_LIST_HEAD(&clone->bindings);
	INIT_LIST_HEAD(&clone->regions);
	INIT_LIST_HEAD(&clone->frames);
	INIT_LIST_HEAD(&clone->sites);
	INIT_LIST_HEAD(&clone->poke_node);
	memcpy(clone->name, cmd->name, SHADOWK_NAME_LEN);

	mutex_lock(&shadowk_mutex);
	err = -EEXIST;
	if (clone->name[0] && shadowk_clone_by_name(clone->name))
		goto out_unlock;
	err = -ENOSPC;
	if (shadowk_clone_count >= SHADOWK_MAX_CLONES)
		goto out_unlock;
	err = shadowk_pgtable_clone(&clone->pt);
	if (err)
		goto out_unlock;
	id = shadowk_mem_id_alloc(&shadowk_clone_idr, clone);
	if (id < 0) {
		err = id;
		goto out_unlock;
	}
	clone->id = id;
	shadowk_clone_count++;
	list_add_tail(&clone->node, &shadowk_clone_list_head);
	mutex_lock(shadowk_ksyms.text_mutex);
	shadowk_poke_track(clone);
	mutex_unlock(shadowk_ksyms.text_mutex);
	mutex_unlock(&shadowk_mutex);

	cmd->clone_id = id;
	err = shadowk_dev_respond(ucmd, sizeof(*cmd));
	/* The caller cannot learn the id: undo. */
	if (err)
		shadowk_clone_remove(id);
	return err;

out_unlock:
	mutex_unlock(&shadowk_mutex);
	shadowk_pgtable_free(&clone->pt);
	shadowk_mem_obj_free(clone);
	return err;
}

/*
 * A clone out of the id table goes, in this order:
 *  1. every mm is unbound, each with the flush that ends every CPU's use
 *     of the clone's tables: nothing executes its text after this, except
 *     dispatch calls already under way;
 *  2. under the locks, its sites leave the table (users told), the kernel's
 *     text writes stop being mirrored into it, and its private text goes;
 *  3. a grace period after, the sites and their users are freed;
 *  4. the struct and its upper tables go with the last reference.
 */
static void shadowk_clone_end(struct shadowk_clone *clone)
{
	LIST_HEAD(gone);

	shadowk_bind_detach_clone(clone);

	mutex_lock(&shadowk_mutex);
	mutex_lock(shadowk_ksyms.text_mutex);
	shadowk_site_clone_end(clone, &gone);
	shadowk_poke_forget(clone);
	shadowk_text_clone_free(clone);
	mutex_unlock(shadowk_ksyms.text_mutex);
	mutex_unlock(&shadowk_mutex);

	shadowk_site_free_gone(&gone);
	shadowk_clone_put(clone);
}

/* Take clone @id out of the id table and end it; -ENOENT if none. */
static int shadowk_clone_remove(u32 id)
{
	struct shadowk_clone *clone;

	mutex_lock(&shadowk_mutex);
	clone = idr_remove(&shadowk_clone_idr, id);
	if (clone) {
		shadowk_clone_count--;
		list_del(&clone->node);
	}
	mutex_unlock(&shadowk_mutex);
	if (!clone)
		return -ENOENT;
	shadowk_clone_end(clone);
	return 0;
}

int shadowk_clone_destroy_ioctl(struct shadowk_ucmd *ucmd)
{
	struct shadowk_destroy *cmd = ucmd->cmd;

	if (cmd->flags || cmd->__reserved)
		return -EINVAL;
	return shadowk_clone_remove(cmd->clone_id);
}

static void shadowk_clone_text_counts(struct shadowk_clone *clone, u64 *sites,
				      u64 *frames)
{
	struct shadowk_frame *frame;
	struct shadowk_site *site;

	*sites = 0;
	*frames = 0;
	mutex_lock(shadowk_ksyms.text_mutex);
	list_for_each_entry(site, &clone->sites, node)
		(*sites)++;
	list_for_each_entry(frame, &clone->frames, node)
		if (frame->xp.page)
			(*frames)++;
	mutex_unlock(shadowk_ksyms.text_mutex);
}

int shadowk_clone_info_ioctl(struct shadowk_ucmd *ucmd)
{
	struct shadowk_clone_info *cmd = ucmd->cmd;
	struct shadowk_clone *clone;

	if (cmd->flags || cmd->__reserved)
		return -EINVAL;
	clone = shadowk_clone_get(cmd->clone_id);
	if (!clone)
		return -ENOENT;

	mutex_lock(&shadowk_mutex);
	memcpy(cmd->name, clone->name, SHADOWK_NAME_LEN);
	cmd->bound_mms = shadowk_bind_count(clone);
	shadowk_clone_text_counts(clone, &cmd->owned_sites,
				  &cmd->private_frames);
	cmd->pt_pages = clone->pt.pages;
	cmd->bytes = (u64)(cmd->pt_pages + cmd->private_frames) * PAGE_SIZE +
		     sizeof(*clone);
	mutex_unlock(&shadowk_mutex);

	shadowk_clone_put(clone);
	return shadowk_dev_respond(ucmd, sizeof(*cmd));
}

int shadowk_clone_list_ioctl(struct shadowk_ucmd *ucmd)
{
	struct shadowk_clone_list *cmd = ucmd->cmd;
	u32 __user *uids = u64_to_user_ptr(cmd->ids);
	struct shadowk_clone *clone;
	u32 room = cmd->count, n = 0;
	u32 *ids;
	int id, err = 0;

	if (cmd->flags || cmd->__reserved)
		return -EINVAL;

	/* Snapshot under the lock, copy out after it. */
	ids = shadowk_mem_scratch_alloc(SHADOWK_MAX_CLONES * sizeof(*ids));
	if (!ids)
		return -ENOMEM;
	mutex_lock(&shadowk_mutex);
	idr_for_each_entry(&shadowk_clone_idr, clone, id)
		ids[n++] = id;
	mutex_unlock(&shadowk_mutex);

	if (room && copy_to_user(uids, ids, min(room, n) * sizeof(*ids)))
		err = -EFAULT;
	shadowk_mem_scratch_free(ids);
	if (err)
		return err;
	cmd->count = n;
	return shadowk_dev_respond(ucmd, sizeof(*cmd));
}

/* Compare every private page with the kernel's, skipping owned sites. */
static void shadowk_clone_verify_text(struct shadowk_clone *clone,
				      struct shadowk_verify *cmd)
{
	struct shadowk_frame *frame;
	struct shadowk_site *site;
	unsigned long i;

	cmd->diff_bytes = 0;
	cmd->first_diff = 0;
	cmd->checked_bytes = 0;
	list_for_each_entry(frame, &clone->frames, node) {
		const u8 *orig = shadowk_text_original(frame->va);
		const u8 *mine = frame->xp.ro;

		if (!frame->xp.page)
			continue;
		for (i = 0; i < PAGE_SIZE; i++) {
			unsigned long va = frame->va + i;
			bool owned = false;

			list_for_each_entry(site, &clone->sites, node)
				if (va >= site->addr &&
				    va < site->addr + SHADOWK_SITE_LEN &&
				    !site->displaced)
					owned = true;
			if (owned)
				continue;
			cmd->checked_bytes++;
			if (orig[i] == mine[i])
				continue;
			cmd->diff_bytes++;
			if (!cmd->first_diff)
				cmd->first_diff = va;
		}
	}
}

int shadowk_clone_verify_ioctl(struct shadowk_ucmd *ucmd)
{
	struct shadowk_verify *cmd = ucmd->cmd;
	struct shadowk_pgtable_diff diff;
	struct shadowk_clone *clone;

	if (cmd->flags || cmd->__reserved)
		return -EINVAL;
	clone = shadowk_clone_get(cmd->clone_id);
	if (!clone)
		return -ENOENT;

	shadowk_site_settle();
	mutex_lock(&shadowk_mutex);
	mutex_lock(shadowk_ksyms.text_mutex);
	shadowk_pgtable_verify(&clone->pt, &diff);
	diff.entries += shadowk_text_sync(clone, false);
	shadowk_clone_verify_text(clone, cmd);
	mutex_unlock(shadowk_ksyms.text_mutex);
	mutex_unlock(&shadowk_mutex);

	cmd->diff_entries = diff.entries;
	cmd->first_diff = shadowk_dev_addr(ucmd, cmd->first_diff);
	shadowk_clone_put(clone);
	return shadowk_dev_respond(ucmd, sizeof(*cmd));
}

/* Module unload: destroy what is left, as DESTROY would. */
void shadowk_clone_exit(void)
{
	struct shadowk_clone *clone;
	int id;

	mutex_lock(&shadowk_mutex);
	idr_for_each_entry(&shadowk_clone_idr, clone, id) {
		idr_remove(&shadowk_clone_idr, id);
		shadowk_clone_count--;
		list_del(&clone->node);
		mutex_unlock(&shadowk_mutex);
		shadowk_clone_end(clone);
		mutex_lock(&shadowk_mutex);
	}
	mutex_unlock(&shadowk_mutex);
	idr_destroy(&shadowk_clone_idr);
}
