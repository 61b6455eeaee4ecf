#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The shadowk tool against the real module: every command, its JSON checked
# with jq, and every error path of shadowk(8) with its exit code.  Runs in
# the VM with the module loaded; leaves it loaded (reloaded by libkmod).

. /shadowk/lib.sh

tap_plan 104

sk() {
	shadowk "$@"
}

# Clones.
expect 0 "clone create --name" sk -j clone create --name cli
jqt "clone create: JSON id and name" '.id > 0 and .name == "cli"'
id=$(printf '%s' "$out" | jq .id)
expect 1 "clone create: a name in use is refused" sk clone create --name cli
grep -q 'exists already' "$tap_err" || tap_diag "message: $(cat "$tap_err")"
expect 2 "clone create: an all-digit name is bad usage" sk clone create --name 123
expect 2 "clone create: unsafe names are bad usage" \
	sh -c 'r=0; for n in "a b" "-x" "a/b" "a;b" "" "0123456789012345678901234567890123"; do
		shadowk clone create --name "$n" 2>/dev/null; [ $? -eq 2 ] || r=1; done
		[ $r -eq 0 ] && exit 2; exit 1'

expect 0 "clone list" sk -j clone list
jqt "clone list: JSON has the clone, unbound" \
	"map(select(.name == \"cli\")) | length == 1 and .[0].id == $id and .[0].bound == 0"
expect 0 "unique prefixes: cl li" sk -j cl li
jqt "cl li: the same list" "map(select(.name == \"cli\")) | length == 1"
expect 2 "an ambiguous prefix is bad usage" sk p
grep -q 'ambiguous' "$tap_err" || tap_diag "message: $(cat "$tap_err")"
expect 0 "global options anywhere: clone show cli -p" sk clone show cli -p
jqt "clone show: JSON (pretty) by name matches the id" ".id == $id and .probes == 0 and .injections == 0"
expect 0 "0.1 spelling kept: info" sk info cli -j
jqt "info: the same as clone show" ".id == $id"
expect 5 "clone show: unknown clone is exit 5" sk -j clone show nosuchclone
jqt "clone show: JSON error names the clone" '.exit_code == 5 and (.error | test("nosuchclone"))'
expect 5 "clone show: unknown id is exit 5" sk clone show 999999

# Probes.
expect 0 "probe add two functions" sk -j probe add cli __x64_sys_getppid __x64_sys_getpid
jqt "probe add: JSON ids, hex-string sites" \
	'length == 2 and .[0].function == "__x64_sys_getppid" and .[0].id > 0 and (.[1].site | test("^0x[0-9a-f]+$"))'
expect 6 "probe add: unknown function is exit 6" sk probe add cli __x64_sys_getuid no_such_function_x
sk -j probe list cli > /tmp/cli.list
if jq -e 'length == 2' /tmp/cli.list > /dev/null; then
	tap_ok "probe add: all or nothing (the good one went again)"
else
	tap_fail "probe add: all or nothing (the good one went again)"
	tap_diag "$(cat /tmp/cli.list)"
fi
expect 6 "probe add: data symbol refused, exit 6" sk probe add cli jiffies
grep -q 'not in the core kernel' "$tap_err" || tap_diag "message: $(cat "$tap_err")"

# A bound command and an unbound neighbour make the same 1000 calls at once;
# only the bound one is counted.
skcalls getppid 1000 &
neighbour=$!
expect 0 "process exec runs the command bound" sk process exec cli -- skcalls getppid 1000
wait "$neighbour"
expect 0 "probe stat" sk -j probe stat cli
jqt "probe stat: the bound process's 1000 calls exactly, by the name given" \
	'.probes[0].function == "__x64_sys_getppid" and .probes[0].hits == 1000 and .total_hits >= 1000'

# Return probes: times and errors of the bound command's calls.
expect 0 "clone create for return probes" sk -j clone create --name clir
expect 0 "probe add --return: JSON says so" sk -j probe add --return clir __x64_sys_openat
jqt "probe add --return: JSON return true" '.[0].return == true and .[0].irq == false'
expect 0 "process exec: 300 failing opens" sk process exec clir -- skcalls open /nonexistent/x 300
expect 0 "probe stat of a return probe" sk -j probe stat clir
jqt "probe stat: every return seen, each an error, times that add up" \
	'.probes[0].return == true and .probes[0].returns >= 300 and .probes[0].returns == .probes[0].hits and .probes[0].errors == .probes[0].returns and .probes[0].min_ns <= .probes[0].avg_ns and .probes[0].avg_ns <= .probes[0].max_ns and .probes[0].missed == 0'
