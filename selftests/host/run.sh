#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Tests that need no kernel: they run on the build machine.  Prints TAP and
# leaves N_PASS/N_FAIL/N_SKIP in $O/host/counts.

set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
O=${O:-$top/build}
out=$O/host
mkdir -p "$out"
tool=$O/tools/shadowk
pass=0 fail=0 skip=0 n=0

result() {	# result 0|1 NAME [DETAIL...]
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		pass=$((pass + 1))
		echo "ok $n $2"
	else
		fail=$((fail + 1))
		echo "not ok $n $2"
		shift 2
		[ $# -gt 0 ] && printf '#   %s\n' "$@"
	fi
}

check() {	# check NAME CMD...
	local name=$1 log
	shift
	log=$("$@" 2>&1)
	result $? "$name" "${log:-}"
}

# The uapi header must stand alone in plain C90, as any uapi header must.
c90() {
	printf '#include <linux/shadowk.h>\nint main(void) { return SHADOWK_IOC_GET_INFO != 0; }\n' |
		${CC:-cc} -std=c90 -pedantic-errors -Wall -Wextra -Werror \
			-I"$top/uapi" -x c -o /dev/null -
}
check "uapi header compiles standalone as C90" c90

c90_cxx_guard() {	# and is usable from C++ code
	printf '#include <linux/shadowk.h>\nint main() { return sizeof(struct shadowk_info) != 48; }\n' |
		${CXX:-g++} -Wall -Werror -I"$top/uapi" -x c++ -o /dev/null -
}
if command -v "${CXX:-g++}" >/dev/null; then
	check "uapi header compiles as C++" c90_cxx_guard
fi

# Module sources follow kernel style (checkpatch from linux-source-6.1).
style() {
	perl "$O/ksrc/scripts/checkpatch.pl" --no-tree --quiet --terse \
		--ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG -f \
		"$top"/module/*.[ch] "$top"/module/include/linux/*.h "$top"/module/examples/*.c "$top"/module/selftest/*.c \
		"$top"/uapi/linux/shadowk.h
}
check "module and uapi are checkpatch clean" style

# The kernel-doc of the kernel API and of the uapi header parses cleanly.
kdoc() {
	local out
	out=$(perl "$O/ksrc/scripts/kernel-doc" -none "$top/module/include/linux/shadowk.h" \
		"$top/uapi/linux/shadowk.h" 2>&1) || { echo "$out"; return 1; }
	[ -z "$out" ] || { echo "$out"; return 1; }
}
check "kernel-doc of the kernel API and the uapi header is clean" kdoc

# sparse (kbuild's C=2) on the module, against the newest kernel whose
# headers the host has: __rcu pointers, user pointers, lock contexts.
sparse_clean() {
	local kdir d=$O/sparse log
	kdir=$(ls -d /lib/modules/*/build 2>/dev/null | sort -V | tail -n 1)
	[ -n "$kdir" ] || { echo "no kernel headers on the host"; return 1; }
	command -v sparse >/dev/null || { echo "sparse is not installed (make deps)"; return 1; }
	rm -rf "$d" && mkdir -p "$d" && cp -r "$top/Kbuild" "$top/module" "$top/uapi" "$d/"
	log=$(make -C "$kdir" M="$d" C=2 modules 2>&1) || { echo "$log" | tail -n 20; return 1; }
	! echo "$log" | grep -E "(warning|error):"
}
check "module is sparse clean (C=2)" sparse_clean

# Documentation pages render without a warning (index.rst is Sphinx-only).
docs() {
	local f rc=0
	for f in $(find "$top/Documentation" -name '*.rst' ! -name index.rst); do
		rst2html --halt=warning --report=warning "$f" > /dev/null || rc=1
	done
	return $rc
}
check "Documentation renders without warnings" docs

