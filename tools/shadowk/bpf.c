// SPDX-License-Identifier: GPL-2.0
/*
 * shadowk bpf attach | list | detach: BPF kprobe programs from a libbpf
 * object file, run at a clone's sites for its processes only.
 *
 * Sections follow libbpf's own names, so an object written for a kprobe
 * works unchanged: SEC("kprobe/FUNC") runs at FUNC's entry and
 * SEC("kretprobe/FUNC") at its return.  The tool loads the object, pins
 * its maps when asked, and attaches every program; the attachments hold
 * the programs (and so their maps) after the tool exits.  Either every
 * program is attached or none is.
 */

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "main.h"

/* At most this many programs in one object: the module's limit is 1024. */
#define BPF_MAX_PROGS	64

struct bpf_target {
	struct bpf_program *prog;
	const char *section;
	char func[SHADOWK_SYMBOL_LEN];
	bool ret;
	__u32 id;
	__u32 prog_id;
};

/* libbpf's warnings (the verifier's log among them), not its chatter. */
static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	if (level == LIBBPF_DEBUG && !tool.debug)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

/* "kprobe/FUNC" or "kretprobe/FUNC" to FUNC; false for anything else. */
static bool parse_section(const char *sec, struct bpf_target *t)
{
	const char *func;

	if (!strncmp(sec, "kprobe/", 7)) {
		func = sec + 7;
		t->ret = false;
	} else if (!strncmp(sec, "kretprobe/", 10)) {
		func = sec + 10;
		t->ret = true;
	} else {
		return false;
	}
	/* A scoped site is a function's entry: no offsets. */
	if (!*func || strchr(func, '+') || strlen(func) >= sizeof(t->func))
		return false;
	strcpy(t->func, func);
	t->section = sec;
	return true;
}

static int attach_err(int err, const struct bpf_target *t)
{
	switch (err) {
	case -EBUSY:
		return tool_err(EXIT_FAIL,
				"%s: the clone has a %s program on '%s' already (one each at entry and return)",
				bpf_program__name(t->prog),
				t->ret ? "return" : "entry", t->func);
	case -EOPNOTSUPP:
		return tool_err(EXIT_FAIL, t->ret ?
				"%s: refused: the program is sleepable or calls bpf_override_return(), or the kernel has no rethook for return programs" :
				"%s: refused: the program is sleepable or calls bpf_override_return() (inject set fails a call)",
				bpf_program__name(t->prog));
	case -EINVAL:
		return tool_err(EXIT_FAIL,
				"%s: refused: not a plain kprobe program (it has an expected attach type)",
				bpf_program__name(t->prog));
	default:
		return tool_func_err(err, t->func);
	}
}

static void target_json(struct json *j, __u32 clone_id,
			const struct bpf_target *t)
{
	json_obj_begin(j, NULL);
	json_u64(j, "id", t->id);
	json_u64(j, "clone", clone_id);
	json_str(j, "program", bpf_program__name(t->prog));
	json_str(j, "section", t->section);
	json_str(j, "function", t->func);
	json_bool(j, "return", t->ret);
	json_u64(j, "prog_id", t->prog_id);
	json_obj_end(j);
}

/* Find the object's programs and check every section before loading. */
static int attach_targets(struct bpf_object *obj, const char *path,
			  struct bpf_target *t, size_t *n)
{
	struct bpf_program *prog;

	*n = 0;
	bpf_object__for_each_program(prog, obj) {
		if (*n == BPF_MAX_PROGS)
			return tool_err(EXIT_FAIL, "%s: more than %d programs",
					path, BPF_MAX_PROGS);
		if (!parse_section(bpf_program__section_name(prog), &t[*n]))
			return tool_err(EXIT_FAIL,
					"%s: program %s is in section '%s', not kprobe/FUNC or kretprobe/FUNC",
					path, bpf_program__name(prog),
					bpf_program__section_name(prog));
		t[(*n)++].prog = prog;
	}
	if (!*n)
		return tool_err(EXIT_FAIL, "%s has no programs", path);
	return EXIT_OK;
}

