// SPDX-License-Identifier: GPL-2.0
/* shadowk probe add | del | list | stat: hit counters. */

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "main.h"

static int probe_add(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "irq", no_argument, NULL, 'i' },
		{ NULL, 0, NULL, 0 },
	};
	SHADOWK_OPTS(probe, popts);
	SHADOWK_RESULT(probe_read, r);
	struct shadowk_ctx *ctx;
	struct json *j = NULL;
	__u32 id, *ids;
	int c, i, n, err, ret;

	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c != 'i')
			return tool_bad_option(argv, c);
		popts.flags |= SHADOWK_PROBE_IRQ;
	}
	if (argc - optind < 2)
		return tool_usage_err("takes CLONE and FUNC...");
	ret = tool_open_clone(&ctx, argv[optind], &id);
	if (ret)
		return ret;
	n = argc - optind - 1;
	argv += optind + 1;
	ids = calloc(n, sizeof(*ids));
	if (!ids) {
		ret = tool_call_err(-ENOMEM, "probe add");
		goto out;
	}

	/* All or nothing: on a refused function, the ones added go again. */
	for (i = 0; i < n; i++) {
		err = shadowk_probe_add(ctx, id, argv[i], &popts, &ids[i]);
		if (err) {
			ret = tool_func_err(err, argv[i]);
			while (i-- > 0)
				shadowk_probe_del(ctx, ids[i], NULL);
			goto out;
		}
	}
	if (tool.json) {
		j = tool_json();
		json_arr_begin(j, NULL);
	}
	for (i = 0; i < n; i++) {
		r.size = sizeof(r);
		if (shadowk_probe_read(ctx, ids[i], &r))
			r.out_site = 0;
		if (j) {
			json_obj_begin(j, NULL);
			json_u64(j, "id", ids[i]);
			json_str(j, "function", argv[i]);
			json_hex(j, "site", r.out_site);
			json_bool(j, "irq", popts.flags & SHADOWK_PROBE_IRQ);
			json_obj_end(j);
		} else {
			printf("probe %u: %s\n", ids[i], argv[i]);
		}
	}
	if (j) {
		json_arr_end(j);
		tool_json_done();
	}
out:
	free(ids);
	shadowk_unref(ctx);
	return ret;
}

/* A FUNC (the name it was added with) or probe ID argument, from the list. */
static const struct shadowk_probe_entry *
probe_match(const struct shadowk_probe_entry *e, size_t n, const char *arg)
{
	unsigned long long v = 0;
	bool by_id = tool_parse_u64(arg, UINT32_MAX, &v);
	size_t i;

	for (i = 0; i < n; i++) {
		if (by_id ? e[i].probe_id == v : !strcmp(e[i].symbol, arg))
			return &e[i];
	}
	return NULL;
}

static int probe_del(int argc, char **argv)
{
	const struct shadowk_probe_entry **del = NULL;
	struct shadowk_probe_entry *e = NULL;
	struct shadowk_ctx *ctx;
	struct json *j = NULL;
	__u64 *hits = NULL;
	size_t n;
	__u32 id;
	int i, err, ret;

	if (argc < 3)
		return tool_usage_err("takes CLONE and FUNC|ID...");
	ret = tool_open_clone(&ctx, argv[1], &id);
	if (ret)
		return ret;
	err = shadowk_probe_list(ctx, id, &e, &n, sizeof(*e));
	if (err) {
		ret = tool_call_err(err, "cannot list probes");
		goto out;
	}
	del = calloc(argc, sizeof(*del));
	hits = calloc(argc, sizeof(*hits));
	if (!del || !hits) {
		ret = tool_call_err(-ENOMEM, "probe del");
		goto out;
	}
	/* Every argument must name a probe before any goes. */
	for (i = 2; i < argc && !ret; i++) {
		del[i] = probe_match(e, n, argv[i]);
		if (!del[i])
			ret = tool_err(EXIT_BAD_FUNC, "clone %u has no probe '%s'",
				       id, argv[i]);
	}
	for (i = 2; i < argc && !ret; i++) {
		err = shadowk_probe_del(ctx, del[i]->probe_id, &hits[i]);
		if (err == -ENOENT)
			del[i] = NULL;	/* deleted meanwhile, or named twice */
		else if (err)
			ret = tool_call_err(err, "cannot delete the probe");
	}
	/* Output once every delete is done, so JSON is one document. */
	if (!ret && tool.json) {
		j = tool_json();
		json_arr_begin(j, NULL);
	}
	for (i = 2; i < argc && !ret; i++) {
		if (!del[i])
			continue;
		if (j) {
			json_obj_begin(j, NULL);
			json_u64(j, "id", del[i]->probe_id);
			json_str(j, "function", del[i]->symbol);
			json_u64(j, "hits", hits[i]);
			json_obj_end(j);
		} else {
			printf("probe %u: %s deleted, %llu hits\n",
			       del[i]->probe_id, del[i]->symbol,
			       (unsigned long long)hits[i]);
		}
	}
	if (j) {
		json_arr_end(j);
		tool_json_done();
	}
out:
	free(hits);
	free(del);
	free(e);
	shadowk_unref(ctx);
	return ret;
}

