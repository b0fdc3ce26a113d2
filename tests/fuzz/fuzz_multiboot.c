/*
 * Fuzz the multiboot1 and multiboot2 information parsers
 * (arch/x86_64/cpu/multiboot.c) and what the core does next with their
 * result at boot (xen-lite/main.c): the command line, the memory map's
 * normalization, the module checks and xl-guest module lines.
 *
 * Input: one byte choosing the protocol (bit 0: multiboot2), then physical
 * memory from FAKE_BASE on, with the information structure at FAKE_BASE;
 * every address in it (memory map, modules, strings) is physical.
 */
#include <stdlib.h>
#include <string.h>

#include <xen-lite/arch/mm.h>
#include <xen-lite/boot_info.h>
#include <xen-lite/guest_launch.h>
#include <xen-lite/memmap.h>
#include <xen-lite/modules.h>
#include <xen-lite/params.h>

#include "support.h"

#define FAKE_BASE 0x10000ULL
/* modules_report() reads module 0 through the direct map: RAM past the input reads as 0 */
#define RAM_SIZE (1u << 20)

static uint8_t *ram; /* RAM_SIZE bytes at FAKE_BASE, then a zero page for reads beyond */
static uint8_t zero_page[4096];

void *phys_to_virt(uint64_t pa)
{
	if (pa >= FAKE_BASE && pa - FAKE_BASE < RAM_SIZE - sizeof(zero_page))
		return ram + (pa - FAKE_BASE);
	return zero_page; /* bzimage_probe() reads a header's worth at most */
}

static void check_string(const char *s, size_t size, const char *what)
{
	FUZZ_CHECK(memchr(s, '\0', size), "%s is not NUL-terminated", what);
}

static void check_boot_info(const struct boot_info *bi)
{
	FUZZ_CHECK(bi->mem_count <= BOOT_MAX_MEM_REGIONS, "mem_count %u", bi->mem_count);
	FUZZ_CHECK(bi->module_count <= BOOT_MAX_MODULES, "module_count %u", bi->module_count);
	FUZZ_CHECK(bi->rsdp_len == 0 || bi->rsdp_len == 20 || bi->rsdp_len == 36, "rsdp_len %u",
		   bi->rsdp_len);
	check_string(bi->cmdline, sizeof(bi->cmdline), "the command line");
	check_string(bi->loader_name, sizeof(bi->loader_name), "the loader name");
	for (unsigned int i = 0; i < bi->mem_count; i++)
		FUZZ_CHECK(bi->mem[i].size && bi->mem[i].base + bi->mem[i].size > bi->mem[i].base,
			   "memory region %u [%#llx + %#llx) is empty or wraps", i,
			   (unsigned long long)bi->mem[i].base, (unsigned long long)bi->mem[i].size);
	for (unsigned int i = 0; i < bi->module_count; i++) {
		FUZZ_CHECK(bi->modules[i].end >= bi->modules[i].start, "module %u ends before it starts",
			   i);
		check_string(bi->modules[i].cmdline, sizeof(bi->modules[i].cmdline),
			     "a module's command line");
	}
}

/* memmap_normalize(): sorted, disjoint, no empty region, available memory in whole pages */
static void check_normalized(const struct mem_region *r, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		FUZZ_CHECK(r[i].size, "normalized region %u is empty", i);
		FUZZ_CHECK(r[i].type != MEM_AVAILABLE ||
				   (IS_ALIGNED(r[i].base, PAGE_SIZE) && IS_ALIGNED(r[i].size, PAGE_SIZE)),
			   "available region %u is not in whole pages", i);
		FUZZ_CHECK(i == 0 || r[i - 1].base + r[i - 1].size <= r[i].base,
			   "normalized regions %u and %u overlap or are out of order", i - 1, i);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct boot_info bi;
	static struct params defaults;
	static bool have_defaults;
	struct guest_spec spec;
	int err, n;

	if (!have_defaults) {
		defaults = params;
		have_defaults = true;
		ram = calloc(1, RAM_SIZE);
	}
	if (size < 1)
		return 0;
	memset(ram, 0, RAM_SIZE);
	memcpy(ram, data + 1, MIN(size - 1, (size_t)RAM_SIZE - sizeof(zero_page)));
	fuzz_mem_reset(false);
	fuzz_mem_add(FAKE_BASE, data + 1, size - 1);

	if (data[0] & 1)
		err = multiboot2_parse(FAKE_BASE, fuzz_mem_map, NULL, &bi);
	else
		err = multiboot1_parse(FAKE_BASE, fuzz_mem_map, NULL, &bi);
	fuzz_mem_release();
	if (err)
		return 0;
	check_boot_info(&bi);

	/* what xl_main() does with it */
	params = defaults;
	params_parse(bi.cmdline);
	n = memmap_normalize(bi.mem, bi.mem_count, BOOT_MAX_MEM_REGIONS);
	if (n >= 0) {
		bi.mem_count = (unsigned int)n;
		check_normalized(bi.mem, bi.mem_count);
		memmap_total(bi.mem, bi.mem_count, MEM_AVAILABLE);
		memmap_top(bi.mem, bi.mem_count);
	}
	modules_report(&bi);
	for (unsigned int i = 0; i < bi.module_count; i++)
		guest_spec_parse(bi.modules[i].cmdline, &spec);
	return 0;
}
