// SPDX-License-Identifier: GPL-2.0
/*
 * Opening /dev/shadowk, and loading the module first when it is missing,
 * through libkmod, the way modprobe would: the installed shadowk.ko of the
 * running kernel.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <libkmod.h>

#include "main.h"

static int tool_load_module(void)
{
	struct kmod_module *mod = NULL;
	struct kmod_ctx *kctx;
	struct utsname uts;
	const char *path;
	int err, ret;

	uname(&uts);
	if (geteuid() != 0)
		return tool_err(EXIT_NO_MODULE,
				"/dev/shadowk does not exist and loading the shadowk module needs root (try: sudo modprobe shadowk)");

	kctx = kmod_new(NULL, NULL);
	if (!kctx)
		return tool_err(EXIT_NO_MODULE,
				"/dev/shadowk does not exist and libkmod cannot start, so the module cannot be loaded");
	kmod_load_resources(kctx);

	err = kmod_module_new_from_name(kctx, "shadowk", &mod);
	path = err ? NULL : kmod_module_get_path(mod);
	if (!path) {
		ret = tool_err(EXIT_NO_MODULE,
			       "/dev/shadowk does not exist and no shadowk module is installed for kernel %s (install it: make install, or make dkms-install)",
			       uts.release);
		goto out;
	}

	err = kmod_module_probe_insert_module(mod, 0, NULL, NULL, NULL, NULL);
	if (err < 0 && err != -EEXIST) {
		ret = tool_err(EXIT_NO_MODULE,
			       "/dev/shadowk does not exist and loading %s failed: %s (the kernel log says why: dmesg | grep shadowk)",
			       path, strerror(-err));
		goto out;
	}
	ret = EXIT_OK;
out:
	kmod_module_unref(mod);
	kmod_unref(kctx);
	return ret;
}

int tool_open(struct shadowk_ctx **ctxp)
{
	const char *dev = getenv("SHADOWK_DEVICE");
	int err = shadowk_new(ctxp);
	int ret;

	/* SHADOWK_DEVICE names a node on purpose: never load for it. */
	if (dev && !*dev)
		dev = NULL;
	if (err == -ENOENT && !tool.no_load && !dev) {
		ret = tool_load_module();
		if (ret)
			return ret;
		err = shadowk_new(ctxp);
	}
	switch (err) {
	case 0:
		return EXIT_OK;
	case -ENOENT:
		return tool_err(EXIT_NO_MODULE,
				"%s does not exist: the shadowk module is not loaded (try: modprobe shadowk)",
				dev ? dev : "/dev/shadowk");
	case -EACCES:
		return tool_err(EXIT_NO_PERM,
				"cannot open %s: permission denied (it is root-only)",
				dev ? dev : "/dev/shadowk");
	case -EPERM:
		return tool_err(EXIT_NO_PERM,
				"cannot open %s: CAP_SYS_ADMIN is required",
				dev ? dev : "/dev/shadowk");
	case -EPROTO:
		return tool_err(EXIT_FAIL,
				"the loaded shadowk module speaks a different ABI version than this tool");
	default:
		return tool_err(EXIT_FAIL, "cannot open %s: %s",
				dev ? dev : "/dev/shadowk", strerror(-err));
	}
}

int tool_open_clone(struct shadowk_ctx **ctxp, const char *clone,
		    __u32 *clone_id)
{
	int ret = tool_open(ctxp);

	if (ret)
		return ret;
	ret = tool_clone(*ctxp, clone, clone_id);
	if (ret)
		*ctxp = shadowk_unref(*ctxp);
	return ret;
}
