#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Install everything shadowk's build, tests and demo need on Debian 12,
# using apt-get only.  Quiet and quick when everything is already there.
#
# The debug cell's kernel is built from linux-source-6.12 with the kernel's
# own build dependencies (flex, bison, bc, libelf, libssl, pahole).
#
# Kernels: the 6.1 headers metapackage and the newest 6.12 that the bookworm
# archive carries with matching headers.  Headers are installed because the
# module builds against them; the kernels' sources for the kselftest harness
# and the livepatch sample the selftests build.  The images, which the tests
# boot in QEMU, are never installed: each is downloaded and unpacked into
# build/vm/images/KERNELRELEASE/, so the host's /boot and boot loader stay
# as they were.

set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
images=${O:-$top/build}/vm/images

base_pkgs="gcc make libc6-dev pkg-config binutils kmod libkmod-dev
	qemu-system-x86 busybox-static cpio xz-utils zstd bpftool jq python3-docutils
	dkms
	flex bison bc libelf-dev libssl-dev openssl dwarves
	linux-source-6.1 linux-source-6.12 linux-headers-amd64"

as_root() {
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	elif command -v sudo >/dev/null 2>&1; then
		sudo "$@"
	else
		echo "deps: need root (or sudo) to run: $*" >&2
		exit 1
	fi
}

installed() {
	dpkg-query -W -f='${db:Status-Status}\n' "$1" 2>/dev/null | grep -qx installed
}

have_612() {
	for d in /usr/src/linux-headers-6.12.*+deb12-amd64; do
		[ -d "$d" ] && return 0
	done
	return 1
}

# The newest installed headers of each series get their image unpacked under
# build/, as selftests/vm/kernels.sh picks them.
newest() {
	for d in /usr/src/linux-headers-"$1".*-amd64; do
		[ -d "$d" ] && echo "${d#/usr/src/linux-headers-}"
	done | grep "^$1\.[0-9]*[.+-]" | sort -V | tail -n 1
}

fetch_images() {
	for kr in $(newest 6.1) $(newest 6.12); do
		[ -f "$images/$kr/vmlinuz" ] && continue
		tmp=$(mktemp -d)
		echo "deps: unpacking linux-image-$kr into $images/$kr"
		# As root, apt warns that its _apt user cannot write here.
		if ! (cd "$tmp" && apt-get download -qq "linux-image-$kr" \
			>apt.log 2>&1 && dpkg-deb -x ./linux-image-*.deb root); then
			cat "$tmp/apt.log" >&2
			rm -rf "$tmp"
			echo "deps: cannot download linux-image-$kr" >&2
			exit 1
		fi
		mkdir -p "$images/$kr"
		cp "$tmp/root/boot/vmlinuz-$kr" "$images/$kr/vmlinuz.tmp"
		mv "$images/$kr/vmlinuz.tmp" "$images/$kr/vmlinuz"
		rm -rf "$tmp"
	done
}

missing=""
for p in $base_pkgs; do
	installed "$p" || missing="$missing $p"
done

if [ -z "$missing" ] && have_612; then
	fetch_images
	exit 0
fi

export DEBIAN_FRONTEND=noninteractive
echo "deps: installing build and test dependencies with apt-get"
as_root apt-get update -qq

if ! have_612; then
	# Newest 6.12 ABI for which the archive has both an image and
	# headers; version-sort the ABI names rather than trusting list order.
	abi=$(apt-cache pkgnames linux-headers-6.12. 2>/dev/null |
	      sed -n 's/^linux-headers-\(6\.12\.[0-9]*+deb12-amd64\)$/\1/p' |
	      sort -V | while read -r a; do
		apt-cache show "linux-image-$a" >/dev/null 2>&1 && echo "$a"
	      done | tail -n 1)
	if [ -z "$abi" ]; then
		echo "deps: the archive offers no linux-image-6.12.*+deb12-amd64 with headers" >&2
		exit 1
	fi
	missing="$missing linux-headers-$abi"
fi

# shellcheck disable=SC2086
as_root apt-get install -y -qq --no-install-recommends $missing >/dev/null
fetch_images
echo "deps: done"
