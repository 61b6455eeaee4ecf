/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Forked workers for the selftests: a child that waits for a go byte, then
 * runs one step function a fixed number of times (or until told to stop),
 * with its progress and results in memory the parent shares.  The parent
 * never sleeps to synchronise: it waits for the child's own counters,
 * with a bound.
 */
#ifndef SHADOWK_WORKER_H
#define SHADOWK_WORKER_H

#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "shadowk_test.h"

#define SK_WORKER_MAX_STEPS	(1L << 26)
#define SK_WORKER_RESULTS	8

struct sk_shared {
	volatile int ready;		/* the child waits for the go byte */
	volatile long steps;		/* steps done */
	volatile int stop;		/* set by the parent */
	long result[SK_WORKER_RESULTS];	/* the step function's to use */
	unsigned char bits[1 << 16];	/* per-step outcomes, if wanted */
};

/* One step: @i counts from 0.  Nonzero ends the worker with that code. */
typedef int (*sk_step_fn)(long i, struct sk_shared *sh);

struct sk_worker {
	pid_t pid;
	struct sk_shared *sh;
	long steps;		/* 0: until told to stop */
};

static inline double sk_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static inline int sk_worker_ready(struct sk_worker *w, double seconds)
{
	double end = sk_now() + seconds;

	while (!w->sh->ready && sk_now() < end)
		sched_yield();
	return w->sh->ready;
}

static inline struct sk_worker sk_worker_start(int go_fd, long steps,
					       sk_step_fn step)
{
	struct sk_worker w = { -1, NULL, steps };
	long limit = steps ? steps : SK_WORKER_MAX_STEPS;

	w.sh = mmap(NULL, sizeof(*w.sh), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (w.sh == MAP_FAILED) {
		w.sh = NULL;
		return w;
	}
	w.pid = fork();
	if (w.pid == 0) {
		char c;
		long i;
		int rc, fd;

		/* Hold nothing of the parent's: /dev/shadowk pins the module. */
		for (fd = 3; fd < 1024; fd++)
			if (fd != go_fd)
				close(fd);
		/* The C library's own start-up calls are behind us. */
		w.sh->ready = 1;
		if (read(go_fd, &c, 1) != 1)
			_exit(120);
		for (i = 0; i < limit && !w.sh->stop; i++) {
			rc = step(i, w.sh);
			if (rc)
				_exit(rc);
			w.sh->steps = i + 1;
		}
		_exit(0);
	}
	/* Bound, or counted, from here on: let it reach read() first. */
	if (w.pid > 0 && !sk_worker_ready(&w, 60))
		w.pid = -1;
	return w;
}

/* Wait until the worker has done @steps steps: 1, or 0 if it died or
 * @seconds passed first.
 */
static inline int sk_worker_reach(struct sk_worker *w, long steps,
				  double seconds)
{
	double end = sk_now() + seconds;

	while (w->sh->steps < steps) {
		if (waitpid(w->pid, NULL, WNOHANG) == w->pid) {
			w->pid = -1;
			return 0;
		}
		if (sk_now() > end)
			return 0;
		sched_yield();
	}
	return 1;
}

/*
 * Reap it, after its last step, or at once if it runs until told to stop:
 * its exit code, or 128 + signal, or -1.
 */
static inline int sk_worker_finish(struct sk_worker *w)
{
	int status;

	if (w->pid <= 0)
		return -1;
	if (!w->steps)
		w->sh->stop = 1;
	if (waitpid(w->pid, &status, 0) != w->pid)
		return -1;
	w->pid = -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) :
				   128 + WTERMSIG(status);
}

static inline void sk_worker_free(struct sk_worker *w)
{
	if (w->pid > 0) {
		kill(w->pid, SIGKILL);
		waitpid(w->pid, NULL, 0);
	}
	if (w->sh)
		munmap(w->sh, sizeof(*w->sh));
	w->sh = NULL;
}

/*
 * Two workers of @steps steps of @step, started on one go byte once the
 * first (*@bound) is bound to clone @id and the second (*@unbound) is
 * not, so that they make the same calls at the same time; then reaped.
 * 0 when both exited 0.  The caller frees them (their shared pages hold
 * what the step function recorded).
 */
static inline int sk_worker_pair(int fd, __u32 id, long steps, sk_step_fn step,
				 struct sk_worker *bound,
				 struct sk_worker *unbound)
{
	int go[2], rc = -1;

	*bound = *unbound = (struct sk_worker){ -1, NULL, steps };
	if (pipe(go))
		return -1;
	*bound = sk_worker_start(go[0], steps, step);
	*unbound = sk_worker_start(go[0], steps, step);
	if (bound->pid > 0 && unbound->pid > 0 &&
	    !sk_bind(fd, id, bound->pid, 0) && write(go[1], "gg", 2) == 2) {
		rc = sk_worker_finish(bound);
		rc |= sk_worker_finish(unbound);
	}
	close(go[0]);
	close(go[1]);
	return rc;
}

#endif
