// SPDX-License-Identifier: GPL-2.0
/*
 * shadowk_fuzz: random and mutated calls of every /dev/shadowk command.
 *
 *   shadowk_fuzz [-n CALLS] [-t THREADS] [-s SEED]
 *
 * Worker threads issue the commands with sizes, flags, ids, pids,
 * addresses, symbol strings and buffers drawn from what is valid, what is
 * nearly valid and what is garbage (buffers that fault, tails that are
 * dirty, names that are not NUL-terminated).  Meanwhile one thread keeps
 * child processes forking, exec'ing and exiting while they are bound, and
 * another makes the kernel patch its own text (the function tracer,
 * kprobes, static keys and tracepoints).  Every errno must be one that
 * uapi/linux/shadowk.h documents for the command; the kernel log
 * (/dev/kmsg) must show no report (KASAN, lockdep, RCU, might_sleep,
 * UBSAN, WARN, BUG).  The last line is
 *
 *   fuzz: N calls, N errors by errno (...), N undocumented, N reports
 *
 * and the exit status is 0 only when both of the last two are 0.  The
 * fuzzer never binds itself or any process but its own children, so that
 * an injected failure cannot stop the run.
 */

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "shadowk_test.h"

#define NR_CMDS		(SHADOWK_CMD_CGROUP_LIST - SHADOWK_CMD_BASE + 1)
/*
 * Cgroups of the fuzzer's own, one inside the other and one beside them,
 * which its children are moved into and out of, and which are bound.
 */
#define CGROOT		"/sys/fs/cgroup"
#define NR_CGROUPS	3
static const char *const cgroup_dirs[NR_CGROUPS] = {
	CGROOT "/sk_fuzz_a", CGROOT "/sk_fuzz_a/sub", CGROOT "/sk_fuzz_b",
};
static int cgroup_fds[NR_CGROUPS] = { -1, -1, -1 };
#define POOL		16
#define MAX_CHILDREN	4
#define TRACING		"/sys/kernel/tracing"
/*
 * Processes and the kernel's own text changes paced by calls made, so that
 * a run's mix does not depend on how fast the machine is: a child is born
 * every CHURN_EVERY calls, the kernel patches itself every PATCH_EVERY.
 */
#define CHURN_EVERY	250
#define PATCH_EVERY	2500
/*
 * The function tracer on every function rewrites every fentry site twice,
 * under text_mutex: a minute on the debug kernel, when every command
 * waits.  Once a run, at the patcher's eighth action.
 */
#define TRACE_ALL_AT	8

/*
 * ftrace applies a filter written to set_ftrace_filter when the last
 * reference to the open file goes, and a child forked while the patcher
 * has the file open holds one until it execs or exits: the filter would
 * change at any moment after, with the function tracer on every function
 * in between.  So no fork while the patcher has a tracing file open.
 */
static pthread_mutex_t tracefs_lock = PTHREAD_MUTEX_INITIALIZER;

static const char *const functions[] = {
	/* System calls the children make; safe to fail for them. */
	"__x64_sys_getppid", "__x64_sys_getuid", "__x64_sys_getgid",
	"__x64_sys_getpgrp", "__x64_sys_sched_yield", "__x64_sys_newuname",
	/* Traceable functions under them and elsewhere (probes, sites). */
	"vfs_read", "vfs_write", "do_sys_openat2", "kernel_clone",
	"do_exit", "begin_new_exec", "ksys_read", "__fput",
	/* Refused, each for its own documented reason. */
	"jiffies", "_text", "memcpy", "asm_exc_int3", "entry_SYSCALL_64",
	"kprobe_ftrace_handler", "no_such_function_at_all", "",
};
#define NR_FUNCTIONS	(sizeof(functions) / sizeof(functions[0]))
/* functions[0..5] are the only ones that may be made to fail. */
#define NR_FAILABLE	6

static atomic_ulong calls;
static unsigned long target = 100000;
static atomic_int stop;
static atomic_ulong by_errno[256];
static atomic_ulong undocumented;

static atomic_ulong ns_by_cmd[NR_CMDS + 1];	/* the last: not a command */
static atomic_ulong calls_by_cmd[NR_CMDS + 1];
static atomic_ulong max_ns_by_cmd[NR_CMDS + 1];

static _Atomic __u32 clone_ids[POOL];
/* Ids of users of functions: probes, injections and sites, one space. */
static _Atomic __u32 user_ids[POOL];
static _Atomic pid_t child_pids[MAX_CHILDREN];

static char *mapped;	/* a page, then a PROT_NONE page */
static unsigned long kaddrs[NR_FUNCTIONS];
static int patch_actions;
static int filters_refused;
static unsigned int seed0 = 1;

