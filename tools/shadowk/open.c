// SPDX-License-Identifier: GPL-2.0
/*
 * Opening /dev/shadowk.  A command that creates something may have the
 * library load the module first when it is missing (libkmod, the way
 * modprobe would: the installed shadowk.ko of the running kernel); a
 * command that only reads or removes never loads anything.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <syslog.h>
#include <unistd.h>

#include "main.h"

/* --debug: the library's log, as bpftool -d shows libbpf's. */
static void tool_log(void *data, int priority, const char *fmt, va_list args)
{
	(void)data;
	(void)priority;
	fprintf(stderr, "libshadowk: ");
	vfprintf(stderr, fmt, args);
}

int tool_open(struct shadowk_ctx **ctxp, bool may_load)
{
	SHADOWK_OPTS(new, nopts,
		     .flags = may_load && !tool.no_load ?
			      SHADOWK_NEW_LOAD_MODULE : 0);
	const char *dev = getenv("SHADOWK_DEVICE");
	struct utsname uts;
	struct stat st;
	int err;

	if (!dev || !*dev)
		dev = "/dev/shadowk";
	err = shadowk_new(ctxp, &nopts);
	if (!err) {
		if (tool.debug)
			shadowk_set_log_fn(*ctxp, tool_log, NULL);
		return EXIT_OK;
	}
	if (tool.debug)
		fprintf(stderr, "libshadowk: opening %s: %s\n", dev,
			strerror(-err));
	switch (err) {
	case -ENOENT:
		return tool_err(EXIT_NO_MODULE,
				"%s does not exist: the shadowk module is not loaded (try: modprobe shadowk)",
				dev);
	case -ENOPKG:
		uname(&uts);
		return tool_err(EXIT_NO_MODULE,
				"/dev/shadowk does not exist and no shadowk module is installed for kernel %s (install it: make install, or make dkms-install)",
				uts.release);
	case -ELIBACC:
		return tool_err(EXIT_NO_MODULE,
				"/dev/shadowk does not exist and libkmod (libkmod.so.2) cannot be loaded to load the module");
	case -EACCES:
		return tool_err(EXIT_NO_PERM,
				"cannot open %s: permission denied (it is root-only)",
				dev);
	case -EPERM:
		/* The library refuses to load for a non-root caller. */
		if (nopts.flags && stat(dev, &st))
			return tool_err(EXIT_NO_MODULE,
					"/dev/shadowk does not exist and loading the shadowk module needs root (try: sudo modprobe shadowk)");
		return tool_err(EXIT_NO_PERM,
				"cannot open %s: CAP_SYS_ADMIN is required", dev);
	case -EPROTO:
		return tool_err(EXIT_FAIL,
				"the loaded shadowk module speaks a different ABI version than this tool (ABI %d)",
				SHADOWK_ABI_VERSION);
	default:
		if (nopts.flags && stat(dev, &st))
			return tool_err(EXIT_NO_MODULE,
					"/dev/shadowk does not exist and loading the shadowk module failed: %s (the kernel log says why: dmesg | grep shadowk)",
					strerror(-err));
		return tool_err(EXIT_FAIL, "cannot open %s: %s", dev,
				strerror(-err));
	}
}

int tool_open_clone(struct shadowk_ctx **ctxp, const char *clone,
		    __u32 *clone_id)
{
	int ret = tool_open(ctxp, false);

	if (ret)
		return ret;
	ret = tool_clone(*ctxp, clone, clone_id);
	if (ret)
		*ctxp = shadowk_unref(*ctxp);
	return ret;
}

/* For the commands whose only argument is CLONE. */
int tool_open_one_clone(int argc, char **argv, struct shadowk_ctx **ctxp,
			__u32 *clone_id)
{
	if (argc != 2)
		return tool_usage_err("takes one CLONE");
	return tool_open_clone(ctxp, argv[1], clone_id);
}
