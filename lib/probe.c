// SPDX-License-Identifier: LGPL-2.1-or-later
/* Probes: per-clone function-entry hit counters. */

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
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
		return shadowk_ret(-EINVAL);
	err = shadowk_opts_ok(opts, struct shadowk_probe_opts, flags);
	if (!err)
		err = shadowk_func_set(func, &arg.func);
	if (err)
		return shadowk_ret(err);
	if (opts)
		arg.flags = opts->flags;
	err = shadowk_ioctl(ctx, SHADOWK_IOC_PROBE_ADD, &arg, "PROBE_ADD");
	if (!err)
		*probe_id = arg.out_probe_id;
	return shadowk_ret(err);
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
		return shadowk_ret(-EINVAL);
	err = shadowk_ioctl(ctx, SHADOWK_IOC_PROBE_DEL, &arg, "PROBE_DEL");
	if (!err && hits)
		*hits = arg.out_hits;
	return shadowk_ret(err);
}

SHADOWK_EXPORT int shadowk_probe_read(struct shadowk_ctx *ctx,
				      __u32 probe_id,
				      struct shadowk_probe_read *result)
{
	int err;

	if (!ctx)
		return shadowk_ret(-EINVAL);
	err = shadowk_result_ok(result, struct shadowk_probe_read, out_site);
	if (err)
		return shadowk_ret(err);
	result->probe_id = probe_id;
	return shadowk_ret(shadowk_ioctl(ctx, SHADOWK_IOC_PROBE_READ, result,
					 "PROBE_READ"));
}

SHADOWK_EXPORT int shadowk_probe_list(struct shadowk_ctx *ctx, __u32 clone_id,
				      struct shadowk_probe_entry **entries,
				      size_t *count, size_t entry_size)
{
	struct shadowk_probe_list arg = {
		.size = sizeof(arg),
		.clone_id = clone_id,
		.entry_size = entry_size,
	};

	if (!ctx || !entries || !count || entry_size > 4096)
		return shadowk_ret(-EINVAL);
	*entries = NULL;
	*count = 0;
	return shadowk_ret(shadowk_list_fetch(ctx, SHADOWK_IOC_PROBE_LIST,
					      "PROBE_LIST", &arg, &arg.count,
					      &arg.entries, entry_size,
					      (void **)entries, count));
}

SHADOWK_EXPORT int shadowk_probe_find(struct shadowk_ctx *ctx, __u32 clone_id,
				      const char *func, __u32 *probe_id)
{
	struct shadowk_probe_entry *entries;
	size_t n;
	int err;

	if (!ctx || !func || !*func || !strncmp(func, "0x", 2) || !probe_id)
		return shadowk_ret(-EINVAL);
	err = shadowk_probe_list(ctx, clone_id, &entries, &n,
				 sizeof(*entries));
	if (err)
		return shadowk_ret(err);
	err = shadowk_list_find(entries, n, sizeof(*entries),
				offsetof(struct shadowk_probe_entry, probe_id),
				offsetof(struct shadowk_probe_entry, symbol), func, probe_id);
	free(entries);
	return shadowk_ret(err);
}