expect 0 "probe stat: a table with the return columns" sk probe stat clir
printf '%s' "$out" | grep -q 'RETURNS.*ERRORS.*AVG' || tap_diag "table: $out"
printf '%s\n' "$out" | sed 's/^/# /'	# for the log
expect 0 "probe latency" sk -j probe latency clir __x64_sys_openat
jqt "probe latency: the histogram holds every return" \
	'.returns >= 300 and ([.hist[].count] | add) == .returns and (.hist[0].low_ns <= .min_ns)'
expect 0 "probe latency: funclatency's table" sk probe latency clir __x64_sys_openat
printf '%s' "$out" | grep -q 'nsecs.*count.*distribution' || tap_diag "table: $out"
printf '%s\n' "$out" | sed 's/^/# /'	# for the log
expect 1 "probe latency of an entry-only probe is refused" sk probe latency cli __x64_sys_getppid
grep -q 'probe add --return' "$tap_err" || tap_diag "message: $(cat "$tap_err")"
expect 6 "probe latency: no such probe is exit 6" sk probe latency clir vfs_read
expect 0 "clone destroy clir" sk clone destroy clir
expect 7 "process exec: the command's exit status" sk process exec cli -- sh -c 'exit 7'
expect 127 "process exec: a missing command is 127" sk process exec cli -- /nonexistent/cmd
expect 125 "process exec: no command is the tool's failure, 125" sk process exec cli
expect 125 "process exec: no such clone is 125, not the clone's 5" sk process exec nosuchclone -- true
expect 0 "process exec: options after -- are the command's" sk process exec cli -- sh -c 'test "$1" = -j' sh -j

# Fault injection into the bound process only.
expect 0 "inject set --first 3" sk -j inject set cli __x64_sys_openat --errno ENOSPC --first 3
jqt "inject set: JSON id, policy and errno" \
	'.id > 0 and .policy == "first" and .errno == "ENOSPC" and .value == -28 and .nth == 3'
inject=$(printf '%s' "$out" | jq .id)
plain=$(skcalls open /tmp/cli.f 5)
bound=$(sk process exec cli -- skcalls open /tmp/cli.f 5)
if [ "$bound" = "ok=2 fail=3 errno=ENOSPC" ] && [ "$plain" = "ok=5 fail=0 errno=none" ]; then
	tap_ok "inject: the bound process fails 3 of 5 opens, the other none"
else
	tap_fail "inject: the bound process fails 3 of 5 opens, the other none"
	tap_diag "bound: $bound; unbound: $plain"
fi
expect 0 "inject show" sk -j inject show cli __x64_sys_openat
jqt "inject show: counts" ".id == $inject and .calls == 5 and .injected == 3 and .active"
expect 0 "inject list" sk -j inject list cli
jqt "inject list: the one injection, its counts and seed as a string" \
	"length == 1 and .[0].id == $inject and .[0].function == \"__x64_sys_openat\" and .[0].injected == 3 and .[0].seed == \"0\""
expect 0 "inject del by id" sk -j inject del cli "$inject"
jqt "inject del: final counts" '.calls == 5 and .injected == 3 and (.active | not)'
expect 6 "inject show after del is exit 6" sk inject show cli __x64_sys_openat
expect 0 "0.1 spelling kept: inject CLONE FUNC --errno, --show, --off" \
	sh -c 'shadowk inject cli __x64_sys_openat --errno EIO >/dev/null &&
		shadowk inject cli __x64_sys_openat --show >/dev/null &&
		shadowk inject cli __x64_sys_openat --off >/dev/null &&
		! shadowk inject cli __x64_sys_openat --show 2>/dev/null'
expect 6 "inject set: a non-syscall is refused, exit 6" sk inject set cli vfs_read --errno EIO
grep -q 'error-injectable' "$tap_err" || tap_diag "message: $(cat "$tap_err")"
expect 2 "inject set: bad errno, bad count, bad percentage, stray seed" \
	sh -c 'r=0; for a in "--errno ENOTANERRNO" "--errno EIO --every 0" \
		"--errno EIO --prob 0" "--errno EIO --prob 101" "--errno EIO --seed 1" \
		"--every 2" "--errno EIO --off"; do
		shadowk inject set cli __x64_sys_openat $a 2>/dev/null; [ $? -eq 2 ] || r=1; done
		[ $r -eq 0 ] && exit 2; exit 1'

# process bind, which, unbind (the sleep is the subject, not a synchronisation).
sleep 600 &
subject=$!
expect 0 "process which: an unbound process" sk -j process which "$subject"
jqt "process which: no clone" ".pid == $subject and .clone == null"
expect 0 "process bind --fork --exec" sk -j process bind --fork --exec cli "$subject"
jqt "process bind: JSON" ".pid == $subject and .clone == $id and .fork and .exec"
expect 0 "process which: a bound process" sk -j process which "$subject"
jqt "process which: its clone, by id and name, and how it follows" \
	".clone == $id and .name == \"cli\" and .fork and .exec"