# The example of libshadowk(3) compiles and links against the library.
man_example() {
	awk '/^EXAMPLE$/ { ex = 1 } ex && /^\.\. code-block:: c$/ { code = 1; next }
	     code && /^[^ \t]/ && NF { exit } code { print }' \
		"$top/Documentation/man/libshadowk.3.rst" > "$out/man-example.c" &&
	grep -q 'int main' "$out/man-example.c" &&
	${CC:-cc} -std=gnu11 -Wall -Wextra -Werror -I"$top/uapi" -I"$top/lib" \
		-o "$out/man-example" "$out/man-example.c" "$O/lib/libshadowk.a"
}
check "the example of libshadowk(3) builds" man_example

versions() {	# one version, everywhere it is written
	local kb dk
	kb=$(sed -n 's/^shadowk-version := //p' "$top/Kbuild")
	dk=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
	[ -n "$kb" ] && [ "$kb" = "$dk" ] || { echo "Kbuild '$kb' vs dkms.conf '$dk'"; return 1; }
}
check "Kbuild and dkms.conf agree on the version" versions

# make install puts every piece where the admin guide says; uninstall
# takes all of it back.
install_roundtrip() {
	local d want f rc=0
	d=$(mktemp -d)
	make -s -C "$top" install DESTDIR="$d" > "$d.log" 2>&1 || { cat "$d.log"; rm -rf "$d" "$d.log"; return 1; }
	want="etc/udev/rules.d/60-shadowk.rules usr/local/sbin/shadowk
		usr/local/lib/libshadowk.so.1 usr/local/lib/libshadowk.so
		usr/local/lib/libshadowk.a usr/local/lib/pkgconfig/libshadowk.pc
		usr/local/include/libshadowk.h usr/local/include/linux/shadowk.h
		usr/local/share/man/man8/shadowk.8 usr/local/share/man/man3/libshadowk.3
		usr/local/share/man/man3/shadowk_probe_add.3
		usr/local/share/bash-completion/completions/shadowk"
	for f in $want; do
		[ -e "$d/$f" ] || { echo "missing $f"; rc=1; }
	done
	ls "$d"/lib/modules/*/updates/shadowk.ko* > /dev/null 2>&1 || { echo "no module"; rc=1; }
	# What another module builds against: the kernel API and symbols.
	ls "$d"/usr/src/shadowk-devel-*/include/linux/shadowk.h \
		"$d"/usr/src/shadowk-devel-*/*/Module.symvers > /dev/null 2>&1 ||
		{ echo "no kernel API header or Module.symvers"; rc=1; }
	make -s -C "$top" uninstall DESTDIR="$d" > "$d.log" 2>&1 || rc=1
	f=$(find "$d" -type f -o -type l)
	[ -z "$f" ] || { echo "left after uninstall: $f"; rc=1; }
	rm -rf "$d" "$d.log"
	return $rc
}
check "make install and uninstall with DESTDIR" install_roundtrip

# A third party's module builds against what make install put there, as
# linux/shadowk.h tells it to, and modpost finds shadowk's symbols.
kapi_builds() {
	local d kr k log rc=0
	d=$(mktemp -d)
	kr=$(ls -d /lib/modules/*/build 2>/dev/null | sort -V | tail -n 1 | cut -d/ -f4)
	[ -n "$kr" ] || { echo "no kernel headers on the host"; return 1; }
	make -s -C "$top" install-module DESTDIR="$d/root" KERNELRELEASE="$kr" \
		KERNELDIR="/lib/modules/$kr/build" > "$d/log" 2>&1 || { tail -n 20 "$d/log"; rm -rf "$d"; return 1; }
	k=$(echo "$d"/root/usr/src/shadowk-devel-*)
	mkdir "$d/m"
	cat > "$d/m/user.c" <<-'EOF'
	#include <linux/err.h>
	#include <linux/module.h>
	#include <linux/shadowk.h>
	static long replacement(void) { return 0; }
	static struct shadowk_redirect *r;
	static int __init user_init(void)
	{
		r = shadowk_redirect_register(1, "__x64_sys_getppid", replacement);
		return PTR_ERR_OR_ZERO(r);
	}
	static void __exit user_exit(void) { shadowk_redirect_unregister(r); }
	module_init(user_init);
	module_exit(user_exit);
	MODULE_LICENSE("GPL");
	EOF
	echo 'obj-m := user.o' > "$d/m/Kbuild"
	log=$(make -C "/lib/modules/$kr/build" M="$d/m" ccflags-y="-I$k/include" \
		KBUILD_EXTRA_SYMBOLS="$k/$kr/Module.symvers" modules 2>&1) || rc=1
	if [ $rc -ne 0 ] || grep -q "undefined" <<< "$log"; then
		echo "$log" | tail -n 20
		rc=1
	fi
	rm -rf "$d"
	return $rc
}
check "a third party's module builds against the installed kernel API" kapi_builds

