/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOWK_VERIFY_H
#define _SHADOWK_VERIFY_H

struct shadowk_ucmd;

int shadowk_verify_ioctl(struct shadowk_ucmd *ucmd);

#endif /* _SHADOWK_VERIFY_H */