expect 1 "process bind: already bound is refused" sk process bind cli "$subject"
expect 7 "process bind: no such process is exit 7" sk process bind cli 999999
expect 7 "process which: no such process is exit 7" sk process which 999999
expect 0 "process unbind" sk process unbind "$subject"
expect 7 "process unbind: not bound is exit 7" sk process unbind "$subject"
kill "$subject"
wait "$subject" 2>/dev/null

expect 0 "verify" sk -j verify cli
jqt "verify: JSON ok, the address a string" ".ok and .id == $id and .diff_bytes == 0 and .first_diff == \"0x0\""

# (A bound sh above called getpid() for $$; nothing bound runs now.)
before=$(sk -j probe list cli | jq '.[] | select(.function == "__x64_sys_getpid") | .hits')
expect 0 "probe del by name" sk -j probe del cli __x64_sys_getpid
jqt "probe del: final hits" "length == 1 and .[0].function == \"__x64_sys_getpid\" and .[0].hits == ${before:-x}"
expect 6 "probe del: no such probe is exit 6" sk probe del cli __x64_sys_getpid

# --debug: the library's log reaches stderr.
expect 5 "--debug shows the library's log" sk --debug clone show 999999
grep -q '^libshadowk: CLONE_INFO' "$tap_err" || tap_diag "stderr: $(cat "$tap_err")"

# profile: a fresh clone, the command's calls ranked, the clone gone after.
expect 0 "profile --syscalls" sk -j profile --top 3 -- skcalls getppid 500
jqt "profile: getppid first with 500 calls, hundreds of syscalls probed" \
	'.functions[0].function == "__x64_sys_getppid" and .functions[0].calls == 500 and .probed > 200 and .exit_status == 0 and (.functions | length) <= 3'
echo "__x64_sys_getppid  # the one" > /tmp/cli.funcs
echo "no_such_function_x" > /tmp/cli.bad
expect 125 "profile --funcs: an unknown function is the tool's failure, 125" sk profile --funcs /tmp/cli.bad -- true
expect 0 "profile --funcs" sk -j profile --funcs /tmp/cli.funcs -- skcalls getppid 50
jqt "profile --funcs: exactly the file's function" '.probed == 1 and .functions[0].calls == 50'
expect 0 "profile --sort errors" sk -j profile --top 2 --sort errors -- \
	sh -c 'skcalls open /nonexistent/x 200 > /dev/null'
jqt "profile: timed, failing opens first with their errors, refusals named" \
	'.timed == true and .functions[0].function == "__x64_sys_openat" and .functions[0].errors >= 200 and .functions[0].total_ns > 0 and (.refused | length) == .skipped and all(.refused[]; .errno | test("^E"))'
expect 0 "profile: strace -c's columns" sk profile --top 3 -- skcalls getppid 100
printf '%s' "$out" | grep -q 'time.*seconds.*usecs/call.*calls.*errors' || tap_diag "table: $out"
printf '%s\n' "$out" | sed 's/^/# /'	# for the log
expect 125 "profile --sort: an unknown key is the tool's failure, 125" sk profile --sort size -- true
expect 0 "profile -e: functions by glob, many patterns" \
	sk -j profile -e '__x64_sys_getpp*' -e __x64_sys_getpid -- skcalls getppid 20
jqt "profile -e: exactly the matching functions" \
	'.probed == 2 and .functions[0].function == "__x64_sys_getppid" and .functions[0].calls == 20'

# bound_to PID: wait (bounded) until PID is bound to some clone.
bound_to() {
	k=0
	while [ $k -lt 2000 ]; do
		shadowk -j process which "$1" 2>/dev/null | jq -e '.clone != null' > /dev/null && return 0
		k=$((k + 1))
	done
	return 1
}
# profile_clone_bound: wait (bounded) until a profile-* clone has a process.
profile_clone_bound() {
	k=0
	while [ $k -lt 2000 ]; do
		shadowk -j clone list 2>/dev/null |
			jq -e 'map(select((.name | startswith("profile-")) and .bound > 0)) | length > 0' > /dev/null && return 0
		k=$((k + 1))
	done
	return 1
}

# profile -p: a process already running, gated on a fifo until bound.
rm -f /tmp/cli.gate && mkfifo /tmp/cli.gate
sh -c 'read x < /tmp/cli.gate; exec skcalls getppid 300' &
target=$!
shadowk -j profile -p "$target" > /tmp/cli.prof 2> "$tap_err" &
prof=$!
if bound_to "$target"; then
	echo go > /tmp/cli.gate
	wait "$prof"
	rc=$?
else
	kill "$target" "$prof" 2>/dev/null
	rc=99
fi
wait "$target" 2>/dev/null
out=$(cat /tmp/cli.prof)
if [ "$rc" -eq 0 ]; then tap_ok "profile -p PID: ends when the process does"; else
	tap_fail "profile -p PID: ends when the process does"; tap_diag "rc $rc: $(cat "$tap_err")"; fi
