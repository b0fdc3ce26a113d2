/*
 * Multiboot 1 (spec 0.6.96) and multiboot2 (spec 2.0) information parsers.
 *
 * Both turn what the boot loader left in memory into a struct boot_info.
 * Everything the loader wrote is untrusted: every length, count and pointer
 * is checked before it is used, all physical memory is reached through the
 * caller's map callback, and nothing is read past what that callback mapped.
 * Fields are read byte by byte because the loader's structures need not be
 * aligned for us (and a misaligned info pointer must not fault).
 */
#include <xen-lite/boot_info.h>
#include <xen-lite/errno.h>
#include <xen-lite/le.h>
#include <xen-lite/log.h>
#include <xen-lite/string.h>
#include <xen-lite/types.h>

/* ---- shared helpers -------------------------------------------------------- */

struct mb_parser {
	struct boot_info *bi;
	phys_map_fn map;
	void *ctx;
	const char *proto; /* message prefix */
	unsigned int mem_dropped; /* regions past BOOT_MAX_MEM_REGIONS */
	unsigned int mod_dropped; /* modules past BOOT_MAX_MODULES */
	unsigned int mod_seen; /* modules the loader described, for messages */
	bool efi_st64_seen;
};

enum str_status {
	STR_OK,
	STR_TRUNCATED, /* longer than our buffer; the start was kept */
	STR_UNTERMINATED, /* no NUL inside its container; kept what was there */
	STR_UNREADABLE, /* could not be mapped; left empty */
};

static void parser_init(struct mb_parser *ps, struct boot_info *bi, phys_map_fn map, void *ctx,
			const char *proto)
{
	memset(ps, 0, sizeof(*ps));
	ps->bi = bi;
	ps->map = map;
	ps->ctx = ctx;
	ps->proto = proto;
}

/* Map a range, refusing ranges whose end is not representable. */
static const uint8_t *map_phys(struct mb_parser *ps, uint64_t pa, uint64_t len)
{
	if (pa + len < pa)
		return NULL;
	return ps->map(pa, len, ps->ctx);
}

/*
 * Name a string in messages: "command line", or "module 3 command line" when
 * module >= 0. Done by hand because there is no snprintf here.
 */
static const char *string_label(char *buf, size_t size, const char *what, int module)
{
	char digits[12];
	size_t n = 0, d = 0;
	unsigned int v = (unsigned int)module;

	if (module < 0)
		return what;
	do {
		digits[d++] = (char)('0' + v % 10);
		v /= 10;
	} while (v && d < sizeof(digits));
	for (const char *p = "module "; *p && n < size - 1; p++)
		buf[n++] = *p;
	while (d && n < size - 1)
		buf[n++] = digits[--d];
	if (n < size - 1)
		buf[n++] = ' ';
	for (const char *p = what; *p && n < size - 1; p++)
		buf[n++] = *p;
	buf[n] = '\0';
	return buf;
}

static void warn_string(struct mb_parser *ps, const char *what, int module, enum str_status st,
			size_t bufsize)
{
	char buf[64];
	const char *label = string_label(buf, sizeof(buf), what, module);

	switch (st) {
	case STR_OK:
		break;
	case STR_TRUNCATED:
		log_warn("%s: %s truncated to %u bytes\n", ps->proto, label, (unsigned int)(bufsize - 1));
		break;
	case STR_UNTERMINATED:
		log_warn("%s: %s is not NUL-terminated; cut at the end of its tag\n", ps->proto, label);
		break;
	case STR_UNREADABLE:
		log_warn("%s: %s cannot be read; left empty\n", ps->proto, label);
		break;
	}
}

/* Copy a string that lives inside an already-mapped container of src_len bytes. */
static enum str_status copy_bounded_string(char *dst, size_t dst_size, const uint8_t *src,
					   size_t src_len)
{
	enum str_status st = STR_OK;
	size_t len = 0;

	while (len < src_len && src[len] != '\0')
		len++;
	if (len == src_len)
		st = STR_UNTERMINATED;
	if (len >= dst_size) {
		len = dst_size - 1;
		st = STR_TRUNCATED;
	}
	memcpy(dst, src, len);
	dst[len] = '\0';
	return st;
}

