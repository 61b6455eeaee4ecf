// SPDX-License-Identifier: LGPL-2.1-or-later
/* Context lifetime, logging, the handshake and the helpers of every call. */

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
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

int shadowk_result_prepare(void *result, size_t min_size)
{
	__u32 size;

	if (!result)
		return -EINVAL;
	size = *(__u32 *)result;
	if (size < min_size)
		return -EINVAL;
	if (size > 4096)
		return -E2BIG;
	memset((char *)result + sizeof(size), 0, size - sizeof(size));
	return 0;
}

int shadowk_func_set(const char *func, struct shadowk_func *out)
{
	char *end;

	if (!func || !*func)
		return -EINVAL;
	if (!strncmp(func, "0x", 2)) {
		errno = 0;
		out->addr = strtoull(func + 2, &end, 16);
		if (errno || *end || end == func + 2 || !out->addr)
			return -EINVAL;
		return 0;
	}
	if (strlen(func) >= SHADOWK_SYMBOL_LEN)
		return -ENAMETOOLONG;
	strcpy(out->symbol, func);
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

static int shadowk_open(struct shadowk_ctx *ctx, const char *path)
{
	int err;

	ctx->fd = open(path, O_RDWR | O_CLOEXEC);
	if (ctx->fd < 0)
		return -errno;
	ctx->info.size = sizeof(ctx->info);
	err = shadowk_ioctl(ctx, SHADOWK_IOC_GET_INFO, &ctx->info, "GET_INFO");
	if (!err && ctx->info.out_abi_version != SHADOWK_ABI_VERSION) {
		shadowk_log(ctx, LOG_DEBUG, "module ABI %u, library ABI %u\n",
			    ctx->info.out_abi_version, SHADOWK_ABI_VERSION);
		err = -EPROTO;
	}
	if (err) {
		close(ctx->fd);
		ctx->fd = -1;
	}
	return err;
}

int shadowk_list_find(const void *entries, size_t n, size_t stride,
		      size_t id_offset, size_t symbol_offset, const char *func,
		      __u32 *id)
{
	const char *e = entries;
	size_t i;

	for (i = 0; i < n; i++, e += stride) {
		if (!strncmp(e + symbol_offset, func, SHADOWK_SYMBOL_LEN)) {
			memcpy(id, e + id_offset, sizeof(*id));
			return 0;
		}
	}
	return -ENOENT;
}

SHADOWK_EXPORT int shadowk_new(struct shadowk_ctx **ctxp,
			       const struct shadowk_new_opts *opts)
{
	const char *path = getenv("SHADOWK_DEVICE");
	bool named = false;
	struct shadowk_ctx *ctx;
	int err;

	if (!ctxp)
		return shadowk_ret(-EINVAL);
	*ctxp = NULL;
	err = shadowk_opts_ok(opts, struct shadowk_new_opts, device);
	if (err)
		return shadowk_ret(err);
	if (opts && opts->flags & ~SHADOWK_NEW_LOAD_MODULE)
		return shadowk_ret(-EINVAL);
	if (opts && opts->device)
		path = opts->device;
	if (path && *path)
		named = true;
	else
		path = "/dev/shadowk";
	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return shadowk_ret(-ENOMEM);
	ctx->refcount = 1;
	err = shadowk_open(ctx, path);
	/* A node named on purpose is never a reason to load anything. */
	if (err == -ENOENT && !named && opts &&
	    opts->flags & SHADOWK_NEW_LOAD_MODULE) {
		err = shadowk_load_module(ctx);
		if (!err)
			err = shadowk_open(ctx, path);
	}
	if (err) {
		free(ctx);
		return shadowk_ret(err);
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
	if (!ctx)
		return NULL;
	if (--ctx->refcount > 0)
		return ctx;
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
	size_t len;
	int err;

	if (!ctx)
		return shadowk_ret(-EINVAL);
	err = shadowk_result_ok(info, struct shadowk_info, out_ioctls);
	if (err)
		return shadowk_ret(err);
	len = info->size < ctx->info.size ? info->size : ctx->info.size;
	memcpy(info, &ctx->info, len);
	info->size = len;
	return 0;
}

SHADOWK_EXPORT const char *shadowk_lib_version(void)
{
	return SHADOWK_LIB_VERSION;
}
