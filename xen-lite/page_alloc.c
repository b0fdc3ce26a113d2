/* Bitmap page allocator (see include/xen-lite/page_alloc.h). */
#include <xen-lite/assert.h>
#include <xen-lite/errno.h>
#include <xen-lite/log.h>
#include <xen-lite/page_alloc.h>
#include <xen-lite/string.h>

static uint64_t bitmap_words(uint64_t pages)
{
	return (pages + 63) / 64;
}

uint64_t page_alloc_bitmap_bytes(const struct mem_region *map, unsigned int count)
{
	uint64_t bytes = 0;

	for (unsigned int i = 0; i < count; i++)
		if (map[i].type == MEM_AVAILABLE)
			bytes += bitmap_words(map[i].size >> PAGE_SHIFT) * 8;
	return bytes;
}

static bool test_bit(const struct page_range *r, uint64_t i)
{
	return (r->bitmap[i / 64] >> (i % 64)) & 1;
}

static void set_bits(struct page_range *r, uint64_t first, uint64_t n, bool used)
{
	for (uint64_t i = first; i < first + n; i++) {
		uint64_t mask = 1ULL << (i % 64);

		if (used)
			r->bitmap[i / 64] |= mask;
		else
			r->bitmap[i / 64] &= ~mask;
	}
}

/* True when pages [first, first + n) of r are all free; *skip_to tells where to retry. */
static bool run_is_free(const struct page_range *r, uint64_t first, uint64_t n, uint64_t *busy)
{
	uint64_t i = first + n;

	while (i > first) {
		i--;
		/* whole free words are skipped 64 pages at a time */
		if (i % 64 == 63 && i - first >= 63 && r->bitmap[i / 64] == 0) {
			i -= 63;
			continue;
		}
		if (test_bit(r, i)) {
			*busy = i;
			return false;
		}
	}
	return true;
}

int page_alloc_init(struct page_allocator *pa, const struct mem_region *map, unsigned int count,
		    uint64_t *bitmap)
{
	int err = 0;

	memset(pa, 0, sizeof(*pa));
	for (unsigned int i = 0; i < count; i++) {
		struct page_range *r;
		uint64_t base = map[i].base, pages = map[i].size >> PAGE_SHIFT;

		if (map[i].type != MEM_AVAILABLE || !pages)
			continue;
		if (base == 0) { /* page 0 is never handed out: 0 means failure */
			base += PAGE_SIZE;
			pages--;
		}
		if (!pages)
			continue;
		if (pa->count == PAGE_ALLOC_MAX_RANGES) {
			log_warn("page_alloc: more than %d memory regions, [%#llx-%#llx) left unused\n",
				 PAGE_ALLOC_MAX_RANGES, (unsigned long long)base,
				 (unsigned long long)(base + (pages << PAGE_SHIFT)));
			err = -ENOSPC;
			continue;
		}
		r = &pa->ranges[pa->count++];
		r->base = base;
		r->pages = pages;
		r->bitmap = bitmap;
		r->free = pages;
		memset(bitmap, 0, bitmap_words(pages) * 8);
		/* bits past the end of the range stay set so they are never found free */
		for (uint64_t b = pages; b < bitmap_words(pages) * 64; b++)
			bitmap[b / 64] |= 1ULL << (b % 64);
		bitmap += bitmap_words(pages);
		pa->total_pages += pages;
		pa->free_pages += pages;
	}
	return err;
}

static uint64_t range_end(const struct page_range *r)
{
	return r->base + (r->pages << PAGE_SHIFT);
}

static void mark_range(struct page_allocator *pa, uint64_t start, uint64_t end, bool used)
{
	for (unsigned int i = 0; i < pa->count; i++) {
		struct page_range *r = &pa->ranges[i];
		uint64_t lo = MAX(start, r->base), hi = MIN(end, range_end(r));

		if (lo >= hi)
			continue;
		for (uint64_t p = (lo - r->base) >> PAGE_SHIFT; p < (hi - r->base) >> PAGE_SHIFT; p++) {
			if (test_bit(r, p) == used)
				continue;
			set_bits(r, p, 1, used);
			r->free += used ? -1 : 1;
			pa->free_pages += used ? -1 : 1;
		}
	}
}

void page_alloc_reserve(struct page_allocator *pa, uint64_t start, uint64_t end)
{
	if (end <= start)
		return;
	/* rounding up past the last page would wrap to 0; nothing is managed up there */
	end = end > ALIGN_DOWN(UINT64_MAX, PAGE_SIZE) ? ALIGN_DOWN(UINT64_MAX, PAGE_SIZE) :
						      ALIGN_UP(end, PAGE_SIZE);
	spin_lock(&pa->lock);
	mark_range(pa, ALIGN_DOWN(start, PAGE_SIZE), end, true);
	spin_unlock(&pa->lock);
}

