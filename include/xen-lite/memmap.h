/* Normalizing a firmware memory map into sorted, non-overlapping, merged regions. */
#ifndef XEN_LITE_MEMMAP_H
#define XEN_LITE_MEMMAP_H

#include <xen-lite/boot_info.h>

/*
 * Sort the regions, resolve overlaps (where regions overlap, the more
 * restrictive type wins: bad > reserved > ACPI NVS > ACPI reclaimable >
 * available, and a warning names both), merge neighbours of the same type,
 * drop empty regions, and shrink available regions to whole pages. Works in
 * place; at most cap entries are written. Returns the new count, or -ENOSPC
 * if the result would not fit (the map is then left unchanged).
 */
int memmap_normalize(struct mem_region *r, unsigned int count, unsigned int cap);

/* Sum of the sizes of the regions of one type. */
uint64_t memmap_total(const struct mem_region *r, unsigned int count, uint32_t type);

/* End (exclusive) of the highest region of any type other than reserved/bad. */
uint64_t memmap_top(const struct mem_region *r, unsigned int count);

/* End (exclusive) of the highest region of any type. */
uint64_t memmap_end(const struct mem_region *r, unsigned int count);

const char *memmap_type_name(uint32_t type);

/* Which type wins where regions overlap (higher wins): bad > reserved > NVS > ACPI > available. */
int memmap_type_rank(uint32_t type);

#endif
