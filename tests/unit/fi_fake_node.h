/*
 * A fake node for the fault injector's host tests (tests/unit/
 * test_fault_injector.c, test_xl_inject.c): the exports the module's pure
 * parts call - xl_domain_read, xl_domain_write (dom0's RAM only with
 * XL_WRITE_DOM0, as the hypervisor's), xl_domain_kick, xl_tsc_khz - over a
 * few domains with a little RAM each.
 */
#ifndef TESTS_FI_FAKE_NODE_H
#define TESTS_FI_FAKE_NODE_H

#include <stdbool.h>
#include <stdint.h>

#define NODE_DOMAINS 4
#define NODE_RAM 4096

struct node_domain {
	bool exists;
	uint8_t ram[NODE_RAM];
	unsigned int kicks;
};

/* domain i is node[i]; 0 is dom0 */
extern struct node_domain node[NODE_DOMAINS];

/* Every domain there, its RAM a pattern of its id and the address, no kicks; the log capture emptied. */
void node_reset(void);

#endif
