// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/shadowk: open checks and table-driven ioctl dispatch.
 *
 * Commands are numbered from SHADOWK_CMD_BASE and carry no size in their
 * number; each struct starts with its own size instead, so every struct can
 * grow without a new command.
 */

#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/stddef.h>
#include <linux/uaccess.h>

#include <uapi/linux/shadowk.h>

#include "bind.h"
#include "bpf.h"
#include "cgroup.h"
#include "lifecycle.h"
#include "dev.h"
#include "info.h"
#include "inject.h"
#include "ksyms.h"
#include "probe.h"
#include "raw.h"
#include "verify.h"

/* Large enough for any command's struct; lives on the ioctl's stack. */
union shadowk_ucmd_buffer {
	struct shadowk_info info;
	struct shadowk_create create;
	struct shadowk_destroy destroy;
	struct shadowk_clone_info clone_info;
	struct shadowk_clone_list clone_list;
	struct shadowk_bind bind;
	struct shadowk_unbind unbind;
	struct shadowk_verify verify;
	struct shadowk_site_add site_add;
	struct shadowk_site_del site_del;
	struct shadowk_probe_add probe_add;
	struct shadowk_probe_del probe_del;
	struct shadowk_probe_read probe_read;
	struct shadowk_probe_list probe_list;
	struct shadowk_inject_set inject_set;
	struct shadowk_inject_read inject_read;
	struct shadowk_inject_del inject_del;
	struct shadowk_inject_list inject_list;
	struct shadowk_process_info process_info;
	struct shadowk_bpf_attach bpf_attach;
	struct shadowk_bpf_detach bpf_detach;
	struct shadowk_bpf_list bpf_list;
	struct shadowk_clone_pin clone_pin;
	struct shadowk_process_list process_list;
	struct shadowk_cgroup_bind cgroup_bind;
	struct shadowk_cgroup_unbind cgroup_unbind;
	struct shadowk_cgroup_list cgroup_list;
};

struct shadowk_ioctl_op {
	unsigned int cmd;	/* the full ioctl number */
	unsigned int size;	/* sizeof the module's struct */
	unsigned int min_size;	/* end of the struct's first version */
	int (*execute)(struct shadowk_ucmd *ucmd);
};

#define SHADOWK_OP(_cmd, _fn, _struct, _last_v0_field)			\
	[_IOC_NR(_cmd) - SHADOWK_CMD_BASE] = {				\
		.cmd = _cmd,						\
		.size = sizeof(_struct) +				\
			BUILD_BUG_ON_ZERO(sizeof(_struct) >		\
					  sizeof(union shadowk_ucmd_buffer)), \
		.min_size = offsetofend(_struct, _last_v0_field),	\
		.execute = _fn,						\
	}

