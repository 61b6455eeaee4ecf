// SPDX-License-Identifier: GPL-2.0
/*
 * Owned sites: isolation between a bound and an unbound process running
 * the same syscall at the same time, the errno of every bad address, and
 * coherence while the kernel rewrites its own text around and at an owned
 * site.
 */

#include <signal.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include <linux/bpf.h>

#include "shadowk_test.h"
#include "shadowk_harness.h"

#define MAGIC		4242
#define CALLS		100000
#define TRACING		"/sys/kernel/tracing/"

static int wait_exit(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/*
 * A child that waits for the go byte, then makes getppid() calls and
 * counts how many returned MAGIC: @calls of them, or, with @calls 0, as
 * many as it makes until SIGUSR1 (at most MAX_CALLS).  It sends back
 * {calls, magic} on @out.
 */
#define MAX_CALLS	(1L << 26)

struct runner {
	pid_t pid;
	int out;
};

static volatile sig_atomic_t runner_stop;

static void runner_on_usr1(int sig)
{
	runner_stop = 1;
}

static struct runner start_runner(int go_fd, long calls)
{
	struct runner r = { -1, -1 };
	int p[2];

	if (pipe(p))
		return r;
	r.pid = fork();
	if (r.pid == 0) {
		long n[2] = { 0, 0 };
		long limit = calls ? calls : MAX_CALLS;
		char c;

		close(p[0]);
		signal(SIGUSR1, runner_on_usr1);
		if (read(go_fd, &c, 1) != 1)
			_exit(2);
		while (n[0] < limit && !runner_stop) {
			n[1] += syscall(SYS_getppid) == MAGIC;
			n[0]++;
		}
		if (write(p[1], n, sizeof(n)) != sizeof(n))
			_exit(2);
		_exit(0);
	}
	close(p[1]);
	r.out = p[0];
	return r;
}

/* Returns how many calls saw MAGIC; *calls gets how many were made. */
static long finish_runner_n(struct runner *r, long *calls)
{
	long n[2] = { -1, -1 };

	if (read(r->out, n, sizeof(n)) != sizeof(n))
		n[1] = -1;
	close(r->out);
	if (wait_exit(r->pid))
		return -1;
	if (calls)
		*calls = n[0];
	return n[1];
}

static long finish_runner(struct runner *r)
{
	return finish_runner_n(r, NULL);
}

static int info_counts(int fd, __u32 id, struct shadowk_clone_info *info)
{
	return sk_info(fd, id, info);
}

FIXTURE(site) {
	int fd;
	__u32 id;
	unsigned int base_pt;
};

FIXTURE_SETUP(site)
{
	struct shadowk_clone_info info;

	self->fd = sk_open();
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, sk_create(self->fd, NULL, &self->id));
	ASSERT_EQ(0, info_counts(self->fd, self->id, &info));
	self->base_pt = info.out_pt_pages;
}

FIXTURE_TEARDOWN(site)
{
	sk_destroy(self->fd, self->id);
	close(self->fd);
}

/*
 * The design's promise: at the same time, on two CPUs, the bound process
 * sees the owned site in every call and the unbound one in none.
 */
TEST_F_TIMEOUT(site, isolation, 300)
{
	struct runner bound, unbound;
	int go[2];
	char c[2] = { 1, 1 };

	ASSERT_EQ(0, sk_site_add(self->fd, self->id, "__x64_sys_getppid", 0,
				 SHADOWK_SITE_RETURN, MAGIC, 0));
	ASSERT_EQ(0, pipe(go));
	bound = start_runner(go[0], CALLS);
	unbound = start_runner(go[0], CALLS);
	ASSERT_LT(0, bound.pid);
	ASSERT_LT(0, unbound.pid);
	ASSERT_EQ(0, sk_bind(self->fd, self->id, bound.pid, 0));
	/* Both start together. */
	ASSERT_EQ(2, write(go[1], c, 2));
	EXPECT_EQ(CALLS, finish_runner(&bound));
	EXPECT_EQ(0, finish_runner(&unbound));
	/* And this (unbound) process sees the kernel. */
	EXPECT_EQ(getppid(), syscall(SYS_getppid));
}

