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
 * Lock order: shadowk_mutex, then text_mutex, then cpa_lock and pgd_lock
 * (around writes to the kernel's own entries).  shadowk_bind_lock (bind.c)
 * is a spinlock taken in atomic context and nests inside all of them; no
 * mutex is taken under it.  shadowk_clone_lock() takes shadowk_mutex.
 */
extern struct mutex shadowk_mutex;

/* Each part is documented, and changed only, by the file named. */
struct shadowk_clone {
	/* clone.c: identity and lifetime. */
	struct kref ref;	/* the id table's, and one per binding */
	u32 id;
	char name[SHADOWK_NAME_LEN];
	struct list_head node;		/* the list of clones */
	/* pgtable.c: the clone's upper tables, shadowk_mutex. */
	struct shadowk_pgtable pt;
	/* bind.c: under shadowk_bind_lock. */
	struct list_head bindings;
	bool dead;			/* destroyed */
	/* text.c, under text_mutex (and shadowk_mutex to change them). */
	struct list_head regions;	/* struct shadowk_region */
	struct list_head frames;	/* struct shadowk_frame */
	/* site.c, the same. */
	struct list_head sites;		/* struct shadowk_site */
	unsigned int nr_site_users[SHADOWK_NR_SLOTS];
	/* inject.c: bind.c's counter slots in use, under shadowk_mutex. */
	DECLARE_BITMAP(inject_slots, 2 * SHADOWK_MAX_INJECTS);
	/* poke.c: the clones whose frames follow the kernel's text writes. */
	struct list_head poke_node;
};

void shadowk_clone_lock(void);
void shadowk_clone_unlock(void);
void shadowk_clone_sync_all(void);
void shadowk_clone_sync_text(void);
struct list_head *shadowk_clone_all(void);

/* Under shadowk_clone_lock(). */
#define shadowk_clone_for_each(clone) \
	list_for_each_entry(clone, shadowk_clone_all(), node)

struct shadowk_clone *shadowk_clone_get(u32 id);
void shadowk_clone_put(struct shadowk_clone *clone);

int shadowk_clone_create_ioctl(struct shadowk_ucmd *ucmd);
int shadowk_clone_destroy_ioctl(struct shadowk_ucmd *ucmd);
int shadowk_clone_info_ioctl(struct shadowk_ucmd *ucmd);
int shadowk_clone_list_ioctl(struct shadowk_ucmd *ucmd);
int shadowk_clone_verify_ioctl(struct shadowk_ucmd *ucmd);

void shadowk_clone_exit(void);

#endif /* _SHADOWK_CLONE_H */
