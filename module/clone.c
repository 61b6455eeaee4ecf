// SPDX-License-Identifier: GPL-2.0
/*
 * Clone objects: the lock, the id table, references, and keeping every
 * clone's tables in step with the kernel's.
 *
 * What shadowk_mutex covers, and the lock order, is written in clone.h.
 * A clone is freed when its last reference goes: the id table holds one
 * until DESTROY, each binding one until it detaches (after the flush that
 * ends every CPU's use of the clone's tables).  How a clone is made and in
 * which order its parts go is lifecycle.c's.
 */

#include <linux/idr.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/string.h>

#include "bridge.h"
#include "clone.h"
#include "ksyms.h"
#include "mem.h"
#include "pgtable.h"
#include "text.h"

/* What it covers, and the lock order: clone.h. */
DEFINE_MUTEX(shadowk_mutex);
static DEFINE_IDR(shadowk_clone_idr);
static LIST_HEAD(shadowk_clone_list);
static unsigned int shadowk_clone_count;

void shadowk_clone_lock(void)
{
	mutex_lock(&shadowk_mutex);
}

void shadowk_clone_unlock(void)
{
	mutex_unlock(&shadowk_mutex);
}

/*
 * Before a change to clones' text, and after each of the kernel's
 * page-attribute changes (cpa.c): the bridge and every clone follow what
 * the kernel changed in its own entries since, with a flush if anything
 * did.
 */
void shadowk_clone_sync_text(void)
{
	struct shadowk_clone *clone;
	unsigned int n;

	lockdep_assert_held(&shadowk_mutex);
	lockdep_assert_held(shadowk_ksyms.text_mutex);
	n = shadowk_bridge_sync();
	n += shadowk_pgtable_sync_all();
	list_for_each_entry(clone, &shadowk_clone_list, node)
		n += shadowk_text_sync(&clone->text, true);
	if (n)
		shadowk_text_flush();
}

static void shadowk_clone_release(struct kref *ref)
{
	struct shadowk_clone *clone = container_of(ref, struct shadowk_clone,
						   ref);

	shadowk_pgtable_free(&clone->pt);
	put_pid(clone->owner_pid);
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

/* Is @clone, which the caller holds, still in the id table? */
bool shadowk_clone_live(struct shadowk_clone *clone)
{
	bool live;

	mutex_lock(&shadowk_mutex);
	live = idr_find(&shadowk_clone_idr, clone->id) == clone;
	mutex_unlock(&shadowk_mutex);
	return live;
}

/* Another reference to a clone reached under shadowk_mutex. */
struct shadowk_clone *shadowk_clone_hold(struct shadowk_clone *clone)
{
	lockdep_assert_held(&shadowk_mutex);
	kref_get(&clone->ref);
	return clone;
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

/* A clone not yet in the id table; freed with shadowk_clone_put(). */
struct shadowk_clone *shadowk_clone_alloc(const char *name)
{
	struct shadowk_clone *clone;

	clone = shadowk_mem_obj_alloc(sizeof(*clone), GFP_KERNEL_ACCOUNT);
	if (!clone)
		return NULL;
	kref_init(&clone->ref);
	INIT_LIST_HEAD(&clone->bindings);
	shadowk_text_init(&clone->text, &clone->pt);
	INIT_LIST_HEAD(&clone->sites);
	INIT_LIST_HEAD(&clone->mirror_node);
	INIT_LIST_HEAD(&clone->pt.node);
	strscpy(clone->name, name, sizeof(clone->name));
	return clone;
}

/*
 * Give @clone its tables and an id, and make it findable: its id, or
 * -EEXIST (the name is taken), -ENOSPC, -ENOMEM.
 */
int shadowk_clone_publish(struct shadowk_clone *clone)
{
	int id, err;

	mutex_lock(&shadowk_mutex);
	err = -EEXIST;
	if (clone->name[0] && shadowk_clone_by_name(clone->name))
		goto out;
	err = -ENOSPC;
	if (shadowk_clone_count >= SHADOWK_MAX_CLONES)
		goto out;
	err = shadowk_pgtable_clone(&clone->pt);
	if (err)
		goto out;
	id = shadowk_mem_id_alloc(&shadowk_clone_idr, clone);
	if (id < 0) {
		err = id;
		goto out;
	}
	clone->id = id;
	shadowk_clone_count++;
	list_add_tail(&clone->node, &shadowk_clone_list);
	mutex_lock(shadowk_ksyms.text_mutex);
	shadowk_pgtable_track(&clone->pt);
	mutex_unlock(shadowk_ksyms.text_mutex);
	err = id;
out:
	mutex_unlock(&shadowk_mutex);
	return err;
}

static void shadowk_clone_unlink(struct shadowk_clone *clone)
{
	lockdep_assert_held(&shadowk_mutex);
	idr_remove(&shadowk_clone_idr, clone->id);
	shadowk_clone_count--;
	list_del(&clone->node);
}

/* Out of the id table, with the table's reference, or NULL. */
struct shadowk_clone *shadowk_clone_unpublish(u32 id)
{
	struct shadowk_clone *clone;

	mutex_lock(&shadowk_mutex);
	clone = idr_find(&shadowk_clone_idr, id);
	if (clone)
		shadowk_clone_unlink(clone);
	mutex_unlock(&shadowk_mutex);
	return clone;
}

/* Any clone out of the id table (module unload), or NULL. */
struct shadowk_clone *shadowk_clone_unpublish_any(void)
{
	struct shadowk_clone *clone;

	mutex_lock(&shadowk_mutex);
	clone = list_first_entry_or_null(&shadowk_clone_list,
					 struct shadowk_clone, node);
	if (clone)
		shadowk_clone_unlink(clone);
	mutex_unlock(&shadowk_mutex);
	return clone;
}

/* A transient clone of @owner out of the id table (its file goes), or NULL. */
struct shadowk_clone *shadowk_clone_unpublish_owned(const struct file *owner)
{
	struct shadowk_clone *clone, *found = NULL;

	mutex_lock(&shadowk_mutex);
	list_for_each_entry(clone, &shadowk_clone_list, node)
		if (clone->owner == owner) {
			found = clone;
			shadowk_clone_unlink(clone);
			break;
		}
	mutex_unlock(&shadowk_mutex);
	return found;
}

/* The clone @id no longer ends with its creator's file: 0 or -ENOENT. */
int shadowk_clone_pin(u32 id)
{
	struct shadowk_clone *clone;

	mutex_lock(&shadowk_mutex);
	clone = idr_find(&shadowk_clone_idr, id);
	if (clone)
		clone->owner = NULL;
	mutex_unlock(&shadowk_mutex);
	return clone ? 0 : -ENOENT;
}

/* The live clones' ids, in id order; room for SHADOWK_MAX_CLONES. */
u32 shadowk_clone_ids(u32 *ids)
{
	struct shadowk_clone *clone;
	u32 n = 0;
	int id;

	mutex_lock(&shadowk_mutex);
	idr_for_each_entry(&shadowk_clone_idr, clone, id)
		ids[n++] = id;
	mutex_unlock(&shadowk_mutex);
	return n;
}

/* Every clone is gone (lifecycle.c ended them). */
void shadowk_clone_exit(void)
{
	WARN_ON(!idr_is_empty(&shadowk_clone_idr));
	idr_destroy(&shadowk_clone_idr);
}
