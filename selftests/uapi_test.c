// SPDX-License-Identifier: GPL-2.0
/*
 * The /dev/shadowk contract that does not depend on any mechanism: the
 * handshake, the size/flags/errno rules of uapi/linux/shadowk.h, and who
 * may open the device.
 */

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/capability.h>
#include <linux/shadowk.h>

#include "shadowk_test.h"

#include "shadowk_harness.h"

#define KNOWN_ENV (SHADOWK_ENV_LA57 | SHADOWK_ENV_PTI | SHADOWK_ENV_PCID | \
		   SHADOWK_ENV_GLOBAL_TEXT)

static int ioctl_errno(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? errno : 0;
}

/* 1 if /proc/cpuinfo lists the flag for cpu 0, 0 if not, -1 on error. */
static int cpuinfo_has_flag(const char *flag)
{
	char line[8192], *tok, *save;
	FILE *f = fopen("/proc/cpuinfo", "r");
	int found = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "flags", 5))
			continue;
		found = 0;
		tok = strchr(line, ':');
		for (tok = strtok_r(tok ? tok + 1 : line, " \n", &save); tok;
		     tok = strtok_r(NULL, " \n", &save))
			if (!strcmp(tok, flag))
				found = 1;
		break;
	}
	fclose(f);
	return found;
}

FIXTURE(dev) {
	int fd;
};

FIXTURE_SETUP(dev)
{
	self->fd = open("/dev/shadowk", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd) TH_LOG("open /dev/shadowk: %s", strerror(errno));
}

FIXTURE_TEARDOWN(dev)
{
	close(self->fd);
}

TEST_F(dev, handshake)
{
	struct shadowk_info info = { .size = sizeof(info) };

	ASSERT_EQ(0, ioctl_errno(self->fd, SHADOWK_IOC_GET_INFO, &info));
	EXPECT_EQ(sizeof(info), info.size);
	EXPECT_EQ(SHADOWK_ABI_VERSION, info.out_abi_version);
	EXPECT_EQ(0, info.out_features &
		  ~(SHADOWK_FEATURE_RETURN_PROBES | SHADOWK_FEATURE_BPF));
	EXPECT_NE(0, info.out_features & SHADOWK_FEATURE_BPF);
	EXPECT_EQ(0, info.out_env & ~KNOWN_ENV);
	/* Exactly the commands this header knows, from GET_INFO on. */
	EXPECT_EQ((1ULL << (SHADOWK_CMD_CGROUP_LIST - SHADOWK_CMD_BASE + 1)) - 1,
		  info.out_ioctls);
	/* The limits are the module's to say, and say something. */
	EXPECT_LE(1, info.out_max_clones);
	EXPECT_LE(1, info.out_max_probes);
	EXPECT_LE(1, info.out_max_injects);
	EXPECT_EQ(SHADOWK_NAME_LEN, info.out_name_len);
	EXPECT_LE(1, info.out_max_inflight);
	EXPECT_LE(1, info.out_max_bpf);
}

/*
 * The handshake of ABI 1's size still works (its command and first
 * members never change), and size comes back as what was written.
 */
TEST_F(dev, handshake_first_version_size)
{
	struct shadowk_info info;

	memset(&info, 0xa5, sizeof(info));
	info.size = offsetof(struct shadowk_info, out_max_clones);
	info.flags = 0;
	ASSERT_EQ(0, ioctl_errno(self->fd, SHADOWK_IOC_GET_INFO, &info));
	EXPECT_EQ(offsetof(struct shadowk_info, out_max_clones), info.size);
	EXPECT_EQ(SHADOWK_ABI_VERSION, info.out_abi_version);
	/* Nothing past the caller's size is written. */
	EXPECT_EQ(0xa5a5a5a5, info.out_max_clones);
}