TEST_F(site, accounting_and_verify)
{
	struct shadowk_clone_info info;
	struct shadowk_verify v;

	ASSERT_EQ(0, sk_site_add(self->fd, self->id, "__x64_sys_getppid", 0,
				 SHADOWK_SITE_RETURN, MAGIC, 0));
	ASSERT_EQ(0, info_counts(self->fd, self->id, &info));
	EXPECT_EQ(1, info.out_owned_sites);
	EXPECT_EQ(1, info.out_private_frames);
	/* One private PTE page for the 2 MiB region. */
	EXPECT_EQ(self->base_pt + 1, info.out_pt_pages);
	ASSERT_EQ(0, sk_verify(self->fd, self->id, &v));
	EXPECT_EQ(0, v.out_diff_bytes);
	EXPECT_EQ(0, v.out_diff_entries);
	EXPECT_EQ(4096 - 5, v.out_checked_bytes);	/* all but the owned site */

	/* A second site in the same clone: same rules. */
	EXPECT_EQ(EBUSY, sk_site_add(self->fd, self->id, "__x64_sys_getppid",
				     0, SHADOWK_SITE_NONE, 0, 0));
	EXPECT_EQ(0, sk_site_add(self->fd, self->id, "__x64_sys_getpid", 0,
				 SHADOWK_SITE_NONE, 0, 0));
	ASSERT_EQ(0, sk_verify(self->fd, self->id, &v));
	EXPECT_EQ(0, v.out_diff_bytes);

	EXPECT_EQ(0, sk_site_del(self->fd, self->id, "__x64_sys_getppid", 0));
	EXPECT_EQ(0, sk_site_del(self->fd, self->id, "__x64_sys_getpid", 0));
	EXPECT_EQ(ENOENT, sk_site_del(self->fd, self->id, "__x64_sys_getpid",
				      0));
	ASSERT_EQ(0, info_counts(self->fd, self->id, &info));
	EXPECT_EQ(0, info.out_owned_sites);
	EXPECT_EQ(0, info.out_private_frames);
	EXPECT_EQ(self->base_pt, info.out_pt_pages);
}

TEST_F(site, removal_restores_the_kernel)
{
	ASSERT_EQ(0, sk_site_add(self->fd, self->id, "__x64_sys_getppid", 0,
				 SHADOWK_SITE_RETURN, MAGIC, 0));
	ASSERT_EQ(0, sk_bind(self->fd, self->id, 0, 0));
	EXPECT_EQ(MAGIC, syscall(SYS_getppid));
	ASSERT_EQ(0, sk_site_del(self->fd, self->id, "__x64_sys_getppid", 0));
	EXPECT_EQ(getppid(), syscall(SYS_getppid));
	EXPECT_NE(MAGIC, syscall(SYS_getppid));
	/* Again, then remove by unbinding instead. */
	ASSERT_EQ(0, sk_site_add(self->fd, self->id, "__x64_sys_getppid", 0,
				 SHADOWK_SITE_RETURN, MAGIC, 0));
	EXPECT_EQ(MAGIC, syscall(SYS_getppid));
	ASSERT_EQ(0, sk_unbind(self->fd, 0));
	EXPECT_NE(MAGIC, syscall(SYS_getppid));
	/* And by destroying the clone while bound. */
	ASSERT_EQ(0, sk_bind(self->fd, self->id, 0, 0));
	EXPECT_EQ(MAGIC, syscall(SYS_getppid));
	ASSERT_EQ(0, sk_destroy(self->fd, self->id));
	EXPECT_NE(MAGIC, syscall(SYS_getppid));
}

/* First kprobe-blacklisted function that ftrace can trace, or NULL. */
static char *blacklisted_traceable(char *buf, size_t len)
{
	char line[512], name[SHADOWK_SYMBOL_LEN], *found = NULL;
	FILE *bl = fopen("/sys/kernel/debug/kprobes/blacklist", "r");
	unsigned long a, b;

	if (!bl)
		return NULL;
	while (!found && fgets(line, sizeof(line), bl)) {
		if (sscanf(line, "0x%lx-0x%lx %127s", &a, &b, name) == 3 &&
		    sk_traceable(name) > 0) {
			snprintf(buf, len, "%s", name);
			found = buf;
		}
	}
	fclose(bl);
	return found;
}

