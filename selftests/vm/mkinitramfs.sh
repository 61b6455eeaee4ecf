#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mkinitramfs.sh KERNELRELEASE OUTPUT.cpio
#
# A tiny initramfs for one Debian kernel: busybox-static, the pvpanic
# drivers of that kernel (so a guest panic ends QEMU with an error), the
# freshly built shadowk.ko, the static selftests and the static tool.

set -euo pipefail

kr=$1
out=$2
top=$(cd "$(dirname "$0")/../.." && pwd)
O=${O:-$top/build}
root=$(mktemp -d "${TMPDIR:-/tmp}/shadowk-initramfs.XXXXXX")
trap 'rm -rf "$root"' EXIT

need() {
	[ -e "$1" ] || { echo "mkinitramfs: missing $1${2:+ ($2)}" >&2; exit 1; }
}

need /bin/busybox "apt-get install busybox-static, or make deps"
need "$O/kmod/$kr/shadowk.ko" "make module KERNELRELEASE=$kr"
need "$O/kmod/$kr/shadowk_detrand.ko" "make module KERNELRELEASE=$kr"
need "$O/tools/shadowk.static" "make tools"
need "$O/selftests/uapi_test" "make selftests"

mkdir -p "$root"/{bin,dev,proc,sys,tmp,run,shadowk/bin,shadowk/tests,shadowk/kmod,shadowk/bench}
cp /bin/busybox "$root/bin/busybox"
cp "$top/selftests/vm/init" "$root/init"
cp "$top/selftests/vm/guest.sh" "$top/selftests/lib.sh" "$root/shadowk/"
cp "$top/selftests/vm/demo-guest.sh" "$root/shadowk/demo.sh"
cp "$top/selftests/vm/bench-guest.sh" "$root/shadowk/bench.sh"
cp "$O/selftests/bench/bench" "$O/selftests/bench/noop" "$root/shadowk/bench/"
cp "$O/kmod/$kr/shadowk.ko" "$O/kmod/$kr/shadowk_detrand.ko" "$root/shadowk/"
cp "$O/tools/shadowk.static" "$root/shadowk/bin/shadowk"
cp "$O"/selftests/*_test "$top"/selftests/*_test.sh "$root/shadowk/tests/"

# bpftool (dynamically linked): the binary and the libraries it needs,
# at the same paths, for the tests that attach BPF programs.
if [ -x /usr/sbin/bpftool ]; then
	mkdir -p "$root/usr/sbin"
	cp /usr/sbin/bpftool "$root/usr/sbin/"
	for lib in $(ldd /usr/sbin/bpftool | grep -o '/[^ ]*'); do
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
fi

# Kernel modules the guest loads by path, decompressed here so that the
# guest needs no module tools beyond busybox insmod.
for m in drivers/misc/pvpanic/pvpanic drivers/misc/pvpanic/pvpanic-pci; do
	src=/lib/modules/$kr/kernel/$m.ko
	if [ -f "$src" ]; then
		cp "$src" "$root/shadowk/kmod/"
	elif [ -f "$src.xz" ]; then
		xz -dc "$src.xz" > "$root/shadowk/kmod/$(basename "$m").ko"
	else
		echo "mkinitramfs: $kr has no $m module" >&2
		exit 1
	fi
done

chmod +x "$root/init"
(cd "$root" && find . | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0) > "$out.tmp"
mv "$out.tmp" "$out"
