#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The README's quick start, taken from the README itself and run a line at
# a time as a user pasting it would, each line checked for what its comment
# promises.  If the README's text changes, this runs the new text: a quick
# start that stops working fails here, not in a newcomer's terminal.

. /shadowk/lib.sh

readme=/shadowk/README.md
# Debian's cat and ls (the initramfs carries them under /usr/bin), not
# busybox's: they are what the README's comments speak of.
export PATH=/usr/bin:$PATH
block=/tmp/quickstart.sh

# The indented block after the paragraph that starts "A quick start".
awk '/^A quick start/ { s = 1; next }
	s == 1 && /^    / { s = 2 }
	s == 2 && !/^    / { exit }
	s == 2 { sub(/^    /, ""); print }' "$readme" > "$block"
lines=$(wc -l < "$block")

# One test per line, and four on what the lines did together.
tap_plan $((lines + 5))

if [ "$lines" -ge 8 ] && grep -q 'clone create' "$block" &&
   grep -q 'clone destroy' "$block"; then
	tap_ok "the README has a quick start of $lines lines"
else
	tap_fail "the README has a quick start of $lines lines"
	sed 's/^/# /' "$block"
fi

clone=$(sed -n 's/.*clone create --name \([A-Za-z0-9_-]*\).*/\1/p' "$block" | head -n 1)
[ -n "$clone" ] && shadowk clone destroy "$clone" > /dev/null 2>&1

injected=
saw_stat=
saw_failed_exec=
saw_injected=
while IFS= read -r line; do
	out=$(sh -c "$line" < /dev/null 2>&1)
	rc=$?
	want=0
	case "$line" in
	*"inject set"*)
		injected=1 ;;
	*"clone destroy"*)
		injected= ;;
	*"process exec"*)
		# Under the injection the command fails, and says why: the
		# dynamic loader spells ENOSPC "Error 28", libc does not.
		if [ -n "$injected" ]; then
			want=fail
			case "$out" in
			*"No space left on device"* | *"Error 28"*)
				saw_failed_exec=1 ;;
			esac
			tap_diag "$out"
		fi ;;
	*"probe stat"*)
		shadowk -j probe stat "$clone" > /tmp/qs.json 2>&1 &&
		jq -e '.probes | length >= 2 and all(.[]; .hits > 0)' /tmp/qs.json \
			> /dev/null && saw_stat=1 ;;
	*"inject list"*)
		shadowk -j inject list "$clone" > /tmp/qs.json 2>&1 &&
		jq -e 'length == 1 and .[0].injected > 0' /tmp/qs.json \
			> /dev/null && saw_injected=1 ;;
	esac
	if { [ "$want" = fail ] && [ "$rc" -ne 0 ]; } ||
	   { [ "$want" = 0 ] && [ "$rc" -eq 0 ]; }; then
		tap_ok "exit $rc as promised: $line"
	else
		tap_fail "exit $rc, not as promised: $line"
		printf '%s\n' "$out" | sed 's/^/# /'
	fi
done < "$block"

tap_check "probe stat: every probed function was hit by the bound command" \
	[ -n "$saw_stat" ]
tap_check "the bound command failed with ENOSPC under the injection" \
	[ -n "$saw_failed_exec" ]
tap_check "inject list: the injection counted its failures" \
	[ -n "$saw_injected" ]
if shadowk -j clone list | jq -e "map(select(.name == \"$clone\")) | length == 0" \
	> /dev/null; then
	tap_ok "the clone is gone at the end"
else
	tap_fail "the clone is gone at the end"
	shadowk clone destroy "$clone" > /dev/null 2>&1
fi
tap_exit
