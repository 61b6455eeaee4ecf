/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOWK_INFO_H
#define _SHADOWK_INFO_H

struct shadowk_ucmd;

int shadowk_info_get_ioctl(struct shadowk_ucmd *ucmd);

#endif /* _SHADOWK_INFO_H */