/* Reads /proc/kallsyms and the tracing lists: slow under emulation. */
TEST_F_TIMEOUT(site, bad_addresses, 180)
{
	static const char *const names[] = {
		"jiffies", "shadowk_site_dispatch", "vfs_read",
		"entry_SYSCALL_64", "__noinstr_text_start",
	};
	unsigned long a[5];
	char name[SHADOWK_SYMBOL_LEN];
	struct shadowk_site_add add = { .size = sizeof(add),
					.clone_id = self->id };

	sk_kallsyms_many(names, a, 5);
	ASSERT_NE(0, a[0]);
	ASSERT_NE(0, a[2]);
	ASSERT_NE(0, a[3]);

	/* Kernel data, module text, user space: not core kernel text. */
	EXPECT_EQ(ERANGE, sk_site_add(self->fd, self->id, NULL, a[0], 0, 0, 0));
	if (a[1])
		EXPECT_EQ(ERANGE, sk_site_add(self->fd, self->id, NULL, a[1],
					      0, 0, 0));
	EXPECT_EQ(ERANGE, sk_site_add(self->fd, self->id, NULL, 0x400000,
				      0, 0, 0));
	/* Inside a function: inside its fentry NOP, and past it. */
	EXPECT_EQ(ENXIO, sk_site_add(self->fd, self->id, NULL, a[2] + 1,
				     0, 0, 0));
	EXPECT_EQ(ENXIO, sk_site_add(self->fd, self->id, NULL, a[2] + 9,
				     0, 0, 0));
	/* Entry and noinstr text. */
	EXPECT_EQ(EXDEV, sk_site_add(self->fd, self->id, NULL, a[3], 0, 0, 0));
	if (a[4])
		EXPECT_EQ(EXDEV, sk_site_add(self->fd, self->id, NULL,
					     a[4] + 16, 0, 0, 0));
	/* On the kprobe blacklist. */
	if (blacklisted_traceable(name, sizeof(name))) {
		EXPECT_EQ(EACCES, sk_site_add(self->fd, self->id, name, 0,
					      0, 0, 0));
	} else {
		TH_LOG("no traceable blacklisted function found");
	}
	/* Names. */
	EXPECT_EQ(ENOENT, sk_site_add(self->fd, self->id,
				      "shadowk_no_such_function", 0, 0, 0, 0));
	EXPECT_EQ(EINVAL, sk_site_add(self->fd, self->id, "", 0, 0, 0, 0));
	memset(add.func.symbol, 'a', sizeof(add.func.symbol));
	EXPECT_EQ(EINVAL, sk_ioctl(self->fd, SHADOWK_IOC_SITE_ADD, &add));
	/* Actions, values, flags, clones. */
	EXPECT_EQ(EOPNOTSUPP, sk_site_add(self->fd, self->id, "vfs_read", 0,
					  SHADOWK_SITE_RETURN, -5, 0));
	EXPECT_EQ(EINVAL, sk_site_add(self->fd, self->id, "vfs_read", 0,
				      SHADOWK_SITE_NONE, 1, 0));
	EXPECT_EQ(EINVAL, sk_site_add(self->fd, self->id, "vfs_read", 0,
				      7, 0, 0));
	EXPECT_EQ(EINVAL, sk_site_add(self->fd, self->id, "vfs_read", 0,
				      0, 0, 1U << 5));
	EXPECT_EQ(ENOENT, sk_site_add(self->fd, 0, "vfs_read", 0, 0, 0, 0));
	/* SITE_DEL names a site by id: none was added, none is removed. */
	EXPECT_EQ(ENOENT, sk_site_del(self->fd, self->id, "vfs_read", 0));
	EXPECT_EQ(ENOENT, sk_site_del_id(self->fd, 0));
	EXPECT_EQ(ENOENT, sk_site_del_id(self->fd, 0xffffffff));
}

/*
 * The 2 MiB pages that hold the entry text are mapped, global, into every
 * process's user page tables under PTI, where shadowk cannot follow.  The
 * kernel gives the entry text those pages to itself (ALIGN_ENTRY_TEXT_BEGIN
 * and _END in vmlinux.lds.S), so nothing in them takes a site.
 */
