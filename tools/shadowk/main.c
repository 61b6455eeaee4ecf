// SPDX-License-Identifier: GPL-2.0
/*
 * shadowk: the admin tool.  The grammar is bpftool's, "shadowk [OPTIONS]
 * OBJECT COMMAND [ARGS]": global options, the object table, unique
 * prefixes, the spellings of 0.1 as aliases, and help.
 */

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "main.h"

struct tool tool;

static int do_help(int argc, char **argv);

/* An object has commands, or is a command of its own (cmds NULL). */
struct object {
	const char *name;
	const struct cmd *cmds;
	struct cmd self;
	const char *help;
};

static const struct object objects[] = {
	{ "clone", tool_clone_cmds, { NULL },
	  "copies of the kernel's text: create, list, show, destroy" },
	{ "process", tool_process_cmds, { NULL },
	  "processes on clones: bind, unbind, exec, which" },
	{ "probe", tool_probe_cmds, { NULL },
	  "count calls of kernel functions by a clone's processes" },
	{ "inject", tool_inject_cmds, { NULL },
	  "make a kernel function fail for a clone's processes only" },
	{ "bpf", tool_bpf_cmds, { NULL },
	  "BPF kprobe programs that run for a clone's processes only" },
	{ "profile", NULL,
	  { "profile", do_profile,
	    "[--top N] [--syscalls|--funcs FILE] -- CMD [ARG...]",
	    "run a command in a fresh clone and rank the kernel functions it called" },
	  NULL },
	{ "verify", NULL,
	  { "verify", do_verify, "CLONE",
	    "check that a clone differs from the kernel only where it should" },
	  NULL },
	{ "version", NULL,
	  { "version", do_version, "",
	    "this tool, the library, the loaded module and the lockdown mode" },
	  NULL },
	{ "help", NULL,
	  { "help", do_help, "[OBJECT]", "this text, or an object's" },
	  NULL },
};

#define N_OBJECTS (sizeof(objects) / sizeof(objects[0]))

/*
 * shadowk 0.1's spellings, kept for one release (shadowk(8), ALIASES).
 * Matched exactly, never as prefixes.
 */
static const struct {
	const char *old, *object, *cmd;
} aliases[] = {
	{ "create", "clone", "create" },
	{ "destroy", "clone", "destroy" },
	{ "list", "clone", "list" },
	{ "info", "clone", "show" },
	{ "bind", "process", "bind" },
	{ "unbind", "process", "unbind" },
	{ "exec", "process", "exec" },
	{ "stat", "probe", "stat" },
};

static const struct object *object_named(const char *name)
{
	size_t i;

	for (i = 0; i < N_OBJECTS; i++)
		if (!strcmp(objects[i].name, name))
			return &objects[i];
	return NULL;
}

/*
 * The entry @word names: itself, or the one entry it is a prefix of.
 * Entries are @stride bytes apart, each starting with its name; NULL
 * and *ambiguous set when several match.
 */
static const void *match_word(const char *word, const void *table, size_t n,
			      size_t stride, bool *ambiguous)
{
	const void *found = NULL;
	size_t i, len = strlen(word);

	*ambiguous = false;
	for (i = 0; i < n; i++) {
		const void *e = (const char *)table + i * stride;
		const char *name = *(const char *const *)e;

		if (!strcmp(name, word))
			return e;
		if (len && !strncmp(name, word, len)) {
			if (found)
				*ambiguous = true;
			found = e;
		}
	}
	return *ambiguous ? NULL : found;
}

static size_t count_cmds(const struct cmd *cmds)
{
	size_t n = 0;

	while (cmds[n].name)
		n++;
	return n;
}

static void usage(FILE *out)
{
	size_t i;

	fprintf(out, "Usage: %s [OPTIONS] OBJECT COMMAND [ARGS...]\n\n"
		"Objects:\n", tool.prog);
	for (i = 0; i < N_OBJECTS; i++)
		fprintf(out, "  %-8s %s\n", objects[i].name,
			objects[i].cmds ? objects[i].help : objects[i].self.help);
	fprintf(out, "\nOptions, anywhere before '--':\n"
		"  -j, --json      JSON output      -p, --pretty  indented JSON\n"
		"  -d, --debug     the library's log on stderr\n"
		"      --no-load   never load the module\n"
		"  -h, --help      help             -V, --version the tool's version\n"
		"\nCLONE is a clone's id or name.  FUNC is a kernel function's name or\n"
		"its address in hex (0x...).  Objects and commands may be shortened\n"
		"to a unique prefix (%s cl li).  '%s help OBJECT' for its commands,\n"
		"'man 8 shadowk' for everything.\n", tool.prog, tool.prog);
}


static void object_usage(FILE *out, const struct object *o)
{
	size_t i;

	if (!o->cmds) {
		tool_cmd_usage(out, o->name, &o->self);
		return;
	}
	fprintf(out, "Usage: %s %s COMMAND [ARGS...]\n  %s\n\n", tool.prog,
		o->name, o->help);
	for (i = 0; o->cmds[i].name; i++)
		fprintf(out, "  %s %s %s %s\n      %s\n", tool.prog, o->name,
			o->cmds[i].name, o->cmds[i].args, o->cmds[i].help);
}



