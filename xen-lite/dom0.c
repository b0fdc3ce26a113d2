/*
 * Building and running dom0 (see include/xen-lite/dom0.h): claim its
 * memory from the bottom of RAM, identity-map everything that is not the
 * hypervisor's or the guest pool's, load the bzImage and initrd, write the
 * boot parameters, and enter the kernel's 64-bit entry point on CPU 0.
 */
#include <xen-lite-abi.h>
#include <xen-lite/arch/cpu.h>
#include <xen-lite/arch/dom0.h>
#include <xen-lite/arch/vm.h>
#include <xen-lite/dom0.h>
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/errstr.h>
#include <xen-lite/iommu.h>
#include <xen-lite/linux_boot.h>
#include <xen-lite/log.h>
#include <xen-lite/module_loader.h>
#include <xen-lite/memmap.h>
#include <xen-lite/mm.h>
#include <xen-lite/modules.h>
#include <xen-lite/panic.h>
#include <xen-lite/params.h>
#include <xen-lite/run_slot.h>
#include <xen-lite/string.h>

#define DOM0_MAX_RANGES 64
#define BOOT_AREA_MIN 0x10000 /* above the real-mode IVT/BDA Linux keeps */
#define BOOT_AREA_PAGES LINUX_BOOT_AREA_PAGES
#define MAP_LIMIT_MIN (4ULL << 30)
/* kept back for the hypervisor itself (nested tables, vCPU state, heap) whatever dom0_mem says */
#define HYPERVISOR_RESERVE_MIN (64ULL << 20)

struct dom0_layout {
	struct linux_range ram[DOM0_MAX_RANGES];
	unsigned int nram;
	bool overflow;
	uint64_t boot_area;
};

static struct dom0_layout layout;
static struct e820_entry e820[LINUX_E820_MAX];

bool dom0_kernel_given(const struct boot_info *bi)
{
	return bi->module_count && strncmp(bi->modules[0].cmdline, "xl-guest", 8) &&
	       !boot_module_is_behaviour_module(bi->modules[0].cmdline);
}

static void add_ram(hpa_t claimed_start, hpa_t claimed_end, void *ctx)
{
	struct dom0_layout *l = ctx;
	uint64_t start = hpa_addr(claimed_start), end = hpa_addr(claimed_end);

	if (l->nram && l->ram[l->nram - 1].end == start) {
		l->ram[l->nram - 1].end = end;
	} else if (l->nram < DOM0_MAX_RANGES) {
		l->ram[l->nram++] = (struct linux_range){ start, end };
	} else {
		l->overflow = true; /* claimed, but beyond what dom0 is told: freed below */
		phys_free(claimed_start, end - start);
	}
}

/*
 * Page 0 (real-mode IVT, BIOS data area) is never handed out by the page
 * allocator but is firmware data Linux reads: it is dom0's, not a block the
 * domain frees.
 */
static void add_page_zero(const struct boot_info *bi)
{
	if (!bi->mem_count || bi->mem[0].type != MEM_AVAILABLE || bi->mem[0].base ||
	    layout.nram == DOM0_MAX_RANGES)
		return;
	if (layout.nram && layout.ram[0].start == PAGE_SIZE) {
		layout.ram[0].start = 0;
		return;
	}
	memmove(&layout.ram[1], &layout.ram[0], layout.nram * sizeof(layout.ram[0]));
	layout.ram[0] = (struct linux_range){ 0, PAGE_SIZE };
	layout.nram++;
}

/* [start, start + size) of the machine at the same guest-physical address */
static int map_same(struct domain *d, uint64_t start, uint64_t size)
{
	return arch_domain_map(d, gpa_init(start), hpa_init(start), size);
}

