/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOWK_LIFECYCLE_H
#define _SHADOWK_LIFECYCLE_H

struct file;
struct shadowk_ucmd;

int shadowk_lifecycle_create_ioctl(struct shadowk_ucmd *ucmd);
int shadowk_lifecycle_destroy_ioctl(struct shadowk_ucmd *ucmd);
int shadowk_lifecycle_info_ioctl(struct shadowk_ucmd *ucmd);
int shadowk_lifecycle_list_ioctl(struct shadowk_ucmd *ucmd);
int shadowk_lifecycle_pin_ioctl(struct shadowk_ucmd *ucmd);
void shadowk_lifecycle_release(const struct file *file);

void shadowk_lifecycle_exit(void);

#endif /* _SHADOWK_LIFECYCLE_H */
