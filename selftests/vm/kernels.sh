#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# kernels.sh [--specs]
#
# The kernels the VM matrix boots, one per line, oldest first: a release
# gets all four cells, "RELEASE:CELL" only that one (l4-ptioff: 4-level
# paging, PTI off).  Each is the newest release of its kind whose headers
# are installed (on the host, unpacked by make deps (tools/kerneldir.sh), or
# in the build root for the kernels that need gcc-14 on Debian 12) and whose image make deps unpacked under
# build/vm/images/.
#
# Which kinds depends on the host's Debian release.  With --specs, prints
# them instead, as "REGEX WHERE CELLS WHAT" (an extended regular expression
# of the release; WHERE: host or root; CELLS: all or the one cell; WHAT,
# the rest of the line, says which kernel in words), for tools/deps.sh.

O=${O:-$(cd "$(dirname "$0")/../.." && pwd)/build}
tools=$(cd "$(dirname "$0")/../../tools" && pwd)

specs() {
	# shellcheck disable=SC1091
	release=$(. /etc/os-release 2>/dev/null && echo "${ID:-}:${VERSION_ID:-}")
	case "$release" in
	debian:12)
		# Debian 12's own, then what a Debian 13 machine runs: its
		# 6.12 (one cell: it differs from bookworm's in the compiler)
		# and trixie-backports' newest 7.x, both built in the root.
		echo '^6\.1\.0-[0-9]+-amd64$ host all Debian 12 6.1'
		echo '^6\.12\.[0-9]+\+deb12-amd64$ host all Debian 12 6.12 (bookworm-security)'
		echo '^6\.12\.[0-9]+\+deb13-amd64$ root l4-ptioff Debian 13 6.12'
		echo '^7\.[0-9]+\.[0-9]+\+deb13-amd64$ root all Debian 13 7.x (trixie-backports)'
		;;
	debian:13)
		echo '^6\.12\.[0-9]+\+deb13-amd64$ host all Debian 13 6.12'
		echo '^7\.[0-9]+\.[0-9]+\+deb13-amd64$ host all Debian 13 7.x (trixie-backports)'
		;;
	esac
}

if [ "${1:-}" = --specs ]; then
	specs
	exit 0
fi

root=$("$tools/build-root.sh" path 2>/dev/null) || root=/nonexistent
specs | while read -r regex where cells _what; do
	if [ "$where" = root ]; then
		for d in "$root"/usr/src/linux-headers-*; do
			[ -d "$d" ] && echo "${d##*/linux-headers-}"
		done
	else
		for d in /usr/src/linux-headers-*; do
			[ -d "$d" ] && echo "${d##*/linux-headers-}"
		done
		"$tools/kerneldir.sh" --releases
	fi | while read -r kr; do
		[ -f "$O/vm/images/$kr/vmlinuz" ] && echo "$kr"
	done | grep -E "$regex" | sort -V | tail -n 1 | while read -r kr; do
		if [ "$cells" = all ]; then
			echo "$kr"
		else
			echo "$kr:$cells"
		fi
	done
done