/*
 * Copy a NUL-terminated string from physical memory. It is read in pieces
 * that never cross a page boundary, so a short string just below the end of
 * mapped memory can still be read, and no more than dst_size bytes are ever
 * looked at.
 */
static enum str_status copy_phys_string(struct mb_parser *ps, uint64_t pa, char *dst,
					size_t dst_size)
{
	size_t n = 0;

	dst[0] = '\0';
	/* Physical page 0 holds the real-mode IVT, never a string: treat as "none". */
	if (pa == 0)
		return STR_OK;
	while (n < dst_size) {
		uint64_t cur = pa + n;
		uint64_t chunk = PAGE_SIZE - (cur & (PAGE_SIZE - 1));
		const uint8_t *s;

		chunk = MIN(chunk, (uint64_t)(dst_size - n));
		s = cur < pa ? NULL : map_phys(ps, cur, chunk);
		if (!s) {
			dst[0] = '\0';
			return STR_UNREADABLE;
		}
		for (uint64_t i = 0; i < chunk; i++, n++) {
			dst[n] = (char)s[i];
			if (s[i] == '\0')
				return STR_OK;
		}
	}
	dst[dst_size - 1] = '\0';
	return STR_TRUNCATED;
}

/* Both protocols use the e820 numbering; anything unknown must not be used as RAM. */
static uint32_t mem_type_from_loader(uint32_t type)
{
	switch (type) {
	case MEM_AVAILABLE:
	case MEM_RESERVED:
	case MEM_ACPI_RECLAIM:
	case MEM_ACPI_NVS:
	case MEM_BAD:
		return type;
	default:
		return MEM_RESERVED;
	}
}

/* Append one region as given; the core sorts and merges the map later. */
static void add_mem_region(struct mb_parser *ps, uint64_t base, uint64_t len, uint32_t type)
{
	struct boot_info *bi = ps->bi;
	struct mem_region *r;

	if (len == 0)
		return;
	if (base + len < base) {
		/* Keep base + size representable for everything downstream. */
		log_warn("%s: memory region at 0x%llx wraps past the top of the address space; clamped\n",
			 ps->proto, (unsigned long long)base);
		len = UINT64_MAX - base;
		if (len == 0)
			return;
	}
	if (bi->mem_count == BOOT_MAX_MEM_REGIONS) {
		ps->mem_dropped++;
		return;
	}
	r = &bi->mem[bi->mem_count++];
	r->base = base;
	r->size = len;
	r->type = mem_type_from_loader(type);
}

/*
 * Reserve the next module slot after sanity-checking the range. Returns NULL
 * when the module is skipped (bad range or no room left).
 */
static struct boot_module *claim_module(struct mb_parser *ps, uint64_t start, uint64_t end)
{
	struct boot_info *bi = ps->bi;
	unsigned int index = ps->mod_seen++;
	struct boot_module *mod;

	if (end < start) {
		log_warn("%s: module %u ends (0x%llx) before it starts (0x%llx); skipped\n", ps->proto,
			 index, (unsigned long long)end, (unsigned long long)start);
		return NULL;
	}
	if (bi->module_count == BOOT_MAX_MODULES) {
		ps->mod_dropped++;
		return NULL;
	}
	if (end == start)
		log_warn("%s: module %u is empty (at 0x%llx)\n", ps->proto, index,
			 (unsigned long long)start);
	mod = &bi->modules[bi->module_count++];
	mod->start = start;
	mod->end = end;
	return mod;
}

/* Report the limits we hit and reject a structure that gave us no memory at all. */
static int finish_parse(struct mb_parser *ps)
{
	if (ps->mem_dropped)
		log_warn("%s: memory map too long; %u regions beyond the limit of %u dropped\n",
			 ps->proto, ps->mem_dropped, BOOT_MAX_MEM_REGIONS);
	if (ps->mod_dropped)
		log_warn("%s: too many modules; %u beyond the limit of %u dropped\n", ps->proto,
			 ps->mod_dropped, BOOT_MAX_MODULES);
	if (ps->bi->mem_count == 0) {
		log_err("%s: memory map is empty\n", ps->proto);
		return -EINVAL;
	}
	return 0;
}

/* ---- multiboot2 ------------------------------------------------------------ */

