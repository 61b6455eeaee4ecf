// SPDX-License-Identifier: LGPL-2.1-or-later
/* Per-process fault injection. */

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "libshadowk-internal.h"

SHADOWK_EXPORT int shadowk_inject_set(struct shadowk_ctx *ctx,
				      __u32 clone_id, const char *func,
				      const struct shadowk_inject_opts *opts,
				      __u32 *inject_id)
{
	struct shadowk_inject_set arg = {
		.size = sizeof(arg),
		.clone_id = clone_id,
	};
	int err;

	if (!ctx || !opts)
		return shadowk_ret(-EINVAL);
	err = shadowk_opts_ok(opts, struct shadowk_inject_opts, ppm);
	if (!err)
		err = shadowk_func_set(func, &arg.func);
	if (err)
		return shadowk_ret(err);
	arg.flags = opts->flags;
	arg.policy = opts->policy;
	arg.value = opts->value;
	arg.nth = opts->nth;
	arg.seed = opts->seed;
	arg.ppm = opts->ppm;
	err = shadowk_ioctl(ctx, SHADOWK_IOC_INJECT_SET, &arg, "INJECT_SET");
	if (!err && inject_id)
		*inject_id = arg.out_inject_id;
	return shadowk_ret(err);
}

SHADOWK_EXPORT int shadowk_inject_read(struct shadowk_ctx *ctx,
				       __u32 inject_id,
				       struct shadowk_inject_read *result)
{
	int err;

	if (!ctx)
		return shadowk_ret(-EINVAL);
	err = shadowk_result_ok(result, struct shadowk_inject_read, out);
	if (err)
		return shadowk_ret(err);
	result->inject_id = inject_id;
	return shadowk_ret(shadowk_ioctl(ctx, SHADOWK_IOC_INJECT_READ, result,
					 "INJECT_READ"));
}

SHADOWK_EXPORT int shadowk_inject_del(struct shadowk_ctx *ctx,
				      __u32 inject_id,
				      struct shadowk_inject_del *result)
{
	struct shadowk_inject_del arg = {
		.size = sizeof(arg),
		.inject_id = inject_id,
	};
	int err;

	if (!ctx)
		return shadowk_ret(-EINVAL);
	if (result) {
		err = shadowk_result_ok(result, struct shadowk_inject_del,
					out_injected);
		if (err)
			return shadowk_ret(err);
		result->inject_id = inject_id;
	}
	return shadowk_ret(shadowk_ioctl(ctx, SHADOWK_IOC_INJECT_DEL,
					 result ? (void *)result : &arg,
					 "INJECT_DEL"));
}

SHADOWK_EXPORT int shadowk_inject_list(struct shadowk_ctx *ctx,
				       __u32 clone_id,
				       struct shadowk_inject_entry **entries,
				       size_t *count, size_t entry_size)
{
	struct shadowk_inject_list arg = {
		.size = sizeof(arg),
		.clone_id = clone_id,
		.entry_size = entry_size,
	};

	if (!ctx || !entries || !count || entry_size > 4096)
		return shadowk_ret(-EINVAL);
	*entries = NULL;
	*count = 0;
	return shadowk_ret(shadowk_list_fetch(ctx, SHADOWK_IOC_INJECT_LIST,
					      "INJECT_LIST", &arg, &arg.count,
					      &arg.entries, entry_size,
					      (void **)entries, count));
}

SHADOWK_EXPORT int shadowk_inject_find(struct shadowk_ctx *ctx,
				       __u32 clone_id, const char *func,
				       __u32 *inject_id)
{
	struct shadowk_inject_entry *entries;
	size_t n;
	int err;

	if (!ctx || !func || !*func || !strncmp(func, "0x", 2) || !inject_id)
		return shadowk_ret(-EINVAL);
	err = shadowk_inject_list(ctx, clone_id, &entries, &n,
				  sizeof(*entries));
	if (err)
		return shadowk_ret(err);
	err = shadowk_list_find(entries, n, sizeof(*entries),
				offsetof(struct shadowk_inject_entry, inject_id),
				offsetof(struct shadowk_inject_entry, symbol), func, inject_id);
	free(entries);
	return shadowk_ret(err);
}