TEST_F_TIMEOUT(site, entry_text_pages_hold_no_site, 180)
{
	static const char *const names[] = {
		"__entry_text_start", "__entry_text_end",
	};
	unsigned long a[2], lo, hi, addr;
	char line[512], sym[256], type;
	int tried = 0, taken = 0;
	FILE *f;

	sk_kallsyms_many(names, a, 2);
	ASSERT_NE(0, a[0]);
	ASSERT_NE(0, a[1]);
	lo = a[0] & ~((1UL << 21) - 1);
	hi = (a[1] + (1UL << 21) - 1) & ~((1UL << 21) - 1);
	f = fopen("/proc/kallsyms", "r");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx %c %255s", &addr, &type, sym) != 3 ||
		    (type != 't' && type != 'T') || strchr(line, '[') ||
		    addr < lo || addr >= hi)
			continue;
		tried++;
		if (!sk_site_add(self->fd, self->id, NULL, addr, 0, 0, 0)) {
			TH_LOG("%s at %lx took a site", sym, addr);
			taken++;
			sk_site_del(self->fd, self->id, NULL, addr);
		}
	}
	fclose(f);
	TH_LOG("%d functions in the entry text's pages, none may take a site",
	       tried);
	EXPECT_LT(0, tried);
	EXPECT_EQ(0, taken);
}

/*
 * BPF tracing programs on the owned function, attached and detached with
 * the bpf(2) calls libbpf would make; bpftool finds the function's BTF id
 * and must list a program while it is attached.
 */
#define BTF_FUNCS	"__x64_sys_getppid|__do_sys_getppid"
#define BTF_CACHE	"/tmp/site_test.btf"

/*
 * The BTF ids of the BTF_FUNCS: dumping the kernel's BTF takes bpftool
 * 20 s under emulation, so the dump is made once per boot (the harness
 * runs each test in a process of its own) and its lines kept.
 */
static int btf_func_id(const char *func)
{
	char line[256], want[160];
	FILE *f;
	int id = -1;

	if (access(BTF_CACHE, R_OK) &&
	    system("bpftool btf dump file /sys/kernel/btf/vmlinux 2>/dev/null | "
		   "grep -E \"FUNC '(" BTF_FUNCS ")'\" > " BTF_CACHE ".tmp; "
		   "mv " BTF_CACHE ".tmp " BTF_CACHE))
		return -1;
	f = fopen(BTF_CACHE, "r");
	if (!f)
		return -1;
	snprintf(want, sizeof(want), "FUNC '%s'", func);
	while (id < 0 && fgets(line, sizeof(line), f))
		if (!strstr(line, want) || sscanf(line, "[%d]", &id) != 1)
			id = -1;
	fclose(f);
	return id;
}

/* A program of attach @type on @func; returns the link fd. */
static int bpf_tracing_attach(const char *func, int type, int *prog_fd)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	union bpf_attr attr;
	int id = btf_func_id(func), link;

	if (id < 0)
		return -1;
	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_TRACING;
	attr.expected_attach_type = type;
	attr.insns = (unsigned long)insns;
	attr.insn_cnt = 2;
	attr.license = (unsigned long)"GPL";
	attr.attach_btf_id = id;
	*prog_fd = syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
	if (*prog_fd < 0)
		return -1;
	memset(&attr, 0, sizeof(attr));
	attr.raw_tracepoint.prog_fd = *prog_fd;
	link = syscall(SYS_bpf, BPF_RAW_TRACEPOINT_OPEN, &attr, sizeof(attr));
	if (link < 0)
		close(*prog_fd);
	return link;
}

/* bpftool lists the tracing programs loaded now. */
static int bpftool_lists_fentry(void)
{
	FILE *p = popen("bpftool prog show 2>/dev/null | grep -c tracing", "r");
	int n = 0;

	if (!p)
		return 0;
	if (fscanf(p, "%d", &n) != 1)
		n = 0;
	pclose(p);
	return n;
}

