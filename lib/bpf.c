// SPDX-License-Identifier: LGPL-2.1-or-later
/* BPF programs at a clone's sites: attach a loaded program's fd, list, detach. */

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "libshadowk-internal.h"

SHADOWK_EXPORT int shadowk_bpf_attach(struct shadowk_ctx *ctx, __u32 clone_id,
				      const char *func, int prog_fd,
				      const struct shadowk_bpf_opts *opts,
				      __u32 *bpf_id)
{
	struct shadowk_bpf_attach arg = {
		.size = sizeof(arg),
		.clone_id = clone_id,
		.prog_fd = prog_fd,
	};
	int err;

	if (!ctx || !bpf_id)
		return shadowk_ret(-EINVAL);
	err = shadowk_opts_ok(opts, struct shadowk_bpf_opts, flags);
	if (!err)
		err = shadowk_func_set(func, &arg.func);
	if (err)
		return shadowk_ret(err);
	if (opts)
		arg.flags = opts->flags;
	err = shadowk_ioctl(ctx, SHADOWK_IOC_BPF_ATTACH, &arg, "BPF_ATTACH");
	if (!err)
		*bpf_id = arg.out_bpf_id;
	return shadowk_ret(err);
}

SHADOWK_EXPORT int shadowk_bpf_detach(struct shadowk_ctx *ctx, __u32 bpf_id,
				      struct shadowk_bpf_detach *result)
{
	struct shadowk_bpf_detach arg = {
		.size = sizeof(arg),
		.bpf_id = bpf_id,
	};
	int err;

	if (!ctx)
		return shadowk_ret(-EINVAL);
	err = shadowk_ioctl(ctx, SHADOWK_IOC_BPF_DETACH, &arg, "BPF_DETACH");
	if (!err && result)
		*result = arg;
	return shadowk_ret(err);
}

SHADOWK_EXPORT int shadowk_bpf_list(struct shadowk_ctx *ctx, __u32 clone_id,
				    struct shadowk_bpf_entry **entries,
				    size_t *count, size_t entry_size)
{
	struct shadowk_bpf_list arg = {
		.size = sizeof(arg),
		.clone_id = clone_id,
		.entry_size = entry_size,
	};

	if (!ctx || !entries || !count || entry_size > 4096)
		return shadowk_ret(-EINVAL);
	*entries = NULL;
	*count = 0;
	return shadowk_ret(shadowk_list_fetch(ctx, SHADOWK_IOC_BPF_LIST,
					      "BPF_LIST", &arg, &arg.count,
					      &arg.entries, entry_size,
					      (void **)entries, count));
}
