// SPDX-License-Identifier: GPL-2.0
/* shadowk clone create | list | show | destroy. */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "main.h"

static int clone_create(int argc, char **argv)
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

	while ((c = getopt_long(argc, argv, ":n:", opts, NULL)) != -1) {
		if (c != 'n')
			return tool_bad_option(argv, c);
		copts.name = optarg;
	}
	if (optind < argc)
		return tool_usage_err("unexpected argument '%s'", argv[optind]);
	if (copts.name && !tool_name_ok(copts.name))
		return tool_usage_err("a name has 1 to %d of A-Z a-z 0-9 . _ -, does not start with '-' and is not all digits",
				      SHADOWK_NAME_LEN - 1);

	ret = tool_open(&ctx, true);
	if (ret)
		return ret;
	err = shadowk_clone_create(ctx, &copts, &id);
	if (err == -EEXIST)
		ret = tool_err(EXIT_FAIL, "a clone named '%s' exists already",
			       copts.name);
	else if (err == -ENOSPC)
		ret = tool_err(EXIT_FAIL, "too many clones (the module's limit: %s version)",
			       tool.prog);
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

/*
 * The context and the ids of argv[1..], every name resolved before
 * anything is done, so that a typo changes nothing.  *ids is freed by
 * the caller, also on failure.
 */
static int open_clones(int argc, char **argv, struct shadowk_ctx **ctxp,
		       __u32 **ids)
{
	int i, ret;

	*ids = NULL;
	if (argc < 2)
		return tool_usage_err("which clone?");
	ret = tool_open(ctxp, false);
	if (ret)
		return ret;
	*ids = calloc(argc, sizeof(**ids));
	if (!*ids)
		ret = tool_call_err(-ENOMEM, argv[0]);
	for (i = 1; i < argc && !ret; i++)
		ret = tool_clone(*ctxp, argv[i], &(*ids)[i]);
	if (ret)
		*ctxp = shadowk_unref(*ctxp);
	return ret;
}

