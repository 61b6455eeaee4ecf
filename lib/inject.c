// SPDX-License-Identifier: LGPL-2.1-or-later
/* Per-process fault injection. */

#include <errno.h>
#include <string.h>

#include "libshadowk-internal.h"

SHADOWK_EXPORT int shadowk_inject_set(struct shadowk_ctx *ctx,
				      __u32 clone_id, const char *func,
				      const struct shadowk_inject_opts *opts)
{
	struct shadowk_inject arg = {
		.size = sizeof(arg),
		.clone_id = clone_id,
	};
	int err;

	if (!ctx || !opts)
		return -EINVAL;
	err = shadowk_opts_ok(opts, struct shadowk_inject_opts, ppm);
	if (!err)
		err = shadowk_func_set(func, &arg.addr, arg.symbol);
	if (err)
		return err;
	arg.flags = opts->flags;
	arg.policy = opts->policy;
	arg.value = opts->value;
	arg.nth = opts->nth;
	arg.seed = opts->seed;
	arg.ppm = opts->ppm;
	return shadowk_ioctl(ctx, SHADOWK_IOC_INJECT, &arg, "INJECT");
}

SHADOWK_EXPORT int shadowk_inject_read(struct shadowk_ctx *ctx,
				       __u32 clone_id, const char *func,
				       struct shadowk_inject_read *result)
{
	int err;

	if (!ctx || !result)
		return -EINVAL;
	memset(result, 0, sizeof(*result));
	result->size = sizeof(*result);
	result->clone_id = clone_id;
	err = shadowk_func_set(func, &result->addr, result->symbol);
	if (err)
		return err;
	return shadowk_ioctl(ctx, SHADOWK_IOC_INJECT_READ, result,
			     "INJECT_READ");
}

SHADOWK_EXPORT int shadowk_inject_del(struct shadowk_ctx *ctx, __u32 clone_id,
				      const char *func,
				      struct shadowk_inject_del *result)
{
	struct shadowk_inject_del arg = {
		.size = sizeof(arg),
		.clone_id = clone_id,
	};
	int err;

	if (!ctx)
		return -EINVAL;
	err = shadowk_func_set(func, &arg.addr, arg.symbol);
	if (err)
		return err;
	err = shadowk_ioctl(ctx, SHADOWK_IOC_INJECT_DEL, &arg, "INJECT_DEL");
	if (!err && result)
		*result = arg;
	return err;
}