/* The env flags must agree with what the CPU and kernel tell /proc. */
TEST_F(dev, handshake_env_matches_machine)
{
	struct shadowk_info info = { .size = sizeof(info) };
	const char *want_la57 = getenv("SHADOWK_EXPECT_LA57");
	const char *want_pti = getenv("SHADOWK_EXPECT_PTI");

	ASSERT_EQ(0, ioctl_errno(self->fd, SHADOWK_IOC_GET_INFO, &info));
	ASSERT_LE(0, cpuinfo_has_flag("la57"));
	EXPECT_EQ(cpuinfo_has_flag("la57"), !!(info.out_env & SHADOWK_ENV_LA57));
	EXPECT_EQ(cpuinfo_has_flag("pti"), !!(info.out_env & SHADOWK_ENV_PTI));
	EXPECT_EQ(cpuinfo_has_flag("pcid"), !!(info.out_env & SHADOWK_ENV_PCID));
	/* PTI clears the global bit on the kernel image. */
	if (info.out_env & SHADOWK_ENV_PTI)
		EXPECT_EQ(0, info.out_env & SHADOWK_ENV_GLOBAL_TEXT);

	/* The VM runner says which paging mode and PTI setting it booted. */
	if (!want_la57 || !want_pti)
		SKIP(return, "not in a matrix cell (SHADOWK_EXPECT_* unset)");
	EXPECT_EQ(atoi(want_la57), !!(info.out_env & SHADOWK_ENV_LA57));
	EXPECT_EQ(atoi(want_pti), !!(info.out_env & SHADOWK_ENV_PTI));
}

TEST_F(dev, unknown_ioctl_is_enotty)
{
	struct shadowk_info info = { .size = sizeof(info) };
	const unsigned long bad[] = {
		_IO(SHADOWK_TYPE, 0),
		_IO(SHADOWK_TYPE, SHADOWK_CMD_BASE - 1),
		_IO(SHADOWK_TYPE, SHADOWK_CMD_BASE + 63),
		_IO(SHADOWK_TYPE, 0xff),
		/* the right number, encoded with a direction and size */
		_IOWR(SHADOWK_TYPE, SHADOWK_CMD_GET_INFO, struct shadowk_info),
		_IO(SHADOWK_TYPE + 1, SHADOWK_CMD_GET_INFO),
		TCGETS,
	};
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int err = ioctl_errno(self->fd, bad[i], &info);

		if (err != ENOTTY)
			TH_LOG("cmd %#lx gave %s", bad[i], strerror(err));
		EXPECT_EQ(ENOTTY, err);
	}
}

TEST_F(dev, short_struct_is_einval)
{
	struct shadowk_info info;
	const __u32 sizes[] = {
		0, 1, sizeof(__u32), offsetof(struct shadowk_info, out_ioctls),
		offsetof(struct shadowk_info, out_max_clones) - 1,
	};
	unsigned int i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		int err;

		memset(&info, 0, sizeof(info));
		info.size = sizes[i];
		err = ioctl_errno(self->fd, SHADOWK_IOC_GET_INFO, &info);

		if (err != EINVAL)
			TH_LOG("size %u gave %s", sizes[i], strerror(err));
		EXPECT_EQ(EINVAL, err);
		/* a refused call writes nothing back */
		EXPECT_EQ(0, info.out_abi_version);
	}
}

TEST_F(dev, larger_struct_tail_rules)
{
	struct {
		struct shadowk_info info;
		__u64 tail[8];
	} big;
	unsigned int i;

	/* A zero tail is what a newer header's unknown fields look like. */
	memset(&big, 0, sizeof(big));
	big.info.size = sizeof(big);
	ASSERT_EQ(0, ioctl_errno(self->fd, SHADOWK_IOC_GET_INFO, &big));
	EXPECT_EQ(SHADOWK_ABI_VERSION, big.info.out_abi_version);
	/* What the module wrote: its own struct, not the caller's. */
	EXPECT_EQ(sizeof(big.info), big.info.size);
	for (i = 0; i < 8; i++)
		EXPECT_EQ(0, big.tail[i]);	/* never written past its own struct */

	/* Any non-zero byte the module does not know is refused. */
	for (i = 0; i < 8; i++) {
		memset(&big, 0, sizeof(big));
		big.info.size = sizeof(big);
		((unsigned char *)big.tail)[i * 8 + i % 8] = 0x80;
		EXPECT_EQ(E2BIG, ioctl_errno(self->fd, SHADOWK_IOC_GET_INFO,
					     &big));
		EXPECT_EQ(0, big.info.out_abi_version);
	}
}

