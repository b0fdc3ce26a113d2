/*
 * The guest pool and nested page tables as shared segments see them, for
 * their host test and the hypercall fuzz harness (tests/unit/test_shm.c,
 * tests/fuzz/fuzz_hypercall.c): phys_alloc_aligned(), phys_free() and
 * phys_free_pages() over a few MiB at FAKE_POOL_HPA, whose memory is junk
 * until allocated and again once freed; and a record of the mappings made
 * into domains that refuses overlaps as the real tables do.
 *
 * A phys_free() of something not allocated so is a bug of the code under
 * test: it prints why and aborts.
 */
#ifndef TESTS_UNIT_FAKE_POOL_H
#define TESTS_UNIT_FAKE_POOL_H

#include <stdbool.h>
#include <stdint.h>

#include <xen-lite/addr.h>

struct domain;

#define FAKE_POOL_HPA (1ULL << 40)
#define FAKE_POOL_MAX_PAGES 2560 /* 10 MiB */
#define FAKE_POOL_JUNK 0xa5

extern bool fake_pool_no_2m; /* blocks larger than 4 KiB refused: memory fragmented */
extern int fake_pool_allocs_left; /* allocations that may still succeed; < 0: no limit */

/* pages of pool (at most FAKE_POOL_MAX_PAGES), all free and junk; the knobs off */
void fake_pool_reset(unsigned int pages);
uint64_t fake_pool_used_pages(void);
/* [hpa, hpa + size) is all allocated */
bool fake_pool_allocated(hpa_t hpa, uint64_t size);
/* the pool's memory at pa, NULL when pa is not in it */
void *fake_pool_virt(uint64_t pa);

#define FAKE_MAPS_MAX 4096

struct fake_mapping {
	struct domain *d;
	uint64_t gpa, size;
	hpa_t hpa;
	unsigned int perms;
};

extern struct fake_mapping fake_maps[FAKE_MAPS_MAX];
extern unsigned int fake_nr_maps;

/* Record a mapping; -EEXIST where d has something (RAM below mem_end, a BAR, a mapping). */
int fake_npt_map(struct domain *d, uint64_t gpa, hpa_t hpa, uint64_t size, unsigned int perms);
/* Take d's mappings within [gpa, gpa + size) away; the bytes taken. *cut: one crossed an edge (kept). */
uint64_t fake_npt_unmap(struct domain *d, uint64_t gpa, uint64_t size, bool *cut);
/* d's page tables are gone: its mappings are forgotten */
void fake_npt_forget(const struct domain *d);
unsigned int fake_npt_count(const struct domain *d);

#endif