static const struct shadowk_ioctl_op shadowk_ioctl_ops[] = {
	SHADOWK_OP(SHADOWK_IOC_GET_INFO, shadowk_info_get_ioctl,
		   struct shadowk_info, out_ioctls),
	SHADOWK_OP(SHADOWK_IOC_CREATE, shadowk_lifecycle_create_ioctl,
		   struct shadowk_create, name),
	SHADOWK_OP(SHADOWK_IOC_DESTROY, shadowk_lifecycle_destroy_ioctl,
		   struct shadowk_destroy, __reserved),
	SHADOWK_OP(SHADOWK_IOC_CLONE_INFO, shadowk_lifecycle_info_ioctl,
		   struct shadowk_clone_info, out_bytes),
	SHADOWK_OP(SHADOWK_IOC_CLONE_LIST, shadowk_lifecycle_list_ioctl,
		   struct shadowk_clone_list, ids),
	SHADOWK_OP(SHADOWK_IOC_BIND, shadowk_bind_ioctl,
		   struct shadowk_bind, pid),
	SHADOWK_OP(SHADOWK_IOC_UNBIND, shadowk_bind_unbind_ioctl,
		   struct shadowk_unbind, __reserved),
	SHADOWK_OP(SHADOWK_IOC_VERIFY, shadowk_verify_ioctl,
		   struct shadowk_verify, out_checked_bytes),
	SHADOWK_OP(SHADOWK_IOC_SITE_ADD, shadowk_raw_add_ioctl,
		   struct shadowk_site_add, out_site),
	SHADOWK_OP(SHADOWK_IOC_SITE_DEL, shadowk_raw_del_ioctl,
		   struct shadowk_site_del, __reserved),
	SHADOWK_OP(SHADOWK_IOC_PROBE_ADD, shadowk_probe_add_ioctl,
		   struct shadowk_probe_add, out_site),
	SHADOWK_OP(SHADOWK_IOC_PROBE_DEL, shadowk_probe_del_ioctl,
		   struct shadowk_probe_del, out_hits),
	SHADOWK_OP(SHADOWK_IOC_PROBE_READ, shadowk_probe_read_ioctl,
		   struct shadowk_probe_read, out_site),
	SHADOWK_OP(SHADOWK_IOC_PROBE_LIST, shadowk_probe_list_ioctl,
		   struct shadowk_probe_list, entries),
	SHADOWK_OP(SHADOWK_IOC_INJECT_SET, shadowk_inject_set_ioctl,
		   struct shadowk_inject_set, out_site),
	SHADOWK_OP(SHADOWK_IOC_INJECT_READ, shadowk_inject_read_ioctl,
		   struct shadowk_inject_read, out),
	SHADOWK_OP(SHADOWK_IOC_INJECT_DEL, shadowk_inject_del_ioctl,
		   struct shadowk_inject_del, out_injected),
	SHADOWK_OP(SHADOWK_IOC_INJECT_LIST, shadowk_inject_list_ioctl,
		   struct shadowk_inject_list, entries),
	SHADOWK_OP(SHADOWK_IOC_PROCESS_INFO, shadowk_bind_process_info_ioctl,
		   struct shadowk_process_info, __reserved),
	SHADOWK_OP(SHADOWK_IOC_BPF_ATTACH, shadowk_bpf_attach_ioctl,
		   struct shadowk_bpf_attach, out_site),
	SHADOWK_OP(SHADOWK_IOC_BPF_DETACH, shadowk_bpf_detach_ioctl,
		   struct shadowk_bpf_detach, out_missed),
	SHADOWK_OP(SHADOWK_IOC_BPF_LIST, shadowk_bpf_list_ioctl,
		   struct shadowk_bpf_list, entries),
	SHADOWK_OP(SHADOWK_IOC_CLONE_PIN, shadowk_lifecycle_pin_ioctl,
		   struct shadowk_clone_pin, __reserved),
	SHADOWK_OP(SHADOWK_IOC_PROCESS_LIST, shadowk_bind_list_ioctl,
		   struct shadowk_process_list, entries),
	SHADOWK_OP(SHADOWK_IOC_CGROUP_BIND, shadowk_cgroup_bind_ioctl,
		   struct shadowk_cgroup_bind, __reserved),
	SHADOWK_OP(SHADOWK_IOC_CGROUP_UNBIND, shadowk_cgroup_unbind_ioctl,
		   struct shadowk_cgroup_unbind, __reserved2),
	SHADOWK_OP(SHADOWK_IOC_CGROUP_LIST, shadowk_cgroup_list_ioctl,
		   struct shadowk_cgroup_list, entries),
};

u64 shadowk_dev_ioctl_mask(void)
{
	u64 mask = 0;
	unsigned int i;

	BUILD_BUG_ON(ARRAY_SIZE(shadowk_ioctl_ops) > 64);
	for (i = 0; i < ARRAY_SIZE(shadowk_ioctl_ops); i++)
		if (shadowk_ioctl_ops[i].execute)
			mask |= BIT_ULL(i);
	return mask;
}

/*
 * Write the command's struct back, never more than the caller passed, with
 * its size saying how much was written: a newer caller learns which of its
 * fields this module filled.
 */
int shadowk_dev_respond(struct shadowk_ucmd *ucmd, size_t cmd_len)
{
	u32 len = min_t(size_t, ucmd->user_size, cmd_len);

	*(u32 *)ucmd->cmd = len;
	if (copy_to_user(ucmd->ubuffer, ucmd->cmd, len))
		return -EFAULT;
	return 0;
}

