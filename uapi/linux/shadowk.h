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
 * - on output, the kernel writes back at most ``size`` bytes, and sets
 *   ``size`` to the number it wrote: the smaller of the caller's size and
 *   its own struct's.  A newer caller learns so which fields were filled.
 *
 * Every ``flags`` member and every ``__reserved`` member must be zero
 * unless a flag is defined for it.  Members whose names begin with
 * ``out_`` are written by the kernel; what they hold on input is ignored,
 * so a struct can be passed again as it came back.  A ``count`` member is
 * both: the room the caller gives, and the number the kernel has.
 *
 * A list command (PROBE_LIST, INJECT_LIST, BPF_LIST, PROCESS_LIST,
 * CGROUP_LIST) also takes ``entry_size``, the
 * size of one entry as the caller's header has it.  The kernel writes the
 * entries that far apart and fills each up to the smaller of the two
 * sizes, so an entry can grow at its end like a command's struct.  An
 * ``entry_size`` smaller than the entry's first version gives EINVAL, one
 * larger than a page E2BIG.
 *
 * Limits (how many clones, probes and injections may live) are not part
 * of the ABI: &struct shadowk_info reports this module's.
 *
 * Every user of a kernel function (a probe, an injection, a site added by
 * SITE_ADD, a BPF program) has an id, never 0, from one id space for all kinds, and is
 * read and removed by it.  An id of one kind given to a command of
 * another gives ENOENT.  Ids are not reused soon.
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
 *	A clone id names no clone, a probe, injection or site id names none
 *	of that kind, or (for UNBIND) the process is not bound.
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
 *	code (SITE_ADD, PROBE_ADD, INJECT_SET) any more.  Reading, removing and
 *	destroying still work.  It stays loaded until reboot, saying so once
 *	in the kernel log.
 *
 * Kernel addresses in replies (a site, VERIFY's first difference) are 0
 * unless whoever opened the device may see kernel addresses, as
 * /proc/kallsyms decides for them (kptr_restrict, CAP_SYSLOG).
 *
 * Commands that name a kernel function (a &struct shadowk_func) add:
 *
 * ENOENT
 *	No kernel symbol has that name.
 * EINVAL
 *	Neither an address nor a symbol is given, or the symbol is not
 *	NUL-terminated.
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
 * exclude each other and SHADOWK_SITE_RETURN), one SHADOWK_IOC_SITE_ADD,
 * one BPF program at entry and one at return.  A second one gives EBUSY.  Different kinds share the function: a probe
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
	SHADOWK_CMD_INJECT_SET,
	SHADOWK_CMD_INJECT_READ,
	SHADOWK_CMD_INJECT_DEL,
	SHADOWK_CMD_INJECT_LIST,
	SHADOWK_CMD_PROCESS_INFO,
	SHADOWK_CMD_BPF_ATTACH,
	SHADOWK_CMD_BPF_DETACH,
	SHADOWK_CMD_BPF_LIST,
	SHADOWK_CMD_CLONE_PIN,
	SHADOWK_CMD_PROCESS_LIST,
	SHADOWK_CMD_CGROUP_BIND,
	SHADOWK_CMD_CGROUP_UNBIND,
	SHADOWK_CMD_CGROUP_LIST
};

/*
 * Bumped only for a change that old callers cannot detect through size.
 * Version 2 gave every user of a function an id, named outputs out_*,
 * and moved the limits into &struct shadowk_info.
 */
#define SHADOWK_ABI_VERSION	2

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
 * enum shadowk_features - what &struct shadowk_info.out_features may hold
 * @SHADOWK_FEATURE_RETURN_PROBES: SHADOWK_PROBE_RETURN works (the kernel
 *	has rethook)
 * @SHADOWK_FEATURE_BPF: SHADOWK_IOC_BPF_ATTACH works (the kernel has BPF
 *	system calls); on return too if @SHADOWK_FEATURE_RETURN_PROBES
 */
enum shadowk_features {
	SHADOWK_FEATURE_RETURN_PROBES = 1 << 0,
	SHADOWK_FEATURE_BPF = 1 << 1
};

/**
 * struct shadowk_info - SHADOWK_IOC_GET_INFO
 * @size: sizeof(struct shadowk_info)
 * @flags: must be 0
 * @out_abi_version: SHADOWK_ABI_VERSION of the module
 * @out_env: a mask of &enum shadowk_env_flags
 * @out_features: a mask of &enum shadowk_features this module and kernel
 *	offer
 * @out_ioctls: bit ``N`` is set when the command ``SHADOWK_CMD_BASE + N``
 *	is implemented
 * @out_max_clones: how many clones may live at once
 * @out_max_probes: how many probes may live at once, all clones together
 * @out_max_injects: how many injections one clone may hold at once
 * @out_name_len: the room in a clone's name, with its NUL
 *	(SHADOWK_NAME_LEN)
 * @out_max_inflight: how many calls of one return probe's function may be
 *	under way at once and all be watched (&struct shadowk_latency)
 * @out_max_bpf: how many BPF attachments may live at once, all clones
 *	together (0 from a module without SHADOWK_FEATURE_BPF)
 * @out_max_cgroups: how many cgroups may be bound at once, all clones
 *	together
 * @__reserved: 0
 *
 * The handshake.  Its command number and the members up to @out_ioctls
 * never change, so any version of a tool can ask any version of the
 * module what it speaks.
 */
