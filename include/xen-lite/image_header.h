/*
 * A small header inside xen-lite.elf, 8-byte aligned within the first
 * 32 KiB of the file, that tells xen-lite.efi how to enter the hypervisor
 * from 64-bit UEFI state. Multiboot loaders ignore it.
 *
 * Entry contract for entry64 (a physical address): long mode, paging on
 * with an identity map covering the image and the information structure,
 * interrupts disabled, boot services exited, RDI = MULTIBOOT2_BOOTLOADER_MAGIC,
 * RSI = physical address (below 4 GiB) of a multiboot2 information
 * structure. The hypervisor switches to its own GDT and page tables at once.
 */
#ifndef XEN_LITE_IMAGE_HEADER_H
#define XEN_LITE_IMAGE_HEADER_H

#define XL_IMAGE_MAGIC_LO 0x4c4e4558 /* "XENL" */
#define XL_IMAGE_MAGIC_HI 0x31455449 /* "ITE1" */
#define XL_IMAGE_HEADER_VERSION 1

#ifndef __ASSEMBLY__
#include <stdint.h>

struct xl_image_header {
	uint32_t magic_lo, magic_hi; /* "XENLITE1" */
	uint32_t version;
	uint32_t header_size;
	uint64_t entry64; /* physical address of the 64-bit entry */
	uint64_t load_start; /* physical range the PT_LOAD segments occupy */
	uint64_t load_end; /* end of file-backed data */
	uint64_t bss_end; /* end of zero-filled memory */
};
#endif

#endif
