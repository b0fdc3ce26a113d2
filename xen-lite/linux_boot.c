/*
 * Linux boot protocol builder (see include/xen-lite/linux_boot.h and
 * Documentation/linux-boot.md). Offsets are those of struct boot_params and
 * struct setup_header in the kernel's arch/x86/include/uapi/asm/bootparam.h,
 * documented in Documentation/arch/x86/boot.rst ("The real-mode kernel
 * header", "Details of header fields", "64-bit Boot Protocol") and
 * Documentation/arch/x86/zero-page.rst.
 */
#include <xen-lite/arch/guest.h>
#include <xen-lite/errno.h>
#include <xen-lite/le.h>
#include <xen-lite/linux_boot.h>
#include <xen-lite/log.h>
#include <xen-lite/memmap.h>
#include <xen-lite/modules.h>
#include <xen-lite/string.h>

/* ---- struct setup_header, at 0x1F1 in both the image and the zero page (boot.rst) ---- */
#define HDR_START 0x1F1 /* setup_sects: first byte of the header */
#define HDR_SETUP_SECTS 0x1F1 /* u8, read */
#define HDR_VID_MODE 0x1FA /* u16, modify (obligatory) */
#define HDR_JUMP_LEN 0x201 /* u8: the jump's displacement; header end = 0x202 + this */
#define HDR_JUMP_END 0x202 /* "HdrS"; the displacement is relative to here */
#define HDR_VERSION 0x206 /* u16, read */
#define HDR_TYPE_OF_LOADER 0x210 /* u8, write (obligatory) */
#define HDR_LOADFLAGS 0x211 /* u8, modify (obligatory) */
#define HDR_CODE32_START 0x214 /* u32, modify (optional, reloc) */
#define HDR_RAMDISK_IMAGE 0x218 /* u32, write (obligatory) */
#define HDR_RAMDISK_SIZE 0x21C /* u32, write (obligatory) */
#define HDR_HEAP_END_PTR 0x224 /* u16, write (16-bit setup only: 0 here) */
#define HDR_EXT_LOADER_VER 0x226 /* u8, write (optional) */
#define HDR_EXT_LOADER_TYPE 0x227 /* u8, write (only with type_of_loader 0xEx) */
#define HDR_CMD_LINE_PTR 0x228 /* u32, write (obligatory) */
#define HDR_INITRD_ADDR_MAX 0x22C /* u32, read: highest address the initrd may occupy */
#define HDR_KERNEL_ALIGNMENT 0x230 /* u32, read/modify (reloc) */
#define HDR_RELOCATABLE 0x234 /* u8, read (reloc) */
#define HDR_XLOADFLAGS 0x236 /* u16, read */
#define HDR_CMDLINE_SIZE 0x238 /* u32, read: max command line length without the NUL */
#define HDR_HARDWARE_SUBARCH 0x23C /* u32, write (optional; 0 = PC) */
#define HDR_HARDWARE_SUBARCH_DATA 0x240 /* u64, write */
#define HDR_SETUP_DATA 0x250 /* u64, write (special): linked list, none here */
#define HDR_PREF_ADDRESS 0x258 /* u64, read (reloc) */
#define HDR_INIT_SIZE 0x260 /* u32, read */
#define HDR_MIN_END 0x268 /* protocol 2.12 ends after handover_offset (0x264/4) */
#define HDR_MAX_END 0x290 /* boot_params.edd_mbr_sig_buffer follows the header */

/* ---- struct boot_params outside the header (zero-page.rst) ---- */
#define BP_ACPI_RSDP_ADDR 0x070 /* u64, protocol 2.14+ */
#define BP_EXT_RAMDISK_IMAGE 0x0C0 /* u32: ramdisk_image bits 63:32 */
#define BP_EXT_RAMDISK_SIZE 0x0C4 /* u32: ramdisk_size bits 63:32 */
#define BP_EXT_CMD_LINE_PTR 0x0C8 /* u32: cmd_line_ptr bits 63:32 */
#define BP_E820_ENTRIES 0x1E8 /* u8 */
#define BP_E820_TABLE 0x2D0 /* struct boot_e820_entry[128], 20 bytes each */

