/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * shadowk: per-process copy-on-write views of the kernel's text.
 *
 * This header is the whole user/kernel contract of /dev/shadowk.
 */
#ifndef _UAPI_LINUX_SHADOWK_H
#define _UAPI_LINUX_SHADOWK_H

#include <linux/types.h>
#include <linux/ioctl.h>

/**
 * DOC: General ioctl format
 *
 * Every ioctl is issued on an open /dev/shadowk.  Opening it needs
 * CAP_SYS_ADMIN; the node is created mode 0600.
 *
 * Each command takes a pointer to one struct whose first member is
 * ``__u32 size``: the number of bytes user space passes, normally
 * ``sizeof(struct)`` as seen by the caller's copy of this header.  The
 * ioctl number does not encode a size, so a struct may grow at its end
 * without a new command number.
 *
 * The kernel reads the struct with the rules of copy_struct_from_user():
 *
 * - a caller built against an older header passes a smaller size; fields
 *   it does not know are taken as zero;
 * - a caller built against a newer header passes a larger size; the bytes
 *   the kernel does not know must be zero;
 * - on output, the kernel writes back at most ``size`` bytes.
 *
 * Every ``flags`` member and every ``__reserved`` member must be zero
 * unless a flag is defined for it.
 *
 * Errors, for every command (a command documents only what it adds):
 *
 * ENOTTY
 *	The command number is not a shadowk command, or this module does
 *	not implement it (see &struct shadowk_info.ioctls).
 * EINVAL
 *	``size`` is smaller than the command's first version, or a flag or
 *	reserved field holds a value this module does not define.
 * E2BIG
 *	``size`` is larger than the module's struct and a byte past the
 *	module's struct is not zero.
 * EFAULT
 *	The struct, or a buffer it points to, is not accessible.
 * EPERM
 *	The caller lacks CAP_SYS_ADMIN (checked at open).
 * EACCES
 *	Returned by open(2) itself, when the caller may not open the node
 *	(mode 0600, owned by root).
 */

#define SHADOWK_TYPE		0xB5
#define SHADOWK_CMD_BASE	0x80

enum {
	SHADOWK_CMD_GET_INFO = SHADOWK_CMD_BASE
};

/* Bumped only for a change that old callers cannot detect through size. */
#define SHADOWK_ABI_VERSION	1

/**
 * enum shadowk_env_flags - facts about the running kernel and CPU
 * @SHADOWK_ENV_LA57: the kernel runs with 5-level paging
 * @SHADOWK_ENV_PTI: page-table isolation is on
 * @SHADOWK_ENV_PCID: the kernel uses process-context identifiers
 * @SHADOWK_ENV_GLOBAL_TEXT: kernel text was mapped global when the module
 *	loaded
 *
 * They decide how a clone is switched and flushed; tools show them so that
 * a report says what kind of machine it came from.
 */
enum shadowk_env_flags {
	SHADOWK_ENV_LA57	= 1 << 0,
	SHADOWK_ENV_PTI		= 1 << 1,
	SHADOWK_ENV_PCID	= 1 << 2,
	SHADOWK_ENV_GLOBAL_TEXT	= 1 << 3
};

/**
 * struct shadowk_info - SHADOWK_IOC_GET_INFO
 * @size: sizeof(struct shadowk_info)
 * @flags: must be 0
 * @abi_version: output, SHADOWK_ABI_VERSION of the module
 * @env: output, a mask of &enum shadowk_env_flags
 * @features: output, a mask of optional features; none are defined by
 *	ABI version 1, so it is 0
 * @ioctls: output, bit ``N`` is set when the command
 *	``SHADOWK_CMD_BASE + N`` is implemented
 *
 * The handshake.  Its command number and these fields never change, so
 * any version of a tool can ask any version of the module what it speaks.
 */
struct shadowk_info {
	__u32 size;
	__u32 flags;
	__u32 abi_version;
	__u32 env;
	__aligned_u64 features;
	__aligned_u64 ioctls;
};
#define SHADOWK_IOC_GET_INFO	_IO(SHADOWK_TYPE, SHADOWK_CMD_GET_INFO)

#endif /* _UAPI_LINUX_SHADOWK_H */