static void entry_json(struct json *j, const struct shadowk_probe_entry *e)
{
	json_obj_begin(j, NULL);
	json_u64(j, "id", e->probe_id);
	json_str(j, "function", e->symbol);
	json_u64(j, "hits", e->hits);
	json_hex(j, "site", e->site);
	json_bool(j, "irq", e->flags & SHADOWK_PROBE_IRQ);
	json_obj_end(j);
}

/* The clone's probes, ascending by id (list) or by hits descending (stat). */
static int probe_show(int argc, char **argv, bool by_hits)
{
	struct shadowk_probe_entry *e;
	struct shadowk_ctx *ctx;
	struct json *j;
	__u64 total = 0;
	size_t i, n;
	__u32 id;
	int err, ret;

	ret = tool_open_one_clone(argc, argv, &ctx, &id);
	if (ret)
		return ret;
	err = shadowk_probe_list(ctx, id, &e, &n, sizeof(*e));
	shadowk_unref(ctx);
	if (err)
		return tool_call_err(err, "cannot list probes");
	if (by_hits)
		qsort(e, n, sizeof(*e), tool_probe_cmp_hits);
	for (i = 0; i < n; i++)
		total += e[i].hits;

	if (tool.json) {
		j = tool_json();
		if (by_hits) {
			json_obj_begin(j, NULL);
			json_u64(j, "clone", id);
			json_u64(j, "total_hits", total);
			json_arr_begin(j, "probes");
		} else {
			json_arr_begin(j, NULL);
		}
		for (i = 0; i < n; i++)
			entry_json(j, &e[i]);
		json_arr_end(j);
		if (by_hits)
			json_obj_end(j);
		tool_json_done();
	} else if (!n) {
		printf("clone %u has no probes\n", id);
	} else if (by_hits) {
		printf("%14s %6s  %s\n", "HITS", "%", "FUNCTION");
		for (i = 0; i < n; i++)
			printf("%14llu %6.2f  %s\n", (unsigned long long)e[i].hits,
			       total ? 100.0 * e[i].hits / total : 0.0,
			       e[i].symbol);
		printf("%14llu %6s  total, %zu probes on clone %u\n",
		       (unsigned long long)total, "", n, id);
	} else {
		printf("%6s %14s  %-4s %-18s %s\n", "ID", "HITS", "IRQ", "SITE",
		       "FUNCTION");
		for (i = 0; i < n; i++)
			printf("%6u %14llu  %-4s 0x%016llx %s\n", e[i].probe_id,
			       (unsigned long long)e[i].hits,
			       e[i].flags & SHADOWK_PROBE_IRQ ? "yes" : "no",
			       (unsigned long long)e[i].site, e[i].symbol);
	}
	free(e);
	return EXIT_OK;
}

int tool_probe_cmp_hits(const void *a, const void *b)
{
	const struct shadowk_probe_entry *x = a, *y = b;

	if (x->hits != y->hits)
		return x->hits < y->hits ? 1 : -1;
	return strcmp(x->symbol, y->symbol);
}

static int probe_list(int argc, char **argv)
{
	return probe_show(argc, argv, false);
}

static int probe_stat(int argc, char **argv)
{
	return probe_show(argc, argv, true);
}

const struct cmd tool_probe_cmds[] = {
	{ "add", probe_add, "[--irq] CLONE FUNC...",
	  "count calls of kernel functions by the clone's processes" },
	{ "del", probe_del, "CLONE FUNC|ID...",
	  "remove probes, with their final counts" },
	{ "list", probe_list, "CLONE",
	  "the clone's probes, by id" },
	{ "stat", probe_stat, "CLONE",
	  "the clone's probes, most hits first" },
	{ NULL },
};
