#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# demo.sh KERNELRELEASE: boot the VM and show shadowk at work.  The output
# is kept in $O/vm/demo.log, which "make check" reads for the lines that
# prove the isolation (selftests/vm/demo-check.sh).

set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
O=${O:-$top/build}
kr=${1:?usage: demo.sh KERNELRELEASE}
mkdir -p "$O/vm"

{
	echo "Booting Debian's $kr in QEMU (software emulation, about 10 seconds)..."
	echo
	"$top/selftests/vm/run-vm.sh" --mode demo --name "demo-$kr" "$kr" || exit 1
	echo
	echo "To try it yourself in the VM: make vm-shell   (leave with: poweroff -f)"
} 2>&1 | tee "$O/vm/demo.log"
exit "${PIPESTATUS[0]}"
