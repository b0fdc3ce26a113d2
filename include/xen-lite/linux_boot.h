/*
 * The Linux x86 boot protocol, 64-bit entry (Documentation/arch/x86/boot.rst
 * in the kernel): where to put a bzImage's payload, dom0's e820 map, and the
 * "zero page" (struct boot_params) handed to the kernel in RSI.
 *
 * Pure logic over buffers, so it is also built into host unit tests. Every
 * value read from the image is untrusted and bounds-checked. See
 * Documentation/linux-boot.md for the rules and the entry state.
 */
#ifndef XEN_LITE_LINUX_BOOT_H
#define XEN_LITE_LINUX_BOOT_H

#include <xen-lite/boot_info.h>

/* A physical range [start, end). */
struct linux_range {
	uint64_t start, end;
};

/* One boot_params e820 entry: exactly the kernel's 20-byte packed format. */
struct e820_entry {
	uint64_t addr, size;
	uint32_t type;
} __attribute__((packed));

#define E820_RAM 1 /* e820 types: the same numbering as enum mem_type */
#define E820_RESERVED 2

#define LINUX_E820_MAX 128 /* capacity of boot_params.e820_table */
#define LINUX_BOOT_PARAMS_SIZE 4096 /* the zero page */

/*
 * The loader's boot area, LINUX_BOOT_AREA_PAGES pages: the zero page, the
 * command line, a GDT (with room for an RSDP copy at LINUX_AREA_RSDP_OFFSET
 * in its page), then page tables identity-mapping the first 4 GiB with 2 MiB
 * pages (PML4, PDPT, four page directories) for the 64-bit entry.
 */
#define LINUX_BOOT_AREA_PAGES 9
#define LINUX_AREA_BOOT_PARAMS 0 /* page indexes */
#define LINUX_AREA_CMDLINE 1
#define LINUX_AREA_GDT 2
#define LINUX_AREA_PML4 3
#define LINUX_AREA_RSDP_OFFSET 2048 /* bytes into the GDT page */
#define LINUX_AREA_GDT_LIMIT (4 * 8 - 1)

/* Zero the area (which will sit at physical address base) and write its GDT and page tables. */
void linux_write_boot_area(uint8_t *area, uint64_t base);

/* 64-bit entry state (boot.rst, "64-bit Boot Protocol"). */
#define LINUX_ENTRY64_OFFSET 0x200 /* the 64-bit entry: payload start + 0x200 */
#define LINUX_BOOT_CS 0x10 /* __BOOT_CS: flat 4 GiB execute/read code (64-bit: L=1) */
#define LINUX_BOOT_DS 0x18 /* __BOOT_DS: flat 4 GiB read/write data; DS, ES, SS */

/*
 * Build dom0's e820 map from the machine's normalized memory map and the RAM
 * given to dom0 (ram: any order; empty ranges ignored). Available memory
 * inside a dom0 range becomes E820_RAM; available memory outside them (the
 * hypervisor's, other domains') becomes E820_RESERVED, so Linux never places
 * PCI BARs there; reserved, ACPI, NVS and bad regions keep their type (an
 * unknown type becomes reserved); holes stay holes. Where machine regions
 * overlap, the more restrictive type wins. A dom0 range over a hole or
 * non-available memory adds no RAM. The result is sorted, with touching
 * entries of equal type merged. Returns the entry count, or -ENOSPC when more
 * than cap entries would be needed.
 */
int linux_build_e820(const struct mem_region *map, unsigned int map_count,
		     const struct linux_range *ram, unsigned int ram_count, struct e820_entry *out,
		     unsigned int cap);

struct linux_load_plan {
	uint16_t protocol; /* e.g. 0x020f for 2.15 */
	bool relocatable; /* relocatable_kernel */
	bool above_4g; /* XLF_CAN_BE_LOADED_ABOVE_4G: kernel/boot params/cmdline/initrd may be >= 4 GiB */
	uint64_t setup_size; /* (setup_sects + 1) * 512: the payload starts here in the image */
	uint64_t payload_size; /* image size - setup_size: the bytes to copy to load_addr */
	uint64_t load_addr; /* where the payload goes (physical = dom0 physical) */
	uint64_t init_size; /* memory the kernel needs from load_addr (header init_size) */
	uint64_t entry64; /* load_addr + LINUX_ENTRY64_OFFSET */
};

/*
 * Check the bzImage (bzimage_probe() plus the header length, init_size and
 * kernel_alignment) and choose where its payload goes. The kernel uses
 * [load_addr, load_addr + init_size); that range must lie inside one RAM
 * range, overlap no avoid range (the modules still to be read, the boot
 * params, the command line), start at or above 1 MiB, and end at or below
 * 4 GiB unless above_4g. The choice: pref_address if it qualifies (and, for
 * a relocatable kernel, is aligned to kernel_alignment); otherwise, for a
 * relocatable kernel only, the lowest kernel_alignment-aligned address that
 * qualifies, searched at or above max(16 MiB, pref_address) first, then at
 * or above max(1 MiB, pref_address). Never below pref_address: the kernel
 * moves itself up to it (LOAD_PHYSICAL_ADDR) when started lower.
 * Returns 0, -ENOEXEC (not a bzImage), -EINVAL (bad or unsupported header)
 * or -ENOMEM (no room). Logs a warning saying why on failure.
 */
int linux_plan_load(const void *image, uint64_t image_size, const struct linux_range *ram,
		    unsigned int ram_count, const struct linux_range *avoid, unsigned int avoid_count,
		    struct linux_load_plan *plan);

/* Where the loader put the things the zero page points at (dom0 physical). */
struct linux_boot_args {
	uint64_t bp_pa; /* where the zero page itself will be (passed in RSI) */
	uint64_t cmdline_pa; /* NUL-terminated command line; 0: none */
	uint64_t cmdline_len; /* its length without the NUL (at most the header's cmdline_size) */
	uint64_t initrd_pa, initrd_size; /* size 0: no initrd */
	uint64_t rsdp_pa; /* ACPI RSDP; 0: the kernel searches the BIOS areas itself */
};

/*
 * Fill bp (LINUX_BOOT_PARAMS_SIZE bytes; zeroed here first) as the zero page:
 * the image's setup header (0x1F1 up to 0x202 + the byte at 0x201), then the
 * loader's fields: vid_mode 0xFFFF, type_of_loader 0xFF, loadflags
 * LOADED_HIGH only, code32_start, command line, initrd, setup_data 0,
 * hardware_subarch 0 (PC), acpi_rsdp_addr (protocol >= 2.14), and the e820
 * table. plan must come from linux_plan_load() on the same image.
 * Returns 0; -ENOEXEC/-EINVAL for a bad image; -E2BIG for a command line
 * longer than cmdline_size; -ERANGE for an initrd ending above
 * initrd_addr_max (unless above_4g) or anything at or above 4 GiB without
 * above_4g; -EINVAL for bad arguments: no or too many e820 entries, a range
 * that wraps, or kernel/zero page/command line/initrd overlapping.
 * On failure bp is left zeroed.
 */
int linux_fill_boot_params(uint8_t *bp, const void *image, uint64_t image_size,
			   const struct linux_load_plan *plan, const struct e820_entry *e820,
			   unsigned int e820_count, const struct linux_boot_args *args);

#endif
