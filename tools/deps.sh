#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Install everything shadowk's build, tests and demo need on Debian 12,
# using apt-get only.  Quiet and quick when everything is already there.
#
# Kernels: the 6.1 metapackages and the newest 6.12 that the bookworm archive
# carries with matching headers.  Images are needed because the tests boot
# Debian's own kernels in QEMU; headers because the module builds against them;
# the kernels' sources for the kselftest harness and the livepatch sample the
# selftests build.

set -eu

base_pkgs="gcc make libc6-dev pkg-config binutils kmod libkmod-dev
	qemu-system-x86 busybox-static cpio xz-utils zstd bpftool jq python3-docutils
	dkms
	linux-source-6.1 linux-source-6.12 linux-image-amd64 linux-headers-amd64"

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

# A 6.12 kernel counts when both its image and its headers are installed.
have_612() {
	for d in /usr/src/linux-headers-6.12.*+deb12-amd64; do
		[ -d "$d" ] || continue
		kr=${d#/usr/src/linux-headers-}
		[ -f "/boot/vmlinuz-$kr" ] && return 0
	done
	return 1
}

missing=""
for p in $base_pkgs; do
	installed "$p" || missing="$missing $p"
done

if [ -z "$missing" ] && have_612; then
	exit 0
fi

export DEBIAN_FRONTEND=noninteractive
echo "deps: installing build and test dependencies with apt-get"
as_root apt-get update -qq

if ! have_612; then
	# Newest 6.12 ABI for which the archive has both a signed image and
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
	missing="$missing linux-image-$abi linux-headers-$abi"
fi

# shellcheck disable=SC2086
as_root apt-get install -y -qq --no-install-recommends $missing >/dev/null
echo "deps: done"
