// SPDX-License-Identifier: LGPL-2.1-or-later
/* Context lifetime, logging and the handshake. */

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "libshadowk.h"
#include "libshadowk-internal.h"

struct shadowk_ctx {
	int refcount;
	int fd;
	shadowk_log_fn log_fn;
	void *log_data;
	struct shadowk_info info;
};

void shadowk_log(struct shadowk_ctx *ctx, int priority, const char *fmt, ...)
{
	va_list args;

	if (!ctx || !ctx->log_fn)
		return;
	va_start(args, fmt);
	ctx->log_fn(ctx->log_data, priority, fmt, args);
	va_end(args);
}

int shadowk_ioctl(struct shadowk_ctx *ctx, unsigned long cmd, void *arg)
{
	if (ioctl(ctx->fd, cmd, arg) < 0)
		return -errno;
	return 0;
}

SHADOWK_EXPORT int shadowk_new(struct shadowk_ctx **ctxp)
{
	const char *path = getenv("SHADOWK_DEVICE");
	struct shadowk_ctx *ctx;
	int err;

	if (!ctxp)
		return -EINVAL;
	*ctxp = NULL;
	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return -ENOMEM;
	ctx->refcount = 1;
	ctx->fd = open(path && *path ? path : "/dev/shadowk",
		       O_RDWR | O_CLOEXEC);
	if (ctx->fd < 0) {
		err = -errno;
		free(ctx);
		return err;
	}

	ctx->info.size = sizeof(ctx->info);
	err = shadowk_ioctl(ctx, SHADOWK_IOC_GET_INFO, &ctx->info);
	if (!err && ctx->info.abi_version != SHADOWK_ABI_VERSION)
		err = -EPROTO;
	if (err) {
		close(ctx->fd);
		free(ctx);
		return err;
	}
	*ctxp = ctx;
	return 0;
}

SHADOWK_EXPORT struct shadowk_ctx *shadowk_ref(struct shadowk_ctx *ctx)
{
	if (ctx)
		ctx->refcount++;
	return ctx;
}

SHADOWK_EXPORT struct shadowk_ctx *shadowk_unref(struct shadowk_ctx *ctx)
{
	if (!ctx || --ctx->refcount > 0)
		return NULL;
	close(ctx->fd);
	free(ctx);
	return NULL;
}

SHADOWK_EXPORT void shadowk_set_log_fn(struct shadowk_ctx *ctx,
				       shadowk_log_fn fn, void *data)
{
	if (!ctx)
		return;
	ctx->log_fn = fn;
	ctx->log_data = data;
	shadowk_log(ctx, LOG_DEBUG, "log function set\n");
}

SHADOWK_EXPORT int shadowk_get_info(struct shadowk_ctx *ctx,
				    struct shadowk_info *info)
{
	if (!ctx || !info)
		return -EINVAL;
	*info = ctx->info;
	return 0;
}

SHADOWK_EXPORT const char *shadowk_lib_version(void)
{
	return SHADOWK_LIB_VERSION;
}