struct shadowk_info {
	__u32 size;
	__u32 flags;
	__u32 out_abi_version;
	__u32 out_env;
	__aligned_u64 out_features;
	__aligned_u64 out_ioctls;
	__u32 out_max_clones;
	__u32 out_max_probes;
	__u32 out_max_injects;
	__u32 out_name_len;
	__u32 out_max_inflight;
	__u32 out_max_bpf;
	__u32 out_max_cgroups;
	__u32 __reserved;
};
#define SHADOWK_IOC_GET_INFO	_IO(SHADOWK_TYPE, SHADOWK_CMD_GET_INFO)

#define SHADOWK_NAME_LEN	32
#define SHADOWK_SYMBOL_LEN	128

/**
 * struct shadowk_func - a kernel function, as a command names it
 * @addr: its address, or 0 to name it by @symbol
 * @symbol: its name when @addr is 0, NUL-terminated; ignored otherwise
 *
 * Either way the function's entry site is what the command acts on.  The
 * name a user is listed under later is @symbol when one was given, so a
 * tool shows the function by the name its user chose, even where the
 * kernel has aliases (a zero-argument system call's ``__x64_sys_`` and
 * ``__do_sys_`` names are one address).
 */
struct shadowk_func {
	__aligned_u64 addr;
	char symbol[SHADOWK_SYMBOL_LEN];
};

/**
 * enum shadowk_create_flags - SHADOWK_IOC_CREATE flags
 * @SHADOWK_CREATE_TRANSIENT: the clone belongs to the open file it was
 *	created through, and is destroyed, as by SHADOWK_IOC_DESTROY, when
 *	that open file is released: when its last file descriptor is closed,
 *	which the kernel does for a process that dies, however it dies.
 *	Descriptors made from it by dup() or inherited by fork() keep it
 *	open; libshadowk opens the device with O_CLOEXEC, so an exec does
 *	not.  SHADOWK_IOC_CLONE_PIN makes it an ordinary clone.
 *
 * &struct shadowk_clone_info.out_flags reports the flag for as long as
 * it holds.
 */
enum shadowk_create_flags {
	SHADOWK_CREATE_TRANSIENT = 1 << 0
};

/**
 * struct shadowk_create - SHADOWK_IOC_CREATE
 * @size: sizeof(struct shadowk_create)
 * @flags: a mask of &enum shadowk_create_flags
 * @out_clone_id: the new clone's id (never 0)
 * @__reserved: must be 0
 * @name: optional NUL-terminated name; all zero for none.  Names are
 *	unique among live clones.
 *
 * Creates a copy-on-write clone of the core kernel text.  It costs only the
 * private upper page-table pages through which bound processes will see the
 * clone; until something in it is patched it maps the kernel's own frames.
 * A clone lives until SHADOWK_IOC_DESTROY or module unload, whether or not
 * the creating file stays open, unless it is transient.
 *
 * The module takes any bytes in a name; the shadowk tool accepts only
 * letters, digits and ``._-`` (not first), so that names are safe in
 * shells and columns.
 *
 * Errors: EINVAL (name not NUL-terminated, unknown flag), EEXIST (name in
 * use), ENOSPC (&struct shadowk_info.out_max_clones live clones), ENOMEM.
 */
struct shadowk_create {
	__u32 size;
	__u32 flags;
	__u32 out_clone_id;
	__u32 __reserved;
	char name[SHADOWK_NAME_LEN];
};
#define SHADOWK_IOC_CREATE	_IO(SHADOWK_TYPE, SHADOWK_CMD_CREATE)

/**
 * struct shadowk_destroy - SHADOWK_IOC_DESTROY
 * @size: sizeof(struct shadowk_destroy)
 * @flags: must be 0
 * @clone_id: the clone to destroy
 * @__reserved: must be 0
 *
 * Every process still bound to the clone is unbound first and from then
 * on runs the kernel's own text; nothing else happens to it.  Then the
 * clone's pages are freed, and its probes, injections and sites with
 * them.  Its id is not reused soon.
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
 * @out_name: its name (all zero if none)
 * @out_bound_mms: address spaces bound to it, not counting those of
 *	processes that have exited (even while the kernel still frees them)
 * @out_owned_sites: patch sites it owns
 * @out_private_frames: 4 KiB text frames it has copied
 * @out_pt_pages: page-table pages it has allocated
 * @out_bytes: all memory it uses, in bytes
 * @out_flags: SHADOWK_CREATE_TRANSIENT while the clone is transient
 * @out_owner_pid: for a transient clone, the process that created it, in
 *	the caller's pid namespace (0 if it is not visible there, or the
 *	clone is not transient).  The clone's life is its open file's, which
 *	that process may have passed on.
 * @out_cgroups: cgroups bound to it (SHADOWK_IOC_CGROUP_BIND)
 * @__reserved2: 0
 *
 * Errors: ENOENT.
 */
