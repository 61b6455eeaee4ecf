// SPDX-License-Identifier: LGPL-2.1-or-later
/* Raw patch sites: the primitive under probes and injections. */

#include <errno.h>

#include "libshadowk-internal.h"

SHADOWK_EXPORT int shadowk_site_add(struct shadowk_ctx *ctx, __u32 clone_id,
				    const char *func,
				    const struct shadowk_site_opts *opts,
				    __u32 *site_id, __u64 *site)
{
	struct shadowk_site_add arg = {
		.size = sizeof(arg),
		.clone_id = clone_id,
	};
	int err;

	if (!ctx || !site_id)
		return shadowk_ret(-EINVAL);
	err = shadowk_opts_ok(opts, struct shadowk_site_opts, value);
	if (!err)
		err = shadowk_func_set(func, &arg.func);
	if (err)
		return shadowk_ret(err);
	if (opts) {
		arg.flags = opts->flags;
		arg.action = opts->action;
		arg.value = opts->value;
	}
	err = shadowk_ioctl(ctx, SHADOWK_IOC_SITE_ADD, &arg, "SITE_ADD");
	if (!err) {
		*site_id = arg.out_site_id;
		if (site)
			*site = arg.out_site;
	}
	return shadowk_ret(err);
}

SHADOWK_EXPORT int shadowk_site_del(struct shadowk_ctx *ctx, __u32 site_id)
{
	struct shadowk_site_del arg = {
		.size = sizeof(arg),
		.site_id = site_id,
	};

	if (!ctx)
		return shadowk_ret(-EINVAL);
	return shadowk_ret(shadowk_ioctl(ctx, SHADOWK_IOC_SITE_DEL, &arg,
					 "SITE_DEL"));
}
