# SPDX-License-Identifier: GPL-2.0
#
# The benchmark, inside the VM (booted with -icount shift=0, so guest
# nanoseconds are instructions; or without it, for wall-clock figures).
# Every result line starts with "shadowk-bench: " for the host to collect.

b=/shadowk/bench/bench
n=${SHADOWK_BENCH_CALLS:-300000}
T=/sys/kernel/tracing
file=/tmp/bench-small
# The three hottest traceable functions of each measured path, each
# entered once per call: getppid(), and a 64-byte pread() of a small file.
getppid_path="__x64_sys_getppid __task_pid_nr_ns task_active_pid_ns"
pread_path="__x64_sys_pread64 vfs_read rw_verify_area"
entries="__x64_sys_getppid __x64_sys_pread64"

out() {
	sed "s/^/shadowk-bench: $1 /"
}

# kprobes FILTER FUNC...: a kprobe event on each FUNC, enabled, with FILTER;
# with KIND=r, a kretprobe event (fired at the return, with its value).
kprobes() {
	filter=$1
	shift
	i=0
	for f in "$@"; do
		echo "${KIND:-p}:shadowk_bench/f$i $f" >> $T/kprobe_events || return 1
		[ -z "$filter" ] || echo "$filter" > $T/events/shadowk_bench/f$i/filter
		echo 1 > $T/events/shadowk_bench/f$i/enable
		i=$((i + 1))
	done
}

# The name ftrace lists for FUNC: a zero-argument syscall's __x64_sys_
# entry is an alias of its __do_sys_ body, and ftrace lists the body.
ftrace_name() {
	if grep -qx "$1" $T/available_filter_functions; then
		echo "$1"
	else
		echo "$1" | sed 's/^__x64_sys_/__do_sys_/'
	fi
}

kprobes_off() {
	echo 0 > $T/events/shadowk_bench/enable
	echo > $T/kprobe_events
}

# The all-syscalls clone (b) below; shared with SHADOWK_ONLY=verify.
all_syscalls_clone() {
	shadowk clone create --name all > /dev/null
	for f in $(grep ' [tT] __x64_sys_' /proc/kallsyms | grep -v '\[' | cut -d' ' -f3 | sort -u); do
		shadowk probe add all "$f" > /dev/null 2>&1
	done
	echo "probes $(shadowk -j clone show all | jq .probes)" | out "b-all-syscalls-elsewhere"
	echo "pt_pages $(shadowk -j clone show all | jq .pt_pages)" | out "b-all-syscalls-elsewhere"
}

# The paper's experiment: memcached serving a loopback client, both on
# CPU 0, one request at a time.  Probes on its hottest function and three
# more of its path, meant for another process: as pid-filtered kprobe
# events before the module is loaded, as shadowk probes in a clone bound
# elsewhere after, with the module loaded and no clone for the ratio.
mc_funcs="tcp_sendmsg tcp_recvmsg __x64_sys_sendmsg __x64_sys_epoll_wait"
mc_n=${SHADOWK_BENCH_MC:-20000}
mc=
mc_before_module() {
	[ -x /usr/bin/memcached ] || return 0
	ip link set lo up
	# It will not run as root without -u, which needs a passwd entry.
	grep -q '^root:' /etc/passwd 2> /dev/null ||
		echo 'root:x:0:0:root:/:/bin/sh' >> /etc/passwd
	taskset -c 0 /usr/bin/memcached -u root -l 127.0.0.1 -p 11211 -t 1 -U 0 \
		2> /tmp/memcached.err &
	mc=$!
	taskset -c 0 $b memcached "$mc_n" 11211 | out "mc-none"
	# Why, if the server did not come up.
	sed 's/^/error /' /tmp/memcached.err | out "mc-none"
	kprobes "common_pid == $idle" $mc_funcs &&
		taskset -c 0 $b memcached "$mc_n" 11211 | out "mc-kprobe-filtered"
	kprobes_off
}
mc_with_module() {
	[ -n "$mc" ] || return 0
	taskset -c 0 $b memcached "$mc_n" 11211 | out "mc-module-loaded"
	shadowk clone create --name mc > /dev/null &&
		shadowk probe add mc $mc_funcs > /dev/null &&
		shadowk process bind mc "$idle" > /dev/null &&
		taskset -c 0 $b memcached "$mc_n" 11211 | out "mc-shadowk-elsewhere"
	# None: the probes are for the idle process.
	echo "hits $(shadowk -j probe stat mc | jq .total_hits)" | out "mc-shadowk-elsewhere"
	shadowk process unbind "$idle" > /dev/null
	shadowk clone destroy mc > /dev/null
	kill "$mc"
	wait "$mc" 2> /dev/null
}

