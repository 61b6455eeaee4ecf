// SPDX-License-Identifier: GPL-2.0
/*
 * The one place errors are printed: each errno the module documents
 * becomes a sentence and one of the exit codes of shadowk(8).
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "main.h"

int tool_err(int code, const char *fmt, ...)
{
	char msg[512];
	va_list args;

	va_start(args, fmt);
	vsnprintf(msg, sizeof(msg), fmt, args);
	va_end(args);

	/* 126 and 127 are the command's, as a shell says them. */
	if (tool.wrapper && code != 126 && code != 127)
		code = EXIT_WRAPPER;
	if (tool.json) {
		json_init(&tool.j, stdout, tool.pretty);
		json_obj_begin(&tool.j, NULL);
		json_str(&tool.j, "error", msg);
		json_u64(&tool.j, "exit_code", code);
		json_obj_end(&tool.j);
		json_finish(&tool.j);
	} else {
		fprintf(stderr, "%s: %s\n", tool.prog, msg);
	}
	return code;
}

int tool_clone(struct shadowk_ctx *ctx, const char *arg, __u32 *clone_id)
{
	SHADOWK_RESULT(clone_info, info);
	unsigned long long id;
	int err;

	if (tool_parse_u64(arg, UINT32_MAX, &id)) {
		*clone_id = id;
		err = shadowk_clone_info(ctx, *clone_id, &info);
	} else {
		err = shadowk_clone_find(ctx, arg, clone_id);
	}
	if (err == -ENOENT || err == -EINVAL)
		return tool_err(EXIT_NO_CLONE, "no clone '%s' (see: %s clone list)",
				arg, tool.prog);
	if (err)
		return tool_call_err(err, "cannot look up the clone");
	return EXIT_OK;
}

int tool_func_err(int err, const char *func)
{
	switch (err) {
	case -ENOENT:
		return tool_err(EXIT_BAD_FUNC, "no kernel function '%s'", func);
	case -ENAMETOOLONG:
		return tool_err(EXIT_BAD_FUNC, "'%s': name too long", func);
	case -ERANGE:
		return tool_err(EXIT_BAD_FUNC,
				"'%s' is not in the core kernel's text (data, a module or user space)",
				func);
	case -EXDEV:
		return tool_err(EXIT_BAD_FUNC,
				"'%s' is entry or noinstr code, which shadowk cannot follow",
				func);
	case -ENXIO:
		return tool_err(EXIT_BAD_FUNC,
				"'%s' is not the entry of a traceable function (not in available_filter_functions)",
				func);
	case -EACCES:
		return tool_err(EXIT_BAD_FUNC,
				"'%s' is on the kernel's kprobe blacklist", func);
	case -EOPNOTSUPP:
		return tool_err(EXIT_BAD_FUNC,
				"'%s' is neither a system call entry (__x64_sys_*) nor marked error-injectable (--force overrides, at your risk)",
				func);
	case -EPERM:
		return tool_err(EXIT_NO_PERM,
				"the kernel is locked down: it forbids changing kernel code");
	case -EBUSY:
		return tool_err(EXIT_FAIL,
				"'%s' is taken in this clone already (one probe, and one injection or redirection, per function)",
				func);
	case -ENOSPC:
		return tool_err(EXIT_FAIL,
				"'%s': no room (the module's limits of clones, probes and injections: %s version)",
				func, tool.prog);
	default:
		return tool_call_err(err, func);
	}
}

int tool_call_err(int err, const char *what)
{
	int code = EXIT_FAIL;

	switch (err) {
	case -ENOTRECOVERABLE:
		return tool_err(EXIT_FAIL,
				"%s: ftrace has stopped working, so shadowk binds nothing and changes no code until reboot (see the kernel log)",
				what);
	case -EPERM:
	case -EACCES:
		code = EXIT_NO_PERM;
		break;
	case -ESRCH:
		code = EXIT_NO_PROCESS;
		break;
	}
	return tool_err(code, "%s: %s", what, strerror(-err));
}

struct json *tool_json(void)
{
	json_init(&tool.j, stdout, tool.pretty);
	return &tool.j;
}

void tool_json_done(void)
{
	json_finish(&tool.j);
}
