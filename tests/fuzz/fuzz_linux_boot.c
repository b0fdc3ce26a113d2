/*
 * Fuzz the bzImage header check and the Linux boot protocol builder
 * (xen-lite/modules.c bzimage_probe; xen-lite/linux_boot.c linux_build_e820,
 * linux_plan_load, linux_fill_boot_params) in the order dom0's and a Linux
 * guest's builders call them, and check the promises of linux_boot.h.
 *
 * Input: a flags byte; the machine's memory map (a count, then base, size
 * and type per region), the RAM given to the kernel and the ranges to avoid
 * (a count, then start and end each); the boot arguments (zero page,
 * command line and its length, initrd and its size, RSDP); then the image.
 * Numbers are read with fuzz_number(), near 4 GiB as the edge.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xen-lite/errno.h>
#include <xen-lite/le.h>
#include <xen-lite/linux_boot.h>
#include <xen-lite/modules.h>

#include "support.h"

#define MAX_MAP 12
#define MAX_RANGES 6
#define SIZE_4G 0x100000000ULL

/* bzimage_probe() reads the image through its own arguments only */
void *phys_to_virt(uint64_t pa)
{
	fuzz_fail("phys_to_virt(%#llx) called", (unsigned long long)pa);
}

static unsigned int take_ranges(struct fuzz_in *in, struct linux_range *r, unsigned int max)
{
	unsigned int n = fuzz_u8(in) % (max + 1);

	for (unsigned int i = 0; i < n; i++) {
		r[i].start = fuzz_number(in, SIZE_4G);
		r[i].end = fuzz_number(in, SIZE_4G);
	}
	return n;
}

/* Sorted, disjoint, non-empty, touching entries of one type merged; RAM only in dom0's ranges. */
static void check_e820(const struct e820_entry *e, int n, const struct linux_range *ram,
		       unsigned int ram_n)
{
	for (int i = 0; i < n; i++) {
		FUZZ_CHECK(e[i].size && e[i].addr + e[i].size - 1 >= e[i].addr, "e820 entry %d", i);
		FUZZ_CHECK(e[i].type >= 1 && e[i].type <= 5, "e820 entry %d type %u", i, e[i].type);
		if (i) {
			FUZZ_CHECK(e[i - 1].addr + e[i - 1].size <= e[i].addr,
				   "e820 entries %d and %d overlap or are out of order", i - 1, i);
			FUZZ_CHECK(e[i - 1].addr + e[i - 1].size < e[i].addr || e[i - 1].type != e[i].type,
				   "e820 entries %d and %d not merged", i - 1, i);
		}
		if (e[i].type == E820_RAM) {
			bool inside = false;

			for (unsigned int j = 0; j < ram_n; j++)
				inside |= ram[j].start <= e[i].addr && e[i].addr < ram[j].end;
			FUZZ_CHECK(inside, "e820 RAM at %#llx given to no one",
				   (unsigned long long)e[i].addr);
		}
	}
}

/*
 * linux_plan_load()'s promise: inside one RAM range, clear of the avoided ones, below 4 GiB
 * unless allowed, never below pref_address; exactly there if not relocatable, else there or
 * aligned to kernel_alignment.
 */
static void check_plan(const struct linux_load_plan *p, const uint8_t *image,
		       const struct linux_range *ram, unsigned int ram_n,
		       const struct linux_range *avoid, unsigned int avoid_n)
{
	uint64_t a = p->load_addr, len = p->init_size, pref = le64_get(image + 0x258);
	uint64_t align = MAX(le32_get(image + 0x230), PAGE_SIZE);
	bool inside = false;

	FUZZ_CHECK(a >= pref, "kernel at %#llx, below pref_address %#llx", (unsigned long long)a,
		   (unsigned long long)pref);
	FUZZ_CHECK(a == pref || (p->relocatable && a % align == 0),
		   "kernel at %#llx: not pref_address %#llx nor aligned to %#llx",
		   (unsigned long long)a, (unsigned long long)pref, (unsigned long long)align);

	FUZZ_CHECK(a >= 0x100000 && a + len >= a, "kernel at %#llx", (unsigned long long)a);
	FUZZ_CHECK(p->above_4g || a + len <= SIZE_4G, "kernel above 4 GiB");
	FUZZ_CHECK(p->entry64 == a + 0x200, "entry64");
	for (unsigned int i = 0; i < ram_n; i++)
		inside |= ram[i].start <= a && a + len <= ram[i].end;
	FUZZ_CHECK(inside, "kernel [%#llx, +%#llx) not inside one RAM range", (unsigned long long)a,
		   (unsigned long long)len);
	for (unsigned int i = 0; i < avoid_n; i++)
		FUZZ_CHECK(avoid[i].start >= avoid[i].end || a + len <= avoid[i].start ||
				   avoid[i].end <= a,
			   "kernel overlaps avoided range %u", i);
}

static bool overlap(uint64_t s1, uint64_t l1, uint64_t s2, uint64_t l2)
{
	return l1 && l2 && s1 < s2 + l2 && s2 < s1 + l1;
}

