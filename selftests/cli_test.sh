#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The shadowk tool against the real module: every command, its JSON checked
# with jq, and every error path of shadowk(8) with its exit code.  Runs in
# the VM with the module loaded; leaves it loaded (reloaded by libkmod).

. /shadowk/lib.sh

tap_plan 58

sk() {
	shadowk "$@"
}

# expect RC NAME CMD...: CMD exits with RC (stdout kept in $out).
expect() {
	want=$1 name=$2
	shift 2
	out=$("$@" 2> /tmp/cli.err)
	got=$?
	if [ "$got" -eq "$want" ]; then
		tap_ok "$name"
	else
		tap_fail "$name"
		tap_diag "exit $got, wanted $want: $* -> $out $(cat /tmp/cli.err)"
	fi
}

# jqt NAME FILTER: the last command's stdout is JSON and FILTER holds.
jqt() {
	if printf '%s' "$out" | jq -e "$2" > /dev/null 2>&1; then
		tap_ok "$1"
	else
		tap_fail "$1"
		tap_diag "jq '$2' on: $out"
	fi
}

# 1-4: clones.
expect 0 "create --name" sk -j create --name cli
jqt "create: JSON id and name" '.id > 0 and .name == "cli"'
id=$(printf '%s' "$out" | jq .id)
expect 1 "create: a name in use is refused" sk create --name cli
grep -q 'exists already' /tmp/cli.err || tap_diag "message: $(cat /tmp/cli.err)"
expect 2 "create: an all-digit name is bad usage" sk create --name 123

expect 0 "list" sk -j list
jqt "list: JSON has the clone, unbound" \
	"map(select(.name == \"cli\")) | length == 1 and .[0].id == $id and .[0].bound == 0"
expect 0 "info by name" sk -p info cli
jqt "info: JSON (pretty) by name matches the id" ".id == $id and .probes == 0"
expect 5 "info: unknown clone is exit 5" sk -j info nosuchclone
jqt "info: JSON error names the clone" '.exit_code == 5 and (.error | test("nosuchclone"))'
expect 5 "info: unknown id is exit 5" sk info 999999

# Probes.
expect 0 "probe add two functions" sk -j probe add cli __x64_sys_getppid __x64_sys_getpid
jqt "probe add: JSON ids and sites" \
	'length == 2 and .[0].function == "__x64_sys_getppid" and .[0].id > 0 and .[1].site > 0'
expect 6 "probe add: unknown function is exit 6" sk probe add cli __x64_sys_getuid no_such_function_x
sk -j probe list cli > /tmp/cli.list
if jq -e 'length == 2' /tmp/cli.list > /dev/null; then
	tap_ok "probe add: all or nothing (the good one went again)"
else
	tap_fail "probe add: all or nothing (the good one went again)"
	tap_diag "$(cat /tmp/cli.list)"
fi
expect 6 "probe add: data symbol refused, exit 6" sk probe add cli jiffies
grep -q 'not in the core kernel' /tmp/cli.err || tap_diag "message: $(cat /tmp/cli.err)"

# A bound command and an unbound neighbour make the same 1000 calls at once;
# only the bound one is counted.
skcalls getppid 1000 &
neighbour=$!
expect 0 "exec runs the command bound" sk exec cli -- skcalls getppid 1000
wait "$neighbour"
expect 0 "stat" sk -j stat cli
jqt "stat: the bound process's 1000 calls exactly, the neighbour's none" \
	'(.probes[0].function | test("sys_getppid")) and .probes[0].hits == 1000 and .total_hits >= 1000'
expect 7 "exec: the command's exit status" sk exec cli -- sh -c 'exit 7'
expect 127 "exec: a missing command is 127" sk exec cli -- /nonexistent/cmd
expect 2 "exec: no command is bad usage" sk exec cli

# Fault injection into the bound process only.
expect 0 "inject --first 3" sk -j inject cli __x64_sys_openat --errno ENOSPC --first 3
jqt "inject: JSON policy and errno" \
	'.policy == "first" and .errno == "ENOSPC" and .value == -28 and .nth == 3'
plain=$(skcalls open /tmp/cli.f 5)
bound=$(sk exec cli -- skcalls open /tmp/cli.f 5)
if [ "$bound" = "ok=2 fail=3 errno=ENOSPC" ] && [ "$plain" = "ok=5 fail=0 errno=none" ]; then
	tap_ok "inject: the bound process fails 3 of 5 opens, the other none"
else
	tap_fail "inject: the bound process fails 3 of 5 opens, the other none"
	tap_diag "bound: $bound; unbound: $plain"