/* Map [0, limit) identity into dom0's nested tables, skipping what is not dom0's RAM. */
static int map_identity(struct domain *d, const struct boot_info *bi, uint64_t limit)
{
	uint64_t pos = 0;

	/* available memory outside dom0's ranges is the hypervisor's or the pool's: never mapped */
	for (unsigned int i = 0; i <= bi->mem_count; i++) {
		uint64_t hole_end = i < bi->mem_count ? bi->mem[i].base : limit;
		uint64_t region_end = i < bi->mem_count ? bi->mem[i].base + bi->mem[i].size : limit;
		int err;

		if (i < bi->mem_count && bi->mem[i].type != MEM_AVAILABLE)
			continue;
		hole_end = MIN(ALIGN_DOWN(hole_end, PAGE_SIZE), limit);
		if (hole_end > pos && (err = map_same(d, pos, hole_end - pos)))
			return err;
		pos = MAX(pos, hole_end);
		if (i == bi->mem_count)
			break;
		/* inside an available region: only dom0's ranges */
		for (unsigned int r = 0; r < layout.nram; r++) {
			uint64_t s = MAX(layout.ram[r].start, pos), e = MIN(layout.ram[r].end, region_end);

			if (s < e && (err = map_same(d, s, e - s)))
				return err;
		}
		pos = MAX(pos, ALIGN_UP(region_end, PAGE_SIZE));
	}
	return 0;
}

/*
 * The boot loader's information block stays the hypervisor's (module command
 * lines live in it), reserved in dom0's e820, but dom0 may read it: Linux
 * scans all of [0x80000, 0x100000) for firmware tables (the iBFT search), and
 * GRUB on UEFI puts the block wherever it likes below 1 MiB.
 */
static int map_boot_info(struct domain *d, const struct boot_info *bi)
{
	uint64_t start = ALIGN_DOWN(bi->info_start, PAGE_SIZE), end = ALIGN_UP(bi->info_end, PAGE_SIZE);
	int err;

	if (end <= start)
		return 0;
	err = map_same(d, start, end - start);
	if (err == -EEXIST)
		return 0; /* not in available memory: already mapped with the machine's other regions */
	return err ? err : arch_domain_protect(d, gpa_init(start), end - start, GUEST_PERM_READ);
}

static uint64_t dom0_ram_bytes(void)
{
	uint64_t sum = 0;

	for (unsigned int r = 0; r < layout.nram; r++)
		sum += layout.ram[r].end - layout.ram[r].start;
	return sum;
}

static bool in_dom0_ram(uint64_t start, uint64_t end)
{
	for (unsigned int r = 0; r < layout.nram; r++)
		if (layout.ram[r].start <= start && end <= layout.ram[r].end)
			return true;
	return false;
}

static bool overlaps(uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
	return a < d && c < b;
}

/* Highest page-aligned place for size bytes of dom0 RAM below limit that avoids [avoid_s, avoid_e). */
static uint64_t place_high(uint64_t size, uint64_t limit, uint64_t avoid_s, uint64_t avoid_e)
{
	for (unsigned int r = layout.nram; r-- > 0;) {
		uint64_t end = MIN(layout.ram[r].end, limit), s;

		if (end < layout.ram[r].start + size)
			continue;
		s = ALIGN_DOWN(end - size, PAGE_SIZE);
		if (overlaps(s, s + size, avoid_s, avoid_e))
			s = avoid_s >= size ? ALIGN_DOWN(avoid_s - size, PAGE_SIZE) : 0;
		if (s >= layout.ram[r].start && s + size <= end && !overlaps(s, s + size, avoid_s, avoid_e))
			return s;
	}
	return 0;
}

static uint64_t place_boot_area(void)
{
	for (unsigned int r = 0; r < layout.nram; r++) {
		uint64_t s = MAX(layout.ram[r].start, (uint64_t)BOOT_AREA_MIN);

		if (s + BOOT_AREA_PAGES * PAGE_SIZE <= MIN(layout.ram[r].end, 0x100000ULL))
			return s;
	}
	return 0;
}

static void *dom0_ptr(uint64_t pa)
{
	return phys_to_virt(pa); /* identity: dom0's memory is reached like any other */
}

/* GDT, page tables, and an RSDP copy that points at the machine's tables. */
static void write_boot_area(uint64_t base, const uint8_t *rsdp, unsigned int rsdp_len)
{
	linux_write_boot_area(dom0_ptr(base), base);
	memcpy(dom0_ptr(base + LINUX_AREA_GDT * PAGE_SIZE + LINUX_AREA_RSDP_OFFSET), rsdp, rsdp_len);
}

