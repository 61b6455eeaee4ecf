#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# build-root.sh path
# build-root.sh install PACKAGE...
# build-root.sh has PATH
# build-root.sh chroot COMMAND...
# build-root.sh run DIR COMMAND...
#
# A Debian 13 (trixie) root, made with debootstrap, in which the module is
# built for kernels whose headers a Debian 12 host cannot use: Debian 13's
# 6.12 and the 7.x kernels of trixie-backports need gcc-14, which Debian 12
# does not have.  Nothing of it is installed on the host: it is a directory
# that chroot enters, in $SHADOWK_CACHE/build-root (default ~/.cache/shadowk),
# outside any clone, so a fresh clone reuses it.  SHADOWK_MIRROR and
# SHADOWK_SECURITY_MIRROR name other Debian mirrors than deb.debian.org.
#
#   path      print where it is; fail if it was never made
#   install   make it if needed, install PACKAGE... into it, print
#             where it is
#   has       does PATH exist in it (a symlink resolved inside)
#   chroot    COMMAND in it, as is (apt-get and apt-cache, for deps.sh)
#   run       COMMAND in it, with DIR visible at its own path and /proc
#             mounted (objtool reads it), both in a mount namespace of the
#             command's own: nothing stays mounted when it ends

set -eu
cache=${SHADOWK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/shadowk}
root=$cache/build-root/trixie
mirror=${SHADOWK_MIRROR:-http://deb.debian.org/debian}
security=${SHADOWK_SECURITY_MIRROR:-http://deb.debian.org/debian-security}

die() { echo "build-root: $*" >&2; exit 1; }

in_root() {
	# The host's environment (PATH, TMPDIR, locale) means nothing there.
	chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 "$@"
}

made() { [ -f "$root/.shadowk-root" ]; }

make_root() {
	command -v debootstrap >/dev/null || die "missing debootstrap (make deps)"
	echo "build-root: debootstrap trixie into $root (about a minute, once)" >&2
	rm -rf "$root"
	mkdir -p "$root"
	debootstrap --variant=minbase --include=make,gcc-14,libc6-dev \
		trixie "$root" "$mirror" > "$root.log" 2>&1 ||
		{ tail -n 20 "$root.log" >&2; die "debootstrap failed: $root.log"; }
	cat > "$root/etc/apt/sources.list" <<-EOF
	deb $mirror trixie main
	deb $mirror trixie-updates main
	deb $security trixie-security main
	deb $mirror trixie-backports main
	EOF
	# A compiler's home: nothing recommended, no manuals.
	printf 'APT::Install-Recommends "false";\n' > "$root/etc/apt/apt.conf.d/90shadowk"
	touch "$root/.shadowk-root"
}

case "${1:-}" in
path)
	made || die "no build root at $root (make deps)"
	echo "$root"
	;;
has)
	made && in_root test -e "${2:?build-root.sh has PATH}"
	;;
chroot)
	shift
	made || die "no build root at $root (make deps)"
	in_root "$@"
	;;
install)
	shift
	[ "$(id -u)" -eq 0 ] || die "making and entering a chroot needs root"
	made || make_root
	missing=""
	for p in "$@"; do
		# shellcheck disable=SC2016
		in_root dpkg-query -W -f='${db:Status-Status}\n' "$p" 2>/dev/null |
			grep -qx installed || missing="$missing $p"
	done
	if [ -n "$missing" ]; then
		echo "build-root: installing$missing" >&2
		in_root apt-get update -qq > "$root.log" 2>&1 ||
			{ tail -n 20 "$root.log" >&2; die "apt-get update failed"; }
		# shellcheck disable=SC2086
		in_root apt-get install -y -qq $missing >> "$root.log" 2>&1 ||
			{ tail -n 20 "$root.log" >&2; die "cannot install$missing"; }
	fi
	echo "$root"
	;;
run)
	dir=${2:?build-root.sh run DIR COMMAND...}
	shift 2
	made || die "no build root at $root (make deps)"
	mkdir -p "$root$dir"
	# shellcheck disable=SC2016
	exec unshare --mount --propagation private --fork --pid \
		--mount-proc="$root/proc" sh -c 'root=$1 dir=$2; shift 2
		mount --bind "$dir" "$root$dir" &&
		exec chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
			LC_ALL=C.UTF-8 HOME=/root "$@"' build-root "$root" "$dir" "$@"
	;;
*)
	echo "usage: build-root.sh path | install PACKAGE... | has PATH | chroot COMMAND... | run DIR COMMAND..." >&2
	exit 2
	;;
esac
