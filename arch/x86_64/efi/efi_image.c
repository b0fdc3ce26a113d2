/*
 * Hypervisor ELF validation for xen-lite.efi (see efi_image.h).
 *
 * The image is embedded at build time, so a failure here means a broken
 * build rather than an attack, but it is checked as if it were untrusted:
 * everything the loader later copies or jumps to must be proven in bounds.
 * Fields are read byte-wise, so the image needs no particular alignment.
 */
#include "efi_image.h"

#include "efi_util.h"

#define EHDR_SIZE 64
#define PHDR_SIZE 56
#define ET_EXEC 2
#define EM_X86_64 62
#define PT_LOAD 1
#define PHYS_LIMIT (1ULL << 52) /* architectural maximum physical address width */
#define XL_HDR_SIZE sizeof(struct xl_image_header)

static int bad(char *msg, size_t msg_len, const char *why)
{
	struct xl_msg m;

	xl_msg_init(&m, msg, msg_len);
	xl_msg_str(&m, why);
	return -1;
}

static int bad_seg(char *msg, size_t msg_len, unsigned int idx, const char *why)
{
	struct xl_msg m;

	xl_msg_init(&m, msg, msg_len);
	xl_msg_str(&m, "program header ");
	xl_msg_dec(&m, idx);
	xl_msg_str(&m, " (PT_LOAD) ");
	xl_msg_str(&m, why);
	return -1;
}

static int check_ehdr(const uint8_t *p, size_t size, char *msg, size_t msg_len)
{
	if (size < EHDR_SIZE)
		return bad(msg, msg_len, "file too small for an ELF header");
	if (p[0] != 0x7f || p[1] != 'E' || p[2] != 'L' || p[3] != 'F')
		return bad(msg, msg_len, "not an ELF file (bad magic)");
	if (p[4] != 2)
		return bad(msg, msg_len, "not a 64-bit ELF file (EI_CLASS is not ELFCLASS64)");
	if (p[5] != 1)
		return bad(msg, msg_len, "not a little-endian ELF file");
	if (p[6] != 1 || xl_rd32(p + 20) != 1)
		return bad(msg, msg_len, "unknown ELF version");
	if (xl_rd16(p + 16) != ET_EXEC)
		return bad(msg, msg_len, "not an ELF executable (e_type is not ET_EXEC)");
	if (xl_rd16(p + 18) != EM_X86_64)
		return bad(msg, msg_len, "not an x86_64 ELF file (e_machine is not EM_X86_64)");
	if (xl_rd16(p + 54) != PHDR_SIZE)
		return bad(msg, msg_len, "unexpected program header size (e_phentsize is not 56)");
	return 0;
}

static int read_segments(const uint8_t *p, size_t size, struct xl_img_plan *plan, char *msg,
			 size_t msg_len)
{
	uint64_t phoff = xl_rd64(p + 32);
	unsigned int phnum = xl_rd16(p + 56);

	if (phnum == 0 || phnum == 0xffff)
		return bad(msg, msg_len, "no program headers");
	if (phoff > size || (uint64_t)phnum * PHDR_SIZE > size - phoff)
		return bad(msg, msg_len, "program headers run past the end of the file");

	for (unsigned int i = 0; i < phnum; i++) {
		const uint8_t *ph = p + phoff + (uint64_t)i * PHDR_SIZE;
		struct xl_img_segment s;

		if (xl_rd32(ph) != PT_LOAD)
			continue;
		s.offset = xl_rd64(ph + 8);
		s.paddr = xl_rd64(ph + 24);
		s.filesz = xl_rd64(ph + 32);
		s.memsz = xl_rd64(ph + 40);
		if (s.filesz > s.memsz)
			return bad_seg(msg, msg_len, i, "has p_filesz > p_memsz");
		if (s.offset > size || s.filesz > size - s.offset)
			return bad_seg(msg, msg_len, i, "runs past the end of the file");
		if (s.paddr >= PHYS_LIMIT || s.memsz > PHYS_LIMIT - s.paddr)
			return bad_seg(msg, msg_len, i, "has a physical address beyond 2^52");
		if (!s.memsz)
			continue;
		if (plan->seg_count == XL_IMG_MAX_SEGMENTS)
			return bad(msg, msg_len, "too many PT_LOAD segments (at most 16)");
		plan->seg[plan->seg_count++] = s;
	}
	if (!plan->seg_count)
		return bad(msg, msg_len, "no PT_LOAD segment with a size");
	return 0;
}

