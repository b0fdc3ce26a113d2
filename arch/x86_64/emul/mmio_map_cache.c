/* Reused mappings of device registers (arch/mmio_map_cache.h). */
#include <arch/mmio_map_cache.h>
#include <xen-lite/arch/mm.h>
#include <xen-lite/spinlock.h>

#define MAX_MAPS 48

static struct mmio_map {
	uint64_t pa, size;
	volatile uint32_t *va;
} maps[MAX_MAPS];
static unsigned int nr_maps;
static spinlock_t maps_lock;

volatile uint32_t *mmio_map_cached(uint64_t pa, uint64_t size)
{
	volatile uint32_t *va = NULL;
	uint64_t flags = spin_lock_irqsave(&maps_lock);

	for (unsigned int i = 0; i < nr_maps && !va; i++)
		if (maps[i].pa <= pa && pa + size <= maps[i].pa + maps[i].size)
			va = maps[i].va + (pa - maps[i].pa) / 4;
	if (!va && nr_maps < MAX_MAPS && (va = arch_mmio_map(pa, size)))
		maps[nr_maps++] = (struct mmio_map){ pa, size, va };
	spin_unlock_irqrestore(&maps_lock, flags);
	return va;
}
