/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOWK_CLONE_H
#define _SHADOWK_CLONE_H

#include <linux/init.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>

#include <uapi/linux/shadowk.h>

#include "pgtable.h"
#include "site.h"
#include "text.h"
#include "limits.h"

struct shadowk_ucmd;

/*
 * shadowk_mutex is the module's one lock for what changes rarely:
 *
 *  - the clones: their id table, list, count and names (clone.c), each
 *    clone's page tables (pgtable.c, text.c, bridge.c);
 *  - every change to sites and their users (site.c's transaction), with
 *    text_mutex inside it; so also the probe id table and count
 *    (probe.c) and each clone's injection slots (inject.c);
 *  - the re-owning of displaced sites (site.c).
 *
 * Lock order: shadowk_cgroup_mutex (cgroup.c), shadowk_mutex, then text_mutex, then cpa_lock and pgd_lock
 * (around writes to the kernel's own entries).  shadowk_bind_lock (bind.c)
 * is a spinlock taken in atomic context and nests inside all of them; no
 * mutex is taken under it.  shadowk_clone_lock() takes shadowk_mutex.
 */
extern struct mutex shadowk_mutex;

/* Each part is documented, and changed only, by the file named. */
struct shadowk_clone {
	/* clone.c: identity and references; lifecycle.c: how it ends. */
	struct kref ref;	/* the id table's, and one per binding */
	u32 id;
	char name[SHADOWK_NAME_LEN];
	struct list_head node;		/* the list of clones */
	/*
	 * A transient clone's open file, only compared, never followed;
	 * NULL once pinned or for an ordinary clone.  shadowk_mutex.
	 */
	const struct file *owner;
	struct pid *owner_pid;		/* its creator, while transient */
	/* pgtable.c: the clone's upper tables, shadowk_mutex. */
	struct shadowk_pgtable pt;
	/* bind.c: under shadowk_bind_lock. */
	struct list_head bindings;
	bool dead;			/* destroyed */
	/* text.c, under text_mutex (and shadowk_mutex to change it). */
	struct shadowk_text text;
	/* site.c, the same. */
	struct list_head sites;		/* struct shadowk_site */
	unsigned int nr_site_users[SHADOWK_NR_SLOTS];
	/* inject.c: bind.c's counter slots in use, under shadowk_mutex. */
	DECLARE_BITMAP(inject_slots, 2 * SHADOWK_MAX_INJECTS);
	/* mirror.c: the clones whose frames follow the kernel's text writes. */
	struct list_head mirror_node;
};

void shadowk_clone_lock(void);
void shadowk_clone_unlock(void);
void shadowk_clone_sync_text(void);

struct shadowk_clone *shadowk_clone_get(u32 id);
struct shadowk_clone *shadowk_clone_hold(struct shadowk_clone *clone);
bool shadowk_clone_live(struct shadowk_clone *clone);
void shadowk_clone_put(struct shadowk_clone *clone);

/* The id table, for lifecycle.c. */
struct shadowk_clone *shadowk_clone_alloc(const char *name);
int shadowk_clone_publish(struct shadowk_clone *clone);
struct shadowk_clone *shadowk_clone_unpublish(u32 id);
struct shadowk_clone *shadowk_clone_unpublish_any(void);
struct shadowk_clone *shadowk_clone_unpublish_owned(const struct file *owner);
int shadowk_clone_pin(u32 id);
u32 shadowk_clone_ids(u32 *ids);

void shadowk_clone_exit(void);

#endif /* _SHADOWK_CLONE_H */
