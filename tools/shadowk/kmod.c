// SPDX-License-Identifier: GPL-2.0
/*
 * Loading the module when /dev/shadowk is missing, through libkmod, the
 * way modprobe would: the installed shadowk.ko of the running kernel.
 */

#include <errno.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <libkmod.h>

#include "main.h"

int tool_load_module(void)
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
