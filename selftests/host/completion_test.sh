#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The bash completion of shadowk (tools/completion/shadowk), driven the way
# bash drives it: COMP_WORDS, COMP_CWORD, COMP_LINE and COMP_POINT set,
# _shadowk called, COMPREPLY read.  Needs neither the tool nor the module:
# a 'shadowk' on PATH that prints nothing stands in for the tool.

top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0

mkdir "$tmp/bin"
printf '#!/bin/sh\nexit 0\n' > "$tmp/bin/shadowk"
# What 'clone list', 'probe list' and 'inject list' print with clones about.
cat > "$tmp/bin/shadowk-fake" << 'EOF'
#!/bin/sh
case "$*" in
"--no-load clone list")
	printf '%6s  %-31s %6s %6s %6s %10s\n' ID NAME BOUND PROBES SITES MEMORY
	printf '%6u  %-31s %6u %6u %6u %8u K\n' 3 web 1 2 2 36
	printf '%6u  %-31s %6u %6u %6u %8u K\n' 7 '(none)' 0 0 0 8
	;;
"--no-load inject list web")
	printf '%6s %12s %12s  %-12s %s\n' ID INJECTED CALLS ERRNO "FUNCTION, POLICY"
	printf '%6u %12u %12u  %-12s %s, every call\n' 9 1 2 ENOSPC __x64_sys_openat
	;;
"--no-load bpf list web")
	printf '%6s %-6s %8s %-16s %12s %8s  %s\n' ID AT PROG_ID PROGRAM RUNS MISSED FUNCTION
	printf '%6u %-6s %8u %-16s %12u %8u  %s\n' 11 entry 40 read_entry 5 0 vfs_read
	;;
"--no-load probe list web")
	printf '%6s %14s  %-4s %-18s %s\n' ID HITS IRQ SITE FUNCTION
	printf '%6u %14u  %-4s 0x%016x %s\n' 4 10 no 1 vfs_read
	;;
*)
	echo "unexpected: $*" >&2
	exit 2
	;;
esac
EOF
printf '#!/bin/sh\n' > "$tmp/bin/zzshadowk-cmd"
chmod +x "$tmp/bin/shadowk" "$tmp/bin/shadowk-fake" "$tmp/bin/zzshadowk-cmd"
PATH=$tmp/bin:$PATH

# shellcheck source=tools/completion/shadowk
. "$top/tools/completion/shadowk"

# comp WORD... : complete the last word, with the cursor at its end.
comp()
{
	COMP_WORDS=("$@")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE="${COMP_WORDS[*]}"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	_shadowk "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" \
		"${COMP_WORDS[COMP_CWORD - 1]}"
}

result()	# result 0|1 NAME
{
	if [ "$1" -eq 0 ]; then
		echo "ok - $2"
	else
		echo "not ok - $2"
		echo "#   got: ${COMPREPLY[*]}"
		failed=1
	fi
}

# exact NAME "WANTED..." WORD... : COMPREPLY is WANTED, in any order.
exact()
{
	local name=$1 want got
	# shellcheck disable=SC2086 # the words of $2, one per line
	want=$(printf '%s\n' $2 | sed '/^$/d' | sort | tr '\n' ' ')
	shift 2
	comp "$@"
	got=$(printf '%s\n' "${COMPREPLY[@]}" | sed '/^$/d' | sort | tr '\n' ' ')
	[ "$got" = "$want" ]
	result $? "$name"
}

# has NAME "WANTED..." WORD... : COMPREPLY holds every word of WANTED.
has()
{
	local name=$1 want=$2 w rc=0
	shift 2
	comp "$@"
	for w in $want; do
		printf '%s\n' "${COMPREPLY[@]}" | grep -qxF -- "$w" || rc=1
	done
	result $rc "$name"
}

exact "objects by prefix" "probe process profile" shadowk pro
exact "probe commands" "add del list stat latency" shadowk probe ""
exact "commands of an object given by prefix" "set show" shadowk inj s
exact "inject set option by prefix" "--errno" shadowk inject set x y --er
exact "errno names after --errno" "ENOSPC" shadowk inject set x y --errno ENOS
has "global options" "--json --pretty --debug --no-load" shadowk -
has "help offers the objects" "inject profile version" shadowk help ""
exact "objects after a global option" "clone" shadowk -j cl
exact "commands after a global option between" "stat" shadowk probe -j s
exact "errno after --errno=" "ENOSPC" shadowk inject set x y --errno = ENOS
exact "no clones: nothing offered" "" shadowk clone destroy ""
exact "clone ids and names from clone list" "3 web 7" shadowk-fake clone destroy ""
exact "probe del offers the clone's probes" "4 vfs_read" \
	shadowk-fake probe del web ""
exact "inject del offers the clone's injections" "9 __x64_sys_openat" \
	shadowk-fake inject del web ""
exact "probe latency offers the clone's probes" "4 vfs_read" \
	shadowk-fake probe latency web ""
exact "probe latency takes one probe" "" shadowk-fake probe latency web 4 ""
exact "bpf commands" "attach list detach" shadowk bpf ""
exact "bpf detach offers the clone's programs" "11 vfs_read" \
	shadowk-fake bpf detach web ""
exact "bpf attach option" "--pin" shadowk bpf attach --
exact "probe add options" "--irq --return" shadowk probe add --
exact "process bind options" "--fork --exec --cgroup" shadowk process bind --
exact "process exec options" "--no-fork --transient --" shadowk process exec --
exact "probe stat formats" "text json prometheus" shadowk probe stat --format ""
exact "clone pin offers clones" "3 web 7" shadowk-fake clone pin ""
exact "profile options" "--top --syscalls --funcs --sort --pid --children --duration --output --event --" shadowk profile --
exact "process exec: the command after --" "zzshadowk-cmd" \
	shadowk process exec web -- zzshadowk-c
exact "profile: the command after --" "zzshadowk-cmd" \
	shadowk profile --top 5 -- zzshadowk-c
exact "nothing after --top" "" shadowk profile --top ""
has "pids for process unbind" "$$" shadowk process unbind "$$"
has "pids for process which" "$$" shadowk process which "$$"

exit $failed
