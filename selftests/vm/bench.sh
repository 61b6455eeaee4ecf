#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench.sh KERNELRELEASE: the benchmark table.  Two VM runs of the same
# guest script: one under -icount shift=0 (1 guest ns = 1 instruction,
# repeatable), the figures that count, and one plain, for wall-clock
# nanoseconds as a second opinion.  Not a test: nothing here passes or
# fails on a number.

set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
O=${O:-$top/build}
kr=${1:?usage: bench.sh KERNELRELEASE}
icount=$O/vm/logs/bench-$kr
wall=$O/vm/logs/bench-wall-$kr

# Single-threaded TCG, as every test runs: QEMU 7.2's multi-threaded TCG
# lets one vCPU execute text another has already patched back (see
# Documentation/dev-tools/testing.rst).
# SHADOWK_BENCH_ONLY=verify: only the VERIFY figure, in a few minutes;
# =memcached: only the memcached rows; =scope: only the cgroup rows;
# =cpa: only the page-attribute rows.
only=(${SHADOWK_BENCH_ONLY:+--only "$SHADOWK_BENCH_ONLY"})
SHADOWK_QEMU_EXTRA="-icount shift=0,sleep=off" \
	"$top/selftests/vm/run-vm.sh" --mode bench --la57 0 --name "bench-$kr" \
	"${only[@]}" --timeout 1200 "$kr" || exit 1
"$top/selftests/vm/run-vm.sh" --mode bench --la57 0 \
	--name "bench-wall-$kr" "${only[@]}" --timeout 1200 "$kr" || exit 1