head -c 4096 /dev/zero > "$file"
# SHADOWK_ONLY=memcached: the memcached rows alone.
if [ "${SHADOWK_ONLY:-}" = memcached ]; then
	sleep 100000 &
	idle=$!
	mc_before_module
	insmod /shadowk/shadowk.ko || exit 1
	mc_with_module
	rmmod shadowk
	kill "$idle"
	exit 0
fi
# What a bound cgroup costs everyone else: forks and cgroup moves of an
# unbound process while an empty cgroup is bound, against none bound.
scope_rows() {
	# Unrecorded first: the first moves make the cgroups' css_sets, and
	# percpu-rwsem's RCU state settles; each pair then runs warm.
	$b moves 2000 none > /dev/null
	$b forks 10000 unbound | out "forks-unbound"
	$b forks 10000 cgroup-elsewhere | out "forks-cgroup-elsewhere"
	$b moves 10000 none | out "moves-none"
	$b moves 10000 cgroup-elsewhere | out "moves-cgroup-elsewhere"
}
# What a page-attribute change costs (shadowk follows each): one page of
# the direct map made uncached and back, 2,000 times.
cpa_row() {
	insmod /shadowk/kmod-tests/sk_cpa.ko || return 1
	echo 2000 > /sys/module/sk_cpa/parameters/cycles &&
		echo "cpa_cycle_ns $(cat /sys/module/sk_cpa/parameters/cycle_ns)" | out "$1"
	rmmod sk_cpa
}
if [ "${SHADOWK_ONLY:-}" = cpa ]; then
	sleep 100000 &
	idle=$!
	cpa_row cpa-no-module
	insmod /shadowk/shadowk.ko || exit 1
	cpa_row cpa-module-loaded
	shadowk clone create --name cpa > /dev/null
	shadowk probe add cpa __x64_sys_getppid > /dev/null
	shadowk process bind cpa "$idle" > /dev/null && cpa_row cpa-clone-bound-elsewhere
	shadowk clone destroy cpa > /dev/null
	rmmod shadowk
	kill "$idle"
	exit 0
fi
# SHADOWK_ONLY=scope: those rows alone.
if [ "${SHADOWK_ONLY:-}" = scope ]; then
	insmod /shadowk/shadowk.ko || exit 1
	scope_rows
	rmmod shadowk
	exit 0
fi
if [ "${SHADOWK_ONLY:-}" = verify ]; then
	sleep 100000 &
	idle=$!
	insmod /shadowk/shadowk.ko || exit 1
	all_syscalls_clone
	shadowk process bind all "$idle" > /dev/null &&
		$b verify "$(shadowk -j clone show all | jq .id)" 3 | out "b-all-syscalls-elsewhere"
	shadowk clone destroy all > /dev/null
	rmmod shadowk
	kill "$idle"
	exit 0
fi

# A process that is not the benchmark, for filters and bindings to name.
sleep 100000 &
idle=$!

$b getppid 1000000 | out "no-module"
cpa_row cpa-no-module
$b syscalls "$n" "$file" | out "a-unbound"

# (c) today's way: system-wide kprobes, filtered to another process.
kprobes "common_pid == $idle" $getppid_path $pread_path &&
	$b syscalls "$n" "$file" | out "c-kprobe-filtered"