# dkms.conf builds both modules for every supported kernel, from exactly
# the files make dkms-install copies (a private DKMS tree, no install).
# The kernels whose headers are in the Debian 13 build root are built by
# that root's own DKMS, as on a Debian 13 machine.
dkms_builds() {
	local d kr spec ver rc=0 kernels in_root ksrc kdir
	command -v dkms > /dev/null || { echo "no dkms: apt-get install dkms, or make deps"; return 1; }
	ver=$(sed -n 's/^shadowk-version := //p' "$top/Kbuild")
	kernels=$("$top/selftests/vm/kernels.sh")
	[ -n "$kernels" ] || { echo "no supported kernel headers"; return 1; }
	d=$(mktemp -d)
	mkdir "$d/tree"
	make -s -C "$top" dkms-src DKMS_SRC="$d/src/shadowk-$ver" > "$d/log" 2>&1 &&
		dkms add -m shadowk -v "$ver" --dkmstree "$d/tree" --sourcetree "$d/src" \
			>> "$d/log" 2>&1 || { cat "$d/log"; rm -rf "$d"; return 1; }
	for spec in $kernels; do
		kr=${spec%%:*}
		in_root="" ksrc=""
		kdir=$("$top/tools/kerneldir.sh" "$kr")
		# Headers make deps unpacked rather than installed.
		if [ "$kdir" != "/lib/modules/$kr/build" ]; then
			ksrc="--kernelsourcedir $kdir"
		elif [ ! -d "$kdir" ]; then
			in_root="$top/tools/build-root.sh run $d"
		fi
		# shellcheck disable=SC2086
		if ! $in_root dkms build -m shadowk -v "$ver" -k "$kr" --dkmstree "$d/tree" \
			--sourcetree "$d/src" $ksrc > "$d/log" 2>&1; then
			echo "dkms build for $kr failed:"; tail -n 20 "$d/log"; rc=1
			continue
		fi
		for m in shadowk shadowk_detrand; do
			ls "$d/tree/shadowk/$ver/$kr/x86_64/module/$m.ko"* > /dev/null 2>&1 ||
				{ echo "$kr: no $m.ko after dkms build"; rc=1; }
		done
	done
	rm -rf "$d"
	return $rc
}
check "dkms.conf builds on every supported kernel" dkms_builds

# A Debian 13 user's way, for real, in the build root (its /usr/src,
# /var/lib/dkms and /lib/modules, never the host's): make dkms-install,
# then make dkms-uninstall takes all of it back.
dkms_roundtrip() {
	local ver kr r left
	ver=$(sed -n 's/^shadowk-version := //p' "$top/Kbuild")
	r=$("$top/tools/build-root.sh" path) || return 1
	# Debian 13's own kernel, as its users run it.
	kr=$(ls "$r/usr/src" | sed -n 's/^linux-headers-\(6\.12\..*+deb13-amd64\)$/\1/p' |
		sort -V | tail -n 1)
	[ -n "$kr" ] || { echo "no headers in $r"; return 1; }
	# The root's kernel stands in for "uname -r" there.
	# A failed run takes back what it put there too, or the next run's
	# "dkms add" would find it.
	"$top/tools/build-root.sh" run "$top" sh -c "
		cd '$top' && make -s dkms-src DKMS_SRC=/usr/src/shadowk-$ver &&
		dkms add shadowk/$ver && dkms build -k $kr shadowk/$ver &&
		dkms install -k $kr shadowk/$ver &&
		test -e /lib/modules/$kr/updates/dkms/shadowk.ko* &&
		make -s dkms-uninstall" ||
		{ "$top/tools/build-root.sh" run "$top" sh -c "cd '$top' && make -s dkms-uninstall" \
			> /dev/null 2>&1; return 1; }
	left=$(ls -d "$r/usr/src/shadowk-"* "$r/var/lib/dkms/shadowk" \
		"$r/lib/modules/$kr/updates/dkms/shadowk"* 2>/dev/null)
	[ -z "$left" ] || { echo "left after dkms-uninstall: $left"; return 1; }
}
if "$top/tools/build-root.sh" path > /dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
	check "make dkms-install and dkms-uninstall, in the Debian 13 root" dkms_roundtrip
