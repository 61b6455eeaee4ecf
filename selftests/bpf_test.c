// SPDX-License-Identifier: GPL-2.0
/*
 * BPF programs at scoped sites (SHADOWK_IOC_BPF_*): an entry program and
 * a return program on one function count the bound process's calls and
 * see its return values, and never a neighbour's making the same calls;
 * bad programs and bad commands are refused with their documented
 * errnos; attaching and detaching under load loses and leaks nothing.
 *
 * The programs are a dozen raw instructions each (bpf_raw.h), so that
 * the test needs neither clang nor libbpf in the VM.
 */

#include <stdlib.h>
#include <sys/syscall.h>

#include "bpf_raw.h"
#include "shadowk_test.h"
#include "worker.h"
#include "shadowk_harness.h"

#define CALLS		20000

static int step_close(long i, struct sk_shared *sh)
{
	syscall(SYS_close, -1);
	return 0;
}

FIXTURE(bpf) {
	int fd, map;
	__u32 id;
	struct shadowk_info info;
};

FIXTURE_SETUP(bpf)
{
	self->info.size = sizeof(self->info);
	self->fd = sk_open();
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, sk_ioctl(self->fd, SHADOWK_IOC_GET_INFO, &self->info));
	ASSERT_TRUE(self->info.out_features & SHADOWK_FEATURE_BPF);
	self->map = sk_bpf_map_create();
	ASSERT_LE(0, self->map);
	ASSERT_EQ(0, sk_create(self->fd, NULL, &self->id));
}

FIXTURE_TEARDOWN(bpf)
{
	sk_destroy(self->fd, self->id);
	close(self->map);
	close(self->fd);
}

/*
 * A bound and an unbound process make the same failing close(-1) calls:
 * the entry program counts exactly the bound one's, the return program
 * adds up exactly its -EBADF returns, a program in a clone nobody is
 * bound to never runs, and list and detach give the same counts.
 */
TEST_F_TIMEOUT(bpf, entry_and_return_bound_only, 300)
{
	struct shadowk_bpf_entry e[3];
	struct shadowk_bpf_list list = {
		.size = sizeof(list), .clone_id = self->id, .count = 3,
		.entry_size = sizeof(e[0]), .entries = (uintptr_t)e,
	};
	struct sk_worker bound, unbound;
	struct shadowk_bpf_detach d;
	__u32 be, br, bo, other;
	int pe, pr, i;
	int ret = self->info.out_features & SHADOWK_FEATURE_RETURN_PROBES;

	pe = sk_bpf_prog_load(self->map, 0, 0, 0);
	pr = sk_bpf_prog_load(self->map, 1, 1, 0);
	ASSERT_LE(0, pe);
	ASSERT_LE(0, pr);
	ASSERT_EQ(0, sk_create(self->fd, NULL, &other));
	ASSERT_EQ(0, sk_bpf_attach(self->fd, self->id, "__x64_sys_close", pe,
				   0, &be));
	ASSERT_EQ(0, sk_bpf_attach(self->fd, other, "__x64_sys_close", pe,
				   0, &bo));
	ASSERT_EQ(ret ? 0 : EOPNOTSUPP,
		  sk_bpf_attach(self->fd, self->id, "__x64_sys_close", pr,
				SHADOWK_BPF_RETURN, &br));
	/* The attachments hold the programs. */
	close(pe);
	close(pr);

	EXPECT_EQ(0, sk_worker_pair(self->fd, self->id, CALLS, step_close,
				    &bound, &unbound));
	sk_worker_free(&bound);
	sk_worker_free(&unbound);

	EXPECT_EQ(CALLS, sk_bpf_map_get(self->map, 0));
	if (ret)
		EXPECT_EQ(-9LL * CALLS, sk_bpf_map_get(self->map, 1));

	ASSERT_EQ(0, sk_ioctl(self->fd, SHADOWK_IOC_BPF_LIST, &list));
	ASSERT_EQ(ret ? 2 : 1, list.count);
	for (i = 0; i < (int)list.count; i++) {
		EXPECT_EQ(CALLS, e[i].runs);
		EXPECT_EQ(0, e[i].missed);
		EXPECT_STREQ("__x64_sys_close", e[i].symbol);
		EXPECT_NE(0, e[i].prog_id);
		EXPECT_EQ(e[i].bpf_id == be ? 0 : SHADOWK_BPF_RETURN,
			  e[i].flags);
		EXPECT_EQ(e[i].flags ? CALLS : 0, e[i].latency.returns);
		EXPECT_EQ(e[i].flags ? CALLS : 0, e[i].latency.errors);
	}
	ASSERT_EQ(0, sk_bpf_detach(self->fd, bo, &d));
	EXPECT_EQ(0, d.out_runs);
	ASSERT_EQ(0, sk_bpf_detach(self->fd, be, &d));
	EXPECT_EQ(CALLS, d.out_runs);
	EXPECT_EQ(ENOENT, sk_bpf_detach(self->fd, be, &d));
	EXPECT_EQ(0, sk_destroy(self->fd, other));
}

