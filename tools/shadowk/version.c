// SPDX-License-Identifier: GPL-2.0
/*
 * shadowk version: this tool, the library and the loaded module;
 * shadowk -V: the first two only, which need no module.
 */

#include <stdio.h>
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
	[SHADOWK_CMD_INJECT - SHADOWK_CMD_BASE] = "INJECT",
	[SHADOWK_CMD_INJECT_READ - SHADOWK_CMD_BASE] = "INJECT_READ",
	[SHADOWK_CMD_INJECT_DEL - SHADOWK_CMD_BASE] = "INJECT_DEL",
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

static void print_json(const struct shadowk_info *info)
{
	struct json *j = &tool.j;
	char buf[128];
	unsigned int i;

	json_init(j, stdout, tool.pretty);
	json_obj_begin(j, NULL);
	json_str(j, "tool", SHADOWK_TOOL_VERSION);
	json_str(j, "library", shadowk_lib_version());
	json_str(j, "lockdown", lockdown_mode(buf, sizeof(buf)));
	json_obj_begin(j, "module");
	json_u64(j, "abi_version", info->abi_version);
	json_u64(j, "features", info->features);
	json_obj_begin(j, "env");
	for (i = 0; i < N(env_bits); i++)
		json_bool(j, env_bits[i].key, info->env & env_bits[i].bit);
	json_obj_end(j);
	json_arr_begin(j, "ioctls");
	for (i = 0; i < 64; i++) {
		if (!(info->ioctls & (1ULL << i)))
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

	printf("shadowk %s (libshadowk %s)\n", SHADOWK_TOOL_VERSION,
	       shadowk_lib_version());
	printf("module ABI version: %u\n", info->abi_version);
	lockdown = lockdown_mode(buf, sizeof(buf));
	printf("%-22s %s%s\n", "kernel lockdown", lockdown,
	       strcmp(lockdown, "none") && strcmp(lockdown, "unknown") ?
	       " (probes and injections are refused)" : "");
	for (i = 0; i < N(env_bits); i++)
		printf("%-22s %s\n", env_bits[i].label,
		       info->env & env_bits[i].bit ? "yes" : "no");
	printf("%-22s", "ioctls");
	for (i = 0; i < 64; i++) {
		if (!(info->ioctls & (1ULL << i)))
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
	struct shadowk_ctx *ctx;
	struct shadowk_info info;
	int ret;

	(void)argv;
	if (argc > 1)
		return tool_err(EXIT_USAGE, "version takes no arguments");
	ret = tool_open(&ctx);
	if (ret)
		return ret;
	shadowk_get_info(ctx, &info);
	shadowk_unref(ctx);

	if (tool.json)
		print_json(&info);
	else
		print_text(&info);
	return EXIT_OK;
}