#define MB2_INFO_MIN 16 /* fixed header plus an end tag */
#define MB2_INFO_MAX (1u << 20) /* far beyond anything a real loader writes */
#define MB2_TAG_HDR 8
#define MB2_TAG_ALIGN 8
#define MB2_MMAP_ENTRY_MIN 24

enum mb2_tag_type {
	MB2_TAG_END = 0,
	MB2_TAG_CMDLINE = 1,
	MB2_TAG_LOADER_NAME = 2,
	MB2_TAG_MODULE = 3,
	MB2_TAG_BASIC_MEMINFO = 4,
	MB2_TAG_BOOTDEV = 5,
	MB2_TAG_MMAP = 6,
	MB2_TAG_VBE = 7,
	MB2_TAG_FRAMEBUFFER = 8,
	MB2_TAG_ELF_SECTIONS = 9,
	MB2_TAG_APM = 10,
	MB2_TAG_EFI32_ST = 11,
	MB2_TAG_EFI64_ST = 12,
	MB2_TAG_SMBIOS = 13,
	MB2_TAG_ACPI_OLD = 14,
	MB2_TAG_ACPI_NEW = 15,
	MB2_TAG_NETWORK = 16,
	MB2_TAG_EFI_MMAP = 17,
	MB2_TAG_EFI_BS_ACTIVE = 18,
	MB2_TAG_EFI32_IH = 19,
	MB2_TAG_EFI64_IH = 20,
	MB2_TAG_LOAD_BASE = 21,
};

/* Minimum tag sizes (header included) for the fields we read. */
#define MB2_MODULE_MIN 16 /* mod_start, mod_end; string follows */
#define MB2_MMAP_HDR 16 /* entry_size, entry_version; entries follow */
#define MB2_FB_MIN 30 /* addr, pitch, width, height, bpp, type */
#define MB2_EFI32_ST_MIN 12
#define MB2_EFI64_ST_MIN 16
#define MB2_LOAD_BASE_MIN 12
#define ACPI_RSDP_V1_LEN 20
#define ACPI_RSDP_V2_LEN 36

static int mb2_check_mmap_tag(const uint8_t *tag, uint32_t size, uint32_t off)
{
	uint32_t entry_size;

	if (size < MB2_MMAP_HDR) {
		log_err("multiboot2: memory map tag at offset %u too short (%u bytes)\n", off, size);
		return -EINVAL;
	}
	entry_size = le32_get(tag + 8);
	if (entry_size < MB2_MMAP_ENTRY_MIN) {
		log_err("multiboot2: memory map entry_size %u is smaller than %u\n", entry_size,
			MB2_MMAP_ENTRY_MIN);
		return -EINVAL;
	}
	return 0;
}

/*
 * Walk the tag chain once without acting on it, so that a structure we end
 * up rejecting leaves no half-parsed state and no misleading warnings.
 */
static int mb2_check_tags(const uint8_t *info, uint32_t total)
{
	bool have_mmap = false;
	uint64_t off = 8;

	while (off + MB2_TAG_HDR <= total) {
		uint32_t type = le32_get(info + off);
		uint32_t size = le32_get(info + off + 4);

		if (size < MB2_TAG_HDR) {
			log_err("multiboot2: tag type %u at offset %u has size %u (< %u)\n", type,
				(unsigned int)off, size, MB2_TAG_HDR);
			return -EINVAL;
		}
		if (size > total - off) {
			log_err("multiboot2: tag type %u at offset %u (size %u) runs past total_size %u\n",
				type, (unsigned int)off, size, total);
			return -EINVAL;
		}
		if (type == MB2_TAG_END) {
			if (!have_mmap) {
				/* Basic meminfo is incomplete on UEFI; never guess from it. */
				log_err("multiboot2: no memory map tag (type 6)\n");
				return -EINVAL;
			}
			return 0;
		}
		if (type == MB2_TAG_MMAP) {
			int err = mb2_check_mmap_tag(info + off, size, (uint32_t)off);

			if (err)
				return err;
			have_mmap = true;
		}
		off += ALIGN_UP(size, MB2_TAG_ALIGN);
	}
	log_err("multiboot2: no end tag within total_size %u\n", total);
	return -EINVAL;
}