fi
expect 0 "inject --show" sk -j inject cli __x64_sys_openat --show
jqt "inject --show: counts" '.calls == 5 and .injected == 3 and .active'
expect 0 "inject --off" sk -j inject cli __x64_sys_openat --off
jqt "inject --off: final counts" '.calls == 5 and .injected == 3 and (.active | not)'
expect 6 "inject --show after --off is exit 6" sk inject cli __x64_sys_openat --show
expect 6 "inject: a non-syscall is refused, exit 6" sk inject cli vfs_read --errno EIO
grep -q 'error-injectable' /tmp/cli.err || tap_diag "message: $(cat /tmp/cli.err)"
expect 2 "inject: bad errno, bad count, bad percentage, stray seed" \
	sh -c 'r=0; for a in "--errno ENOTANERRNO" "--errno EIO --every 0" \
		"--errno EIO --prob 0" "--errno EIO --prob 101" "--errno EIO --seed 1" \
		"--every 2" "--errno EIO --off"; do
		shadowk inject cli __x64_sys_openat $a 2>/dev/null; [ $? -eq 2 ] || r=1; done
		[ $r -eq 0 ] && exit 2; exit 1'

# bind and unbind (the sleep is the subject, not a synchronisation).
sleep 600 &
subject=$!
expect 0 "bind --fork --exec" sk -j bind cli "$subject" --fork --exec
jqt "bind: JSON" ".pid == $subject and .clone == $id and .fork and .exec"
expect 1 "bind: already bound is refused" sk bind cli "$subject"
expect 7 "bind: no such process is exit 7" sk bind cli 999999
expect 0 "unbind" sk unbind "$subject"
expect 7 "unbind: not bound is exit 7" sk unbind "$subject"
kill "$subject"
wait "$subject" 2>/dev/null

expect 0 "verify" sk -j verify cli
jqt "verify: JSON ok" ".ok and .id == $id and .diff_bytes == 0"

# (A bound sh above called getpid() for $$; nothing bound runs now.)
before=$(sk -j probe list cli | jq '.[] | select(.function | test("sys_getpid")) | .hits')
expect 0 "probe del by name" sk -j probe del cli __x64_sys_getpid
jqt "probe del: final hits" "length == 1 and (.[0].function | test(\"sys_getpid\")) and .[0].hits == ${before:-x}"
expect 6 "probe del: no such probe is exit 6" sk probe del cli __x64_sys_getpid

# profile: a fresh clone, the command's calls ranked, the clone gone after.
expect 0 "profile --syscalls" sk -j profile --top 3 -- skcalls getppid 500
jqt "profile: getppid first with 500 calls, hundreds of syscalls probed" \
	'.functions[0].function == "__x64_sys_getppid" and .functions[0].calls == 500 and .probed > 200 and .exit_status == 0 and (.functions | length) <= 3'
echo "__x64_sys_getppid  # the one" > /tmp/cli.funcs
echo "no_such_function_x" > /tmp/cli.bad
expect 6 "profile --funcs: an unknown function is exit 6" sk profile --funcs /tmp/cli.bad -- true
expect 0 "profile --funcs" sk -j profile --funcs /tmp/cli.funcs -- skcalls getppid 50
jqt "profile --funcs: exactly the file's function" '.probed == 1 and .functions[0].calls == 50'
sk -j list > /tmp/cli.list
if jq -e 'map(select(.name | startswith("profile-"))) | length == 0' /tmp/cli.list > /dev/null; then
	tap_ok "profile: its clones are gone"
else
	tap_fail "profile: its clones are gone"
	tap_diag "$(cat /tmp/cli.list)"
fi

expect 0 "destroy" sk -j destroy cli
jqt "destroy: JSON" ".[0].id == $id and .[0].destroyed"
expect 5 "destroy: gone is exit 5" sk destroy cli

# Permissions: an unprivileged user cannot open the node.
expect 4 "no permission is exit 4" skcalls asuser 65534 shadowk list
grep -q 'permission denied' /tmp/cli.err || tap_diag "message: $(cat /tmp/cli.err)"

# No module: exit 3 with --no-load; without it, libkmod loads the module
# installed under /lib/modules, and says why when it cannot.
if rmmod shadowk; then
	expect 3 "no module with --no-load is exit 3" sk --no-load list
	expect 0 "no module: the tool loads it through libkmod" sk list
	if grep -q '^shadowk ' /proc/modules && [ -c /dev/shadowk ]; then
		tap_ok "autoload: module loaded and /dev/shadowk present"
	else
		tap_fail "autoload: module loaded and /dev/shadowk present"
	fi
	rmmod shadowk
	expect 3 "autoload: unprivileged is exit 3 with a reason" \
		skcalls asuser 65534 shadowk list
	grep -q 'needs root' /tmp/cli.err || tap_diag "message: $(cat /tmp/cli.err)"
	ko=/lib/modules/$(uname -r)/updates/shadowk.ko
	mv "$ko" /tmp/shadowk.ko.away
	expect 3 "autoload: a missing module file is exit 3 with a reason" sk list
	grep -q 'loading .* failed' /tmp/cli.err || tap_diag "message: $(cat /tmp/cli.err)"
	mv /tmp/shadowk.ko.away "$ko"
	# As the suite loaded it (guest.sh: the fail_nth knob on).
	# shellcheck disable=SC2086
	insmod "${SHADOWK_KO:-/shadowk/shadowk.ko}" ${SHADOWK_KO_ARGS:-} ||
		tap_diag "cannot reload shadowk"
else
	for t in 1 2 3 4 5; do tap_fail "rmmod shadowk for the no-module tests"; done
fi

tap_exit