fi

# libshadowk without a device.
log=$("$O/selftests/host/lib_test" 2>&1)
rc=$?
while read -r line; do
	case "$line" in
	"ok "*"# SKIP"*) n=$((n + 1)); skip=$((skip + 1)); echo "ok $n lib: ${line#ok * }" ;;
	"ok "*) result 0 "lib: ${line#ok [0-9]* }" ;;
	"not ok "*) result 1 "lib: ${line#not ok [0-9]* }" ;;
	esac
done <<< "$log"
[ $rc -eq 0 ] || grep -q '^not ok' <<< "$log" || result 1 "lib_test exited $rc" "$log"

# The tool without a module: clear messages and exit codes.
tool_expect() {	# tool_expect RC PATTERN ARGS...
	local want=$1 pat=$2 got log
	shift 2
	log=$(SHADOWK_DEVICE=/nonexistent/shadowk "$tool" "$@" 2>&1)
	got=$?
	[ "$got" -eq "$want" ] || { echo "exit $got, wanted $want: $log"; return 1; }
	grep -Eq -- "$pat" <<< "$log" || { echo "output lacks /$pat/: $log"; return 1; }
}
tool_one_line() {	# one line of complaint before the usage, not getopt's too
	local log
	log=$(SHADOWK_DEVICE=/nonexistent/shadowk "$tool" "$@" 2>&1)
	[ "$(grep -c -v -e '^Usage:' -e '^  ' <<< "$log")" -eq 1 ] || { echo "$log"; return 1; }
}
check "tool: help" tool_expect 0 'Usage: shadowk' help
check "tool: no arguments prints usage" tool_expect 0 'Usage: shadowk'
check "tool: unknown object" tool_expect 2 "unknown object 'frobnicate'" frobnicate
check "tool: an ambiguous prefix" tool_expect 2 "ambiguous object 'p'" p
check "tool: unknown option" tool_expect 2 "unknown option '--frobnicate'" --frobnicate
check "tool: version without a module says so" tool_expect 0 'module +not loaded' version
check "tool: version takes no arguments" tool_expect 2 'takes no arguments' version extra
check "tool: -V needs no module" tool_expect 0 "^shadowk [0-9.]+ \\(libshadowk [0-9.]+\\)" -V

# Every command checks its arguments before it needs the module.
check "tool: help OBJECT" tool_expect 0 'shadowk inject set CLONE FUNC' help inject
check "tool: OBJECT help" tool_expect 0 'shadowk probe stat CLONE' probe help
check "tool: COMMAND --help" tool_expect 0 'Usage: shadowk profile' profile --help
check "tool: OBJECT COMMAND --help" tool_expect 0 'Usage: shadowk clone create' clone create --help
check "tool: help of an unknown object" tool_expect 2 "unknown object 'nope'" help nope
check "tool: an object without its command" tool_expect 2 'shadowk probe add' probe
check "tool: an unknown command" tool_expect 2 "unknown command 'frob' for probe" probe frob
check "tool: clone create with a stray argument" tool_expect 2 "unexpected argument 'x'" clone create x
check "tool: clone create with an all-digit name" tool_expect 2 'not all digits' clone create --name 42
check "tool: clone create with a long name" tool_expect 2 'a name has 1 to 31' \
	clone create --name 0123456789012345678901234567890123