static int bpf_attach_cmd(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "pin", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	struct bpf_target t[BPF_MAX_PROGS];
	struct bpf_prog_info info;
	struct bpf_object *obj;
	struct shadowk_ctx *ctx = NULL;
	const char *pin = NULL, *path;
	bool pinned = false;
	size_t i, n = 0, done = 0;
	__u32 clone_id, len;
	int c, err, ret;
	struct json *j;

	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			pin = optarg;
			break;
		default:
			return tool_bad_option(argv, c);
		}
	}
	if (argc - optind != 2)
		return tool_usage_err("takes CLONE and one OBJ.o");
	path = argv[optind + 1];

	/* Said once, by us: libbpf would also warn of a missing file. */
	if (access(path, R_OK))
		return tool_err(EXIT_FAIL, "cannot open %s: %s", path,
				strerror(errno));
	libbpf_set_print(libbpf_print);
	obj = bpf_object__open_file(path, NULL);
	err = libbpf_get_error(obj);
	if (err)
		return tool_err(EXIT_FAIL, "cannot open %s: %s", path,
				strerror(-err));
	ret = attach_targets(obj, path, t, &n);
	if (ret)
		goto out;
	ret = tool_open_clone(&ctx, argv[optind], &clone_id);
	if (ret)
		goto out;
	err = bpf_object__load(obj);
	if (err) {
		ret = tool_err(err == -EPERM ? EXIT_NO_PERM : EXIT_FAIL,
			       "cannot load %s: %s", path, strerror(-err));
		goto out;
	}
	if (pin) {
		err = bpf_object__pin_maps(obj, pin);
		if (err) {
			ret = tool_err(EXIT_FAIL, "cannot pin %s's maps in %s: %s (a directory on bpffs, such as /sys/fs/bpf/NAME)",
				       path, pin, strerror(-err));
			goto out;
		}
		pinned = true;
	}
	for (done = 0; done < n; done++) {
		SHADOWK_OPTS(bpf, bopts,
			     .flags = t[done].ret ? SHADOWK_BPF_RETURN : 0);
		int fd = bpf_program__fd(t[done].prog);

		err = shadowk_bpf_attach(ctx, clone_id, t[done].func, fd,
					 &bopts, &t[done].id);
		if (err) {
			ret = attach_err(err, &t[done]);
			goto out;
		}
		memset(&info, 0, sizeof(info));
		len = sizeof(info);
		if (!bpf_obj_get_info_by_fd(fd, &info, &len))
			t[done].prog_id = info.id;
	}

	if (tool.json) {
		j = tool_json();
		json_arr_begin(j, NULL);
		for (i = 0; i < n; i++)
			target_json(j, clone_id, &t[i]);
		json_arr_end(j);
		tool_json_done();
	} else {
		for (i = 0; i < n; i++)
			printf("bpf %u: %s (prog id %u) at the %s of %s in clone %u\n",
			       t[i].id, bpf_program__name(t[i].prog),
			       t[i].prog_id, t[i].ret ? "return" : "entry",
			       t[i].func, clone_id);
		if (pinned)
			printf("maps pinned in %s\n", pin);
	}
out:
	/* All or nothing: what was attached before a failure goes. */
	if (ret) {
		for (i = 0; i < done; i++)
			shadowk_bpf_detach(ctx, t[i].id, NULL);
		if (pinned)
			bpf_object__unpin_maps(obj, pin);
	}
	shadowk_unref(ctx);
	bpf_object__close(obj);
	return ret;
}

static void entry_json(struct json *j, const struct shadowk_bpf_entry *e)
{
	bool ret = e->flags & SHADOWK_BPF_RETURN;

	json_obj_begin(j, NULL);
	json_u64(j, "id", e->bpf_id);
	json_str(j, "function", e->symbol);
	json_bool(j, "return", ret);
	json_u64(j, "prog_id", e->prog_id);
	json_str(j, "program", e->prog_name);
	json_hex(j, "site", e->site);
	json_u64(j, "runs", e->runs);
	json_u64(j, "missed", e->missed);
	if (ret)
		tool_latency_json(j, &e->latency);
	json_obj_end(j);
}

