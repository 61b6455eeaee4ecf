#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Scope and lifetime through the tool: a profile and a transient exec
# killed with SIGKILL leave no clone, no private page, no bound process;
# a cgroup bound with process bind --cgroup counts its members' calls and
# no neighbour's, and clone show and process which say who is in scope
# and how; probe stat --format prometheus is well formed, agrees with the
# JSON, and the shipped textfile writer puts it in place.  Runs in the VM
# with the module loaded.

. /shadowk/lib.sh

tap_plan 50

acct=/sys/kernel/debug/shadowk/accounting
cg=/sys/fs/cgroup/sk_tool
PATH=/shadowk/examples:$PATH

pages() { sed -n 's/^pages //p' "$acct"; }

# wait_until N CMD...: until CMD succeeds, at most N tries 50 ms apart.
wait_until() {
	tries=$1
	shift
	while [ "$tries" -gt 0 ]; do
		"$@" && return 0
		tries=$((tries - 1))
		usleep 50000
	done
	return 1
}

# The pid of the one process bound to clone $1, or nothing.
bound_pid() {
	shadowk -j clone show "$1" 2> /dev/null | jq -e '.processes[0].pid'
}

# Bound and past its exec: the tool's child holds the device until then.
has_process() {
	shadowk -j clone show "$1" 2> /dev/null |
		jq -e '.processes[0].comm == "sleep"' > /dev/null
}

no_clone() { ! shadowk clone show "$1" > /dev/null 2>&1; }

# kill_tool NAME CLONE: SIGKILL the tool once its command is bound.
kill_tool() {
	tool=$! name=$1 clone=$2
	if ! wait_until 600 has_process "$clone"; then
		tap_fail "$name: the command runs bound"
		kill -9 "$tool"
		wait "$tool"
		return
	fi
	tap_ok "$name: the command runs bound"
	cmd=$(bound_pid "$clone")
	kill -9 "$tool"
	wait "$tool"
	tap_check "$name: killed, its clone is gone" no_clone "$clone"
	out=$(shadowk -j process which "$cmd")
	jqt "$name: its command runs the kernel's own text" '.clone == null'
	kill "$cmd"
	tap_check "$name: every private page is back" test "$(pages)" = "$pages0"
	[ "$(pages)" = "$pages0" ] || tap_diag "pages $(pages), before $pages0"
	# A clone that lived through it still matches the kernel: its text
	# and every table entry outside what it made private.
	out=$(shadowk -j verify sk_witness)
	jqt "$name: the kernel's text and mappings as a live clone expects" \
		'.ok and .diff_bytes == 0 and .diff_entries == 0'
}

# The module keeps, until unload, one bridge page for each 2 MiB of text
# any clone has patched (internals: the bridge): a profile that ends
# normally first, so that a killed one is compared with what it leaves.
shadowk profile --top 1 -- true > /dev/null 2>&1
shadowk clone create --name sk_witness > /dev/null
shadowk probe add sk_witness __x64_sys_getppid > /dev/null
pages0=$(pages)
shadowk profile --top 3 -- sleep 1000 > /dev/null 2>&1 &
kill_tool "profile" "profile-$!"

expect 0 "process exec --transient: a clone for the command" \
	sh -c 'shadowk process exec --transient sk_tr -- true'
tap_check "process exec --transient: gone when the command ends" no_clone sk_tr
shadowk process exec --transient sk_tr -- sleep 1000 > /dev/null 2>&1 &
kill_tool "exec --transient" sk_tr

# The same, pinned before the tool is killed: it stays.
shadowk process exec --transient sk_pin -- sleep 1000 > /dev/null 2>&1 &
tool=$!
wait_until 600 has_process sk_pin
cmd=$(bound_pid sk_pin)
expect 0 "clone show: a transient clone says so" shadowk -j clone show sk_pin
jqt "clone show: transient, owned by the tool" ".transient == true and .owner_pid == $tool"
expect 0 "clone pin" shadowk clone pin sk_pin
kill -9 "$tool"
wait "$tool"
expect 0 "a pinned clone outlives its killed tool" shadowk -j clone show sk_pin
jqt "pinned: no longer transient, its command still bound" \
	".transient == false and .processes[0].pid == $cmd and .processes[0].bound_by == \"exec\""
kill "$cmd"
shadowk clone destroy sk_pin > /dev/null

# A cgroup: one member there before, one that moves in by itself.
mkdir -p "$cg"
expect 0 "clone create" shadowk clone create --name sk_cg
expect 0 "probe add --return" shadowk probe add --return sk_cg __x64_sys_getppid
sleep 1000 &
member=$!
echo "$member" > "$cg/cgroup.procs"
expect 0 "process bind --cgroup" shadowk -j process bind --cgroup "$cg" sk_cg
jqt "process bind --cgroup: the member already in is bound" ".bound == 1 and .clone > 0"
cgid=$(printf '%s' "$out" | jq .cgroup_id)
expect 0 "process which: bound through the cgroup" shadowk -j process which "$member"
jqt "process which: how and which cgroup" ".bound_by == \"cgroup\" and .cgroup == $cgid"
sh -c "echo \$\$ > $cg/cgroup.procs; exec skcalls getppid 1000"
skcalls getppid 1000
expect 0 "probe stat" shadowk -j probe stat sk_cg
jqt "exactly the member's 1000 calls, none of the neighbour's" \
	'.probes[0].hits == 1000 and .probes[0].returns == 1000'
