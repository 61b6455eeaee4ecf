#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Loading and unloading: clean, repeatable, and loud when it must refuse.
# Runs in the VM with the module not loaded; SHADOWK_KO is its path.

. /shadowk/lib.sh

ko=${SHADOWK_KO:-/shadowk/shadowk.ko}
# A leak or a lost object shows after a few cycles as well as after many
# (the footprint and the module's own accounting are exact), and each
# takes a second of every cell.  Five on the debug kernel,
# where a cycle costs three times as much and its checkers look closer.
cycles=20
[ -e /sys/kernel/debug/kmemleak ] && cycles=5

loaded() {
	grep -q '^shadowk ' /proc/modules
}

# Everything a load creates, as one line per object, for before/after diffs.
footprint() {
	grep '^shadowk ' /proc/modules
	ls /sys/module 2>/dev/null | grep -x shadowk
	grep -w shadowk /proc/misc
	ls /dev | grep -x shadowk
	grep '\[shadowk\]' /proc/kallsyms | head -n 1
	cat /sys/kernel/debug/kprobes/list 2>/dev/null
	# (Not vmallocinfo: kprobes keep freed instruction slots for a while.
	# The module's own accounting at unload covers its memory.)
}

# dmesg_since MARK: the kernel log after our last marker line.
kmsg_mark() {
	echo "shadowk-selftest: $1" > /dev/kmsg
}

dmesg_since() {
	dmesg | sed -n "/shadowk-selftest: $1/,\$p"
}

tap_plan 6

if loaded; then
	tap_diag "shadowk is already loaded; this test needs it out"
	rmmod shadowk
fi

before=$(footprint)

# 1. Load and unload many times; every load gives a working device.
ok=1
i=0
while [ $i -lt $cycles ]; do
	i=$((i + 1))
	if ! insmod "$ko"; then
		tap_diag "insmod failed on cycle $i"
		ok=0
		break
	fi
	if [ ! -c /dev/shadowk ] || ! shadowk version > /dev/null; then
		tap_diag "no working /dev/shadowk on cycle $i"
		ok=0
	fi
	if ! rmmod shadowk; then
		tap_diag "rmmod failed on cycle $i"
		ok=0
		break
	fi
done
[ $ok -eq 1 ] && tap_ok "load and unload $cycles times" ||
	tap_fail "load and unload $cycles times"

# 2. ...and leave nothing behind.
after=$(footprint)
if [ "$before" = "$after" ]; then
	tap_ok "no object left after $cycles cycles"
else
	tap_diag "before: $before"
	tap_diag "after:  $after"
	tap_fail "no object left after $cycles cycles"
fi

# 3. A kernel symbol that cannot be found stops the load, by name.
kmsg_mark missing-symbol
if insmod "$ko" require_symbol=shadowk_selftest_no_such_symbol 2>/dev/null; then
	tap_fail "a missing kernel symbol fails the load"
	rmmod shadowk
elif dmesg_since missing-symbol |
	grep -q 'shadowk: cannot resolve kernel symbol shadowk_selftest_no_such_symbol'; then
	tap_ok "a missing kernel symbol fails the load, naming it"
else
	dmesg_since missing-symbol | sed 's/^/# /'
	tap_fail "a missing kernel symbol fails the load, naming it"
fi

# 4. A needed kernel feature that is off: refuse with a one-line reason.
# On 7.x the kernel refuses to clear kernel.ftrace_enabled
# (EOPNOTSUPP), and only ftrace's death clears it (ftrace_death_test).
kmsg_mark ftrace-off
if ! err=$( { echo 0 > /proc/sys/kernel/ftrace_enabled; } 2>&1 ); then
	case "$err" in
	*"not supported"*)
		if insmod "$ko" && rmmod shadowk; then
			tap_ok "loads where kernel.ftrace_enabled cannot be cleared (EOPNOTSUPP)"
		else
			tap_fail "loads where kernel.ftrace_enabled cannot be cleared (EOPNOTSUPP)"
		fi ;;
	*)
		echo "# clearing kernel.ftrace_enabled: $err"
		tap_fail "refuses to load without function tracing (cannot clear it: $err)" ;;
	esac
else
	if insmod "$ko" 2>/dev/null; then
		tap_fail "refuses to load without function tracing"
		rmmod shadowk
	elif dmesg_since ftrace-off |
		grep -q 'shadowk: refusing to load: function tracing is disabled'; then
		tap_ok "refuses to load without function tracing, saying why"
	else
		dmesg_since ftrace-off | sed 's/^/# /'
		tap_fail "refuses to load without function tracing, saying why"
	fi
	echo 1 > /proc/sys/kernel/ftrace_enabled
fi

# 5. After the refusals the module still loads cleanly.
if insmod "$ko" && [ -c /dev/shadowk ] && rmmod shadowk &&
	[ "$(footprint)" = "$before" ]; then
	tap_ok "loads cleanly after refused loads"
else
	tap_fail "loads cleanly after refused loads"
fi

# 6. The in-module self-tests of the pure logic pass, each of them.
kmsg_mark selftest
if insmod "$ko" selftest=1 && rmmod shadowk &&
	dmesg_since selftest | grep -q 'shadowk: self-tests: 3 passed, 0 failed'; then
	tap_ok "in-module self-tests pass (inject policies, mirror byte merge, page-table compare)"
else
	dmesg_since selftest | sed 's/^/# /'
	tap_fail "in-module self-tests pass (inject policies, mirror byte merge, page-table compare)"
fi

tap_exit
