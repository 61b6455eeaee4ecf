// SPDX-License-Identifier: GPL-2.0
/*
 * Scoped counters in the Prometheus text exposition format (version
 * 0.0.4), for node_exporter's textfile collector or any scraper: probes'
 * hits, return probes' times as histograms, injections' counts, and how
 * many processes each clone has.  Every metric family is written once,
 * with all clones' samples under it, as the format requires.
 */

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "main.h"

/*
 * Buckets 0..34 of a probe's log2 histogram: up to 2^35 - 1 ns, 34 s.
 * Longer calls fall in +Inf only.  The set never changes, so that rates
 * and quantiles over a series' buckets stay meaningful across scrapes.
 */
#define PROM_BUCKETS	35

struct prom_clone {
	__u32 id;
	char label[SHADOWK_NAME_LEN + 16];	/* its name, or its id */
	struct shadowk_clone_info info;
	struct shadowk_probe_entry *probes;
	size_t nprobes;
	struct shadowk_inject_entry *injects;
	size_t ninjects;
};

/* A label value, escaped as the format says: backslash, quote, newline. */
static void prom_label(const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			printf("\\%c", *s);
		else if (*s == '\n')
			printf("\\n");
		else
			putchar(*s);
	}
}

static void prom_family(const char *name, const char *type,
			const char *help)
{
	printf("# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void prom_labels(const struct prom_clone *c, const char *function)
{
	printf("{clone=\"");
	prom_label(c->label);
	printf("\"");
	if (function) {
		printf(",function=\"");
		prom_label(function);
		printf("\"");
	}
}

/* Nanoseconds as exact decimal seconds: 1023 is 0.000001023. */
static void prom_seconds(unsigned long long ns)
{
	char frac[16];
	int len;

	len = snprintf(frac, sizeof(frac), "%09llu", ns % 1000000000ULL);
	while (len > 1 && frac[len - 1] == '0')
		frac[--len] = 0;
	printf("%llu.%s", ns / 1000000000ULL, frac);
}

static void prom_counter(const struct prom_clone *c, const char *metric,
			 const char *function, unsigned long long v)
{
	printf("%s", metric);
	prom_labels(c, function);
	printf("} %llu\n", v);
}

static int prom_histogram(struct shadowk_ctx *ctx, const struct prom_clone *c,
			  const struct shadowk_probe_entry *e)
{
	static const char m[] = "shadowk_probe_duration_seconds";
	unsigned long long sum = 0;
	int i, err;

	SHADOWK_RESULT(probe_read, r);

	err = shadowk_probe_read(ctx, e->probe_id, &r);
	if (err)
		return err;
	for (i = 0; i < SHADOWK_LATENCY_BUCKETS; i++) {
		sum += r.out_hist[i];
		if (i >= PROM_BUCKETS)
			continue;
		printf("%s_bucket", m);
		prom_labels(c, e->symbol);
		printf(",le=\"");
		prom_seconds((1ULL << i << 1) - 1);
		printf("\"} %llu\n", sum);
	}
	/* The buckets' own total, so that +Inf and _count always agree. */
	printf("%s_bucket", m);
	prom_labels(c, e->symbol);
	printf(",le=\"+Inf\"} %llu\n", sum);
	printf("%s_sum", m);
	prom_labels(c, e->symbol);
	printf("} ");
	prom_seconds(r.out_latency.total_ns);
	printf("\n%s_count", m);
	prom_labels(c, e->symbol);
	printf("} %llu\n", sum);
	return 0;
}

static int prom_load(struct shadowk_ctx *ctx, struct prom_clone *c)
{
	int err;

	c->info.size = sizeof(c->info);
	err = shadowk_clone_info(ctx, c->id, &c->info);
	if (err)
		return err;
	if (*c->info.out_name)
		snprintf(c->label, sizeof(c->label), "%s", c->info.out_name);
	else
		snprintf(c->label, sizeof(c->label), "%u", c->id);
	err = shadowk_probe_list(ctx, c->id, &c->probes, &c->nprobes,
				 sizeof(*c->probes));
	if (!err)
		err = shadowk_inject_list(ctx, c->id, &c->injects,
					  &c->ninjects, sizeof(*c->injects));
	return err;
}

static bool prom_any_return(const struct prom_clone *cs, size_t n)
{
	size_t i, k;

	for (i = 0; i < n; i++)
		for (k = 0; k < cs[i].nprobes; k++)
			if (cs[i].probes[k].flags & SHADOWK_PROBE_RETURN)
				return true;
	return false;
}

/* The return-probe counter @field of every clone's return probes. */
static void prom_latency_counters(const struct prom_clone *cs, size_t n,
				  const char *metric, size_t field)
{
	const struct shadowk_probe_entry *e;
	size_t i, k;

	for (i = 0; i < n; i++)
		for (k = 0; k < cs[i].nprobes; k++) {
			e = &cs[i].probes[k];
			if (e->flags & SHADOWK_PROBE_RETURN)
				prom_counter(&cs[i], metric, e->symbol,
					     *(const __u64 *)((const char *)&e->latency + field));
		}
}

static void prom_write(struct shadowk_ctx *ctx, struct prom_clone *cs,
		       size_t n)
{
	size_t i, k;

	prom_family("shadowk_clone_bound_processes", "gauge",
		    "Processes bound to the clone, alive now.");
	for (i = 0; i < n; i++) {
		printf("shadowk_clone_bound_processes");
		prom_labels(&cs[i], NULL);
		printf("} %llu\n", (unsigned long long)cs[i].info.out_bound_mms);
	}
	prom_family("shadowk_probe_hits_total", "counter",
		    "Calls of the function by the clone's processes.");
	for (i = 0; i < n; i++)
		for (k = 0; k < cs[i].nprobes; k++)
			prom_counter(&cs[i], "shadowk_probe_hits_total",
				     cs[i].probes[k].symbol,
				     cs[i].probes[k].hits);
	if (prom_any_return(cs, n)) {
		prom_family("shadowk_probe_errors_total", "counter",
			    "Returns of a negative errno seen by a return probe.");
		prom_latency_counters(cs, n, "shadowk_probe_errors_total",
				      offsetof(struct shadowk_latency, errors));
		prom_family("shadowk_probe_missed_total", "counter",
			    "Calls a return probe could not time: too many under way.");
		prom_latency_counters(cs, n, "shadowk_probe_missed_total",
				      offsetof(struct shadowk_latency, missed));
		prom_family("shadowk_probe_duration_seconds", "histogram",
			    "Time from the function's entry to its return.");
		for (i = 0; i < n; i++)
			for (k = 0; k < cs[i].nprobes; k++)
				if (cs[i].probes[k].flags & SHADOWK_PROBE_RETURN)
					/* Removed meanwhile: no histogram. */
					prom_histogram(ctx, &cs[i],
						       &cs[i].probes[k]);
	}
	prom_family("shadowk_inject_calls_total", "counter",
		    "Calls by the clone's processes that the injection's policy was asked about.");
	for (i = 0; i < n; i++)
		for (k = 0; k < cs[i].ninjects; k++)
			prom_counter(&cs[i], "shadowk_inject_calls_total",
				     cs[i].injects[k].symbol,
				     cs[i].injects[k].calls);
	prom_family("shadowk_inject_failures_total", "counter",
		    "Calls the injection made fail.");
	for (i = 0; i < n; i++)
		for (k = 0; k < cs[i].ninjects; k++)
			prom_counter(&cs[i], "shadowk_inject_failures_total",
				     cs[i].injects[k].symbol,
				     cs[i].injects[k].injected);
}

int tool_prometheus(struct shadowk_ctx *ctx, const __u32 *ids, size_t n)
{
	struct prom_clone *cs;
	size_t i, live = 0;
	int ret = EXIT_OK;

	cs = calloc(n ? n : 1, sizeof(*cs));
	if (!cs)
		return tool_call_err(-ENOMEM, "prometheus");
	for (i = 0; i < n; i++) {
		cs[live].id = ids[i];
		/* Destroyed since it was named: it has no samples. */
		if (!prom_load(ctx, &cs[live])) {
			live++;
		} else {
			free(cs[live].probes);
			free(cs[live].injects);
			memset(&cs[live], 0, sizeof(cs[live]));
		}
	}
	prom_write(ctx, cs, live);
	for (i = 0; i < live; i++) {
		free(cs[i].probes);
		free(cs[i].injects);
	}
	free(cs);
	if (fflush(stdout) || ferror(stdout))
		ret = tool_err(EXIT_FAIL, "cannot write the metrics: %s",
			       strerror(errno));
	return ret;
}
