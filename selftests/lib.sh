# SPDX-License-Identifier: GPL-2.0
#
# TAP helpers for the shell selftests (busybox sh in the VM).

tap_n=0
tap_failed=0

tap_plan() {
	echo "TAP version 13"
	echo "1..$1"
}

tap_ok() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n $1"
}

tap_fail() {
	tap_n=$((tap_n + 1))
	tap_failed=$((tap_failed + 1))
	echo "not ok $tap_n $1"
}

tap_skip() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n $1 # SKIP $2"
}

# tap_check NAME CMD...: one test, passing when CMD succeeds.
tap_check() {
	name=$1
	shift
	if "$@"; then tap_ok "$name"; else tap_fail "$name"; fi
}

tap_diag() {
	echo "# $*"
}

# expect RC NAME CMD...: one test, passing when CMD exits with RC; its
# standard output is left in $out and its standard error in $tap_err.
tap_err=/tmp/tap-expect.err
expect() {
	want=$1 name=$2
	shift 2
	out=$("$@" 2> "$tap_err")
	got=$?
	if [ "$got" -eq "$want" ]; then
		tap_ok "$name"
	else
		tap_fail "$name"
		tap_diag "exit $got, wanted $want: $* -> $out $(cat "$tap_err")"
	fi
}

# jqt NAME FILTER: one test, passing when $out is JSON and FILTER holds.
jqt() {
	if printf '%s' "$out" | jq -e "$2" > /dev/null 2>&1; then
		tap_ok "$1"
	else
		tap_fail "$1"
		tap_diag "jq '$2' on: $out"
	fi
}

tap_exit() {
	[ "$tap_failed" -eq 0 ]
	exit $?
}
