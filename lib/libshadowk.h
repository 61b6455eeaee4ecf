/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libshadowk: the C interface to /dev/shadowk.
 *
 * Every function that can fail returns 0 or a negative errno, sets errno
 * to the same (positive) value when it fails, and never prints; messages
 * go to the log function set with shadowk_set_log_fn().  The errnos are
 * the module's, as the uapi header documents them, plus EINVAL for a NULL
 * argument the call needs.
 *
 * Structs the caller passes in, the options, start with ``size_t sz``,
 * set with SHADOWK_OPTS() to the size the caller was built with.  A NULL
 * options pointer means all defaults.  A newer caller's struct is
 * accepted as long as the bytes this library does not know are zero
 * (else -E2BIG), like the kernel's copy_struct_from_user().
 *
 * Structs the library fills are the uapi header's, which start with
 * ``__u32 size``: the caller sets it to sizeof the struct as its header
 * has it (SHADOWK_RESULT() declares one so), the library writes no more
 * than that, and on return ``size`` holds how many bytes were written.
 * Lists are arrays of the uapi's entries, as far apart as the caller's
 * ``entry_size`` says.  So an older program keeps working with a newer
 * library and module, and a newer one can tell which fields were filled.
 *
 * A kernel function is named by a string: its symbol, or its address
 * written in hex with a leading "0x".
 */
#ifndef LIBSHADOWK_H
#define LIBSHADOWK_H

#include <stdarg.h>
#include <stddef.h>
#include <sys/types.h>
#include <linux/shadowk.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The version of this header; shadowk_lib_version() is the library's. */
#define LIBSHADOWK_MAJOR_VERSION	0
#define LIBSHADOWK_MINOR_VERSION	1
#define LIBSHADOWK_PATCH_VERSION	0
#define LIBSHADOWK_VERSION_AT_LEAST(major, minor)			\
	(LIBSHADOWK_MAJOR_VERSION > (major) ||				\
	 (LIBSHADOWK_MAJOR_VERSION == (major) &&			\
	  LIBSHADOWK_MINOR_VERSION >= (minor)))

struct shadowk_ctx;

typedef void (*shadowk_log_fn)(void *data, int priority, const char *fmt,
			       va_list args);

/* Declares an options struct with its size set: SHADOWK_OPTS(x, o, ...). */
#define SHADOWK_OPTS(kind, name, ...)					\
	struct shadowk_##kind##_opts name = {				\
		.sz = sizeof(struct shadowk_##kind##_opts),		\
		__VA_ARGS__						\
	}

/* Declares a uapi struct for the library to fill, its size set. */
#define SHADOWK_RESULT(type, name)					\
	struct shadowk_##type name = { .size = sizeof(struct shadowk_##type) }

/* Context. */
enum shadowk_new_flags {
	/*
	 * When /dev/shadowk does not exist, load the module installed for
	 * the running kernel first, as modprobe would, through libkmod
	 * (loaded at run time: libshadowk itself needs nothing).  Needs
	 * root.  Never done for a device named by opts or SHADOWK_DEVICE.
	 */
	SHADOWK_NEW_LOAD_MODULE = 1 << 0,
};

struct shadowk_new_opts {
	size_t sz;
	__u32 flags;		/* enum shadowk_new_flags */
	/* The node to open; NULL for $SHADOWK_DEVICE, else /dev/shadowk. */
	const char *device;
};

/*
 * Open the device and make the handshake.  -ENOENT: no device node, so
 * the module is not loaded; -EACCES/-EPERM: not allowed; -EPROTO: the
 * module speaks an ABI this library does not know.  With
 * SHADOWK_NEW_LOAD_MODULE, loading adds: -ENOPKG (no shadowk module is
 * installed for the running kernel), -ELIBACC (libkmod.so.2 cannot be
 * loaded), -EPERM (not root), or the error loading the module gave.
 */
int shadowk_new(struct shadowk_ctx **ctxp, const struct shadowk_new_opts *opts);
struct shadowk_ctx *shadowk_ref(struct shadowk_ctx *ctx);
/* NULL once the last reference is gone, else ctx. */
struct shadowk_ctx *shadowk_unref(struct shadowk_ctx *ctx);

