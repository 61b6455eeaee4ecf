#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# kerneldir.sh KERNELRELEASE     the kbuild directory to build against
# kerneldir.sh --tree            the unpacked-headers tree itself
# kerneldir.sh --releases        the releases unpacked there
#
# Some Debian headers packages depend on their kernel's image (bookworm's
# 6.12 does), so installing them would install a kernel into the host's
# /boot.  make deps unpacks those instead, with their kbuild, into a tree
# of their own (in ~/.cache/shadowk, beside the build root), which nothing
# on the host uses.  For KERNELRELEASE this prints the headers installed
# on the host if there are any, else that tree's, else the installed path
# anyway: tools/kbuild.sh then looks for it in the Debian 13 build root.

cache=${SHADOWK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/shadowk}
tree=$cache/headers

case "${1:?usage: kerneldir.sh KERNELRELEASE | --tree | --releases}" in
--tree)
	echo "$tree"
	;;
--releases)
	for d in "$tree"/usr/src/linux-headers-*; do
		[ -f "$d/.config" ] && echo "${d##*/linux-headers-}"
	done
	;;
*)
	if [ -d "/lib/modules/$1/build" ]; then
		echo "/lib/modules/$1/build"
	elif [ -f "$tree/usr/src/linux-headers-$1/.config" ]; then
		echo "$tree/usr/src/linux-headers-$1"
	else
		echo "/lib/modules/$1/build"
	fi
	;;
esac