/* vCPU n on CPU n; the secondary ones wait for dom0 to start them with INIT and SIPI. */
static int add_vcpus(struct domain *d)
{
	unsigned int n = (unsigned int)MIN(params.dom0_max_vcpus, (uint64_t)arch_cpus_online());
	int err = 0;

	if (n < params.dom0_max_vcpus)
		log_warn("dom0: dom0_max_vcpus=%llu but only %u CPU(s) are online\n",
			 (unsigned long long)params.dom0_max_vcpus, n);
	for (unsigned int i = 0; i < n && !err; i++) {
		err = domain_add_vcpu(d, i);
		if (!err && i)
			arch_vcpu_wait_for_sipi(d->vcpus[i]);
	}
	return err;
}

static int load_kernel(const struct boot_info *bi, struct linux_load_plan *plan, uint64_t *initrd,
		       uint64_t *initrd_size)
{
	const struct boot_module *k = &bi->modules[0];
	const uint8_t *image = phys_to_virt(k->start);
	uint64_t size = k->end - k->start;
	struct linux_range avoid = { layout.boot_area, layout.boot_area + BOOT_AREA_PAGES * PAGE_SIZE };
	int err = linux_plan_load(image, size, layout.ram, layout.nram, &avoid, 1, plan);

	if (err)
		return err;
	memcpy(dom0_ptr(plan->load_addr), image + plan->setup_size, plan->payload_size);
	*initrd = *initrd_size = 0;
	if (bi->module_count > 1 && strncmp(bi->modules[1].cmdline, "xl-guest", 8) &&
	    !boot_module_is_behaviour_module(bi->modules[1].cmdline)) {
		const struct boot_module *m = &bi->modules[1];

		*initrd_size = m->end - m->start;
		*initrd = place_high(*initrd_size, 4ULL << 30, plan->load_addr,
				     plan->load_addr + plan->init_size);
		if (!*initrd || !in_dom0_ram(*initrd, *initrd + *initrd_size))
			return -ENOMEM;
		memcpy(dom0_ptr(*initrd), phys_to_virt(m->start), *initrd_size);
	}
	return 0;
}