/*
 * Each call is of one class, so that a run's cost stays bounded (a real
 * change costs a grace period or two; a refusal costs microseconds) while
 * every class is reached often:
 *   SANE     well-formed, live ids, real functions: the state machine;
 *   GARBAGE  well-formed, but ids, pids, names, addresses or buffers wrong:
 *            the checks behind the struct's;
 *   BROKEN   the struct itself wrong: size, flags, reserved words, tail,
 *            the pointer to it, or the command number.
 */
enum call_class { SANE, GARBAGE, BROKEN };
#define SANE_PERCENT	2
#define GARBAGE_PERCENT	28
static __thread enum call_class klass;

/* In a class that allows both: valid @percent of the time. */
static int valid_pick(__u64 *s, int percent);

static __u64 rnd(__u64 *s)
{
	*s += 0x9e3779b97f4a7c15ULL;
	return sk_splitmix(*s, 0);
}

static int chance(__u64 *s, int percent)
{
	return (int)(rnd(s) % 100) < percent;
}

static int valid_pick(__u64 *s, int percent)
{
	return klass == SANE || (klass == BROKEN && chance(s, percent));
}

/* Documented errnos: for every command, then per command. */
static int documented(unsigned int nr, int err)
{
	static const int common[] = { ENOTTY, EINVAL, E2BIG, EFAULT, ENOENT,
				      ESRCH, ENOMEM, ENOTRECOVERABLE };
	static const int function[] = { ERANGE, EXDEV, ENXIO, EACCES, EPERM };
	unsigned int i;

	for (i = 0; i < sizeof(common) / sizeof(common[0]); i++)
		if (err == common[i])
			return 1;
	switch (nr) {
	case SHADOWK_CMD_CREATE:
		return err == EEXIST || err == ENOSPC;
	case SHADOWK_CMD_BIND:
		return err == EPERM || err == EBUSY;
	case SHADOWK_CMD_UNBIND:
	case SHADOWK_CMD_PROCESS_INFO:
		return err == EPERM;
	case SHADOWK_CMD_CGROUP_BIND:
		return err == EBADF || err == EBUSY || err == EPERM ||
		       err == ENOSPC;
	case SHADOWK_CMD_BPF_ATTACH:
		if (err == EBADF)
			return 1;
		/* fall through */
	case SHADOWK_CMD_SITE_ADD:
	case SHADOWK_CMD_PROBE_ADD:
	case SHADOWK_CMD_INJECT_SET:
		if (err == EBUSY || err == EOPNOTSUPP || err == ENOSPC)
			return nr != SHADOWK_CMD_SITE_ADD || err != ENOSPC;
		for (i = 0; i < sizeof(function) / sizeof(function[0]); i++)
			if (err == function[i])
				return 1;
	}
	return 0;
}

static __u32 pick_clone(__u64 *s)
{
	if (valid_pick(s, 75))
		return clone_ids[rnd(s) % POOL];
	return chance(s, 50) ? (__u32)rnd(s) : 0;
}

/* Any kind of user's id: another kind's is ENOENT, a case worth having. */
static __u32 pick_user(__u64 *s)
{
	return valid_pick(s, 75) ? user_ids[rnd(s) % POOL] : (__u32)rnd(s);
}

/* A list's entry size: this header's, a newer one's, or too small. */
static __u32 pick_entry_size(__u64 *s, __u32 own)
{
	if (valid_pick(s, 80))
		return chance(s, 80) ? own : own + 8 * (__u32)(rnd(s) % 8);
	return chance(s, 50) ? (__u32)(rnd(s) % own) : (__u32)rnd(s);
}

/* Only our own children, or pids that cannot name a process. */
static int pick_pid(__u64 *s)
{
	if (valid_pick(s, 50))
		return child_pids[rnd(s) % MAX_CHILDREN] ?: 0x7ffffff0;
	switch (rnd(s) % 3) {
	case 0:
		return -(int)(rnd(s) % 1000) - 1;
	case 1:
		return 0x40000000 + (int)(rnd(s) % 0x3fffffff);
	default:
		return 2;	/* kthreadd: no address space */
	}
}

/* The first 14 functions are real and traceable; the rest are refused. */
static void pick_symbol(__u64 *s, char *sym, size_t len, int failable)
{
	unsigned int i;

	memset(sym, 0, len);
	if (valid_pick(s, 70)) {
		i = rnd(s) % (failable ? NR_FAILABLE : 14);
		snprintf(sym, len, "%s", functions[i]);
		return;
	}
	switch (rnd(s) % 4) {
	case 0:		/* not NUL-terminated */
		memset(sym, 'a' + rnd(s) % 26, len);
		return;
	case 1:		/* random bytes */
		for (i = 0; i < len; i++)
			sym[i] = (char)rnd(s);
		if (chance(s, 50))
			sym[rnd(s) % len] = 0;
		return;
	case 2:		/* refused, each for its own documented reason */
		i = 14 + rnd(s) % (NR_FUNCTIONS - 14);
		snprintf(sym, len, "%s", functions[i]);
		return;
	default:	/* a real name, a dirty byte after its terminator */
		i = rnd(s) % (failable ? NR_FAILABLE : 14);
		snprintf(sym, len, "%s", functions[i]);
		sym[len - 1] = 'x';
	}
}

