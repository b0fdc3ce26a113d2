/*
 * The message layout of the shared-segment ping-pong tests: tests/guests/
 * shm_peer.c (ELF guests) and tests/linux-guest/xls-ping.c (a Linux guest's
 * user space) speak it at the start of a segment.
 */
#ifndef TESTS_SHM_RING_H
#define TESTS_SHM_RING_H

#include <stdint.h>

#define SHM_RING_TEXT 48

struct shm_ring {
	volatile uint64_t ping_seq, pong_seq; /* the last message sent, the last answered */
	volatile uint64_t done; /* the pinger has sent its last */
	char text[SHM_RING_TEXT]; /* "ping N", then "ping-pong done N" */
	char pong_text[SHM_RING_TEXT]; /* "pong N" */
};

#endif
