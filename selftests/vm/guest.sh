# SPDX-License-Identifier: GPL-2.0
#
# Runs in the test VM (busybox sh).  SHADOWK_MODE, from the kernel command
# line, picks what to do:
#
#   test   every selftest, TAP on ttyS1, then a closing marker
#   demo   load the module and show it working
#   shell  load the module and give the console to an interactive shell
#   boot   nothing: power off at once (for timing the boot)
#
# Results go to ttyS1 so that kernel messages on the console can never be
# interleaved with them; the host reads the console only for its log grep.

ko=/shadowk/shadowk.ko
export SHADOWK_KO=$ko
# The suite's module parameters: the fail_nth knob, for failnth_test.
export SHADOWK_KO_ARGS=fault_injection=1

# kmemleak (the debug kernel): scan, and fail on any leak whose allocation
# backtrace passes through shadowk or a module since unloaded (a frame
# printed as a bare module-space address); others are the kernel's and only
# shown.
# kmemleak reports only objects older than 5 s (its fixed minimum age),
# hence the wait: not a synchronisation, the detector's own rule.
kmemleak=/sys/kernel/debug/kmemleak
kmemleak_check() {
	local total ours
	[ -w $kmemleak ] || return 0
	sleep 6
	echo scan > $kmemleak
	total=$(grep -c '^unreferenced object' $kmemleak)
	ours=$(awk '/^unreferenced object/ { n += hit; hit = 0; next }
		/\[shadowk|\[sk_|\[livepatch_sample/ { hit = 1 }
		/^[ \t]+(\[<[0-9a-f]+>\] )?0xffffffff[a-f][0-9a-f]*$/ { hit = 1 }
		END { print n + hit }' $kmemleak)
	if [ "$ours" -eq 0 ]; then
		echo "ok - kmemleak $*: nothing of shadowk's leaked ($total of the kernel's)" >&3
	else
		echo "not ok - kmemleak $*: $ours suspected leaks of shadowk's" >&3
	fi
	[ "$total" -eq 0 ] || head -n 80 $kmemleak | sed 's/^/# /' >&3
	echo clear > $kmemleak
}

# Where the time goes, in the results (guest seconds since boot).
uptime_s() {
	cut -d' ' -f1 /proc/uptime
}

mark() {
	echo "shadowk-vm: $*" > /dev/console
}

case "${SHADOWK_MODE:-test}" in
boot)
	mark "boot done"
	;;
bench)
	exec > /dev/console 2>&1
	sh /shadowk/bench.sh
	;;
shell)
	insmod "$ko" && echo "shadowk loaded.  Try: shadowk help;" \
		"shadowk profile -- du -s /sys/module;" \
		"shadowk clone create --name me; shadowk process exec me -- sh"
	setsid cttyhack sh -l
	;;
demo)
	exec > /dev/console 2>&1
	sh /shadowk/demo.sh
	mark "demo done rc=$?"
	;;