/* 0 (name the function by symbol), its address, or a wrong address. */
static __u64 pick_addr(__u64 *s, int failable)
{
	unsigned long a = kaddrs[rnd(s) % (failable ? NR_FAILABLE : 14)];

	if (valid_pick(s, 80))
		return chance(s, 80) ? 0 : a;
	switch (rnd(s) % 4) {
	case 0:
		return rnd(s);
	case 1:
		return 0xffffffff81000000ULL + (rnd(s) % 0x2000000);
	case 2:
		return kaddrs[14 + rnd(s) % (NR_FUNCTIONS - 14)];
	default:
		return a ? a + 1 + rnd(s) % 16 : 1;
	}
}

/* The buffer an output pointer names: valid, NULL, faulting, kernel. */
static __u64 pick_buffer(__u64 *s, void *valid)
{
	if (valid_pick(s, 60))
		return (__u64)(unsigned long)valid;
	switch (rnd(s) % 4) {
	case 0:
		return 0;
	case 1:
		return (__u64)(unsigned long)(mapped + 4096);
	case 2:
		return (__u64)(unsigned long)(mapped + 4096 - 8);
	default:
		return 0xffff888000000000ULL;
	}
}

/* A count of entries: small, or (rarely: it costs a large buffer) huge. */
static __u32 pick_count(__u64 *s, unsigned int small)
{
	if (klass != SANE && chance(s, 2))
		return (__u32)rnd(s);
	return rnd(s) % small;
}

/*
 * Fill @cmd (room for 4 KiB) for command @nr: a call that could succeed,
 * then some of its fields broken.
 */
