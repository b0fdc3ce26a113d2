/*
 * xls-ping ROUNDS [WAIT_MS]: a Linux guest's side of a ping-pong through a
 * shared segment and an event channel (/dev/xenlite-shm,
 * pv-drivers/xenlite-shm/), against tests/guests/shm_peer.c's role=pong
 * (the same struct shm_ring). Maps the guest's first segment, finds its
 * connected port (dom0's xl-lite event-connect), sends ROUNDS messages,
 * waits for each answer (XLS_IOCTL_WAIT: the event arrives as an interrupt
 * of this kernel) and checks its text, then says how long a message took.
 * Prints "xls-ping: PASS ..." or "xls-ping: FAIL ..." (exit 1).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "../../pv-drivers/xenlite-shm/xenlite-shm-ioctl.h"
#include "../shm-ring.h"

#define TEXT_MAX SHM_RING_TEXT

static __attribute__((format(printf, 1, 2), noreturn)) void fail(const char *fmt, ...)
{
	va_list ap;

	fputs("xls-ping: FAIL: ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	exit(1);
}

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* Its connected port (dom0 connected it before the guest ran; looked for a while all the same). */
static uint32_t connected_port(int fd)
{
	for (int tries = 0; tries < 300; tries++) {
		for (uint32_t p = 0; p < XL_EVENT_MAX_PORTS; p++) {
			struct xls_port s = { .port = p };

			if (ioctl(fd, XLS_IOCTL_STATUS, &s) == 0 && s.status.state == XL_EVENT_CONNECTED)
				return p;
		}
		usleep(100000);
	}
	fail("no connected port after 30 s");
}

int main(int argc, char **argv)
{
	struct xls_query q;
	struct xls_port p = { 0 };
	struct shm_ring *r;
	uint64_t rounds = argc > 1 ? strtoull(argv[1], NULL, 10) : 50, t0, total = 0;
	uint32_t wait_ms = argc > 2 ? (uint32_t)strtoul(argv[2], NULL, 10) : 10000;
	int fd = open(XLS_DEVICE_PATH, O_RDWR);

	if (fd < 0)
		fail("%s: %s", XLS_DEVICE_PATH, strerror(errno));
	if (!rounds)
		fail("ROUNDS must be 1 or more");
	if (ioctl(fd, XLS_IOCTL_QUERY, &q) || !q.nr)
		fail("no segment attached (%s)", q.nr ? strerror(errno) : "none");
	r = mmap(NULL, q.maps[0].size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)q.maps[0].gpa);
	if (r == MAP_FAILED)
		fail("mmap of '%s' at %#llx: %s", q.maps[0].name, (unsigned long long)q.maps[0].gpa,
		     strerror(errno));
	p.port = connected_port(fd);
	p.timeout_ms = wait_ms;
	printf("xls-ping: segment '%s', %llu KiB at %#llx; port %u\n", q.maps[0].name,
	       (unsigned long long)q.maps[0].size >> 10, (unsigned long long)q.maps[0].gpa, p.port);
	fflush(stdout);
	for (uint64_t i = 1; i <= rounds; i++) {
		char want[TEXT_MAX];

		t0 = now_ns();
		snprintf(r->text, TEXT_MAX, "ping %llu", (unsigned long long)i);
		__atomic_store_n(&r->ping_seq, i, __ATOMIC_RELEASE);
		if (ioctl(fd, XLS_IOCTL_SEND, &p))
			fail("send %llu: %s", (unsigned long long)i, strerror(errno));
		while (__atomic_load_n(&r->pong_seq, __ATOMIC_ACQUIRE) != i)
			if (ioctl(fd, XLS_IOCTL_WAIT, &p) && errno != EINTR)
				fail("no answer to message %llu: %s", (unsigned long long)i, strerror(errno));
		total += now_ns() - t0;
		snprintf(want, TEXT_MAX, "pong %llu", (unsigned long long)i);
		if (strcmp(r->pong_text, want))
			fail("answer %llu reads '%.*s'", (unsigned long long)i, TEXT_MAX, r->pong_text);
	}
	snprintf(r->text, TEXT_MAX, "ping-pong done %llu", (unsigned long long)rounds);
	__atomic_store_n(&r->done, 1, __ATOMIC_RELEASE);
	ioctl(fd, XLS_IOCTL_SEND, &p);
	printf("xls-ping: PASS: %llu messages answered in order, one-way %llu us\n", (unsigned long long)rounds,
	       (unsigned long long)(total / rounds / 2 / 1000));
	return 0;
}