/* Every command applies the size rules before it does anything. */
TEST_F(dev, every_ioctl_checks_size)
{
	static const struct {
		unsigned long cmd;
		size_t min_size;	/* end of the first version */
	} cmds[] = {
		{ SHADOWK_IOC_GET_INFO,
		  offsetof(struct shadowk_info, out_max_clones) },
		{ SHADOWK_IOC_CREATE, sizeof(struct shadowk_create) },
		{ SHADOWK_IOC_DESTROY, sizeof(struct shadowk_destroy) },
		{ SHADOWK_IOC_CLONE_INFO,
		  offsetofend(struct shadowk_clone_info, out_bytes) },
		{ SHADOWK_IOC_CLONE_LIST, sizeof(struct shadowk_clone_list) },
		{ SHADOWK_IOC_BIND, sizeof(struct shadowk_bind) },
		{ SHADOWK_IOC_UNBIND, sizeof(struct shadowk_unbind) },
		{ SHADOWK_IOC_VERIFY, sizeof(struct shadowk_verify) },
		{ SHADOWK_IOC_SITE_ADD, sizeof(struct shadowk_site_add) },
		{ SHADOWK_IOC_SITE_DEL, sizeof(struct shadowk_site_del) },
		{ SHADOWK_IOC_PROBE_ADD, sizeof(struct shadowk_probe_add) },
		{ SHADOWK_IOC_PROBE_DEL, sizeof(struct shadowk_probe_del) },
		{ SHADOWK_IOC_PROBE_READ,
		  offsetofend(struct shadowk_probe_read, out_site) },
		{ SHADOWK_IOC_PROBE_LIST, sizeof(struct shadowk_probe_list) },
		{ SHADOWK_IOC_INJECT_SET, sizeof(struct shadowk_inject_set) },
		{ SHADOWK_IOC_INJECT_READ, sizeof(struct shadowk_inject_read) },
		{ SHADOWK_IOC_INJECT_DEL, sizeof(struct shadowk_inject_del) },
		{ SHADOWK_IOC_INJECT_LIST, sizeof(struct shadowk_inject_list) },
		{ SHADOWK_IOC_PROCESS_INFO,
		  offsetofend(struct shadowk_process_info, __reserved) },
		{ SHADOWK_IOC_CLONE_PIN, sizeof(struct shadowk_clone_pin) },
		{ SHADOWK_IOC_PROCESS_LIST,
		  sizeof(struct shadowk_process_list) },
		{ SHADOWK_IOC_CGROUP_BIND, sizeof(struct shadowk_cgroup_bind) },
		{ SHADOWK_IOC_CGROUP_UNBIND,
		  sizeof(struct shadowk_cgroup_unbind) },
		{ SHADOWK_IOC_CGROUP_LIST, sizeof(struct shadowk_cgroup_list) },
	};
	unsigned char buf[1024];
	unsigned int i;

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		__u32 size;
		int e0, e1, e2;

		memset(buf, 0, sizeof(buf));
		size = 0;
		memcpy(buf, &size, sizeof(size));
		e0 = ioctl_errno(self->fd, cmds[i].cmd, buf);
		size = cmds[i].min_size - 1;
		memcpy(buf, &size, sizeof(size));
		e1 = ioctl_errno(self->fd, cmds[i].cmd, buf);
		size = sizeof(buf);
		memcpy(buf, &size, sizeof(size));
		buf[sizeof(buf) - 1] = 1;
		e2 = ioctl_errno(self->fd, cmds[i].cmd, buf);
		if (e0 != EINVAL || e1 != EINVAL || e2 != E2BIG)
			TH_LOG("command %#lx: %d %d %d", cmds[i].cmd, e0, e1, e2);
		EXPECT_EQ(EINVAL, e0);
		EXPECT_EQ(EINVAL, e1);
		EXPECT_EQ(E2BIG, e2);
	}
}

/* No struct is larger than a page: a size past it is refused unread. */
TEST_F(dev, size_past_a_page_is_e2big)
{
	static unsigned char buf[8192];
	struct shadowk_info *info = (void *)buf;

	memset(buf, 0, sizeof(buf));
	info->size = 4096;
	EXPECT_EQ(0, ioctl_errno(self->fd, SHADOWK_IOC_GET_INFO, buf));
	memset(buf, 0, sizeof(buf));
	info->size = 4097;
	EXPECT_EQ(E2BIG, ioctl_errno(self->fd, SHADOWK_IOC_GET_INFO, buf));
	EXPECT_EQ(0, info->out_abi_version);
	/* Nothing past a page is even read: an unmapped tail is no fault. */
	memset(buf, 0, sizeof(buf));
	info->size = 0xffffffff;
	EXPECT_EQ(E2BIG, ioctl_errno(self->fd, SHADOWK_IOC_GET_INFO, buf));
}

