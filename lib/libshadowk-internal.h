/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef LIBSHADOWK_INTERNAL_H
#define LIBSHADOWK_INTERNAL_H

#include "libshadowk.h"

#define SHADOWK_EXPORT __attribute__((visibility("default")))

__attribute__((format(printf, 3, 4)))
void shadowk_log(struct shadowk_ctx *ctx, int priority, const char *fmt, ...);
int shadowk_ioctl(struct shadowk_ctx *ctx, unsigned long cmd, void *arg);

#endif /* LIBSHADOWK_INTERNAL_H */
