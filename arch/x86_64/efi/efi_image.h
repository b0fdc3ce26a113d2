/*
 * Validation of the hypervisor ELF image embedded in xen-lite.efi and the
 * plan for loading it: which bytes go where, and which physical pages must
 * be claimed from the firmware. Pure C (no EFI headers) so that it is
 * unit-tested on the host (tests/unit/test_efi_image.c).
 */
#ifndef XL_EFI_IMAGE_H
#define XL_EFI_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xen-lite/image_header.h>

#define XL_IMG_MAX_SEGMENTS 16
#define XL_IMG_HEADER_WINDOW (32 * 1024) /* the header lives in the file's first 32 KiB */
#define XL_IMG_PAGE_SIZE 4096ULL

struct xl_img_segment {
	uint64_t offset; /* in the file */
	uint64_t paddr;
	uint64_t filesz;
	uint64_t memsz;
};

/* A run of whole pages to allocate at exactly this physical address. */
struct xl_img_range {
	uint64_t start; /* page aligned */
	uint64_t pages;
};

struct xl_img_plan {
	struct xl_img_segment seg[XL_IMG_MAX_SEGMENTS]; /* sorted by paddr, memsz > 0 */
	unsigned int seg_count;
	struct xl_img_range range[XL_IMG_MAX_SEGMENTS]; /* sorted, disjoint, non-adjacent */
	unsigned int range_count;
	uint64_t lowest, highest; /* physical span [lowest, highest) of all segments */
	uint64_t header_offset; /* where the xl_image_header is in the file */
	struct xl_image_header hdr;
};

/*
 * Check the ELF64 file at image[0..size) and the xen-lite image header in
 * it; fill *plan. Returns 0, or -1 with a human readable reason in
 * msg[0..msg_len) (e.g. "PT_LOAD segment 2 runs past the end of the file").
 */
int xl_img_plan(const void *image, size_t size, struct xl_img_plan *plan, char *msg, size_t msg_len);

#endif
