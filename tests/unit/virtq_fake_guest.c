/* A fake guest for the virtqueue host tests (see virtq_fake_guest.h). */
#include <stdlib.h>
#include <string.h>

#include "virtq_fake_guest.h"

static void *fake_at(void *ctx, uint64_t gpa, uint64_t len)
{
	struct fake_guest *g = ctx;

	g->at_calls++;
	if (g->on_at)
		g->on_at(g, gpa, len);
	if (gpa < FG_RAM_BASE || gpa - FG_RAM_BASE >= FG_RAM_SIZE || len > FG_RAM_SIZE - (gpa - FG_RAM_BASE))
		return NULL;
	return g->ram + (gpa - FG_RAM_BASE);
}

void *fg_ptr(struct fake_guest *g, uint64_t gpa)
{
	if (gpa < FG_RAM_BASE || gpa - FG_RAM_BASE >= FG_RAM_SIZE)
		abort();
	return g->ram + (gpa - FG_RAM_BASE);
}

void fg_init(struct fake_guest *g, unsigned int size, bool event_idx)
{
	memset(g, 0, sizeof(*g));
	g->ram = aligned_alloc(4096, FG_RAM_SIZE);
	if (!g->ram)
		abort();
	memset(g->ram, 0, FG_RAM_SIZE);
	g->mem = (struct guest_mem){ .at = fake_at, .ctx = g };
	g->size = size;
	/* desc table, driver ring, device ring: one after the other, aligned */
	g->desc = FG_RAM_BASE;
	g->avail = g->desc + 16ull * size;
	g->used = (g->avail + 6 + 2ull * size + 3) & ~3ull;
	g->next_buf = FG_BUF_BASE;
	virtq_setup(&g->q, size, g->desc, g->avail, g->used, event_idx);
}

void fg_free(struct fake_guest *g)
{
	free(g->ram);
	g->ram = NULL;
}

static void put16(void *p, uint16_t v)
{
	memcpy(p, &v, 2);
}

static uint16_t get16(const void *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return v;
}

void fg_set_desc(struct fake_guest *g, uint16_t i, uint64_t addr, uint32_t len, uint16_t flags,
		 uint16_t next)
{
	uint8_t *p = fg_ptr(g, g->desc + 16ull * i);

	memcpy(p, &addr, 8);
	memcpy(p + 8, &len, 4);
	put16(p + 12, flags);
	put16(p + 14, next);
}

uint64_t fg_alloc(struct fake_guest *g, uint32_t len)
{
	uint64_t addr = g->next_buf;

	g->next_buf = (g->next_buf + len + 7) & ~7ull;
	if (g->next_buf > FG_RAM_BASE + FG_RAM_SIZE)
		abort();
	memset(fg_ptr(g, addr), 0, len);
	return addr;
}

uint16_t fg_chain(struct fake_guest *g, const struct fg_buf *bufs, unsigned int n, uint64_t *addrs)
{
	uint16_t head = g->next_desc;

	for (unsigned int k = 0; k < n; k++) {
		uint16_t i = (uint16_t)((head + k) % g->size);
		uint64_t addr = fg_alloc(g, bufs[k].len);
		uint16_t flags = (bufs[k].writable ? VIRTQ_DESC_F_WRITE : 0) |
				 (k + 1 < n ? VIRTQ_DESC_F_NEXT : 0);

		fg_set_desc(g, i, addr, bufs[k].len, flags, (uint16_t)((i + 1) % g->size));
		if (addrs)
			addrs[k] = addr;
	}
	g->next_desc = (uint16_t)((head + n) % g->size);
	return head;
}

void fg_set_avail_idx(struct fake_guest *g, uint16_t idx)
{
	__atomic_thread_fence(__ATOMIC_RELEASE);
	put16(fg_ptr(g, g->avail + 2), idx);
}

void fg_make_avail(struct fake_guest *g, uint16_t head)
{
	put16(fg_ptr(g, g->avail + 4 + 2ull * (g->avail_idx % g->size)), head);
	fg_set_avail_idx(g, ++g->avail_idx);
}

uint16_t fg_used_idx(struct fake_guest *g)
{
	return get16(fg_ptr(g, g->used + 2));
}

uint16_t fg_used_flags(struct fake_guest *g)
{
	return get16(fg_ptr(g, g->used));
}

void fg_used_elem(struct fake_guest *g, uint16_t slot, uint32_t *id, uint32_t *len)
{
	uint8_t *p = fg_ptr(g, g->used + 4 + 8ull * (slot % g->size));

	memcpy(id, p, 4);
	memcpy(len, p + 4, 4);
}

uint16_t fg_avail_event(struct fake_guest *g)
{
	return get16(fg_ptr(g, g->used + 4 + 8ull * g->size));
}

void fg_set_avail_flags(struct fake_guest *g, uint16_t flags)
{
	put16(fg_ptr(g, g->avail), flags);
}

void fg_set_used_event(struct fake_guest *g, uint16_t event)
{
	put16(fg_ptr(g, g->avail + 4 + 2ull * g->size), event);
}