/* Kernel addresses in replies follow kptr_restrict, as /proc/kallsyms. */
TEST_F(dev, addresses_follow_kptr_restrict)
{
	struct shadowk_probe_add a = {
		.size = sizeof(a), .func.symbol = "__x64_sys_getppid",
	};
	struct shadowk_probe_del d = { .size = sizeof(d) };
	char old[16] = "";
	FILE *f;
	__u32 id;

	f = fopen("/proc/sys/kernel/kptr_restrict", "r");
	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, fgets(old, sizeof(old), f));
	fclose(f);
	ASSERT_EQ(0, sk_create(self->fd, NULL, &id));
	a.clone_id = id;
	/* 2: nobody sees addresses, root included. */
	ASSERT_EQ(0, sk_write_file("/proc/sys/kernel/kptr_restrict", "2"));
	EXPECT_EQ(0, ioctl_errno(self->fd, SHADOWK_IOC_PROBE_ADD, &a));
	EXPECT_EQ(0, a.out_site);
	d.probe_id = a.out_probe_id;
	EXPECT_EQ(0, ioctl_errno(self->fd, SHADOWK_IOC_PROBE_DEL, &d));
	ASSERT_EQ(0, sk_write_file("/proc/sys/kernel/kptr_restrict", "0"));
	EXPECT_EQ(0, ioctl_errno(self->fd, SHADOWK_IOC_PROBE_ADD, &a));
	EXPECT_EQ(sk_kallsyms("__x64_sys_getppid") & ~0xfUL,
		  a.out_site & ~0xfUL);
	EXPECT_NE(0, a.out_site);
	EXPECT_EQ(0, sk_write_file("/proc/sys/kernel/kptr_restrict", old));
	EXPECT_EQ(0, sk_destroy(self->fd, id));
}

/*
 * PROBE_LIST names each probe's function even where its address is hidden
 * (it used to name address 0 then), and a caller offering room for every
 * possible probe gets the clone's own, exactly.
 */
TEST_F(dev, probe_list_names_hidden_addresses)
{
	struct shadowk_info info = { .size = sizeof(info) };
	struct shadowk_probe_list l = {
		.size = sizeof(l), .entry_size = sizeof(struct shadowk_probe_entry),
	};
	char old[16] = "", shown[SHADOWK_SYMBOL_LEN];
	struct shadowk_probe_entry *e;
	__u32 id, probe;
	FILE *f;

	ASSERT_EQ(0, ioctl_errno(self->fd, SHADOWK_IOC_GET_INFO, &info));
	e = calloc(info.out_max_probes, sizeof(*e));
	ASSERT_NE(NULL, e);
	l.count = info.out_max_probes;
	l.entries = (__u64)(unsigned long)e;

	f = fopen("/proc/sys/kernel/kptr_restrict", "r");
	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, fgets(old, sizeof(old), f));
	fclose(f);
	ASSERT_EQ(0, sk_create(self->fd, NULL, &id));
	ASSERT_EQ(0, sk_probe_add(self->fd, id, "__x64_sys_getppid", 0, &probe));
	l.clone_id = id;
	ASSERT_EQ(0, sk_write_file("/proc/sys/kernel/kptr_restrict", "0"));
	ASSERT_EQ(0, ioctl_errno(self->fd, SHADOWK_IOC_PROBE_LIST, &l));
	snprintf(shown, sizeof(shown), "%s", e[0].symbol);
	memset(e, 0, sizeof(e[0]) * 2);
	ASSERT_EQ(0, sk_write_file("/proc/sys/kernel/kptr_restrict", "2"));
	EXPECT_EQ(0, ioctl_errno(self->fd, SHADOWK_IOC_PROBE_LIST, &l));
	EXPECT_EQ(0, sk_write_file("/proc/sys/kernel/kptr_restrict", old));
	EXPECT_EQ(1, l.count);
	EXPECT_EQ(probe, e[0].probe_id);
	EXPECT_EQ(0, e[0].site);
	/* The name it was added with, whatever the kernel's alias is. */
	EXPECT_STREQ("__x64_sys_getppid", shown);
	EXPECT_STREQ(shown, e[0].symbol);
	EXPECT_EQ(0, e[1].probe_id);
	EXPECT_EQ(0, sk_destroy(self->fd, id));
	free(e);
}

