/*
 * A fake hypervisor for the host tests of xl-lite's shared memory and event
 * commands (tests/unit/test_xl_shm.c): it stands in for libxl-lite's
 * xl_hypercall() (XL_HC_SHM, XL_HC_EVENT), the domctl calls, the domain
 * list and /dev/xenlite's mmap, keeps the node's domains and segments as
 * the ABI describes them, and logs each call in order.
 */
#ifndef TESTS_SHM_FAKE_NODE_H
#define TESTS_SHM_FAKE_NODE_H

#include <stdbool.h>
#include <stdint.h>

#include "../../dom0-tools/libxl-lite.h"

struct fake_seg {
	bool used;
	struct xl_shm_info info;
	unsigned char *mem; /* what the mmap shows (segments up to 1 MiB) */
};

struct shm_fake_node {
	struct xl_domain_info doms[8];
	unsigned int nr_doms;
	struct fake_seg seg[XL_SHM_MAX_SEGMENTS];
	uint64_t next_gpa[8]; /* per domain id below 8: where its next segment goes */
	uint32_t next_port[8];
	uint64_t dom0_connected; /* dom0's ports with another end */
	char log[8192]; /* "CREATE ring 2M auto\n", "ATTACH ring d3 ro\n", "UNPAUSE d3\n"... */
	/* the next call named fail_call (e.g. "XL_SHM_ATTACH") fails with -fail_err */
	const char *fail_call;
	int fail_err;
	bool bad_gpa; /* ATTACH answers an address no segment can have */
	uint64_t event_ready; /* ports event-wait finds an event on */
	uint64_t dom0_closed; /* dom0's ports event-close freed */
	uint32_t created_flags; /* xl_create_staged()'s request flags */
	uint32_t next_domid;
};

extern struct shm_fake_node fake;

/* An empty node with dom0 and the guests named in names (ids 1, 2, ...), NULL-terminated. */
void fake_reset(const char *const *names);

#endif
