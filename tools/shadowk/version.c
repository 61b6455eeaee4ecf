// SPDX-License-Identifier: GPL-2.0
/*
 * shadowk version: this tool, the library, the loaded module and the
 * kernel's lockdown mode; without a module (it is never loaded for this),
 * the rest.  shadowk -V: the tool and the library only.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "main.h"

static const char *const ioctl_names[] = {
	[SHADOWK_CMD_GET_INFO - SHADOWK_CMD_BASE] = "GET_INFO",
	[SHADOWK_CMD_CREATE - SHADOWK_CMD_BASE] = "CREATE",
	[SHADOWK_CMD_DESTROY - SHADOWK_CMD_BASE] = "DESTROY",
	[SHADOWK_CMD_CLONE_INFO - SHADOWK_CMD_BASE] = "CLONE_INFO",
	[SHADOWK_CMD_CLONE_LIST - SHADOWK_CMD_BASE] = "CLONE_LIST",
	[SHADOWK_CMD_BIND - SHADOWK_CMD_BASE] = "BIND",
	[SHADOWK_CMD_UNBIND - SHADOWK_CMD_BASE] = "UNBIND",
	[SHADOWK_CMD_VERIFY - SHADOWK_CMD_BASE] = "VERIFY",
	[SHADOWK_CMD_SITE_ADD - SHADOWK_CMD_BASE] = "SITE_ADD",
	[SHADOWK_CMD_SITE_DEL - SHADOWK_CMD_BASE] = "SITE_DEL",
	[SHADOWK_CMD_PROBE_ADD - SHADOWK_CMD_BASE] = "PROBE_ADD",
	[SHADOWK_CMD_PROBE_DEL - SHADOWK_CMD_BASE] = "PROBE_DEL",
	[SHADOWK_CMD_PROBE_READ - SHADOWK_CMD_BASE] = "PROBE_READ",
	[SHADOWK_CMD_PROBE_LIST - SHADOWK_CMD_BASE] = "PROBE_LIST",
	[SHADOWK_CMD_INJECT_SET - SHADOWK_CMD_BASE] = "INJECT_SET",
	[SHADOWK_CMD_INJECT_READ - SHADOWK_CMD_BASE] = "INJECT_READ",
	[SHADOWK_CMD_INJECT_DEL - SHADOWK_CMD_BASE] = "INJECT_DEL",
	[SHADOWK_CMD_INJECT_LIST - SHADOWK_CMD_BASE] = "INJECT_LIST",
	[SHADOWK_CMD_PROCESS_INFO - SHADOWK_CMD_BASE] = "PROCESS_INFO",
};

static const struct {
	unsigned int bit;
	const char *key;
	const char *label;
} env_bits[] = {
	{ SHADOWK_ENV_LA57, "la57", "5-level paging" },
	{ SHADOWK_ENV_PTI, "pti", "page-table isolation" },
	{ SHADOWK_ENV_PCID, "pcid", "PCID" },
	{ SHADOWK_ENV_GLOBAL_TEXT, "global_text", "global kernel text" },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

/*
 * The kernel's lockdown mode, the bracketed word of "none [integrity]
 * confidentiality", or "unknown" where securityfs does not say.  Under
 * any mode but none the module refuses to change code (EPERM).
 */
static const char *lockdown_mode(char *buf, size_t len)
{
	FILE *f = fopen("/sys/kernel/security/lockdown", "r");
	char *open, *close;

	if (!f)
		return "unknown";
	if (!fgets(buf, len, f))
		buf[0] = 0;
	fclose(f);
	open = strchr(buf, '[');
	close = open ? strchr(open, ']') : NULL;
	if (!close)
		return "unknown";
	*close = 0;
	return open + 1;
}

static const char *ioctl_name(unsigned int i)
{
	return i < N(ioctl_names) && ioctl_names[i] ? ioctl_names[i] : NULL;
}

