/*
 * Fuzz xen-lite.efi's check of the hypervisor ELF image it embeds and its
 * load plan (arch/x86_64/efi/efi_image.c, xl_img_plan()).
 *
 * Input: the image.
 */
#include "../../arch/x86_64/efi/efi_image.h"

#include <string.h>

#include "support.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct xl_img_plan plan;
	char msg[160];

	if (xl_img_plan(data, size, &plan, msg, sizeof(msg))) {
		FUZZ_CHECK(memchr(msg, '\0', sizeof(msg)) && msg[0], "no reason given");
		return 0;
	}
	/* what efi_main.c relies on to copy and jump */
	FUZZ_CHECK(plan.seg_count >= 1 && plan.seg_count <= XL_IMG_MAX_SEGMENTS, "%u segments",
		   plan.seg_count);
	FUZZ_CHECK(plan.range_count >= 1 && plan.range_count <= plan.seg_count, "%u ranges",
		   plan.range_count);
	for (unsigned int i = 0; i < plan.seg_count; i++) {
		const struct xl_img_segment *s = &plan.seg[i];

		FUZZ_CHECK(s->filesz <= s->memsz && s->offset <= size && s->filesz <= size - s->offset,
			   "segment %u outside the file", i);
		FUZZ_CHECK(s->paddr >= plan.lowest && s->paddr + s->memsz <= plan.highest,
			   "segment %u outside the span", i);
		FUZZ_CHECK(i == 0 || plan.seg[i - 1].paddr + plan.seg[i - 1].memsz <= s->paddr,
			   "segments %u and %u overlap", i - 1, i);
	}
	for (unsigned int i = 0; i < plan.range_count; i++) {
		const struct xl_img_range *r = &plan.range[i];

		FUZZ_CHECK(r->start % XL_IMG_PAGE_SIZE == 0 && r->pages, "range %u", i);
		FUZZ_CHECK(i == 0 || plan.range[i - 1].start + plan.range[i - 1].pages *
							     XL_IMG_PAGE_SIZE < r->start,
			   "ranges %u and %u touch or overlap", i - 1, i);
	}
	FUZZ_CHECK(plan.lowest >= plan.hdr.load_start && plan.highest <= plan.hdr.bss_end,
		   "segments outside the header's range");
	FUZZ_CHECK(plan.header_offset + sizeof(plan.hdr) <= size, "header past the end");
	return 0;
}
