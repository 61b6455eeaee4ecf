// SPDX-License-Identifier: GPL-2.0
/* shadowk create | destroy | list | info | verify: clones. */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "main.h"

int do_create(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	SHADOWK_OPTS(create, copts);
	struct shadowk_ctx *ctx;
	struct json *j;
	__u32 id;
	int c, err, ret;

	while ((c = getopt_long(argc, argv, "n:", opts, NULL)) != -1) {
		if (c != 'n')
			return tool_usage_err("create", "unknown option");
		copts.name = optarg;
	}
	if (optind < argc)
		return tool_usage_err("create", "unexpected argument '%s'",
				      argv[optind]);
	if (copts.name && (!*copts.name || strlen(copts.name) >= SHADOWK_NAME_LEN))
		return tool_usage_err("create", "a name has 1 to %d bytes",
				      SHADOWK_NAME_LEN - 1);
	/* A name that reads as a number could never be looked up. */
	if (copts.name && strspn(copts.name, "0123456789") == strlen(copts.name))
		return tool_usage_err("create", "a name cannot be all digits");

	ret = tool_open(&ctx);
	if (ret)
		return ret;
	err = shadowk_clone_create(ctx, &copts, &id);
	if (err == -EEXIST)
		ret = tool_err(EXIT_FAIL, "a clone named '%s' exists already",
			       copts.name);
	else if (err == -ENOSPC)
		ret = tool_err(EXIT_FAIL, "too many clones (at most %d)",
			       SHADOWK_MAX_CLONES);
	else if (err)
		ret = tool_call_err(err, "cannot create a clone");
	else if (tool.json) {
		j = tool_json();
		json_obj_begin(j, NULL);
		json_u64(j, "id", id);
		json_str(j, "name", copts.name ? copts.name : "");
		json_obj_end(j);
		tool_json_done();
	} else {
		printf("clone %u created%s%s\n", id,
		       copts.name ? ", name " : "", copts.name ? copts.name : "");
	}
	shadowk_unref(ctx);
	return ret;
}

int do_destroy(int argc, char **argv)
{
	struct shadowk_ctx *ctx;
	struct json *j;
	int i, done, err, ret;
	__u32 *ids;

	if (argc < 2)
		return tool_usage_err("destroy", "which clone?");
	ret = tool_open(&ctx);
	if (ret)
		return ret;
	/* Resolve every name first: nothing is destroyed on a typo. */
	ids = calloc(argc, sizeof(*ids));
	if (!ids) {
		shadowk_unref(ctx);
		return tool_call_err(-ENOMEM, "destroy");
	}
	for (i = 1; i < argc && !ret; i++)
		ret = tool_clone(ctx, argv[i], &ids[i]);
	for (done = 1; done < argc && !ret; done++) {
		err = shadowk_clone_destroy(ctx, ids[done]);
		/* ENOENT: destroyed meanwhile (or named twice): it is gone. */
		if (err && err != -ENOENT)
			ret = tool_call_err(err, "cannot destroy the clone");
	}
	/* Output once every destroy is done, so JSON is one document. */
	if (!ret && tool.json) {
		j = tool_json();
		json_arr_begin(j, NULL);
		for (i = 1; i < argc; i++) {
			json_obj_begin(j, NULL);
			json_u64(j, "id", ids[i]);
			json_bool(j, "destroyed", true);
			json_obj_end(j);
		}
		json_arr_end(j);
		tool_json_done();
	} else if (!ret) {
		for (i = 1; i < argc; i++)
			printf("clone %u destroyed\n", ids[i]);
	}
	free(ids);
	shadowk_unref(ctx);
	return ret;
}

static size_t probe_count(struct shadowk_ctx *ctx, __u32 id)
{
	struct shadowk_probe_entry *e;
	size_t n;

	if (shadowk_probe_list(ctx, id, &e, &n))
		return 0;
	free(e);
	return n;
}

static void clone_json(struct json *j, const struct shadowk_clone_info *ci,
		       size_t probes)
{
	json_obj_begin(j, NULL);
	json_u64(j, "id", ci->clone_id);
	json_str(j, "name", ci->name);
	json_u64(j, "bound", ci->bound_mms);
	json_u64(j, "probes", probes);
	json_u64(j, "sites", ci->owned_sites);
	json_u64(j, "private_frames", ci->private_frames);
	json_u64(j, "pt_pages", ci->pt_pages);
	json_u64(j, "bytes", ci->bytes);
	json_obj_end(j);
}