/*
 * A list command's entry_size: at least its entry's first version
 * (@first_size), at most a page.  0 or the errno the header gives.
 */
int shadowk_dev_entry_size_ok(u32 entry_size, size_t first_size)
{
	if (entry_size < first_size)
		return -EINVAL;
	return entry_size > PAGE_SIZE ? -E2BIG : 0;
}

/*
 * A list's entries, to a user array whose entries are @uentry_size apart:
 * each gets the smaller of the two sizes, and the rest of a larger user
 * entry is cleared, as copy_struct_from_user() reads a struct the other
 * way.
 */
int shadowk_dev_copy_entries(u64 uentries, u32 uentry_size,
			     const void *entries, size_t entry_size, u32 n)
{
	void __user *dst = u64_to_user_ptr(uentries);
	size_t len = min_t(size_t, uentry_size, entry_size);
	u32 i;

	if (uentry_size == entry_size)
		return copy_to_user(dst, entries, array_size(n, entry_size)) ?
		       -EFAULT : 0;
	for (i = 0; i < n; i++, dst += uentry_size) {
		if (copy_to_user(dst, entries + i * entry_size, len))
			return -EFAULT;
		if (uentry_size > len && clear_user(dst + len, uentry_size - len))
			return -EFAULT;
	}
	return 0;
}

static long shadowk_dev_ioctl(struct file *file, unsigned int cmd,
			      unsigned long arg)
{
	const struct shadowk_ioctl_op *op;
	union shadowk_ucmd_buffer buf;
	struct shadowk_ucmd ucmd = {};
	unsigned int nr = _IOC_NR(cmd);
	int ret;

	if (_IOC_TYPE(cmd) != SHADOWK_TYPE || nr < SHADOWK_CMD_BASE ||
	    nr - SHADOWK_CMD_BASE >= ARRAY_SIZE(shadowk_ioctl_ops))
		return -ENOTTY;
	op = &shadowk_ioctl_ops[nr - SHADOWK_CMD_BASE];
	if (!op->execute || op->cmd != cmd)
		return -ENOTTY;

	ucmd.ubuffer = (void __user *)arg;
	if (get_user(ucmd.user_size, (u32 __user *)ucmd.ubuffer))
		return -EFAULT;
	if (ucmd.user_size < op->min_size)
		return -EINVAL;
	/* As clone3() and openat2(): no struct is that large. */
	if (ucmd.user_size > PAGE_SIZE)
		return -E2BIG;

	ret = copy_struct_from_user(&buf, op->size, ucmd.ubuffer,
				    ucmd.user_size);
	if (ret)
		return ret;
	ucmd.cmd = &buf;
	ucmd.file = file;
	/* As /proc/kallsyms shows them to whoever opened the file. */
	ucmd.show_addr = shadowk_ksyms_kallsyms_show_value(file->f_cred);
	return op->execute(&ucmd);
}

static int shadowk_dev_open(struct inode *inode, struct file *file)
{
	/* The node's mode is only the first gate; a root without the
	 * capability (a container, say) is refused too.
	 */
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	return 0;
}

/* What ends with an open file: its transient clones (lifecycle.c). */
static void (*shadowk_dev_on_release)(const struct file *file);

static int shadowk_dev_release(struct inode *inode, struct file *file)
{
	shadowk_dev_on_release(file);
	return 0;
}

static const struct file_operations shadowk_dev_fops = {
	.owner = THIS_MODULE,
	.open = shadowk_dev_open,
	.release = shadowk_dev_release,
	.unlocked_ioctl = shadowk_dev_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice shadowk_dev_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "shadowk",
	.mode = 0600,
	.fops = &shadowk_dev_fops,
};

int __init shadowk_dev_init(void (*on_release)(const struct file *file))
{
	shadowk_dev_on_release = on_release;
	return misc_register(&shadowk_dev_misc);
}

void shadowk_dev_exit(void)
{
	misc_deregister(&shadowk_dev_misc);
}
