#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench.sh KERNELRELEASE: one VM run under -icount shift=0 (instruction
# counts, repeatable), printed as a table.  Not a test: nothing here
# passes or fails on a number.

set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
O=${O:-$top/build}
kr=${1:?usage: bench.sh KERNELRELEASE}
log=$O/vm/logs/bench-$kr

SHADOWK_QEMU_ACCEL=tcg SHADOWK_QEMU_EXTRA="-icount shift=0,sleep=off" \
	"$top/selftests/vm/run-vm.sh" --mode bench --la57 0 --name "bench-$kr" \
	--timeout 900 "$kr" || exit 1

r() { sed -n "s/^shadowk-bench: $1 $2 //p" "$log/console.clean" | head -n 1; }

none=$(r no-module getppid_ns)
loaded=$(r module-loaded getppid_ns)
clone=$(r clone-bound-elsewhere getppid_ns)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.4f", a / b }'; }

echo
echo "shadowk benchmark on $kr (QEMU -icount shift=0: 1 ns = 1 instruction)"
echo
printf '%-52s %12s %8s\n' "getppid() of an unbound process" "instr/call" "ratio"
printf '%-52s %12s %8s\n' "  no module" "$none" "1.0000"
printf '%-52s %12s %8s\n' "  module loaded, no clone" "$loaded" "$(ratio "$loaded" "$none")"
printf '%-52s %12s %8s\n' "  clone with 3 owned sites bound to another process" "$clone" "$(ratio "$clone" "$none")"
echo
fork=$(r latency fork_exec_wait_ns)
printf '%-52s %12s %8s\n' "latency (instructions, average of 1000)" "instr" "vs fork"
printf '%-52s %12s %8s\n' "  fork+exec+wait of a static no-op" "$fork" "1.0000"
for k in create_destroy bind_unbind; do
	v=$(r latency ${k}_ns)
	printf '%-52s %12s %8s\n' "  ${k/_/ + }" "$v" "$(ratio "$v" "$fork")"
done
echo
echo "memory"
printf '  %-50s %s\n' "new clone: page-table pages" "$(r memory new_clone_pt_pages)"
printf '  %-50s %s\n' "new clone: bytes" "$(r memory new_clone_bytes)"
printf '  %-50s %s\n' "3 sites in 3 regions: extra page-table pages" "$(r memory three_sites_extra_pt_pages)"
printf '  %-50s %s\n' "3 sites in 3 regions: private frames" "$(r memory three_sites_frames)"
printf '  %-50s %s\n' "3 sites in 3 regions: bytes in all" "$(r memory three_sites_bytes)"
