/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A BPF counter program assembled from raw instructions, and the
 * BPF_ATTACH and BPF_DETACH commands, for tests and the benchmark: the VM
 * needs neither clang nor libbpf.
 */
#ifndef SHADOWK_BPF_RAW_H
#define SHADOWK_BPF_RAW_H

#include <linux/bpf.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <unistd.h>

#include "shadowk_test.h"

#define INSN(c, d, s, o, i) \
	((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), \
			    .off = (o), .imm = (i) })

/* Where a kretprobe program finds the return value: pt_regs' ax. */
#define RC_OFF	offsetof(struct user_regs_struct, rax)

static inline long sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

/* An array of two u64 counters. */
static inline int sk_bpf_map_create(void)
{
	union bpf_attr a = {
		.map_type = BPF_MAP_TYPE_ARRAY, .key_size = 4,
		.value_size = 8, .max_entries = 2,
	};

	return sys_bpf(BPF_MAP_CREATE, &a);
}

static inline __s64 sk_bpf_map_get(int map, __u32 key)
{
	__s64 v = -1;
	union bpf_attr a = {
		.map_fd = map, .key = (uintptr_t)&key, .value = (uintptr_t)&v,
	};

	return sys_bpf(BPF_MAP_LOOKUP_ELEM, &a) ? -1 : v;
}

/*
 * map[@key] += 1, or with @rc += the return value, atomically; loaded
 * with @a's program type and attach fields.
 */
static inline int sk_bpf_counter_load(int map, __u32 key, int rc,
				      union bpf_attr *a)
{
	struct bpf_insn insn[] = {
		/* r7 = rc ? ctx->ax : 1 */
		INSN(BPF_ALU64 | BPF_MOV | BPF_K, 7, 0, 0, 1),
		rc ? INSN(BPF_LDX | BPF_MEM | BPF_DW, 7, 1, RC_OFF, 0) :
		     INSN(BPF_ALU64 | BPF_MOV | BPF_K, 7, 0, 0, 1),
		/* r0 = bpf_map_lookup_elem(map, &key) */
		INSN(BPF_ST | BPF_MEM | BPF_W, 10, 0, -4, key),
		INSN(BPF_ALU64 | BPF_MOV | BPF_X, 2, 10, 0, 0),
		INSN(BPF_ALU64 | BPF_ADD | BPF_K, 2, 0, 0, -4),
		INSN(BPF_LD | BPF_DW | BPF_IMM, 1, BPF_PSEUDO_MAP_FD, 0, map),
		INSN(0, 0, 0, 0, 0),
		INSN(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_map_lookup_elem),
		/* if (r0) *(u64 *)r0 += r7 (atomic) */
		INSN(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1, 0),
		INSN(BPF_STX | BPF_ATOMIC | BPF_DW, 0, 7, 0, BPF_ADD),
		INSN(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 0),
		INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
	};

	a->insns = (uintptr_t)insn;
	a->insn_cnt = sizeof(insn) / sizeof(insn[0]);
	a->license = (uintptr_t)"GPL";
	return sys_bpf(BPF_PROG_LOAD, a);
}

/* The counter as a kprobe program, unless @type says otherwise. */
static inline int sk_bpf_prog_load(int map, __u32 key, int rc,
				   __u32 type)
{
	union bpf_attr a = {
		.prog_type = type ? type : BPF_PROG_TYPE_KPROBE,
	};

	return sk_bpf_counter_load(map, key, rc, &a);
}

/*
 * map[0] += 1 as a tracing program of @attach_type (BPF_TRACE_FENTRY or
 * _FEXIT) on the vmlinux BTF function @btf_id.
 */
static inline int sk_bpf_tracing_load(int map, __u32 attach_type,
				      __u32 btf_id)
{
	union bpf_attr a = {
		.prog_type = BPF_PROG_TYPE_TRACING,
		.expected_attach_type = attach_type,
		.attach_btf_id = btf_id,
	};

	return sk_bpf_counter_load(map, 0, 0, &a);
}

