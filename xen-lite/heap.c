/* Size-class heap (see include/xen-lite/heap.h). */
#include <xen-lite/assert.h>
#include <xen-lite/heap.h>
#include <xen-lite/spinlock.h>
#include <xen-lite/string.h>

#define MIN_SHIFT 5
#define MAX_SHIFT 11
#define CLASSES (MAX_SHIFT - MIN_SHIFT + 1)
#define HEADER 16 /* keeps payloads 16-byte aligned */
#define HEAP_MAGIC 0x48454150u
#define PAGE_BYTES 4096

struct block_header {
	uint32_t magic;
	uint32_t class_or_pages; /* < CLASSES: a size class; else bytes of pages >> 12 with BIG_FLAG */
	uint64_t size; /* requested size */
};

struct free_block {
	struct free_block *next;
};

#define BIG_FLAG 0x80000000u

static struct free_block *free_lists[CLASSES];
static const struct heap_page_ops *page_ops;
static spinlock_t heap_lock = SPINLOCK_INIT;
static struct heap_stats stats;

void heap_init_with(const struct heap_page_ops *ops)
{
	page_ops = ops;
	memset(free_lists, 0, sizeof(free_lists));
	memset(&stats, 0, sizeof(stats));
}

static unsigned int class_for(size_t total)
{
	unsigned int c = 0;

	while ((1u << (c + MIN_SHIFT)) < total)
		c++;
	return c;
}

/* Split a fresh page into blocks of one class. */
static bool refill(unsigned int c)
{
	size_t bsize = (size_t)1 << (c + MIN_SHIFT);
	uint8_t *page = page_ops->alloc(PAGE_BYTES);

	if (!page)
		return false;
	for (size_t off = 0; off + bsize <= PAGE_BYTES; off += bsize) {
		struct free_block *b = (struct free_block *)(page + off);

		b->next = free_lists[c];
		free_lists[c] = b;
	}
	return true;
}

static void *alloc_small(size_t total, struct block_header **h)
{
	unsigned int c = class_for(total);
	struct free_block *b;

	if (!free_lists[c] && !refill(c))
		return NULL;
	b = free_lists[c];
	free_lists[c] = b->next;
	*h = (struct block_header *)b;
	(*h)->class_or_pages = c;
	return b;
}

static void *alloc_big(size_t total, struct block_header **h)
{
	uint64_t bytes = ALIGN_UP((uint64_t)total, PAGE_BYTES);
	void *p;

	/* rounding up wrapped, or more pages than class_or_pages can record */
	if (bytes < total || bytes / PAGE_BYTES >= BIG_FLAG)
		return NULL;
	p = page_ops->alloc(bytes);
	if (!p)
		return NULL;
	*h = p;
	(*h)->class_or_pages = BIG_FLAG | (uint32_t)(bytes / PAGE_BYTES);
	return p;
}

void *xl_zalloc(size_t size)
{
	size_t total = size + HEADER;
	struct block_header *h = NULL;
	void *p;

	if (!size || total < size || !page_ops)
		return NULL;
	spin_lock(&heap_lock);
	p = total <= ((size_t)1 << MAX_SHIFT) ? alloc_small(total, &h) : alloc_big(total, &h);
	if (p) {
		h->magic = HEAP_MAGIC;
		h->size = size;
		stats.bytes_in_use += size;
		stats.allocations++;
	}
	spin_unlock(&heap_lock);
	if (!p)
		return NULL;
	memset((uint8_t *)p + HEADER, 0, size);
	return (uint8_t *)p + HEADER;
}

void xl_free(void *ptr)
{
	struct block_header *h;

	if (!ptr)
		return;
	h = (struct block_header *)((uint8_t *)ptr - HEADER);
	ASSERT_MSG(h->magic == HEAP_MAGIC, "xl_free(%p): not a heap block or freed twice", ptr);
	h->magic = 0;
	spin_lock(&heap_lock);
	stats.bytes_in_use -= h->size;
	stats.allocations--;
	if (h->class_or_pages & BIG_FLAG) {
		spin_unlock(&heap_lock);
		page_ops->free(h, (uint64_t)(h->class_or_pages & ~BIG_FLAG) * PAGE_BYTES);
		return;
	}
	{
		uint32_t c = h->class_or_pages;

		((struct free_block *)h)->next = free_lists[c];
		free_lists[c] = (struct free_block *)h;
	}
	spin_unlock(&heap_lock);
}

void heap_get_stats(struct heap_stats *s)
{
	spin_lock(&heap_lock);
	*s = stats;
	spin_unlock(&heap_lock);
}
