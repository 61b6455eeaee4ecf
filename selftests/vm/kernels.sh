#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Print the kernel releases the VM matrix boots: the newest installed
# Debian 6.1 and 6.12, each only if its headers are installed and its image
# unpacked under build/vm/images/ (make deps).

O=${O:-$(cd "$(dirname "$0")/../.." && pwd)/build}

for series in 6.1 6.12; do
	for d in /usr/src/linux-headers-"$series".*-amd64; do
		[ -d "$d" ] || continue
		kr=${d#/usr/src/linux-headers-}
		[ -f "$O/vm/images/$kr/vmlinuz" ] && echo "$kr"
	done | sort -V | tail -n 1
done
