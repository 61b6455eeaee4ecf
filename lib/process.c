// SPDX-License-Identifier: LGPL-2.1-or-later
/* Binding processes to clones. */

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

SHADOWK_EXPORT int shadowk_process_list(struct shadowk_ctx *ctx,
					__u32 clone_id,
					struct shadowk_process_entry **entries,
					size_t *count, size_t entry_size)
{
	struct shadowk_process_list arg = {
		.size = sizeof(arg),
		.clone_id = clone_id,
		.entry_size = entry_size,
	};

	if (!ctx || !entries || !count || entry_size > 4096)
		return shadowk_ret(-EINVAL);
	*entries = NULL;
	*count = 0;
	return shadowk_ret(shadowk_list_fetch(ctx, SHADOWK_IOC_PROCESS_LIST,
					      "PROCESS_LIST", &arg, &arg.count,
					      &arg.entries, entry_size,
					      (void **)entries, count));
}

SHADOWK_EXPORT int shadowk_cgroup_id(const char *path, __u64 *cgroup_id)
{
	struct stat st;

	if (!path || !cgroup_id)
		return shadowk_ret(-EINVAL);
	if (stat(path, &st))
		return shadowk_ret(-errno);
	if (!S_ISDIR(st.st_mode))
		return shadowk_ret(-ENOTDIR);
	*cgroup_id = st.st_ino;
	return 0;
}

SHADOWK_EXPORT int shadowk_cgroup_bind(struct shadowk_ctx *ctx,
				       __u32 clone_id, const char *path,
				       struct shadowk_cgroup_bind *result)
{
	struct shadowk_cgroup_bind arg = { .size = sizeof(arg) };
	int err, fd;

	if (!ctx || !path)
		return shadowk_ret(-EINVAL);
	if (result) {
		err = shadowk_result_ok(result, struct shadowk_cgroup_bind,
					out_bound);
		if (err)
			return shadowk_ret(err);
	}
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return shadowk_ret(-errno);
	arg.clone_id = clone_id;
	arg.cgroup_fd = fd;
	err = shadowk_ioctl(ctx, SHADOWK_IOC_CGROUP_BIND, &arg, "CGROUP_BIND");
	close(fd);
	if (!err && result) {
		__u32 size = result->size < sizeof(arg) ? result->size :
			     sizeof(arg);

		memcpy(result, &arg, size);
		result->size = size;
	}
	return shadowk_ret(err);
}

SHADOWK_EXPORT int shadowk_cgroup_unbind(struct shadowk_ctx *ctx,
					 __u64 cgroup_id, __u32 *unbound)
{
	struct shadowk_cgroup_unbind arg = {
		.size = sizeof(arg),
		.cgroup_id = cgroup_id,
	};
	int err;

	if (!ctx)
		return shadowk_ret(-EINVAL);
	err = shadowk_ioctl(ctx, SHADOWK_IOC_CGROUP_UNBIND, &arg,
			    "CGROUP_UNBIND");
	if (!err && unbound)
		*unbound = arg.out_unbound;
	return shadowk_ret(err);
}

SHADOWK_EXPORT int shadowk_cgroup_list(struct shadowk_ctx *ctx,
				       __u32 clone_id,
				       struct shadowk_cgroup_entry **entries,
				       size_t *count, size_t entry_size)
{
	struct shadowk_cgroup_list arg = {
		.size = sizeof(arg),
		.clone_id = clone_id,
		.entry_size = entry_size,
	};

	if (!ctx || !entries || !count || entry_size > 4096)
		return shadowk_ret(-EINVAL);
	*entries = NULL;
	*count = 0;
	return shadowk_ret(shadowk_list_fetch(ctx, SHADOWK_IOC_CGROUP_LIST,
					      "CGROUP_LIST", &arg, &arg.count,
					      &arg.entries, entry_size,
					      (void **)entries, count));
}