static void fill(__u64 *s, unsigned int nr, void *cmd, void *out)
{
	union {
		struct shadowk_info info;
		struct shadowk_create create;
		struct shadowk_destroy destroy;
		struct shadowk_clone_info clone_info;
		struct shadowk_clone_list clone_list;
		struct shadowk_bind bind;
		struct shadowk_unbind unbind;
		struct shadowk_verify verify;
		struct shadowk_site_add site_add;
		struct shadowk_site_del site_del;
		struct shadowk_probe_add probe_add;
		struct shadowk_probe_del probe_del;
		struct shadowk_probe_read probe_read;
		struct shadowk_probe_list probe_list;
		struct shadowk_inject_set inject;
		struct shadowk_inject_read inject_read;
		struct shadowk_inject_del inject_del;
		struct shadowk_inject_list inject_list;
		struct shadowk_process_info process_info;
		struct shadowk_bpf_attach bpf_attach;
		struct shadowk_bpf_detach bpf_detach;
		struct shadowk_bpf_list bpf_list;
		struct shadowk_clone_pin pin;
		struct shadowk_process_list process_list;
		struct shadowk_cgroup_bind cgroup_bind;
		struct shadowk_cgroup_unbind cgroup_unbind;
		struct shadowk_cgroup_list cgroup_list;
	} *u = cmd;
	struct stat st;
	int k;
	size_t size = 0;

	switch (nr) {
	case SHADOWK_CMD_GET_INFO:
		size = sizeof(u->info);
		break;
	case SHADOWK_CMD_CREATE:
		size = sizeof(u->create);
		if (chance(s, 50))
			snprintf(u->create.name, sizeof(u->create.name),
				 "fz%u", (unsigned int)(rnd(s) % 32));
		break;
	case SHADOWK_CMD_DESTROY:
		size = sizeof(u->destroy);
		u->destroy.clone_id = pick_clone(s);
		break;
	case SHADOWK_CMD_CLONE_INFO:
		size = sizeof(u->clone_info);
		u->clone_info.clone_id = pick_clone(s);
		break;
	case SHADOWK_CMD_CLONE_LIST:
		size = sizeof(u->clone_list);
		u->clone_list.count = pick_count(s, 64);
		u->clone_list.ids = pick_buffer(s, out);
		break;
	case SHADOWK_CMD_BIND:
		size = sizeof(u->bind);
		u->bind.clone_id = pick_clone(s);
		u->bind.pid = pick_pid(s);
		u->bind.flags = rnd(s) % 4;
		break;
	case SHADOWK_CMD_UNBIND:
		size = sizeof(u->unbind);
		u->unbind.pid = pick_pid(s);
		break;
	case SHADOWK_CMD_VERIFY:
		size = sizeof(u->verify);
		u->verify.clone_id = pick_clone(s);
		break;
	case SHADOWK_CMD_SITE_ADD:
		size = sizeof(u->site_add);
		u->site_add.clone_id = pick_clone(s);
		u->site_add.action = rnd(s) % 3;
		u->site_add.func.addr = pick_addr(s, u->site_add.action);
		if (u->site_add.action == SHADOWK_SITE_RETURN)
			u->site_add.value = -(__s64)(rnd(s) % 200);
		pick_symbol(s, u->site_add.func.symbol,
			    sizeof(u->site_add.func.symbol), u->site_add.action);
		u->site_add.flags = chance(s, 10);
		break;
	case SHADOWK_CMD_SITE_DEL:
		size = sizeof(u->site_del);
		u->site_del.site_id = pick_user(s);
		break;
	case SHADOWK_CMD_PROBE_ADD:
		size = sizeof(u->probe_add);
		u->probe_add.clone_id = pick_clone(s);
		u->probe_add.func.addr = pick_addr(s, 0);
		pick_symbol(s, u->probe_add.func.symbol,
			    sizeof(u->probe_add.func.symbol), 0);
		u->probe_add.flags = chance(s, 20);
		break;
	case SHADOWK_CMD_PROBE_DEL:
		size = sizeof(u->probe_del);
		u->probe_del.probe_id = pick_user(s);
		break;
	case SHADOWK_CMD_PROBE_READ:
		size = sizeof(u->probe_read);
		u->probe_read.probe_id = pick_user(s);
		break;
	case SHADOWK_CMD_PROBE_LIST:
		size = sizeof(u->probe_list);
		u->probe_list.clone_id = pick_clone(s);
		u->probe_list.count = pick_count(s, 16);
		u->probe_list.entries = pick_buffer(s, out);
		u->probe_list.entry_size = pick_entry_size(s,
			sizeof(struct shadowk_probe_entry));
		break;
	case SHADOWK_CMD_INJECT_SET:
		size = sizeof(u->inject);
		u->inject.clone_id = pick_clone(s);
		u->inject.policy = rnd(s) % 6;
		u->inject.value = chance(s, 90) ? -(__s64)(rnd(s) % 140) - 1 :
						  (__s64)rnd(s);
		u->inject.nth = rnd(s) % 4;
		u->inject.seed = chance(s, 50) ? rnd(s) : 0;
		u->inject.ppm = chance(s, 80) ? rnd(s) % 1000001 : (__u32)rnd(s);
		/* Only the failable functions, by name or address. */
		u->inject.func.addr = pick_addr(s, 1);
		pick_symbol(s, u->inject.func.symbol,
			    sizeof(u->inject.func.symbol), 1);
		break;
	case SHADOWK_CMD_INJECT_READ:
		size = sizeof(u->inject_read);
		u->inject_read.inject_id = pick_user(s);
		break;
	case SHADOWK_CMD_INJECT_DEL:
		size = sizeof(u->inject_del);
		u->inject_del.inject_id = pick_user(s);
		break;
	case SHADOWK_CMD_INJECT_LIST:
		size = sizeof(u->inject_list);
		u->inject_list.clone_id = pick_clone(s);
		u->inject_list.count = pick_count(s, 16);
		u->inject_list.entries = pick_buffer(s, out);
		u->inject_list.entry_size = pick_entry_size(s,
			sizeof(struct shadowk_inject_entry));
		break;
	case SHADOWK_CMD_PROCESS_INFO:
		size = sizeof(u->process_info);
		u->process_info.pid = pick_pid(s);
		break;
	case SHADOWK_CMD_BPF_ATTACH:
		/* No program: whatever descriptor, it is refused. */
		size = sizeof(u->bpf_attach);
		u->bpf_attach.clone_id = pick_clone(s);
		u->bpf_attach.prog_fd = (int)(rnd(s) % 16) - 1;
		u->bpf_attach.func.addr = pick_addr(s, 0);
		u->bpf_attach.flags = chance(s, 20);
		break;
	case SHADOWK_CMD_BPF_DETACH:
		size = sizeof(u->bpf_detach);
		u->bpf_detach.bpf_id = pick_user(s);
		break;
	case SHADOWK_CMD_BPF_LIST:
		size = sizeof(u->bpf_list);
		u->bpf_list.clone_id = pick_clone(s);
		u->bpf_list.count = pick_count(s, 16);
		u->bpf_list.entries = pick_buffer(s, out);
		u->bpf_list.entry_size = pick_entry_size(s,
			sizeof(struct shadowk_bpf_entry));
		break;
	case SHADOWK_CMD_CLONE_PIN:
		size = sizeof(u->pin);
		u->pin.clone_id = pick_clone(s);
		break;
	case SHADOWK_CMD_PROCESS_LIST:
		size = sizeof(u->process_list);
		u->process_list.clone_id = pick_clone(s);
		u->process_list.count = pick_count(s, 16);
		u->process_list.entries = pick_buffer(s, out);
		u->process_list.entry_size = pick_entry_size(s,
			sizeof(struct shadowk_process_entry));
		break;
	case SHADOWK_CMD_CGROUP_BIND:
		size = sizeof(u->cgroup_bind);
		u->cgroup_bind.clone_id = pick_clone(s);
		k = rnd(s) % NR_CGROUPS;
		/* Else a descriptor of any kind: a pipe, the device, none. */
		u->cgroup_bind.cgroup_fd = valid_pick(s, 80) ? cgroup_fds[k] :
					   (int)(rnd(s) % 16) - 1;
		break;
	case SHADOWK_CMD_CGROUP_UNBIND:
		size = sizeof(u->cgroup_unbind);
		k = rnd(s) % NR_CGROUPS;
		u->cgroup_unbind.cgroup_id =
			valid_pick(s, 80) && !stat(cgroup_dirs[k], &st) ?
			st.st_ino : rnd(s);
		break;
	case SHADOWK_CMD_CGROUP_LIST:
		size = sizeof(u->cgroup_list);
		u->cgroup_list.clone_id = pick_clone(s);
		u->cgroup_list.count = pick_count(s, 8);
		u->cgroup_list.entries = pick_buffer(s, out);
		u->cgroup_list.entry_size = pick_entry_size(s,
			sizeof(struct shadowk_cgroup_entry));
		break;
	}

	((__u32 *)cmd)[0] = (__u32)size;
	if (klass != BROKEN)
		return;
	/* Broken: flags, the word after them, the size, or the tail. */
	switch (rnd(s) % 3) {
	case 0:
		((__u32 *)cmd)[1] |= 1u << (rnd(s) % 32);
		break;
	case 1:
		((__u32 *)cmd)[3] ^= 1u << (rnd(s) % 32);
		break;
	default:
		switch (rnd(s) % 6) {
		case 0:
			size = rnd(s) % 8;
			break;
		case 1:
			size = size - 1 - rnd(s) % 8;
			break;
		case 2:		/* a newer caller, clean tail */
			size += 8 * (1 + rnd(s) % 8);
			break;
		case 3:		/* a newer caller, dirty tail */
			((char *)cmd)[size + rnd(s) % 64] = 1;
			size += 64;
			break;
		case 4:
			size = 4096 + rnd(s) % 2;
			break;
		default:
			size = (__u32)rnd(s);
		}
	}
	((__u32 *)cmd)[0] = (__u32)size;
}