static int clone_destroy(int argc, char **argv)
{
	struct shadowk_ctx *ctx;
	struct json *j;
	int i, done, err, ret;
	__u32 *ids;

	ret = open_clones(argc, argv, &ctx, &ids);
	if (ret) {
		free(ids);
		return ret;
	}
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

static size_t count_of(struct shadowk_ctx *ctx, __u32 id, bool injects)
{
	struct shadowk_inject_entry *ie;
	struct shadowk_probe_entry *pe;
	size_t n;

	if (injects ? shadowk_inject_list(ctx, id, &ie, &n, sizeof(*ie)) :
		      shadowk_probe_list(ctx, id, &pe, &n, sizeof(*pe)))
		return 0;
	free(injects ? (void *)ie : (void *)pe);
	return n;
}

/* Who is in scope: the bound cgroups, then every bound process. */
static void scope_json(struct json *j, struct shadowk_ctx *ctx, __u32 id)
{
	struct shadowk_process_entry *pe = NULL;
	struct shadowk_cgroup_entry *ce = NULL;
	size_t i, np = 0, nc = 0;

	shadowk_cgroup_list(ctx, id, &ce, &nc, sizeof(*ce));
	shadowk_process_list(ctx, id, &pe, &np, sizeof(*pe));
	json_arr_begin(j, "cgroups");
	for (i = 0; i < nc; i++) {
		json_obj_begin(j, NULL);
		json_u64(j, "id", ce[i].cgroup_id);
		json_str(j, "path", ce[i].path);
		json_u64(j, "processes", ce[i].processes);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_arr_begin(j, "processes");
	for (i = 0; i < np; i++) {
		json_obj_begin(j, NULL);
		json_u64(j, "pid", pe[i].pid);
		json_str(j, "comm", pe[i].comm);
		json_str(j, "bound_by", tool_bound_by_name(pe[i].bound_by));
		if (pe[i].bound_by == SHADOWK_BOUND_CGROUP)
			json_u64(j, "cgroup", pe[i].cgroup_id);
		json_bool(j, "fork", pe[i].bind_flags & SHADOWK_BIND_INHERIT_FORK);
		json_bool(j, "exec", pe[i].bind_flags & SHADOWK_BIND_INHERIT_EXEC);
		json_obj_end(j);
	}
	json_arr_end(j);
	free(pe);
	free(ce);
}

static void scope_print(struct shadowk_ctx *ctx, __u32 id)
{
	struct shadowk_process_entry *pe = NULL;
	struct shadowk_cgroup_entry *ce = NULL;
	size_t i, np = 0, nc = 0;

	shadowk_cgroup_list(ctx, id, &ce, &nc, sizeof(*ce));
	shadowk_process_list(ctx, id, &pe, &np, sizeof(*pe));
	for (i = 0; i < nc; i++)
		printf("  cgroup %-12llu %s (%u processes)\n",
		       (unsigned long long)ce[i].cgroup_id,
		       *ce[i].path ? ce[i].path : "(removed)", ce[i].processes);
	if (np)
		printf("  %7s  %-16s %s\n", "PID", "COMM", "BOUND BY");
	for (i = 0; i < np; i++)
		printf("  %7d  %-16s %s%s%s\n", pe[i].pid, pe[i].comm,
		       tool_bound_by_name(pe[i].bound_by),
		       pe[i].bind_flags & SHADOWK_BIND_INHERIT_FORK &&
		       pe[i].bound_by != SHADOWK_BOUND_CGROUP ? ", children follow" : "",
		       pe[i].bind_flags & SHADOWK_BIND_INHERIT_EXEC ? ", execs follow" : "");
	free(pe);
	free(ce);
}

static void clone_json(struct json *j, struct shadowk_ctx *ctx,
		       const struct shadowk_clone_info *ci)
{
	json_obj_begin(j, NULL);
	json_u64(j, "id", ci->clone_id);
	json_str(j, "name", ci->out_name);
	json_bool(j, "transient", ci->out_flags & SHADOWK_CREATE_TRANSIENT);
	if (ci->out_flags & SHADOWK_CREATE_TRANSIENT)
		json_u64(j, "owner_pid", ci->out_owner_pid);
	json_u64(j, "bound", ci->out_bound_mms);
	json_u64(j, "probes", count_of(ctx, ci->clone_id, false));
	json_u64(j, "injections", count_of(ctx, ci->clone_id, true));
	json_u64(j, "sites", ci->out_owned_sites);
	json_u64(j, "private_frames", ci->out_private_frames);
	json_u64(j, "pt_pages", ci->out_pt_pages);
	json_u64(j, "bytes", ci->out_bytes);
	scope_json(j, ctx, ci->clone_id);
	json_obj_end(j);
}

static int clone_list(int argc, char **argv)
{
	SHADOWK_RESULT(clone_info, ci);
	struct shadowk_ctx *ctx;
	struct json *j = NULL;
	size_t i, n;
	__u32 *ids;
	int err, ret;

	if (argc > 1)
		return tool_usage_err("unexpected argument '%s'", argv[1]);
	ret = tool_open(&ctx, false);
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
		printf("%6s  %-31s %6s %6s %6s %10s\n", "ID", "NAME", "BOUND",
		       "PROBES", "SITES", "MEMORY");
	}
	for (i = 0; i < n; i++) {
		ci.size = sizeof(ci);
		/* Destroyed since the list was taken: not listed. */
		if (shadowk_clone_info(ctx, ids[i], &ci))
			continue;
		if (j)
			clone_json(j, ctx, &ci);
		else
			printf("%6u  %-31s %6llu %6zu %6llu %8llu K\n", ci.clone_id,
			       *ci.out_name ? ci.out_name : "(none)",
			       (unsigned long long)ci.out_bound_mms,
			       count_of(ctx, ids[i], false),
			       (unsigned long long)ci.out_owned_sites,
			       (unsigned long long)ci.out_bytes / 1024);
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

static int clone_show(int argc, char **argv)
{
	SHADOWK_RESULT(clone_info, ci);
	struct shadowk_ctx *ctx;
	__u32 id;
	int err, ret;

	ret = tool_open_one_clone(argc, argv, &ctx, &id);
	if (ret)
		return ret;
	err = shadowk_clone_info(ctx, id, &ci);
	if (err) {
		ret = tool_call_err(err, "cannot read the clone");
		goto out;
	}
	if (tool.json) {
		clone_json(tool_json(), ctx, &ci);
		tool_json_done();
	} else {
		printf("clone %u%s%s\n", ci.clone_id, *ci.out_name ? ", name " : "",
		       ci.out_name);
		if (ci.out_flags & SHADOWK_CREATE_TRANSIENT)
			printf("  transient           ends with process %d's device file (clone pin keeps it)\n",
			       ci.out_owner_pid);
		printf("  bound processes     %llu\n", (unsigned long long)ci.out_bound_mms);
		printf("  probes              %zu\n", count_of(ctx, id, false));
		printf("  injections          %zu\n", count_of(ctx, id, true));
		printf("  patched sites       %llu\n", (unsigned long long)ci.out_owned_sites);
		printf("  private text pages  %llu\n", (unsigned long long)ci.out_private_frames);
		printf("  page-table pages    %llu\n", (unsigned long long)ci.out_pt_pages);
		printf("  memory              %llu bytes\n", (unsigned long long)ci.out_bytes);
		scope_print(ctx, id);
	}
out:
	shadowk_unref(ctx);
	return ret;
}

static int clone_pin(int argc, char **argv)
{
	struct shadowk_ctx *ctx;
	struct json *j;
	int i, ret;
	__u32 *ids;

	ret = open_clones(argc, argv, &ctx, &ids);
	if (ret) {
		free(ids);
		return ret;
	}
	for (i = 1; i < argc && !ret; i++)
		if (shadowk_clone_pin(ctx, ids[i]))
			ret = tool_err(EXIT_NO_CLONE, "clone %u is gone", ids[i]);
	if (!ret && tool.json) {
		j = tool_json();
		json_arr_begin(j, NULL);
		for (i = 1; i < argc; i++) {
			json_obj_begin(j, NULL);
			json_u64(j, "id", ids[i]);
			json_bool(j, "pinned", true);
			json_obj_end(j);
		}
		json_arr_end(j);
		tool_json_done();
	} else if (!ret) {
		for (i = 1; i < argc; i++)
			printf("clone %u pinned: it lives until clone destroy\n",
			       ids[i]);
	}
	free(ids);
	shadowk_unref(ctx);
	return ret;
}

const struct cmd tool_clone_cmds[] = {
	{ "create", clone_create, "[--name NAME]",
	  "create a clone of the kernel's text" },
	{ "list", clone_list, "",
	  "list the clones" },
	{ "show", clone_show, "CLONE",
	  "one clone: bound processes, probes, injections, memory" },
	{ "destroy", clone_destroy, "CLONE...",
	  "unbind everything from clones and free them" },
	{ "pin", clone_pin, "CLONE...",
	  "keep transient clones (profile's) after their tool exits" },
	{ NULL },
};
