#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Install everything shadowk's build, tests and demo need, with apt-get,
# on Debian 12 or 13.  Quiet and quick when everything is already there.
#
# The kernels are those selftests/vm/kernels.sh names for this release, each
# the newest the archive has with headers and an image.  Their headers are
# installed because the module builds against them: on the host, or, for
# the kernels whose headers need gcc-14 on Debian 12 (Debian 13's 6.12 and
# 7.x), in a Debian 13 build root (tools/build-root.sh) that nothing on the
# host uses.  Headers whose package depends on its kernel's image (Debian
# 12's 6.12) are not installed but unpacked, with their kbuild, into a tree
# of their own (tools/kerneldir.sh): installing them would install the
# image.  The images, which the tests boot in QEMU, are never installed: each is downloaded and unpacked into
# build/vm/images/KERNELRELEASE/, so the host's /boot and boot loader stay
# as they were.  The kernels' sources give the kselftest harness and the
# livepatch sample; the debug cell's kernel is built from linux-source-6.12
# with the kernel's own build dependencies (flex, bison, bc, libelf, libssl,
# pahole); the BPF examples are built with clang against libbpf-dev.

set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
images=${O:-$top/build}/vm/images
tools=$top/tools

die() { echo "deps: $*" >&2; exit 1; }

# shellcheck disable=SC1091
release=$(. /etc/os-release 2>/dev/null && echo "${ID:-}:${VERSION_ID:-}")
# shellcheck disable=SC1091
name=$(. /etc/os-release 2>/dev/null && echo "${PRETTY_NAME:-an unknown system}")

base_pkgs="gcc make libc6-dev pkg-config binutils kmod libkmod-dev
	qemu-system-x86 busybox-static cpio xz-utils zstd bpftool jq python3-docutils
	libbpf-dev clang
	dkms util-linux sparse
	flex bison bc libelf-dev libssl-dev openssl dwarves linux-source-6.12"
case "$release" in
debian:12) base_pkgs="$base_pkgs linux-source-6.1 debootstrap libevent-2.1-7" ;;
debian:13) base_pkgs="$base_pkgs libevent-2.1-7t64" ;;
*) die "this is $name; make deps knows Debian 12 and 13 (install the packages named in tools/deps.sh by hand)" ;;
esac

as_root() {
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	elif command -v sudo >/dev/null 2>&1; then
		sudo "$@"
	else
		die "need root (or sudo) to run: $*"
	fi
}

installed() {
	dpkg-query -W -f='${db:Status-Status}\n' "$1" 2>/dev/null | grep -qx installed
}

in_apt() {	# in_apt WHERE COMMAND...: apt-get or apt-cache, host or root
	if [ "$1" = root ]; then
		shift
		as_root "$tools/build-root.sh" chroot "$@"
	else
		shift
		as_root env DEBIAN_FRONTEND=noninteractive "$@"
	fi
}

# The newest installed (or, on the host, unpacked) release matching REGEX
# on WHERE's side, if any.
have_kernel() {	# have_kernel REGEX WHERE
	if [ "$2" = root ]; then
		for d in "$root"/usr/src/linux-headers-*; do
			[ -d "$d" ] && echo "${d##*/linux-headers-}"
		done
	else
		for d in /usr/src/linux-headers-*; do
			[ -d "$d" ] && echo "${d##*/linux-headers-}"
		done
		"$tools/kerneldir.sh" --releases
	fi | grep -E "$1" | sort -V | tail -n 1
}