/* One id space for every user of a function; each command its own kind. */
TEST_F(dev, ids_name_one_kind_each)
{
	struct shadowk_probe_read pr = { .size = sizeof(pr) };
	struct shadowk_inject_read ir = { .size = sizeof(ir) };
	struct shadowk_inject_del idel = { .size = sizeof(idel) };
	struct shadowk_probe_del pdel = { .size = sizeof(pdel) };
	__u32 id, probe, site, inject;

	ASSERT_EQ(0, sk_create(self->fd, NULL, &id));
	ASSERT_EQ(0, sk_probe_add(self->fd, id, "__x64_sys_getppid", 0, &probe));
	ASSERT_EQ(0, sk_site_add_id(self->fd, id, "__x64_sys_getppid", 0,
				    SHADOWK_SITE_NONE, 0, 0, &site));
	ASSERT_EQ(0, sk_inject(self->fd, id, "__x64_sys_getppid",
			       SHADOWK_INJECT_FIRST_N, -EPERM, 1, 0, 0, 0));
	inject = sk_inject_id(self->fd, id, "__x64_sys_getppid");
	ASSERT_NE(0, inject);
	EXPECT_NE(probe, site);
	EXPECT_NE(probe, inject);
	EXPECT_NE(site, inject);

	/* Another kind's id is no such user. */
	pr.probe_id = inject;
	EXPECT_EQ(ENOENT, ioctl_errno(self->fd, SHADOWK_IOC_PROBE_READ, &pr));
	pdel.probe_id = site;
	EXPECT_EQ(ENOENT, ioctl_errno(self->fd, SHADOWK_IOC_PROBE_DEL, &pdel));
	ir.inject_id = probe;
	EXPECT_EQ(ENOENT, ioctl_errno(self->fd, SHADOWK_IOC_INJECT_READ, &ir));
	EXPECT_EQ(ENOENT, sk_site_del_id(self->fd, inject));

	/* Its own id reads it; out_ members are ignored on input. */
	ir.inject_id = inject;
	memset(&ir.out, 0xa5, sizeof(ir.out));
	EXPECT_EQ(0, ioctl_errno(self->fd, SHADOWK_IOC_INJECT_READ, &ir));
	EXPECT_EQ(inject, ir.out.inject_id);
	EXPECT_EQ(id, ir.out.clone_id);
	EXPECT_EQ(SHADOWK_INJECT_FIRST_N, ir.out.policy);
	EXPECT_EQ(1, ir.out.nth);
	EXPECT_EQ(-EPERM, ir.out.value);
	EXPECT_STREQ("__x64_sys_getppid", ir.out.symbol);
	pr.probe_id = probe;
	pr.out_clone_id = 77;
	pr.out_hits = 5;
	EXPECT_EQ(0, ioctl_errno(self->fd, SHADOWK_IOC_PROBE_READ, &pr));
	EXPECT_EQ(id, pr.out_clone_id);

	/* Each removed by its id, once. */
	EXPECT_EQ(0, sk_site_del_id(self->fd, site));
	EXPECT_EQ(ENOENT, sk_site_del_id(self->fd, site));
	idel.inject_id = inject;
	EXPECT_EQ(0, ioctl_errno(self->fd, SHADOWK_IOC_INJECT_DEL, &idel));
	EXPECT_EQ(ENOENT, ioctl_errno(self->fd, SHADOWK_IOC_INJECT_DEL, &idel));
	pdel.probe_id = probe;
	EXPECT_EQ(0, ioctl_errno(self->fd, SHADOWK_IOC_PROBE_DEL, &pdel));
	EXPECT_EQ(0, sk_destroy(self->fd, id));
}

