// SPDX-License-Identifier: GPL-2.0
/*
 * slow_reads: vfs_read() calls slower than min_ns, with their latency,
 * sent through a ring buffer; slow_reads.c loads it into a clone.
 *
 * The entry program keeps the start time and size per thread; the return
 * program takes them back and reports the call if it was slow.  Both run
 * for the clone's bound processes only, so the table holds their threads
 * alone.
 */

#include <linux/bpf.h>
#include <linux/ptrace.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "slow_reads.h"

/* Set by the loader before the object is loaded. */
const volatile __u64 min_ns;

struct start {
	__u64 ts;
	__u64 count;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct start);
} starts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

SEC("kprobe/vfs_read")
int BPF_KPROBE(read_entry, void *file, char *buf, __u64 count)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct start s = { .ts = bpf_ktime_get_ns(), .count = count };

	bpf_map_update_elem(&starts, &tid, &s, BPF_ANY);
	return 0;
}

SEC("kretprobe/vfs_read")
int BPF_KRETPROBE(read_return, long ret)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id;
	struct slow_read *e;
	struct start *s;
	__u64 ns;

	s = bpf_map_lookup_elem(&starts, &tid);
	if (!s)
		return 0;	/* attached while this call was under way */
	ns = bpf_ktime_get_ns() - s->ts;
	if (ns >= min_ns) {
		e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
		if (e) {
			e->tgid = id >> 32;
			e->tid = tid;
			e->ns = ns;
			e->ret = ret;
			e->count = s->count;
			bpf_get_current_comm(e->comm, sizeof(e->comm));
			bpf_ringbuf_submit(e, 0);
		}
	}
	bpf_map_delete_elem(&starts, &tid);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
