/*
 * Crafted ACPI tables shared by the ACPI host tests: see acpi_fixture.h.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <xen-lite/le.h>

#include "acpi_fixture.h"

/* The most stretches a test's fake memory is made of (test_acpi: low MiB and firmware). */
#define FAKE_MEM_MAX_REGIONS 2

struct fake_region {
	uint64_t base, size;
	uint8_t *buf;
};

static struct fake_region regions[FAKE_MEM_MAX_REGIONS];
static unsigned int region_count;
static void **allocs;
static size_t alloc_count, alloc_cap;

unsigned int fake_map_calls;
uint64_t fake_map_max_len;

/* ---- fake physical memory --------------------------------------------------- */

void fake_mem_add(uint64_t base, uint64_t size)
{
	uint8_t *buf = calloc(1, size);

	assert_non_null(buf);
	assert_true(region_count < FAKE_MEM_MAX_REGIONS);
	regions[region_count++] = (struct fake_region){ base, size, buf };
}

int acpi_fixture_teardown(void **state)
{
	(void)state;
	for (size_t i = 0; i < alloc_count; i++)
		free(allocs[i]);
	free(allocs);
	allocs = NULL;
	alloc_count = alloc_cap = 0;
	for (unsigned int i = 0; i < region_count; i++)
		free(regions[i].buf);
	region_count = 0;
	return 0;
}

void *track_alloc(void *p)
{
	assert_non_null(p);
	if (alloc_count == alloc_cap) {
		alloc_cap = alloc_cap ? alloc_cap * 2 : 256;
		allocs = realloc(allocs, alloc_cap * sizeof(*allocs));
		assert_non_null(allocs);
	}
	allocs[alloc_count++] = p;
	return p;
}

static uint8_t *region_ptr(uint64_t pa, uint64_t len)
{
	for (unsigned int i = 0; i < region_count; i++) {
		struct fake_region *r = &regions[i];

		/* written so that no sum can wrap around */
		if (pa >= r->base && len <= r->size && pa - r->base <= r->size - len)
			return r->buf + (pa - r->base);
	}
	return NULL;
}

const void *fake_map(uint64_t pa, uint64_t len, void *ctx)
{
	const uint8_t *src = region_ptr(pa, len);
	uint8_t *copy;

	(void)ctx;
	fake_map_calls++;
	if (len > fake_map_max_len)
		fake_map_max_len = len;
	if (!src)
		return NULL;
	copy = track_alloc(malloc(len));
	memcpy(copy, src, len);
	return copy;
}

uint8_t *mem(uint64_t pa, uint64_t len)
{
	uint8_t *p = region_ptr(pa, len);

	assert_non_null(p);
	return p;
}

/* ---- table construction ------------------------------------------------------ */

void fix_checksum(uint8_t *p, size_t len, uint8_t *csum)
{
	uint8_t sum = 0;

	*csum = 0;
	for (size_t i = 0; i < len; i++)
		sum = (uint8_t)(sum + p[i]);
	*csum = (uint8_t)(0x100 - sum);
}

static void tb_header(struct tb *b, const char *sig)
{
	memcpy(b->p, sig, 4);
	b->p[8] = 1; /* revision */
	memcpy(b->p + 10, "XLTEST", 6);
	memcpy(b->p + 16, "XLTABLE ", 8);
	b->len = 36;
}

struct tb tb_heap(const char *sig)
{
	struct tb b = { .p = track_alloc(calloc(1, TB_MAX)) };

	tb_header(&b, sig);
	return b;
}

struct tb tb_mem(uint64_t pa, const char *sig)
{
	struct tb b = { .pa = pa, .p = mem(pa, TB_MAX) };

	tb_header(&b, sig);
	return b;
}

void tb_u8(struct tb *b, uint8_t v)
{
	assert_true(b->len + 1 <= TB_MAX);
	b->p[b->len++] = v;
}

void tb_u16(struct tb *b, uint16_t v)
{
	assert_true(b->len + 2 <= TB_MAX);
	le16_put(b->p + b->len, v);
	b->len += 2;
}

void tb_u32(struct tb *b, uint32_t v)
{
	assert_true(b->len + 4 <= TB_MAX);
	le32_put(b->p + b->len, v);
	b->len += 4;
}

void tb_u64(struct tb *b, uint64_t v)
{
	assert_true(b->len + 8 <= TB_MAX);
	le64_put(b->p + b->len, v);
	b->len += 8;
}

void tb_fill(struct tb *b, uint8_t v, uint32_t n)
{
	while (n--)
		tb_u8(b, v);
}

uint64_t tb_end(struct tb *b)
{
	le32_put(b->p + 4, b->len);
	fix_checksum(b->p, b->len, &b->p[9]);
	return b->pa;
}

/* ---- MADT entries -------------------------------------------------------------- */

uint32_t madt_entry(struct tb *b, uint8_t type, uint8_t length)
{
	uint32_t start = b->len;

	tb_u8(b, type);
	tb_u8(b, length);
	return start;
}

uint32_t madt_lapic(struct tb *b, uint8_t uid, uint8_t apic_id, uint32_t flags)
{
	uint32_t start = madt_entry(b, 0, 8);

	tb_u8(b, uid);
	tb_u8(b, apic_id);
	tb_u32(b, flags);
	return start + 4;
}

uint32_t madt_x2apic(struct tb *b, uint32_t x2apic_id, uint32_t flags, uint32_t uid)
{
	uint32_t start = madt_entry(b, 9, 16);

	tb_u16(b, 0); /* reserved */
	tb_u32(b, x2apic_id);
	tb_u32(b, flags);
	tb_u32(b, uid);
	return start + 8;
}

void madt_ioapic(struct tb *b, uint8_t id, uint32_t addr, uint32_t gsi_base)
{
	madt_entry(b, 1, 12);
	tb_u8(b, id);
	tb_u8(b, 0); /* reserved */
	tb_u32(b, addr);
	tb_u32(b, gsi_base);
}

void madt_iso(struct tb *b, uint16_t flags)
{
	madt_entry(b, 2, 10);
	tb_u8(b, 0); /* bus */
	tb_u8(b, 0); /* source */
	tb_u32(b, 2); /* GSI */
	tb_u16(b, flags);
}