/* One array slot: the bytes bpf_get_stack() wrote, then the frames. */
#define SK_STACK_FRAMES	32
struct sk_bpf_stack {
	__s64 len;
	__u64 ip[SK_STACK_FRAMES];
};

static inline int sk_bpf_stack_map_create(void)
{
	union bpf_attr a = {
		.map_type = BPF_MAP_TYPE_ARRAY, .key_size = 4,
		.value_size = sizeof(struct sk_bpf_stack), .max_entries = 1,
	};

	return sys_bpf(BPF_MAP_CREATE, &a);
}

/* map[0] = the kernel stack bpf_get_stack() gives a kprobe program. */
static inline int sk_bpf_stack_prog_load(int map)
{
	struct bpf_insn insn[] = {
		INSN(BPF_ALU64 | BPF_MOV | BPF_X, 6, 1, 0, 0),
		/* r0 = bpf_map_lookup_elem(map, &0) */
		INSN(BPF_ST | BPF_MEM | BPF_W, 10, 0, -4, 0),
		INSN(BPF_ALU64 | BPF_MOV | BPF_X, 2, 10, 0, 0),
		INSN(BPF_ALU64 | BPF_ADD | BPF_K, 2, 0, 0, -4),
		INSN(BPF_LD | BPF_DW | BPF_IMM, 1, BPF_PSEUDO_MAP_FD, 0, map),
		INSN(0, 0, 0, 0, 0),
		INSN(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_map_lookup_elem),
		INSN(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 8, 0),
		/* value->len = bpf_get_stack(ctx, value->ip, sizeof, 0) */
		INSN(BPF_ALU64 | BPF_MOV | BPF_X, 7, 0, 0, 0),
		INSN(BPF_ALU64 | BPF_MOV | BPF_X, 2, 0, 0, 0),
		INSN(BPF_ALU64 | BPF_ADD | BPF_K, 2, 0, 0,
		     offsetof(struct sk_bpf_stack, ip)),
		INSN(BPF_ALU64 | BPF_MOV | BPF_X, 1, 6, 0, 0),
		INSN(BPF_ALU64 | BPF_MOV | BPF_K, 3, 0, 0,
		     sizeof(((struct sk_bpf_stack *)0)->ip)),
		INSN(BPF_ALU64 | BPF_MOV | BPF_K, 4, 0, 0, 0),
		INSN(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_get_stack),
		INSN(BPF_STX | BPF_MEM | BPF_DW, 7, 0, 0, 0),
		INSN(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 0),
		INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
	};
	union bpf_attr a = {
		.prog_type = BPF_PROG_TYPE_KPROBE,
		.insns = (uintptr_t)insn,
		.insn_cnt = sizeof(insn) / sizeof(insn[0]),
		.license = (uintptr_t)"GPL",
	};

	return sys_bpf(BPF_PROG_LOAD, &a);
}

static inline int sk_bpf_attach(int fd, __u32 id, const char *sym,
				int prog, __u32 flags, __u32 *bpf_id)
{
	struct shadowk_bpf_attach a = {
		.size = sizeof(a), .flags = flags, .clone_id = id,
		.prog_fd = prog,
	};
	int err;

	snprintf(a.func.symbol, sizeof(a.func.symbol), "%s", sym);
	err = sk_ioctl(fd, SHADOWK_IOC_BPF_ATTACH, &a);
	if (!err && bpf_id)
		*bpf_id = a.out_bpf_id;
	return err;
}

static inline int sk_bpf_detach(int fd, __u32 bpf_id,
				struct shadowk_bpf_detach *d)
{
	memset(d, 0, sizeof(*d));
	d->size = sizeof(*d);
	d->bpf_id = bpf_id;
	return sk_ioctl(fd, SHADOWK_IOC_BPF_DETACH, d);
}

#endif /* SHADOWK_BPF_RAW_H */