/* What is not a kprobe program, or not a fit, is refused as documented. */
TEST_F(bpf, refusals)
{
	struct shadowk_bpf_entry e;
	struct shadowk_bpf_list list = {
		.size = sizeof(list), .clone_id = self->id, .count = 1,
		.entry_size = 8, .entries = (uintptr_t)&e,
	};
	struct shadowk_bpf_detach d;
	int prog, filter;
	__u32 id, probe;

	prog = sk_bpf_prog_load(self->map, 0, 0, 0);
	filter = sk_bpf_prog_load(self->map, 0, 0, BPF_PROG_TYPE_SOCKET_FILTER);
	ASSERT_LE(0, prog);
	ASSERT_LE(0, filter);
	EXPECT_EQ(EBADF, sk_bpf_attach(self->fd, self->id, "__x64_sys_close",
				       -1, 0, NULL));
	EXPECT_EQ(EINVAL, sk_bpf_attach(self->fd, self->id, "__x64_sys_close",
					self->map, 0, NULL));
	EXPECT_EQ(EINVAL, sk_bpf_attach(self->fd, self->id, "__x64_sys_close",
					filter, 0, NULL));
	EXPECT_EQ(EINVAL, sk_bpf_attach(self->fd, self->id, "__x64_sys_close",
					prog, 1U << 31, NULL));
	EXPECT_EQ(ENOENT, sk_bpf_attach(self->fd, self->id + 1000,
					"__x64_sys_close", prog, 0, NULL));
	EXPECT_EQ(ENOENT, sk_bpf_attach(self->fd, self->id,
					"shadowk_no_such_fn", prog, 0, NULL));
	ASSERT_EQ(0, sk_bpf_attach(self->fd, self->id, "__x64_sys_close",
				   prog, 0, &id));
	EXPECT_EQ(EBUSY, sk_bpf_attach(self->fd, self->id, "__x64_sys_close",
				       prog, 0, NULL));
	/* A probe shares the function; a probe's id is not an attachment's. */
	ASSERT_EQ(0, sk_probe_add(self->fd, self->id, "__x64_sys_close", 0,
				  &probe));
	EXPECT_EQ(ENOENT, sk_bpf_detach(self->fd, probe, &d));
	EXPECT_EQ(EINVAL, sk_ioctl(self->fd, SHADOWK_IOC_BPF_LIST, &list));
	d.flags = 1;
	EXPECT_EQ(EINVAL, sk_ioctl(self->fd, SHADOWK_IOC_BPF_DETACH, &d));
	ASSERT_EQ(0, sk_bpf_detach(self->fd, id, &d));
	close(prog);
	close(filter);
}

/*
 * The text symbol each of @n addresses falls in, and whether it is a
 * module's, from one pass over /proc/kallsyms (which is in no order).
 */
struct sk_frame {
	unsigned long base;
	char sym[128];
	bool module;
};

static void resolve_frames(const __u64 *ip, struct sk_frame *f, int n)
{
	char line[512], sym[128], type, *mod;
	unsigned long addr;
	FILE *k = fopen("/proc/kallsyms", "r");
	int i;

	memset(f, 0, n * sizeof(*f));
	if (!k)
		return;
	while (fgets(line, sizeof(line), k)) {
		if (sscanf(line, "%lx %c %127s", &addr, &type, sym) != 3 ||
		    (type != 't' && type != 'T'))
			continue;
		mod = strchr(line, '[');
		for (i = 0; i < n; i++) {
			if (addr > ip[i] || addr < f[i].base)
				continue;
			f[i].base = addr;
			snprintf(f[i].sym, sizeof(f[i].sym), "%s", sym);
			f[i].module = mod != NULL;
		}
	}
	fclose(k);
}

/*
 * bpf_get_stack() in an entry program names what a kprobe's would: the
 * function itself, then its real callers up to the system call entry;
 * never shadowk's dispatch or trampoline, which are a module's text.
 * With a return probe on the function too, its return address is
 * rethook's trampoline by the time the program runs: the unwinder must
 * still find the real caller.
 */
