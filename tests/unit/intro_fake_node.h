/*
 * A fake node for the introspection module's host tests and fuzz harness
 * (tests/unit/test_introspection.c, tests/fuzz/fuzz_introspection.c): the
 * exports the module's pure parts call - xl_domain_read,
 * xl_domain_translate, xl_domain_kick, xl_tsc_khz, xl_exit_reason_name,
 * xl_zalloc, xl_free - over a few domains with small RAM (a hole in it if
 * asked), and 4 KiB page mappings at one CR3 each.
 */
#ifndef TESTS_INTRO_FAKE_NODE_H
#define TESTS_INTRO_FAKE_NODE_H

#include <stdbool.h>
#include <stdint.h>

#define FAKE_DOMAINS 4
#define FAKE_RAM (64 * 1024) /* each domain's RAM: guest-physical [0, FAKE_RAM) */
#define FAKE_MAPS 8
#define FAKE_TSC_KHZ 2000000

struct fake_domain {
	bool exists;
	uint32_t id;
	uint8_t ram[FAKE_RAM];
	uint64_t hole_start, hole_end; /* [start, end) reads as not RAM */
	uint64_t cr3; /* the one CR3 whose page tables map map[] */
	struct {
		uint64_t va, pa; /* 4 KiB pages */
	} map[FAKE_MAPS];
	unsigned int nr_map;
	unsigned int kicks; /* xl_domain_kick() calls */
	int reads_left; /* > 0: the domain is destroyed after this many more reads (a race) */
};

extern struct fake_domain fake_domains[FAKE_DOMAINS];
extern bool fake_alloc_fails; /* xl_zalloc() answers NULL */

/* No domain, nothing failing. */
void fake_node_reset(void);
/* A domain with this id (RAM filled with a pattern of its id and the address), or NULL when full. */
struct fake_domain *fake_domain_add(uint32_t id);
/* Map the 4 KiB page at va to pa in d's page tables. */
void fake_map(struct fake_domain *d, uint64_t va, uint64_t pa);
/* The byte the pattern puts at gpa of domain id. */
uint8_t fake_ram_byte(uint32_t id, uint64_t gpa);

#endif
