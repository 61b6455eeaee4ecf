# SPDX-License-Identifier: GPL-2.0
#
# The demo, inside the VM.  Lines for the user start with "shadowk-demo: ";
# the host shows only those.

say() {
	echo "shadowk-demo: $*"
}

run() {
	say "\$ $*"
	"$@" 2>&1 | sed 's/^/shadowk-demo:   /'
}

say "Debian kernel $(uname -r), booted from its own bzImage under QEMU"
say "This machine: $(grep -q ' la57' /proc/cpuinfo && echo 5 || echo 4)-level paging, $(nproc) CPUs"
say ""
say "Load the module; it creates /dev/shadowk (root only):"
run insmod /shadowk/shadowk.ko
dmesg | grep 'shadowk: loaded' | tail -n 1 | sed 's/^/shadowk-demo:   /'
run ls -l /dev/shadowk
say ""
say "Every client starts with the handshake: ABI version, features, ioctls,"
say "and what the module learnt about this machine's paging:"
run shadowk version
say ""
say "The same as JSON, for scripts:"
run shadowk -p version
say ""
say "Unload it again:"
run rmmod shadowk