/* Step "bpf attach FUNC" or "bpf detach": 0 or an errno. */
static int bpf_step(struct __test_metadata *_metadata, const char *what,
		    int *link, int *prog)
{
	int before = bpftool_lists_fentry();

	if (!strncmp(what, "attach ", 7)) {
		*link = bpf_tracing_attach(what + 7, BPF_TRACE_FENTRY, prog);
		if (*link < 0)
			return errno ? errno : ENOENT;
		if (bpftool_lists_fentry() != before + 1)
			TH_LOG("bpftool does not list the fentry program");
		return 0;
	}
	close(*link);
	close(*prog);
	*link = *prog = -1;
	return 0;
}

/*
 * @strict: every bound call during the churn must see the owned site.
 * Otherwise it may see the kernel's own behaviour instead, for as long as
 * a bound writer's patch keeps shadowk's call out of the site.
 */
static void churn_text_while_bound(struct __test_metadata *_metadata,
				   int fd, __u32 id, const char *const *steps,
				   int nsteps, int strict)
{
	int go[2], i, err, bpf_link = -1, bpf_prog = -1;
	struct shadowk_verify v;
	struct runner r;
	long calls, magic;
	char c = 1;

	ASSERT_EQ(0, pipe(go));
	r = start_runner(go[0], 0);
	ASSERT_LT(0, r.pid);
	ASSERT_EQ(0, sk_bind(fd, id, r.pid, 0));
	ASSERT_EQ(1, write(go[1], &c, 1));
	for (i = 0; i + 1 < nsteps; i += 2) {
		char mark[256];

		/* Say in the kernel log what is about to change. */
		snprintf(mark, sizeof(mark), "shadowk-selftest: %s < %s",
			 steps[i], steps[i + 1]);
		sk_write_file("/dev/kmsg", mark);
		if (!strcmp(steps[i], "bpf")) {
			err = bpf_step(_metadata, steps[i + 1], &bpf_link,
				       &bpf_prog);
		} else {
			err = sk_write_file(steps[i], steps[i + 1]);
		}
		if (err) {
			char log[1024] = "";
			FILE *f = fopen(TRACING "error_log", "r");

			if (f) {
				if (!fread(log, 1, sizeof(log) - 1, f))
					log[0] = 0;
				fclose(f);
			}
			TH_LOG("%s < %s: %s; error_log: %s", steps[i],
			       steps[i + 1], strerror(err), log);
		}
		EXPECT_EQ(0, err);
		ASSERT_EQ(0, sk_verify(fd, id, &v));
		EXPECT_EQ(0, v.out_diff_bytes);
		EXPECT_EQ(0, v.out_diff_entries);
		if (v.out_diff_bytes)
			TH_LOG("after %s: %llu bytes differ, first at %llx",
			       steps[i + 1], (unsigned long long)v.out_diff_bytes,
			       (unsigned long long)v.out_first_diff);
	}
	kill(r.pid, SIGUSR1);
	magic = finish_runner_n(&r, &calls);
	EXPECT_LT(0, calls);
	if (strict) {	/* every call, before, during and after */
		EXPECT_EQ(calls, magic);
	} else {
		EXPECT_LT(0, magic);
	}
	TH_LOG("%ld bound calls during the churn, %ld saw the owned site",
	       calls, magic);
}

/* A traceable function in the same 4 KiB page as @sym, other than it. */
static int page_neighbour(const char *sym, char *out, size_t len)
{
	char line[512], name[SHADOWK_SYMBOL_LEN], type;
	unsigned long addr, page = 0;
	FILE *f = fopen("/proc/kallsyms", "r");
	int found = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx %c %127s", &addr, &type, name) == 3 &&
		    !strcmp(name, sym))
			page = addr & ~4095UL;
	rewind(f);
	while (!found && page && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx %c %127s", &addr, &type, name) != 3 ||
		    (addr & ~4095UL) != page || !strcmp(name, sym) ||
		    (type != 't' && type != 'T') || sk_traceable(name) <= 0)
			continue;
		snprintf(out, len, "%s", name);
		found = 1;
	}
	fclose(f);
	return found;
}

/*
 * "attach F" for a BPF fentry program on the owned function.  Zero-argument
 * syscalls' __x64_sys_ names are aliases, and BTF may know only the
 * __do_sys_ body (the same address).
 */