/* ---- flags and values ---- */
#define LOADED_HIGH 0x01 /* loadflags bit 0: protected-mode code at 0x100000+ */
#define XLF_CAN_BE_LOADED_ABOVE_4G 0x02 /* xloadflags bit 1 */
#define LOADER_UNDEFINED 0xFF /* type_of_loader: no assigned boot loader id */
#define VID_MODE_NORMAL 0xFFFF /* vid_mode: "normal" (80x25) */
#define PROTOCOL_ACPI_RSDP 0x020e /* 2.14 added acpi_rsdp_addr */

#define SIZE_1M 0x100000ULL
#define SIZE_16M 0x1000000ULL
#define SIZE_4G 0x100000000ULL

_Static_assert(sizeof(struct e820_entry) == 20, "boot_e820_entry is 20 bytes");
_Static_assert(BP_E820_TABLE + LINUX_E820_MAX * 20 <= LINUX_BOOT_PARAMS_SIZE,
	       "e820 table fits in the zero page");

/* ---- e820 ------------------------------------------------------------------------ */


static uint64_t region_end(const struct mem_region *r)
{
	return r->size > UINT64_MAX - r->base ? UINT64_MAX : r->base + r->size;
}

/* The smallest boundary above pos, or UINT64_MAX. */
static uint64_t next_boundary(uint64_t pos, const struct mem_region *map, unsigned int map_count,
			      const struct linux_range *ram, unsigned int ram_count)
{
	uint64_t next = UINT64_MAX;

	for (unsigned int i = 0; i < map_count; i++) {
		uint64_t b = map[i].base, e = region_end(&map[i]);

		if (!map[i].size)
			continue;
		if (b > pos && b < next)
			next = b;
		if (e > pos && e < next)
			next = e;
	}
	for (unsigned int i = 0; i < ram_count; i++) {
		if (ram[i].end <= ram[i].start)
			continue;
		if (ram[i].start > pos && ram[i].start < next)
			next = ram[i].start;
		if (ram[i].end > pos && ram[i].end < next)
			next = ram[i].end;
	}
	return next;
}

/* The e820 type of the byte at pos, or 0 for a hole. */
static uint32_t type_at(uint64_t pos, const struct mem_region *map, unsigned int map_count,
			const struct linux_range *ram, unsigned int ram_count)
{
	uint32_t type = 0;
	bool dom0 = false;

	for (unsigned int i = 0; i < map_count; i++) {
		uint32_t t = map[i].type;

		if (!map[i].size || pos < map[i].base || pos >= region_end(&map[i]))
			continue;
		if (t < MEM_AVAILABLE || t > MEM_BAD)
			t = MEM_RESERVED;
		if (!type || memmap_type_rank(t) > memmap_type_rank(type))
			type = t;
	}
	if (type != MEM_AVAILABLE)
		return type;
	for (unsigned int i = 0; i < ram_count; i++)
		if (ram[i].start <= pos && pos < ram[i].end)
			dom0 = true;
	return dom0 ? E820_RAM : E820_RESERVED;
}

int linux_build_e820(const struct mem_region *map, unsigned int map_count,
		     const struct linux_range *ram, unsigned int ram_count, struct e820_entry *out,
		     unsigned int cap)
{
	unsigned int n = 0;
	uint64_t pos = 0;

	/*
	 * Sweep the boundaries of every region and range from low to high; each
	 * piece between two boundaries has one type. O((regions + ranges)^2),
	 * a few hundred thousand steps at most, and no scratch memory.
	 */
	for (;;) {
		uint64_t next = next_boundary(pos, map, map_count, ram, ram_count);
		uint32_t type = type_at(pos, map, map_count, ram, ram_count);

		if (type) {
			struct e820_entry *last = n ? &out[n - 1] : NULL;

			if (last && last->type == type && last->addr + last->size == pos) {
				last->size += next - pos;
			} else {
				if (n == cap)
					return -ENOSPC;
				out[n].addr = pos;
				out[n].size = next - pos;
				out[n].type = type;
				n++;
			}
		}
		if (next == UINT64_MAX)
			break;
		pos = next;
	}
	return (int)n;
}

