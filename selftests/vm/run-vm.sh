#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run-vm.sh [options] KERNELRELEASE
#
# Boot one Debian kernel under QEMU/TCG with the shadowk initramfs and judge
# the run.  Options:
#   --la57 0|1     4- or 5-level paging (default 1; bzImage only)
#   --pti on|off   page-table isolation (default off)
#   --preempt M    boot with preempt=M (none, voluntary, full); default:
#                  the kernel's own (voluntary on Debian)
#   --pvh          boot the extracted vmlinux (fast, 4-level, no KASLR)
#   --mode M       test (default), demo, shell, bench, or boot (boot and
#                  power off)
#   --timeout S    hard limit for the whole VM run (default 300)
#   --name N       cell name for logs and the summary line
#   --only P[:T]   run only selftest program P (and only its test T);
#                  "fuzz" for the fuzzer alone
#   --fuzz N       after the selftests, N random ioctls (selftests/fuzz.c)
#
# In test mode it prints one summary line and writes N_PASS/N_FAIL/N_SKIP to
# $out/counts.  The run fails on: a non-zero QEMU exit or a timeout, a
# guest that did not power off itself (a panic resets it), a missing
# closing marker, any failed TAP line, a test program that exits
# non-zero without saying why, or a kernel log with a report: BUG, WARNING
# (lockdep's and RCU's among them), Oops, Call Trace, panic, UBSAN, KASAN,
# ODEBUG (kmemleak is judged in the guest,
# after boot's own leaks are cleared).  Logs stay in $O/vm/logs/<cell>/.

set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
O=${O:-$top/build}
la57=1 pti=off preempt="" pvh=0 mode=test timeout_s=300 name="" only="" fuzz=""

while [ $# -gt 0 ]; do
	case "$1" in
	--la57) la57=$2; shift 2 ;;
	--pti) pti=$2; shift 2 ;;
	--preempt) preempt=$2; shift 2 ;;
	--pvh) pvh=1; la57=0; shift ;;
	--mode) mode=$2; shift 2 ;;
	--shell) mode=shell; shift ;;
	--timeout) timeout_s=$2; shift 2 ;;
	--name) name=$2; shift 2 ;;
	--only) only=$2; shift 2 ;;
	--fuzz) fuzz=$2; shift 2 ;;
	-*) echo "run-vm: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
done
kr=${1:?usage: run-vm.sh [options] KERNELRELEASE}
case "$la57" in 0|1) ;; *) echo "run-vm: --la57 takes 0 or 1" >&2; exit 2 ;; esac
case "$pti" in on|off) ;; *) echo "run-vm: --pti takes on or off" >&2; exit 2 ;; esac
case "$preempt" in ""|none|voluntary|full) ;; *) echo "run-vm: --preempt takes none, voluntary or full" >&2; exit 2 ;; esac
[ -n "$name" ] || name="$kr-$([ $pvh = 1 ] && echo pvh || echo "l$((la57 + 4))")-pti$pti"

out=$O/vm/logs/$name
mkdir -p "$out"
rm -f "$out"/{console.log,results.tap,counts,verdict}

bzimage=$O/vm/images/$kr/vmlinuz
[ -f "$bzimage" ] || { echo "run-vm: no $bzimage (make deps)" >&2; exit 2; }

kernel=$bzimage
if [ $pvh = 1 ]; then
	# PVH needs the uncompressed ELF; unpack the bzImage's xz payload once.
	kernel=$O/vm/$kr/vmlinux
	if [ ! -s "$kernel" ]; then
		mkdir -p "$(dirname "$kernel")"
		# Debian's 6.1 compresses with xz, its 6.12 with zstd.
		off=$(LC_ALL=C grep -aobP '\xfd7zXZ\x00' "$bzimage" | head -n 1 | cut -d: -f1)
		if [ -n "$off" ]; then
			tail -c +$((off + 1)) "$bzimage" | xz -dcq > "$kernel.tmp" 2>/dev/null
		else
			off=$(LC_ALL=C grep -aobP '\x28\xb5\x2f\xfd' "$bzimage" | head -n 1 | cut -d: -f1)
			[ -n "$off" ] && tail -c +$((off + 1)) "$bzimage" | zstd -dcq > "$kernel.tmp" 2>/dev/null
		fi
		[ -s "$kernel.tmp" ] || { echo "run-vm: cannot extract vmlinux from $bzimage" >&2; exit 2; }
		mv "$kernel.tmp" "$kernel"
	fi
fi

initrd=$out/initramfs.cpio
mkdir -p "$(dirname "$initrd")"
"$top/selftests/vm/mkinitramfs.sh" "$kr" "$initrd" || exit 2

cpu=max
[ "$la57" = 0 ] && cpu=max,la57=off
# Single-threaded TCG: QEMU 7.2's multi-threaded TCG does not keep code
# that one vCPU rewrites coherent for another.  The stock kernel, without
# shadowk, hits an int3 nobody claims (BUG in irqentry_nmi_enter) when the
# function tracer is switched on while another vCPU runs a syscall loop.
# Both vCPUs still run interleaved, so SMP races stay possible.
accel=${SHADOWK_QEMU_ACCEL:-tcg,thread=single}
append="console=ttyS0 panic=-1 oops=panic panic_on_warn=1 softlockup_panic=1"
append+=" cryptomgr.notests pti=$pti SHADOWK_MODE=$mode"
[ -n "$preempt" ] && append+=" preempt=$preempt"
[ -n "$only" ] && append+=" SHADOWK_ONLY=$only"
[ -n "$fuzz" ] && append+=" SHADOWK_FUZZ=$fuzz"
[ -n "${SHADOWK_FUZZ_THREADS:-}" ] && append+=" SHADOWK_FUZZ_ARGS=-t$SHADOWK_FUZZ_THREADS"
append+=" SHADOWK_EXPECT_LA57=$la57 SHADOWK_EXPECT_PTI=$([ $pti = on ] && echo 1 || echo 0)"

