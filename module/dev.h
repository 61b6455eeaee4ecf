/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOWK_DEV_H
#define _SHADOWK_DEV_H

#include <linux/compiler_types.h>
#include <linux/init.h>
#include <linux/types.h>

/* One ioctl in flight: the caller's buffer and the kernel's copy of it. */
struct shadowk_ucmd {
	void __user *ubuffer;
	u32 user_size;
	void *cmd;
	bool show_addr;		/* kptr_restrict lets the opener see addresses */
	struct file *file;	/* the open device, owner of transient clones */
};

int shadowk_dev_respond(struct shadowk_ucmd *ucmd, size_t cmd_len);
int shadowk_dev_entry_size_ok(u32 entry_size, size_t first_size);
int shadowk_dev_copy_entries(u64 uentries, u32 uentry_size,
			     const void *entries, size_t entry_size, u32 n);

/* A kernel address for a reply: itself, or 0 where kallsyms shows 0. */
static inline u64 shadowk_dev_addr(const struct shadowk_ucmd *ucmd,
				   unsigned long addr)
{
	return ucmd->show_addr ? addr : 0;
}
u64 shadowk_dev_ioctl_mask(void);

struct file;
int __init shadowk_dev_init(void (*on_release)(const struct file *file));
void shadowk_dev_exit(void);

#endif /* _SHADOWK_DEV_H */