# r LOG RUN KEY: one figure of one run.
r() { sed -n "s/^shadowk-bench: $2 $3 //p" "$1/console.clean" | head -n 1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.4f", a / b; else print "-" }'; }
minus() { awk -v a="$1" -v b="$2" 'BEGIN { if (a != "" && b != "") printf "%.1f", a - b; else print "-" }'; }

# row LABEL RUN [BASE_RUN]: both syscalls, icount and wall, and the
# icount ratio to BASE_RUN.
row() {
	local g p gw pw
	g=$(r "$icount" "$2" getppid_ns)
	p=$(r "$icount" "$2" pread_ns)
	gw=$(r "$wall" "$2" getppid_ns)
	pw=$(r "$wall" "$2" pread_ns)
	printf '%-44s %9s %9s %7s %7s   %8s %8s\n' "$1" "$g" "$p" "${gw%.*}" "${pw%.*}" \
		"$(ratio "$g" "$(r "$icount" "${3:-a-unbound}" getppid_ns)")" \
		"$(ratio "$p" "$(r "$icount" "${3:-a-unbound}" pread_ns)")"
}

# hit LABEL RUN BASE_RUN [PREFIX]: per-call difference, icount and wall.
hit() {
	local k
	printf '%-44s' "$1"
	for k in getppid_ns pread_ns; do
		printf ' %9s' "$(minus "$(r "$icount" "$2" "${4:-}$k")" "$(r "$icount" "$3" "${5:-}$k")")"
	done
	for k in getppid_ns pread_ns; do
		printf ' %7s' "$(minus "$(r "$wall" "$2" "${4:-}$k")" "$(r "$wall" "$3" "${5:-}$k")")"
	done
	echo
}

echo
echo "shadowk benchmark on $kr: instructions per call under QEMU -icount shift=0"
echo "(repeatable), and wall-clock ns under plain TCG as a second opinion."
echo "pread = a 64-byte pread() of a 4 KiB file in tmpfs."
echo
printf '%-44s %9s %9s %7s %7s   %8s %8s\n' "an unbound process's syscalls" \
	getppid pread "wall:g" "wall:p" "ratio:g" "ratio:p"
row "(a) nothing installed" a-unbound
row "(b) shadowk probes 3+3 fns, clone elsewhere" b-shadowk-elsewhere
row "(b) the same as return probes" b-shadowk-ret-elsewhere
row "(b) return probes + BPF at entry and return" b-shadowk-all-elsewhere
row "(b) every syscall probed, clone elsewhere" b-all-syscalls-elsewhere
echo "    ($(r "$icount" b-all-syscalls-elsewhere probes) probes: what 'shadowk profile' installs)"
echo "    (VERIFY of that clone: $(r "$icount" b-all-syscalls-elsewhere verify_ns) instructions," \
	"$(r "$wall" b-all-syscalls-elsewhere verify_ns) ns wall, almost all under text_mutex;" \
	"$(r "$icount" b-all-syscalls-elsewhere verify_checked_bytes) bytes compared)"
row "(c) kprobes on the same fns, pid-filtered" c-kprobe-filtered
echo
printf '%-44s %9s %9s %7s %7s\n' "per-hit cost for the process (entry fn)" \
	getppid pread "wall:g" "wall:p"
hit "  shadowk probe (bound, with - without)" d-shadowk d-shadowk probed_ bound_
hit "  shadowk return probe (bound, timed)" d-shadowk d-shadowk returned_ bound_
hit "  shadowk BPF counter at entry (bound)" d-shadowk d-shadowk bpfentry_ bound_
hit "  shadowk BPF counter at return (bound)" d-shadowk d-shadowk bpfreturn_ bound_
hit "  kprobe event (recorded), minus (a)" d-kprobe a-unbound
hit "  kretprobe event (recorded), minus (a)" d-kretprobe a-unbound
hit "  BPF fentry counter (kernel), minus (a)" d-bpf-fentry a-unbound
hit "  BPF fexit counter (kernel), minus (a)" d-bpf-fexit a-unbound
hit "  ftrace function tracer, minus (a)" d-ftrace-function a-unbound
hit "  ftrace hook, tracing off, minus (a)" d-ftrace-hook-only a-unbound
echo "  (shadowk counted: getppid $(r "$icount" d-shadowk hits___x64_sys_getppid)," \
	"pread $(r "$icount" d-shadowk hits___x64_sys_pread64) hits;" \
	"fentry ran $(r "$icount" d-bpf-fentry runs), fexit $(r "$icount" d-bpf-fexit runs) times)"
echo

printf '%-52s %12s %8s %10s %8s\n' "memcached, loopback get, one at a time" "instr/req" "ratio" "wall ns" "ratio"
mc0=$(r "$icount" mc-none request_ns)
mc0w=$(r "$wall" mc-none request_ns)
for run in mc-none:"nothing installed" mc-kprobe-filtered:"4 kprobes, filtered to another pid" \
	mc-module-loaded:"shadowk loaded, no clone" mc-shadowk-elsewhere:"4 shadowk probes, clone bound elsewhere"; do
	v=$(r "$icount" "${run%%:*}" request_ns)
	w=$(r "$wall" "${run%%:*}" request_ns)
	printf '%-52s %12s %8s %10s %8s\n' "  ${run#*:}" "$v" "$(ratio "$v" "$mc0")" "$w" "$(ratio "$w" "$mc0w")"
done
echo "  (throughput is the inverse: requests/s under -icount $(r "$icount" mc-none requests_per_s)" \
	"with nothing, $(r "$icount" mc-kprobe-filtered requests_per_s) with kprobes," \
	"$(r "$icount" mc-shadowk-elsewhere requests_per_s) with shadowk;" \
	"the shadowk probes counted $(r "$icount" mc-shadowk-elsewhere hits) hits)"
echo

none=$(r "$icount" no-module getppid_ns)
loaded=$(r "$icount" module-loaded getppid_ns)
clone=$(r "$icount" clone-bound-elsewhere getppid_ns)
printf '%-52s %12s %8s\n' "getppid() of an unbound process (1M calls)" "instr/call" "ratio"
printf '%-52s %12s %8s\n' "  no module" "$none" "1.0000"
printf '%-52s %12s %8s\n' "  module loaded, no clone" "$loaded" "$(ratio "$loaded" "$none")"
printf '%-52s %12s %8s\n' "  clone with 3 owned sites bound to another process" "$clone" "$(ratio "$clone" "$none")"
echo
fork=$(r "$icount" latency fork_exec_wait_ns)
printf '%-52s %12s %8s\n' "latency (instructions, average of 1000)" "instr" "vs fork"
printf '%-52s %12s %8s\n' "  fork+exec+wait of a static no-op" "$fork" "1.0000"
for k in create_destroy bind_unbind; do
	v=$(r "$icount" latency ${k}_ns)
	printf '%-52s %12s %8s\n' "  ${k/_/ + }" "$v" "$(ratio "$v" "$fork")"
done
echo
uf=$(r "$icount" forks-unbound fork_kill_wait_ns)
ufw=$(r "$wall" forks-unbound fork_kill_wait_best_ns)
# scope_row LABEL RUN KEY BASE_VALUE BASE_WALL: one row against its base.
scope_row() {
	local v w
	v=$(r "$icount" "$2" "$3_ns")
	w=$(r "$wall" "$2" "$3_best_ns")
	printf '%-52s %12s %8s %10s %8s\n' "  $1" "$v" "$(ratio "$v" "$4")" "$w" "$(ratio "$w" "$5")"
}
if [ "${SHADOWK_BENCH_ONLY:-}" != scope ]; then
bf=$(r "$icount" forks-bound fork_kill_wait_ns)
bfw=$(r "$wall" forks-bound fork_kill_wait_best_ns)
printf '%-52s %12s %8s %10s %8s\n' "10,000 children forked, killed, reaped" "instr/child" "ratio" "wall ns" "ratio"
printf '%-52s %12s %8s %10s %8s\n' "  by an unbound process" "$uf" "1.0000" "$ufw" "1.0000"
printf '%-52s %12s %8s %10s %8s\n' "  by a bound one (INHERIT_FORK, a probe)" "$bf" \
	"$(ratio "$bf" "$uf")" "$bfw" "$(ratio "$bfw" "$ufw")"
echo "  (wall: the fastest of 20 blocks of 500 children)"
echo "  (all-CPU flushes by shadowk meanwhile: unbound $(r "$icount" forks-unbound flush_all)," \
	"bound $(r "$icount" forks-bound flush_all))"
echo
fi
printf '%-52s %12s %8s %10s %8s\n' "a cgroup bound elsewhere (empty), 10,000 of each" "instr" "ratio" "wall ns" "ratio"
scope_row "fork, kill, reap by an unbound process: none bound" forks-unbound fork_kill_wait "$uf" "$ufw"
scope_row "  the same, a cgroup bound" forks-cgroup-elsewhere fork_kill_wait "$uf" "$ufw"
mn=$(r "$icount" moves-none move_ns)
mnw=$(r "$wall" moves-none move_best_ns)
scope_row "a move between two cgroups: none bound" moves-none move "$mn" "$mnw"
scope_row "  the same, a cgroup bound" moves-cgroup-elsewhere move "$mn" "$mnw"
echo
[ "${SHADOWK_BENCH_ONLY:-}" = scope ] && exit 0
ca0=$(r "$icount" cpa-no-module cpa_cycle_ns)
ca0w=$(r "$wall" cpa-no-module cpa_cycle_ns)
printf '%-52s %12s %8s %10s %8s\n' "a page made uncached and back (2 attribute changes)" "instr" "ratio" "wall ns" "ratio"
for run in "cpa-no-module:no module" "cpa-module-loaded:module loaded, no clone" \
	"cpa-clone-bound-elsewhere:a clone bound elsewhere"; do
	v=$(r "$icount" "${run%%:*}" cpa_cycle_ns)
	w=$(r "$wall" "${run%%:*}" cpa_cycle_ns)
	printf '%-52s %12s %8s %10s %8s\n' "  ${run#*:}" "$v" "$(ratio "$v" "$ca0")" "$w" "$(ratio "$w" "$ca0w")"
done
echo
[ "${SHADOWK_BENCH_ONLY:-}" = cpa ] && exit 0
cn=$(r "$icount" ctx-none ctxswitch_ns)
ca=$(r "$icount" ctx-all-elsewhere ctxswitch_ns)
cnw=$(r "$wall" ctx-none ctxswitch_best_ns)
caw=$(r "$wall" ctx-all-elsewhere ctxswitch_best_ns)
printf '%-52s %12s %8s %10s %8s\n' "unbound pipe ping-pong, one CPU (per round trip)" "instr" "ratio" "wall ns" "ratio"
printf '%-52s %12s %8s %10s %8s\n' "  no module" "$(r "$icount" ctx-no-module ctxswitch_ns)" "" \
	"$(r "$wall" ctx-no-module ctxswitch_best_ns)" ""
printf '%-52s %12s %8s %10s %8s\n' "  module loaded, no clone" "$cn" "1.0000" "$cnw" "1.0000"
printf '%-52s %12s %8s %10s %8s\n' "  every syscall probed, clone bound elsewhere" "$ca" \
	"$(ratio "$ca" "$cn")" "$caw" "$(ratio "$caw" "$cnw")"
echo "  (wall: the fastest of 20 blocks of 5,000 round trips)"
echo "  (that clone: $(r "$icount" b-all-syscalls-elsewhere pt_pages) page-table pages;" \
	"kernel text PMDs made non-global $(r "$icount" stats-all kernel_pmds_nonglobal)," \
	"large $(r "$icount" stats-all kernel_text_pmds_large) of $(r "$icount" stats-all kernel_text_pmds))"
echo
echo "memory"
printf '  %-50s %s\n' "new clone: page-table pages" "$(r "$icount" memory new_clone_pt_pages)"
printf '  %-50s %s\n' "new clone: bytes" "$(r "$icount" memory new_clone_bytes)"
printf '  %-50s %s\n' "3 sites in 3 regions: extra page-table pages" "$(r "$icount" memory three_sites_extra_pt_pages)"
printf '  %-50s %s\n' "3 sites in 3 regions: private frames" "$(r "$icount" memory three_sites_frames)"
printf '  %-50s %s\n' "3 sites in 3 regions: bytes in all" "$(r "$icount" memory three_sites_bytes)"