kprobes_off

# (d) per-hit costs of the kernel's own hooks, on the entry functions.
echo > $T/trace
kprobes "" $entries && $b syscalls "$n" "$file" | out "d-kprobe"
kprobes_off
echo > $T/trace
KIND=r kprobes "" $entries && $b syscalls "$n" "$file" | out "d-kretprobe"
kprobes_off
echo > $T/trace
for f in $entries; do
	ftrace_name "$f" >> $T/set_ftrace_filter
done
# Never the function tracer on everything: only if the filter took.
if [ "$(grep -c . $T/set_ftrace_filter)" -eq 2 ]; then
	echo function > $T/current_tracer
	$b syscalls "$n" "$file" | out "d-ftrace-function"
	echo 0 > $T/tracing_on
	$b syscalls "$n" "$file" | out "d-ftrace-hook-only"
fi
echo nop > $T/current_tracer
echo > $T/set_ftrace_filter
echo 1 > $T/tracing_on
echo > $T/trace
# The kernel's BPF trampolines on the same entries: a counter program as
# fentry, then as fexit, named by its vmlinux BTF id (ftrace's name).
bpftool btf dump file /sys/kernel/btf/vmlinux > /tmp/vmlinux.btf 2> /dev/null
btf_ids=
for f in $entries; do
	btf_ids="$btf_ids $(sed -n "s/^\[\([0-9]*\)\] FUNC '$(ftrace_name "$f")' .*/\1/p" /tmp/vmlinux.btf | head -n 1)"
done
rm -f /tmp/vmlinux.btf
if [ "$(echo $btf_ids | wc -w)" -eq 2 ]; then
	$b bpf-tracing fentry "$n" "$file" $btf_ids | out "d-bpf-fentry"
	$b bpf-tracing fexit "$n" "$file" $btf_ids | out "d-bpf-fexit"
fi

mc_before_module

# An unbound, context-switch-heavy pair, before shadowk is even there.
$b ctxswitch 100000 | out "ctx-no-module"
insmod /shadowk/shadowk.ko || exit 1
$b getppid 1000000 | out "module-loaded"
cpa_row cpa-module-loaded
$b ctxswitch 100000 | out "ctx-none"
# A bound process's children come and go: against the same loop unbound.
scope_rows
$b forks 10000 bound | out "forks-bound"
$b clone-state 1000000 | out "clone-bound-elsewhere"
# (b) shadowk's way: the same probes in a clone bound to another process.
$b probes-elsewhere "$n" "$file" $getppid_path $pread_path | out "b-shadowk-elsewhere"
$b retprobes-elsewhere "$n" "$file" $getppid_path $pread_path | out "b-shadowk-ret-elsewhere"
$b all-elsewhere "$n" "$file" $getppid_path $pread_path | out "b-shadowk-all-elsewhere"
mc_with_module
# (b) a whole "shadowk profile" elsewhere: every system call entry probed,
# in a clone bound to another process, set up with the tool.
all_syscalls_clone
shadowk process bind all "$idle" > /dev/null &&
	$b syscalls "$n" "$file" | out "b-all-syscalls-elsewhere"
$b ctxswitch 100000 | out "ctx-all-elsewhere"
cpa_row cpa-clone-bound-elsewhere
# VERIFY of that clone, bound and probed: how long it holds text_mutex.
$b verify "$(shadowk -j clone show all | jq .id)" 3 | out "b-all-syscalls-elsewhere"
# What shadowk changed of the kernel's own text mapping meanwhile.
cat /sys/kernel/debug/shadowk/stats 2>/dev/null | out "stats-all"
shadowk clone destroy all > /dev/null
# (d) the bound process itself, without and with probes on the entries.
$b probes-bound "$n" "$file" $entries | out "d-shadowk"
$b latency 1000 | out "latency"
$b memory | out "memory"
rmmod shadowk
kill "$idle"
