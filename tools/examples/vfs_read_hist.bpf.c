// SPDX-License-Identifier: GPL-2.0
/*
 * vfs_read_hist: a log2 histogram of the sizes vfs_read() is asked for,
 * per process, for the processes bound to one clone only.
 *
 *	shadowk bpf attach --pin /sys/fs/bpf/hist CLONE vfs_read_hist.bpf.o
 *	bpftool map dump pinned /sys/fs/bpf/hist/hist
 *
 * The section name is libbpf's kprobe convention, so the same object also
 * loads as an ordinary (unscoped) kprobe.
 */

#include <linux/bpf.h>
#include <linux/ptrace.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#define SLOTS	32

struct hist_key {
	__u32 tgid;
	__u32 slot;	/* sizes from 2^slot to 2^(slot+1) - 1; 0 holds 0 and 1 */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct hist_key);
	__type(value, __u64);
} hist SEC(".maps");

static __always_inline __u32 log2_slot(__u64 v)
{
	__u32 slot = 0;

	/* Bounded, for the verifier: a size_t has 64 bits. */
	for (int i = 0; i < 64 && v > 1; i++) {
		v >>= 1;
		slot++;
	}
	return slot < SLOTS ? slot : SLOTS - 1;
}

SEC("kprobe/vfs_read")
int BPF_KPROBE(vfs_read_size, void *file, char *buf, __u64 count)
{
	struct hist_key key = {
		.tgid = bpf_get_current_pid_tgid() >> 32,
		.slot = log2_slot(count),
	};
	__u64 one = 1, *n;

	n = bpf_map_lookup_elem(&hist, &key);
	if (n)
		__sync_fetch_and_add(n, 1);
	else
		bpf_map_update_elem(&hist, &key, &one, BPF_NOEXIST);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
