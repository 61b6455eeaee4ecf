# SPDX-License-Identifier: GPL-2.0
#
# The benchmark, inside the VM (booted with -icount shift=0, so guest
# nanoseconds are instructions).  Every result line starts with
# "shadowk-bench: " for the host to collect.

b=/shadowk/bench/bench
n=${SHADOWK_BENCH_CALLS:-1000000}

out() {
	sed "s/^/shadowk-bench: $1 /"
}

$b getppid "$n" | out "no-module"
insmod /shadowk/shadowk.ko || exit 1
$b getppid "$n" | out "module-loaded"
$b clone-state "$n" | out "clone-bound-elsewhere"
$b latency 1000 | out "latency"
$b memory | out "memory"
rmmod shadowk
