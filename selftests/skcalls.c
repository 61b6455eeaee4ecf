// SPDX-License-Identifier: GPL-2.0
/*
 * skcalls: known system calls, a known number of times, for the shell
 * tests of the tool (which need exact counts no busybox applet promises).
 *
 *   skcalls getppid N          N getppid() calls
 *   skcalls open PATH N        N open+close; prints "ok=A fail=B errno=E"
 *   skcalls asuser UID CMD...  CMD with uid and gid UID and no groups
 *   skcalls getuid             one getuid(); exit 0 if it worked, 1 if it
 *                              failed (an injection), printing either
 */

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long i, n, ok = 0, fail = 0;
	int fd, last = 0;
	uid_t uid;

	if (argc >= 3 && !strcmp(argv[1], "getppid")) {
		n = atol(argv[2]);
		for (i = 0; i < n; i++)
			getppid();
		return 0;
	}
	if (argc >= 4 && !strcmp(argv[1], "open")) {
		n = atol(argv[3]);
		for (i = 0; i < n; i++) {
			fd = open(argv[2], O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
			if (fd < 0) {
				fail++;
				last = errno;
			} else {
				ok++;
				close(fd);
			}
		}
		printf("ok=%ld fail=%ld errno=%s\n", ok, fail,
		       last ? strerrorname_np(last) : "none");
		return 0;
	}
	if (argc >= 2 && !strcmp(argv[1], "getuid")) {
		long r = syscall(SYS_getuid);

		if (r < 0) {
			printf("getuid failed: %s\n", strerrorname_np(errno));
			return 1;
		}
		printf("getuid=%ld euid=%ld\n", r, (long)geteuid());
		return 0;
	}
	if (argc >= 4 && !strcmp(argv[1], "asuser")) {
		uid = atoi(argv[2]);
		if (setgroups(0, NULL) || setgid(uid) || setuid(uid)) {
			perror("skcalls: asuser");
			return 126;
		}
		execvp(argv[3], argv + 3);
		perror("skcalls: exec");
		return 127;
	}
	fprintf(stderr, "usage: skcalls getppid N | open PATH N | asuser UID CMD... | getuid\n");
	return 2;
}
