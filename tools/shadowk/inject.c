// SPDX-License-Identifier: GPL-2.0
/* shadowk inject: a kernel function that fails for one clone's processes. */

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "main.h"

static const char *const policy_names[] = {
	[SHADOWK_INJECT_ALWAYS] = "always",
	[SHADOWK_INJECT_EVERY_NTH] = "every",
	[SHADOWK_INJECT_FIRST_N] = "first",
	[SHADOWK_INJECT_PROBABILITY] = "probability",
};

static const char *policy_name(__u32 policy)
{
	return policy < sizeof(policy_names) / sizeof(policy_names[0]) ?
	       policy_names[policy] : "?";
}

/* "25", "25%" or "0.5" percent, to parts per million (1 .. 1000000). */
static bool parse_percent(const char *s, __u32 *ppm)
{
	char *end;
	double pct;

	if (!s || !*s || *s == '-' || *s == '+')
		return false;
	errno = 0;
	pct = strtod(s, &end);
	if (errno || end == s || (*end && strcmp(end, "%")) || !isfinite(pct))
		return false;
	if (pct <= 0 || pct > 100)
		return false;
	*ppm = (__u32)llround(pct * SHADOWK_INJECT_PPM / 100);
	return *ppm >= 1;
}

/* The members every inject report starts with, in an opened object. */
static struct json *inject_json(__u32 id, const char *func, __u32 policy,
				__s64 value)
{
	struct json *j = tool_json();

	json_obj_begin(j, NULL);
	json_u64(j, "clone", id);
	json_str(j, "function", func);
	json_str(j, "policy", policy_name(policy));
	json_s64(j, "value", value);
	json_str(j, "errno", value < 0 && value >= -4095 ?
		 tool_errno_name(-value) : "");
	return j;
}

static int inject_show(struct shadowk_ctx *ctx, __u32 id, const char *func,
		       bool off)
{
	struct shadowk_inject_read r;
	struct shadowk_inject_del d;
	struct json *j;
	__u64 calls, injected;
	int err;

	/* Read first even for --off: the report names the policy. */
	err = shadowk_inject_read(ctx, id, func, &r);
	if (!err && off)
		err = shadowk_inject_del(ctx, id, func, &d);
	if (err == -ENOENT)
		return tool_err(EXIT_BAD_FUNC,
				"clone %u has no injection on '%s'", id, func);
	if (err)
		return tool_func_err(err, func);
	calls = off ? d.calls : r.calls;
	injected = off ? d.injected : r.injected;
	if (tool.json) {
		j = inject_json(id, func, r.policy, r.value);
		json_u64(j, "calls", calls);
		json_u64(j, "injected", injected);
		json_bool(j, "active", !off);
		json_obj_end(j);
		tool_json_done();
	} else {
		printf("%s in clone %u: %s %s: %llu of %llu calls failed%s\n",
		       func, id, policy_name(r.policy),
		       r.value < 0 ? tool_errno_name(-r.value) : "",
		       (unsigned long long)injected, (unsigned long long)calls,
		       off ? "; injection switched off" : "");
	}
	return EXIT_OK;
}

int do_inject(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "errno", required_argument, NULL, 'e' },
		{ "every", required_argument, NULL, 'n' },
		{ "first", required_argument, NULL, 'f' },
		{ "prob", required_argument, NULL, 'p' },
		{ "seed", required_argument, NULL, 's' },
		{ "force", no_argument, NULL, 'F' },
		{ "off", no_argument, NULL, 'o' },
		{ "show", no_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 },
	};
	SHADOWK_OPTS(inject, iopts);
	bool off = false, show = false, seeded = false;
	unsigned long long v;
	struct shadowk_ctx *ctx;
	int c, e = 0, policies = 0, err, ret;
	struct json *j;
	const char *func;
	__u32 id;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'e':
			e = tool_errno_parse(optarg);
			if (!e)
				return tool_usage_err("inject",
						      "'%s' is not an errno (a name like ENOSPC, or a number)",
						      optarg);
			break;
		case 'n':
		case 'f':
			if (!tool_parse_u64(optarg, UINT64_MAX, &v) || !v)
				return tool_usage_err("inject",
						      "--%s takes a count of at least 1",
						      c == 'n' ? "every" : "first");
			iopts.policy = c == 'n' ? SHADOWK_INJECT_EVERY_NTH :
				       SHADOWK_INJECT_FIRST_N;
			iopts.nth = v;
			policies++;
			break;
		case 'p':
			if (!parse_percent(optarg, &iopts.ppm))
				return tool_usage_err("inject",
						      "--prob takes a percentage above 0 and at most 100 (resolution 0.0001)");
			iopts.policy = SHADOWK_INJECT_PROBABILITY;
			policies++;
			break;
		case 's':
			if (!tool_parse_u64(optarg, UINT64_MAX, &v))
				return tool_usage_err("inject",
						      "--seed takes an unsigned 64-bit number");
			iopts.seed = v;
			seeded = true;
			break;
		case 'F':
			iopts.flags |= SHADOWK_INJECT_FORCE;
			break;
		case 'o':
			off = true;
			break;
		case 'S':
			show = true;
			break;
		default:
			return tool_usage_err("inject", "unknown option");
		}
	}
	if (argc - optind != 2)
		return tool_usage_err("inject", "takes CLONE and one FUNC");
	if (off + show + !!e != 1)
		return tool_usage_err("inject",
				      "give exactly one of --errno, --off and --show");
	if ((off || show) && (policies || seeded || iopts.flags))
		return tool_usage_err("inject", "--%s takes no other option",
				      off ? "off" : "show");
	if (policies > 1)
		return tool_usage_err("inject",
				      "--every, --first and --prob exclude each other");
	if (seeded && iopts.policy != SHADOWK_INJECT_PROBABILITY)
		return tool_usage_err("inject", "--seed goes with --prob");
	iopts.value = -e;
	func = argv[optind + 1];

	ret = tool_open_clone(&ctx, argv[optind], &id);
	if (ret)
		return ret;
	if (off || show) {
		ret = inject_show(ctx, id, func, off);
		goto out;
	}
	err = shadowk_inject_set(ctx, id, func, &iopts);
	if (err) {
		ret = tool_func_err(err, func);
		goto out;
	}
	if (tool.json) {
		j = inject_json(id, func, iopts.policy, iopts.value);
		json_u64(j, "nth", iopts.nth);
		json_u64(j, "ppm", iopts.ppm);
		json_u64(j, "seed", iopts.seed);
		json_bool(j, "force", iopts.flags & SHADOWK_INJECT_FORCE);
		json_obj_end(j);
		tool_json_done();
	} else {
		printf("%s fails with %s in clone %u", func, tool_errno_name(e), id);
		if (iopts.policy == SHADOWK_INJECT_EVERY_NTH)
			printf(", one call in every %llu",
			       (unsigned long long)iopts.nth);
		else if (iopts.policy == SHADOWK_INJECT_FIRST_N)
			printf(", first %llu calls", (unsigned long long)iopts.nth);
		else if (iopts.policy == SHADOWK_INJECT_PROBABILITY)
			printf(", %u ppm of calls (seed %llu)", iopts.ppm,
			       (unsigned long long)iopts.seed);
		printf("\n");
	}
out:
	shadowk_unref(ctx);
	return ret;
}
