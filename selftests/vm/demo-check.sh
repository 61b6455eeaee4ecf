#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# demo-check.sh LOG: the demo's output holds the lines that prove what it
# claims (computed in the VM from what happened).  TAP, and N_PASS/N_FAIL
# in $O/vm/demo-counts for run-all.sh.

set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
O=${O:-$top/build}
log=${1:-$O/vm/demo.log}
pass=0 fail=0 n=0

has() {	# has NAME PATTERN
	n=$((n + 1))
	if grep -Eq -- "$2" "$log" 2>/dev/null; then
		pass=$((pass + 1))
		echo "ok $n demo: $1"
	else
		fail=$((fail + 1))
		echo "not ok $n demo: $1"
	fi
}

has "the tool loaded the module and created a clone" 'clone [0-9]+ created, name demo'
has "a probe counted the bound dd and not its neighbour" '^=> isolation: the probe counted [0-9]+ reads'
has "a fault failed the bound process only" '^=> isolation: the bound touch failed with ENOSPC'
has "the bound touch saw ENOSPC" 'touch: /tmp/bound-file: No space left on device'
has "a return probe's latency histogram" '^ +[0-9]+ -> [0-9]+ +: [0-9]+ +\|\*+'
has "a BPF program saw the bound dd only" '^=> isolation: the program saw one process, the bound dd'
has "profile printed a ranked table" '^ *[0-9.]+( +[0-9.]+)+ +__x64_sys_'
has "a bound cgroup counted its member and not the neighbour" '^=> isolation: the cgroup.s shell made [0-9]+ writes counted'
has "the counters in Prometheus's format" 'shadowk_probe_hits_total\{clone="web",function="__x64_sys_write"\} [0-9]+'
has "it ends by pointing to make vm-shell" 'make vm-shell'
n=$((n + 1))
if [ -f "$log" ] && ! grep -q 'NOT ISOLATED' "$log"; then
	pass=$((pass + 1)); echo "ok $n demo: no isolation failure reported"
else
	fail=$((fail + 1)); echo "not ok $n demo: no isolation failure reported"
fi
printf 'N_PASS=%d\nN_FAIL=%d\nN_SKIP=0\n' "$pass" "$fail" > "$O/vm/demo-counts"
echo "# demo: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