static int build(struct domain *d, const struct boot_info *bi)
{
	struct linux_load_plan plan;
	struct linux_boot_args args;
	uint64_t initrd, initrd_size, rsdp_pa = 0, want = params.dom0_mem, base;
	uint8_t rsdp[BOOT_RSDP_MAX];
	unsigned int rsdp_len = 0;
	const char *cmdline = bi->modules[0].cmdline;
	int n, err;

	uint64_t free = phys_free_pages() << PAGE_SHIFT;
	uint64_t reserve = MAX(HYPERVISOR_RESERVE_MIN, free / 64);
	struct bzimage_info bz;

	/* refuse a bad kernel before anything is claimed */
	err = bzimage_probe(phys_to_virt(bi->modules[0].start),
			    bi->modules[0].end - bi->modules[0].start, &bz);
	if (err)
		return err;
	if (free <= reserve)
		return -ENOMEM;
	if (!want || want > free - reserve) {
		if (want)
			log_warn("dom0: dom0_mem=%llu MiB is more than can be given; using %llu MiB\n",
				 (unsigned long long)(want >> 20),
				 (unsigned long long)((free - reserve) >> 20));
		else
			log_warn("dom0: no dom0_mem= given: dom0 takes all %llu MiB and no memory is left for "
				 "guests (give dom0_mem=SIZE to keep some)\n",
				 (unsigned long long)((free - reserve) >> 20));
		want = free - reserve;
	}
	phys_claim_lowest(want, add_ram, &layout);
	if (!layout.nram)
		return -ENOMEM;
	for (unsigned int r = 0; r < layout.nram; r++)
		d->blocks[d->nr_blocks++] = (struct mem_block){ gpa_init(layout.ram[r].start),
							       hpa_init(layout.ram[r].start),
							       layout.ram[r].end - layout.ram[r].start };
	add_page_zero(bi);
	d->mem_size = d->mem_end = layout.ram[layout.nram - 1].end;
	d->gpa_top = MAX(ALIGN_UP(memmap_end(bi->mem, bi->mem_count), SIZE_1G), MAP_LIMIT_MIN);
	err = map_identity(d, bi, d->gpa_top);
	if (!err)
		err = map_boot_info(d, bi);
	if (!err)
		err = arch_dom0_reserve_iommus(d);
	if (!err)
		err = iommu_dom0_protect(d);
	if (err)
		return err;
	n = linux_build_e820(bi->mem, bi->mem_count, layout.ram, layout.nram, e820, LINUX_E820_MAX);
	if (n < 0)
		return n;
	base = layout.boot_area = place_boot_area();
	if (!base)
		return -ENOMEM;
	err = load_kernel(bi, &plan, &initrd, &initrd_size);
	if (err)
		return err;
	if (!arch_dom0_rsdp(bi, rsdp, &rsdp_len, &rsdp_pa) && rsdp_len)
		rsdp_pa = base + LINUX_AREA_GDT * PAGE_SIZE + LINUX_AREA_RSDP_OFFSET; /* our copy */
	write_boot_area(base, rsdp, rsdp_len);
	memcpy(dom0_ptr(base + LINUX_AREA_CMDLINE * PAGE_SIZE), cmdline, strlen(cmdline) + 1);
	args = (struct linux_boot_args){ .bp_pa = base,
					 .cmdline_pa = base + LINUX_AREA_CMDLINE * PAGE_SIZE,
					 .cmdline_len = strlen(cmdline),
					 .initrd_pa = initrd,
					 .initrd_size = initrd_size,
					 .rsdp_pa = rsdp_pa };
	err = linux_fill_boot_params(dom0_ptr(base), phys_to_virt(bi->modules[0].start),
				     bi->modules[0].end - bi->modules[0].start, &plan, e820, (unsigned int)n,
				     &args);
	if (err)
		return err;
	err = add_vcpus(d);
	if (!err)
		err = arch_dom0_devices(d); /* after the vCPUs: it learns which CPUs are dom0's */
	if (err)
		return err;
	arch_vcpu_set_linux_start(d->vcpus[0], plan.entry64, base + LINUX_AREA_PML4 * PAGE_SIZE,
				  base + LINUX_AREA_GDT * PAGE_SIZE, LINUX_AREA_GDT_LIMIT, base);
	arch_dom0_limit_madt(d);
	log_info("dom0: %llu MiB in %u range(s), kernel at %#llx (protocol %u.%u), initrd %llu KiB at %#llx, "
		 "%d e820 entries\n",
		 (unsigned long long)(dom0_ram_bytes() >> 20), layout.nram,
		 (unsigned long long)plan.load_addr, plan.protocol >> 8, plan.protocol & 0xff,
		 (unsigned long long)(initrd_size >> 10), (unsigned long long)initrd, n);
	return 0;
}

static void report_end(struct domain *d)
{
	if (d->state == DOMAIN_CRASHED) {
		arch_vcpu_dump(d->vcpus[0], "dom0 crashed");
		log_err("dom0 crashed: %s\n", d->crash_reason);
	} else if (d->shutdown_reason == XL_SHUTDOWN_REBOOT) {
		log_warn("dom0 ended by resetting the machine (a reboot, or a panic with panic=N)\n");
	} else {
		log_info("dom0 shut down (reason %d)\n", d->shutdown_reason);
	}
	if (params.dom0_on_crash == DOM0_ON_CRASH_REBOOT) {
		log_info("dom0_on_crash=reboot: rebooting the node\n");
		arch_machine_stop(true, EXIT_CODE_PANIC);
	}
	log_info("dom0_on_crash=keep: the hypervisor and any guests keep running without dom0\n");
}

void dom0_start(const struct boot_info *bi)
{
	int err;
	struct domain *d = domain_create("dom0", true, &err);

	if (!d) {
		log_err("dom0: cannot create the domain: %s\n", errstr(err));
		return;
	}
	err = build(d, bi);
	if (err) {
		log_err("dom0: cannot start: %s (%d)\n", errstr(err), err);
		domain_destroy(d);
		return;
	}
	d->state = DOMAIN_RUNNING;
	for (unsigned int i = 1; i < d->nr_vcpus; i++)
		run_slot_give(d->vcpus[i]); /* they wait for dom0's INIT and SIPI */
	log_info("dom0: entering the kernel on CPU 0 (%u vCPU(s))\n", d->nr_vcpus);
	arch_vcpu_run(d->vcpus[0]);
	report_end(d);
}