static void mb2_parse_mmap(struct mb_parser *ps, const uint8_t *tag, uint32_t size)
{
	uint32_t entry_size = le32_get(tag + 8);
	uint32_t version = le32_get(tag + 12);
	uint32_t off;

	if (version != 0)
		log_debug("multiboot2: memory map entry_version %u\n", version);
	/* entry_size is the stride: newer loaders may append fields we do not know. */
	for (off = MB2_MMAP_HDR; size - off >= entry_size; off += entry_size) {
		const uint8_t *e = tag + off;

		add_mem_region(ps, le64_get(e), le64_get(e + 8), le32_get(e + 16));
	}
	if (off != size)
		log_debug("multiboot2: %u trailing bytes in the memory map tag ignored\n", size - off);
}

static void mb2_parse_module(struct mb_parser *ps, const uint8_t *tag, uint32_t size)
{
	struct boot_module *mod;
	enum str_status st;

	if (size < MB2_MODULE_MIN) {
		log_warn("multiboot2: module tag too short (%u bytes); skipped\n", size);
		ps->mod_seen++;
		return;
	}
	mod = claim_module(ps, le32_get(tag + 8), le32_get(tag + 12));
	if (!mod)
		return;
	st = copy_bounded_string(mod->cmdline, sizeof(mod->cmdline), tag + MB2_MODULE_MIN,
				 size - MB2_MODULE_MIN);
	warn_string(ps, "command line", (int)(ps->mod_seen - 1), st, sizeof(mod->cmdline));
}

static void mb2_parse_framebuffer(struct mb_parser *ps, const uint8_t *tag, uint32_t size)
{
	struct boot_framebuffer *fb = &ps->bi->fb;

	if (size < MB2_FB_MIN) {
		log_warn("multiboot2: framebuffer tag too short (%u bytes); ignored\n", size);
		return;
	}
	fb->present = true;
	fb->addr = le64_get(tag + 8);
	fb->pitch = le32_get(tag + 16);
	fb->width = le32_get(tag + 20);
	fb->height = le32_get(tag + 24);
	fb->bpp = tag[28];
	fb->type = tag[29];
}

/* The RSDP copy from tag 15 (ACPI 2.0+, has the XSDT) wins over tag 14 in any order. */
static void mb2_parse_rsdp(struct mb_parser *ps, const uint8_t *tag, uint32_t size, bool v2)
{
	struct boot_info *bi = ps->bi;
	uint32_t want = v2 ? ACPI_RSDP_V2_LEN : ACPI_RSDP_V1_LEN;

	if (size - MB2_TAG_HDR < want) {
		log_warn("multiboot2: ACPI %s RSDP tag too short (%u bytes); ignored\n",
			 v2 ? "new" : "old", size);
		return;
	}
	if (!v2 && bi->rsdp_len == ACPI_RSDP_V2_LEN)
		return;
	memcpy(bi->rsdp, tag + MB2_TAG_HDR, want);
	bi->rsdp_len = want;
}

static void mb2_parse_efi_st(struct mb_parser *ps, const uint8_t *tag, uint32_t size, bool is64)
{
	struct boot_info *bi = ps->bi;

	if (size < (is64 ? MB2_EFI64_ST_MIN : MB2_EFI32_ST_MIN)) {
		log_warn("multiboot2: EFI system table tag too short (%u bytes); ignored\n", size);
		return;
	}
	bi->efi = true;
	if (is64) {
		bi->efi_system_table = le64_get(tag + 8);
		ps->efi_st64_seen = true;
	} else if (!ps->efi_st64_seen) {
		/* Only useful as a hint; a 64-bit table pointer always takes precedence. */
		bi->efi_system_table = le32_get(tag + 8);
	}
}

