#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# shadowk bpf attach | list | detach with the clang-built examples
# (tools/examples): vfs_read_hist's pinned map, read with bpftool, holds
# the bound dd's reads and no one else's, exactly as many as the
# attachment ran; slow_reads prints the bound command's reads and never a
# neighbour's; errors exit as shadowk(8) says, and a failed attach leaves
# nothing attached.  Runs in the VM with the module loaded.

. /shadowk/lib.sh

tap_plan 22

ex=/shadowk/examples
PATH=$ex:$PATH
pin=/sys/fs/bpf/sk_hist
rm -rf "$pin"
grep -q ' /sys/fs/bpf bpf ' /proc/mounts || mount -t bpf bpf /sys/fs/bpf

expect 0 "clone create" shadowk -j clone create --name bpft
clone=$(printf '%s' "$out" | jq .id)

expect 0 "bpf attach --pin: the histogram" \
	shadowk -j bpf attach --pin "$pin" bpft "$ex/vfs_read_hist.bpf.o"
jqt "bpf attach: JSON names the program, its function and direction" \
	"length == 1 and .[0].function == \"vfs_read\" and .[0].return == false and .[0].program == \"vfs_read_size\" and .[0].clone == $clone and .[0].prog_id > 0"
tap_check "bpf attach --pin: the map is pinned" test -e "$pin/hist"

# An unbound reader first, then the bound one: 200 reads of 4 KiB.
dd if=/dev/zero of=/dev/null bs=512 count=300 2> /dev/null
shadowk process exec bpft -- dd if=/dev/zero of=/dev/null bs=4096 count=200 2> /dev/null
expect 0 "bpftool map dump of the pinned map" bpftool -j map dump pinned "$pin/hist"
hist=$out
# With BTF bpftool gives the fields under "formatted".
out=$(printf '%s' "$hist" | jq -c 'map(.formatted // .)')
jqt "the histogram holds one process, the bound dd" \
	'map(.key.tgid) | unique | length == 1'
jqt "its 4 KiB reads are all in slot 12, exactly 200" \
	'map(select(.key.slot == 12)) | .[0].value == 200'
jqt "the unbound dd's 512-byte reads are not there" \
	'map(select(.key.slot == 9)) | length == 0'
total=$(printf '%s' "$out" | jq 'map(.value) | add')

expect 0 "bpf list" shadowk -j bpf list bpft
jqt "bpf list: the attachment ran exactly as often as the map counted" \
	"length == 1 and .[0].runs == $total and .[0].missed == 0 and .[0].function == \"vfs_read\""
expect 1 "bpf attach: a second entry program on vfs_read is refused" \
	shadowk bpf attach bpft "$ex/slow_reads.bpf.o"
grep -q 'already' "$tap_err" || tap_diag "message: $(cat "$tap_err")"
expect 0 "bpf list after a failed attach" shadowk -j bpf list bpft
jqt "a failed attach leaves nothing attached (all or nothing)" 'length == 1'

expect 0 "bpf detach CLONE FUNC" shadowk -j bpf detach bpft vfs_read
jqt "bpf detach: final runs" ".[0].runs == $total"
expect 0 "bpf list: empty after detach" shadowk -j bpf list bpft
jqt "bpf list: no attachments" 'length == 0'

expect 1 "bpf attach: a missing object file" shadowk bpf attach bpft /nonexistent.o
expect 5 "bpf attach: no such clone" shadowk bpf attach no-such-clone "$ex/vfs_read_hist.bpf.o"
expect 6 "bpf detach: no such attachment" shadowk bpf detach bpft 424242

# slow_reads with no threshold: every read of the bound dd, none of the
# unbound cat reading alongside (bounded: it stops at 64 MiB or is ended).
head -c 67108864 /dev/zero | cat > /dev/null &
neighbour=$!
expect 0 "slow_reads -- CMD: runs the command bound, with its status" \
	slow_reads --min-us 0 bpft -- dd if=/dev/zero of=/dev/null bs=1 count=50
kill "$neighbour" 2> /dev/null
wait "$neighbour" 2> /dev/null
reads=$(printf '%s\n' "$out" | awk '$3 == "dd" && $5 == 1 && $6 == 1' | wc -l)
# One process only: dd, and before its exec the loader's child that
# waits, bound, for the word to go.
pids=$(printf '%s\n' "$out" | awk 'NR > 1 { print $1 }' | sort -u | wc -l)
if [ "$reads" -eq 50 ] && [ "$pids" -eq 1 ]; then
	tap_ok "slow_reads: the bound dd's 50 one-byte reads, no neighbour's"
else
	tap_fail "slow_reads: the bound dd's 50 one-byte reads, no neighbour's"
	tap_diag "dd reads $reads, processes $pids: $out"
fi

rm -rf "$pin"
shadowk clone destroy bpft > /dev/null
tap_exit
