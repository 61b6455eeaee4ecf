// SPDX-License-Identifier: LGPL-2.1-or-later
/* Probes: per-clone function-entry hit counters. */

#include <errno.h>
#include <string.h>

#include "libshadowk-internal.h"

SHADOWK_EXPORT int shadowk_probe_add(struct shadowk_ctx *ctx, __u32 clone_id,
				     const char *func,
				     const struct shadowk_probe_opts *opts,
				     __u32 *probe_id)
{
	struct shadowk_probe_add arg = {
		.size = sizeof(arg),
		.clone_id = clone_id,
	};
	int err;

	if (!ctx || !probe_id)
		return -EINVAL;
	err = shadowk_opts_ok(opts, struct shadowk_probe_opts, flags);
	if (!err)
		err = shadowk_func_set(func, &arg.addr, arg.symbol);
	if (err)
		return err;
	if (opts)
		arg.flags = opts->flags;
	err = shadowk_ioctl(ctx, SHADOWK_IOC_PROBE_ADD, &arg, "PROBE_ADD");
	if (!err)
		*probe_id = arg.probe_id;
	return err;
}

SHADOWK_EXPORT int shadowk_probe_del(struct shadowk_ctx *ctx, __u32 probe_id,
				     __u64 *hits)
{
	struct shadowk_probe_del arg = {
		.size = sizeof(arg),
		.probe_id = probe_id,
	};
	int err;

	if (!ctx)
		return -EINVAL;
	err = shadowk_ioctl(ctx, SHADOWK_IOC_PROBE_DEL, &arg, "PROBE_DEL");
	if (!err && hits)
		*hits = arg.hits;
	return err;
}

SHADOWK_EXPORT int shadowk_probe_read(struct shadowk_ctx *ctx,
				      __u32 probe_id,
				      struct shadowk_probe_read *result)
{
	if (!ctx || !result)
		return -EINVAL;
	memset(result, 0, sizeof(*result));
	result->size = sizeof(*result);
	result->probe_id = probe_id;
	return shadowk_ioctl(ctx, SHADOWK_IOC_PROBE_READ, result, "PROBE_READ");
}

SHADOWK_EXPORT int shadowk_probe_list(struct shadowk_ctx *ctx, __u32 clone_id,
				      struct shadowk_probe_entry **entries,
				      size_t *count)
{
	struct shadowk_probe_list arg = {
		.size = sizeof(arg),
		.clone_id = clone_id,
	};

	if (!ctx || !entries || !count)
		return -EINVAL;
	*entries = NULL;
	*count = 0;
	return shadowk_list_fetch(ctx, SHADOWK_IOC_PROBE_LIST, "PROBE_LIST",
				  &arg, &arg.count, &arg.entries,
				  sizeof(**entries), (void **)entries, count);
}