/* A zero page was filled: what it points at neither overlaps nor lies beyond the kernel's reach. */
static void check_args(const struct linux_load_plan *p, const struct linux_boot_args *a,
		       const uint8_t *image)
{
	uint64_t cl = a->cmdline_pa ? a->cmdline_len + 1 : 0;
	uint64_t limit = p->above_4g ? UINT64_MAX : SIZE_4G;

	FUZZ_CHECK(!overlap(p->load_addr, p->init_size, a->bp_pa, 4096) &&
			   !overlap(p->load_addr, p->init_size, a->cmdline_pa, cl) &&
			   !overlap(p->load_addr, p->init_size, a->initrd_pa, a->initrd_size) &&
			   !overlap(a->bp_pa, 4096, a->cmdline_pa, cl) &&
			   !overlap(a->bp_pa, 4096, a->initrd_pa, a->initrd_size) &&
			   !overlap(a->cmdline_pa, cl, a->initrd_pa, a->initrd_size),
		   "the kernel, zero page, command line and initrd overlap");
	FUZZ_CHECK(a->bp_pa <= limit - 4096 && a->cmdline_pa <= limit - cl &&
			   (!a->initrd_size || a->initrd_pa <= limit - a->initrd_size),
		   "boot data beyond the kernel's reach");
	FUZZ_CHECK(a->cmdline_len <= le32_get(image + 0x238), "command line longer than cmdline_size");
	FUZZ_CHECK(!a->initrd_size || p->above_4g ||
			   a->initrd_pa + a->initrd_size - 1 <= le32_get(image + 0x22c),
		   "initrd above initrd_addr_max");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct e820_entry e820[LINUX_E820_MAX];
	static uint8_t bp[LINUX_BOOT_PARAMS_SIZE];
	struct fuzz_in in = { data, size };
	struct mem_region map[MAX_MAP];
	struct linux_range ram[MAX_RANGES], avoid[MAX_RANGES];
	struct linux_boot_args args;
	struct linux_load_plan plan;
	struct bzimage_info bz;
	unsigned int map_n, ram_n, avoid_n, cap;
	const uint8_t *p;
	uint8_t *image, flags;
	size_t n;
	int e820_n, err;

	flags = fuzz_u8(&in);
	map_n = fuzz_u8(&in) % (MAX_MAP + 1);
	for (unsigned int i = 0; i < map_n; i++) {
		map[i].base = fuzz_number(&in, SIZE_4G);
		map[i].size = fuzz_number(&in, SIZE_4G);
		map[i].type = fuzz_u8(&in) % 8;
	}
	ram_n = take_ranges(&in, ram, MAX_RANGES);
	avoid_n = take_ranges(&in, avoid, MAX_RANGES);
	args.bp_pa = fuzz_number(&in, SIZE_4G);
	args.cmdline_pa = fuzz_number(&in, SIZE_4G);
	args.cmdline_len = fuzz_number(&in, 2048);
	args.initrd_pa = fuzz_number(&in, SIZE_4G);
	args.initrd_size = fuzz_number(&in, SIZE_4G);
	args.rsdp_pa = fuzz_number(&in, SIZE_4G);
	n = fuzz_bytes(&in, in.len, &p);
	image = malloc(n ? n : 1); /* exactly the image: ASan sees any read past it */
	memcpy(image, p, n);

	bzimage_probe(image, n, &bz);

	cap = flags & 1 ? 3 : LINUX_E820_MAX;
	e820_n = linux_build_e820(map, map_n, ram, ram_n, e820, cap);
	FUZZ_CHECK(e820_n == -ENOSPC || (e820_n >= 0 && (unsigned int)e820_n <= cap),
		   "linux_build_e820() returned %d", e820_n);
	check_e820(e820, e820_n, ram, ram_n);

	err = linux_plan_load(image, n, ram, ram_n, avoid, avoid_n, &plan);
	if (fuzz_verbose())
		fprintf(stderr, "plan %d: kernel at %#llx, init_size %#llx, above_4g %d; zero page %#llx, "
			"command line %#llx (%llu bytes), initrd %#llx (%#llx bytes)\n", err,
			(unsigned long long)plan.load_addr, (unsigned long long)plan.init_size,
			plan.above_4g, (unsigned long long)args.bp_pa, (unsigned long long)args.cmdline_pa,
			(unsigned long long)args.cmdline_len, (unsigned long long)args.initrd_pa,
			(unsigned long long)args.initrd_size);
	if (err == 0) {
		check_plan(&plan, image, ram, ram_n, avoid, avoid_n);
		err = linux_fill_boot_params(bp, image, n, &plan, e820, e820_n > 0 ? e820_n : 0, &args);
		if (err == 0) {
			FUZZ_CHECK(bp[0x1e8] == e820_n && bp[0x210] == 0xff && bp[0x211] == 0x01 &&
					   le32_get(bp + 0x228) == (uint32_t)args.cmdline_pa,
				   "zero page not filled as documented");
			check_args(&plan, &args, image);
		} else {
			for (unsigned int i = 0; i < sizeof(bp); i++)
				FUZZ_CHECK(!bp[i], "a refused zero page is not left zeroed");
		}
	}
	free(image);
	return 0;
}
