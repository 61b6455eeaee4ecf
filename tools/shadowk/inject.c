// SPDX-License-Identifier: GPL-2.0
/* shadowk inject set | show | list | del: failures for one clone's processes. */

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

static void entry_json(struct json *j, const struct shadowk_inject_entry *e,
		       bool active)
{
	json_obj_begin(j, NULL);
	json_u64(j, "id", e->inject_id);
	json_u64(j, "clone", e->clone_id);
	json_str(j, "function", e->symbol);
	json_str(j, "policy", policy_name(e->policy));
	json_s64(j, "value", e->value);
	json_str(j, "errno", e->value < 0 && e->value >= -4095 ?
		 tool_errno_name(-e->value) : "");
	json_u64(j, "nth", e->nth);
	json_u64(j, "ppm", e->ppm);
	json_u64_str(j, "seed", e->seed);
	json_bool(j, "force", e->flags & SHADOWK_INJECT_FORCE);
	json_hex(j, "site", e->site);
	json_u64(j, "calls", e->calls);
	json_u64(j, "injected", e->injected);
	json_bool(j, "active", active);
	json_obj_end(j);
}

/* "every 3rd call", "the first 2 calls", "0.5% of calls (seed 7)". */
static void print_policy(const struct shadowk_inject_entry *e)
{
	switch (e->policy) {
	case SHADOWK_INJECT_EVERY_NTH:
		printf("one call in every %llu", (unsigned long long)e->nth);
		break;
	case SHADOWK_INJECT_FIRST_N:
		printf("the first %llu calls", (unsigned long long)e->nth);
		break;
	case SHADOWK_INJECT_PROBABILITY:
		printf("%u ppm of calls (seed %llu)", e->ppm,
		       (unsigned long long)e->seed);
		break;
	default:
		printf("every call");
	}
}

static void entry_print(const struct shadowk_inject_entry *e, const char *what)
{
	printf("%s in clone %u fails with %s, ", e->symbol, e->clone_id,
	       e->value < 0 && e->value >= -4095 ?
	       tool_errno_name(-e->value) : "a forced value");
	print_policy(e);
	printf(": %llu of %llu calls failed%s\n",
	       (unsigned long long)e->injected, (unsigned long long)e->calls,
	       what);
}

/* A FUNC (the name it was set with) or ID argument to the injection's id. */
static int inject_lookup(struct shadowk_ctx *ctx, __u32 clone_id,
			 const char *arg, __u32 *inject_id)
{
	SHADOWK_RESULT(inject_read, r);
	unsigned long long v;
	int err;

	if (tool_parse_u64(arg, UINT32_MAX, &v)) {
		*inject_id = v;
		err = shadowk_inject_read(ctx, *inject_id, &r);
		if (!err && r.out.clone_id != clone_id)
			err = -ENOENT;
	} else {
		err = shadowk_inject_find(ctx, clone_id, arg, inject_id);
	}
	if (err == -ENOENT || err == -EINVAL)
		return tool_err(EXIT_BAD_FUNC, "clone %u has no injection '%s'",
				clone_id, arg);
	if (err)
		return tool_call_err(err, "cannot look up the injection");
	return EXIT_OK;
}

/* inject show and inject del: one injection, read or switched off. */
static int inject_one(int argc, char **argv, bool del)
{
	SHADOWK_RESULT(inject_read, r);
	SHADOWK_RESULT(inject_del, d);
	struct shadowk_ctx *ctx;
	__u32 clone_id, id;
	int err, ret;

	if (argc != 3)
		return tool_usage_err("takes CLONE and FUNC|ID");
	ret = tool_open_clone(&ctx, argv[1], &clone_id);
	if (ret)
		return ret;
	ret = inject_lookup(ctx, clone_id, argv[2], &id);
	if (ret)
		goto out;
	/* Read first even to delete: the report names the policy. */
	err = shadowk_inject_read(ctx, id, &r);
	if (!err && del)
		err = shadowk_inject_del(ctx, id, &d);
	if (err == -ENOENT) {
		ret = tool_err(EXIT_BAD_FUNC, "clone %u has no injection '%s'",
			       clone_id, argv[2]);
		goto out;
	}
	if (err) {
		ret = tool_call_err(err, "cannot read the injection");
		goto out;
	}
	if (del) {
		r.out.calls = d.out_calls;
		r.out.injected = d.out_injected;
	}
	if (tool.json) {
		entry_json(tool_json(), &r.out, !del);
		tool_json_done();
	} else {
		entry_print(&r.out, del ? "; injection switched off" : "");
	}
out:
	shadowk_unref(ctx);
	return ret;
}

static int inject_show(int argc, char **argv)
{
	return inject_one(argc, argv, false);
}

static int inject_del(int argc, char **argv)
{
	return inject_one(argc, argv, true);
}

static int inject_list(int argc, char **argv)
{
	struct shadowk_inject_entry *e;
	struct shadowk_ctx *ctx;
	struct json *j;
	size_t i, n;
	__u32 id;
	int err, ret;

	ret = tool_open_one_clone(argc, argv, &ctx, &id);
	if (ret)
		return ret;
	err = shadowk_inject_list(ctx, id, &e, &n, sizeof(*e));
	shadowk_unref(ctx);
	if (err)
		return tool_call_err(err, "cannot list injections");
	if (tool.json) {
		j = tool_json();
		json_arr_begin(j, NULL);
		for (i = 0; i < n; i++)
			entry_json(j, &e[i], true);
		json_arr_end(j);
		tool_json_done();
	} else if (!n) {
		printf("clone %u has no injections\n", id);
	} else {
		printf("%6s %12s %12s  %-12s %s\n", "ID", "INJECTED", "CALLS",
		       "ERRNO", "FUNCTION, POLICY");
		for (i = 0; i < n; i++) {
			printf("%6u %12llu %12llu  %-12s %s, ", e[i].inject_id,
			       (unsigned long long)e[i].injected,
			       (unsigned long long)e[i].calls,
			       e[i].value < 0 && e[i].value >= -4095 ?
			       tool_errno_name(-e[i].value) : "(forced)",
			       e[i].symbol);
			print_policy(&e[i]);
			printf("\n");
		}
	}
	free(e);
	return EXIT_OK;
}