check "tool: clone create with a space in the name" tool_expect 2 'a name has' clone create --name 'a b'
check "tool: clone create --name without its argument" tool_expect 2 "'--name' needs an argument" clone create --name
check "tool: clone destroy without a clone" tool_expect 2 'which clone' clone destroy
check "tool: clone show without a clone" tool_expect 2 'takes one CLONE' clone show
check "tool: process bind with a bad pid" tool_expect 2 "'x' is not a process id" process bind 1 x
check "tool: process bind with pid 0" tool_expect 2 "'0' is not a process id" process bind 1 0
check "tool: process bind with an unknown option" tool_expect 2 "unknown option '--frob'" process bind --frob 1 2
check "tool: one message for a bad option" tool_one_line process bind --frob 1 2
check "tool: process unbind with a negative pid" tool_expect 2 "'-3' is not a process id" process unbind -3
check "tool: process which with a bad pid" tool_expect 2 "'x' is not a process id" process which x
check "tool: process bind --cgroup without a clone" tool_expect 2 'takes CLONE only' process bind --cgroup /sys/fs/cgroup
check "tool: process bind --cgroup with --exec" tool_expect 2 'takes no --fork or --exec' process bind --exec --cgroup /sys/fs/cgroup web
check "tool: process unbind --cgroup without a cgroup" tool_expect 2 'takes one PATH or ID' process unbind --cgroup
check "tool: process unbind --cgroup of no directory" tool_expect 1 "no cgroup directory '/nonexistent'" process unbind --cgroup /nonexistent
check "tool: probe stat --format of no format" tool_expect 2 'takes text, json or prometheus' probe stat --format xml web
check "tool: probe stat --format prometheus with -j" tool_expect 2 'drop -j' -j probe stat --format prometheus
check "tool: process exec --transient with a bad name is 125" tool_expect 125 "'a/b' is not a clone name" process exec --transient a/b -- true
check "tool: clone pin without a clone" tool_expect 2 'which clone' clone pin
check "tool: process exec without a command is 125" tool_expect 125 'which command' process exec 1 --
check "tool: probe add without a function" tool_expect 2 'takes CLONE and FUNC' probe add 1
check "tool: probe list with two clones" tool_expect 2 'takes one CLONE' probe list 1 2
check "tool: probe stat without a clone" tool_expect 2 'takes one CLONE' probe stat
check "tool: inject set without --errno" tool_expect 2 'which errno' inject set 1 f
check "tool: inject set with an unknown errno" tool_expect 2 "'EBOGUS' is not an errno" inject set 1 f --errno EBOGUS
check "tool: inject set --every 0" tool_expect 2 'at least 1' inject set 1 f --errno EIO --every 0
check "tool: inject set --prob 0" tool_expect 2 'percentage above 0' inject set 1 f --errno EIO --prob 0
check "tool: inject set --prob 100.5" tool_expect 2 'percentage above 0' inject set 1 f --errno EIO --prob 100.5
check "tool: inject set two policies" tool_expect 2 'exclude each other' inject set 1 f --errno EIO --every 2 --first 3
check "tool: inject set --seed without --prob" tool_expect 2 'goes with --prob' inject set 1 f --errno EIO --seed 3
check "tool: inject set --off is inject del" tool_expect 2 "'inject del'" inject set 1 f --off
check "tool: inject show without a function" tool_expect 2 'takes CLONE and FUNC' inject show 1
check "tool: inject (0.1) without --errno" tool_expect 2 'exactly one of --errno, --off and --show' inject 1 f
check "tool: inject (0.1) --off with a policy" tool_expect 2 'takes no other option' inject 1 f --off --every 2
check "tool: profile without a command is 125" tool_expect 125 'which command' profile --
check "tool: profile --top not a number is 125" tool_expect 125 'takes a count' profile --top x -- true
check "tool: profile --syscalls with --funcs is 125" tool_expect 125 'exclude each other' profile --syscalls --funcs f -- true
check "tool: profile --funcs unreadable is 125" tool_expect 125 "cannot read '/nonexistent/f'" profile --funcs /nonexistent/f -- true
check "tool: bpf attach without an object" tool_expect 2 'takes CLONE and one OBJ.o' bpf attach 1
check "tool: bpf attach of a missing file" tool_expect 1 "cannot open /nonexistent/x.o: No such file" \
	bpf attach 1 /nonexistent/x.o
