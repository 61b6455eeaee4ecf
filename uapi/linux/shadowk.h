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
 *	module's struct is not zero, or ``size`` is larger than a page
 *	(4096 bytes), which no struct will ever be.
 * EFAULT
 *	The struct, or a buffer it points to, is not accessible.
 * EPERM
 *	The caller lacks CAP_SYS_ADMIN (checked at open).
 * EACCES
 *	Returned by open(2) itself, when the caller may not open the node
 *	(mode 0600, owned by root).
 * ENOENT
 *	A clone id names no clone (or, for UNBIND, the process is not bound).
 * ESRCH
 *	A pid names no process in the caller's pid namespace, or one whose
 *	address space is already gone (it is exiting, or a kernel thread).
 * ENOMEM
 *	The module could not allocate what the command needs.
 * ENOTRECOVERABLE
 *	ftrace, which shadowk needs to follow the kernel's own text changes,
 *	has stopped working since the module loaded (it does so for good
 *	when it finds kernel text it did not expect).  The module has unbound
 *	every process; it binds nothing (SHADOWK_IOC_BIND) and changes no
 *	code (SITE_ADD, PROBE_ADD, INJECT) any more.  Reading, removing and
 *	destroying still work.  It stays loaded until reboot, saying so once
 *	in the kernel log.
 *
 * Kernel addresses in replies (a site, VERIFY's first difference) are 0
 * unless whoever opened the device may see kernel addresses, as
 * /proc/kallsyms decides for them (kptr_restrict, CAP_SYSLOG).
 *
 * Commands that name a kernel function (by address or symbol) add:
 *
 * ENOENT
 *	No kernel symbol has that name.
 * ERANGE
 *	The address is not in core kernel text (data, a module, user space).
 * EXDEV
 *	The address is in entry or noinstr text, which runs where shadowk
 *	cannot follow (on the user page tables, or with RCU not watching).
 * ENXIO
 *	The address is not the function-entry (fentry) site of a traceable
 *	function: the middle of a function or of an instruction, or a
 *	function built without tracing.
 * EACCES
 *	The function is on the kprobe blacklist.
 * EPERM
 *	The kernel is locked down (integrity mode or stricter), which
 *	forbids changing kernel code.
 *
 * A clone holds at most one of each kind of user per function: one probe,
 * one injection or redirection (both replace the function, so they
 * exclude each other and SHADOWK_SITE_RETURN), one SHADOWK_IOC_SITE_ADD.
 * A second one gives EBUSY.  Different kinds share the function: a probe
 * counts a call before an injection makes it fail.
 */

#define SHADOWK_TYPE		0xB5
#define SHADOWK_CMD_BASE	0x80

enum {
	SHADOWK_CMD_GET_INFO = SHADOWK_CMD_BASE,
	SHADOWK_CMD_CREATE,
	SHADOWK_CMD_DESTROY,
	SHADOWK_CMD_CLONE_INFO,
	SHADOWK_CMD_CLONE_LIST,
	SHADOWK_CMD_BIND,
	SHADOWK_CMD_UNBIND,
	SHADOWK_CMD_VERIFY,
	SHADOWK_CMD_SITE_ADD,
	SHADOWK_CMD_SITE_DEL,
	SHADOWK_CMD_PROBE_ADD,
	SHADOWK_CMD_PROBE_DEL,
	SHADOWK_CMD_PROBE_READ,
	SHADOWK_CMD_PROBE_LIST,
	SHADOWK_CMD_INJECT,
	SHADOWK_CMD_INJECT_READ,
	SHADOWK_CMD_INJECT_DEL
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

#define SHADOWK_NAME_LEN	32

/**
 * struct shadowk_create - SHADOWK_IOC_CREATE
 * @size: sizeof(struct shadowk_create)
 * @flags: must be 0
 * @clone_id: output, the new clone's id (never 0)
 * @__reserved: must be 0
 * @name: optional NUL-terminated name; all zero for none.  Names are
 *	unique among live clones.
 *
 * Creates a copy-on-write clone of the core kernel text.  It costs only the
 * private upper page-table pages through which bound processes will see the
 * clone; until something in it is patched it maps the kernel's own frames.
 * A clone lives until SHADOWK_IOC_DESTROY or module unload, whether or not
 * the creating file stays open.
 *
 * Errors: EINVAL (name not NUL-terminated), EEXIST (name in use),
 * ENOSPC (SHADOWK_MAX_CLONES live clones), ENOMEM.
 */
struct shadowk_create {
	__u32 size;
	__u32 flags;
	__u32 clone_id;
	__u32 __reserved;
	char name[SHADOWK_NAME_LEN];
};
#define SHADOWK_IOC_CREATE	_IO(SHADOWK_TYPE, SHADOWK_CMD_CREATE)
#define SHADOWK_MAX_CLONES	4096

/**
 * struct shadowk_destroy - SHADOWK_IOC_DESTROY
 * @size: sizeof(struct shadowk_destroy)
 * @flags: must be 0
 * @clone_id: the clone to destroy
 * @__reserved: must be 0
 *
 * Every process still bound to the clone is unbound first and from then
 * on runs the kernel's own text; nothing else happens to it.  Then the
 * clone's pages are freed.  Its id is not reused soon.
 *
 * Errors: ENOENT.
 */
struct shadowk_destroy {
	__u32 size;
	__u32 flags;
	__u32 clone_id;
	__u32 __reserved;
};
#define SHADOWK_IOC_DESTROY	_IO(SHADOWK_TYPE, SHADOWK_CMD_DESTROY)

/**
 * struct shadowk_clone_info - SHADOWK_IOC_CLONE_INFO
 * @size: sizeof(struct shadowk_clone_info)
 * @flags: must be 0
 * @clone_id: the clone to describe
 * @__reserved: must be 0
 * @name: output, its name (all zero if none)
 * @bound_mms: output, address spaces bound to it, not counting those of
 *	processes that have exited (even while the kernel still frees them)
 * @owned_sites: output, patch sites it owns
 * @private_frames: output, 4 KiB text frames it has copied
 * @pt_pages: output, page-table pages it has allocated
 * @bytes: output, all memory it uses, in bytes
 *
 * Errors: ENOENT.
 */
struct shadowk_clone_info {
	__u32 size;
	__u32 flags;
	__u32 clone_id;
	__u32 __reserved;
	char name[SHADOWK_NAME_LEN];
	__aligned_u64 bound_mms;
	__aligned_u64 owned_sites;
	__aligned_u64 private_frames;
	__aligned_u64 pt_pages;
	__aligned_u64 bytes;
};
#define SHADOWK_IOC_CLONE_INFO	_IO(SHADOWK_TYPE, SHADOWK_CMD_CLONE_INFO)

/**
 * struct shadowk_clone_list - SHADOWK_IOC_CLONE_LIST
 * @size: sizeof(struct shadowk_clone_list)
 * @flags: must be 0
 * @count: input, room in @ids (in entries); output, the number of live
 *	clones, which may be more than was room for
 * @__reserved: must be 0
 * @ids: pointer to an array of __u32, filled with live clone ids in
 *	ascending order; may be 0 when @count is 0
 *
 * Errors: EFAULT.
 */
struct shadowk_clone_list {
	__u32 size;
	__u32 flags;
	__u32 count;
	__u32 __reserved;
	__aligned_u64 ids;
};
#define SHADOWK_IOC_CLONE_LIST	_IO(SHADOWK_TYPE, SHADOWK_CMD_CLONE_LIST)

/**
 * enum shadowk_bind_flags - how a binding follows its process
 * @SHADOWK_BIND_INHERIT_FORK: a child that gets its own address space
 *	(fork, not a thread) is bound to the same clone, with the same flags
 * @SHADOWK_BIND_INHERIT_EXEC: the new image after execve() stays bound,
 *	unless the exec raises the process's privileges: a set-user-ID or
 *	set-group-ID program, file capabilities, an LSM domain change (the
 *	kernel's AT_SECURE), or any other change of effective ids or gain of
 *	capabilities.  Then the binding ends at that exec, as ptrace's
 *	privileges do, and the kernel log says so: a clone never changes what
 *	a privileged program's calls do on behalf of whoever started it.
 *
 * Threads share their address space, so they always share its binding.
 * A fork or exec never fails because of a binding: if the module cannot
 * allocate the new one (fork and exec give it no chance to sleep), the
 * child or the new image runs the kernel's own text, and the kernel log
 * says "out of memory: a child is not bound" (or "an exec is not bound").
 */
enum shadowk_bind_flags {
	SHADOWK_BIND_INHERIT_FORK = 1 << 0,
	SHADOWK_BIND_INHERIT_EXEC = 1 << 1
};

/**
 * struct shadowk_bind - SHADOWK_IOC_BIND
 * @size: sizeof(struct shadowk_bind)
 * @flags: a mask of &enum shadowk_bind_flags
 * @clone_id: the clone to bind to
 * @pid: the process, in the caller's pid namespace; 0 for the caller
 *
 * Binds the address space of @pid, and so all its threads, to the clone;
 * when it returns they run the clone's text.  Binding another process
 * needs ptrace-attach rights over it, checked under the process's exec
 * lock together with taking its address space, so that both belong to the
 * same program.  The binding ends with UNBIND, DESTROY, or the address
 * space's end.
 *
 * Errors: ENOENT, ESRCH, EINVAL (negative pid, unknown flag),
 * EPERM (no ptrace rights), EBUSY (already bound to a clone), ENOMEM,
 * ENOTRECOVERABLE.
 */
struct shadowk_bind {
	__u32 size;
	__u32 flags;
	__u32 clone_id;
	__s32 pid;
};
#define SHADOWK_IOC_BIND	_IO(SHADOWK_TYPE, SHADOWK_CMD_BIND)

/**
 * struct shadowk_unbind - SHADOWK_IOC_UNBIND
 * @size: sizeof(struct shadowk_unbind)
 * @flags: must be 0
 * @pid: the process, as for BIND; 0 for the caller
 * @__reserved: must be 0
 *
 * When it returns, no thread of the process runs the clone's text.
 *
 * Errors: ENOENT (not bound), ESRCH, EINVAL, EPERM.
 */
struct shadowk_unbind {
	__u32 size;
	__u32 flags;
	__s32 pid;
	__u32 __reserved;
};
#define SHADOWK_IOC_UNBIND	_IO(SHADOWK_TYPE, SHADOWK_CMD_UNBIND)

/**
 * struct shadowk_verify - SHADOWK_IOC_VERIFY
 * @size: sizeof(struct shadowk_verify)
 * @flags: must be 0
 * @clone_id: the clone to check
 * @__reserved: must be 0
 * @diff_bytes: output, text bytes that differ from the running kernel
 *	outside the sites the clone owns
 * @diff_entries: output, page-table entries that map something other than
 *	the running kernel does, outside what the clone has made private
 * @first_diff: output, address of the first differing byte, or 0
 * @checked_bytes: output, private text bytes compared
 *
 * The expected result is zero differences, always.
 *
 * Errors: ENOENT.
 */
struct shadowk_verify {
	__u32 size;
	__u32 flags;
	__u32 clone_id;
	__u32 __reserved;
	__aligned_u64 diff_bytes;
	__aligned_u64 diff_entries;
	__aligned_u64 first_diff;
	__aligned_u64 checked_bytes;
};
#define SHADOWK_IOC_VERIFY	_IO(SHADOWK_TYPE, SHADOWK_CMD_VERIFY)

#define SHADOWK_SYMBOL_LEN	128

/**
 * enum shadowk_site_action - what an owned site does for bound processes
 * @SHADOWK_SITE_NONE: nothing; the function runs as in the kernel.  Owning
 *	a site this way only makes its page private, for testing coherence.
 * @SHADOWK_SITE_RETURN: the function returns &struct shadowk_site_add.value
 *	at once, without running.  Only for system call entry points
 *	(``__x64_sys_*``).
 *
 * A system call entry point is the 64-bit one only: a 32-bit call of the
 * same system call (int $0x80, a compat process) enters its
 * ``__ia32_sys_*`` twin, and io_uring calls the functions under the entry
 * point directly; neither passes through ``__x64_sys_*``.  To cover them,
 * act on the twin too, or on the function they share.
 */
enum shadowk_site_action {
	SHADOWK_SITE_NONE = 0,
	SHADOWK_SITE_RETURN = 1
};

/**
 * enum shadowk_site_flags - SHADOWK_IOC_SITE_ADD flags
 * @SHADOWK_SITE_ANY_CONTEXT: act also in interrupts and kernel threads
 *	that happen to run on a bound process's page tables.  By default a
 *	site acts only in task context of a bound process, and elsewhere
 *	behaves exactly like the kernel.
 */
enum shadowk_site_flags {
	SHADOWK_SITE_ANY_CONTEXT = 1 << 0
};

/**
 * struct shadowk_site_add - SHADOWK_IOC_SITE_ADD
 * @size: sizeof(struct shadowk_site_add)
 * @flags: a mask of &enum shadowk_site_flags
 * @clone_id: the clone that owns the site
 * @action: an &enum shadowk_site_action
 * @addr: the function's address, or 0 to use @symbol
 * @value: the return value for SHADOWK_SITE_RETURN, else 0
 * @symbol: the function's name when @addr is 0, NUL-terminated
 * @site: output, the address of the function-entry site now owned
 *
 * The patching primitive: in this clone only, the function's 5-byte entry
 * site becomes a call into shadowk.  Other clones and unbound processes
 * keep the kernel's bytes.  Whatever the kernel puts at the site later
 * (tracing, BPF, livepatch) still runs for bound processes after shadowk's
 * action, unless the action skips the function.
 *
 * Errors: those for kernel functions above, and ENOENT (no such clone),
 * EBUSY (SHADOWK_IOC_SITE_ADD owns this site in the clone already, or
 * SHADOWK_SITE_RETURN where an injection or redirection replaces the
 * function), EINVAL (unknown action or
 * flag, a value without an action that uses it, a symbol not
 * NUL-terminated), EOPNOTSUPP (SHADOWK_SITE_RETURN on a function that is
 * not a system call entry point), ENOTRECOVERABLE.
 */
struct shadowk_site_add {
	__u32 size;
	__u32 flags;
	__u32 clone_id;
	__u32 action;
	__aligned_u64 addr;
	__s64 value;
	char symbol[SHADOWK_SYMBOL_LEN];
	__aligned_u64 site;
};
#define SHADOWK_IOC_SITE_ADD	_IO(SHADOWK_TYPE, SHADOWK_CMD_SITE_ADD)

/**
 * struct shadowk_site_del - SHADOWK_IOC_SITE_DEL
 * @size: sizeof(struct shadowk_site_del)
 * @flags: must be 0
 * @clone_id: the clone that owns the site
 * @__reserved: must be 0
 * @addr: the function's address, or 0 to use @symbol
 * @symbol: the function's name when @addr is 0
 *
 * When it returns, no CPU runs shadowk's code for this site any more.
 *
 * Errors: ENOENT (no such clone or symbol, or the clone does not own the
 * site), and those for kernel functions above.
 */
struct shadowk_site_del {
	__u32 size;
	__u32 flags;
	__u32 clone_id;
	__u32 __reserved;
	__aligned_u64 addr;
	char symbol[SHADOWK_SYMBOL_LEN];
};
#define SHADOWK_IOC_SITE_DEL	_IO(SHADOWK_TYPE, SHADOWK_CMD_SITE_DEL)

/**
 * enum shadowk_probe_flags - SHADOWK_IOC_PROBE_ADD flags
 * @SHADOWK_PROBE_IRQ: also count calls made in interrupt context (hard or
 *	soft) while a thread of a bound process is the interrupted task.  By
 *	default a probe counts only calls a bound process makes itself, in
 *	task context.  Kernel threads never count, even when they borrow a
 *	bound address space.
 */
enum shadowk_probe_flags {
	SHADOWK_PROBE_IRQ = 1 << 0
};

/**
 * struct shadowk_probe_add - SHADOWK_IOC_PROBE_ADD
 * @size: sizeof(struct shadowk_probe_add)
 * @flags: a mask of &enum shadowk_probe_flags
 * @clone_id: the clone to probe in
 * @probe_id: output, the new probe's id (never 0); unique among live
 *	probes of all clones
 * @addr: the function's address, or 0 to use @symbol
 * @symbol: the function's name when @addr is 0, NUL-terminated
 * @site: output, the address of the function-entry site probed
 *
 * Counts calls of a function by processes bound to the clone.  A hit is a
 * direct call into shadowk from the function's entry site in the clone's
 * text; unbound processes run the kernel's own bytes and are never seen.
 * A probe lives until SHADOWK_IOC_PROBE_DEL or the clone's end.
 *
 * Errors: those for kernel functions above, and ENOENT (no such clone),
 * EBUSY (the clone probes this function already), EINVAL (unknown flag,
 * symbol not NUL-terminated), ENOSPC (SHADOWK_MAX_PROBES live probes),
 * ENOTRECOVERABLE.
 */
struct shadowk_probe_add {
	__u32 size;
	__u32 flags;
	__u32 clone_id;
	__u32 probe_id;
	__aligned_u64 addr;
	char symbol[SHADOWK_SYMBOL_LEN];
	__aligned_u64 site;
};
#define SHADOWK_IOC_PROBE_ADD	_IO(SHADOWK_TYPE, SHADOWK_CMD_PROBE_ADD)
#define SHADOWK_MAX_PROBES	65536

/**
 * struct shadowk_probe_del - SHADOWK_IOC_PROBE_DEL
 * @size: sizeof(struct shadowk_probe_del)
 * @flags: must be 0
 * @probe_id: the probe to remove
 * @__reserved: must be 0
 * @hits: output, its final count
 *
 * When it returns, no CPU runs shadowk's code for this probe any more.
 *
 * Errors: ENOENT (no such probe).
 */
struct shadowk_probe_del {
	__u32 size;
	__u32 flags;
	__u32 probe_id;
	__u32 __reserved;
	__aligned_u64 hits;
};
#define SHADOWK_IOC_PROBE_DEL	_IO(SHADOWK_TYPE, SHADOWK_CMD_PROBE_DEL)

/**
 * struct shadowk_probe_read - SHADOWK_IOC_PROBE_READ
 * @size: sizeof(struct shadowk_probe_read)
 * @flags: must be 0
 * @probe_id: the probe to read
 * @clone_id: output, its clone
 * @hits: output, calls counted, summed over CPUs
 * @site: output, the function-entry site it counts
 *
 * The per-CPU counts are summed without stopping the CPUs: a call that
 * runs at the same moment may or may not be in the sum.  Once every bound
 * caller has stopped, the count is exact.
 *
 * Errors: ENOENT (no such probe).
 */
struct shadowk_probe_read {
	__u32 size;
	__u32 flags;
	__u32 probe_id;
	__u32 clone_id;
	__aligned_u64 hits;
	__aligned_u64 site;
};
#define SHADOWK_IOC_PROBE_READ	_IO(SHADOWK_TYPE, SHADOWK_CMD_PROBE_READ)

/**
 * struct shadowk_probe_entry - one probe, as SHADOWK_IOC_PROBE_LIST gives it
 * @probe_id: its id
 * @flags: the flags it was added with
 * @site: the function-entry site it counts
 * @hits: calls counted, summed over CPUs
 * @symbol: the function's name, NUL-terminated
 */
struct shadowk_probe_entry {
	__u32 probe_id;
	__u32 flags;
	__aligned_u64 site;
	__aligned_u64 hits;
	char symbol[SHADOWK_SYMBOL_LEN];
};

/**
 * struct shadowk_probe_list - SHADOWK_IOC_PROBE_LIST
 * @size: sizeof(struct shadowk_probe_list)
 * @flags: must be 0
 * @clone_id: the clone whose probes to list
 * @count: input, room in @entries (in entries); output, the number of the
 *	clone's probes, which may be more than was room for
 * @entries: pointer to an array of &struct shadowk_probe_entry, filled in
 *	ascending order of probe id; may be 0 when @count is 0
 *
 * Errors: ENOENT (no such clone), EFAULT.
 */
struct shadowk_probe_list {
	__u32 size;
	__u32 flags;
	__u32 clone_id;
	__u32 count;
	__aligned_u64 entries;
};
#define SHADOWK_IOC_PROBE_LIST	_IO(SHADOWK_TYPE, SHADOWK_CMD_PROBE_LIST)

/**
 * enum shadowk_inject_policy - which calls of a bound process fail
 * @SHADOWK_INJECT_ALWAYS: every call
 * @SHADOWK_INJECT_EVERY_NTH: calls number n, 2n, 3n, ... where n is
 *	&struct shadowk_inject.nth
 * @SHADOWK_INJECT_FIRST_N: calls number 1 to n
 * @SHADOWK_INJECT_PROBABILITY: call number k fails when
 *	``splitmix64(seed + k * 0x9e3779b97f4a7c15) % 1000000 < ppm``, where
 *	splitmix64(z) is ``z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
 *	z = (z ^ (z >> 27)) * 0x94d049bb133111eb; return z ^ (z >> 31)`` in
 *	64-bit arithmetic.  The same seed fails the same calls, every run.
 *
 * Calls are numbered from 1 per process: all threads of a process share
 * one count, and a child bound by SHADOWK_BIND_INHERIT_FORK (or a process
 * bound later) starts its own count at 1.  A call counts when the
 * function is entered in task context by a thread of a bound process.
 * The count starts when the injection is set, and SHADOWK_IOC_INJECT on a
 * function that already has an injection starts it again.
 */
enum shadowk_inject_policy {
	SHADOWK_INJECT_ALWAYS = 0,
	SHADOWK_INJECT_EVERY_NTH = 1,
	SHADOWK_INJECT_FIRST_N = 2,
	SHADOWK_INJECT_PROBABILITY = 3
};

/**
 * enum shadowk_inject_flags - SHADOWK_IOC_INJECT flags
 * @SHADOWK_INJECT_FORCE: accept any traceable function and any value.
 *	Dangerous: the function returns at once without running, so its
 *	caller gets a value it may not expect (a pointer-returning function
 *	made to return an errno is dereferenced) and whatever the function
 *	should have done, like taking a lock or a reference, is not done.
 *	Without it, only system call entry points (``__x64_sys_*``) and
 *	functions the kernel marks as error-injectable take a negative
 *	errno.
 */
enum shadowk_inject_flags {
	SHADOWK_INJECT_FORCE = 1 << 0
};

#define SHADOWK_INJECT_PPM	1000000

/**
 * struct shadowk_inject - SHADOWK_IOC_INJECT
 * @size: sizeof(struct shadowk_inject)
 * @flags: a mask of &enum shadowk_inject_flags
 * @clone_id: the clone whose bound processes see the failures
 * @policy: an &enum shadowk_inject_policy
 * @addr: the function's address, or 0 to use @symbol
 * @value: what the function returns when a call fails, normally a
 *	negative errno (-4095 to -1)
 * @nth: n for SHADOWK_INJECT_EVERY_NTH and SHADOWK_INJECT_FIRST_N (at
 *	least 1), else 0
 * @seed: the seed for SHADOWK_INJECT_PROBABILITY, else 0
 * @ppm: the probability, in parts per million (1 to 1000000), for
 *	SHADOWK_INJECT_PROBABILITY, else 0
 * @__reserved: must be 0
 * @symbol: the function's name when @addr is 0, NUL-terminated
 * @site: output, the function-entry site
 *
 * Makes the function return @value at once, without running, in the calls
 * of bound processes that the policy picks.  Other calls, and every call
 * of unbound processes, run the function.  Setting an injection on a
 * function that has one replaces it (its counts start again).  On a
 * system call, only the 64-bit entry fails (see &enum shadowk_site_action).
 *
 * Errors: those for kernel functions above, and ENOENT (no such clone),
 * EINVAL (unknown policy or flag, @nth, @ppm or @seed out of range for the
 * policy, @value not a negative errno without SHADOWK_INJECT_FORCE),
 * EOPNOTSUPP (not a system call entry point nor error-injectable, without
 * SHADOWK_INJECT_FORCE), EBUSY (the function is redirected, or owned by
 * SHADOWK_SITE_RETURN, in this clone), ENOSPC (SHADOWK_MAX_INJECTS
 * injections in the clone), ENOTRECOVERABLE.
 */
struct shadowk_inject {
	__u32 size;
	__u32 flags;
	__u32 clone_id;
	__u32 policy;
	__aligned_u64 addr;
	__s64 value;
	__aligned_u64 nth;
	__aligned_u64 seed;
	__u32 ppm;
	__u32 __reserved;
	char symbol[SHADOWK_SYMBOL_LEN];
	__aligned_u64 site;
};
#define SHADOWK_IOC_INJECT	_IO(SHADOWK_TYPE, SHADOWK_CMD_INJECT)
#define SHADOWK_MAX_INJECTS	32

/**
 * struct shadowk_inject_read - SHADOWK_IOC_INJECT_READ
 * @size: sizeof(struct shadowk_inject_read)
 * @flags: must be 0
 * @clone_id: the clone
 * @policy: output, the injection's policy
 * @addr: the function's address, or 0 to use @symbol
 * @value: output, the value it returns
 * @calls: output, calls by bound processes the policy was asked about,
 *	all processes together
 * @injected: output, of those, the calls that failed
 * @symbol: the function's name when @addr is 0, NUL-terminated
 *
 * Errors: those for kernel functions above, and ENOENT (no such clone,
 * or no injection on that function in it).
 */
struct shadowk_inject_read {
	__u32 size;
	__u32 flags;
	__u32 clone_id;
	__u32 policy;
	__aligned_u64 addr;
	__s64 value;
	__aligned_u64 calls;
	__aligned_u64 injected;
	char symbol[SHADOWK_SYMBOL_LEN];
};
#define SHADOWK_IOC_INJECT_READ	_IO(SHADOWK_TYPE, SHADOWK_CMD_INJECT_READ)

/**
 * struct shadowk_inject_del - SHADOWK_IOC_INJECT_DEL
 * @size: sizeof(struct shadowk_inject_del)
 * @flags: must be 0
 * @clone_id: the clone
 * @__reserved: must be 0
 * @addr: the function's address, or 0 to use @symbol
 * @calls: output, the final count of calls, as for INJECT_READ
 * @injected: output, the final count of failed calls
 * @symbol: the function's name when @addr is 0, NUL-terminated
 *
 * Switches the injection off.  When it returns, every later call runs
 * the function.
 *
 * Errors: as for SHADOWK_IOC_INJECT_READ.
 */
struct shadowk_inject_del {
	__u32 size;
	__u32 flags;
	__u32 clone_id;
	__u32 __reserved;
	__aligned_u64 addr;
	__aligned_u64 calls;
	__aligned_u64 injected;
	char symbol[SHADOWK_SYMBOL_LEN];
};
#define SHADOWK_IOC_INJECT_DEL	_IO(SHADOWK_TYPE, SHADOWK_CMD_INJECT_DEL)

#endif /* _UAPI_LINUX_SHADOWK_H */
