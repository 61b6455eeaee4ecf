/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOWK_SELFTEST_H
#define _SHADOWK_SELFTEST_H

#include <linux/init.h>
#include <linux/types.h>

/* Each in module/selftest/, included by the file it tests. */
bool __init shadowk_inject_selftest(void);
bool __init shadowk_mirror_selftest(void);
bool __init shadowk_pgtable_selftest(void);

int __init shadowk_selftest_init(void);

#endif /* _SHADOWK_SELFTEST_H */
