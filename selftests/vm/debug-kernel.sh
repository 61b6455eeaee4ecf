#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# debug-kernel.sh [--print]
#
# Build the debug cell's kernel from Debian's own 6.12 source package
# (linux-source-6.12) with Debian's config, its modules switched off, and
# selftests/vm/debug.config on top.  The build is cached outside the clone,
# in $SHADOWK_CACHE (default ~/.cache/shadowk), keyed by the source
# package's version, the base config, the fragment and this script, so a
# warm "make check" never rebuilds it.  The result is a kernel tree that
# external modules build against and the bzImage the cell boots.
#
# Prints the cache directory (it holds "release", "bzImage" and "obj/",
# the KERNELDIR for modules).  With --print, only says where it would be,
# and fails if it is not built yet.

set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
series=6.12
tarball=/usr/src/linux-source-$series.tar.xz
fragment=$top/selftests/vm/debug.config
cache=${SHADOWK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/shadowk}

die() { echo "debug-kernel: $*" >&2; exit 1; }

[ -f "$tarball" ] || die "missing $tarball (make deps)"
srcver=$(dpkg-query -W -f='${Version}' "linux-source-$series" 2>/dev/null) ||
	die "linux-source-$series is not installed (make deps)"
# Debian's config for this very source: the matching headers' .config.
upstream=${srcver%%-*}
base=""
tree=$("$(dirname "$0")/../../tools/kerneldir.sh" --tree)
for d in /usr/src/linux-headers-"$upstream"+*-amd64 /usr/src/linux-headers-"$upstream"-*-amd64 \
	 "$tree"/usr/src/linux-headers-"$upstream"+*-amd64; do
	[ -f "$d/.config" ] && base=$d/.config
done
[ -n "$base" ] || die "no Debian config for $upstream: install linux-headers-$upstream*-amd64 (make deps)"

key=$( { echo "$srcver"; cat "$base" "$fragment" "$0"; } | sha256sum | cut -c1-16)
dir=$cache/debug-kernel/$series-$key

if [ "${1:-}" = --print ]; then
	[ -f "$dir/done" ] || die "not built: $dir (selftests/vm/debug-kernel.sh)"
	echo "$dir"
	exit 0
fi
if [ -f "$dir/done" ]; then
	echo "$dir"
	exit 0
fi

for tool in flex bison bc pahole; do
	command -v "$tool" >/dev/null || die "missing $tool (make deps)"
done

echo "debug-kernel: building Debian $srcver with debug.config into $dir" >&2
echo "debug-kernel: a cold build takes about 40 minutes on 2 cores" >&2
start=$SECONDS
rm -rf "$dir"
mkdir -p "$dir/obj"
tar -C "$dir" -xJf "$tarball"
src=$dir/linux-source-$series

# Modules off: every "=m" becomes "is not set" so that olddefconfig cannot
# bring it back as a new default.  Then the fragment, appended, wins.
sed 's/^\(CONFIG_[A-Za-z0-9_]*\)=m$/# \1 is not set/' "$base" > "$dir/obj/.config"
grep -v '^#\( \|$\)\|^$' "$fragment" | grep -v '^# SPDX' >> "$dir/obj/.config" || true
grep '^# CONFIG_.* is not set$' "$fragment" >> "$dir/obj/.config"
make -s -C "$src" O="$dir/obj" olddefconfig >&2

# Every line of the fragment must have survived (a dependency missing would
# silently drop an option).
while read -r line; do
	case "$line" in
	CONFIG_*=*) grep -qxF "$line" "$dir/obj/.config" || die "config did not take: $line" ;;
	"# CONFIG_"*" is not set") opt=${line#\# }; opt=${opt%% *}
		! grep -q "^$opt=" "$dir/obj/.config" || die "config did not take: $line" ;;
	esac
done < "$fragment"

jobs=$(nproc)
make -s -C "$src" O="$dir/obj" -j"$jobs" bzImage modules >"$dir/build.log" 2>&1 ||
	{ tail -n 40 "$dir/build.log" >&2; die "build failed: $dir/build.log"; }
make -s -C "$src" O="$dir/obj" kernelrelease > "$dir/release"
cp "$dir/obj/arch/x86/boot/bzImage" "$dir/bzImage"
echo "$((SECONDS - start))" > "$dir/build-seconds"
touch "$dir/done"
echo "debug-kernel: built $(cat "$dir/release") in $((SECONDS - start))s" >&2
echo "$dir"
