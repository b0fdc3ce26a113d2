/*
 * The generic boot sequence: parameters, console, memory, platform, CPUs,
 * then a summary that tests and operators read.
 */
#include <xen-lite/arch/boot.h>
#include <xen-lite/arch/cpu.h>
#include <xen-lite/console.h>
#include <xen-lite/dom0.h>
#include <xen-lite/guest_launch.h>
#include <xen-lite/heap.h>
#include <xen-lite/iommu.h>
#include <xen-lite/log.h>
#include <xen-lite/module_loader.h>
#include <xen-lite/memmap.h>
#include <xen-lite/mm.h>
#include <xen-lite/modules.h>
#include <xen-lite/panic.h>
#include <xen-lite/params.h>
#include <xen-lite/setup.h>
#include <xen-lite/version.h>

static void print_memory_map(const struct boot_info *bi)
{
	log_info("memory map (%u regions):\n", bi->mem_count);
	for (unsigned int i = 0; i < bi->mem_count; i++)
		log_info("  [%#014llx-%#014llx) %s\n", (unsigned long long)bi->mem[i].base,
			 (unsigned long long)(bi->mem[i].base + bi->mem[i].size),
			 memmap_type_name(bi->mem[i].type));
}

static void normalize_memory_map(struct boot_info *bi)
{
	int n = memmap_normalize(bi->mem, bi->mem_count, BOOT_MAX_MEM_REGIONS);

	if (n < 0)
		panic("the firmware memory map cannot be normalized (%d)", n);
	bi->mem_count = (unsigned int)n;
	if (!memmap_total(bi->mem, bi->mem_count, MEM_AVAILABLE))
		panic("the memory map has no available memory");
	print_memory_map(bi);
}

static void print_summary(unsigned int cpus, const struct boot_info *bi)
{
	struct mm_stats s;

	mm_get_stats(&s);
	log_info("memory: %llu MiB available, %llu KiB used by xen-lite, %llu KiB by modules, "
		 "%llu MiB free\n",
		 (unsigned long long)(s.ram_available >> 20), (unsigned long long)(s.hypervisor >> 10),
		 (unsigned long long)(s.modules >> 10), (unsigned long long)(s.free >> 20));
	log_info("boot complete: %u CPU(s) online, %llu MiB usable memory, %u module(s)\n", cpus,
		 (unsigned long long)(s.ram_available >> 20), bi->module_count);
}

void xl_main(struct boot_info *bi)
{
	int problems;
	unsigned int cpus;

	problems = params_parse(bi->cmdline);
	arch_console_init(params.console);
	console_set_level((enum log_level)params.loglvl);
	log_info("xen-lite %s starting (booted by %s via %s)\n", XEN_LITE_VERSION,
		 bi->loader_name[0] ? bi->loader_name : "an unnamed loader",
		 bi->protocol == BOOT_PROTO_MULTIBOOT2 ? "multiboot2" : "multiboot1");
	log_info("command line: '%s'%s\n", bi->cmdline,
		 problems ? " (problems reported above, defaults kept)" : "");
	normalize_memory_map(bi);
	mm_init(bi);
	heap_init();
	modules_report(bi);
	arch_platform_init(bi);
	cpus = arch_smp_init((unsigned int)params.maxcpus);
	print_summary(cpus, bi);
	arch_virt_init();
	iommu_init();
	module_loader_init();
	modules_load_from_boot(bi);
	guests_launch_from_modules(bi);
	if (params.selftest)
		arch_run_selftest(params.selftest);
	if (dom0_kernel_given(bi))
		dom0_start(bi); /* returns if dom0 could not start or has ended */
	if (params.after_boot == AFTER_BOOT_HALT)
		machine_halt();
	arch_idle();
}
