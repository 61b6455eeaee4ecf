// SPDX-License-Identifier: GPL-2.0
/* SHADOWK_IOC_GET_INFO: the handshake every client makes first. */

#include <linux/errno.h>

#include <uapi/linux/shadowk.h>

#include "dev.h"
#include "env.h"
#include "info.h"
#include "limits.h"
#include "retprobe.h"

int shadowk_info_get_ioctl(struct shadowk_ucmd *ucmd)
{
	struct shadowk_info *info = ucmd->cmd;

	if (info->flags)
		return -EINVAL;

	info->out_abi_version = SHADOWK_ABI_VERSION;
	info->out_env = shadowk_env_flags();
	info->out_features = SHADOWK_FEATURE_BPF;
	if (shadowk_retprobe_available())
		info->out_features |= SHADOWK_FEATURE_RETURN_PROBES;
	info->out_ioctls = shadowk_dev_ioctl_mask();
	info->out_max_clones = SHADOWK_MAX_CLONES;
	info->out_max_probes = SHADOWK_MAX_PROBES;
	info->out_max_injects = SHADOWK_MAX_INJECTS;
	info->out_name_len = SHADOWK_NAME_LEN;
	info->out_max_inflight = shadowk_retprobe_inflight();
	info->out_max_bpf = SHADOWK_MAX_BPF;
	info->out_max_cgroups = SHADOWK_MAX_CGROUPS;
	return shadowk_dev_respond(ucmd, sizeof(*info));
}