static void mb2_parse_tag(struct mb_parser *ps, uint32_t type, const uint8_t *tag, uint32_t size)
{
	struct boot_info *bi = ps->bi;
	enum str_status st;

	switch (type) {
	case MB2_TAG_CMDLINE:
		st = copy_bounded_string(bi->cmdline, sizeof(bi->cmdline), tag + MB2_TAG_HDR,
					 size - MB2_TAG_HDR);
		warn_string(ps, "command line", -1, st, sizeof(bi->cmdline));
		break;
	case MB2_TAG_LOADER_NAME:
		st = copy_bounded_string(bi->loader_name, sizeof(bi->loader_name), tag + MB2_TAG_HDR,
					 size - MB2_TAG_HDR);
		warn_string(ps, "boot loader name", -1, st, sizeof(bi->loader_name));
		break;
	case MB2_TAG_MODULE:
		mb2_parse_module(ps, tag, size);
		break;
	case MB2_TAG_MMAP:
		mb2_parse_mmap(ps, tag, size);
		break;
	case MB2_TAG_FRAMEBUFFER:
		mb2_parse_framebuffer(ps, tag, size);
		break;
	case MB2_TAG_EFI32_ST:
	case MB2_TAG_EFI64_ST:
		mb2_parse_efi_st(ps, tag, size, type == MB2_TAG_EFI64_ST);
		break;
	case MB2_TAG_ACPI_OLD:
	case MB2_TAG_ACPI_NEW:
		mb2_parse_rsdp(ps, tag, size, type == MB2_TAG_ACPI_NEW);
		break;
	case MB2_TAG_EFI_BS_ACTIVE:
		log_warn("multiboot2: loader left EFI boot services running\n");
		break;
	case MB2_TAG_LOAD_BASE:
		if (size >= MB2_LOAD_BASE_MIN)
			log_debug("multiboot2: image loaded at 0x%x\n", le32_get(tag + 8));
		break;
	case MB2_TAG_BASIC_MEMINFO:
		/* Deliberately unused: incomplete on UEFI, and tag 6 is mandatory here. */
	default:
		log_debug("multiboot2: tag type %u (%u bytes) not used\n", type, size);
		break;
	}
}

static void mb2_parse_tags(struct mb_parser *ps, const uint8_t *info, uint32_t total)
{
	uint64_t off = 8;

	/* mb2_check_tags() has already proven every tag up to the end tag sound. */
	while (off + MB2_TAG_HDR <= total) {
		uint32_t type = le32_get(info + off);
		uint32_t size = le32_get(info + off + 4);

		if (type == MB2_TAG_END)
			break;
		mb2_parse_tag(ps, type, info + off, size);
		off += ALIGN_UP(size, MB2_TAG_ALIGN);
	}
}

int multiboot2_parse(uint64_t info_pa, phys_map_fn map, void *ctx, struct boot_info *bi)
{
	struct mb_parser ps;
	const uint8_t *info;
	uint32_t total;
	int err;

	memset(bi, 0, sizeof(*bi));
	bi->protocol = BOOT_PROTO_MULTIBOOT2;
	parser_init(&ps, bi, map, ctx, "multiboot2");

	info = map_phys(&ps, info_pa, 8);
	if (!info) {
		log_err("multiboot2: cannot map the information structure at 0x%llx\n",
			(unsigned long long)info_pa);
		return -EINVAL;
	}
	total = le32_get(info);
	if (total < MB2_INFO_MIN || total > MB2_INFO_MAX) {
		log_err("multiboot2: implausible total_size %u (must be %u..%u)\n", total,
			MB2_INFO_MIN, MB2_INFO_MAX);
		return -EINVAL;
	}
	info = map_phys(&ps, info_pa, total);
	if (!info) {
		log_err("multiboot2: cannot map %u bytes of information at 0x%llx\n", total,
			(unsigned long long)info_pa);
		return -EINVAL;
	}
	/* Re-read: the first mapping may have been a different window onto the same bytes. */
	if (le32_get(info) != total) {
		log_err("multiboot2: total_size changed while mapping\n");
		return -EINVAL;
	}
	bi->info_start = info_pa;
	bi->info_end = info_pa + total;

	err = mb2_check_tags(info, total);
	if (err)
		return err;
	mb2_parse_tags(&ps, info, total);
	return finish_parse(&ps);
}

/* ---- multiboot 1 ----------------------------------------------------------- */

#define MB1_INFO_SIZE 116 /* up to and including the framebuffer colour info */

