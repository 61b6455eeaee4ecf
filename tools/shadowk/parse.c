// SPDX-License-Identifier: GPL-2.0
/* Numbers, pids and errnos from the command line. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "main.h"

bool tool_parse_u64(const char *s, unsigned long long max,
		    unsigned long long *val)
{
	char *end;

	/* strtoull() takes "-1" as a huge number; a count never has a sign. */
	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		return false;
	errno = 0;
	*val = strtoull(s, &end, 0);
	return !errno && !*end && *val <= max;
}

bool tool_parse_pid(const char *s, pid_t *pid)
{
	unsigned long long v;

	if (!tool_parse_u64(s, 0x3fffffff, &v) || !v)
		return false;
	*pid = v;
	return true;
}

const char *tool_errno_name(int err)
{
	const char *name = err > 0 ? strerrorname_np(err) : NULL;

	return name ? name : "?";
}

int tool_errno_parse(const char *s)
{
	unsigned long v;
	const char *name;
	char *end;
	int e;

	if (!s)
		return 0;
	if (*s == '-')
		s++;
	/* Decimal only: "010" is ten, never octal eight. */
	if (*s >= '0' && *s <= '9') {
		v = strtoul(s, &end, 10);
		return !*end && v <= 4095 ? (int)v : 0;
	}
	/* Every name glibc knows; the kernel's errnos end well below 4096. */
	for (e = 1; e < 4096; e++) {
		name = strerrorname_np(e);
		if (name && !strcmp(name, s))
			return e;
	}
	return 0;
}

bool tool_name_ok(const char *name)
{
	size_t len = strlen(name);

	/* Safe unquoted in a shell, in a column, and never an option. */
	return len && len < SHADOWK_NAME_LEN && name[0] != '-' &&
	       strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") == len &&
	       strspn(name, "0123456789") != len;
}