/* ---- the image header ---------------------------------------------------------------- */

struct linux_header {
	uint16_t protocol;
	bool relocatable, above_4g;
	unsigned int hdr_end; /* exclusive image offset of the setup header's end */
	uint64_t setup_size, payload_size;
	uint64_t pref_address;
	uint32_t init_size, kernel_alignment, cmdline_size, initrd_addr_max;
};

static bool is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

static int parse_header(const uint8_t *p, uint64_t size, struct linux_header *h)
{
	struct bzimage_info bz;
	int err;

	memset(h, 0, sizeof(*h));
	err = bzimage_probe(p, size, &bz);
	if (err == -ENOEXEC) {
		log_warn("linux: the kernel is not a bzImage\n");
		return err;
	}
	h->protocol = bz.protocol;
	if (err) {
		log_warn("linux: bzImage with boot protocol %u.%u cannot be started (need >= %u.%u with a "
			 "64-bit entry point, loaded high)\n", bz.protocol >> 8, bz.protocol & 0xff,
			 BZIMAGE_MIN_PROTOCOL >> 8, BZIMAGE_MIN_PROTOCOL & 0xff);
		return err;
	}
	/* bzimage_probe() made sure the image is longer than the setup (>= 5 sectors) */
	h->hdr_end = HDR_JUMP_END + p[HDR_JUMP_LEN];
	if (h->hdr_end < HDR_MIN_END || h->hdr_end > HDR_MAX_END || h->hdr_end > size) {
		log_warn("linux: bzImage setup header ends at %#x, outside [%#x, %#x]\n", h->hdr_end,
			 HDR_MIN_END, HDR_MAX_END);
		return -EINVAL;
	}
	h->relocatable = bz.relocatable;
	h->above_4g = (le16_get(p + HDR_XLOADFLAGS) & XLF_CAN_BE_LOADED_ABOVE_4G) != 0;
	h->setup_size = ((uint64_t)bz.setup_sects + 1) * 512;
	h->payload_size = size - h->setup_size;
	h->pref_address = le64_get(p + HDR_PREF_ADDRESS);
	h->init_size = le32_get(p + HDR_INIT_SIZE);
	h->kernel_alignment = le32_get(p + HDR_KERNEL_ALIGNMENT);
	h->cmdline_size = le32_get(p + HDR_CMDLINE_SIZE);
	h->initrd_addr_max = le32_get(p + HDR_INITRD_ADDR_MAX);
	if (h->init_size < h->payload_size) {
		log_warn("linux: bzImage init_size %#x is smaller than its payload (%#llx bytes)\n",
			 h->init_size, (unsigned long long)h->payload_size);
		return -EINVAL;
	}
	if (h->relocatable && !is_pow2(h->kernel_alignment)) {
		log_warn("linux: bzImage kernel_alignment %#x is not a power of two\n",
			 h->kernel_alignment);
		return -EINVAL;
	}
	return 0;
}

/* ---- load address -------------------------------------------------------------------- */

static bool overlaps(uint64_t s1, uint64_t e1, uint64_t s2, uint64_t e2)
{
	return s1 < e2 && s2 < e1;
}

/*
 * The lowest address a >= floor, aligned to align, such that [a, a + len)
 * lies inside r, below limit, and clear of every avoid range. false: none.
 */