static unsigned long cmd_number(unsigned int nr)
{
	return _IO(SHADOWK_TYPE, nr);
}

/*
 * Remember what succeeded, so that later calls find live objects.  A new
 * clone takes a random slot of the pool, and the clone it displaces is
 * destroyed: kept, clones would pile up to SHADOWK_MAX_CLONES over a long
 * run, and every text change walks them all.
 */
static void remember(int fd, __u64 *s, unsigned int nr, void *cmd)
{
	if (nr == SHADOWK_CMD_CREATE) {
		__u32 id = ((struct shadowk_create *)cmd)->out_clone_id;
		__u32 old = atomic_exchange(&clone_ids[rnd(s) % POOL], id);

		if (old && old != id)
			sk_destroy(fd, old);
	} else if (nr == SHADOWK_CMD_PROBE_ADD) {
		user_ids[rnd(s) % POOL] = ((struct shadowk_probe_add *)cmd)->out_probe_id;
	} else if (nr == SHADOWK_CMD_INJECT_SET) {
		user_ids[rnd(s) % POOL] = ((struct shadowk_inject_set *)cmd)->out_inject_id;
	} else if (nr == SHADOWK_CMD_SITE_ADD) {
		user_ids[rnd(s) % POOL] = ((struct shadowk_site_add *)cmd)->out_site_id;
	}
}

/* Children born so far: the workers wait for the churn to keep up. */
static _Atomic unsigned long children_born;

/*
 * Only pacing, as pace() is: a worker more than MAX_CHILDREN children
 * ahead of the churn waits (boundedly) for it, so that a run has its
 * child every CHURN_EVERY calls however fast the calls are.
 */
static void wait_for_churn(unsigned long done)
{
	int i;

	for (i = 0; i < 1000 && !stop &&
	     done > (children_born + MAX_CHILDREN) * CHURN_EVERY; i++)
		usleep(1000);
}