static int bpf_list_cmd(int argc, char **argv)
{
	struct shadowk_bpf_entry *e;
	struct shadowk_ctx *ctx;
	struct json *j;
	size_t i, n;
	__u32 id;
	int err, ret;

	ret = tool_open_one_clone(argc, argv, &ctx, &id);
	if (ret)
		return ret;
	err = shadowk_bpf_list(ctx, id, &e, &n, sizeof(*e));
	shadowk_unref(ctx);
	if (err)
		return tool_call_err(err, "cannot list BPF programs");
	if (tool.json) {
		j = tool_json();
		json_arr_begin(j, NULL);
		for (i = 0; i < n; i++)
			entry_json(j, &e[i]);
		json_arr_end(j);
		tool_json_done();
	} else if (!n) {
		printf("clone %u has no BPF programs\n", id);
	} else {
		printf("%6s %-6s %8s %-16s %12s %8s  %s\n", "ID", "AT",
		       "PROG_ID", "PROGRAM", "RUNS", "MISSED", "FUNCTION");
		for (i = 0; i < n; i++)
			printf("%6u %-6s %8u %-16s %12llu %8llu  %s\n",
			       e[i].bpf_id,
			       e[i].flags & SHADOWK_BPF_RETURN ? "return" : "entry",
			       e[i].prog_id, e[i].prog_name,
			       (unsigned long long)e[i].runs,
			       (unsigned long long)e[i].missed, e[i].symbol);
	}
	free(e);
	return EXIT_OK;
}

/* Does @arg, an ID or a FUNC, name attachment @e? */
static bool entry_named(const struct shadowk_bpf_entry *e, const char *arg)
{
	unsigned long long v;

	if (tool_parse_u64(arg, UINT32_MAX, &v))
		return e->bpf_id == v;
	return !strcmp(e->symbol, arg);
}

static int bpf_detach_cmd(int argc, char **argv)
{
	SHADOWK_RESULT(bpf_detach, d);
	struct shadowk_bpf_entry *e = NULL;
	struct shadowk_ctx *ctx;
	struct json *j = NULL;
	bool *del = NULL, any;
	size_t i, n = 0;
	__u32 id;
	int a, err, ret;

	if (argc < 3)
		return tool_usage_err("takes CLONE and ID|FUNC...");
	ret = tool_open_clone(&ctx, argv[1], &id);
	if (ret)
		return ret;
	err = shadowk_bpf_list(ctx, id, &e, &n, sizeof(*e));
	if (err) {
		ret = tool_call_err(err, "cannot list BPF programs");
		goto out;
	}
	del = calloc(n + 1, sizeof(*del));
	if (!del) {
		ret = tool_call_err(-ENOMEM, "bpf detach");
		goto out;
	}
	/* Every argument must name an attachment before any goes. */
	for (a = 2; a < argc && !ret; a++) {
		for (any = false, i = 0; i < n; i++)
			if (entry_named(&e[i], argv[a]))
				any = del[i] = true;
		if (!any)
			ret = tool_err(EXIT_BAD_FUNC,
				       "clone %u has no BPF program '%s'", id,
				       argv[a]);
	}
	for (i = 0; i < n && !ret; i++) {
		if (!del[i])
			continue;
		err = shadowk_bpf_detach(ctx, e[i].bpf_id, &d);
		if (err == -ENOENT) {
			del[i] = false;	/* detached meanwhile */
			continue;
		}
		if (err) {
			ret = tool_call_err(err, "cannot detach the program");
			break;
		}
		e[i].runs = d.out_runs;
		e[i].missed = d.out_missed;
	}
	/* Output once every detach is done, so JSON is one document. */
	if (!ret && tool.json) {
		j = tool_json();
		json_arr_begin(j, NULL);
	}
	for (i = 0; i < n && !ret; i++) {
		if (!del[i])
			continue;
		if (j)
			entry_json(j, &e[i]);
		else
			printf("bpf %u: %s at the %s of %s detached, %llu runs, %llu missed\n",
			       e[i].bpf_id, e[i].prog_name,
			       e[i].flags & SHADOWK_BPF_RETURN ? "return" : "entry",
			       e[i].symbol, (unsigned long long)e[i].runs,
			       (unsigned long long)e[i].missed);
	}
	if (j) {
		json_arr_end(j);
		tool_json_done();
	}
out:
	free(del);
	free(e);
	shadowk_unref(ctx);
	return ret;
}

const struct cmd tool_bpf_cmds[] = {
	{ "attach", bpf_attach_cmd, "[--pin DIR] CLONE OBJ.o",
	  "run an object's kprobe/FUNC and kretprobe/FUNC programs for the clone's processes" },
	{ "list", bpf_list_cmd, "CLONE",
	  "the clone's BPF programs and their runs" },
	{ "detach", bpf_detach_cmd, "CLONE ID|FUNC...",
	  "stop BPF programs (all of a FUNC's), with their final run counts" },
	{ NULL },
};
