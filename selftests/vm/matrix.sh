#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# matrix.sh KERNELRELEASE[:CELL]...
#
# With SHADOWK_DEBUG_KR set, also one cell of that (debug) kernel.
# Every kernel x {4-level, 5-level} x {pti=off, pti=on}, or only the one
# CELL named (as l4-ptioff: selftests/vm/kernels.sh), each booted from the
# real bzImage so that KASLR is active.  The 5-level cells boot with
# preempt=full (anything in the kernel may be preempted, which widens every
# race window); the 4-level ones with Debian's default (voluntary).  Two cells run at a time (one per
# host core).  Prints a line per cell as it finishes, then the totals; the
# counts are left in $O/vm/counts.

set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
O=${O:-$top/build}
jobs=${SHADOWK_VM_JOBS:-2}
[ $# -gt 0 ] || { echo "matrix: no kernels given (make deps?)" >&2; exit 2; }

cells=()
# The debug kernel's cell first: it is the longest, and the others fill the
# second core around it.  4-level, PTI off, preempt=full, the whole suite
# and a short fuzz run (selftests/vm/debug-kernel.sh, debug.config).
[ -n "${SHADOWK_DEBUG_KR:-}" ] && cells+=("$SHADOWK_DEBUG_KR 0 off debug")
for spec in "$@"; do
	kr=${spec%%:*}
	for la57 in 0 1; do
		for pti in off on; do
			case "$spec" in
			*:*) [ "${spec#*:}" = "l$((la57 + 4))-pti$pti" ] || continue ;;
			esac
			cells+=("$kr $la57 $pti")
		done
	done
done

run_cell() {
	local kr=$1 la57=$2 pti=$3 kind=${4:-} name preempt="" extra=(--timeout 900)
	name="$kr-l$((la57 + 4))-pti$pti"
	[ "$la57" = 1 ] && preempt=full
	# The debug cell preempts everywhere: its checks see more, and a long
	# non-preemptible loop of the kernel's own (x86's ftrace_replace_code
	# has no cond_resched) cannot trip the soft-lockup and RCU-stall
	# detectors when KASAN and emulation make it twenty times slower.
	[ "$kind" = debug ] && preempt=full &&
		extra=(--timeout 4500 --fuzz "${SHADOWK_CHECK_FUZZ:-100000}")
	mkdir -p "$O/vm/logs/$name"
	"$top/selftests/vm/run-vm.sh" --la57 "$la57" --pti "$pti" --name "$name" "${extra[@]}" \
		${preempt:+--preempt $preempt} "$kr" > "$O/vm/logs/$name/summary" 2>&1
	echo "$name" > "$O/vm/logs/$name/finished"
}

echo "VM matrix: ${#cells[@]} cells, $jobs at a time"
running=0
names=()
for c in "${cells[@]}"; do
	set -- $c
	names+=("$1-l$(($2 + 4))-pti$3")
	rm -f "$O/vm/logs/${names[-1]}/finished"
	run_cell "$@" &
	running=$((running + 1))
	if [ $running -ge "$jobs" ]; then
		wait -n
		running=$((running - 1))
	fi
done
wait

pass=0 fail=0 skip=0
for name in "${names[@]}"; do
	d=$O/vm/logs/$name
	cat "$d/summary"
	N_PASS=0 N_FAIL=1 N_SKIP=0
	# A cell that left no counts crashed its runner: one failure.
	[ -f "$d/counts" ] && . "$d/counts"
	pass=$((pass + N_PASS)) fail=$((fail + N_FAIL)) skip=$((skip + N_SKIP))
done
printf 'N_PASS=%d\nN_FAIL=%d\nN_SKIP=%d\n' "$pass" "$fail" "$skip" > "$O/vm/counts"
echo "# vm: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