#define MB1_FLAG_MEM (1u << 0)
#define MB1_FLAG_CMDLINE (1u << 2)
#define MB1_FLAG_MODS (1u << 3)
#define MB1_FLAG_MMAP (1u << 6)
#define MB1_FLAG_LOADER_NAME (1u << 9)
#define MB1_FLAG_FRAMEBUFFER (1u << 12)

/* Offsets into the information structure. */
#define MB1_OFF_FLAGS 0
#define MB1_OFF_MEM_LOWER 4
#define MB1_OFF_MEM_UPPER 8
#define MB1_OFF_CMDLINE 16
#define MB1_OFF_MODS_COUNT 20
#define MB1_OFF_MODS_ADDR 24
#define MB1_OFF_MMAP_LENGTH 44
#define MB1_OFF_MMAP_ADDR 48
#define MB1_OFF_LOADER_NAME 64
#define MB1_OFF_FB_ADDR 88
#define MB1_OFF_FB_PITCH 96
#define MB1_OFF_FB_WIDTH 100
#define MB1_OFF_FB_HEIGHT 104
#define MB1_OFF_FB_BPP 108
#define MB1_OFF_FB_TYPE 109

#define MB1_MODULE_ENTRY_SIZE 16
#define MB1_MMAP_ENTRY_MIN 20 /* base, length, type; "size" does not count itself */
#define MB1_MMAP_MAX_LEN (1u << 20) /* a sane map is a few KiB */
/* Bound the walk over a bogus mods_count even when every entry is skipped. */
#define MB1_MAX_MODULE_ENTRIES (4 * BOOT_MAX_MODULES)
#define MB1_LOWER_MEM_MAX_KIB 640
#define MB1_UPPER_MEM_BASE 0x100000ULL

static void mb1_parse_mmap(struct mb_parser *ps, const uint8_t *info)
{
	uint32_t len = le32_get(info + MB1_OFF_MMAP_LENGTH);
	uint32_t addr = le32_get(info + MB1_OFF_MMAP_ADDR);
	const uint8_t *map;
	uint64_t off = 0;

	if (len > MB1_MMAP_MAX_LEN) {
		log_warn("multiboot1: mmap_length %u is implausible; only the first %u bytes used\n",
			 len, MB1_MMAP_MAX_LEN);
		len = MB1_MMAP_MAX_LEN;
	}
	if (len == 0)
		return;
	map = map_phys(ps, addr, len);
	if (!map) {
		log_warn("multiboot1: cannot map the memory map at 0x%x (%u bytes)\n", addr, len);
		return;
	}
	while (off + 4 <= len) {
		uint32_t size = le32_get(map + off);

		if (size < MB1_MMAP_ENTRY_MIN || size > len - off - 4) {
			log_warn("multiboot1: bad memory map entry at offset %u (size %u); rest ignored\n",
				 (unsigned int)off, size);
			return;
		}
		add_mem_region(ps, le64_get(map + off + 4), le64_get(map + off + 12), le32_get(map + off + 20));
		/* "size" excludes itself and may be larger than the fields we know. */
		off += (uint64_t)size + 4;
	}
	if (off != len)
		log_warn("multiboot1: %u stray bytes at the end of the memory map ignored\n",
			 (unsigned int)(len - off));
}

/* Without a memory map only mem_lower/mem_upper are left: two plain RAM ranges. */
static void mb1_fallback_mem(struct mb_parser *ps, const uint8_t *info)
{
	uint32_t lower = le32_get(info + MB1_OFF_MEM_LOWER);
	uint32_t upper = le32_get(info + MB1_OFF_MEM_UPPER);

	log_warn("multiboot1: no memory map from the loader; using mem_lower/mem_upper as a fallback\n");
	if (lower > MB1_LOWER_MEM_MAX_KIB) {
		log_warn("multiboot1: mem_lower %u KiB exceeds %u KiB; clamped\n", lower,
			 MB1_LOWER_MEM_MAX_KIB);
		lower = MB1_LOWER_MEM_MAX_KIB;
	}
	add_mem_region(ps, 0, (uint64_t)lower * 1024, MEM_AVAILABLE);
	add_mem_region(ps, MB1_UPPER_MEM_BASE, (uint64_t)upper * 1024, MEM_AVAILABLE);
}

