#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mkinitramfs.sh KERNELRELEASE OUTPUT.cpio
#
# A tiny initramfs for one Debian kernel: busybox-static, the
# freshly built modules (also installed under /lib/modules, where libkmod
# finds them), the static selftests, and the tool, jq and bpftool with the
# shared libraries they need.

set -euo pipefail

kr=$1
out=$2
top=$(cd "$(dirname "$0")/../.." && pwd)
O=${O:-$top/build}
root=$(mktemp -d "${TMPDIR:-/tmp}/shadowk-initramfs.XXXXXX")
trap 'rm -rf "$root"' EXIT
# mktemp made it 0700; it becomes the guest's / and must be traversable.
chmod 0755 "$root"

need() {
	[ -e "$1" ] || { echo "mkinitramfs: missing $1${2:+ ($2)}" >&2; exit 1; }
}

need /bin/busybox "apt-get install busybox-static, or make deps"
need "$O/kmod/$kr/shadowk.ko" "make module KERNELRELEASE=$kr"
need "$O/kmod/$kr/shadowk_detrand.ko" "make module KERNELRELEASE=$kr"
need "$O/kmod/$kr/tests/sk_ftrace_work.ko" "make test-modules KERNELRELEASE=$kr"
need "$O/tools/shadowk" "make tools"
need "$O/selftests/uapi_test" "make selftests"

mkdir -p "$root"/{bin,dev,proc,sys,tmp,run,shadowk/bin,shadowk/tests,shadowk/kmod-tests,shadowk/bench}
cp /bin/busybox "$root/bin/busybox"
cp "$top/selftests/vm/init" "$root/init"
cp "$top/selftests/vm/guest.sh" "$top/selftests/lib.sh" "$root/shadowk/"
cp "$top/selftests/vm/demo-guest.sh" "$root/shadowk/demo.sh"
cp "$top/selftests/vm/bench-guest.sh" "$root/shadowk/bench.sh"
cp "$O/selftests/bench/bench" "$O/selftests/bench/noop" "$root/shadowk/bench/"
cp "$O/kmod/$kr/shadowk.ko" "$O/kmod/$kr/shadowk_detrand.ko" "$root/shadowk/"
# The selftests' own modules (the kernel's livepatch sample among them).
cp "$O"/kmod/"$kr"/tests/*.ko "$root/shadowk/kmod-tests/"
cp "$O"/selftests/*_test "$top"/selftests/*_test.sh "$root/shadowk/tests/"
cp "$O"/selftests/bin/* "$root/shadowk/bin/"
# A set-user-ID-root copy, for the test that a binding stops at it.
cp "$O/selftests/bin/skcalls" "$root/shadowk/bin/skcalls-suid"
chmod 4755 "$root/shadowk/bin/skcalls-suid"

# A dynamically linked program and the libraries it needs, at the same
# paths as here.
with_libs() {	# with_libs BINARY DEST
	local lib
	mkdir -p "$root$(dirname "$2")"
	cp "$1" "$root$2"
	for lib in $(ldd "$1" | grep -o '/[^ ]*'); do
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
}
with_libs "$O/tools/shadowk" /usr/sbin/shadowk
# The BPF examples (clang-built objects, and a loader using libbpf).
need "$O/tools/examples/slow_reads" "make tools"
with_libs "$O/tools/examples/slow_reads" /shadowk/examples/slow_reads
cp "$O"/tools/examples/*.bpf.o "$root/shadowk/examples/"
cp "$top/tools/examples/prometheus/shadowk-textfile" "$root/shadowk/examples/"
# readme_test runs the README's quick start as on a Debian machine: with
# coreutils' cat and ls, dynamically linked, and an /etc/hostname.
cp "$top/README.md" "$root/shadowk/"
with_libs /bin/cat /usr/bin/cat
with_libs /bin/ls /usr/bin/ls
mkdir -p "$root/etc" && echo shadowk-vm > "$root/etc/hostname"
# libshadowk opens libkmod at run time, to load the module when asked.
kmodlib=$(ldconfig -p | sed -n 's|.*libkmod\.so\.2 (libc6,x86-64) => ||p' | head -n 1)
[ -n "$kmodlib" ] || { echo "mkinitramfs: no libkmod.so.2 (apt-get install libkmod2)" >&2; exit 1; }
mkdir -p "$root$(dirname "$kmodlib")"
cp -L "$kmodlib" "$root$kmodlib"
for lib in $(ldd "$kmodlib" | grep -o '/[^ ]*'); do
	mkdir -p "$root$(dirname "$lib")"
	cp -L "$lib" "$root$lib"
done
# jq checks the tool's JSON; bpftool attaches BPF programs.
need /usr/bin/jq "apt-get install jq, or make deps"
with_libs /usr/bin/jq /usr/bin/jq
[ -x /usr/sbin/bpftool ] && with_libs /usr/sbin/bpftool /usr/sbin/bpftool
# memcached, for the benchmark's server (make deps unpacks it).
mc=$O/vm/pkgs/memcached/usr/bin/memcached
if [ -x "$mc" ]; then
	with_libs "$mc" /usr/bin/memcached
fi

# The modules as "make install" would put them, indexed by the host's
# depmod, so that the tool's libkmod loading works as on a real machine.
mkdir -p "$root/lib/modules/$kr/updates"
cp "$O/kmod/$kr/shadowk.ko" "$O/kmod/$kr/shadowk_detrand.ko" "$root/lib/modules/$kr/updates/"
depmod -b "$root" "$kr" 2>/dev/null || { echo "mkinitramfs: depmod failed" >&2; exit 1; }

chmod +x "$root/init"
(cd "$root" && find . | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0) > "$out.tmp"
mv "$out.tmp" "$out"
