/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOWK_XPAGE_H
#define _SHADOWK_XPAGE_H

#include <linux/types.h>

struct page;

/* A page that may be mapped as kernel text in a clone (W^X, see xpage.c). */
struct shadowk_xpage {
	struct page *page;
	const u8 *ro;		/* read-only alias in vmalloc space */
};

int shadowk_xpage_get(struct shadowk_xpage *xp);
void shadowk_xpage_put(struct shadowk_xpage *xp);
void shadowk_xpage_write(struct shadowk_xpage *xp, unsigned int offset,
			 const void *src, size_t len);
void shadowk_xpage_before_flush(void);
void shadowk_xpage_after_flush(void);
void shadowk_xpage_exit(void);

#endif /* _SHADOWK_XPAGE_H */