static void mb1_parse_modules(struct mb_parser *ps, const uint8_t *info)
{
	uint32_t count = le32_get(info + MB1_OFF_MODS_COUNT);
	uint64_t addr = le32_get(info + MB1_OFF_MODS_ADDR);

	for (uint32_t i = 0; i < count; i++) {
		const uint8_t *e;
		struct boot_module *mod;
		enum str_status st;

		if (ps->bi->module_count == BOOT_MAX_MODULES || i == MB1_MAX_MODULE_ENTRIES) {
			ps->mod_dropped += count - i;
			return;
		}
		/* One entry at a time: mods_count is untrusted, so never map count * 16. */
		e = map_phys(ps, addr + (uint64_t)i * MB1_MODULE_ENTRY_SIZE, MB1_MODULE_ENTRY_SIZE);
		if (!e) {
			log_warn("multiboot1: cannot read module entry %u; %u modules ignored\n", i,
				 count - i);
			return;
		}
		mod = claim_module(ps, le32_get(e), le32_get(e + 4));
		if (!mod)
			continue;
		st = copy_phys_string(ps, le32_get(e + 8), mod->cmdline, sizeof(mod->cmdline));
		warn_string(ps, "command line", (int)(ps->mod_seen - 1), st, sizeof(mod->cmdline));
	}
}

static void mb1_parse_framebuffer(struct mb_parser *ps, const uint8_t *info)
{
	struct boot_framebuffer *fb = &ps->bi->fb;

	fb->present = true;
	fb->addr = le64_get(info + MB1_OFF_FB_ADDR);
	fb->pitch = le32_get(info + MB1_OFF_FB_PITCH);
	fb->width = le32_get(info + MB1_OFF_FB_WIDTH);
	fb->height = le32_get(info + MB1_OFF_FB_HEIGHT);
	fb->bpp = info[MB1_OFF_FB_BPP];
	fb->type = info[MB1_OFF_FB_TYPE];
}

static void mb1_parse_strings(struct mb_parser *ps, const uint8_t *info, uint32_t flags)
{
	struct boot_info *bi = ps->bi;
	enum str_status st;

	if (flags & MB1_FLAG_CMDLINE) {
		st = copy_phys_string(ps, le32_get(info + MB1_OFF_CMDLINE), bi->cmdline,
				      sizeof(bi->cmdline));
		warn_string(ps, "command line", -1, st, sizeof(bi->cmdline));
	}
	if (flags & MB1_FLAG_LOADER_NAME) {
		st = copy_phys_string(ps, le32_get(info + MB1_OFF_LOADER_NAME), bi->loader_name,
				      sizeof(bi->loader_name));
		warn_string(ps, "boot loader name", -1, st, sizeof(bi->loader_name));
	}
}

int multiboot1_parse(uint64_t info_pa, phys_map_fn map, void *ctx, struct boot_info *bi)
{
	struct mb_parser ps;
	const uint8_t *info;
	uint32_t flags;

	memset(bi, 0, sizeof(*bi));
	bi->protocol = BOOT_PROTO_MULTIBOOT1;
	parser_init(&ps, bi, map, ctx, "multiboot1");

	info = map_phys(&ps, info_pa, MB1_INFO_SIZE);
	if (!info) {
		log_err("multiboot1: cannot map the information structure at 0x%llx\n",
			(unsigned long long)info_pa);
		return -EINVAL;
	}
	bi->info_start = info_pa;
	bi->info_end = info_pa + MB1_INFO_SIZE;
	flags = le32_get(info + MB1_OFF_FLAGS);

	if (!(flags & (MB1_FLAG_MMAP | MB1_FLAG_MEM))) {
		log_err("multiboot1: no memory map (flags 0x%x)\n", flags);
		return -EINVAL;
	}
	if (flags & MB1_FLAG_MMAP)
		mb1_parse_mmap(&ps, info);
	if (bi->mem_count == 0 && (flags & MB1_FLAG_MEM))
		mb1_fallback_mem(&ps, info);

	mb1_parse_strings(&ps, info, flags);
	if (flags & MB1_FLAG_MODS)
		mb1_parse_modules(&ps, info);
	if (flags & MB1_FLAG_FRAMEBUFFER)
		mb1_parse_framebuffer(&ps, info);
	return finish_parse(&ps);
}
