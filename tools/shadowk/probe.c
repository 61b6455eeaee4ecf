// SPDX-License-Identifier: GPL-2.0
/* shadowk probe add | del | list | stat | latency: hit counters and timings. */

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
		{ "return", no_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	SHADOWK_OPTS(probe, popts);
	SHADOWK_RESULT(probe_read, r);
	struct shadowk_ctx *ctx;
	struct json *j = NULL;
	__u32 id, *ids;
	int c, i, n, err, ret;

	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c == 'i')
			popts.flags |= SHADOWK_PROBE_IRQ;
		else if (c == 'r')
			popts.flags |= SHADOWK_PROBE_RETURN;
		else
			return tool_bad_option(argv, c);
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
		if (err == -EOPNOTSUPP && (popts.flags & SHADOWK_PROBE_RETURN))
			ret = tool_err(EXIT_FAIL,
				       "this kernel has no rethook (CONFIG_RETHOOK): no return probes");
		else if (err)
			ret = tool_func_err(err, argv[i]);
		if (err) {
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
			json_bool(j, "return", popts.flags & SHADOWK_PROBE_RETURN);
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

/* The context, @clone's id and its probes, for commands that name probes. */
static int probe_open_list(const char *clone, struct shadowk_ctx **ctxp,
			   __u32 *id, struct shadowk_probe_entry **e, size_t *n)
{
	int err, ret;

	ret = tool_open_clone(ctxp, clone, id);
	if (ret)
		return ret;
	err = shadowk_probe_list(*ctxp, *id, e, n, sizeof(**e));
	if (err) {
		*ctxp = shadowk_unref(*ctxp);
		return tool_call_err(err, "cannot list probes");
	}
	return EXIT_OK;
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
	ret = probe_open_list(argv[1], &ctx, &id, &e, &n);
	if (ret)
		return ret;
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

void tool_latency_json(struct json *j, const struct shadowk_latency *l)
{
	json_u64(j, "returns", l->returns);
	json_u64(j, "errors", l->errors);
	json_u64(j, "missed", l->missed);
	json_u64(j, "total_ns", l->total_ns);
	json_u64(j, "avg_ns", l->returns ? l->total_ns / l->returns : 0);
	json_u64(j, "min_ns", l->min_ns);
	json_u64(j, "max_ns", l->max_ns);
}

static void entry_json(struct json *j, const struct shadowk_probe_entry *e)
{
	bool ret = e->flags & SHADOWK_PROBE_RETURN;

	json_obj_begin(j, NULL);
	json_u64(j, "id", e->probe_id);
	json_str(j, "function", e->symbol);
	json_u64(j, "hits", e->hits);
	json_hex(j, "site", e->site);
	json_bool(j, "irq", e->flags & SHADOWK_PROBE_IRQ);
	json_bool(j, "return", ret);
	if (ret)
		tool_latency_json(j, &e->latency);
	json_obj_end(j);
}

/* A time in ns as a person reads it: 812ns, 4.31us, 17.0ms, 2.50s. */
static const char *fmt_ns(char *buf, size_t len, __u64 ns)
{
	if (ns < 1000)
		snprintf(buf, len, "%lluns", (unsigned long long)ns);
	else if (ns < 1000000)
		snprintf(buf, len, "%.2fus", ns / 1e3);
	else if (ns < 1000000000)
		snprintf(buf, len, "%.2fms", ns / 1e6);
	else
		snprintf(buf, len, "%.2fs", ns / 1e9);
	return buf;
}

/* The return columns of probe stat, or blanks for an entry-only probe. */
static void print_latency(const struct shadowk_probe_entry *e)
{
	const struct shadowk_latency *l = &e->latency;
	char avg[16], min[16], max[16];

	if (!(e->flags & SHADOWK_PROBE_RETURN)) {
		printf(" %10s %8s %9s %9s %9s", "-", "-", "-", "-", "-");
		return;
	}
	printf(" %10llu %8llu %9s %9s %9s", (unsigned long long)l->returns,
	       (unsigned long long)l->errors,
	       fmt_ns(avg, sizeof(avg), l->returns ? l->total_ns / l->returns : 0),
	       fmt_ns(min, sizeof(min), l->min_ns),
	       fmt_ns(max, sizeof(max), l->max_ns));
}

/* The clone's probes, ascending by id (list) or by hits descending (stat). */
static int probe_show(int argc, char **argv, bool by_hits)
{
	struct shadowk_probe_entry *e;
	struct shadowk_ctx *ctx;
	struct json *j;
	bool any_ret = false;
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
		for (i = 0; i < n; i++)
			any_ret |= e[i].flags & SHADOWK_PROBE_RETURN;
		printf("%14s %6s", "HITS", "%");
		if (any_ret)
			printf(" %10s %8s %9s %9s %9s", "RETURNS", "ERRORS",
			       "AVG", "MIN", "MAX");
		printf("  %s\n", "FUNCTION");
		for (i = 0; i < n; i++) {
			printf("%14llu %6.2f", (unsigned long long)e[i].hits,
			       total ? 100.0 * e[i].hits / total : 0.0);
			if (any_ret)
				print_latency(&e[i]);
			printf("  %s\n", e[i].symbol);
		}
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

/* --format prometheus: the clones named, or every clone. */
static int probe_stat_prometheus(int argc, char **argv)
{
	struct shadowk_ctx *ctx;
	__u32 *ids = NULL;
	size_t n = 0;
	int i, err, ret;

	ret = tool_open(&ctx, false);
	if (ret)
		return ret;
	if (argc) {
		ids = calloc(argc, sizeof(*ids));
		if (!ids) {
			ret = tool_call_err(-ENOMEM, "stat");
			goto out;
		}
		for (i = 0; i < argc && !ret; i++)
			ret = tool_clone(ctx, argv[i], &ids[n++]);
	} else {
		err = shadowk_clone_list(ctx, &ids, &n);
		if (err)
			ret = tool_call_err(err, "cannot list clones");
	}
	if (!ret)
		ret = tool_prometheus(ctx, ids, n);
out:
	free(ids);
	shadowk_unref(ctx);
	return ret;
}

static int probe_stat(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	bool prometheus = false;
	int c;

	while ((c = getopt_long(argc, argv, "+:", opts, NULL)) != -1) {
		if (c != 'f')
			return tool_bad_option(argv, c);
		if (!strcmp(optarg, "prometheus"))
			prometheus = true;
		else if (!strcmp(optarg, "json"))
			tool.json = true;
		else if (strcmp(optarg, "text"))
			return tool_usage_err("--format takes text, json or prometheus");
	}
	if (prometheus) {
		if (tool.json)
			return tool_usage_err("--format prometheus is not JSON: drop -j");
		return probe_stat_prometheus(argc - optind, argv + optind);
	}
	return probe_show(argc - optind + 1, argv + optind - 1, true);
}

/*
 * One return probe's times as a log2 histogram, as bcc's funclatency
 * prints it: the rows from the first bucket with calls to the last.
 */
static int probe_latency(int argc, char **argv)
{
	SHADOWK_RESULT(probe_read, r);
	const struct shadowk_probe_entry *pe;
	struct shadowk_probe_entry *e = NULL;
	struct shadowk_ctx *ctx;
	__u64 top = 0, lo, hi;
	int i, first = -1, last = -1, bar, err, ret;
	struct json *j;
	size_t n;
	__u32 id;

	if (argc != 3)
		return tool_usage_err("takes CLONE and FUNC|ID");
	ret = probe_open_list(argv[1], &ctx, &id, &e, &n);
	if (ret)
		return ret;
	pe = probe_match(e, n, argv[2]);
	if (!pe) {
		ret = tool_err(EXIT_BAD_FUNC, "clone %u has no probe '%s'", id,
			       argv[2]);
		goto out;
	}
	if (!(pe->flags & SHADOWK_PROBE_RETURN)) {
		ret = tool_err(EXIT_FAIL,
			       "probe %u (%s) sees no returns: add it with probe add --return",
			       pe->probe_id, pe->symbol);
		goto out;
	}
	err = shadowk_probe_read(ctx, pe->probe_id, &r);
	if (err) {
		ret = tool_call_err(err, "cannot read the probe");
		goto out;
	}
	for (i = 0; i < SHADOWK_LATENCY_BUCKETS; i++) {
		if (!r.out_hist[i])
			continue;
		if (first < 0)
			first = i;
		last = i;
		if (r.out_hist[i] > top)
			top = r.out_hist[i];
	}
	if (tool.json) {
		j = tool_json();
		json_obj_begin(j, NULL);
		json_u64(j, "id", pe->probe_id);
		json_str(j, "function", pe->symbol);
		json_u64(j, "hits", r.out_hits);
		tool_latency_json(j, &r.out_latency);
		json_arr_begin(j, "hist");
		for (i = first; first >= 0 && i <= last; i++) {
			json_obj_begin(j, NULL);
			json_u64(j, "low_ns", i ? 1ULL << i : 0);
			json_u64(j, "high_ns", (1ULL << i << 1) - 1);
			json_u64(j, "count", r.out_hist[i]);
			json_obj_end(j);
		}
		json_arr_end(j);
		json_obj_end(j);
		tool_json_done();
		goto out;
	}
	printf("%s, probe %u on clone %u\n\n", pe->symbol, pe->probe_id, id);
	printf("%24s : %-10s %s\n", "nsecs", "count", "distribution");
	for (i = first; first >= 0 && i <= last; i++) {
		lo = i ? 1ULL << i : 0;
		hi = (1ULL << i << 1) - 1;
		bar = (int)(40 * r.out_hist[i] / top);
		printf("%10llu -> %-10llu : %-10llu |%-40.*s|\n",
		       (unsigned long long)lo, (unsigned long long)hi,
		       (unsigned long long)r.out_hist[i], bar,
		       "****************************************");
	}
	printf("\navg = %llu nsecs, total: %llu nsecs, count: %llu, errors: %llu",
	       (unsigned long long)(r.out_latency.returns ?
				    r.out_latency.total_ns / r.out_latency.returns : 0),
	       (unsigned long long)r.out_latency.total_ns,
	       (unsigned long long)r.out_latency.returns,
	       (unsigned long long)r.out_latency.errors);
	if (r.out_latency.missed)
		printf(", missed: %llu", (unsigned long long)r.out_latency.missed);
	printf("\n");
out:
	free(e);
	shadowk_unref(ctx);
	return ret;
}

const struct cmd tool_probe_cmds[] = {
	{ "add", probe_add, "[--irq] [--return] CLONE FUNC...",
	  "count calls of kernel functions by the clone's processes (--return: and time them)" },
	{ "del", probe_del, "CLONE FUNC|ID...",
	  "remove probes, with their final counts" },
	{ "list", probe_list, "CLONE",
	  "the clone's probes, by id" },
	{ "stat", probe_stat, "CLONE | --format prometheus [CLONE...]",
	  "the clone's probes, most hits first, with return probes' times (prometheus: every clone's, for a scraper)" },
	{ "latency", probe_latency, "CLONE FUNC|ID",
	  "a return probe's times, as a log2 histogram" },
	{ NULL },
};