struct shadowk_clone_info {
	__u32 size;
	__u32 flags;
	__u32 clone_id;
	__u32 __reserved;
	char out_name[SHADOWK_NAME_LEN];
	__aligned_u64 out_bound_mms;
	__aligned_u64 out_owned_sites;
	__aligned_u64 out_private_frames;
	__aligned_u64 out_pt_pages;
	__aligned_u64 out_bytes;
	__u32 out_flags;
	__s32 out_owner_pid;
	__u32 out_cgroups;
	__u32 __reserved2;
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
 * struct shadowk_clone_pin - SHADOWK_IOC_CLONE_PIN
 * @size: sizeof(struct shadowk_clone_pin)
 * @flags: must be 0
 * @clone_id: the clone to keep
 * @__reserved: must be 0
 *
 * Makes a transient clone an ordinary one, which lives until
 * SHADOWK_IOC_DESTROY, as a pinned BPF link outlives its file
 * descriptor.  Any open /dev/shadowk may pin any clone; pinning a clone
 * that is not transient changes nothing.
 *
 * Errors: ENOENT.
 */
struct shadowk_clone_pin {
	__u32 size;
	__u32 flags;
	__u32 clone_id;
	__u32 __reserved;
};
#define SHADOWK_IOC_CLONE_PIN	_IO(SHADOWK_TYPE, SHADOWK_CMD_CLONE_PIN)

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
 * enum shadowk_bound_by - how a process came to be bound
 * @SHADOWK_BOUND_PID: SHADOWK_IOC_BIND named it
 * @SHADOWK_BOUND_FORK: it is the child of a process bound with
 *	SHADOWK_BIND_INHERIT_FORK
 * @SHADOWK_BOUND_EXEC: its binding was kept across an execve() by
 *	SHADOWK_BIND_INHERIT_EXEC
 * @SHADOWK_BOUND_CGROUP: it is in a cgroup bound by
 *	SHADOWK_IOC_CGROUP_BIND (however it got there, and across its execs)
 */
enum shadowk_bound_by {
	SHADOWK_BOUND_PID = 1,
	SHADOWK_BOUND_FORK = 2,
	SHADOWK_BOUND_EXEC = 3,
	SHADOWK_BOUND_CGROUP = 4
};

/**
 * struct shadowk_process_info - SHADOWK_IOC_PROCESS_INFO
 * @size: sizeof(struct shadowk_process_info)
 * @flags: must be 0
 * @pid: the process, as for BIND; 0 for the caller
 * @out_clone_id: the clone it is bound to, or 0 if it is on the kernel's
 *	own text
 * @out_bind_flags: the &enum shadowk_bind_flags of its binding, or 0
 * @__reserved: must be 0
 * @out_bound_by: an &enum shadowk_bound_by, or 0 when not bound
 * @__reserved2: 0
 * @out_cgroup_id: with SHADOWK_BOUND_CGROUP, the id of the bound cgroup
 *	(&struct shadowk_cgroup_bind.out_cgroup_id), else 0
 *
 * Which clone a process runs.  A process that is not bound is not an
 * error: @out_clone_id is 0.
 *
 * Errors: ESRCH, EINVAL, EPERM (no ptrace rights over the process).
 */
struct shadowk_process_info {
	__u32 size;
	__u32 flags;
	__s32 pid;
	__u32 out_clone_id;
	__u32 out_bind_flags;
	__u32 __reserved;
	__u32 out_bound_by;
	__u32 __reserved2;
	__aligned_u64 out_cgroup_id;
};
#define SHADOWK_IOC_PROCESS_INFO _IO(SHADOWK_TYPE, SHADOWK_CMD_PROCESS_INFO)

#define SHADOWK_COMM_LEN	16

/**
 * struct shadowk_process_entry - one process, as PROCESS_LIST gives it
 * @pid: its process id (thread-group id) in the caller's pid namespace
 * @bind_flags: the &enum shadowk_bind_flags of its binding
 * @bound_by: an &enum shadowk_bound_by
 * @__reserved: 0
 * @cgroup_id: as &struct shadowk_process_info.out_cgroup_id
 * @comm: its command name, as /proc/PID/comm has it, NUL-terminated
 *
 * Every member is an output.
 */
struct shadowk_process_entry {
	__s32 pid;
	__u32 bind_flags;
	__u32 bound_by;
	__u32 __reserved;
	__aligned_u64 cgroup_id;
	char comm[SHADOWK_COMM_LEN];
};

/**
 * struct shadowk_process_list - SHADOWK_IOC_PROCESS_LIST
 * @size: sizeof(struct shadowk_process_list)
 * @flags: must be 0
 * @clone_id: the clone whose bound processes to list
 * @count: input, room in @entries (in entries); output, the number of
 *	processes there are to list, which may be more than was room for
 * @entry_size: sizeof(struct shadowk_process_entry) (see "General ioctl
 *	format")
 * @__reserved: must be 0
 * @entries: pointer to an array of &struct shadowk_process_entry, filled
 *	in ascending order of pid; may be 0 when @count is 0
 *
 * A binding belongs to an address space, which normally is one process;
 * the entry names the process the binding was made for.  Processes that
 * have exited, and those the caller's pid namespace cannot see, are not
 * listed.  The list is a snapshot: a process may exit or be unbound as
 * it is read.
 *
 * Errors: ENOENT (no such clone), EINVAL (@entry_size too small), EFAULT.
 */
struct shadowk_process_list {
	__u32 size;
	__u32 flags;
	__u32 clone_id;
	__u32 count;
	__u32 entry_size;
	__u32 __reserved;
	__aligned_u64 entries;
};
#define SHADOWK_IOC_PROCESS_LIST _IO(SHADOWK_TYPE, SHADOWK_CMD_PROCESS_LIST)

/**
 * struct shadowk_cgroup_bind - SHADOWK_IOC_CGROUP_BIND
 * @size: sizeof(struct shadowk_cgroup_bind)
 * @flags: must be 0
 * @clone_id: the clone to bind to
 * @cgroup_fd: an open cgroup v2 directory (open(2) with O_RDONLY or
 *	O_PATH)
 * @out_cgroup_id: the cgroup's id: the inode number of its directory, as
 *	stat(2) gives it, and the id BPF's bpf_get_current_cgroup_id() gives
 * @out_bound: the processes this call bound
 * @__reserved: must be 0
 *
 * Binds every process of the cgroup and of the cgroups below it to the
 * clone, and from then on every process that enters that subtree: by
 * fork() or clone() (a child born in it, with CLONE_INTO_CGROUP too), or
 * by being moved in (a write of its pid to cgroup.procs).  A process that
 * leaves the subtree (moved out, or born outside it with
 * CLONE_INTO_CGROUP) is unbound.  A move is followed by the time the
 * write to cgroup.procs returns to the process that made it.  A process is
 * in the cgroup that its main thread (the thread-group leader) is in, so
 * moving another thread alone (cgroup.threads) changes nothing.
 *
 * A process bound otherwise (by pid, or to another clone) when it enters
 * is left as it is, and stays so when it leaves: an explicit binding is
 * never taken over.  A process of the cgroup unbound by SHADOWK_IOC_UNBIND
 * stays unbound until it enters again; its children born later are bound.
 *
 * The binding follows a process across execve() as
 * SHADOWK_BIND_INHERIT_EXEC does, and so ends at an exec that raises its
 * privileges.  It never takes a process whose address space the kernel
 * marks as not dumpable: a program entered by a privileged exec
 * (set-user-ID, set-group-ID, file capabilities; with the default
 * fs.suid_dumpable), which passes the mark to its children, or one that
 * has made itself not dumpable (prctl PR_SET_DUMPABLE), as ptrace refuses
 * to look into them.  Kernel threads are never bound.
 *
 * Since it binds processes that enter later, whoever they belong to, it
 * needs CAP_SYS_PTRACE besides the device's CAP_SYS_ADMIN.  The binding
 * lives until SHADOWK_IOC_CGROUP_UNBIND or the clone's end; a cgroup that
 * is removed meanwhile stays bound, empty.
 *
 * Errors: ENOENT (no such clone), EBADF (@cgroup_fd is not an open cgroup
 * v2 directory), EBUSY (this cgroup, one above it or one below it is
 * bound already, to any clone), EPERM (no CAP_SYS_PTRACE), ENOSPC
 * (&struct shadowk_info.out_max_cgroups bound), ENOMEM, ENOTRECOVERABLE.
 */
struct shadowk_cgroup_bind {
	__u32 size;
	__u32 flags;
	__u32 clone_id;
	__s32 cgroup_fd;
	__aligned_u64 out_cgroup_id;
	__u32 out_bound;
	__u32 __reserved;
};
#define SHADOWK_IOC_CGROUP_BIND	_IO(SHADOWK_TYPE, SHADOWK_CMD_CGROUP_BIND)

/**
 * struct shadowk_cgroup_unbind - SHADOWK_IOC_CGROUP_UNBIND
 * @size: sizeof(struct shadowk_cgroup_unbind)
 * @flags: must be 0
 * @cgroup_id: the bound cgroup, by its id (which a removed cgroup keeps)
 * @out_unbound: the processes this call unbound
 * @__reserved2: 0
 *
 * Ends the cgroup's binding: every process it bound is unbound, and no
 * process is bound by entering the cgroup any more.  Processes bound
 * otherwise stay bound.
 *
 * Errors: ENOENT (the cgroup is not bound).
 */
struct shadowk_cgroup_unbind {
	__u32 size;
	__u32 flags;
	__aligned_u64 cgroup_id;
	__u32 out_unbound;
	__u32 __reserved2;
};
#define SHADOWK_IOC_CGROUP_UNBIND _IO(SHADOWK_TYPE, SHADOWK_CMD_CGROUP_UNBIND)

#define SHADOWK_CGROUP_PATH_LEN	256

/**
 * struct shadowk_cgroup_entry - one bound cgroup, as CGROUP_LIST gives it
 * @cgroup_id: its id
 * @processes: the live processes bound through it
 * @__reserved: 0
 * @path: its path below the root of the caller's cgroup namespace, as
 *	/proc/self/cgroup writes it, NUL-terminated; cut to fit, with
 *	nothing to tell so but its length of SHADOWK_CGROUP_PATH_LEN - 1
 *	(@cgroup_id names it either way)
 *
 * Every member is an output.
 */
struct shadowk_cgroup_entry {
	__aligned_u64 cgroup_id;
	__u32 processes;
	__u32 __reserved;
	char path[SHADOWK_CGROUP_PATH_LEN];
};

/**
 * struct shadowk_cgroup_list - SHADOWK_IOC_CGROUP_LIST
 * @size: sizeof(struct shadowk_cgroup_list)
 * @flags: must be 0
 * @clone_id: the clone whose bound cgroups to list
 * @count: input, room in @entries (in entries); output, the number of
 *	the clone's bound cgroups, which may be more than was room for
 * @entry_size: sizeof(struct shadowk_cgroup_entry)
 * @__reserved: must be 0
 * @entries: pointer to an array of &struct shadowk_cgroup_entry, in the
 *	order they were bound; may be 0 when @count is 0
 *
 * Errors: ENOENT (no such clone), EINVAL (@entry_size too small), EFAULT.
 */
struct shadowk_cgroup_list {
	__u32 size;
	__u32 flags;
	__u32 clone_id;
	__u32 count;
	__u32 entry_size;
	__u32 __reserved;
	__aligned_u64 entries;
};
#define SHADOWK_IOC_CGROUP_LIST	_IO(SHADOWK_TYPE, SHADOWK_CMD_CGROUP_LIST)

/**
 * struct shadowk_verify - SHADOWK_IOC_VERIFY
 * @size: sizeof(struct shadowk_verify)
 * @flags: must be 0
 * @clone_id: the clone to check
 * @__reserved: must be 0
 * @out_diff_bytes: text bytes that differ from the running kernel outside
 *	the sites the clone owns
 * @out_diff_entries: page-table entries that map something other than the
 *	running kernel does, outside what the clone has made private
 * @out_first_diff: address of the first differing byte, or 0
 * @out_checked_bytes: private text bytes compared
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
	__aligned_u64 out_diff_bytes;
	__aligned_u64 out_diff_entries;
	__aligned_u64 out_first_diff;
	__aligned_u64 out_checked_bytes;
};
#define SHADOWK_IOC_VERIFY	_IO(SHADOWK_TYPE, SHADOWK_CMD_VERIFY)

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
 * @value: the return value for SHADOWK_SITE_RETURN, else 0
 * @func: the function
 * @out_site_id: the new site's id
 * @__reserved: must be 0
 * @out_site: the address of the function-entry site now owned
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
 * function), EINVAL (unknown action or flag, a value without an action
 * that uses it), EOPNOTSUPP (SHADOWK_SITE_RETURN on a function that is
 * not a system call entry point), ENOTRECOVERABLE.
 */
struct shadowk_site_add {
	__u32 size;
	__u32 flags;
	__u32 clone_id;
	__u32 action;
	__s64 value;
	struct shadowk_func func;
	__u32 out_site_id;
	__u32 __reserved;
	__aligned_u64 out_site;
};
#define SHADOWK_IOC_SITE_ADD	_IO(SHADOWK_TYPE, SHADOWK_CMD_SITE_ADD)

/**
 * struct shadowk_site_del - SHADOWK_IOC_SITE_DEL
 * @size: sizeof(struct shadowk_site_del)
 * @flags: must be 0
 * @site_id: the site, as SITE_ADD gave it
 * @__reserved: must be 0
 *
 * When it returns, no CPU runs shadowk's code for this site any more.
 *
 * Errors: ENOENT (no such site).
 */
struct shadowk_site_del {
	__u32 size;
	__u32 flags;
	__u32 site_id;
	__u32 __reserved;
};
#define SHADOWK_IOC_SITE_DEL	_IO(SHADOWK_TYPE, SHADOWK_CMD_SITE_DEL)

/**
 * enum shadowk_probe_flags - SHADOWK_IOC_PROBE_ADD flags
 * @SHADOWK_PROBE_IRQ: also count calls made in interrupt context (hard or
 *	soft) while a thread of a bound process is the interrupted task.  By
 *	default a probe counts only calls a bound process makes itself, in
 *	task context.  Kernel threads never count, even when they borrow a
 *	bound address space.
 * @SHADOWK_PROBE_RETURN: also see each call's return, through the kernel's
 *	own return hooks (rethook, as kretprobes use): its time from entry
 *	to return and whether it returned an error (&struct shadowk_latency).
 *	Calls in task context only, whatever @SHADOWK_PROBE_IRQ says.  Stack
 *	traces taken during the call name the real callers, as with a
 *	kretprobe.  Errors: EOPNOTSUPP when the kernel has no rethook.
 */
enum shadowk_probe_flags {
	SHADOWK_PROBE_IRQ = 1 << 0,
	SHADOWK_PROBE_RETURN = 1 << 1
};

/* Buckets of &struct shadowk_probe_read.out_hist: one per power of two. */
#define SHADOWK_LATENCY_BUCKETS	64

/**
 * struct shadowk_latency - what a return probe saw (SHADOWK_PROBE_RETURN)
 * @returns: calls whose return was seen (each also counted as a hit)
 * @errors: of those, returns of a negative errno (-4095..-1, as a long or
 *	an ERR_PTR; meaningless for a function that returns neither)
 * @missed: calls whose return could not be watched: more calls of the
 *	function were under way at once than the probe has room for
 *	(&struct shadowk_info.out_max_inflight); each is still a hit
 * @total_ns: the sum of their times, entry to return, in nanoseconds
 * @min_ns: the shortest (0 when @returns is 0)
 * @max_ns: the longest
 *
 * Times include whatever the call waited for (sleeps, preemption).  A
 * call still under way when the probe is read is not in these; one still
 * under way when the probe is removed is never counted.
 */
struct shadowk_latency {
	__aligned_u64 returns;
	__aligned_u64 errors;
	__aligned_u64 missed;
	__aligned_u64 total_ns;
	__aligned_u64 min_ns;
	__aligned_u64 max_ns;
};

/**
 * struct shadowk_probe_add - SHADOWK_IOC_PROBE_ADD
 * @size: sizeof(struct shadowk_probe_add)
 * @flags: a mask of &enum shadowk_probe_flags
 * @clone_id: the clone to probe in
 * @out_probe_id: the new probe's id
 * @func: the function
 * @out_site: the address of the function-entry site probed
 *
 * Counts calls of a function by processes bound to the clone.  A hit is a
 * direct call into shadowk from the function's entry site in the clone's
 * text; unbound processes run the kernel's own bytes and are never seen.
 * A probe lives until SHADOWK_IOC_PROBE_DEL or the clone's end.
 *
 * Errors: those for kernel functions above, and ENOENT (no such clone),
 * EBUSY (the clone probes this function already), EINVAL (unknown flag),
 * ENOSPC (&struct shadowk_info.out_max_probes live probes),
 * ENOTRECOVERABLE.
 */
struct shadowk_probe_add {
	__u32 size;
	__u32 flags;
	__u32 clone_id;
	__u32 out_probe_id;
	struct shadowk_func func;
	__aligned_u64 out_site;
};
#define SHADOWK_IOC_PROBE_ADD	_IO(SHADOWK_TYPE, SHADOWK_CMD_PROBE_ADD)

/**
 * struct shadowk_probe_del - SHADOWK_IOC_PROBE_DEL
 * @size: sizeof(struct shadowk_probe_del)
 * @flags: must be 0
 * @probe_id: the probe to remove
 * @__reserved: must be 0
 * @out_hits: its final count
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
	__aligned_u64 out_hits;
};
#define SHADOWK_IOC_PROBE_DEL	_IO(SHADOWK_TYPE, SHADOWK_CMD_PROBE_DEL)

/**
 * struct shadowk_probe_read - SHADOWK_IOC_PROBE_READ
 * @size: sizeof(struct shadowk_probe_read)
 * @flags: must be 0
 * @probe_id: the probe to read
 * @out_clone_id: its clone
 * @out_hits: calls counted, summed over CPUs
 * @out_site: the function-entry site it counts
 * @out_latency: for a return probe, its returns and times; else zeros
 * @out_hist: for a return probe, its returns by time: bucket i counts the
 *	calls that took from 2^i to 2^(i+1)-1 ns (bucket 0 also those of 0 ns)
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
	__u32 out_clone_id;
	__aligned_u64 out_hits;
	__aligned_u64 out_site;
	struct shadowk_latency out_latency;
	__aligned_u64 out_hist[SHADOWK_LATENCY_BUCKETS];
};
#define SHADOWK_IOC_PROBE_READ	_IO(SHADOWK_TYPE, SHADOWK_CMD_PROBE_READ)

/**
 * struct shadowk_probe_entry - one probe, as SHADOWK_IOC_PROBE_LIST gives it
 * @probe_id: its id
 * @flags: the flags it was added with
 * @site: the function-entry site it counts
 * @hits: calls counted, summed over CPUs
 * @symbol: the function's name as its adder gave it (or, when it was
 *	added by address, the kernel's name for it), NUL-terminated
 * @latency: for a return probe, its returns and times; else zeros (not
 *	in entries of the first version's size, which end at @symbol)
 *
 * Every member is an output.
 */
struct shadowk_probe_entry {
	__u32 probe_id;
	__u32 flags;
	__aligned_u64 site;
	__aligned_u64 hits;
	char symbol[SHADOWK_SYMBOL_LEN];
	struct shadowk_latency latency;
};

/**
 * struct shadowk_probe_list - SHADOWK_IOC_PROBE_LIST
 * @size: sizeof(struct shadowk_probe_list)
 * @flags: must be 0
 * @clone_id: the clone whose probes to list
 * @count: input, room in @entries (in entries); output, the number of the
 *	clone's probes, which may be more than was room for
 * @entry_size: sizeof(struct shadowk_probe_entry) (see "General ioctl
 *	format")
 * @__reserved: must be 0
 * @entries: pointer to an array of &struct shadowk_probe_entry, filled in
 *	ascending order of probe id; may be 0 when @count is 0
 *
 * Errors: ENOENT (no such clone), EINVAL (@entry_size too small), EFAULT.
 */
struct shadowk_probe_list {
	__u32 size;
	__u32 flags;
	__u32 clone_id;
	__u32 count;
	__u32 entry_size;
	__u32 __reserved;
	__aligned_u64 entries;
};
#define SHADOWK_IOC_PROBE_LIST	_IO(SHADOWK_TYPE, SHADOWK_CMD_PROBE_LIST)

/**
 * enum shadowk_inject_policy - which calls of a bound process fail
 * @SHADOWK_INJECT_ALWAYS: every call
 * @SHADOWK_INJECT_EVERY_NTH: calls number n, 2n, 3n, ... where n is
 *	&struct shadowk_inject_set.nth
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
 * The count starts when the injection is set, and SHADOWK_IOC_INJECT_SET
 * on a function that already has an injection starts it again.
 */
enum shadowk_inject_policy {
	SHADOWK_INJECT_ALWAYS = 0,
	SHADOWK_INJECT_EVERY_NTH = 1,
	SHADOWK_INJECT_FIRST_N = 2,
	SHADOWK_INJECT_PROBABILITY = 3
};

/**
 * enum shadowk_inject_flags - SHADOWK_IOC_INJECT_SET flags
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
 * struct shadowk_inject_set - SHADOWK_IOC_INJECT_SET
 * @size: sizeof(struct shadowk_inject_set)
 * @flags: a mask of &enum shadowk_inject_flags
 * @clone_id: the clone whose bound processes see the failures
 * @policy: an &enum shadowk_inject_policy
 * @value: what the function returns when a call fails, normally a
 *	negative errno (-4095 to -1)
 * @nth: n for SHADOWK_INJECT_EVERY_NTH and SHADOWK_INJECT_FIRST_N (at
 *	least 1), else 0
 * @seed: the seed for SHADOWK_INJECT_PROBABILITY, else 0
 * @ppm: the probability, in parts per million (1 to 1000000), for
 *	SHADOWK_INJECT_PROBABILITY, else 0
 * @out_inject_id: the injection's id
 * @func: the function
 * @out_site: the function-entry site
 *
 * Makes the function return @value at once, without running, in the calls
 * of bound processes that the policy picks.  Other calls, and every call
 * of unbound processes, run the function.  Setting an injection on a
 * function that has one in the clone replaces it: the id stays, the
 * policy is the new one and its counts start again.  On a system call,
 * only the 64-bit entry fails (see &enum shadowk_site_action).
 *
 * Errors: those for kernel functions above, and ENOENT (no such clone),
 * EINVAL (unknown policy or flag, @nth, @ppm or @seed out of range for the
 * policy, @value not a negative errno without SHADOWK_INJECT_FORCE),
 * EOPNOTSUPP (not a system call entry point nor error-injectable, without
 * SHADOWK_INJECT_FORCE), EBUSY (the function is redirected, or owned by
 * SHADOWK_SITE_RETURN, in this clone), ENOSPC (&struct
 * shadowk_info.out_max_injects injections in the clone), ENOTRECOVERABLE.
 */
struct shadowk_inject_set {
	__u32 size;
	__u32 flags;
	__u32 clone_id;
	__u32 policy;
	__s64 value;
	__aligned_u64 nth;
	__aligned_u64 seed;
	__u32 ppm;
	__u32 out_inject_id;
	struct shadowk_func func;
	__aligned_u64 out_site;
};
#define SHADOWK_IOC_INJECT_SET	_IO(SHADOWK_TYPE, SHADOWK_CMD_INJECT_SET)

/**
 * struct shadowk_inject_entry - one injection, as INJECT_READ and
 *	INJECT_LIST give it
 * @inject_id: its id
 * @clone_id: its clone
 * @flags: the flags it was set with
 * @policy: its &enum shadowk_inject_policy
 * @value: the value it returns
 * @nth: its n, for the policies that have one
 * @seed: its seed, for SHADOWK_INJECT_PROBABILITY
 * @ppm: its probability, for SHADOWK_INJECT_PROBABILITY
 * @__reserved: 0
 * @site: the function-entry site
 * @calls: calls by bound processes the policy was asked about, all
 *	processes together
 * @injected: of those, the calls that failed
 * @symbol: the function's name, as for &struct shadowk_probe_entry
 *
 * Every member is an output.
 */
struct shadowk_inject_entry {
	__u32 inject_id;
	__u32 clone_id;
	__u32 flags;
	__u32 policy;
	__s64 value;
	__aligned_u64 nth;
	__aligned_u64 seed;
	__u32 ppm;
	__u32 __reserved;
	__aligned_u64 site;
	__aligned_u64 calls;
	__aligned_u64 injected;
	char symbol[SHADOWK_SYMBOL_LEN];
};

/**
 * struct shadowk_inject_read - SHADOWK_IOC_INJECT_READ
 * @size: sizeof(struct shadowk_inject_read)
 * @flags: must be 0
 * @inject_id: the injection to read
 * @__reserved: must be 0
 * @out: what it is, and its counts so far
 *
 * Errors: ENOENT (no such injection).
 */
struct shadowk_inject_read {
	__u32 size;
	__u32 flags;
	__u32 inject_id;
	__u32 __reserved;
	struct shadowk_inject_entry out;
};
#define SHADOWK_IOC_INJECT_READ	_IO(SHADOWK_TYPE, SHADOWK_CMD_INJECT_READ)

/**
 * struct shadowk_inject_del - SHADOWK_IOC_INJECT_DEL
 * @size: sizeof(struct shadowk_inject_del)
 * @flags: must be 0
 * @inject_id: the injection to switch off
 * @__reserved: must be 0
 * @out_calls: the final count of calls, as in &struct shadowk_inject_entry
 * @out_injected: the final count of failed calls
 *
 * When it returns, every later call runs the function.
 *
 * Errors: ENOENT (no such injection).
 */
struct shadowk_inject_del {
	__u32 size;
	__u32 flags;
	__u32 inject_id;
	__u32 __reserved;
	__aligned_u64 out_calls;
	__aligned_u64 out_injected;
};
#define SHADOWK_IOC_INJECT_DEL	_IO(SHADOWK_TYPE, SHADOWK_CMD_INJECT_DEL)

/**
 * struct shadowk_inject_list - SHADOWK_IOC_INJECT_LIST
 * @size: sizeof(struct shadowk_inject_list)
 * @flags: must be 0
 * @clone_id: the clone whose injections to list
 * @count: input, room in @entries (in entries); output, the number of the
 *	clone's injections, which may be more than was room for
 * @entry_size: sizeof(struct shadowk_inject_entry) (see "General ioctl
 *	format")
 * @__reserved: must be 0
 * @entries: pointer to an array of &struct shadowk_inject_entry, filled in
 *	ascending order of id; may be 0 when @count is 0
 *
 * Errors: ENOENT (no such clone), EINVAL (@entry_size too small), EFAULT.
 */
struct shadowk_inject_list {
	__u32 size;
	__u32 flags;
	__u32 clone_id;
	__u32 count;
	__u32 entry_size;
	__u32 __reserved;
	__aligned_u64 entries;
};
#define SHADOWK_IOC_INJECT_LIST	_IO(SHADOWK_TYPE, SHADOWK_CMD_INJECT_LIST)

/**
 * enum shadowk_bpf_flags - SHADOWK_IOC_BPF_ATTACH flags
 * @SHADOWK_BPF_RETURN: run the program when the function returns (as a
 *	kretprobe program), not when it is entered (as a kprobe program).
 *	The return is hooked as for SHADOWK_PROBE_RETURN, with the same
 *	room for calls under way; a call beyond it runs no program and is
 *	counted as missed.  Errors: EOPNOTSUPP when the kernel has no
 *	rethook.
 */
enum shadowk_bpf_flags {
	SHADOWK_BPF_RETURN = 1 << 0
};

/**
 * struct shadowk_bpf_attach - SHADOWK_IOC_BPF_ATTACH
 * @size: sizeof(struct shadowk_bpf_attach)
 * @flags: a mask of &enum shadowk_bpf_flags
 * @clone_id: the clone whose text runs the program
 * @prog_fd: a BPF program of type BPF_PROG_TYPE_KPROBE, loaded with no
 *	expected attach type (libbpf's ``kprobe/`` and ``kretprobe/``
 *	sections)
 * @func: the function
 * @out_bpf_id: the attachment's id
 * @out_prog_id: the kernel's id of the program (``bpftool prog show id``)
 * @out_site: the address of the function-entry site
 *
 * Runs the program on every call of the function by a process bound to
 * the clone, in task context; unbound processes never run it and pay
 * nothing.  The program's context is a &struct pt_regs as a kprobe (or,
 * with @SHADOWK_BPF_RETURN, a kretprobe) program on the function would
 * see: the arguments (PT_REGS_PARMn) at entry, the return value
 * (PT_REGS_RC) at return, and a stack pointer and instruction pointer the
 * kernel's stack helpers unwind from.  It has the helpers of a kprobe
 * program; bpf_get_func_ip() gives 0 and bpf_get_attach_cookie() 0.  A
 * program that is about to run while another BPF program runs on the
 * same CPU does not run, and is counted as missed, as the kernel does for
 * kprobes.  Its return value is ignored.
 *
 * The attachment holds a reference to the program (and so to its maps)
 * until SHADOWK_IOC_BPF_DETACH or the clone's end; @prog_fd may be closed
 * at once.
 *
 * Errors: those for kernel functions above, and ENOENT (no such clone),
 * EBADF (@prog_fd is not a file descriptor), EINVAL (not a BPF program of
 * type kprobe, an unknown flag, or a kprobe program with an expected
 * attach type, such as kprobe.multi or uprobe), EOPNOTSUPP (the program
 * is sleepable or calls bpf_override_return(), which a scoped site cannot
 * honour: use SHADOWK_IOC_INJECT_SET; or the kernel lacks what the
 * command needs, see &enum shadowk_features), EBUSY (the clone runs a
 * program there already, in the same direction), ENOSPC
 * (&struct shadowk_info.out_max_bpf attachments live), ENOTRECOVERABLE.
 */
struct shadowk_bpf_attach {
	__u32 size;
	__u32 flags;
	__u32 clone_id;
	__s32 prog_fd;
	struct shadowk_func func;
	__u32 out_bpf_id;
	__u32 out_prog_id;
	__aligned_u64 out_site;
};
#define SHADOWK_IOC_BPF_ATTACH	_IO(SHADOWK_TYPE, SHADOWK_CMD_BPF_ATTACH)

/**
 * struct shadowk_bpf_detach - SHADOWK_IOC_BPF_DETACH
 * @size: sizeof(struct shadowk_bpf_detach)
 * @flags: must be 0
 * @bpf_id: the attachment to remove
 * @__reserved: must be 0
 * @out_runs: how many times the program ran, in all
 * @out_missed: how many times it did not, as &struct shadowk_bpf_entry
 *	counts them
 *
 * When it returns, the program runs no more and no CPU runs shadowk's
 * code for it; the program is released (and freed, with its maps, if
 * nothing else holds it).
 *
 * Errors: ENOENT (no such attachment).
 */
struct shadowk_bpf_detach {
	__u32 size;
	__u32 flags;
	__u32 bpf_id;
	__u32 __reserved;
	__aligned_u64 out_runs;
	__aligned_u64 out_missed;
};
#define SHADOWK_IOC_BPF_DETACH	_IO(SHADOWK_TYPE, SHADOWK_CMD_BPF_DETACH)

/**
 * struct shadowk_bpf_entry - one attachment, as SHADOWK_IOC_BPF_LIST gives it
 * @bpf_id: its id
 * @flags: the flags it was attached with
 * @prog_id: the kernel's id of its program
 * @__reserved: 0
 * @site: the function-entry site
 * @runs: how many times the program ran
 * @missed: calls of a bound process that ran no program: another BPF
 *	program was running on the CPU, or (@SHADOWK_BPF_RETURN) more calls
 *	were under way than there is room for
 * @symbol: the function's name, as in &struct shadowk_probe_entry
 * @prog_name: the program's name as the kernel has it (BPF_OBJ_NAME_LEN,
 *	NUL-terminated; libbpf gives it the program's C name)
 * @latency: with @SHADOWK_BPF_RETURN, the calls' times as a return probe
 *	measures them; else zeros
 *
 * Every member is an output.
 */
struct shadowk_bpf_entry {
	__u32 bpf_id;
	__u32 flags;
	__u32 prog_id;
	__u32 __reserved;
	__aligned_u64 site;
	__aligned_u64 runs;
	__aligned_u64 missed;
	char symbol[SHADOWK_SYMBOL_LEN];
	char prog_name[16];
	struct shadowk_latency latency;
};

/**
 * struct shadowk_bpf_list - SHADOWK_IOC_BPF_LIST
 * @size: sizeof(struct shadowk_bpf_list)
 * @flags: must be 0
 * @clone_id: the clone whose attachments to list
 * @count: input, room in @entries (in entries); output, the number of the
 *	clone's attachments, which may be more than was room for
 * @entry_size: sizeof(struct shadowk_bpf_entry) (see "General ioctl
 *	format")
 * @__reserved: must be 0
 * @entries: pointer to an array of &struct shadowk_bpf_entry, filled in
 *	ascending order of id; may be 0 when @count is 0
 *
 * Errors: ENOENT (no such clone), EINVAL (@entry_size too small), EFAULT.
 */
struct shadowk_bpf_list {
	__u32 size;
	__u32 flags;
	__u32 clone_id;
	__u32 count;
	__u32 entry_size;
	__u32 __reserved;
	__aligned_u64 entries;
};
#define SHADOWK_IOC_BPF_LIST	_IO(SHADOWK_TYPE, SHADOWK_CMD_BPF_LIST)

#endif /* _UAPI_LINUX_SHADOWK_H */