static uint64_t search_range(struct page_range *r, uint64_t size, uint64_t align, uint64_t lo,
			     uint64_t hi)
{
	uint64_t first = MAX(lo, r->base), last = MIN(hi, range_end(r));
	uint64_t n = size >> PAGE_SHIFT;
	uint64_t cand, busy;

	if (last < first || last - first < size)
		return 0;
	cand = ALIGN_DOWN(last - size, align);
	while (cand >= first) {
		uint64_t idx = (cand - r->base) >> PAGE_SHIFT;

		if (run_is_free(r, idx, n, &busy)) {
			set_bits(r, idx, n, true);
			r->free -= n;
			return cand;
		}
		/* the next candidate must end at or below the busy page */
		busy = r->base + (busy << PAGE_SHIFT);
		if (busy < first + size)
			break;
		cand = ALIGN_DOWN(busy - size, align);
	}
	return 0;
}

uint64_t page_alloc_range(struct page_allocator *pa, uint64_t size, uint64_t align, uint64_t lo,
			  uint64_t hi)
{
	uint64_t addr = 0;

	ASSERT(size && IS_ALIGNED(size, PAGE_SIZE));
	ASSERT(align >= PAGE_SIZE && (align & (align - 1)) == 0);
	spin_lock(&pa->lock);
	if ((size >> PAGE_SHIFT) <= pa->free_pages) {
		for (unsigned int i = pa->count; i-- > 0 && !addr;)
			addr = search_range(&pa->ranges[i], size, align, lo, hi);
	}
	if (addr)
		pa->free_pages -= size >> PAGE_SHIFT;
	spin_unlock(&pa->lock);
	return addr;
}

static bool all_used(struct page_allocator *pa, uint64_t addr, uint64_t size)
{
	uint64_t end = addr + size, covered = 0;

	for (unsigned int i = 0; i < pa->count; i++) {
		struct page_range *r = &pa->ranges[i];
		uint64_t lo = MAX(addr, r->base), hi = MIN(end, range_end(r));

		for (uint64_t a = lo; a < hi; a += PAGE_SIZE) {
			if (!test_bit(r, (a - r->base) >> PAGE_SHIFT))
				return false;
			covered += PAGE_SIZE;
		}
	}
	return covered == size;
}

bool page_alloc_is_used(struct page_allocator *pa, uint64_t addr, uint64_t size)
{
	bool used;

	spin_lock(&pa->lock);
	used = all_used(pa, addr, size);
	spin_unlock(&pa->lock);
	return used;
}

void page_free(struct page_allocator *pa, uint64_t addr, uint64_t size)
{
	ASSERT(IS_ALIGNED(addr, PAGE_SIZE) && IS_ALIGNED(size, PAGE_SIZE) && size);
	spin_lock(&pa->lock);
	ASSERT_MSG(all_used(pa, addr, size), "page_free(%#llx, %#llx): not an allocated block",
		   (unsigned long long)addr, (unsigned long long)size);
	mark_range(pa, addr, addr + size, false);
	spin_unlock(&pa->lock);
}

uint64_t page_alloc_claim_lowest(struct page_allocator *pa, uint64_t bytes,
				 void (*fn)(uint64_t start, uint64_t end, void *ctx), void *ctx)
{
	uint64_t want = bytes >> PAGE_SHIFT, got = 0;

	spin_lock(&pa->lock);
	/* ranges are kept in ascending order (they come from a sorted map) */
	for (unsigned int i = 0; i < pa->count && got < want; i++) {
		struct page_range *r = &pa->ranges[i];

		for (uint64_t p = 0; p < r->pages && got < want;) {
			uint64_t n = 0;

			if (test_bit(r, p)) {
				p++;
				continue;
			}
			while (p + n < r->pages && got + n < want && !test_bit(r, p + n))
				n++;
			set_bits(r, p, n, true);
			r->free -= n;
			pa->free_pages -= n;
			got += n;
			spin_unlock(&pa->lock);
			fn(r->base + (p << PAGE_SHIFT), r->base + ((p + n) << PAGE_SHIFT), ctx);
			spin_lock(&pa->lock);
			p += n;
		}
	}
	spin_unlock(&pa->lock);
	return got << PAGE_SHIFT;
}
