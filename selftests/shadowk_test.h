/* SPDX-License-Identifier: GPL-2.0 */
/* Thin wrappers over the shadowk ioctls for the selftests: 0 or errno. */
#ifndef SHADOWK_TEST_H
#define SHADOWK_TEST_H

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/capability.h>
#include <linux/shadowk.h>
#include <sys/syscall.h>

/* Where a member ends: the size of a struct's version that ended with it. */
#ifndef offsetofend
#define offsetofend(type, member) \
	(offsetof(type, member) + sizeof(((type *)0)->member))
#endif

static inline int sk_open(void)
{
	return open("/dev/shadowk", O_RDWR | O_CLOEXEC);
}

static inline int sk_ioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? errno : 0;
}

static inline int sk_create(int fd, const char *name, __u32 *id)
{
	struct shadowk_create c = { .size = sizeof(c) };
	int err;

	if (name)
		strncpy(c.name, name, sizeof(c.name) - 1);
	err = sk_ioctl(fd, SHADOWK_IOC_CREATE, &c);
	if (!err && id)
		*id = c.out_clone_id;
	return err;
}

static inline int sk_destroy(int fd, __u32 id)
{
	struct shadowk_destroy d = { .size = sizeof(d), .clone_id = id };

	return sk_ioctl(fd, SHADOWK_IOC_DESTROY, &d);
}

static inline int sk_info(int fd, __u32 id, struct shadowk_clone_info *info)
{
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	info->clone_id = id;
	return sk_ioctl(fd, SHADOWK_IOC_CLONE_INFO, info);
}

static inline long long sk_bound(int fd, __u32 id)
{
	struct shadowk_clone_info info;

	return sk_info(fd, id, &info) ? -1 : (long long)info.out_bound_mms;
}

static inline int sk_bind(int fd, __u32 id, int pid, __u32 flags)
{
	struct shadowk_bind b = {
		.size = sizeof(b), .flags = flags, .clone_id = id, .pid = pid,
	};

	return sk_ioctl(fd, SHADOWK_IOC_BIND, &b);
}

static inline int sk_unbind(int fd, int pid)
{
	struct shadowk_unbind u = { .size = sizeof(u), .pid = pid };

	return sk_ioctl(fd, SHADOWK_IOC_UNBIND, &u);
}

static inline int sk_verify(int fd, __u32 id, struct shadowk_verify *v)
{
	memset(v, 0, sizeof(*v));
	v->size = sizeof(*v);
	v->clone_id = id;
	return sk_ioctl(fd, SHADOWK_IOC_VERIFY, v);
}

/*
 * The sites this process added, newest last, so that sk_site_del() can
 * name one by clone and function as the tests do; SITE_DEL takes its id.
 */
#define SK_SITES 512
static struct sk_site {
	__u32 clone_id, site_id;
	unsigned long addr;
	char symbol[SHADOWK_SYMBOL_LEN];
} sk_sites[SK_SITES];
static unsigned int sk_nr_sites;

static inline int sk_site_add_id(int fd, __u32 id, const char *sym,
				 unsigned long addr, __u32 action, long value,
				 __u32 flags, __u32 *site_id)
{
	struct shadowk_site_add a = {
		.size = sizeof(a), .flags = flags, .clone_id = id,
		.action = action, .value = value, .func.addr = addr,
	};
	struct sk_site *s;
	int err;

	if (sym)
		snprintf(a.func.symbol, sizeof(a.func.symbol), "%s", sym);
	err = sk_ioctl(fd, SHADOWK_IOC_SITE_ADD, &a);
	if (err)
		return err;
	if (site_id)
		*site_id = a.out_site_id;
	if (sk_nr_sites == SK_SITES)
		sk_nr_sites = 0;	/* the oldest are long gone */
	s = &sk_sites[sk_nr_sites++];
	s->clone_id = id;
	s->site_id = a.out_site_id;
	s->addr = addr;
	snprintf(s->symbol, sizeof(s->symbol), "%s", sym ? sym : "");
	return 0;
}

static inline int sk_site_add(int fd, __u32 id, const char *sym,
			      unsigned long addr, __u32 action, long value,
			      __u32 flags)
{
	return sk_site_add_id(fd, id, sym, addr, action, value, flags, NULL);
}

static inline int sk_site_del_id(int fd, __u32 site_id)
{
	struct shadowk_site_del d = { .size = sizeof(d), .site_id = site_id };

	return sk_ioctl(fd, SHADOWK_IOC_SITE_DEL, &d);
}

/* The newest site this process added to the clone's function, else id 0. */
static inline int sk_site_del(int fd, __u32 id, const char *sym,
			      unsigned long addr)
{
	unsigned int i;

	for (i = SK_SITES; i-- > 0;) {
		struct sk_site *s = &sk_sites[(sk_nr_sites + i) % SK_SITES];

		if (s->site_id && s->clone_id == id &&
		    (addr ? s->addr == addr : !strcmp(s->symbol, sym ? sym : ""))) {
			__u32 site_id = s->site_id;

			s->site_id = 0;
			return sk_site_del_id(fd, site_id);
		}
	}
	return sk_site_del_id(fd, 0);
}

