/*
 * Builder for the multiboot2 information structure (Multiboot2 spec 2.0,
 * section 3.6) that xen-lite.efi hands to the hypervisor, and conversion of
 * the UEFI memory map into the multiboot2 memory map tag. Pure C (no EFI
 * headers) so that it is unit-tested on the host (tests/unit/test_efi_mb2.c).
 *
 * Usage: mb2_begin(); add tags; mark = b.len; mb2_add_efi_mmap(); mb2_end().
 * To redo the memory map (ExitBootServices retry) set b.len = mark again.
 */
#ifndef XL_EFI_MB2_H
#define XL_EFI_MB2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MB2_TAG_END 0
#define MB2_TAG_CMDLINE 1
#define MB2_TAG_LOADER_NAME 2
#define MB2_TAG_MODULE 3
#define MB2_TAG_MMAP 6
#define MB2_TAG_FRAMEBUFFER 8
#define MB2_TAG_EFI64_ST 12
#define MB2_TAG_ACPI_OLD 14
#define MB2_TAG_ACPI_NEW 15

#define MB2_MMAP_ENTRY_SIZE 24
#define MB2_FB_TYPE_RGB 1

/* UEFI memory types (UEFI 2.10 table 7-6), without the EFI headers. */
enum {
	XL_EFI_RESERVED = 0,
	XL_EFI_LOADER_CODE = 1,
	XL_EFI_LOADER_DATA = 2,
	XL_EFI_BS_CODE = 3,
	XL_EFI_BS_DATA = 4,
	XL_EFI_RT_CODE = 5,
	XL_EFI_RT_DATA = 6,
	XL_EFI_CONVENTIONAL = 7,
	XL_EFI_UNUSABLE = 8,
	XL_EFI_ACPI_RECLAIM = 9,
	XL_EFI_ACPI_NVS = 10,
	XL_EFI_MMIO = 11,
	XL_EFI_MMIO_PORT = 12,
	XL_EFI_PAL_CODE = 13,
	XL_EFI_PERSISTENT = 14,
};
#define XL_EFI_MEMORY_SP 0x40000ULL /* "specific purpose" attribute: not general RAM */

/* Layout of an EFI_MEMORY_DESCRIPTOR (the stride is the firmware's desc_size). */
#define XL_EFI_MD_TYPE 0
#define XL_EFI_MD_PHYS 8
#define XL_EFI_MD_PAGES 24
#define XL_EFI_MD_ATTR 32
#define XL_EFI_MD_MIN_SIZE 40

struct mb2_buf {
	uint8_t *base; /* 8-byte aligned */
	uint32_t cap;
	uint32_t len; /* bytes used so far (a multiple of 8) */
	bool overflow; /* a tag did not fit; mb2_end() fails */
};

struct mb2_fb {
	uint64_t addr;
	uint32_t pitch, width, height;
	uint8_t bpp;
	uint8_t red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
};

void mb2_begin(struct mb2_buf *b, void *mem, uint32_t cap);
void mb2_add_string(struct mb2_buf *b, uint32_t type, const char *s);
void mb2_add_module(struct mb2_buf *b, uint32_t start, uint32_t end, const char *cmdline);
/* Tag 15 (len 36, ACPI 2.0+) or 14 (len 20, ACPI 1.0) with a copy of the RSDP. */
void mb2_add_rsdp(struct mb2_buf *b, const void *rsdp, uint32_t len);
void mb2_add_framebuffer(struct mb2_buf *b, const struct mb2_fb *fb);
void mb2_add_efi64(struct mb2_buf *b, uint64_t system_table);

/* Multiboot2 memory type for a UEFI memory type and attributes. */
uint32_t mb2_mem_type(uint32_t efi_type, uint64_t attr);

/* Bytes the memory map tag needs at most for n UEFI descriptors. */
uint32_t mb2_mmap_tag_bound(size_t n);

/*
 * Append the memory map tag converted from a UEFI memory map (map_size
 * bytes, stride desc_size). Entries are sorted by address and adjacent
 * entries of the same type merged; empty descriptors are dropped. Returns 0,
 * or -1 (and sets overflow) when the buffer is too small or desc_size < 40.
 */
int mb2_add_efi_mmap(struct mb2_buf *b, const void *map, size_t map_size, size_t desc_size);

/* Append the end tag and write total_size. Returns 0, or -1 on overflow. */
int mb2_end(struct mb2_buf *b);

#endif
