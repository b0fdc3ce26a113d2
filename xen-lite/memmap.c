/* Memory map normalization (see include/xen-lite/memmap.h). */
#include <xen-lite/errno.h>
#include <xen-lite/log.h>
#include <xen-lite/memmap.h>
#include <xen-lite/string.h>

#define MAX_BOUNDARIES (2 * BOOT_MAX_MEM_REGIONS)

/* Higher wins in an overlap: never hand out memory that anyone else claims. */
int memmap_type_rank(uint32_t type)
{
	switch (type) {
	case MEM_AVAILABLE: return 0;
	case MEM_ACPI_RECLAIM: return 1;
	case MEM_ACPI_NVS: return 2;
	case MEM_RESERVED: return 3;
	case MEM_BAD: return 4;
	default: return 3;
	}
}

const char *memmap_type_name(uint32_t type)
{
	switch (type) {
	case MEM_AVAILABLE: return "available";
	case MEM_ACPI_RECLAIM: return "ACPI data";
	case MEM_ACPI_NVS: return "ACPI NVS";
	case MEM_RESERVED: return "reserved";
	case MEM_BAD: return "bad";
	default: return "unknown";
	}
}

static uint64_t region_end(const struct mem_region *r)
{
	/* clamp so a region reaching the top of the address space cannot wrap */
	return r->size > UINT64_MAX - r->base ? UINT64_MAX : r->base + r->size;
}

static void sort_u64(uint64_t *v, unsigned int n)
{
	for (unsigned int i = 1; i < n; i++) {
		uint64_t x = v[i];
		unsigned int j = i;

		for (; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

/* a firmware map of N copies of one region has N^2/2 overlapping pairs: a few say enough */
#define MEMMAP_OVERLAP_WARNINGS 8

static void warn_overlaps(const struct mem_region *r, unsigned int count)
{
	unsigned int overlaps = 0;

	for (unsigned int i = 0; i < count; i++) {
		for (unsigned int j = i + 1; j < count; j++) {
			if (!r[i].size || !r[j].size || r[i].base >= region_end(&r[j]) ||
			    r[j].base >= region_end(&r[i]))
				continue;
			if (overlaps++ < MEMMAP_OVERLAP_WARNINGS)
				log_warn("memmap: [%#llx-%#llx) %s overlaps [%#llx-%#llx) %s; "
					 "the overlap is treated as %s\n",
					 (unsigned long long)r[i].base, (unsigned long long)region_end(&r[i]),
					 memmap_type_name(r[i].type), (unsigned long long)r[j].base,
					 (unsigned long long)region_end(&r[j]), memmap_type_name(r[j].type),
					 memmap_type_name(memmap_type_rank(r[i].type) >= memmap_type_rank(r[j].type) ?
								  r[i].type : r[j].type));
		}
	}
	if (overlaps > MEMMAP_OVERLAP_WARNINGS)
		log_warn("memmap: %u overlapping pairs of regions in all, the first %u shown\n", overlaps,
			 MEMMAP_OVERLAP_WARNINGS);
}

/* The winning type over [lo, hi), or 0 if no region covers it. */
static uint32_t type_at(const struct mem_region *r, unsigned int count, uint64_t lo)
{
	uint32_t best = 0;

	for (unsigned int i = 0; i < count; i++) {
		if (r[i].base <= lo && lo < region_end(&r[i])) {
			uint32_t t = memmap_type_rank(r[i].type) == 3 && r[i].type != MEM_RESERVED ?
					     MEM_RESERVED : r[i].type;

			if (!best || memmap_type_rank(t) > memmap_type_rank(best))
				best = t;
		}
	}
	return best;
}

static void page_align_available(struct mem_region *out, unsigned int *n)
{
	unsigned int w = 0;

	for (unsigned int i = 0; i < *n; i++) {
		struct mem_region m = out[i];

		if (m.type == MEM_AVAILABLE) {
			uint64_t start = ALIGN_UP(m.base, PAGE_SIZE);
			uint64_t end = ALIGN_DOWN(m.base + m.size, PAGE_SIZE);

			/* start < m.base: rounding up wrapped (a fragment of the last page) */
			if (end <= start || start < m.base)
				continue;
			m.base = start;
			m.size = end - start;
		}
		out[w++] = m;
	}
	*n = w;
}

int memmap_normalize(struct mem_region *r, unsigned int count, unsigned int cap)
{
	static uint64_t bounds[MAX_BOUNDARIES];
	static struct mem_region out[MAX_BOUNDARIES];
	unsigned int nb = 0, n = 0;

	if (count > BOOT_MAX_MEM_REGIONS)
		count = BOOT_MAX_MEM_REGIONS;
	warn_overlaps(r, count);
	for (unsigned int i = 0; i < count; i++) {
		if (!r[i].size)
			continue;
		bounds[nb++] = r[i].base;
		bounds[nb++] = region_end(&r[i]);
	}
	sort_u64(bounds, nb);
	for (unsigned int i = 0; i + 1 < nb; i++) {
		uint64_t lo = bounds[i], hi = bounds[i + 1];
		uint32_t t;

		if (lo == hi)
			continue;
		t = type_at(r, count, lo);
		if (!t)
			continue; /* a hole between regions */
		if (n && out[n - 1].type == t && out[n - 1].base + out[n - 1].size == lo)
			out[n - 1].size += hi - lo;
		else
			out[n++] = (struct mem_region){ lo, hi - lo, t };
	}
	page_align_available(out, &n);
	if (n > cap) {
		log_err("memmap: normalized map has %u regions, room for %u\n", n, cap);
		return -ENOSPC;
	}
	memcpy(r, out, n * sizeof(*out));
	return (int)n;
}

uint64_t memmap_total(const struct mem_region *r, unsigned int count, uint32_t type)
{
	uint64_t sum = 0;

	for (unsigned int i = 0; i < count; i++)
		if (r[i].type == type)
			sum += r[i].size;
	return sum;
}

uint64_t memmap_top(const struct mem_region *r, unsigned int count)
{
	uint64_t top = 0;

	for (unsigned int i = 0; i < count; i++)
		if (r[i].type != MEM_RESERVED && r[i].type != MEM_BAD)
			top = MAX(top, region_end(&r[i]));
	return top;
}

uint64_t memmap_end(const struct mem_region *r, unsigned int count)
{
	uint64_t end = 0;

	for (unsigned int i = 0; i < count; i++)
		end = MAX(end, region_end(&r[i]));
	return end;
}