/* A kernel symbol's address from /proc/kallsyms (first match), or 0. */
static inline unsigned long sk_kallsyms(const char *name)
{
	char line[512], sym[256], type;
	unsigned long addr, found = 0;
	FILE *f = fopen("/proc/kallsyms", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx %c %255s", &addr, &type, sym) == 3 &&
		    !strcmp(sym, name)) {
			found = addr;
			break;
		}
	}
	fclose(f);
	return found;
}

/* Look several symbols up in one pass over /proc/kallsyms. */
static inline void sk_kallsyms_many(const char *const *names, unsigned long *addrs,
			  int n)
{
	char line[512], sym[256], type;
	unsigned long addr;
	FILE *f = fopen("/proc/kallsyms", "r");
	int i;

	for (i = 0; i < n; i++)
		addrs[i] = 0;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx %c %255s", &addr, &type, sym) != 3)
			continue;
		for (i = 0; i < n; i++)
			if (!addrs[i] && !strcmp(sym, names[i]))
				addrs[i] = addr;
	}
	fclose(f);
}

/* The module's own page and object balance, from debugfs; -1 if absent. */
static inline int sk_accounting(long *pages, long *objects)
{
	FILE *f = fopen("/sys/kernel/debug/shadowk/accounting", "r");
	int n;

	if (!f)
		return -1;
	n = fscanf(f, "pages %ld\nobjects %ld\n", pages, objects);
	fclose(f);
	return n == 2 ? 0 : -1;
}

/* One counter of debugfs shadowk/stats, or -1. */
static inline long long sk_stat(const char *name)
{
	FILE *f = fopen("/sys/kernel/debug/shadowk/stats", "r");
	char key[64];
	long long v, found = -1;

	if (!f)
		return -1;
	while (fscanf(f, "%63s %lld\n", key, &v) == 2)
		if (!strcmp(key, name))
			found = v;
	fclose(f);
	return found;
}

/*
 * @n iterations of a loop of forks or execs, a tenth of them on the debug
 * kernel (KASAN, lockdep, kmemleak: kmemleak's file tells it), where each
 * costs several times more and a tenth still makes a race show.
 */
static inline int sk_heavy(int n)
{
	return access("/sys/kernel/debug/kmemleak", F_OK) ? n : n / 10;
}

/*
 * After a bound process exits, its binding ends when its mm is dropped
 * for the last time, which a CPU that went idle holding the mm lazily
 * (x86's lazy TLB) delays until it next runs a user task.  Running the
 * caller on every CPU in turn ends those, so that shadowk's accounting
 * can be compared right after: 0 or errno.
 */
static inline int sk_settle_mms(void)
{
	cpu_set_t old, one;
	int cpu, err = 0;

	if (sched_getaffinity(0, sizeof(old), &old))
		return errno;
	for (cpu = 0; cpu < CPU_SETSIZE && !err; cpu++) {
		if (!CPU_ISSET(cpu, &old))
			continue;
		CPU_ZERO(&one);
		CPU_SET(cpu, &one);
		/* Returns once the caller runs there. */
		if (sched_setaffinity(0, sizeof(one), &one))
			err = errno;
	}
	if (sched_setaffinity(0, sizeof(old), &old) && !err)
		err = errno;
	return err;
}

/* Raise or drop one capability of the caller's effective set: 0 or -1. */
static inline int sk_set_effective_cap(int cap, int on)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data))
		return -1;
	if (on)
		data[cap / 32].effective |= 1U << (cap % 32);
	else
		data[cap / 32].effective &= ~(1U << (cap % 32));
	return syscall(SYS_capset, &hdr, data);
}

/* Run the calling thread (and what it forks) on @cpu only: 0 or errno. */
static inline int sk_pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) ? errno : 0;
}

static inline int sk_probe_add(int fd, __u32 id, const char *sym, __u32 flags,
			       __u32 *probe_id)
{
	struct shadowk_probe_add a = {
		.size = sizeof(a), .flags = flags, .clone_id = id,
	};
	int err;

	snprintf(a.func.symbol, sizeof(a.func.symbol), "%s", sym);
	err = sk_ioctl(fd, SHADOWK_IOC_PROBE_ADD, &a);
	if (!err && probe_id)
		*probe_id = a.out_probe_id;
	return err;
}

/* The probe's hits, or -errno. */
static inline long long sk_probe_hits(int fd, __u32 probe_id)
{
	struct shadowk_probe_read r = {
		.size = sizeof(r), .probe_id = probe_id,
	};
	int err = sk_ioctl(fd, SHADOWK_IOC_PROBE_READ, &r);

	return err ? -err : (long long)r.out_hits;
}