/* info NULL: no module is loaded. */
static void print_json(const struct shadowk_info *info)
{
	struct json *j = &tool.j;
	char buf[128];
	unsigned int i;

	json_init(j, stdout, tool.pretty);
	json_obj_begin(j, NULL);
	json_str(j, "tool", SHADOWK_TOOL_VERSION);
	json_str(j, "library", shadowk_lib_version());
	json_u64(j, "library_abi_version", SHADOWK_ABI_VERSION);
	json_str(j, "lockdown", lockdown_mode(buf, sizeof(buf)));
	if (!info) {
		json_member_null(j, "module");
		json_obj_end(j);
		json_finish(j);
		return;
	}
	json_obj_begin(j, "module");
	json_u64(j, "abi_version", info->out_abi_version);
	json_u64(j, "features", info->out_features);
	json_obj_begin(j, "env");
	for (i = 0; i < N(env_bits); i++)
		json_bool(j, env_bits[i].key, info->out_env & env_bits[i].bit);
	json_obj_end(j);
	json_obj_begin(j, "limits");
	json_u64(j, "clones", info->out_max_clones);
	json_u64(j, "probes", info->out_max_probes);
	json_u64(j, "injections_per_clone", info->out_max_injects);
	json_u64(j, "inflight_per_return_probe", info->out_max_inflight);
	json_obj_end(j);
	json_bool(j, "return_probes",
		  info->out_features & SHADOWK_FEATURE_RETURN_PROBES);
	json_arr_begin(j, "ioctls");
	for (i = 0; i < 64; i++) {
		if (!(info->out_ioctls & (1ULL << i)))
			continue;
		if (ioctl_name(i))
			json_str(j, NULL, ioctl_name(i));
		else
			json_u64(j, NULL, SHADOWK_CMD_BASE + i);
	}
	json_arr_end(j);
	json_obj_end(j);
	json_obj_end(j);
	json_finish(j);
}

static void print_text(const struct shadowk_info *info)
{
	const char *lockdown;
	char buf[128];
	unsigned int i;

	printf("shadowk %s (libshadowk %s, ABI %d)\n", SHADOWK_TOOL_VERSION,
	       shadowk_lib_version(), SHADOWK_ABI_VERSION);
	lockdown = lockdown_mode(buf, sizeof(buf));
	printf("%-22s %s%s\n", "kernel lockdown", lockdown,
	       strcmp(lockdown, "none") && strcmp(lockdown, "unknown") ?
	       " (probes and injections are refused)" : "");
	if (!info) {
		printf("%-22s %s\n", "module", "not loaded");
		return;
	}
	printf("module ABI version: %u\n", info->out_abi_version);
	for (i = 0; i < N(env_bits); i++)
		printf("%-22s %s\n", env_bits[i].label,
		       info->out_env & env_bits[i].bit ? "yes" : "no");
	printf("%-22s %s\n", "return probes",
	       info->out_features & SHADOWK_FEATURE_RETURN_PROBES ? "yes" :
	       "no (the kernel has no rethook)");
	printf("%-22s %u clones, %u probes, %u injections a clone, %u calls in flight a return probe\n",
	       "limits", info->out_max_clones, info->out_max_probes,
	       info->out_max_injects, info->out_max_inflight);
	printf("%-22s", "ioctls");
	for (i = 0; i < 64; i++) {
		if (!(info->out_ioctls & (1ULL << i)))
			continue;
		if (ioctl_name(i))
			printf(" %s", ioctl_name(i));
		else
			printf(" 0x%x", SHADOWK_CMD_BASE + i);
	}
	printf("\n");
}

int tool_print_versions(void)
{
	struct json *j;

	if (!tool.json) {
		printf("shadowk %s (libshadowk %s)\n", SHADOWK_TOOL_VERSION,
		       shadowk_lib_version());
		return EXIT_OK;
	}
	j = tool_json();
	json_obj_begin(j, NULL);
	json_str(j, "tool", SHADOWK_TOOL_VERSION);
	json_str(j, "library", shadowk_lib_version());
	json_obj_end(j);
	tool_json_done();
	return EXIT_OK;
}

int do_version(int argc, char **argv)
{
	SHADOWK_RESULT(info, info);
	struct shadowk_ctx *ctx;
	int err;

	(void)argv;
	if (argc > 1)
		return tool_usage_err("takes no arguments");
	/* No module is no failure here: version says so, and exits 0. */
	err = shadowk_new(&ctx, NULL);
	if (err == -ENOENT) {
		if (tool.json)
			print_json(NULL);
		else
			print_text(NULL);
		return EXIT_OK;
	}
	if (err)
		return tool_open(&ctx, false);
	shadowk_get_info(ctx, &info);
	shadowk_unref(ctx);

	if (tool.json)
		print_json(&info);
	else
		print_text(&info);
	return EXIT_OK;
}
