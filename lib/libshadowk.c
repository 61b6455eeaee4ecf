// SPDX-License-Identifier: LGPL-2.1-or-later
/* Context lifetime, logging, the handshake and the helpers of every call. */

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

int shadowk_ioctl(struct shadowk_ctx *ctx, unsigned long cmd, void *arg,
		  const char *name)
{
	int err;

	if (ioctl(ctx->fd, cmd, arg) == 0)
		return 0;
	err = -errno;
	shadowk_log(ctx, LOG_DEBUG, "%s: %s\n", name, strerror(-err));
	return err;
}

int shadowk_opts_check(const void *opts, size_t known_sz, size_t first_sz)
{
	const unsigned char *p = opts;
	size_t sz, i;

	if (!opts)
		return 0;
	sz = *(const size_t *)opts;
	if (sz < first_sz)
		return -EINVAL;
	for (i = known_sz; i < sz; i++)
		if (p[i])
			return -E2BIG;
	return 0;
}

int shadowk_func_set(const char *func, __u64 *addr, char *symbol)
{
	char *end;

	if (!func || !*func)
		return -EINVAL;
	if (!strncmp(func, "0x", 2)) {
		errno = 0;
		*addr = strtoull(func + 2, &end, 16);
		if (errno || *end || end == func + 2 || !*addr)
			return -EINVAL;
		return 0;
	}
	if (strlen(func) >= SHADOWK_SYMBOL_LEN)
		return -ENAMETOOLONG;
	strcpy(symbol, func);
	return 0;
}

int shadowk_list_fetch(struct shadowk_ctx *ctx, unsigned long cmd,
		       const char *name, void *arg, __u32 *count,
		       __u64 *ptr, size_t elem, void **out, size_t *nr)
{
	void *buf = NULL, *grown;
	__u32 room = 0;
	int tries, err;

	/* Bounded: the list may grow between two calls, but not forever. */
	for (tries = 0; tries < 8; tries++) {
		*count = room;
		*ptr = (__u64)(unsigned long)buf;
		err = shadowk_ioctl(ctx, cmd, arg, name);
		if (err)
			break;
		if (*count <= room) {
			if (!*count) {
				free(buf);
				buf = NULL;
			}
			*out = buf;
			*nr = *count;
			return 0;
		}
		room = *count + 16;
		grown = realloc(buf, room * elem);
		if (!grown) {
			err = -ENOMEM;
			break;
		}
		buf = grown;
	}
	free(buf);
	return tries == 8 ? -EAGAIN : err;
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
	err = shadowk_ioctl(ctx, SHADOWK_IOC_GET_INFO, &ctx->info, "GET_INFO");
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
