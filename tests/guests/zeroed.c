/*
 * zeroed: a guest's memory reads as zero, whatever its previous owner left
 * there. With the command line "fill" it writes 0xA5 bytes over all of its
 * memory but page 0, its own image and the start area at the top, then powers off;
 * otherwise it reads every 8-byte word there and passes if all are zero.
 * dom0's xl_test=scrub (dom0-tools/initrd/init) runs "fill", destroys it and
 * creates the checking one of the same size on the same CPU: the
 * hypervisor's top-down allocator hands it the same pages, which are zeroed
 * a step at a time (XL_DOMCTL_PREPARE) or when it starts.
 */
#include "guest.h"

#define FILL 0xA5A5A5A5A5A5A5A5ul

void guest_main(const struct xl_start_info *si)
{
	const uint64_t img_lo = (uint64_t)(uintptr_t)__image_start, img_hi = (uint64_t)(uintptr_t)__image_end;
	const uint64_t top = si->mem_size - XL_START_AREA_SIZE;
	const bool fill = si->cmdline[0] == 'f';
	unsigned long words = 0;

	/* page 0 left out: a null pointer, as far as the compiler knows */
	for (uint64_t a = PAGE_4K; a < top; a += 8) {
		volatile uint64_t *w = (volatile uint64_t *)(uintptr_t)a;

		if (a + 8 > img_lo && a < img_hi)
			continue;
		if (fill)
			*w = FILL;
		else if (*w)
			fail("zeroed: 0x%lx reads 0x%lx, not 0 (a previous owner's data)", a, *w);
		words++;
	}
	if (fill)
		pass("zeroed: filled %lu words of %lu MiB with 0xa5", words, si->mem_size >> 20);
	pass("zeroed: %lu words of %lu MiB all read 0", words, si->mem_size >> 20);
}