/* Setting an injection again replaces it under the same id. */
TEST_F(dev, inject_set_again_keeps_its_id)
{
	struct shadowk_inject_set set = {
		.size = sizeof(set), .policy = SHADOWK_INJECT_EVERY_NTH,
		.value = -EIO, .nth = 3, .func.symbol = "__x64_sys_getppid",
	};
	struct shadowk_inject_read r = { .size = sizeof(r) };
	__u32 id, first;

	ASSERT_EQ(0, sk_create(self->fd, NULL, &id));
	set.clone_id = id;
	ASSERT_EQ(0, ioctl_errno(self->fd, SHADOWK_IOC_INJECT_SET, &set));
	first = set.out_inject_id;
	EXPECT_NE(0, first);
	set.policy = SHADOWK_INJECT_ALWAYS;
	set.nth = 0;
	set.value = -ENOSPC;
	ASSERT_EQ(0, ioctl_errno(self->fd, SHADOWK_IOC_INJECT_SET, &set));
	EXPECT_EQ(first, set.out_inject_id);
	r.inject_id = first;
	ASSERT_EQ(0, ioctl_errno(self->fd, SHADOWK_IOC_INJECT_READ, &r));
	EXPECT_EQ(SHADOWK_INJECT_ALWAYS, r.out.policy);
	EXPECT_EQ(-ENOSPC, r.out.value);
	EXPECT_EQ(1, sk_inject_id(self->fd, id, "__x64_sys_getppid") == first);
	EXPECT_EQ(0, sk_destroy(self->fd, id));
	/* The clone's end takes its ids along. */
	EXPECT_EQ(ENOENT, ioctl_errno(self->fd, SHADOWK_IOC_INJECT_READ, &r));
}

/*
 * A list writes entries entry_size apart, each up to the smaller of the
 * two sizes and cleared past it; too small an entry is refused.
 */
TEST_F(dev, list_entry_size_rules)
{
	const size_t esz = sizeof(struct shadowk_probe_entry);
	const size_t v0 = offsetofend(struct shadowk_probe_entry, symbol);
	unsigned char buf[4 * (sizeof(struct shadowk_probe_entry) + 24)];
	struct shadowk_probe_list l = { .size = sizeof(l) };
	struct shadowk_probe_entry *e;
	__u32 id, p1, p2;
	unsigned int i;

	ASSERT_EQ(0, sk_create(self->fd, NULL, &id));
	ASSERT_EQ(0, sk_probe_add(self->fd, id, "__x64_sys_getppid", 0, &p1));
	ASSERT_EQ(0, sk_probe_add(self->fd, id, "__x64_sys_getpid", 0, &p2));
	l.clone_id = id;
	l.entries = (__u64)(unsigned long)buf;

	l.count = 2;
	l.entry_size = v0 - 1;
	EXPECT_EQ(EINVAL, ioctl_errno(self->fd, SHADOWK_IOC_PROBE_LIST, &l));
	l.entry_size = 0;
	EXPECT_EQ(EINVAL, ioctl_errno(self->fd, SHADOWK_IOC_PROBE_LIST, &l));

	/* An older caller's first-version entries, packed at that size. */
	memset(buf, 0xa5, sizeof(buf));
	l.entry_size = v0;
	ASSERT_EQ(0, ioctl_errno(self->fd, SHADOWK_IOC_PROBE_LIST, &l));
	EXPECT_EQ(2, l.count);
	e = (void *)(buf + v0);
	EXPECT_EQ(p2, e->probe_id);
	EXPECT_EQ(0xa5, buf[2 * v0]);

	/* A newer caller's larger entries: the tails come back zero. */
	memset(buf, 0xa5, sizeof(buf));
	l.count = 2;
	l.entry_size = esz + 24;
	ASSERT_EQ(0, ioctl_errno(self->fd, SHADOWK_IOC_PROBE_LIST, &l));
	EXPECT_EQ(2, l.count);
	e = (void *)buf;
	EXPECT_EQ(p1, e->probe_id);
	EXPECT_STREQ("__x64_sys_getppid", e->symbol);
	for (i = 0; i < 24; i++)
		EXPECT_EQ(0, buf[esz + i]);
	e = (void *)(buf + esz + 24);
	EXPECT_EQ(p2, e->probe_id);
	EXPECT_STREQ("__x64_sys_getpid", e->symbol);
	/* Nothing past the room given. */
	EXPECT_EQ(0xa5, buf[2 * (esz + 24)]);
	EXPECT_EQ(0, sk_destroy(self->fd, id));
}