static void *worker(void *arg)
{
	__u64 s = (unsigned long)arg * 7919 + seed0;
	static char buf_out[65536];
	char *cmd = aligned_alloc(4096, 8192);
	int fd = sk_open();

	if (fd < 0 || !cmd) {
		perror("# fuzz: worker");
		exit(2);
	}
	unsigned long done;

	while (!stop && (done = atomic_fetch_add(&calls, 1)) < target) {
		unsigned int nr = SHADOWK_CMD_BASE + rnd(&s) % NR_CMDS;
		unsigned long number;
		struct timespec t0, t1;
		unsigned int slot;
		void *argp = cmd;
		int err;

		if (target >= 10 && done % (target / 10) == 0)
			fprintf(stderr, "# fuzz: %lu calls so far\n", done);
		wait_for_churn(done);

		klass = chance(&s, SANE_PERCENT) ? SANE :
			chance(&s, GARBAGE_PERCENT) ? GARBAGE : BROKEN;
		memset(cmd, 0, 8192);
		fill(&s, nr, cmd, buf_out);
		number = cmd_number(nr);
		switch (klass == BROKEN ? rnd(&s) % 12 : 99) {
		case 0:		/* not a command */
			number = _IO(SHADOWK_TYPE, rnd(&s) % 256);
			if (_IOC_NR(number) >= SHADOWK_CMD_BASE &&
			    _IOC_NR(number) < SHADOWK_CMD_BASE + NR_CMDS)
				number |= _IOC_WRITE << _IOC_DIRSHIFT;
			break;
		case 1:		/* a struct that faults */
			argp = NULL;
			break;
		case 2:		/* a struct that ends in an unmapped page */
			argp = mapped + 4096 - 4;
			memcpy(argp, cmd, 4);
			break;
		case 3:
			argp = (void *)0xffff888000000000UL;
			break;
		}
		clock_gettime(CLOCK_MONOTONIC, &t0);
		err = ioctl(fd, number, argp) ? errno : 0;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		slot = number == cmd_number(nr) ? nr - SHADOWK_CMD_BASE : NR_CMDS;
		atomic_fetch_add(&ns_by_cmd[slot], (t1.tv_sec - t0.tv_sec) * 1000000000UL +
				 t1.tv_nsec - t0.tv_nsec);
		atomic_fetch_add(&calls_by_cmd[slot], 1);
		{
			unsigned long ns = (t1.tv_sec - t0.tv_sec) * 1000000000UL +
					   t1.tv_nsec - t0.tv_nsec;
			unsigned long max = max_ns_by_cmd[slot];

			while (ns > max &&
			       !atomic_compare_exchange_weak(&max_ns_by_cmd[slot], &max, ns))
				;
		}
		if (!err) {
			remember(fd, &s, nr, cmd);
			continue;
		}
		atomic_fetch_add(&by_errno[err & 255], 1);
		if (!documented(_IOC_NR(number), err)) {
			atomic_fetch_add(&undocumented, 1);
			fprintf(stderr, "# fuzz: command %#x size %u: undocumented %s\n",
				(unsigned int)_IOC_NR(number), *(__u32 *)cmd, strerror(err));
		}
	}
	close(fd);
	free(cmd);
	return NULL;
}

/*
 * Wait (boundedly, the run's end stops it) until the workers have made
 * @every calls per event: 1 when it is time for event number @n, else 0.
 * Only pacing, not synchronisation: any timing is correct.
 */
static int pace(unsigned long n, unsigned long every)
{
	int i;

	for (i = 0; i < 1000 && !stop; i++) {
		if (calls >= n * every)
			return 1;
		usleep(1000);
	}
	return 0;
}

/* A child: syscalls the clones patch, a fork or an exec, then exit. */
static void child_life(__u64 s)
{
	int i, n = 50 + rnd(&s) % 200;

	for (i = 0; i < n; i++) {
		syscall(SYS_getppid);
		syscall(SYS_getuid);
		if (i % 32 == 0)
			sched_yield();
	}
	if (chance(&s, 30)) {
		pid_t g = fork();

		if (g == 0) {
			syscall(SYS_getppid);
			_exit(0);
		}
		if (g > 0)
			waitpid(g, NULL, 0);
	}
	if (chance(&s, 20))
		execl("/shadowk/bin/skcalls", "skcalls", "getppid", "100",
		      (char *)NULL);
	_exit(0);
}

/* Move @pid into fuzz cgroup @k, or back to the root if @k is past them. */
static void move_child(pid_t pid, unsigned int k)
{
	char path[96], num[16];

	snprintf(path, sizeof(path), "%s/cgroup.procs",
		 k < NR_CGROUPS ? cgroup_dirs[k] : CGROOT);
	snprintf(num, sizeof(num), "%d", pid);
	/* It may have exited already: nothing to check. */
	sk_write_file(path, num);
}

