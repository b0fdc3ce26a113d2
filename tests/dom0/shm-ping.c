/*
 * shm-ping [-n ROUNDS] [-w WAIT_MS] SEGMENT DOMID: dom0's end of the
 * shared-segment ping-pong (tests/shm-ring.h) against an ELF guest's
 * shm_peer.elf role=pong (Documentation/composition.md). Through
 * libxl-lite it attaches SEGMENT (which DOMID has too) to dom0, maps its
 * first page and clears the ring there (an earlier run's messages), connects
 * a channel between dom0 and DOMID, sends ROUNDS messages ("ping N") and
 * waits for each answer (XL_IOCTL_EVENT_WAIT: an interrupt of dom0's
 * kernel), checking its text ("pong N") and its order; then writes
 * "ping-pong done N", closes the channel, unmaps and detaches.
 *
 * Its result, for the tests and make bench:
 *   shm-ping: N round trips with dDOMID through 'SEGMENT', one-way C TSC cycles
 *   (U us by CLOCK_MONOTONIC), E error(s)
 *   shm-ping: exits during the rounds: dDOMID G (G/s), d0 D (D/s), in T us (...)
 * (one-way: a round trip halved, averaged; the TSC is the node's, dom0's
 * RDTSC is not intercepted; the exits and T from the hypervisor's domain
 * list just before the first message and after the last answer). Exit 0 when every round was answered in order
 * with the right text, 1 otherwise, 2 for bad arguments.
 *
 * The guest writes the ring at any time: its sequence number is only
 * compared, its text copied out and cut at the field's end before it is
 * looked at, and a guest that never answers, or notifies without
 * answering, is given up on after WAIT_MS a message.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <x86intrin.h>

#include "libxl-lite.h"
#include "../shm-ring.h"

#define RING_BYTES 4096 /* the ring sits in the segment's first page */

#define LIST_MAX 128 /* domains read from XL_SYSCTL_DOMAIN_LIST */

/* Exits so far, and dom0's age: the hypervisor's clock, not dom0's (TCG can run it fast) */
struct exits_sample {
	uint64_t guest, dom0, hv_us;
};

struct run {
	struct xl_handle h;
	const char *segment;
	uint32_t domid, port, wait_ms;
	uint64_t rounds, answered, errors;
	uint64_t cycles, ns; /* summed round trips */
	struct exits_sample before, after; /* around the rounds */
};

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static int lib_failed(struct run *r, const char *what)
{
	char msg[256];

	printf("shm-ping: %s: %s\n", what, xl_error_message(&r->h.err, msg, sizeof(msg)));
	return -1;
}

/* The guest's and dom0's exits from the hypervisor's domain list: 0, or -1. */
static int sample_exits(struct run *r, struct exits_sample *s)
{
	static struct xl_domain_info doms[LIST_MAX];
	int n = xl_domain_list(&r->h, doms, LIST_MAX), found = 0;

	if (n < 0)
		return lib_failed(r, "domain list");
	for (int i = 0; i < n && i < LIST_MAX; i++) {
		if (doms[i].domid == 0) {
			s->dom0 = doms[i].exits;
			s->hv_us = doms[i].uptime_us;
			found |= 1;
		} else if (doms[i].domid == r->domid) {
			s->guest = doms[i].exits;
			found |= 2;
		}
	}
	if (found == 3)
		return 0;
	printf("shm-ping: d0 or d%u not in the domain list\n", r->domid);
	return -1;
}

/* The guest's text, copied once and cut at the field's end; unprintable bytes as '?'. */
static void guest_text(const volatile char *field, char out[SHM_RING_TEXT])
{
	for (size_t i = 0; i < SHM_RING_TEXT; i++) {
		char c = field[i];

		out[i] = (c && (c < ' ' || c > '~')) ? '?' : c;
	}
	out[SHM_RING_TEXT - 1] = '\0';
}

/*
 * Until the guest answered message i: 0, or -1 when it answered another
 * (out of order) or nothing within wait_ms. A notification without an
 * answer (a stale one, coalesced earlier) only makes it look again.
 */
static int await_answer(struct run *r, struct shm_ring *ring, uint64_t i)
{
	uint64_t deadline = now_ns() + (uint64_t)r->wait_ms * 1000000u;

	for (;;) {
		uint64_t seq = __atomic_load_n(&ring->pong_seq, __ATOMIC_ACQUIRE), now, left_ms;

		if (seq == i)
			return 0;
		if (seq != i - 1) {
			printf("shm-ping: message %llu answered as %llu\n", (unsigned long long)i,
			       (unsigned long long)seq);
			return -1;
		}
		now = now_ns();
		if (now >= deadline) {
			printf("shm-ping: no answer to message %llu after %u ms\n", (unsigned long long)i, r->wait_ms);
			return -1;
		}
		left_ms = (deadline - now) / 1000000u + 1;
		if (xl_event_wait(&r->h, r->port, left_ms < r->wait_ms ? (uint32_t)left_ms : r->wait_ms) &&
		    r->h.err.err != ETIMEDOUT && r->h.err.err != EINTR)
			return lib_failed(r, "event wait");
	}
}