static bool lowest_fit(const struct linux_range *r, uint64_t floor, uint64_t align, uint64_t len,
		       uint64_t limit, const struct linux_range *avoid, unsigned int avoid_count,
		       uint64_t *out)
{
	uint64_t a = r->start > floor ? r->start : floor;
	uint64_t end = r->end < limit ? r->end : limit;

	for (;;) {
		bool moved = false;

		if (a > UINT64_MAX - (align - 1))
			return false;
		a = ALIGN_UP(a, align);
		if (a >= end || len > end - a)
			return false;
		for (unsigned int i = 0; i < avoid_count; i++) {
			if (avoid[i].start < avoid[i].end &&
			    overlaps(a, a + len, avoid[i].start, avoid[i].end)) {
				a = avoid[i].end; /* strictly higher: the loop ends */
				moved = true;
			}
		}
		if (!moved)
			break;
	}
	*out = a;
	return true;
}

static bool fits(uint64_t a, uint64_t len, uint64_t limit, const struct linux_range *ram,
		 unsigned int ram_count, const struct linux_range *avoid, unsigned int avoid_count)
{
	bool inside = false;

	if (a < SIZE_1M || len > limit || a > limit - len)
		return false;
	for (unsigned int i = 0; i < ram_count; i++)
		if (ram[i].start <= a && ram[i].end >= a + len)
			inside = true;
	for (unsigned int i = 0; i < avoid_count; i++)
		if (avoid[i].start < avoid[i].end && overlaps(a, a + len, avoid[i].start, avoid[i].end))
			return false;
	return inside;
}

static bool search(uint64_t floor, uint64_t align, uint64_t len, uint64_t limit,
		   const struct linux_range *ram, unsigned int ram_count,
		   const struct linux_range *avoid, unsigned int avoid_count, uint64_t *out)
{
	bool found = false;

	for (unsigned int i = 0; i < ram_count; i++) {
		uint64_t a;

		if (ram[i].end <= ram[i].start)
			continue;
		if (lowest_fit(&ram[i], floor, align, len, limit, avoid, avoid_count, &a) &&
		    (!found || a < *out)) {
			*out = a;
			found = true;
		}
	}
	return found;
}

int linux_plan_load(const void *image, uint64_t image_size, const struct linux_range *ram,
		    unsigned int ram_count, const struct linux_range *avoid, unsigned int avoid_count,
		    struct linux_load_plan *plan)
{
	struct linux_header h;
	uint64_t limit, align, pref, addr = 0;
	bool found;
	int err;

	memset(plan, 0, sizeof(*plan));
	err = parse_header(image, image_size, &h);
	plan->protocol = h.protocol;
	if (err)
		return err;
	plan->relocatable = h.relocatable;
	plan->above_4g = h.above_4g;
	plan->setup_size = h.setup_size;
	plan->payload_size = h.payload_size;
	plan->init_size = h.init_size;

	limit = h.above_4g ? UINT64_MAX : SIZE_4G;
	pref = h.pref_address;
	align = h.relocatable ? MAX(h.kernel_alignment, PAGE_SIZE) : PAGE_SIZE;
	found = (!h.relocatable || IS_ALIGNED(pref, align)) &&
		fits(pref, h.init_size, limit, ram, ram_count, avoid, avoid_count);
	if (found) {
		addr = pref;
	} else if (h.relocatable) {
		/* never below pref_address: the kernel would move itself up to it */
		found = search(MAX(SIZE_16M, pref), align, h.init_size, limit, ram, ram_count, avoid,
			       avoid_count, &addr) ||
			(pref < SIZE_16M && search(MAX(SIZE_1M, pref), align, h.init_size, limit, ram,
						   ram_count, avoid, avoid_count, &addr));
	}
	if (!found) {
		if (h.relocatable)
			log_warn("linux: no room for the kernel: %#x bytes in RAM at or above %#llx, "
				 "aligned to %#llx%s\n", h.init_size, (unsigned long long)pref,
				 (unsigned long long)align, h.above_4g ? "" : ", below 4 GiB");
		else
			log_warn("linux: no room for the kernel: it is not relocatable and needs %#x "
				 "bytes of RAM at %#llx%s\n", h.init_size, (unsigned long long)pref,
				 h.above_4g ? "" : ", below 4 GiB");
		return -ENOMEM;
	}
	plan->load_addr = addr;
	plan->entry64 = addr + LINUX_ENTRY64_OFFSET;
	return 0;
}

