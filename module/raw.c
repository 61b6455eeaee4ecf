// SPDX-License-Identifier: GPL-2.0
/*
 * SHADOWK_IOC_SITE_ADD and SITE_DEL: a site owned for its own sake, for
 * tests and for the simplest specialization (a system call that returns a
 * value without running, for bound processes).  Like every feature it is
 * a user of the site, one per clone and function.
 */

#include <uapi/linux/shadowk.h>

#include "clone.h"
#include "dev.h"
#include "mem.h"
#include "raw.h"
#include "site.h"
#include "target.h"

#define SHADOWK_RAW_FLAGS	SHADOWK_SITE_ANY_CONTEXT

static void shadowk_raw_free(struct shadowk_site_user *user)
{
	shadowk_site_user_release(user);
	shadowk_mem_obj_free(container_of(user, struct shadowk_raw, user));
}

static const struct shadowk_site_user_ops shadowk_raw_ops = {
	.free = shadowk_raw_free,
};

int shadowk_raw_add_ioctl(struct shadowk_ucmd *ucmd)
{
	struct shadowk_site_add *cmd = ucmd->cmd;
	struct shadowk_site_txn txn;
	struct shadowk_clone *clone;
	struct shadowk_raw *raw;
	unsigned long addr;
	int err;

	if (cmd->flags & ~SHADOWK_RAW_FLAGS || cmd->__reserved)
		return -EINVAL;
	if (cmd->action > SHADOWK_SITE_RETURN ||
	    (cmd->action != SHADOWK_SITE_RETURN && cmd->value))
		return -EINVAL;
	err = shadowk_target_get_change(cmd->clone_id, &cmd->func, &clone,
					&addr);
	if (err)
		return err;
	err = -EOPNOTSUPP;
	if (cmd->action == SHADOWK_SITE_RETURN &&
	    !shadowk_target_func_is_syscall(&cmd->func, addr))
		goto out_clone;
	err = -ENOMEM;
	raw = shadowk_mem_obj_alloc(sizeof(*raw), GFP_KERNEL_ACCOUNT);
	if (!raw)
		goto out_clone;
	raw->user.ops = &shadowk_raw_ops;
	raw->user.slot = SHADOWK_SLOT_RAW;
	raw->user.replaces = cmd->action == SHADOWK_SITE_RETURN;
	raw->action = cmd->action;
	raw->flags = cmd->flags;
	raw->value = cmd->value;
	raw->user.name = shadowk_target_name(&cmd->func, addr);
	if (!raw->user.name) {
		shadowk_raw_free(&raw->user);
		goto out_clone;
	}

	err = shadowk_site_txn_begin(&txn, true);
	if (!err) {
		err = shadowk_site_attach(&txn, clone, addr, &raw->user, NULL);
		if (!err)
			cmd->out_site_id = raw->user.id;
		shadowk_site_txn_end(&txn);
	}
	if (err) {
		shadowk_raw_free(&raw->user);
		goto out_clone;
	}
	cmd->out_site = shadowk_dev_addr(ucmd, addr);
	err = shadowk_dev_respond(ucmd, sizeof(*cmd));
out_clone:
	shadowk_clone_put(clone);
	return err;
}

int shadowk_raw_del_ioctl(struct shadowk_ucmd *ucmd)
{
	struct shadowk_site_del *cmd = ucmd->cmd;
	struct shadowk_site_user *user;
	struct shadowk_site_txn txn;
	int err;

	if (cmd->flags || cmd->__reserved)
		return -EINVAL;
	err = shadowk_site_txn_begin(&txn, false);
	if (err)
		return err;
	user = shadowk_site_user_by_id(cmd->site_id, BIT(SHADOWK_SLOT_RAW));
	if (user)
		shadowk_site_detach(&txn, user);
	shadowk_site_txn_end(&txn);
	if (!user)
		return -ENOENT;
	shadowk_raw_free(user);
	return 0;
}