/* The rounds over a mapped ring; stops at the first round not answered in order. */
static void play(struct run *r, struct shm_ring *ring)
{
	char want[SHM_RING_TEXT], got[SHM_RING_TEXT];

	if (sample_exits(r, &r->before)) {
		r->errors++;
		return;
	}
	for (uint64_t i = 1; i <= r->rounds; i++) {
		uint64_t t0 = now_ns(), c0 = __rdtsc();

		snprintf(ring->text, SHM_RING_TEXT, "ping %llu", (unsigned long long)i);
		__atomic_store_n(&ring->ping_seq, i, __ATOMIC_RELEASE);
		if (xl_event_send(&r->h, r->port)) {
			r->errors++;
			lib_failed(r, "send");
			return;
		}
		if (await_answer(r, ring, i)) {
			r->errors++;
			return;
		}
		r->cycles += __rdtsc() - c0;
		r->ns += now_ns() - t0;
		r->answered = i;
		snprintf(want, sizeof(want), "pong %llu", (unsigned long long)i);
		guest_text(ring->pong_text, got);
		if (strcmp(got, want)) {
			r->errors++;
			printf("shm-ping: answer %llu reads '%s'\n", (unsigned long long)i, got);
		}
	}
	if (sample_exits(r, &r->after))
		r->errors++;
	snprintf(ring->text, SHM_RING_TEXT, "ping-pong done %llu", (unsigned long long)r->rounds);
	__atomic_store_n(&ring->done, 1, __ATOMIC_RELEASE);
	if (xl_event_send(&r->h, r->port)) {
		r->errors++;
		lib_failed(r, "send (done)");
	}
}

/* Attach, map, connect; play; then undo each in reverse. */
static int run(struct run *r)
{
	struct shm_ring *ring;
	uint32_t guest_port;
	uint64_t gpa;
	int rc = -1;

	if (xl_open(&r->h))
		return lib_failed(r, "open");
	if (xl_shm_attach(&r->h, r->segment, 0, 0, &gpa)) {
		lib_failed(r, "attach");
		goto close;
	}
	ring = xl_map(&r->h, gpa, RING_BYTES, true);
	if (!ring) {
		lib_failed(r, "map");
		goto detach;
	}
	/* a fresh ring for the guest, which reads it only once it has a channel */
	memset((void *)ring, 0, sizeof(*ring));
	if (xl_event_connect(&r->h, 0, r->domid, &r->port, &guest_port)) {
		lib_failed(r, "connect");
		goto unmap;
	}
	printf("shm-ping: '%s' at %#llx; d0 port %u <-> d%u port %u\n", r->segment, (unsigned long long)gpa,
	       r->port, r->domid, guest_port);
	fflush(stdout);
	play(r, ring);
	rc = 0;
	if (xl_event_close(&r->h, r->port))
		rc = lib_failed(r, "close");
unmap:
	xl_unmap(ring, RING_BYTES);
detach:
	/* unmapped first: /dev/xenlite refuses to detach a segment a process maps */
	if (xl_shm_detach(&r->h, r->segment, 0))
		rc = lib_failed(r, "detach");
close:
	xl_close(&r->h);
	return rc;
}

static int number(const char *s, unsigned long long max, unsigned long long *out)
{
	char *end;

	errno = 0;
	*out = strtoull(s, &end, 10);
	return errno || end == s || *end || *out > max ? -1 : 0;
}

int main(int argc, char **argv)
{
	struct run r = { .rounds = 200, .wait_ms = 30000 };
	unsigned long long v;
	int i = 1;

	for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
		if (!strcmp(argv[i], "-n") && !number(argv[i + 1], 1000000000, &v) && v)
			r.rounds = v;
		else if (!strcmp(argv[i], "-w") && !number(argv[i + 1], XL_IOCTL_EVENT_MAX_WAIT_MS, &v) && v)
			r.wait_ms = (uint32_t)v;
		else
			break;
	}
	if (argc - i != 2 || number(argv[i + 1], UINT32_MAX, &v)) {
		fprintf(stderr, "usage: shm-ping [-n ROUNDS] [-w WAIT_MS] SEGMENT DOMID\n");
		return 2;
	}
	r.segment = argv[i];
	r.domid = (uint32_t)v;
	if (run(&r))
		return 1;
	printf("shm-ping: %llu round trips with d%u through '%s', one-way %llu TSC cycles (%llu us by "
	       "CLOCK_MONOTONIC), %llu error(s)\n",
	       (unsigned long long)r.answered, r.domid, r.segment,
	       (unsigned long long)(r.answered ? r.cycles / r.answered / 2 : 0),
	       (unsigned long long)(r.answered ? r.ns / r.answered / 2 / 1000 : 0), (unsigned long long)r.errors);
	if (r.after.hv_us > r.before.hv_us) {
		uint64_t us = r.after.hv_us - r.before.hv_us, guest = r.after.guest - r.before.guest,
			 dom0 = r.after.dom0 - r.before.dom0;

		printf("shm-ping: exits during the rounds: d%u %llu (%llu/s), d0 %llu (%llu/s), in %llu us "
		       "(the hypervisor's clock)\n",
		       r.domid, (unsigned long long)guest, (unsigned long long)(guest * 1000000 / us),
		       (unsigned long long)dom0, (unsigned long long)(dom0 * 1000000 / us), (unsigned long long)us);
	}
	return r.errors || r.answered != r.rounds ? 1 : 0;
}
