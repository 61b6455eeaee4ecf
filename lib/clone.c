// SPDX-License-Identifier: LGPL-2.1-or-later
/* Clones: create, destroy, describe, list, find by name, verify. */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libshadowk-internal.h"

SHADOWK_EXPORT int shadowk_clone_create(struct shadowk_ctx *ctx,
					const struct shadowk_create_opts *opts,
					__u32 *clone_id)
{
	struct shadowk_create arg = { .size = sizeof(arg) };
	int err;

	if (!ctx || !clone_id)
		return shadowk_ret(-EINVAL);
	err = shadowk_opts_ok(opts, struct shadowk_create_opts, name);
	if (err)
		return shadowk_ret(err);
	if (opts && opts->name) {
		if (strlen(opts->name) >= sizeof(arg.name))
			return shadowk_ret(-ENAMETOOLONG);
		strcpy(arg.name, opts->name);
	}
	if (opts && opts->sz >= offsetof(struct shadowk_create_opts, flags) +
			       sizeof(opts->flags))
		arg.flags = opts->flags;
	err = shadowk_ioctl(ctx, SHADOWK_IOC_CREATE, &arg, "CREATE");
	if (!err)
		*clone_id = arg.out_clone_id;
	return shadowk_ret(err);
}

SHADOWK_EXPORT int shadowk_clone_destroy(struct shadowk_ctx *ctx,
					 __u32 clone_id)
{
	struct shadowk_destroy arg = {
		.size = sizeof(arg),
		.clone_id = clone_id,
	};

	if (!ctx)
		return shadowk_ret(-EINVAL);
	return shadowk_ret(shadowk_ioctl(ctx, SHADOWK_IOC_DESTROY, &arg,
					 "DESTROY"));
}

SHADOWK_EXPORT int shadowk_clone_pin(struct shadowk_ctx *ctx, __u32 clone_id)
{
	struct shadowk_clone_pin arg = {
		.size = sizeof(arg),
		.clone_id = clone_id,
	};

	if (!ctx)
		return shadowk_ret(-EINVAL);
	return shadowk_ret(shadowk_ioctl(ctx, SHADOWK_IOC_CLONE_PIN, &arg,
					 "CLONE_PIN"));
}

SHADOWK_EXPORT int shadowk_clone_info(struct shadowk_ctx *ctx,
				      __u32 clone_id,
				      struct shadowk_clone_info *info)
{
	int err;

	if (!ctx)
		return shadowk_ret(-EINVAL);
	err = shadowk_result_ok(info, struct shadowk_clone_info, out_bytes);
	if (err)
		return shadowk_ret(err);
	info->clone_id = clone_id;
	return shadowk_ret(shadowk_ioctl(ctx, SHADOWK_IOC_CLONE_INFO, info,
					 "CLONE_INFO"));
}

SHADOWK_EXPORT int shadowk_clone_list(struct shadowk_ctx *ctx, __u32 **ids,
				      size_t *count)
{
	struct shadowk_clone_list arg = { .size = sizeof(arg) };

	if (!ctx || !ids || !count)
		return shadowk_ret(-EINVAL);
	*ids = NULL;
	*count = 0;
	return shadowk_ret(shadowk_list_fetch(ctx, SHADOWK_IOC_CLONE_LIST,
					      "CLONE_LIST", &arg, &arg.count,
					      &arg.ids, sizeof(__u32),
					      (void **)ids, count));
}

SHADOWK_EXPORT int shadowk_clone_find(struct shadowk_ctx *ctx,
				      const char *name, __u32 *clone_id)
{
	SHADOWK_RESULT(clone_info, info);
	__u32 *ids;
	size_t i, n;
	int err;

	if (!ctx || !name || !*name || !clone_id)
		return shadowk_ret(-EINVAL);
	err = shadowk_clone_list(ctx, &ids, &n);
	if (err)
		return shadowk_ret(err);
	err = -ENOENT;
	for (i = 0; i < n; i++) {
		info.size = sizeof(info);
		/* A clone destroyed since the list is simply not a match. */
		if (shadowk_clone_info(ctx, ids[i], &info))
			continue;
		if (!strncmp(info.out_name, name, sizeof(info.out_name))) {
			*clone_id = ids[i];
			err = 0;
			break;
		}
	}
	free(ids);
	return shadowk_ret(err);
}

SHADOWK_EXPORT int shadowk_clone_verify(struct shadowk_ctx *ctx,
					__u32 clone_id,
					struct shadowk_verify *result)
{
	int err;

	if (!ctx)
		return shadowk_ret(-EINVAL);
	err = shadowk_result_ok(result, struct shadowk_verify,
				out_checked_bytes);
	if (err)
		return shadowk_ret(err);
	result->clone_id = clone_id;
	return shadowk_ret(shadowk_ioctl(ctx, SHADOWK_IOC_VERIFY, result,
					 "VERIFY"));
}
