/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libshadowk: the C interface to /dev/shadowk.
 *
 * Every function that can fail returns 0 or a negative errno and never
 * prints; messages go to the log function set with shadowk_set_log_fn().
 */
#ifndef LIBSHADOWK_H
#define LIBSHADOWK_H

#include <stdarg.h>
#include <linux/shadowk.h>

#ifdef __cplusplus
extern "C" {
#endif

struct shadowk_ctx;

typedef void (*shadowk_log_fn)(void *data, int priority, const char *fmt,
			       va_list args);

/*
 * Open the device (SHADOWK_DEVICE in the environment overrides
 * /dev/shadowk) and make the handshake.  -ENOENT: no device node, so the
 * module is not loaded; -EACCES/-EPERM: not allowed; -EPROTO: the module
 * speaks an ABI this library does not know.
 */
int shadowk_new(struct shadowk_ctx **ctxp);
struct shadowk_ctx *shadowk_ref(struct shadowk_ctx *ctx);
struct shadowk_ctx *shadowk_unref(struct shadowk_ctx *ctx);

void shadowk_set_log_fn(struct shadowk_ctx *ctx, shadowk_log_fn fn,
			void *data);

/* The handshake made by shadowk_new(), as the module answered it. */
int shadowk_get_info(struct shadowk_ctx *ctx, struct shadowk_info *info);

/* Version of this library, "MAJOR.MINOR.PATCH". */
const char *shadowk_lib_version(void);

#ifdef __cplusplus
}
#endif

#endif /* LIBSHADOWK_H */
