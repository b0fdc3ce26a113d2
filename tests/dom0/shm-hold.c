/*
 * shm-hold GPA BYTES: maps BYTES of one of dom0's shared segments (at its
 * guest-physical address GPA, as xl-lite shm-attach printed it) through
 * /dev/xenlite, read-only, prints "shm-hold: mapped" and its first bytes,
 * then holds the mapping until it is killed (SIGTERM), reading it once a
 * second. dom0-tools/initrd/init's xl_test=shm uses it to show that a
 * segment a process maps cannot be detached from dom0 under it.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv)
{
	unsigned long long gpa, bytes;
	volatile const char *p;
	char *end;
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: shm-hold GPA BYTES\n");
		return 2;
	}
	gpa = strtoull(argv[1], &end, 0);
	bytes = *end ? 0 : strtoull(argv[2], &end, 0);
	if (*end || !bytes) {
		fprintf(stderr, "shm-hold: bad GPA or BYTES\n");
		return 2;
	}
	fd = open("/dev/xenlite", O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "shm-hold: /dev/xenlite: %s\n", strerror(errno));
		return 1;
	}
	p = mmap(NULL, bytes, PROT_READ, MAP_SHARED, fd, (off_t)gpa);
	if (p == MAP_FAILED) {
		fprintf(stderr, "shm-hold: mmap at %#llx: %s\n", gpa, strerror(errno));
		return 1;
	}
	signal(SIGTERM, on_term);
	printf("shm-hold: mapped %llu bytes at %#llx: '%.16s'\n", bytes, gpa, (const char *)p);
	fflush(stdout);
	while (!stop) {
		(void)p[0]; /* dom0 would end here if the segment had gone from under it */
		sleep(1);
	}
	printf("shm-hold: done, '%.16s'\n", (const char *)p);
	return 0;
}
