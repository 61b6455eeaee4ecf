// SPDX-License-Identifier: LGPL-2.1-or-later
/* Binding processes to clones. */

#include <errno.h>

#include "libshadowk-internal.h"

SHADOWK_EXPORT int shadowk_process_bind(struct shadowk_ctx *ctx,
					__u32 clone_id, pid_t pid,
					const struct shadowk_bind_opts *opts)
{
	struct shadowk_bind arg = {
		.size = sizeof(arg),
		.clone_id = clone_id,
		.pid = pid,
	};
	int err;

	if (!ctx)
		return shadowk_ret(-EINVAL);
	err = shadowk_opts_ok(opts, struct shadowk_bind_opts, flags);
	if (err)
		return shadowk_ret(err);
	if (opts)
		arg.flags = opts->flags;
	return shadowk_ret(shadowk_ioctl(ctx, SHADOWK_IOC_BIND, &arg, "BIND"));
}

SHADOWK_EXPORT int shadowk_process_unbind(struct shadowk_ctx *ctx, pid_t pid)
{
	struct shadowk_unbind arg = { .size = sizeof(arg), .pid = pid };

	if (!ctx)
		return shadowk_ret(-EINVAL);
	return shadowk_ret(shadowk_ioctl(ctx, SHADOWK_IOC_UNBIND, &arg,
					 "UNBIND"));
}

SHADOWK_EXPORT int shadowk_process_info(struct shadowk_ctx *ctx, pid_t pid,
					struct shadowk_process_info *result)
{
	int err;

	if (!ctx)
		return shadowk_ret(-EINVAL);
	err = shadowk_result_ok(result, struct shadowk_process_info,
				out_bind_flags);
	if (err)
		return shadowk_ret(err);
	result->pid = pid;
	return shadowk_ret(shadowk_ioctl(ctx, SHADOWK_IOC_PROCESS_INFO, result,
					 "PROCESS_INFO"));
}