/* inject set, and 0.1's "inject" whose --off and --show are del and show. */
static int inject_parse(int argc, char **argv, bool old)
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
	char *one[4];
	SHADOWK_OPTS(inject, iopts);
	bool off = false, show = false, seeded = false;
	unsigned long long v;
	struct shadowk_ctx *ctx;
	int c, e = 0, policies = 0, err, ret;
	struct json *j;
	const char *func;
	__u32 id, inject_id = 0;

	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'e':
			e = tool_errno_parse(optarg);
			if (!e)
				return tool_usage_err("'%s' is not an errno (a name like ENOSPC, or a number)",
						      optarg);
			break;
		case 'n':
		case 'f':
			if (!tool_parse_u64(optarg, UINT64_MAX, &v) || !v)
				return tool_usage_err("--%s takes a count of at least 1",
						      c == 'n' ? "every" : "first");
			iopts.policy = c == 'n' ? SHADOWK_INJECT_EVERY_NTH :
				       SHADOWK_INJECT_FIRST_N;
			iopts.nth = v;
			policies++;
			break;
		case 'p':
			if (!parse_percent(optarg, &iopts.ppm))
				return tool_usage_err("--prob takes a percentage above 0 and at most 100 (resolution 0.0001)");
			iopts.policy = SHADOWK_INJECT_PROBABILITY;
			policies++;
			break;
		case 's':
			if (!tool_parse_u64(optarg, UINT64_MAX, &v))
				return tool_usage_err("--seed takes an unsigned 64-bit number");
			iopts.seed = v;
			seeded = true;
			break;
		case 'F':
			iopts.flags |= SHADOWK_INJECT_FORCE;
			break;
		case 'o':
		case 'S':
			if (!old)
				return tool_usage_err("unknown option (--%s is 'inject %s')",
						      c == 'o' ? "off" : "show",
						      c == 'o' ? "del" : "show");
			off |= c == 'o';
			show |= c == 'S';
			break;
		default:
			return tool_bad_option(argv, c);
		}
	}
	if (argc - optind != 2)
		return tool_usage_err("takes CLONE and one FUNC");
	if (!old && !e)
		return tool_usage_err("which errno? (--errno E)");
	if (off + show + !!e != 1)
		return tool_usage_err("give exactly one of --errno, --off and --show");
	if ((off || show) && (policies || seeded || iopts.flags))
		return tool_usage_err("--%s takes no other option",
				      off ? "off" : "show");
	if (policies > 1)
		return tool_usage_err("--every, --first and --prob exclude each other");
	if (seeded && iopts.policy != SHADOWK_INJECT_PROBABILITY)
		return tool_usage_err("--seed goes with --prob");
	iopts.value = -e;
	func = argv[optind + 1];

	if (off || show) {
		one[0] = off ? "del" : "show";
		one[1] = argv[optind];
		one[2] = argv[optind + 1];
		one[3] = NULL;
		return inject_one(3, one, off);
	}

	ret = tool_open_clone(&ctx, argv[optind], &id);
	if (ret)
		return ret;
	err = shadowk_inject_set(ctx, id, func, &iopts, &inject_id);
	if (err) {
		ret = tool_func_err(err, func);
		goto out;
	}
	if (tool.json) {
		j = tool_json();
		json_obj_begin(j, NULL);
		json_u64(j, "id", inject_id);
		json_u64(j, "clone", id);
		json_str(j, "function", func);
		json_str(j, "policy", policy_name(iopts.policy));
		json_s64(j, "value", iopts.value);
		json_str(j, "errno", tool_errno_name(e));
		json_u64(j, "nth", iopts.nth);
		json_u64(j, "ppm", iopts.ppm);
		json_u64_str(j, "seed", iopts.seed);
		json_bool(j, "force", iopts.flags & SHADOWK_INJECT_FORCE);
		json_obj_end(j);
		tool_json_done();
	} else {
		printf("injection %u: %s fails with %s in clone %u", inject_id,
		       func, tool_errno_name(e), id);
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

static int inject_set(int argc, char **argv)
{
	return inject_parse(argc, argv, false);
}

static const struct cmd inject_old_cmd = {
	"inject", NULL,
	"CLONE FUNC --errno E [--every N|--first N|--prob PCT [--seed S]] [--force] | CLONE FUNC --off | CLONE FUNC --show",
	"0.1's spelling of inject set, inject del and inject show",
};

int do_inject_old(int argc, char **argv)
{
	tool.object = "inject";
	tool.cmd = &inject_old_cmd;
	return inject_parse(argc, argv, true);
}

const struct cmd tool_inject_cmds[] = {
	{ "set", inject_set,
	  "CLONE FUNC --errno E [--every N|--first N|--prob PCT [--seed S]] [--force]",
	  "make a kernel function fail for the clone's processes only" },
	{ "show", inject_show, "CLONE FUNC|ID",
	  "one injection and its counts" },
	{ "list", inject_list, "CLONE",
	  "the clone's injections and their counts" },
	{ "del", inject_del, "CLONE FUNC|ID",
	  "switch an injection off, with its final counts" },
	{ NULL },
};