# Unpack linux-headers-KERNELRELEASE and the headers and kbuild packages it
# depends on into tools/kerneldir.sh's tree, and install its other
# dependencies (the compiler) but not the kernel image it also depends on.
unpack_headers() {	# unpack_headers KERNELRELEASE
	tree=$("$tools/kerneldir.sh" --tree)
	dl=$(mktemp -d)
	chmod 0755 "$dl"	# for apt's _apt user
	pkgs="linux-headers-$1"
	others=""
	for p in $(apt-cache depends --no-recommends --no-suggests "linux-headers-$1" |
		   sed -n 's/^ *|\{0,1\}Depends: \([^<>]*\)$/\1/p'); do
		case "$p" in
		linux-image-*) ;;
		linux-headers-* | linux-kbuild-*) pkgs="$pkgs $p" ;;
		*) installed "$p" || others="$others $p" ;;
		esac
	done
	if [ -n "$others" ]; then
		# shellcheck disable=SC2086
		in_apt host apt-get install -y -qq --no-install-recommends $others >/dev/null
	fi
	# shellcheck disable=SC2086
	(cd "$dl" && in_apt host apt-get download -qq $pkgs) > "$dl/apt.log" 2>&1 ||
		{ cat "$dl/apt.log" >&2; rm -rf "$dl"; die "cannot download $pkgs"; }
	mkdir -p "$tree"
	for deb in "$dl"/*.deb; do
		dpkg-deb -x "$deb" "$tree"
	done
	rm -rf "$dl"
	# Its Makefile includes the common headers' by absolute path.
	sed -i "s|^include /usr/src/|include $tree/usr/src/|" \
		"$tree/usr/src/linux-headers-$1/Makefile"
	[ -f "$tree/usr/src/linux-headers-$1/.config" ] ||
		die "unpacking linux-headers-$1 into $tree failed"
}

# Whether installing linux-headers-KERNELRELEASE would install its image.
headers_need_image() {	# headers_need_image KERNELRELEASE
	apt-cache depends --no-recommends --no-suggests "linux-headers-$1" |
		grep -q 'Depends: <\{0,1\}linux-image-'
}

# The newest release matching REGEX for which WHERE's archive has headers
# and an image.
pick_kernel() {	# pick_kernel REGEX WHERE
	in_apt "$2" apt-cache pkgnames linux-headers- 2>/dev/null |
		sed -n 's/^linux-headers-//p' | grep -E "$1" | sort -V |
		while read -r kr; do
			in_apt "$2" apt-cache show "linux-image-$kr" >/dev/null 2>&1 && echo "$kr"
		done | tail -n 1
}

# Unpack KERNELRELEASE's bzImage into build/vm/images/.  7.x packages keep
# it in linux-binary-*, under /usr/lib/modules/; older ones in /boot.
fetch_image() {	# fetch_image KERNELRELEASE WHERE
	kr=$1
	[ -f "$images/$kr/vmlinuz" ] && return 0
	echo "deps: unpacking linux-image-$kr into $images/$kr"
	if [ "$2" = root ]; then
		dl=/var/tmp/shadowk-dl
		host_dl=$root$dl
	else
		host_dl=$(mktemp -d)
		dl=$host_dl
	fi
	as_root mkdir -p "$host_dl"
	tmp=$(mktemp -d)
	# The signed image, when the archive has it yet; else the unsigned
	# one (the same bzImage), or 7.x's linux-binary.
	for pkg in "linux-image-$kr" "linux-image-$kr-unsigned" "linux-binary-$kr"; do
		# As root, apt warns that its _apt user cannot write here.
		in_apt "$2" sh -c "cd '$dl' && apt-get download -qq '$pkg'" \
			> "$tmp/apt.log" 2>&1 || continue
		for deb in "$host_dl/${pkg}_"*.deb; do
			dpkg-deb -x "$deb" "$tmp/root"
		done
		for f in "$tmp/root/boot/vmlinuz-$kr" "$tmp/root/usr/lib/modules/$kr/vmlinuz"; do
			[ -f "$f" ] || continue
			mkdir -p "$images/$kr"
			cp "$f" "$images/$kr/vmlinuz.tmp"
			mv "$images/$kr/vmlinuz.tmp" "$images/$kr/vmlinuz"
		done
		[ -f "$images/$kr/vmlinuz" ] && break
	done
	as_root rm -rf "$host_dl"
	if [ ! -f "$images/$kr/vmlinuz" ]; then
		cat "$tmp/apt.log" >&2
		rm -rf "$tmp"
		die "cannot download the image of $kr"
	fi
	rm -rf "$tmp"
}

root=""
needs_root=$("$top/selftests/vm/kernels.sh" --specs | awk '$2 == "root" { print "yes"; exit }')
[ -n "$needs_root" ] && root=$("$tools/build-root.sh" path 2>/dev/null || true)

# What is missing, on each side: packages, and kernels of each kind.
missing="" root_missing="" updated=""
for p in $base_pkgs; do
	installed "$p" || missing="$missing $p"
done
# The root's own packages; DKMS, to build as a Debian 13 user would.
if [ -n "$needs_root" ] && [ -n "$root" ]; then
	root=$(as_root "$tools/build-root.sh" install dkms)
elif [ -n "$needs_root" ]; then
	root_missing=yes
fi
if [ -z "$missing" ] && [ -z "$root_missing" ] && [ -z "$(
	"$top/selftests/vm/kernels.sh" --specs | while read -r regex where _cells _what; do
		[ -n "$(have_kernel "$regex" "$where")" ] || echo missing
	done)" ]; then
	:	# everything installed; only images may be missing
else
	export DEBIAN_FRONTEND=noninteractive
	echo "deps: installing build and test dependencies with apt-get"
	as_root apt-get update -qq
	if [ -n "$missing" ]; then
		# shellcheck disable=SC2086
		as_root apt-get install -y -qq --no-install-recommends $missing >/dev/null
	fi
	if [ -n "$needs_root" ]; then
		root=$(as_root "$tools/build-root.sh" install dkms)
		in_apt root apt-get update -qq
	fi
	updated=1
fi

# The kernels: headers (and the series' source, for the livepatch sample)
# where they build, the image under build/.
"$top/selftests/vm/kernels.sh" --specs | while read -r regex where _cells what; do
	kr=$(have_kernel "$regex" "$where")
	if [ -z "$kr" ]; then
		kr=$(pick_kernel "$regex" "$where")
		[ -n "$kr" ] || die "cannot find $what: no linux-headers-* and linux-image-* matching '$regex' in the archive$([ "$where" = root ] && echo " of the Debian 13 build root"); is its suite in apt's sources?"
		if [ "$where" = host ] && headers_need_image "$kr"; then
			echo "deps: unpacking linux-headers-$kr into $("$tools/kerneldir.sh" --tree) (installing it would install its kernel)"
		else
			echo "deps: installing linux-headers-$kr$([ "$where" = root ] && echo " in the build root")"
		fi
		# The series' source, unless one side has it already.
		series=$(echo "$kr" | sed 's/^\([0-9]*\.[0-9]*\).*/\1/')
		src=linux-source-$series
		[ -f "/usr/src/$src.tar.xz" ] || [ -f "$root/usr/src/$src.tar.xz" ] && src=""
		if [ "$where" = root ]; then
			# shellcheck disable=SC2086
			as_root "$tools/build-root.sh" install "linux-headers-$kr" $src >/dev/null
		elif headers_need_image "$kr"; then
			unpack_headers "$kr"
			if [ -n "$src" ]; then
				in_apt host apt-get install -y -qq --no-install-recommends \
					"$src" >/dev/null
			fi
		else
			# shellcheck disable=SC2086
			in_apt host apt-get install -y -qq --no-install-recommends \
				"linux-headers-$kr" $src >/dev/null
		fi
	fi
	fetch_image "$kr" "$where"
done
# memcached for the benchmark's server, unpacked beside the images and
# never installed: installing it would start a daemon on this machine.
# Its library (libevent) is installed above, so ldd finds it for the VM.
mc=${O:-$top/build}/vm/pkgs/memcached
if [ ! -x "$mc/usr/bin/memcached" ]; then
	echo "deps: unpacking memcached into $mc (for make bench)"
	dl=$(mktemp -d)
	chmod 0755 "$dl"	# for apt's _apt user
	(cd "$dl" && in_apt host apt-get download -qq memcached) > "$dl/apt.log" 2>&1 ||
		{ cat "$dl/apt.log" >&2; rm -rf "$dl"; die "cannot download memcached"; }
	mkdir -p "$mc"
	dpkg-deb -x "$dl"/memcached_*.deb "$mc"
	rm -rf "$dl"
	updated=1
fi
[ -n "$updated" ] && echo "deps: done"
exit 0