static void check_stack(struct __test_metadata *_metadata, int fd,
			__u32 clone, bool return_probe)
{
	struct sk_frame frames[SK_STACK_FRAMES];
	struct sk_bpf_stack st = { 0 };
	union bpf_attr a = { 0 };
	bool syscall_entry = false, in_module = false;
	struct sk_worker bound, unbound;
	struct shadowk_bpf_detach d;
	int map, prog, i, n;
	__u32 key = 0, id, probe = 0;

	map = sk_bpf_stack_map_create();
	ASSERT_LE(0, map);
	prog = sk_bpf_stack_prog_load(map);
	ASSERT_LE(0, prog);
	if (return_probe)
		ASSERT_EQ(0, sk_probe_add(fd, clone, "__x64_sys_close",
					  SHADOWK_PROBE_RETURN, &probe));
	ASSERT_EQ(0, sk_bpf_attach(fd, clone, "__x64_sys_close", prog, 0,
				   &id));
	EXPECT_EQ(0, sk_worker_pair(fd, clone, 100, step_close, &bound,
				    &unbound));
	sk_worker_free(&bound);
	sk_worker_free(&unbound);

	a.map_fd = map;
	a.key = (uintptr_t)&key;
	a.value = (uintptr_t)&st;
	ASSERT_EQ(0, sys_bpf(BPF_MAP_LOOKUP_ELEM, &a));
	n = st.len / 8;
	ASSERT_LE(2, n);
	resolve_frames(st.ip, frames, n);
	for (i = 0; i < n; i++) {
		TH_LOG("#%d %#llx %s%s", i, (unsigned long long)st.ip[i],
		       frames[i].sym, frames[i].module ? " [module]" : "");
		in_module |= frames[i].module;
		syscall_entry |= !strcmp(frames[i].sym, "do_syscall_64");
	}
	EXPECT_STREQ("__x64_sys_close", frames[0].sym);
	/* 6.9 and later call through x64_sys_call(), before a table. */
	EXPECT_TRUE(!strcmp(frames[1].sym, "x64_sys_call") ||
		    !strcmp(frames[1].sym, "do_syscall_64"));
	EXPECT_TRUE(syscall_entry);
	EXPECT_FALSE(in_module);
	ASSERT_EQ(0, sk_bpf_detach(fd, id, &d));
	if (probe)
		ASSERT_LE(0, sk_probe_del(fd, probe));
	close(prog);
	close(map);
}

TEST_F_TIMEOUT(bpf, stack_names_the_real_caller, 300)
{
	check_stack(_metadata, self->fd, self->id, false);
}

TEST_F_TIMEOUT(bpf, stack_through_a_return_probe, 300)
{
	if (!(self->info.out_features & SHADOWK_FEATURE_RETURN_PROBES))
		SKIP(return, "the kernel has no rethook");
	check_stack(_metadata, self->fd, self->id, true);
}

/*
 * Attached and detached again and again while the bound process calls
 * the function: every run is counted by the map or by nothing, never
 * twice; afterwards shadowk holds no more memory than before.
 */
TEST_F_TIMEOUT(bpf, detach_under_load, 300)
{
	long pages0, objects0, pages1, objects1;
	struct shadowk_bpf_detach d;
	struct sk_worker w;
	__u64 runs = 0;
	int prog, i, go[2];
	__u32 id;

	prog = sk_bpf_prog_load(self->map, 0, 0, 0);
	ASSERT_LE(0, prog);
	ASSERT_EQ(0, sk_bpf_attach(self->fd, self->id, "__x64_sys_close",
				   prog, 0, &id));
	ASSERT_EQ(0, sk_bpf_detach(self->fd, id, &d));
	ASSERT_EQ(0, sk_accounting(&pages0, &objects0));
	ASSERT_EQ(0, pipe(go));
	w = sk_worker_start(go[0], 4 * CALLS, step_close);
	ASSERT_LT(0, w.pid);
	ASSERT_EQ(0, sk_bind(self->fd, self->id, w.pid, 0));
	ASSERT_EQ(1, write(go[1], "g", 1));
	for (i = 0; i < sk_heavy(200); i++) {
		ASSERT_EQ(0, sk_bpf_attach(self->fd, self->id,
					   "__x64_sys_close", prog, 0, &id));
		ASSERT_EQ(0, sk_bpf_detach(self->fd, id, &d));
		runs += d.out_runs;
	}
	EXPECT_EQ(0, sk_worker_finish(&w));
	sk_worker_free(&w);
	EXPECT_EQ((__s64)runs, sk_bpf_map_get(self->map, 0));
	/* The worker's binding ends with its mm's last drop. */
	ASSERT_EQ(0, sk_settle_mms());
	ASSERT_EQ(0, sk_accounting(&pages1, &objects1));
	EXPECT_EQ(pages0, pages1);
	EXPECT_EQ(objects0, objects1);
	close(go[0]);
	close(go[1]);
	close(prog);
}

TEST_HARNESS_MAIN