/* Which clone a process runs, and no error for one on the kernel's. */
TEST_F(dev, process_info_says_which_clone)
{
	struct shadowk_process_info pi = { .size = sizeof(pi) };
	__u32 id;

	ASSERT_EQ(0, ioctl_errno(self->fd, SHADOWK_IOC_PROCESS_INFO, &pi));
	EXPECT_EQ(0, pi.out_clone_id);
	ASSERT_EQ(0, sk_create(self->fd, NULL, &id));
	ASSERT_EQ(0, sk_bind(self->fd, id, 0, SHADOWK_BIND_INHERIT_FORK));
	pi.pid = getpid();
	EXPECT_EQ(0, ioctl_errno(self->fd, SHADOWK_IOC_PROCESS_INFO, &pi));
	EXPECT_EQ(id, pi.out_clone_id);
	EXPECT_EQ(SHADOWK_BIND_INHERIT_FORK, pi.out_bind_flags);
	EXPECT_EQ(0, sk_unbind(self->fd, 0));
	EXPECT_EQ(0, ioctl_errno(self->fd, SHADOWK_IOC_PROCESS_INFO, &pi));
	EXPECT_EQ(0, pi.out_clone_id);
	pi.pid = -1;
	EXPECT_EQ(EINVAL, ioctl_errno(self->fd, SHADOWK_IOC_PROCESS_INFO, &pi));
	pi.pid = 0x3ffffffe;
	EXPECT_EQ(ESRCH, ioctl_errno(self->fd, SHADOWK_IOC_PROCESS_INFO, &pi));
	pi.pid = 0;
	pi.flags = 1;
	EXPECT_EQ(EINVAL, ioctl_errno(self->fd, SHADOWK_IOC_PROCESS_INFO, &pi));
	EXPECT_EQ(0, sk_destroy(self->fd, id));
}

TEST_F(dev, unknown_flags_are_einval)
{
	struct shadowk_info info = { .size = sizeof(info) };
	unsigned int bit;

	for (bit = 0; bit < 32; bit++) {
		info.flags = 1U << bit;
		EXPECT_EQ(EINVAL, ioctl_errno(self->fd, SHADOWK_IOC_GET_INFO,
					      &info));
	}
}

TEST_F(dev, bad_pointer_is_efault)
{
	EXPECT_EQ(EFAULT, ioctl_errno(self->fd, SHADOWK_IOC_GET_INFO, NULL));
	EXPECT_EQ(EFAULT, ioctl_errno(self->fd, SHADOWK_IOC_GET_INFO,
				      (void *)1));
}

/* Run fn in a child and return its exit status (or 255 if it died). */
static int in_child(int (*fn)(void))
{
	int status;
	pid_t pid = fork();

	if (pid == 0)
		_exit(fn());
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return 254;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 255;
}

static int open_errno(void)
{
	int fd = open("/dev/shadowk", O_RDWR | O_CLOEXEC);

	if (fd >= 0) {
		close(fd);
		return 0;
	}
	return errno;
}

static int open_as_nobody(void)
{
	if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
	    setresuid(65534, 65534, 65534))
		return 253;
	return open_errno();
}

static int open_without_sys_admin(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data))
		return 253;
	data[CAP_SYS_ADMIN / 32].effective &= ~(1U << (CAP_SYS_ADMIN % 32));
	data[CAP_SYS_ADMIN / 32].permitted &= ~(1U << (CAP_SYS_ADMIN % 32));
	if (syscall(SYS_capset, &hdr, data))
		return 253;
	return open_errno();
}

TEST(unprivileged_open_is_refused)
{
	/* The node's mode keeps out other users... */
	EXPECT_EQ(EACCES, in_child(open_as_nobody));
	/* ...and the module keeps out root without CAP_SYS_ADMIN. */
	EXPECT_EQ(EPERM, in_child(open_without_sys_admin));
	/* The same process with its privileges still gets in. */
	EXPECT_EQ(0, open_errno());
}

TEST_HARNESS_MAIN