/* ---- the zero page ------------------------------------------------------------------- */

/* Check that [pa, pa + len) neither wraps nor (without above_4g) reaches past 4 GiB. */
static int check_range(const char *what, uint64_t pa, uint64_t len, bool above_4g)
{
	if (len > UINT64_MAX - pa) {
		log_warn("linux: %s at %#llx (%#llx bytes) wraps around\n", what,
			 (unsigned long long)pa, (unsigned long long)len);
		return -EINVAL;
	}
	if (!above_4g && pa + len > SIZE_4G) {
		log_warn("linux: %s at %#llx (%#llx bytes) is above 4 GiB, which this kernel cannot "
			 "reach\n", what, (unsigned long long)pa, (unsigned long long)len);
		return -ERANGE;
	}
	return 0;
}

int linux_fill_boot_params(uint8_t *bp, const void *image, uint64_t image_size,
			   const struct linux_load_plan *plan, const struct e820_entry *e820,
			   unsigned int e820_count, const struct linux_boot_args *args)
{
	const uint8_t *img = image;
	struct linux_header h;
	struct area {
		const char *what;
		uint64_t start, len;
	} area[4];
	unsigned int areas = 0;
	int err;

	memset(bp, 0, LINUX_BOOT_PARAMS_SIZE);
	err = parse_header(img, image_size, &h);
	if (err)
		return err;
	if (plan->setup_size != h.setup_size || plan->init_size != h.init_size ||
	    plan->entry64 != plan->load_addr + LINUX_ENTRY64_OFFSET) {
		log_warn("linux: the load plan does not belong to this image\n");
		return -EINVAL;
	}
	if (!e820_count || e820_count > LINUX_E820_MAX) {
		log_warn("linux: %u e820 entries (need 1 to %u)\n", e820_count, LINUX_E820_MAX);
		return -EINVAL;
	}
	if (args->cmdline_len > h.cmdline_size) {
		log_warn("linux: command line of %llu bytes is longer than the kernel's limit of %u\n",
			 (unsigned long long)args->cmdline_len, h.cmdline_size);
		return -E2BIG;
	}
	if (!args->cmdline_pa && args->cmdline_len) {
		log_warn("linux: command line of %llu bytes at address 0\n",
			 (unsigned long long)args->cmdline_len);
		return -EINVAL;
	}

	/* everything the kernel reads before it has copied or reserved it */
	area[areas++] = (struct area){ "kernel", plan->load_addr, plan->init_size };
	area[areas++] = (struct area){ "zero page", args->bp_pa, LINUX_BOOT_PARAMS_SIZE };
	if (args->cmdline_pa)
		area[areas++] = (struct area){ "command line", args->cmdline_pa,
						   args->cmdline_len + 1 };
	if (args->initrd_size)
		area[areas++] = (struct area){ "initrd", args->initrd_pa, args->initrd_size };
	for (unsigned int i = 0; i < areas; i++) {
		err = check_range(area[i].what, area[i].start, area[i].len, h.above_4g);
		if (err)
			return err;
		for (unsigned int j = 0; j < i; j++) {
			if (overlaps(area[i].start, area[i].start + area[i].len, area[j].start,
				     area[j].start + area[j].len)) {
				log_warn("linux: the %s [%#llx-%#llx) overlaps the %s [%#llx-%#llx)\n",
					 area[i].what, (unsigned long long)area[i].start,
					 (unsigned long long)(area[i].start + area[i].len),
					 area[j].what, (unsigned long long)area[j].start,
					 (unsigned long long)(area[j].start + area[j].len));
				return -EINVAL;
			}
		}
	}
	if (args->initrd_size && !h.above_4g &&
	    args->initrd_pa + args->initrd_size - 1 > h.initrd_addr_max) {
		log_warn("linux: initrd [%#llx-%#llx) ends above the kernel's initrd_addr_max %#x\n",
			 (unsigned long long)args->initrd_pa,
			 (unsigned long long)(args->initrd_pa + args->initrd_size), h.initrd_addr_max);
		return -ERANGE;
	}

	/* 64-bit boot protocol: copy the setup header as the image has it ... */
	memcpy(bp + HDR_START, img + HDR_START, h.hdr_end - HDR_START);

	/* ... then set the loader's fields; clear those the image has no business setting */
	le16_put(bp + HDR_VID_MODE, VID_MODE_NORMAL);
	bp[HDR_TYPE_OF_LOADER] = LOADER_UNDEFINED;
	bp[HDR_LOADFLAGS] = LOADED_HIGH; /* no QUIET, KEEP_SEGMENTS, CAN_USE_HEAP */
	if (plan->load_addr < SIZE_4G)
		le32_put(bp + HDR_CODE32_START, (uint32_t)plan->load_addr); /* unused by the 64-bit entry */
	le16_put(bp + HDR_HEAP_END_PTR, 0);
	bp[HDR_EXT_LOADER_VER] = 0;
	bp[HDR_EXT_LOADER_TYPE] = 0;
	le32_put(bp + HDR_CMD_LINE_PTR, (uint32_t)args->cmdline_pa);
	le32_put(bp + BP_EXT_CMD_LINE_PTR, (uint32_t)(args->cmdline_pa >> 32));
	if (args->initrd_size) {
		le32_put(bp + HDR_RAMDISK_IMAGE, (uint32_t)args->initrd_pa);
		le32_put(bp + BP_EXT_RAMDISK_IMAGE, (uint32_t)(args->initrd_pa >> 32));
		le32_put(bp + HDR_RAMDISK_SIZE, (uint32_t)args->initrd_size);
		le32_put(bp + BP_EXT_RAMDISK_SIZE, (uint32_t)(args->initrd_size >> 32));
	} else {
		le32_put(bp + HDR_RAMDISK_IMAGE, 0);
		le32_put(bp + HDR_RAMDISK_SIZE, 0);
	}
	le32_put(bp + HDR_HARDWARE_SUBARCH, 0);
	le64_put(bp + HDR_HARDWARE_SUBARCH_DATA, 0);
	le64_put(bp + HDR_SETUP_DATA, 0);
	if (h.protocol >= PROTOCOL_ACPI_RSDP)
		le64_put(bp + BP_ACPI_RSDP_ADDR, args->rsdp_pa);
	else if (args->rsdp_pa)
		log_info("linux: boot protocol %u.%u has no acpi_rsdp_addr; the kernel finds the RSDP "
			 "itself\n", h.protocol >> 8, h.protocol & 0xff);

	bp[BP_E820_ENTRIES] = (uint8_t)e820_count;
	for (unsigned int i = 0; i < e820_count; i++) {
		unsigned int off = BP_E820_TABLE + i * 20;

		le64_put(bp + off, e820[i].addr);
		le64_put(bp + off + 8, e820[i].size);
		le32_put(bp + off + 16, e820[i].type);
	}
	return 0;
}

/* ---- the boot area ------------------------------------------------------------------- */

void linux_write_boot_area(uint8_t *area, uint64_t base)
{
	memset(area, 0, LINUX_BOOT_AREA_PAGES * PAGE_SIZE);
	arch_guest_boot_gdt((uint64_t *)(area + LINUX_AREA_GDT * PAGE_SIZE), LINUX_BOOT_CS,
			    LINUX_BOOT_DS);
	/* the first 4 GiB, where the kernel, its boot data and the initramfs are */
	arch_guest_boot_tables(area + LINUX_AREA_PML4 * PAGE_SIZE, base + LINUX_AREA_PML4 * PAGE_SIZE,
			       4ULL << 30);
}
