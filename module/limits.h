/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOWK_LIMITS_H
#define _SHADOWK_LIMITS_H

/*
 * How much may live at once.  Not ABI: SHADOWK_IOC_GET_INFO reports them,
 * so that they can change without breaking a tool.
 */
#define SHADOWK_MAX_CLONES	4096
#define SHADOWK_MAX_PROBES	65536	/* all clones together */
#define SHADOWK_MAX_INJECTS	32	/* in one clone */

#endif /* _SHADOWK_LIMITS_H */
