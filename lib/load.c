// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Loading the module as modprobe would, through libkmod: the shadowk.ko
 * installed for the running kernel, with its dependencies and the options
 * of modprobe.d.  libkmod is opened at run time, only when a caller asks
 * for the module to be loaded, so that libshadowk itself depends on
 * nothing and a static program can still use every other call.
 */

#include <dlfcn.h>
#include <errno.h>
#include <string.h>
#include <syslog.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "libshadowk-internal.h"

struct kmod_ctx;
struct kmod_module;

/* The few libkmod calls used, as libkmod.h declares them. */
struct shadowk_kmod {
	void *handle;
	struct kmod_ctx *(*new_ctx)(const char *dirname,
				    const char * const *config_paths);
	struct kmod_ctx *(*unref)(struct kmod_ctx *ctx);
	int (*load_resources)(struct kmod_ctx *ctx);
	int (*module_new_from_name)(struct kmod_ctx *ctx, const char *name,
				    struct kmod_module **mod);
	const char *(*module_get_path)(const struct kmod_module *mod);
	int (*probe_insert_module)(struct kmod_module *mod, unsigned int flags,
				   const char *extra_options,
				   int (*run_install)(struct kmod_module *m,
						      const char *cmdline,
						      void *data),
				   const void *data,
				   void (*print_action)(struct kmod_module *m,
							bool install,
							const char *options));
	struct kmod_module *(*module_unref)(struct kmod_module *mod);
};

static int shadowk_kmod_open(struct shadowk_ctx *ctx, struct shadowk_kmod *k)
{
	static const struct {
		const char *name;
		size_t offset;
	} syms[] = {
		{ "kmod_new", offsetof(struct shadowk_kmod, new_ctx) },
		{ "kmod_unref", offsetof(struct shadowk_kmod, unref) },
		{ "kmod_load_resources",
		  offsetof(struct shadowk_kmod, load_resources) },
		{ "kmod_module_new_from_name",
		  offsetof(struct shadowk_kmod, module_new_from_name) },
		{ "kmod_module_get_path",
		  offsetof(struct shadowk_kmod, module_get_path) },
		{ "kmod_module_probe_insert_module",
		  offsetof(struct shadowk_kmod, probe_insert_module) },
		{ "kmod_module_unref",
		  offsetof(struct shadowk_kmod, module_unref) },
	};
	size_t i;

	k->handle = dlopen("libkmod.so.2", RTLD_NOW | RTLD_LOCAL);
	if (!k->handle) {
		shadowk_log(ctx, LOG_ERR, "cannot load libkmod: %s\n",
			    dlerror());
		return -ELIBACC;
	}
	for (i = 0; i < sizeof(syms) / sizeof(syms[0]); i++) {
		void *fn = dlsym(k->handle, syms[i].name);

		if (!fn) {
			shadowk_log(ctx, LOG_ERR, "libkmod has no %s\n",
				    syms[i].name);
			dlclose(k->handle);
			return -ELIBACC;
		}
		memcpy((char *)k + syms[i].offset, &fn, sizeof(fn));
	}
	return 0;
}

int shadowk_load_module(struct shadowk_ctx *ctx)
{
	struct kmod_module *mod = NULL;
	struct kmod_ctx *kctx;
	struct shadowk_kmod k;
	struct utsname uts;
	const char *path;
	int err;

	if (geteuid() != 0) {
		shadowk_log(ctx, LOG_ERR, "loading the shadowk module needs root\n");
		return -EPERM;
	}
	err = shadowk_kmod_open(ctx, &k);
	if (err)
		return err;
	kctx = k.new_ctx(NULL, NULL);
	if (!kctx) {
		err = -ENOMEM;
		goto out_close;
	}
	k.load_resources(kctx);
	err = k.module_new_from_name(kctx, "shadowk", &mod);
	path = err ? NULL : k.module_get_path(mod);
	if (!path) {
		uname(&uts);
		shadowk_log(ctx, LOG_ERR,
			    "no shadowk module is installed for kernel %s\n",
			    uts.release);
		err = -ENOPKG;
		goto out;
	}
	err = k.probe_insert_module(mod, 0, NULL, NULL, NULL, NULL);
	if (err == -EEXIST)
		err = 0;
	if (err < 0)
		shadowk_log(ctx, LOG_ERR, "loading %s failed: %s\n", path,
			    strerror(-err));
	else
		shadowk_log(ctx, LOG_DEBUG, "loaded %s\n", path);
	err = err < 0 ? err : 0;
out:
	if (mod)
		k.module_unref(mod);
	k.unref(kctx);
out_close:
	dlclose(k.handle);
	return err;
}
