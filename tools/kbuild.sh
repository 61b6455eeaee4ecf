#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# kbuild.sh KERNELDIR DIR [MAKE-ARGUMENT...]
#
# "make -C KERNELDIR M=DIR MAKE-ARGUMENT...": kbuild for the external
# module in DIR.  On the host when KERNELDIR is here; otherwise in the
# Debian 13 build root (tools/build-root.sh) when KERNELDIR is there, as
# for the kernels whose headers need gcc-14 on a Debian 12 host.

set -eu
kdir=${1:?usage: kbuild.sh KERNELDIR DIR [MAKE-ARGUMENT...]}
dir=${2:?usage: kbuild.sh KERNELDIR DIR [MAKE-ARGUMENT...]}
shift 2
tools=$(dirname "$0")

if [ -d "$kdir" ]; then
	exec make -C "$kdir" M="$dir" "$@"
fi
# Entering the root takes root (chroot, a mount namespace).
sudo=""
[ "$(id -u)" -eq 0 ] || sudo=sudo
if ! $sudo "$tools/build-root.sh" has "$kdir"; then
	echo "kbuild: no kernel headers at $kdir, here or in the build root; run 'make deps'" >&2
	exit 1
fi
# The root sees none of the host's environment, so none of make's flags:
# keep it as quiet as the make that called this.
# (Its first word holds the one-letter flags, if it has any.)
quiet=""
flags=${MAKEFLAGS:-}
case "${flags%% *}" in "" | -*) ;; *s*) quiet=-s ;; esac
exec $sudo "$tools/build-root.sh" run "$dir" make ${quiet:+"$quiet"} -j"$(nproc)" -C "$kdir" M="$dir" "$@"