expect 0 "clone show: the cgroup and its process" shadowk -j clone show sk_cg
jqt "clone show: the cgroup by path, with one process" \
	".cgroups[0].path == \"/sk_tool\" and .cgroups[0].processes == 1 and .cgroups[0].id == $cgid"
jqt "clone show: the member, by pid and comm, bound by cgroup" \
	".processes | length == 1 and .[0].pid == $member and .[0].comm == \"sleep\" and .[0].bound_by == \"cgroup\""
expect 0 "clone show (text) lists them" shadowk clone show sk_cg
case $out in
*"$member"*sleep*cgroup*) tap_ok "clone show (text): pid, comm, how" ;;
*) tap_fail "clone show (text): pid, comm, how"; tap_diag "$out" ;;
esac

expect 1 "process bind --cgroup: one below a bound cgroup is refused" \
	sh -c "mkdir -p $cg/sub && shadowk process bind --cgroup $cg/sub sk_cg"
expect 1 "process bind --cgroup: no such directory" \
	shadowk process bind --cgroup /sys/fs/cgroup/no-such sk_cg
expect 1 "process bind --cgroup: not a cgroup" shadowk process bind --cgroup /proc sk_cg
grep -q 'not a cgroup v2 directory' "$tap_err" || tap_diag "message: $(cat "$tap_err")"
expect 2 "process bind --cgroup with --fork: a usage error" \
	shadowk process bind --fork --cgroup "$cg" sk_cg

# Prometheus: well formed, and the same numbers as the JSON.
expect 0 "probe stat --format prometheus" shadowk probe stat --format prometheus
prom=$out
bad=$(printf '%s\n' "$prom" | grep -v '^#' |
	grep -Ev '^[a-z_]+(\{([a-z_]+="[^"]*",?)*\})? [0-9]+(\.[0-9]+)?$')
tap_check "prometheus: every sample is NAME{LABELS} VALUE" test -z "$bad"
[ -z "$bad" ] || tap_diag "bad: $bad"
dups=$(printf '%s\n' "$prom" | sed -n 's/^# TYPE \([a-z_]*\) .*/\1/p' | sort | uniq -d)
tap_check "prometheus: each family's TYPE once" test -z "$dups"
tap_check "prometheus: the member's hits" \
	sh -c "printf '%s\n' \"\$0\" | grep -qx 'shadowk_probe_hits_total{clone=\"sk_cg\",function=\"__x64_sys_getppid\"} 1000'" "$prom"
h='shadowk_probe_duration_seconds'
inf=$(printf '%s\n' "$prom" | sed -n "s/^${h}_bucket{clone=\"sk_cg\",function=\"__x64_sys_getppid\",le=\"+Inf\"} //p")
count=$(printf '%s\n' "$prom" | sed -n "s/^${h}_count{clone=\"sk_cg\",function=\"__x64_sys_getppid\"} //p")
tap_check "prometheus: the histogram's +Inf and _count are its 1000 returns" \
	test "$inf" = 1000 -a "$count" = 1000
mono=$(printf '%s\n' "$prom" | sed -n "s/^${h}_bucket{clone=\"sk_cg\".* //p" |
	awk 'NR > 1 && $1 < last { bad = 1 } { last = $1 } END { print bad + 0 }')
tap_check "prometheus: buckets never decrease" test "$mono" = 0
tap_check "prometheus: bucket bounds are exact (2^i - 1 ns)" \
	sh -c "printf '%s\n' \"\$0\" | grep -q 'le=\"0.000001023\"'" "$prom"
expect 0 "prometheus: one clone by name" shadowk probe stat --format prometheus sk_cg
expect 5 "prometheus: no such clone" shadowk probe stat --format prometheus no-such
expect 2 "prometheus with -j: a usage error" shadowk -j probe stat --format prometheus

mkdir -p /tmp/textfile
expect 0 "shadowk-textfile writes the collector's file" shadowk-textfile /tmp/textfile
tap_check "shadowk-textfile: the file is complete and alone" \
	sh -c 'grep -q "^shadowk_probe_hits_total{clone=\"sk_cg\"" /tmp/textfile/shadowk.prom &&
	       [ "$(ls -A /tmp/textfile)" = shadowk.prom ]'

expect 0 "process unbind --cgroup" shadowk -j process unbind --cgroup "$cg"
jqt "process unbind --cgroup: the member unbound" '.unbound == 1'
expect 1 "process unbind --cgroup: not bound any more" shadowk process unbind --cgroup "$cgid"

kill "$member"
wait "$member"
shadowk clone destroy sk_cg sk_witness > /dev/null
rmdir "$cg/sub" "$cg"
tap_exit