jqt "profile -p: the process's 300 calls after the binding, no exit status" \
	'.command == null and .pid > 0 and .exit_status == null and .functions[0].function == "__x64_sys_getppid" and .functions[0].calls == 300'

# --duration ends a -p profile with the process still running.
sh -c 'read x < /tmp/cli.gate' &
target=$!
expect 0 "profile -p --duration 1 returns, the process lives on" \
	sh -c "shadowk -j profile -p $target --duration 1 > /tmp/cli.prof && kill -0 $target"
echo go > /tmp/cli.gate
wait "$target"

# SIGTERM to profile: passed to the command, the report still comes (-o),
# the exit status is the command's, the clone goes.
rm -f /tmp/cli.prof
shadowk -j profile -o /tmp/cli.prof -- sh -c 'read x < /tmp/cli.gate' &
prof=$!
if profile_clone_bound; then
	kill -TERM "$prof"
	wait "$prof"
	rc=$?
else
	kill "$prof"
	rc=99
fi
if [ "$rc" -eq 143 ] && jq -e '.exit_status == 143' /tmp/cli.prof > /dev/null 2>&1; then
	tap_ok "profile killed with SIGTERM: the command's 143, the report in -o FILE"
else
	tap_fail "profile killed with SIGTERM: the command's 143, the report in -o FILE"
	tap_diag "rc $rc: $(cat /tmp/cli.prof 2>&1)"
fi
rm -f /tmp/cli.gate
sk -j clone list > /tmp/cli.list
if jq -e 'map(select(.name | startswith("profile-"))) | length == 0' /tmp/cli.list > /dev/null; then
	tap_ok "profile: its clones are gone"
else
	tap_fail "profile: its clones are gone"
	tap_diag "$(cat /tmp/cli.list)"
fi

expect 0 "clone destroy" sk -j clone destroy cli
jqt "clone destroy: JSON" ".[0].id == $id and .[0].destroyed"
expect 5 "clone destroy: gone is exit 5" sk clone destroy cli

# Permissions: an unprivileged user cannot open the node.
expect 4 "no permission is exit 4" skcalls asuser 65534 shadowk clone list
grep -q 'permission denied' "$tap_err" || tap_diag "message: $(cat "$tap_err")"

# No module: commands that only read never load it; a create does, through
# libkmod, the module installed under /lib/modules, and says why it cannot.
loaded() {
	grep -q '^shadowk ' /proc/modules
}
if rmmod shadowk; then
	expect 3 "no module: clone list is exit 3" sk clone list
	if loaded; then tap_fail "clone list never loads the module"; else tap_ok "clone list never loads the module"; fi
	expect 0 "no module: version says so, exit 0" sk -j version
	jqt "version: module null, the lockdown mode" '.module == null and (.lockdown | type) == "string"'
	expect 3 "no module: probe stat, inject list, verify are exit 3" \
		sh -c 'shadowk probe stat x; a=$?; shadowk inject list x; b=$?; shadowk verify x; c=$?
			[ $a$b$c = 333 ] && exit 3; exit 1'
	if loaded; then tap_fail "read-only commands never load the module"; else tap_ok "read-only commands never load the module"; fi
	expect 3 "no module with --no-load is exit 3" sk clone create --no-load
	expect 0 "no module: clone create loads it through libkmod" sk -j clone create --name autoload
	if loaded && [ -c /dev/shadowk ]; then
		tap_ok "autoload: module loaded and /dev/shadowk present"
	else
		tap_fail "autoload: module loaded and /dev/shadowk present"
	fi
	sk clone destroy autoload > /dev/null
	rmmod shadowk
	expect 3 "autoload: unprivileged is exit 3 with a reason" \
		skcalls asuser 65534 shadowk clone create
	grep -q 'needs root' "$tap_err" || tap_diag "message: $(cat "$tap_err")"
	ko=/lib/modules/$(uname -r)/updates/shadowk.ko
	mv "$ko" /tmp/shadowk.ko.away
	expect 3 "autoload: a missing module file is exit 3 with a reason" sk clone create
	grep -q 'loading .* failed' "$tap_err" || tap_diag "message: $(cat "$tap_err")"
	mv /tmp/shadowk.ko.away "$ko"
	# As the suite loaded it (guest.sh: the fail_nth knob on).
	# shellcheck disable=SC2086
	insmod "${SHADOWK_KO:-/shadowk/shadowk.ko}" ${SHADOWK_KO_ARGS:-} ||
		tap_diag "cannot reload shadowk"
else
	for t in 1 2 3 4 5 6 7 8 9 10 11; do tap_fail "rmmod shadowk for the no-module tests"; done
fi

tap_exit