/* priority is a syslog level (LOG_ERR .. LOG_DEBUG). */
void shadowk_set_log_fn(struct shadowk_ctx *ctx, shadowk_log_fn fn,
			void *data);

/* The handshake made by shadowk_new(), as the module answered it. */
int shadowk_get_info(struct shadowk_ctx *ctx, struct shadowk_info *info);

/* Version of this library, "MAJOR.MINOR.PATCH". */
const char *shadowk_lib_version(void);

/* Clones. */
struct shadowk_create_opts {
	size_t sz;
	const char *name;	/* optional, unique, < SHADOWK_NAME_LEN bytes */
	/*
	 * enum shadowk_create_flags.  SHADOWK_CREATE_TRANSIENT ties the
	 * clone to this context's open device: it goes when the context's
	 * last reference does, or the process dies (the device is opened
	 * O_CLOEXEC, so an exec'd program does not keep it).
	 */
	__u32 flags;
};

int shadowk_clone_create(struct shadowk_ctx *ctx,
			 const struct shadowk_create_opts *opts,
			 __u32 *clone_id);
int shadowk_clone_destroy(struct shadowk_ctx *ctx, __u32 clone_id);
/* A transient clone becomes an ordinary one (SHADOWK_IOC_CLONE_PIN). */
int shadowk_clone_pin(struct shadowk_ctx *ctx, __u32 clone_id);
int shadowk_clone_info(struct shadowk_ctx *ctx, __u32 clone_id,
		       struct shadowk_clone_info *info);
/* *ids is malloc()ed, ascending; free() it.  An empty list gives NULL. */
int shadowk_clone_list(struct shadowk_ctx *ctx, __u32 **ids, size_t *count);
/* A clone by name; -ENOENT if no live clone has it. */
int shadowk_clone_find(struct shadowk_ctx *ctx, const char *name,
		       __u32 *clone_id);
int shadowk_clone_verify(struct shadowk_ctx *ctx, __u32 clone_id,
			 struct shadowk_verify *result);

/* Processes.  pid 0 is the caller. */
struct shadowk_bind_opts {
	size_t sz;
	__u32 flags;		/* enum shadowk_bind_flags */
};

int shadowk_process_bind(struct shadowk_ctx *ctx, __u32 clone_id, pid_t pid,
			 const struct shadowk_bind_opts *opts);
int shadowk_process_unbind(struct shadowk_ctx *ctx, pid_t pid);
/* Which clone pid runs: result->out_clone_id, 0 if none. */
int shadowk_process_info(struct shadowk_ctx *ctx, pid_t pid,
			 struct shadowk_process_info *result);
/* A clone's bound processes, ascending by pid, as shadowk_probe_list(). */
int shadowk_process_list(struct shadowk_ctx *ctx, __u32 clone_id,
			 struct shadowk_process_entry **entries, size_t *count,
			 size_t entry_size);

/*
 * Cgroups (v2), named by the path of their directory, for example
 * /sys/fs/cgroup/system.slice/nginx.service.  result may be NULL; else
 * the cgroup's id and how many processes were bound at once.
 */
int shadowk_cgroup_bind(struct shadowk_ctx *ctx, __u32 clone_id,
			const char *path, struct shadowk_cgroup_bind *result);
/* By id, which a removed cgroup keeps; unbound may be NULL. */
int shadowk_cgroup_unbind(struct shadowk_ctx *ctx, __u64 cgroup_id,
			  __u32 *unbound);
/* The id of the cgroup whose directory is path (its inode number). */
int shadowk_cgroup_id(const char *path, __u64 *cgroup_id);
/* A clone's bound cgroups, as shadowk_probe_list(). */
int shadowk_cgroup_list(struct shadowk_ctx *ctx, __u32 clone_id,
			struct shadowk_cgroup_entry **entries, size_t *count,
			size_t entry_size);

/* Raw sites (SHADOWK_IOC_SITE_ADD/DEL). */
struct shadowk_site_opts {
	size_t sz;
	__u32 flags;		/* enum shadowk_site_flags */
	__u32 action;		/* enum shadowk_site_action */
	__s64 value;		/* for SHADOWK_SITE_RETURN */
};

