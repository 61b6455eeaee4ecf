/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOWK_CLONE_H
#define _SHADOWK_CLONE_H

#include <linux/init.h>
#include <linux/kref.h>
#include <linux/list.h>

#include <uapi/linux/shadowk.h>

#include "pgtable.h"

struct shadowk_ucmd;

struct shadowk_clone {
	struct kref ref;	/* the id table's, and one per binding */
	u32 id;
	char name[SHADOWK_NAME_LEN];
	struct shadowk_pgtable pt;
	struct list_head bindings;	/* under shadowk_bind_lock */
	bool dead;			/* destroyed; under shadowk_bind_lock */
	/* Under text_mutex (and shadowk_clone_mutex to change them): */
	struct list_head regions;	/* struct shadowk_region */
	struct list_head frames;	/* struct shadowk_frame */
	struct list_head sites;		/* struct shadowk_site */
	/* Injection slots (bind.c's counters) in use, and live injections. */
	DECLARE_BITMAP(inject_slots, 2 * SHADOWK_MAX_INJECTS);
	unsigned int nr_injects;
	struct list_head poke_node;	/* poke.c's list of clones */
	struct list_head node;		/* shadowk_clone_list */
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

int shadowk_clone_create(struct shadowk_ucmd *ucmd);
int shadowk_clone_destroy(struct shadowk_ucmd *ucmd);
int shadowk_clone_info(struct shadowk_ucmd *ucmd);
int shadowk_clone_list(struct shadowk_ucmd *ucmd);
int shadowk_clone_verify(struct shadowk_ucmd *ucmd);

void shadowk_clone_exit(void);

#endif /* _SHADOWK_CLONE_H */
