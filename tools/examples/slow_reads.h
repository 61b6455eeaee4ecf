/* SPDX-License-Identifier: GPL-2.0 */
/* What slow_reads.bpf.c sends through its ring buffer to slow_reads.c. */
#ifndef SLOW_READS_H
#define SLOW_READS_H

struct slow_read {
	__u32 tgid;
	__u32 tid;
	__u64 ns;	/* entry to return */
	__s64 ret;	/* bytes read, or a negative errno */
	__u64 count;	/* bytes asked for */
	char comm[16];
};

#endif