/* Sort by physical address, reject overlaps, compute span and page ranges. */
static int plan_ranges(struct xl_img_plan *plan, char *msg, size_t msg_len)
{
	struct xl_img_segment *seg = plan->seg;
	unsigned int n = plan->seg_count;

	for (unsigned int i = 1; i < n; i++) {
		struct xl_img_segment s = seg[i];
		unsigned int j = i;

		while (j && seg[j - 1].paddr > s.paddr) {
			seg[j] = seg[j - 1];
			j--;
		}
		seg[j] = s;
	}
	for (unsigned int i = 1; i < n; i++) {
		if (seg[i - 1].paddr + seg[i - 1].memsz > seg[i].paddr) {
			struct xl_msg m;

			xl_msg_init(&m, msg, msg_len);
			xl_msg_str(&m, "PT_LOAD segments overlap in physical memory at ");
			xl_msg_hex(&m, seg[i].paddr);
			return -1;
		}
	}
	plan->lowest = seg[0].paddr;
	plan->highest = seg[n - 1].paddr + seg[n - 1].memsz;

	plan->range_count = 0;
	for (unsigned int i = 0; i < n; i++) {
		uint64_t start = seg[i].paddr & ~(XL_IMG_PAGE_SIZE - 1);
		uint64_t end = (seg[i].paddr + seg[i].memsz + XL_IMG_PAGE_SIZE - 1) & ~(XL_IMG_PAGE_SIZE - 1);
		struct xl_img_range *last = plan->range_count ? &plan->range[plan->range_count - 1] : NULL;

		if (last && start <= last->start + last->pages * XL_IMG_PAGE_SIZE) {
			uint64_t last_end = last->start + last->pages * XL_IMG_PAGE_SIZE;

			if (end > last_end)
				last->pages = (end - last->start) / XL_IMG_PAGE_SIZE;
			continue;
		}
		plan->range[plan->range_count].start = start;
		plan->range[plan->range_count].pages = (end - start) / XL_IMG_PAGE_SIZE;
		plan->range_count++;
	}
	return 0;
}

static int find_header(const uint8_t *p, size_t size, struct xl_img_plan *plan, char *msg,
		       size_t msg_len)
{
	size_t window = size < XL_IMG_HEADER_WINDOW ? size : XL_IMG_HEADER_WINDOW;
	struct xl_image_header *h = &plan->hdr;
	bool entry_ok = false;
	struct xl_msg m;

	for (size_t off = 0; off + XL_HDR_SIZE <= window; off += 8) {
		if (xl_rd32(p + off) != XL_IMAGE_MAGIC_LO || xl_rd32(p + off + 4) != XL_IMAGE_MAGIC_HI)
			continue;
		plan->header_offset = off;
		h->magic_lo = XL_IMAGE_MAGIC_LO;
		h->magic_hi = XL_IMAGE_MAGIC_HI;
		h->version = xl_rd32(p + off + 8);
		h->header_size = xl_rd32(p + off + 12);
		h->entry64 = xl_rd64(p + off + 16);
		h->load_start = xl_rd64(p + off + 24);
		h->load_end = xl_rd64(p + off + 32);
		h->bss_end = xl_rd64(p + off + 40);
		goto found;
	}
	return bad(msg, msg_len,
		   "no xen-lite image header (\"XENLITE1\", 8-byte aligned in the first 32 KiB)");

found:
	if (h->version != XL_IMAGE_HEADER_VERSION) {
		xl_msg_init(&m, msg, msg_len);
		xl_msg_str(&m, "image header version ");
		xl_msg_dec(&m, h->version);
		xl_msg_str(&m, " is not supported (this loader knows version ");
		xl_msg_dec(&m, XL_IMAGE_HEADER_VERSION);
		xl_msg_str(&m, ")");
		return -1;
	}
	if (h->header_size < XL_HDR_SIZE || h->header_size > size - plan->header_offset)
		return bad(msg, msg_len, "image header has a bad header_size");
	if (h->load_start > h->load_end || h->load_end > h->bss_end)
		return bad(msg, msg_len, "image header has load_start > load_end or load_end > bss_end");
	if (plan->lowest < h->load_start || plan->highest > h->bss_end) {
		xl_msg_init(&m, msg, msg_len);
		xl_msg_str(&m, "PT_LOAD segments (");
		xl_msg_hex(&m, plan->lowest);
		xl_msg_str(&m, "-");
		xl_msg_hex(&m, plan->highest);
		xl_msg_str(&m, ") lie outside the header's load range (");
		xl_msg_hex(&m, h->load_start);
		xl_msg_str(&m, "-");
		xl_msg_hex(&m, h->bss_end);
		xl_msg_str(&m, ")");
		return -1;
	}
	for (unsigned int i = 0; i < plan->seg_count; i++) {
		const struct xl_img_segment *s = &plan->seg[i];

		if (h->entry64 >= s->paddr && h->entry64 - s->paddr < s->filesz)
			entry_ok = true;
	}
	if (!entry_ok) {
		xl_msg_init(&m, msg, msg_len);
		xl_msg_str(&m, "entry64 ");
		xl_msg_hex(&m, h->entry64);
		xl_msg_str(&m, " is not inside the loaded contents of any PT_LOAD segment");
		return -1;
	}
	return 0;
}

int xl_img_plan(const void *image, size_t size, struct xl_img_plan *plan, char *msg, size_t msg_len)
{
	const uint8_t *p = image;

	xl_memzero(plan, sizeof(*plan));
	if (msg_len)
		msg[0] = '\0';
	if (check_ehdr(p, size, msg, msg_len) || read_segments(p, size, plan, msg, msg_len) ||
	    plan_ranges(plan, msg, msg_len) || find_header(p, size, plan, msg, msg_len))
		return -1;
	return 0;
}
