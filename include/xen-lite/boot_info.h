/*
 * The normalized boot description. Every boot path (multiboot1 from QEMU's
 * -kernel, multiboot2 from GRUB on BIOS or UEFI, and xen-lite.efi, which
 * builds a multiboot2 information structure) is turned into one of these
 * before the core looks at it. All strings are copied in, so the loader's
 * memory can be reused once parsing is done.
 */
#ifndef XEN_LITE_BOOT_INFO_H
#define XEN_LITE_BOOT_INFO_H

#include <xen-lite/types.h>

/* Memory types use the e820 / multiboot numbering. */
enum mem_type {
	MEM_AVAILABLE = 1,
	MEM_RESERVED = 2,
	MEM_ACPI_RECLAIM = 3,
	MEM_ACPI_NVS = 4,
	MEM_BAD = 5,
};

#define BOOT_MAX_MEM_REGIONS 256
#define BOOT_MAX_MODULES 16
#define BOOT_CMDLINE_MAX 1024
#define BOOT_MODULE_CMDLINE_MAX 512
#define BOOT_LOADER_NAME_MAX 64
#define BOOT_RSDP_MAX 36 /* ACPI 2.0+ RSDP length */

struct mem_region {
	uint64_t base;
	uint64_t size;
	uint32_t type; /* enum mem_type; unknown firmware types map to MEM_RESERVED */
};

struct boot_module {
	uint64_t start; /* physical, inclusive */
	uint64_t end; /* physical, exclusive */
	char cmdline[BOOT_MODULE_CMDLINE_MAX];
};

struct boot_framebuffer {
	bool present;
	uint64_t addr;
	uint32_t pitch, width, height;
	uint8_t bpp, type;
};

enum boot_protocol {
	BOOT_PROTO_MULTIBOOT1 = 1,
	BOOT_PROTO_MULTIBOOT2 = 2,
};

struct boot_info {
	enum boot_protocol protocol;
	char loader_name[BOOT_LOADER_NAME_MAX];
	char cmdline[BOOT_CMDLINE_MAX];

	struct mem_region mem[BOOT_MAX_MEM_REGIONS];
	unsigned int mem_count;

	struct boot_module modules[BOOT_MAX_MODULES];
	unsigned int module_count;

	/* A copy of the RSDP when the loader passed one (multiboot2 tags 14/15). */
	uint8_t rsdp[BOOT_RSDP_MAX];
	unsigned int rsdp_len; /* 0: none passed, search the BIOS areas */

	struct boot_framebuffer fb;

	bool efi; /* booted by UEFI firmware (EFI system table tag seen) */
	uint64_t efi_system_table;

	/* Physical range of the loader's information structure (kept reserved until parsed). */
	uint64_t info_start, info_end;
};

/*
 * Map a physical range so the parser can read it. In the hypervisor this is
 * the boot identity map; in host tests it points into a test buffer. Returns
 * NULL when the range cannot be accessed.
 */
typedef const void *(*phys_map_fn)(uint64_t pa, uint64_t len, void *ctx);

#define MULTIBOOT1_BOOTLOADER_MAGIC 0x2BADB002u
#define MULTIBOOT2_BOOTLOADER_MAGIC 0x36d76289u

/*
 * Parse a multiboot2 information structure at info_pa into *bi.
 * Returns 0, or -EINVAL for a structure that cannot be trusted (bad total
 * size, tag running past the end, missing memory map). Recoverable oddities
 * (too many regions or modules, truncated strings, a module with end < start)
 * are logged with log_warn and skipped.
 */
int multiboot2_parse(uint64_t info_pa, phys_map_fn map, void *ctx, struct boot_info *bi);

/* Same for a multiboot1 information structure (QEMU -kernel). */
int multiboot1_parse(uint64_t info_pa, phys_map_fn map, void *ctx, struct boot_info *bi);

#endif
