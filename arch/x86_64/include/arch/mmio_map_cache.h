/*
 * Mappings of device registers the hypervisor touches again and again
 * (MSI-X tables: a guest's function at each start, dom0's at each enable)
 * are kept and reused: the MMIO mapping area only grows (emul/mmio_map_cache.c).
 */
#ifndef ARCH_MMIO_MAP_CACHE_H
#define ARCH_MMIO_MAP_CACHE_H

#include <xen-lite/types.h>

/* A mapping of [pa, pa + size), uncached: an earlier one that covers it, or a new one. NULL when full. */
volatile uint32_t *mmio_map_cached(uint64_t pa, uint64_t size);

#endif
