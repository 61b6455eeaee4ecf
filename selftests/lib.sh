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

tap_exit() {
	[ "$tap_failed" -eq 0 ]
	exit $?
}