static const char *fentry_step(void)
{
	return btf_func_id("__x64_sys_getppid") >= 0 ?
	       "attach __x64_sys_getppid" : "attach __do_sys_getppid";
}

TEST_F_TIMEOUT(site, coherence_unbound_writer, 600)
{
	char nb[SHADOWK_SYMBOL_LEN], probe[SHADOWK_SYMBOL_LEN + 32];
	const char *fentry = fentry_step();
	const char *steps[] = {
		TRACING "kprobe_events", probe,
		TRACING "events/kprobes/shadowk_nb/enable", "1",
		TRACING "kprobe_events", "p:shadowk_own __x64_sys_getppid\n",
		TRACING "events/kprobes/shadowk_own/enable", "1",
		TRACING "events/sched/sched_switch/enable", "1",
		TRACING "current_tracer", "function",
		TRACING "current_tracer", "nop",
		TRACING "events/sched/sched_switch/enable", "0",
		TRACING "events/kprobes/shadowk_own/enable", "0",
		TRACING "kprobe_events", "-:shadowk_own\n",
		TRACING "events/kprobes/shadowk_nb/enable", "0",
		TRACING "kprobe_events", "-:shadowk_nb\n",
		"bpf", fentry,
		"bpf", "detach",
	};

	/* A probe on a neighbour: kernel writes into the private page. */
	ASSERT_EQ(1, page_neighbour("__x64_sys_getppid", nb, sizeof(nb)));
	snprintf(probe, sizeof(probe), "p:shadowk_nb %s\n", nb);
	TH_LOG("neighbour in the owned page: %s", nb);
	ASSERT_EQ(0, sk_site_add(self->fd, self->id, "__x64_sys_getppid", 0,
				 SHADOWK_SITE_RETURN, MAGIC, 0));
	churn_text_while_bound(_metadata, self->fd, self->id, steps,
			       sizeof(steps) / sizeof(steps[0]), 1);
}

/* How often a kprobe event fired, from kprobe_profile; -1 if absent. */
static long kprobe_hits(const char *event)
{
	char line[512], name[128];
	long hits, missed, found = -1;
	FILE *f = fopen(TRACING "kprobe_profile", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%127s %ld %ld", name, &hits, &missed) == 3 &&
		    !strcmp(name, event))
			found = hits;
	fclose(f);
	return found;
}

/*
 * Whatever the kernel installs at an owned site still runs for bound
 * processes: a kprobe on the owned function counts every bound call.
 */
TEST_F_TIMEOUT(site, kernel_patch_at_owned_site_still_runs, 300)
{
	struct shadowk_verify v;
	long before, after, i;

	ASSERT_EQ(0, sk_site_add(self->fd, self->id, "__x64_sys_getppid", 0,
				 SHADOWK_SITE_NONE, 0, 0));
	ASSERT_EQ(0, sk_write_file(TRACING "kprobe_events",
				"p:shadowk_chain __x64_sys_getppid\n"));
	ASSERT_EQ(0, sk_write_file(TRACING "events/kprobes/shadowk_chain/enable",
				"1"));
	ASSERT_EQ(0, sk_bind(self->fd, self->id, 0, 0));
	before = kprobe_hits("shadowk_chain");
	for (i = 0; i < 1000; i++)
		syscall(SYS_getppid);
	after = kprobe_hits("shadowk_chain");
	EXPECT_LE(before + 1000, after);
	ASSERT_EQ(0, sk_verify(self->fd, self->id, &v));
	EXPECT_EQ(0, v.out_diff_bytes);
	EXPECT_EQ(0, sk_unbind(self->fd, 0));
	EXPECT_EQ(0, sk_write_file(TRACING "events/kprobes/shadowk_chain/enable",
				"0"));
	EXPECT_EQ(0, sk_write_file(TRACING "kprobe_events", "-:shadowk_chain\n"));
}

/* How often a BPF program ran (kernel.bpf_stats_enabled on), or -1. */
static long long bpf_run_count(int prog_fd)
{
	struct bpf_prog_info info;
	union bpf_attr attr;

	memset(&info, 0, sizeof(info));
	memset(&attr, 0, sizeof(attr));
	attr.info.bpf_fd = prog_fd;
	attr.info.info_len = sizeof(info);
	attr.info.info = (unsigned long)&info;
	if (syscall(SYS_bpf, BPF_OBJ_GET_INFO_BY_FD, &attr, sizeof(attr)))
		return -1;
	return info.run_cnt;
}