check "tool: bpf attach of what is not an object" tool_expect 1 "cannot open .*README.md" \
	bpf attach 1 "$top/README.md"
# A tracepoint program is a program shadowk has no place for.
bpf_tp_object() {
	printf '%s\n' '#include <linux/bpf.h>' \
		'__attribute__((section("tracepoint/syscalls/sys_enter_close"), used))' \
		'int on_close(void *ctx) { return 0; }' \
		'char LICENSE[] __attribute__((section("license"), used)) = "GPL";' \
		> "$out/tp.bpf.c" &&
		clang -O2 -g -target bpf -I"/usr/include/$(cc -dumpmachine)" \
			-c "$out/tp.bpf.c" -o "$out/tp.bpf.o" &&
		tool_expect 1 "program on_close is in section 'tracepoint/syscalls/sys_enter_close', not kprobe/FUNC or kretprobe/FUNC" \
			bpf attach 1 "$out/tp.bpf.o"
}
check "tool: bpf attach names a program in another section" bpf_tp_object
check "tool: bpf detach without an id" tool_expect 2 'takes CLONE and ID' bpf detach 1
check "tool: global options anywhere" tool_expect 3 '"exit_code":3' clone list -j
check "tool: 0.1 spellings are aliases" tool_expect 3 'module is not loaded' list
for c in "clone list" "clone create" "clone show 1" "clone destroy 1" "process bind 1 1" \
	"process unbind 1" "process which 1" "probe add 1 f" "probe list 1" "probe stat 1" \
	"inject set 1 f --errno EIO" "inject list 1" "inject show 1 f" "inject del 1 f" "verify 1" \
	"bpf attach 1 $O/tools/examples/vfs_read_hist.bpf.o" "bpf list 1" "bpf detach 1 2"; do
	# shellcheck disable=SC2086
	check "tool: $c without a module is exit 3" tool_expect 3 'module is not loaded' $c
done
for c in "process exec 1 -- true" "profile -- true"; do
	# shellcheck disable=SC2086
	check "tool: $c without a module is 125" tool_expect 125 'module is not loaded' $c
done

tool_json_usage() {
	local log
	log=$(SHADOWK_DEVICE=/nonexistent/shadowk "$tool" -j process bind 1 x 2>/dev/null)
	jq -e '.exit_code == 2 and (.error | test("not a process id"))' <<< "$log" > /dev/null ||
		{ echo "bad JSON: $log"; return 1; }
}
check "tool: JSON error for bad usage" tool_json_usage

# Bash completion, sourced into a bash with a stub tool.
check "bash completion" bash "$top/selftests/host/completion_test.sh"

tool_json_error() {
	local log
	log=$(SHADOWK_DEVICE=/nonexistent/shadowk "$tool" -j clone list 2>/dev/null)
	jq -e '.exit_code == 3 and (.error | test("not loaded"))' <<< "$log" > /dev/null ||
		{ echo "bad JSON: $log"; return 1; }
}
check "tool: JSON error when no module" tool_json_error

tool_json_version() {
	local log
	log=$(SHADOWK_DEVICE=/nonexistent/shadowk "$tool" -j version 2>/dev/null)
	jq -e '.module == null and .library_abi_version == 2' <<< "$log" > /dev/null ||
		{ echo "bad JSON: $log"; return 1; }
}
check "tool: JSON version without a module" tool_json_version

printf 'N_PASS=%d\nN_FAIL=%d\nN_SKIP=%d\n' "$pass" "$fail" "$skip" > "$out/counts"
echo "# host: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
