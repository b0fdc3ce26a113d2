/*
 * large_pages: run with a large mem= (1G, 64M). Writes a distinct 64-bit
 * pattern into every 4 KiB page of guest memory (at an offset that varies
 * with the page, so also every 2 MiB and 1 GiB page), except the guest's own
 * image and the start area at the top, then reads them all back: memory is
 * all there, and no two guest-physical pages share a host page. The
 * hypervisor logs which nested-page sizes back the domain
 * ("memory: N MiB in a x 1 GiB, b x 2 MiB, c x 4 KiB pages");
 * tests/qemu/t-guests.sh checks that line.
 */
#include "guest.h"

#define SEED 0x1a29e9a9e5000001ul

static uint64_t pattern(uint64_t addr)
{
	return (addr * 0x9E3779B97F4A7C15ul) ^ SEED;
}

/* the word used in the 4 KiB page at pa: offset 8..4088, varying with the page */
static uint64_t word_addr(uint64_t pa)
{
	return pa + 8 * (1 + ((pa >> 12) * 9) % 511);
}

void guest_main(const struct xl_start_info *si)
{
	const uint64_t img_lo = (uint64_t)(uintptr_t)__image_start, img_hi = (uint64_t)(uintptr_t)__image_end;
	const uint64_t top = si->mem_size - XL_START_AREA_SIZE;
	unsigned long pages = 0, skipped = 0;

	CHECK(si->mem_size >= 4 * PAGE_2M && si->mem_size % PAGE_2M == 0, "mem_size 0x%lx: run with mem=64M or more",
	      si->mem_size);
	gprintf("large_pages: %lu MiB of guest memory, writing every 4 KiB page\n", si->mem_size >> 20);
	for (uint64_t pa = 0; pa < si->mem_size; pa += PAGE_4K) {
		uint64_t a = word_addr(pa);

		if ((a >= img_lo && a < img_hi) || a >= top) {
			skipped++;
			continue;
		}
		*(volatile uint64_t *)(uintptr_t)a = pattern(a);
		pages++;
	}
	for (uint64_t pa = 0; pa < si->mem_size; pa += PAGE_4K) {
		uint64_t a = word_addr(pa);

		if ((a >= img_lo && a < img_hi) || a >= top)
			continue;
		uint64_t v = *(volatile uint64_t *)(uintptr_t)a;

		if (v != pattern(a))
			fail("large_pages: 0x%lx reads 0x%lx, wrote 0x%lx", a, v, pattern(a));
	}
	pass("large_pages: %lu MiB, %lu pages written and read back (%lu skipped: image, start area)",
	     si->mem_size >> 20, pages, skipped);
}
