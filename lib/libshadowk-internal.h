/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef LIBSHADOWK_INTERNAL_H
#define LIBSHADOWK_INTERNAL_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>

#include "libshadowk.h"

#define SHADOWK_EXPORT __attribute__((visibility("default")))

/* What every exported function returns: errno set as well, on failure. */
static inline int shadowk_ret(int err)
{
	if (err < 0)
		errno = -err;
	return err;
}

__attribute__((format(printf, 3, 4)))
void shadowk_log(struct shadowk_ctx *ctx, int priority, const char *fmt, ...);

/* The ioctl, logged at LOG_DEBUG when it fails; 0 or -errno. */
int shadowk_ioctl(struct shadowk_ctx *ctx, unsigned long cmd, void *arg,
		  const char *name);

/*
 * 0 if opts (which may be NULL) can be read as a struct of known_sz bytes:
 * -EINVAL if it is smaller than first_sz, -E2BIG if a byte past known_sz
 * is set.
 */
int shadowk_opts_check(const void *opts, size_t known_sz, size_t first_sz);
#define shadowk_opts_ok(opts, type, first_field)			\
	shadowk_opts_check(opts, sizeof(type),				\
			   offsetof(type, first_field) +		\
			   sizeof(((type *)0)->first_field))

/*
 * A uapi struct the caller gave for the library to fill: its size must
 * reach min_size and stay within a page (the kernel's own bound); all
 * but the size is cleared.
 */
int shadowk_result_prepare(void *result, size_t min_size);
#define shadowk_result_ok(result, type, first_field)			\
	shadowk_result_prepare(result, offsetof(type, first_field) +	\
				       sizeof(((type *)0)->first_field))

/* A function named by symbol or "0x" address into an ioctl struct. */
int shadowk_func_set(const char *func, struct shadowk_func *out);

/* Room for an ioctl's list, grown until the module's count fits. */
int shadowk_list_fetch(struct shadowk_ctx *ctx, unsigned long cmd,
		       const char *name, void *arg, __u32 *count,
		       __u64 *ptr, size_t elem, void **out, size_t *nr);

/*
 * The id of the entry whose symbol is @func in a list of @n entries,
 * @stride bytes apart, their id and symbol at the offsets given; -ENOENT
 * if none.  For the _find() functions.
 */
int shadowk_list_find(const void *entries, size_t n, size_t stride,
		      size_t id_offset, size_t symbol_offset, const char *func,
		      __u32 *id);

/* load.c: the module, through libkmod (SHADOWK_NEW_LOAD_MODULE). */
int shadowk_load_module(struct shadowk_ctx *ctx);

#endif /* LIBSHADOWK_INTERNAL_H */
