#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# demo.sh KERNELRELEASE: boot the VM and show shadowk at work.

set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
kr=${1:?usage: demo.sh KERNELRELEASE}

echo "Booting Debian's $kr in QEMU (software emulation, about 10 seconds)..."
echo
"$top/selftests/vm/run-vm.sh" --mode demo --name "demo-$kr" "$kr" || exit 1
echo
echo "To try it yourself in the VM: make vm-shell   (leave with: poweroff -f)"
