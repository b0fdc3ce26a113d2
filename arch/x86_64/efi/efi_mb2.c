/*
 * Multiboot2 information builder for xen-lite.efi (see efi_mb2.h).
 *
 * Layout (spec 2.0, 3.6): u32 total_size, u32 reserved, then tags, each
 * u32 type, u32 size (without padding) and padded to 8 bytes; the last tag
 * is type 0, size 8. All stores are byte-wise so nothing depends on the
 * alignment of the caller's buffer beyond what the spec requires.
 */
#include "efi_mb2.h"

#include "efi_util.h"

#define ALIGN8(x) (((x) + 7u) & ~7u)

void mb2_begin(struct mb2_buf *b, void *mem, uint32_t cap)
{
	b->base = mem;
	b->cap = cap;
	b->len = 0;
	b->overflow = cap < 8;
	if (!b->overflow) {
		xl_wr32(b->base, 0); /* total_size, set by mb2_end() */
		xl_wr32(b->base + 4, 0);
		b->len = 8;
	}
}

/* Reserve a tag of 'size' bytes (header included); returns NULL on overflow. */
static uint8_t *tag_start(struct mb2_buf *b, uint32_t type, uint32_t size)
{
	uint32_t padded = ALIGN8(size);
	uint8_t *t;

	if (b->overflow || size < 8 || padded < size || padded > b->cap - b->len) {
		b->overflow = true;
		return NULL;
	}
	t = b->base + b->len;
	xl_memzero(t, padded);
	xl_wr32(t, type);
	xl_wr32(t + 4, size);
	b->len += padded;
	return t;
}

void mb2_add_string(struct mb2_buf *b, uint32_t type, const char *s)
{
	uint32_t n = (uint32_t)xl_strlen(s) + 1;
	uint8_t *t = tag_start(b, type, 8 + n);

	if (t)
		xl_memcpy(t + 8, s, n);
}

void mb2_add_module(struct mb2_buf *b, uint32_t start, uint32_t end, const char *cmdline)
{
	uint32_t n = (uint32_t)xl_strlen(cmdline) + 1;
	uint8_t *t = tag_start(b, MB2_TAG_MODULE, 16 + n);

	if (!t)
		return;
	xl_wr32(t + 8, start);
	xl_wr32(t + 12, end);
	xl_memcpy(t + 16, cmdline, n);
}

void mb2_add_rsdp(struct mb2_buf *b, const void *rsdp, uint32_t len)
{
	uint8_t *t = tag_start(b, len >= 36 ? MB2_TAG_ACPI_NEW : MB2_TAG_ACPI_OLD, 8 + len);

	if (t)
		xl_memcpy(t + 8, rsdp, len);
}

void mb2_add_framebuffer(struct mb2_buf *b, const struct mb2_fb *fb)
{
	/* common part is 32 bytes (u16 reserved after the type), RGB colour info 6 */
	uint8_t *t = tag_start(b, MB2_TAG_FRAMEBUFFER, 38);

	if (!t)
		return;
	xl_wr64(t + 8, fb->addr);
	xl_wr32(t + 16, fb->pitch);
	xl_wr32(t + 20, fb->width);
	xl_wr32(t + 24, fb->height);
	t[28] = fb->bpp;
	t[29] = MB2_FB_TYPE_RGB;
	/* t[30..31]: reserved, zero */
	t[32] = fb->red_pos;
	t[33] = fb->red_size;
	t[34] = fb->green_pos;
	t[35] = fb->green_size;
	t[36] = fb->blue_pos;
	t[37] = fb->blue_size;
}

void mb2_add_efi64(struct mb2_buf *b, uint64_t system_table)
{
	uint8_t *t = tag_start(b, MB2_TAG_EFI64_ST, 16);

	if (t)
		xl_wr64(t + 8, system_table);
}

uint32_t mb2_mem_type(uint32_t efi_type, uint64_t attr)
{
	switch (efi_type) {
	case XL_EFI_CONVENTIONAL:
		/* "specific purpose" memory is for drivers that claim it, not general use */
		return (attr & XL_EFI_MEMORY_SP) ? 2 : 1;
	case XL_EFI_LOADER_CODE:
	case XL_EFI_LOADER_DATA:
	case XL_EFI_BS_CODE:
	case XL_EFI_BS_DATA:
		return 1;
	case XL_EFI_ACPI_RECLAIM:
		return 3;
	case XL_EFI_ACPI_NVS:
		return 4;
	case XL_EFI_UNUSABLE:
		return 5;
	default: /* reserved, runtime services, MMIO, PAL, persistent, unknown */
		return 2;
	}
}