/* site (the entry site's address) may be NULL. */
int shadowk_site_add(struct shadowk_ctx *ctx, __u32 clone_id,
		     const char *func, const struct shadowk_site_opts *opts,
		     __u32 *site_id, __u64 *site);
int shadowk_site_del(struct shadowk_ctx *ctx, __u32 site_id);

/* Probes. */
struct shadowk_probe_opts {
	size_t sz;
	__u32 flags;		/* enum shadowk_probe_flags */
};

int shadowk_probe_add(struct shadowk_ctx *ctx, __u32 clone_id,
		      const char *func, const struct shadowk_probe_opts *opts,
		      __u32 *probe_id);
/* hits may be NULL; else the final count. */
int shadowk_probe_del(struct shadowk_ctx *ctx, __u32 probe_id, __u64 *hits);
int shadowk_probe_read(struct shadowk_ctx *ctx, __u32 probe_id,
		       struct shadowk_probe_read *result);
/*
 * *entries is malloc()ed, ascending by probe id, entry_size bytes apart
 * (sizeof(struct shadowk_probe_entry) as the caller has it); free() it.
 */
int shadowk_probe_list(struct shadowk_ctx *ctx, __u32 clone_id,
		       struct shadowk_probe_entry **entries, size_t *count,
		       size_t entry_size);
/* The clone's probe of func, named as it was added; -ENOENT if none. */
int shadowk_probe_find(struct shadowk_ctx *ctx, __u32 clone_id,
		       const char *func, __u32 *probe_id);

/* Fault injection. */
struct shadowk_inject_opts {
	size_t sz;
	__u32 flags;		/* enum shadowk_inject_flags */
	__u32 policy;		/* enum shadowk_inject_policy */
	__s64 value;		/* the return value: a negative errno */
	__u64 nth;		/* EVERY_NTH, FIRST_N */
	__u64 seed;		/* PROBABILITY */
	__u32 ppm;		/* PROBABILITY, 1 .. SHADOWK_INJECT_PPM */
};

/* opts is required: it holds the value.  inject_id may be NULL. */
int shadowk_inject_set(struct shadowk_ctx *ctx, __u32 clone_id,
		       const char *func,
		       const struct shadowk_inject_opts *opts,
		       __u32 *inject_id);
int shadowk_inject_read(struct shadowk_ctx *ctx, __u32 inject_id,
			struct shadowk_inject_read *result);
/* result may be NULL; else the final counts. */
int shadowk_inject_del(struct shadowk_ctx *ctx, __u32 inject_id,
		       struct shadowk_inject_del *result);
/* As shadowk_probe_list(), of struct shadowk_inject_entry. */
int shadowk_inject_list(struct shadowk_ctx *ctx, __u32 clone_id,
			struct shadowk_inject_entry **entries, size_t *count,
			size_t entry_size);
/* The clone's injection on func, named as it was set; -ENOENT if none. */
int shadowk_inject_find(struct shadowk_ctx *ctx, __u32 clone_id,
			const char *func, __u32 *inject_id);

/* BPF programs of type kprobe, run at a clone's sites for bound processes. */
struct shadowk_bpf_opts {
	size_t sz;
	__u32 flags;		/* enum shadowk_bpf_flags */
};

/*
 * prog_fd: a loaded program (libbpf: bpf_program__fd()); the attachment
 * holds it, so the fd may be closed after.
 */
int shadowk_bpf_attach(struct shadowk_ctx *ctx, __u32 clone_id,
		       const char *func, int prog_fd,
		       const struct shadowk_bpf_opts *opts, __u32 *bpf_id);
/* result may be NULL; else the final counts. */
int shadowk_bpf_detach(struct shadowk_ctx *ctx, __u32 bpf_id,
		       struct shadowk_bpf_detach *result);
/* As shadowk_probe_list(), of struct shadowk_bpf_entry. */
int shadowk_bpf_list(struct shadowk_ctx *ctx, __u32 clone_id,
		     struct shadowk_bpf_entry **entries, size_t *count,
		     size_t entry_size);

#ifdef __cplusplus
}
#endif

#endif /* LIBSHADOWK_H */