*)
	stty -F /dev/ttyS1 raw -echo 2>/dev/null
	exec 3> /dev/ttyS1
	mark "running tests"
	# KASLR evidence for the log: where the kernel landed this boot.
	echo "# kernel _text at $(grep -m1 ' _text$' /proc/kallsyms | cut -d' ' -f1)" >&3
	# The debug kernel's leak detector: what booting leaked is not ours,
	# so the list starts empty here.  Its scans every ten minutes would
	# take a vCPU for minutes each under emulation; the explicit scans
	# of kmemleak_check() are the ones that count.
	if [ -w $kmemleak ]; then
		echo scan=off > $kmemleak
		echo scan > $kmemleak && echo clear > $kmemleak
	fi
	run_test() {
		echo "# shadowk-vm: begin $(basename "$1")" >&3
		case "$1" in
		*.sh) sh "$1" >&3 2>&1 ;;
		*) "$@" >&3 2>&1 ;;
		esac
		echo "# shadowk-vm: end $(basename "$1") rc=$? at $(uptime_s)s" >&3
	}
	# First of all, while the kernel's image mapping is as boot left it:
	# attr_test needs a 2 MiB entry of it that nothing has split yet.
	case "${SHADOWK_ONLY:-attr_test}" in
	attr_test*)
		only_args=
		case "${SHADOWK_ONLY:-}" in *:*) only_args="-t ${SHADOWK_ONLY#*:}" ;; esac
		if insmod "$ko" $SHADOWK_KO_ARGS; then
			run_test /shadowk/tests/attr_test $only_args
			rmmod shadowk || echo "not ok - rmmod shadowk after attr_test" >&3
		else
			echo "not ok - insmod shadowk.ko for attr_test" >&3
		fi
		;;
	esac
	# Tests that load the module themselves run next, while it is out.
	for t in /shadowk/tests/module_test.sh; do
		case "${SHADOWK_ONLY:-module_test.sh}" in module_test.sh*) ;; *) continue ;; esac
		echo "# shadowk-vm: begin $(basename "$t")" >&3
		sh "$t" >&3 2>&1
		echo "# shadowk-vm: end $(basename "$t") rc=$? at $(uptime_s)s" >&3
	done
	if insmod "$ko" $SHADOWK_KO_ARGS; then
		for t in /shadowk/tests/*; do
			case "$t" in
			# Before the module was in; and last, what cannot be undone.
			*/module_test.sh|*/lockdown_test|*/ftrace_death_test) continue ;;
			# Before anything else.
			*/attr_test) continue ;;
			esac
			# SHADOWK_ONLY=prog[:test] narrows the run (make vm-test ONLY=...).
			only_args=
			if [ -n "${SHADOWK_ONLY:-}" ]; then
				[ "$(basename "$t")" = "${SHADOWK_ONLY%%:*}" ] || continue
				case "$SHADOWK_ONLY" in *:*) only_args="-t ${SHADOWK_ONLY#*:}" ;; esac
			fi
			run_test "$t" $only_args
		done
		# SHADOWK_FUZZ=N: N random calls of every command (make fuzz).
		if [ -n "${SHADOWK_FUZZ:-}" ] &&
		   [ "${SHADOWK_ONLY:-fuzz}" = fuzz ]; then
			echo "# shadowk-vm: begin fuzz" >&3
			if shadowk_fuzz -n "$SHADOWK_FUZZ" ${SHADOWK_FUZZ_ARGS:-} > /tmp/fuzz.out 2>&3; then
				echo "ok - $(cat /tmp/fuzz.out)" >&3
			else
				echo "not ok - $(cat /tmp/fuzz.out)" >&3
			fi
			echo "# shadowk-vm: end fuzz rc=0" >&3
		fi
		kmemleak_check with the module loaded
		if rmmod shadowk; then
			# The module's own accounting, printed at unload.
			last=$(dmesg | grep -E 'shadowk: (leaked|all pages)' | tail -n 1)
			case "$last" in
			*"all pages and objects freed"*)
				echo "ok - every page and object freed at unload" >&3 ;;
			*)
				echo "not ok - unload accounting: ${last:-no report}" >&3 ;;
			esac
		else
			echo "not ok - rmmod shadowk after the tests" >&3
		fi
	else
		echo "not ok - insmod shadowk.ko" >&3
	fi
	# With the module gone, nothing it allocated may be left unreferenced.
	kmemleak_check after unloading the module
	# Last: lockdown, then ftrace's death, neither of which can be undone.
	# What they need is set up first, while modules may still load and
	# code may still change: the module that kills ftrace, and a clone
	# with a probe for the death test.
	if [ -z "${SHADOWK_ONLY:-}" ] || [ "${SHADOWK_ONLY%%:*}" = lockdown_test ] ||
	   [ "${SHADOWK_ONLY%%:*}" = ftrace_death_test ]; then
		if insmod "$ko" && insmod /shadowk/kmod-tests/sk_ftrace_kill.ko &&
		   shadowk clone create --name death > /dev/null &&
		   shadowk probe add death __x64_sys_getppid > /dev/null; then
			run_test /shadowk/tests/lockdown_test
			run_test /shadowk/tests/ftrace_death_test
		else
			echo "not ok - setting up the lockdown and ftrace death tests" >&3
		fi
	fi
	# A WARN taints the kernel (bit 9) even where it does not panic.
	taint=$(cat /proc/sys/kernel/tainted)
	if [ $((taint & 512)) -ne 0 ]; then
		echo "not ok - kernel tainted by a warning ($taint)" >&3
	fi
	echo "# shadowk-vm: done" >&3
	mark "tests done"
	;;
esac