static int do_help(int argc, char **argv)
{
	const struct object *o;
	bool ambiguous;

	if (argc < 2) {
		usage(stdout);
		return EXIT_OK;
	}
	o = match_word(argv[1], objects, N_OBJECTS, sizeof(*o), &ambiguous);
	if (!o)
		return tool_err(EXIT_USAGE, "%s object '%s' (try: %s help)",
				ambiguous ? "ambiguous" : "unknown", argv[1],
				tool.prog);
	object_usage(stdout, o);
	return EXIT_OK;
}

/*
 * Take the global options out of argv, wherever they are before "--"
 * (after it comes a command of exec or profile, with options of its own).
 * After "profile", a lone -p is profile's PID option, not --pretty.
 * Returns -1 to go on, else an exit code.
 */
static bool names_profile(char **argv, int argc)
{
	const struct object *o;
	bool ambiguous;
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		if (argv[i][0] == '-')
			continue;
		o = match_word(argv[i], objects, N_OBJECTS, sizeof(*o),
			       &ambiguous);
		return o && !strcmp(o->name, "profile");
	}
	return false;
}

static int global_options(int *argcp, char **argv)
{
	int argc = *argcp, i, kept = 1;
	/* profile -p PID, as perf and strace spell it; --pretty still works. */
	bool pid_option = names_profile(argv, argc);
	bool done = false;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (done || a[0] != '-' || !a[1]) {
			argv[kept++] = argv[i];
			continue;
		}
		/* After the object: kept > 1. */
		if (pid_option && kept > 1 && !strcmp(a, "-p")) {
			argv[kept++] = argv[i];
			continue;
		}
		if (!strcmp(a, "--")) {
			done = true;
			argv[kept++] = argv[i];
		} else if (!strcmp(a, "--json")) {
			tool.json = true;
		} else if (!strcmp(a, "--pretty")) {
			tool.json = tool.pretty = true;
		} else if (!strcmp(a, "--debug")) {
			tool.debug = true;
		} else if (!strcmp(a, "--no-load")) {
			tool.no_load = true;
		} else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			argv[kept++] = "--help";
		} else if (!strcmp(a, "--version") || !strcmp(a, "-V")) {
			return tool_print_versions();
		} else if (a[1] != '-' && strspn(a + 1, "jpd") == strlen(a + 1)) {
			/* -j, -p, -d, and any bundle of them (-jp) */
			tool.json |= !!strpbrk(a, "jp");
			tool.pretty |= !!strchr(a, 'p');
			tool.debug |= !!strchr(a, 'd');
		} else {
			argv[kept++] = argv[i];
		}
	}
	argv[kept] = NULL;
	*argcp = kept;
	return -1;
}

static int run(const char *object, const struct cmd *c, int argc,
	       char **argv)
{
	int i;

	tool.object = object;
	tool.cmd = c;
	for (i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		if (!strcmp(argv[i], "--help")) {
			tool_cmd_usage(stdout, object, c);
			return EXIT_OK;
		}
	}
	/* Commands parse with getopt too; each starts afresh, quietly. */
	optind = 0;
	opterr = 0;
	return c->run(argc, argv);
}

static int run_alias(const char *word, int argc, char **argv)
{
	const struct object *o;
	const struct cmd *c;
	size_t i;

	for (i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++) {
		if (strcmp(aliases[i].old, word))
			continue;
		o = object_named(aliases[i].object);
		for (c = o->cmds; strcmp(c->name, aliases[i].cmd); c++)
			;
		return run(o->name, c, argc, argv);
	}
	return -1;
}

int main(int argc, char **argv)
{
	const struct object *o;
	const struct cmd *c;
	bool ambiguous;
	int ret;

	tool.prog = "shadowk";
	ret = global_options(&argc, argv);
	if (ret >= 0)
		return ret;
	if (argc < 2)
		return do_help(0, NULL);
	if (!strcmp(argv[1], "--help")) {
		usage(stdout);
		return EXIT_OK;
	}
	if (argv[1][0] == '-') {
		usage(stderr);
		return tool_err(EXIT_USAGE, "unknown option '%s'", argv[1]);
	}
	ret = run_alias(argv[1], argc - 1, argv + 1);
	if (ret >= 0)
		return ret;
	o = match_word(argv[1], objects, N_OBJECTS, sizeof(*o), &ambiguous);
	if (!o)
		return tool_err(EXIT_USAGE, "%s object '%s' (try: %s help)",
				ambiguous ? "ambiguous" : "unknown", argv[1],
				tool.prog);
	if (!o->cmds)
		return run(o->name, &o->self, argc - 1, argv + 1);
	if (argc < 3 || !strcmp(argv[2], "help") || !strcmp(argv[2], "--help")) {
		object_usage(argc < 3 ? stderr : stdout, o);
		return argc < 3 ? EXIT_USAGE : EXIT_OK;
	}
	c = match_word(argv[2], o->cmds, count_cmds(o->cmds), sizeof(*c),
		       &ambiguous);
	if (!c && !ambiguous && !strcmp(o->name, "inject")) {
		/* "inject CLONE FUNC ...", as 0.1 spelled it. */
		optind = 0;
		opterr = 0;
		return do_inject_old(argc - 1, argv + 1);
	}
	if (!c)
		return tool_err(EXIT_USAGE, "%s command '%s' for %s (try: %s help %s)",
				ambiguous ? "ambiguous" : "unknown", argv[2],
				o->name, tool.prog, o->name);
	return run(o->name, c, argc - 2, argv + 2);
}