# shellcheck disable=SC2206
extra=(${SHADOWK_QEMU_EXTRA:-})
qemu=(qemu-system-x86_64 -accel "$accel" "${extra[@]}" -M pc -cpu "$cpu" -smp 2 -m 1G
	-kernel "$kernel" -initrd "$initrd" -append "$append"
	-display none -monitor none -no-reboot -nic none)

if [ "$mode" = shell ]; then
	exec "${qemu[@]}" -serial mon:stdio
fi

start=$(date +%s%N)
if [ "$mode" = demo ]; then
	# The demo's console is the user's terminal; keep a copy for the grep.
	timeout --foreground -k 5 "$timeout_s" "${qemu[@]}" -serial stdio \
		-serial file:"$out/results.tap" < /dev/null | tee "$out/console.log" |
		sed -n 's/^shadowk-demo: //p'
	rc=${PIPESTATUS[0]}
else
	timeout --foreground -k 5 "$timeout_s" "${qemu[@]}" \
		-serial file:"$out/console.log" -serial file:"$out/results.tap" \
		< /dev/null > "$out/qemu.out" 2>&1
	rc=$?
fi
tenths=$((($(date +%s%N) - start) / 100000000))
secs=$((tenths / 10)).$((tenths % 10))

problems=()
case $rc in
0) ;;
124|137) problems+=("timed out after ${timeout_s}s") ;;
*) problems+=("qemu exited with $rc") ;;
esac
tr -d '\r' < "$out/console.log" > "$out/console.clean" 2>/dev/null
# A panic resets the guest (panic=-1), which -no-reboot turns into a clean
# QEMU exit: only a guest that powered off itself finished.
if [ "$mode" != shell ] && ! grep -q 'reboot: Power down' "$out/console.clean"; then
	problems+=("the guest did not power off (panic, reset or triple fault)")
fi
# Every report the debug kernel's checkers print starts so (lockdep's and
# RCU's with WARNING:, might_sleep's with BUG:).
reports='BUG:|WARNING:|Oops|Call Trace|Kernel panic|UBSAN:|KASAN:|ODEBUG:'
if grep -Eq "$reports" "$out/console.clean"; then
	problems+=("kernel log: $(grep -Em1 "$reports" "$out/console.clean")")
fi

if [ "$mode" = demo ] || [ "$mode" = boot ] || [ "$mode" = bench ]; then
	if [ "$mode" = demo ] && ! grep -q '^shadowk-vm: demo done rc=0' "$out/console.clean"; then
		problems+=("the demo did not finish")
	fi
	[ "$mode" = boot ] && echo "$name: booted and powered off in ${secs}s"
	if [ ${#problems[@]} -gt 0 ]; then
		printf '%s FAILED: %s\n' "$mode" "${problems[@]}" >&2
		echo "console log: $out/console.log" >&2
		exit 1
	fi
	exit 0
fi

# Count TAP results per program; a program that ended badly but printed no
# failure, or never printed its end line, counts as one failure.
read -r pass fail skip bad < <(tr -d '\r' < "$out/results.tap" | awk '
	/^# shadowk-vm: begin / { prog = $4; fails_here = 0; open = 1; next }
	/^# shadowk-vm: end / {
		rc = $5; sub("rc=", "", rc)
		if (rc != 0 && fails_here == 0) { fail++; bad = bad " " prog "(rc=" rc ")" }
		open = 0; next
	}
	/^# shadowk-vm: done/ { done = 1; next }
	/^ok / { if ($0 ~ /# [Ss][Kk][Ii][Pp]/) skip++; else pass++; next }
	/^not ok / { fail++; fails_here++; next }
	END {
		if (open) { fail++; bad = bad " " prog "(no end)" }
		if (!done) { bad = bad " no-closing-marker" }
		printf "%d %d %d %s\n", pass, fail, skip, (bad == "" ? "-" : bad)
	}')
[ "$bad" != "-" ] && problems+=("results:$bad")
case "$bad" in *no-closing-marker*) fail=$((fail + 1)) ;; esac
# A crash or hang fails the cell even if every printed test passed.
[ ${#problems[@]} -gt 0 ] && [ "$fail" -eq 0 ] && fail=1

printf 'N_PASS=%d\nN_FAIL=%d\nN_SKIP=%d\n' "$pass" "$fail" "$skip" > "$out/counts"
status=PASS
[ "$fail" -gt 0 ] && status=FAIL
printf '%-36s %s  %d passed, %d failed, %d skipped  (%ss)\n' "$name" "$status" \
	"$pass" "$fail" "$skip" "$secs"
# The fuzzer's own summary, as it printed it.
tr -d '\r' < "$out/results.tap" | sed -n 's/^\(not \)\{0,1\}ok - \(fuzz: .*\)/    \2/p'
if [ "$status" = FAIL ]; then
	for p in "${problems[@]}"; do echo "    $p"; done
	grep '^not ok' "$out/results.tap" | sed 's/^/    /'
	echo "    logs: $out/"
	exit 1
fi
exit 0
