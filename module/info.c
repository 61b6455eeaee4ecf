// SPDX-License-Identifier: GPL-2.0
/* SHADOWK_IOC_GET_INFO: the handshake every client makes first. */

#include <linux/errno.h>

#include <uapi/linux/shadowk.h>

#include "dev.h"
#include "env.h"
#include "info.h"

int shadowk_info_get_ioctl(struct shadowk_ucmd *ucmd)
{
	struct shadowk_info *info = ucmd->cmd;

	if (info->flags)
		return -EINVAL;

	info->abi_version = SHADOWK_ABI_VERSION;
	info->env = shadowk_env_flags();
	info->features = 0;
	info->ioctls = shadowk_dev_ioctl_mask();
	return shadowk_dev_respond(ucmd, sizeof(*info));
}
