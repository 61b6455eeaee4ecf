#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run-all.sh KERNELRELEASE...: the host tests, the VM matrix (with the
# debug kernel's cell when SHADOWK_DEBUG_KR names it), then "make demo" on
# the newest kernel with its output checked, then one closing line with the
# totals.  Exit status 0 only if nothing failed.

set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
O=${O:-$top/build}
start=$SECONDS

rm -f "$O/host/counts" "$O/vm/counts" "$O/vm/demo-counts"
echo "== host tests (no kernel needed)"
"$top/selftests/host/run.sh"
echo "== VM matrix"
"$top/selftests/vm/matrix.sh" "$@"
demo_kr=${*: -1}
demo_kr=${demo_kr%%:*}
echo "== make demo ($demo_kr), its output checked"
"$top/selftests/vm/demo.sh" "$demo_kr"
"$top/selftests/vm/demo-check.sh" "$O/vm/demo.log"

pass=0 fail=0 skip=0
for f in "$O/host/counts" "$O/vm/counts" "$O/vm/demo-counts"; do
	N_PASS=0 N_FAIL=1 N_SKIP=0
	[ -f "$f" ] && . "$f"
	pass=$((pass + N_PASS)) fail=$((fail + N_FAIL)) skip=$((skip + N_SKIP))
done
# The debug kernel's cell, named again where the totals are read.
if [ -n "${SHADOWK_DEBUG_KR:-}" ]; then
	echo "== debug cell (KASAN, lockdep, kmemleak, ...):"
	cat "$O/vm/logs/$SHADOWK_DEBUG_KR-l4-ptioff/summary" 2>/dev/null ||
		echo "   $SHADOWK_DEBUG_KR-l4-ptioff: no result"
fi
echo "== make check took $((SECONDS - start))s (after the build)"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