int do_list(int argc, char **argv)
{
	struct shadowk_clone_info ci;
	struct shadowk_ctx *ctx;
	struct json *j = NULL;
	size_t i, n;
	__u32 *ids;
	int err, ret;

	if (argc > 1)
		return tool_usage_err("list", "unexpected argument '%s'", argv[1]);
	ret = tool_open(&ctx);
	if (ret)
		return ret;
	err = shadowk_clone_list(ctx, &ids, &n);
	if (err) {
		shadowk_unref(ctx);
		return tool_call_err(err, "cannot list clones");
	}
	if (tool.json) {
		j = tool_json();
		json_arr_begin(j, NULL);
	} else if (n) {
		printf("%6s  %-20s %6s %6s %6s %10s\n", "ID", "NAME", "BOUND",
		       "PROBES", "SITES", "MEMORY");
	}
	for (i = 0; i < n; i++) {
		/* Destroyed since the list was taken: not listed. */
		if (shadowk_clone_info(ctx, ids[i], &ci))
			continue;
		if (j)
			clone_json(j, &ci, probe_count(ctx, ids[i]));
		else
			printf("%6u  %-20s %6llu %6zu %6llu %8llu K\n", ci.clone_id,
			       *ci.name ? ci.name : "-",
			       (unsigned long long)ci.bound_mms,
			       probe_count(ctx, ids[i]),
			       (unsigned long long)ci.owned_sites,
			       (unsigned long long)ci.bytes / 1024);
	}
	if (j) {
		json_arr_end(j);
		tool_json_done();
	} else if (!n) {
		printf("no clones\n");
	}
	free(ids);
	shadowk_unref(ctx);
	return EXIT_OK;
}

int do_info(int argc, char **argv)
{
	struct shadowk_clone_info ci;
	struct shadowk_ctx *ctx;
	__u32 id;
	int err, ret;

	if (argc != 2)
		return tool_usage_err("info", "takes one CLONE");
	ret = tool_open_clone(&ctx, argv[1], &id);
	if (ret)
		return ret;
	err = shadowk_clone_info(ctx, id, &ci);
	if (err) {
		ret = tool_call_err(err, "cannot read the clone");
		goto out;
	}
	if (tool.json) {
		clone_json(tool_json(), &ci, probe_count(ctx, id));
		tool_json_done();
	} else {
		printf("clone %u%s%s\n", ci.clone_id, *ci.name ? ", name " : "",
		       ci.name);
		printf("  bound processes     %llu\n", (unsigned long long)ci.bound_mms);
		printf("  probes              %zu\n", probe_count(ctx, id));
		printf("  patched sites       %llu\n", (unsigned long long)ci.owned_sites);
		printf("  private text pages  %llu\n", (unsigned long long)ci.private_frames);
		printf("  page-table pages    %llu\n", (unsigned long long)ci.pt_pages);
		printf("  memory              %llu bytes\n", (unsigned long long)ci.bytes);
	}
out:
	shadowk_unref(ctx);
	return ret;
}

int do_verify(int argc, char **argv)
{
	struct shadowk_verify v;
	struct shadowk_ctx *ctx;
	struct json *j;
	bool ok;
	__u32 id;
	int err, ret;

	if (argc != 2)
		return tool_usage_err("verify", "takes one CLONE");
	ret = tool_open_clone(&ctx, argv[1], &id);
	if (ret)
		return ret;
	err = shadowk_clone_verify(ctx, id, &v);
	if (err) {
		ret = tool_call_err(err, "cannot verify the clone");
		goto out;
	}
	ok = !v.diff_bytes && !v.diff_entries;
	if (tool.json) {
		j = tool_json();
		json_obj_begin(j, NULL);
		json_u64(j, "id", id);
		json_bool(j, "ok", ok);
		json_u64(j, "checked_bytes", v.checked_bytes);
		json_u64(j, "diff_bytes", v.diff_bytes);
		json_u64(j, "diff_entries", v.diff_entries);
		json_u64(j, "first_diff", v.first_diff);
		json_obj_end(j);
		tool_json_done();
	} else if (ok) {
		printf("clone %u: ok (%llu private bytes compared, page tables match)\n",
		       id, (unsigned long long)v.checked_bytes);
	} else {
		printf("clone %u: MISMATCH: %llu bytes and %llu page-table entries differ from the kernel (first at 0x%llx)\n",
		       id, (unsigned long long)v.diff_bytes,
		       (unsigned long long)v.diff_entries,
		       (unsigned long long)v.first_diff);
	}
	ret = ok ? EXIT_OK : EXIT_FAIL;
out:
	shadowk_unref(ctx);
	return ret;
}
