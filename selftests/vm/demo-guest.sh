# SPDX-License-Identifier: GPL-2.0
#
# The demo, inside the VM.  Lines for the user start with "shadowk-demo: ";
# the host shows only those.  Lines starting "=> " state what was shown,
# and are computed here from what happened, never written in advance: the
# host's check of the demo looks for them.

say() {
	echo "shadowk-demo: $*"
}

run() {
	say "# $*"
	"$@" 2>&1 | sed 's/^/shadowk-demo:     /'
}

blocks=20000

say "Debian's kernel $(uname -r), booted under QEMU with $(nproc) CPUs."
say "shadowk.ko is installed under /lib/modules, as 'make install' would put it."
say ""
say "== 1. A clone of the kernel's code"
say "The tool loads the module itself (through libkmod) the first time it is"
say "needed, then creates a clone: a copy-on-write view of the kernel's text."
run shadowk clone create --name demo
run shadowk clone list
say ""

say "== 2. A probe that counts one process, and only it"
say "Count and time calls of the read() system call, in clone 'demo' only"
say "(--return: each call's return is seen too, through the kernel's rethook):"
run shadowk probe add --return demo __x64_sys_read
say "Two copies of one workload run at the same time: each dd reads"
say "$blocks one-byte blocks from /dev/zero.  The first runs bound to the"
say "clone ('shadowk process exec'); its neighbour runs on the ordinary kernel."
dd if=/dev/zero of=/dev/null bs=1 count=$blocks 2> /tmp/neighbour.err &
neighbour=$!
run shadowk process exec demo -- dd if=/dev/zero of=/dev/null bs=1 count=$blocks
wait $neighbour
say "# (the neighbour, unbound) $(tail -n 1 /tmp/neighbour.err)"
run shadowk probe stat demo
hits=$(shadowk -j probe stat demo | jq '.probes[0].hits')
if [ "$hits" -ge $blocks ] && [ "$hits" -lt $((blocks + 100)) ]; then
	say "=> isolation: the probe counted $hits reads: the bound dd's $blocks (and any"
	say "   of its start-up), none of the neighbour's $blocks, though both ran the same code."
else
	say "=> NOT ISOLATED: the probe counted $hits reads"
fi
say "The neighbour ran the kernel's own, unpatched text: it paid nothing."
say "The bound dd's read() times, as a histogram (bcc's funclatency, for one"
say "process and nobody else):"
run shadowk probe latency demo __x64_sys_read
say ""

say "== 3. A fault injected into one process only"
say "Make openat() fail with ENOSPC, for processes bound to 'demo':"
run shadowk inject set demo __x64_sys_openat --errno ENOSPC
run shadowk process exec demo -- touch /tmp/bound-file
run touch /tmp/neighbour-file
run ls /tmp/bound-file /tmp/neighbour-file
if [ ! -e /tmp/bound-file ] && [ -e /tmp/neighbour-file ]; then
	say "=> isolation: the bound touch failed with ENOSPC, the neighbour's worked."
else
	say "=> NOT ISOLATED: bound file $([ -e /tmp/bound-file ] && echo exists || echo missing)," \
		"neighbour's $([ -e /tmp/neighbour-file ] && echo exists || echo missing)"
fi
run shadowk inject del demo __x64_sys_openat
run shadowk clone destroy demo
say ""

say "== 4. A BPF program for one process"
say "An ordinary libbpf object, written as for a kprobe (SEC(\"kprobe/vfs_read\")),"
say "attached to the clone: a histogram of read sizes, per process, pinned"
say "where bpftool reads it (tools/examples/vfs_read_hist.bpf.c):"
grep -q ' /sys/fs/bpf bpf ' /proc/mounts || mount -t bpf bpf /sys/fs/bpf
run shadowk clone create --name bpfdemo
run shadowk bpf attach --pin /sys/fs/bpf/demo bpfdemo /shadowk/examples/vfs_read_hist.bpf.o
say "A bound dd reads 100 blocks of 4 KiB; its neighbour, unbound, 100 of 512 bytes:"
run shadowk process exec bpfdemo -- dd if=/dev/zero of=/dev/null bs=4096 count=100
run dd if=/dev/zero of=/dev/null bs=512 count=100
run bpftool map dump pinned /sys/fs/bpf/demo/hist
dump=$(bpftool -j map dump pinned /sys/fs/bpf/demo/hist 2>/dev/null | jq -c 'map(.formatted // .)')
procs=$(printf '%s' "$dump" | jq 'map(.key.tgid) | unique | length')
big=$(printf '%s' "$dump" | jq '[.[] | select(.key.slot == 12) | .value] | add // 0')
small=$(printf '%s' "$dump" | jq '[.[] | select(.key.slot == 9) | .value] | add // 0')
if [ "$procs" = 1 ] && [ "$big" = 100 ] && [ "$small" = 0 ]; then
	say "=> isolation: the program saw one process, the bound dd, and its 100 reads"
	say "   of 4 KiB (slot 12); the neighbour's 512-byte reads never reached it."
else
	say "=> NOT ISOLATED: $procs processes, $big reads of 4 KiB, $small of 512 bytes"
fi
run shadowk bpf list bpfdemo
run shadowk clone destroy bpfdemo
rm -rf /sys/fs/bpf/demo
say ""

say "== 5. Profiling one command's path through the kernel"
say "'shadowk profile' runs a command in a fresh clone with a probe on every"
say "system call, and ranks what that command alone called:"
run shadowk profile --top 8 -- du -s /sys/module
say "=> profiled: only du ran the probed text; the rest of the machine did not."
say ""

say "== 6. A container: everyone in a cgroup, whoever joins later"
say "A cgroup stands for a container or a service.  Bind it, and count writes:"
cg=/sys/fs/cgroup/web
mkdir -p "$cg"
run shadowk clone create --name web
run shadowk probe add web __x64_sys_write
run shadowk process bind --cgroup "$cg" web
say "A shell joins the cgroup (as a container's processes are put in theirs),"
say "then it and its children write 50 lines; a neighbour outside writes 50 too:"
run sh -c "echo \$\$ > $cg/cgroup.procs; for i in \$(seq 50); do echo x; done > /dev/null; /bin/true"
for i in $(seq 50); do echo x; done > /dev/null
run shadowk clone show web
writes=$(shadowk -j probe stat web | jq '.probes[0].hits')
if [ "$writes" -ge 50 ] && [ "$writes" -lt 60 ]; then
	say "=> isolation: the cgroup's shell made $writes writes counted, the neighbour's 50 none."
else
	say "=> NOT ISOLATED: the cgroup's probe counted $writes writes"
fi
say "The Prometheus text a node_exporter collects (probe stat --format prometheus):"
shadowk probe stat --format prometheus web | grep '^shadowk_probe_hits' |
	sed 's/^/shadowk-demo:     /'
shadowk clone destroy web > /dev/null
rmdir "$cg"
say ""
say "Everything the tool printed is also JSON: 'shadowk -p probe stat CLONE'."