/*
 * A BPF fexit program on an owned function runs for bound calls too, and
 * the function still returns what it returns.  Since 7.x the kernel
 * reaches such a program by a JMP at the fentry site (its trampoline
 * calls the function's body itself, then returns to the caller:
 * CONFIG_DYNAMIC_FTRACE_WITH_JMP); before, by a CALL.  The owned site
 * follows either.
 */
TEST_F_TIMEOUT(site, bpf_fexit_at_owned_site_runs, 300)
{
	const char *func = btf_func_id("__x64_sys_getppid") >= 0 ?
			   "__x64_sys_getppid" : "__do_sys_getppid";
	long long before, after, jmp0, jmp1;
	struct shadowk_verify v;
	int link, prog, i, same = 0;
	pid_t ppid = getppid();
	struct utsname u;

	ASSERT_EQ(0, sk_write_file("/proc/sys/kernel/bpf_stats_enabled", "1"));
	ASSERT_EQ(0, sk_site_add(self->fd, self->id, "__x64_sys_getppid", 0,
				 SHADOWK_SITE_NONE, 0, 0));
	link = bpf_tracing_attach(func, BPF_TRACE_FEXIT, &prog);
	ASSERT_LE(0, link) TH_LOG("fexit on %s: %s", func, strerror(errno));
	ASSERT_EQ(0, sk_bind(self->fd, self->id, 0, 0));
	before = bpf_run_count(prog);
	jmp0 = sk_stat("chain_jmp");
	for (i = 0; i < 1000; i++)
		same += syscall(SYS_getppid) == ppid;
	jmp1 = sk_stat("chain_jmp");
	after = bpf_run_count(prog);
	EXPECT_EQ(0, sk_unbind(self->fd, 0));
	EXPECT_EQ(1000, same);
	EXPECT_LE(0, before);
	EXPECT_LE(before + 1000, after);
	TH_LOG("fexit on %s ran %lld times for 1000 bound calls, %lld through a JMP",
	       func, after - before, jmp1 - jmp0);
	/* Debian builds 7.x with CONFIG_DYNAMIC_FTRACE_WITH_JMP. */
	ASSERT_EQ(0, uname(&u));
	if (atoi(u.release) >= 7)
		EXPECT_LE(1000, jmp1 - jmp0);
	ASSERT_EQ(0, sk_verify(self->fd, self->id, &v));
	EXPECT_EQ(0, v.out_diff_bytes);
	close(link);
	close(prog);
	EXPECT_EQ(0, sk_write_file("/proc/sys/kernel/bpf_stats_enabled", "0"));
}

/* The same churn, with the writer itself bound to the clone. */
TEST_F_TIMEOUT(site, coherence_bound_writer, 600)
{
	const char *fentry = fentry_step();
	const char *steps[] = {
		TRACING "current_tracer", "function",
		TRACING "current_tracer", "nop",
		TRACING "kprobe_events", "p:shadowk_own __x64_sys_getppid\n",
		TRACING "events/kprobes/shadowk_own/enable", "1",
		TRACING "events/kprobes/shadowk_own/enable", "0",
		TRACING "kprobe_events", "-:shadowk_own\n",
		"bpf", fentry,
		"bpf", "detach",
	};

	ASSERT_EQ(0, sk_site_add(self->fd, self->id, "__x64_sys_getppid", 0,
				 SHADOWK_SITE_RETURN, MAGIC, 0));
	ASSERT_EQ(0, sk_bind(self->fd, self->id, 0, 0));
	churn_text_while_bound(_metadata, self->fd, self->id, steps,
			       sizeof(steps) / sizeof(steps[0]), 1);
	/* Settled (VERIFY waits for it): the owned site is back. */
	EXPECT_EQ(MAGIC, syscall(SYS_getppid));
	EXPECT_EQ(0, sk_unbind(self->fd, 0));
}

TEST_HARNESS_MAIN