/* Removes the probe; its final hits, or -errno. */
static inline long long sk_probe_del(int fd, __u32 probe_id)
{
	struct shadowk_probe_del d = {
		.size = sizeof(d), .probe_id = probe_id,
	};
	int err = sk_ioctl(fd, SHADOWK_IOC_PROBE_DEL, &d);

	return err ? -err : (long long)d.out_hits;
}

static inline int sk_inject(int fd, __u32 id, const char *sym, __u32 policy,
			    long value, __u64 nth, __u64 seed, __u32 ppm,
			    __u32 flags)
{
	struct shadowk_inject_set i = {
		.size = sizeof(i), .flags = flags, .clone_id = id,
		.policy = policy, .value = value, .nth = nth, .seed = seed,
		.ppm = ppm,
	};

	snprintf(i.func.symbol, sizeof(i.func.symbol), "%s", sym);
	return sk_ioctl(fd, SHADOWK_IOC_INJECT_SET, &i);
}

/* The id of the clone's injection on @sym (named as it was set), or 0. */
static inline __u32 sk_inject_id(int fd, __u32 id, const char *sym)
{
	static struct shadowk_inject_entry e[64];
	struct shadowk_inject_list l = {
		.size = sizeof(l), .clone_id = id, .count = 64,
		.entry_size = sizeof(e[0]), .entries = (__u64)(unsigned long)e,
	};
	__u32 i;

	if (sk_ioctl(fd, SHADOWK_IOC_INJECT_LIST, &l))
		return 0;
	for (i = 0; i < l.count && i < 64; i++)
		if (!strcmp(e[i].symbol, sym))
			return e[i].inject_id;
	return 0;
}

static inline int sk_inject_read(int fd, __u32 id, const char *sym,
				 __u64 *calls, __u64 *injected)
{
	struct shadowk_inject_read r = {
		.size = sizeof(r), .inject_id = sk_inject_id(fd, id, sym),
	};
	int err;

	err = sk_ioctl(fd, SHADOWK_IOC_INJECT_READ, &r);
	if (!err) {
		*calls = r.out.calls;
		*injected = r.out.injected;
	}
	return err;
}

static inline int sk_inject_del(int fd, __u32 id, const char *sym)
{
	struct shadowk_inject_del d = {
		.size = sizeof(d), .inject_id = sk_inject_id(fd, id, sym),
	};

	return sk_ioctl(fd, SHADOWK_IOC_INJECT_DEL, &d);
}

/* The documented generator of SHADOWK_INJECT_PROBABILITY and detrand. */
static inline __u64 sk_splitmix(__u64 seed, __u64 n)
{
	__u64 z = seed + n * 0x9e3779b97f4a7c15ULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/*
 * One write(2) of @s, never truncating (that would delete every kprobe
 * event), except that an empty @s truncates, which is how tracefs clears a
 * file.  0 or errno.
 */
static inline int sk_write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC | (*s ? 0 : O_TRUNC));
	ssize_t len = strlen(s);
	int err = 0;

	if (fd < 0)
		return errno;
	if (len && write(fd, s, len) != len)
		err = errno ? errno : EIO;
	close(fd);
	return err;
}

/* Is @name in ftrace's list of traceable functions? 1, 0, or -1. */
static inline int sk_traceable(const char *name)
{
	FILE *f = fopen("/sys/kernel/tracing/available_filter_functions", "r");
	char line[512];
	size_t len = strlen(name);
	int found = 0;

	if (!f)
		return -1;
	while (!found && fgets(line, sizeof(line), f))
		found = !strncmp(line, name, len) &&
			(line[len] == '\n' || line[len] == ' ');
	fclose(f);
	return found;
}

/* ftrace's filter replaced by one name, @prefix then @name. */
static inline int sk_ftrace_filter_write(const char *prefix, const char *name)
{
	int fd = open("/sys/kernel/tracing/set_ftrace_filter",
		      O_WRONLY | O_TRUNC | O_CLOEXEC);
	char line[256];
	int len, err = 0;

	if (fd < 0)
		return errno;
	len = snprintf(line, sizeof(line), "%s%s\n", prefix, name);
	if (write(fd, line, len) != len)
		err = errno ? errno : EIO;
	close(fd);
	return err;
}

/*
 * Set ftrace's filter to @name alone: 0, or an errno.  A name the filter
 * does not know is applied when the file closes, silently, leaving every
 * function traced; a name ending in a newline is applied by the write,
 * which fails.  And ftrace names a system call without arguments by an
 * alias of its x86 wrapper (__do_sys_getppid for __x64_sys_getppid).
 */
static inline int sk_ftrace_filter_only(const char *name)
{
	static const char wrapper[] = "__x64_sys_";
	int err = sk_ftrace_filter_write("", name);

	if (err == EINVAL && !strncmp(name, wrapper, sizeof(wrapper) - 1))
		err = sk_ftrace_filter_write("__do_sys_",
					     name + sizeof(wrapper) - 1);
	return err;
}

#endif