uint32_t mb2_mmap_tag_bound(size_t n)
{
	return (uint32_t)ALIGN8(16 + n * MB2_MMAP_ENTRY_SIZE);
}

#define ENT_ADDR 0
#define ENT_LEN 8
#define ENT_TYPE 16

int mb2_add_efi_mmap(struct mb2_buf *b, const void *map, size_t map_size, size_t desc_size)
{
	const uint8_t *md = map;
	size_t n_desc;
	uint32_t n = 0;
	uint8_t *t, *e;

	if (desc_size < XL_EFI_MD_MIN_SIZE) {
		b->overflow = true;
		return -1;
	}
	n_desc = map_size / desc_size;
	if (n_desc > (UINT32_MAX - 16) / MB2_MMAP_ENTRY_SIZE) {
		b->overflow = true;
		return -1;
	}
	t = tag_start(b, MB2_TAG_MMAP, 16 + (uint32_t)n_desc * MB2_MMAP_ENTRY_SIZE);
	if (!t)
		return -1;
	xl_wr32(t + 8, MB2_MMAP_ENTRY_SIZE);
	xl_wr32(t + 12, 0); /* entry_version */
	e = t + 16;

	for (size_t i = 0; i < n_desc; i++, md += desc_size) {
		uint64_t base = xl_rd64(md + XL_EFI_MD_PHYS);
		uint64_t pages = xl_rd64(md + XL_EFI_MD_PAGES);
		uint64_t len;
		uint32_t type = mb2_mem_type(xl_rd32(md + XL_EFI_MD_TYPE), xl_rd64(md + XL_EFI_MD_ATTR));
		uint32_t j;
		uint8_t *slot;

		if (!pages || pages > (UINT64_MAX >> 12))
			continue;
		len = pages << 12;
		if (base + len < base) /* wraps: clamp to the top of the address space */
			len = 0 - base;
		if (!len)
			continue;
		/* insertion sort by base address */
		for (j = n; j > 0 && xl_rd64(e + (j - 1) * MB2_MMAP_ENTRY_SIZE + ENT_ADDR) > base; j--)
			;
		slot = e + j * MB2_MMAP_ENTRY_SIZE;
		for (uint32_t k = n; k > j; k--)
			xl_memcpy(e + k * MB2_MMAP_ENTRY_SIZE, e + (k - 1) * MB2_MMAP_ENTRY_SIZE,
				  MB2_MMAP_ENTRY_SIZE);
		xl_wr64(slot + ENT_ADDR, base);
		xl_wr64(slot + ENT_LEN, len);
		xl_wr32(slot + ENT_TYPE, type);
		xl_wr32(slot + ENT_TYPE + 4, 0);
		n++;
	}

	/* merge neighbours of the same type that touch or overlap */
	if (n) {
		uint32_t out = 0;

		for (uint32_t i = 1; i < n; i++) {
			uint8_t *prev = e + out * MB2_MMAP_ENTRY_SIZE;
			uint8_t *cur = e + i * MB2_MMAP_ENTRY_SIZE;
			uint64_t pbase = xl_rd64(prev + ENT_ADDR), plen = xl_rd64(prev + ENT_LEN);
			uint64_t cbase = xl_rd64(cur + ENT_ADDR), clen = xl_rd64(cur + ENT_LEN);

			if (xl_rd32(prev + ENT_TYPE) == xl_rd32(cur + ENT_TYPE) && cbase <= pbase + plen) {
				if (cbase + clen > pbase + plen)
					xl_wr64(prev + ENT_LEN, cbase + clen - pbase);
				continue;
			}
			out++;
			if (out != i)
				xl_memcpy(e + out * MB2_MMAP_ENTRY_SIZE, cur, MB2_MMAP_ENTRY_SIZE);
		}
		n = out + 1;
	}

	/* shrink the tag to what was used; the padding after it is returned */
	b->len = (uint32_t)(t - b->base) + mb2_mmap_tag_bound(n);
	xl_wr32(t + 4, 16 + n * MB2_MMAP_ENTRY_SIZE);
	return 0;
}

int mb2_end(struct mb2_buf *b)
{
	if (!tag_start(b, MB2_TAG_END, 8))
		return -1;
	xl_wr32(b->base, b->len);
	return 0;
}