static void cgroups_make(void)
{
	unsigned int k;

	for (k = 0; k < NR_CGROUPS; k++) {
		if (mkdir(cgroup_dirs[k], 0755) && errno != EEXIST)
			return;
		cgroup_fds[k] = open(cgroup_dirs[k],
				     O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
}

static void cgroups_remove(void)
{
	unsigned int k;

	for (k = NR_CGROUPS; k-- > 0;) {
		if (cgroup_fds[k] >= 0)
			close(cgroup_fds[k]);
		rmdir(cgroup_dirs[k]);
	}
}

static void *churn(void *arg)
{
	__u64 s = seed0 * 31 + 7;
	unsigned long born = 0;

	while (!stop) {
		unsigned int slot = rnd(&s) % MAX_CHILDREN;
		pid_t pid = child_pids[slot];

		if (pid) {
			/* Half the time it is moved first: in, out, across. */
			if (cgroup_fds[0] >= 0 && chance(&s, 50))
				move_child(pid, rnd(&s) % (NR_CGROUPS + 1));
			if (waitpid(pid, NULL, 0) == pid)
				child_pids[slot] = 0;
			continue;
		}
		if (!pace(born, CHURN_EVERY))
			continue;
		pthread_mutex_lock(&tracefs_lock);
		pid = fork();
		if (pid == 0)
			child_life(rnd(&s));
		pthread_mutex_unlock(&tracefs_lock);
		if (pid > 0) {
			child_pids[slot] = pid;
			born++;
			children_born = born;
		}
	}
	for (unsigned int i = 0; i < MAX_CHILDREN; i++)
		if (child_pids[i])
			waitpid(child_pids[i], NULL, 0);
	fprintf(stderr, "# fuzz: %lu children forked\n", born);
	return NULL;
}

/*
 * A clone of the fuzzer's own, with a probe, outside the pools: while it
 * lives, a removal does not take down the hooks that follow the kernel's
 * text (they stay while any site is owned), which costs grace periods of
 * every kind; the patcher makes it come and go, so that both happen.
 */
static int anchor_fd = -1;
static __u32 anchor_clone;

static void anchor_toggle(void)
{
	if (anchor_clone) {
		sk_destroy(anchor_fd, anchor_clone);
		anchor_clone = 0;
	} else if (!sk_create(anchor_fd, NULL, &anchor_clone)) {
		sk_probe_add(anchor_fd, anchor_clone, "vfs_read", 0, NULL);
	}
}

/* One change of its own text by the kernel: 1, or 0 if none was made. */
static int kernel_patches_itself(__u64 *s, unsigned long acts,
				 const char *fn)
{
	char line[160];

	switch (acts == TRACE_ALL_AT ? 0 : rnd(s) % 5) {
	case 0:
		if (acts == TRACE_ALL_AT ?
		    sk_write_file(TRACING "/set_ftrace_filter", "") :
		    sk_ftrace_filter_only(fn)) {
			filters_refused++;
			return 0;
		}
		sk_write_file(TRACING "/current_tracer", "function");
		sk_write_file(TRACING "/current_tracer", "nop");
		sk_write_file(TRACING "/set_ftrace_filter", "");
		return 1;
	case 1:
		snprintf(line, sizeof(line), "p:fuzz/k %s", fn);
		if (sk_write_file(TRACING "/kprobe_events", line))
			return 0;
		sk_write_file(TRACING "/events/fuzz/k/enable", "1");
		sk_write_file(TRACING "/events/fuzz/k/enable", "0");
		sk_write_file(TRACING "/kprobe_events", "-:fuzz/k");
		return 1;
	case 2:		/* a static key */
		sk_write_file("/proc/sys/kernel/sched_schedstats", "1");
		sk_write_file("/proc/sys/kernel/sched_schedstats", "0");
		return 1;
	case 3:		/* a tracepoint: a static key and its call */
		sk_write_file(TRACING "/events/syscalls/sys_enter_getppid/enable", "1");
		sk_write_file(TRACING "/events/syscalls/sys_enter_getppid/enable", "0");
		return 1;
	}
	return 0;
}

/* The kernel changing its own text while the clones follow it. */
static void *patcher(void *arg)
{
	__u64 s = seed0 * 131 + 3;
	unsigned long acts = 0;

	while (!stop) {
		const char *fn = functions[rnd(&s) % 14];

		if (!pace(acts, PATCH_EVERY))
			continue;
		acts++;

		if (acts % 16 == 0)
			anchor_toggle();
		pthread_mutex_lock(&tracefs_lock);
		patch_actions += kernel_patches_itself(&s, acts, fn);
		pthread_mutex_unlock(&tracefs_lock);
	}
	return NULL;
}

static const char *const report_patterns[] = {
	"BUG:", "WARNING:", "Oops", "UBSAN:", "KASAN",
	"possible circular locking", "inconsistent lock state",
	"suspicious RCU usage", "sleeping function called",
	"general protection fault", "Call Trace", "lock held when returning",
	"possible recursive locking", "ODEBUG:", "list_add corruption",
	"list_del corruption",
};

/* New kernel log records that are reports; each is printed. */
static int kmsg_reports(int kfd)
{
	char rec[8192];
	int reports = 0;
	ssize_t n;

	if (kfd < 0)
		return 0;
	while ((n = read(kfd, rec, sizeof(rec) - 1)) > 0 || (n < 0 && errno == EPIPE)) {
		unsigned int i;

		if (n <= 0)
			continue;
		rec[n] = 0;
		for (i = 0; i < sizeof(report_patterns) / sizeof(report_patterns[0]); i++) {
			if (strstr(rec, report_patterns[i])) {
				char *msg = strchr(rec, ';');

				fprintf(stderr, "# fuzz: kernel report: %s",
					msg ? msg + 1 : rec);
				reports++;
				break;
			}
		}
	}
	return reports;
}

static void cleanup_clones(void)
{
	static __u32 ids[65536];
	struct shadowk_clone_list l = {
		.size = sizeof(l), .count = 65536,
		.ids = (__u64)(unsigned long)ids,
	};
	int fd = sk_open();
	unsigned int i;

	if (fd < 0 || sk_ioctl(fd, SHADOWK_IOC_CLONE_LIST, &l))
		return;
	fprintf(stderr, "# fuzz: %u clones live at the end\n", (unsigned int)l.count);
	for (i = 0; i < l.count && i < 65536; i++)
		sk_destroy(fd, ids[i]);
	close(fd);
}

int main(int argc, char **argv)
{
	pthread_t workers[8], churner, patch;
	unsigned long errors = 0;
	int threads = 3, opt, kfd, reports;
	unsigned int i;
	char summary[2048];
	size_t len = 0;

	while ((opt = getopt(argc, argv, "n:t:s:")) != -1) {
		switch (opt) {
		case 'n':
			target = strtoul(optarg, NULL, 0);
			break;
		case 't':
			threads = atoi(optarg);
			break;
		case 's':
			seed0 = strtoul(optarg, NULL, 0);
			break;
		default:
			fprintf(stderr, "usage: %s [-n CALLS] [-t THREADS] [-s SEED]\n",
				argv[0]);
			return 2;
		}
	}
	if (threads < 1 || threads > 8 || !target) {
		fprintf(stderr, "fuzz: 1 to 8 threads, at least 1 call\n");
		return 2;
	}
	mapped = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mapped == MAP_FAILED || mprotect(mapped + 4096, 4096, PROT_NONE)) {
		perror("fuzz: mmap");
		return 2;
	}
	/* One pass: /proc/kallsyms is slow to read under emulation. */
	sk_kallsyms_many(functions, kaddrs, NR_FUNCTIONS);
	kfd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	if (kfd >= 0)
		lseek(kfd, 0, SEEK_END);

	fprintf(stderr, "# fuzz: %lu calls, %d threads, seed %u\n", target,
		threads, seed0);
	if (!access(CGROOT "/cgroup.procs", F_OK))
		cgroups_make();
	anchor_fd = sk_open();
	anchor_toggle();
	pthread_create(&churner, NULL, churn, NULL);
	pthread_create(&patch, NULL, patcher, NULL);
	for (i = 0; i < (unsigned int)threads; i++)
		pthread_create(&workers[i], NULL, worker, (void *)(unsigned long)i);
	for (i = 0; i < (unsigned int)threads; i++)
		pthread_join(workers[i], NULL);
	stop = 1;
	pthread_join(patch, NULL);
	pthread_join(churner, NULL);
	cleanup_clones();
	cgroups_remove();
	sk_write_file(TRACING "/current_tracer", "nop");
	fprintf(stderr, "# fuzz: %d text changes by the kernel (%d filters refused)\n",
		patch_actions, filters_refused);

	for (i = 0; i < 256; i++) {
		unsigned long n = by_errno[i];

		if (!n)
			continue;
		errors += n;
		len += snprintf(summary + len, sizeof(summary) - len, "%s%s %lu",
				len ? ", " : "", strerrorname_np(i) ?: "?", n);
	}
	for (i = 0; i <= NR_CMDS; i++)
		if (calls_by_cmd[i])
			fprintf(stderr, "# fuzz: command %#x: %lu calls, %lu us each, %lu us at most\n",
				i == NR_CMDS ? 0 : SHADOWK_CMD_BASE + i,
				(unsigned long)calls_by_cmd[i],
				(unsigned long)(ns_by_cmd[i] / calls_by_cmd[i] / 1000),
				(unsigned long)(max_ns_by_cmd[i] / 1000));
	reports = kmsg_reports(kfd);
	if (calls > target)
		calls = target;
	printf("fuzz: %lu calls, %lu errors by errno (%s), %lu undocumented, %d reports\n",
	       (unsigned long)calls, errors, summary,
	       (unsigned long)undocumented, reports);
	return undocumented || reports ? 1 : 0;
}
