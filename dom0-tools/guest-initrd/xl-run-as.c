/*
 * xl-run-as UID GID COMMAND [ARG...]: the guest's end of `xl-lite run --user`
 * (dom0-tools/xl-run-command.h). Drops from root to the numeric uid and gid -
 * the guest has no passwd, and its busybox's setpriv cannot set ids - with
 * GID as the only supplementary group, then executes COMMAND (searched in
 * PATH). Exit 255 with a message when the ids are wrong or cannot be taken,
 * 127 when COMMAND cannot be found, 126 when it cannot be executed (as sh).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* decimal, 0 to 2^32 - 2: (uid_t)-1 would mean "leave unchanged" */
static bool parse_id(const char *s, unsigned int *id)
{
	char *end;
	unsigned long v;

	if (s[0] < '0' || s[0] > '9')
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > 4294967294ul)
		return false;
	*id = (unsigned int)v;
	return true;
}

int main(int argc, char *argv[])
{
	unsigned int uid, gid;
	gid_t groups[1];

	if (argc < 4 || !parse_id(argv[1], &uid) || !parse_id(argv[2], &gid)) {
		fprintf(stderr, "usage: xl-run-as UID GID COMMAND [ARG...] (decimal ids)\n");
		return 255;
	}
	groups[0] = (gid_t)gid;
	/* groups and gid first: once the uid is not root, they cannot be changed */
	if (setgroups(1, groups) < 0 || setresgid(gid, gid, gid) < 0 || setresuid(uid, uid, uid) < 0) {
		fprintf(stderr, "xl-run-as: %u:%u: %s\n", uid, gid, strerror(errno));
		return 255;
	}
	if (uid != 0 && setuid(0) == 0) {
		fprintf(stderr, "xl-run-as: %u:%u: root could be taken back\n", uid, gid);
		return 255;
	}
	execvp(argv[3], argv + 3);
	fprintf(stderr, "xl-run-as: %s: %s\n", argv[3], strerror(errno));
	return errno == ENOENT ? 127 : 126;
}
