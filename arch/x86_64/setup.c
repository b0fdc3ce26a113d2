/*
 * x86-64 side of the boot sequence: from the entry stub to xl_main, and the
 * platform steps xl_main calls back into (include/xen-lite/setup.h).
 */
#include <arch/cpu.h>
#include <arch/lapic.h>
#include <arch/paging.h>
#include <arch/percpu.h>
#include <arch/smp.h>
#include <arch/svm.h>
#include <arch/tsc.h>
#include <arch/uart.h>
#include <xen-lite/acpi.h>
#include <xen-lite/arch.h>
#include <xen-lite/assert.h>
#include <xen-lite/console.h>
#include <xen-lite/dom0.h>
#include <xen-lite/domain.h>
#include <xen-lite/log.h>
#include <xen-lite/panic.h>
#include <xen-lite/params.h>
#include <xen-lite/setup.h>
#include <xen-lite/string.h>
#include <xen-lite/time.h>

extern char boot_stack_top[];

static struct boot_info boot_info;
static struct acpi_info acpi;

/* Multiboot structures sit below 4 GiB, reachable through the boot identity map. */
static const void *boot_identity_map(uint64_t pa, uint64_t len, void *ctx)
{
	if (pa + len < pa || pa + len > (4ULL << 30))
		return NULL;
	return (const void *)(uintptr_t)pa;
}

static const void *direct_map(uint64_t pa, uint64_t len, void *ctx)
{
	return phys_is_mapped(pa, len) ? phys_to_virt(pa) : NULL;
}

static void drop_first_word(char *s)
{
	char *p = s;

	while (*p && *p != ' ')
		p++;
	while (*p == ' ')
		p++;
	memmove(s, p, strlen(p) + 1);
}

/*
 * QEMU's multiboot1 loader (-kernel, -initrd) puts the file name in front
 * of the kernel's and each module's command line; GRUB's multiboot2 does
 * not. Drop it so that every boot path hands the core the same strings.
 */
static void strip_file_names(struct boot_info *bi)
{
	if (bi->protocol != BOOT_PROTO_MULTIBOOT1 || strncmp(bi->loader_name, "qemu", 4))
		return;
	drop_first_word(bi->cmdline);
	for (unsigned int i = 0; i < bi->module_count; i++)
		drop_first_word(bi->modules[i].cmdline);
}

__attribute__((noreturn)) void arch_boot_main(uint64_t magic, uint64_t info_pa);

void arch_boot_main(uint64_t magic, uint64_t info_pa)
{
	int err;

	tsc_mark_boot();
	percpu_area[0].stack_top = (uint64_t)(uintptr_t)boot_stack_top;
	idt_init();
	cpu_tables_init(&percpu_area[0]);
	uart_init(0x3f8, 115200); /* until console= is parsed */
	console_set_output(uart_write);

	if (magic == MULTIBOOT2_BOOTLOADER_MAGIC)
		err = multiboot2_parse(info_pa, boot_identity_map, NULL, &boot_info);
	else if (magic == MULTIBOOT1_BOOTLOADER_MAGIC)
		err = multiboot1_parse(info_pa, boot_identity_map, NULL, &boot_info);
	else
		panic("unknown boot loader magic %#llx: not started by a multiboot loader",
		      (unsigned long long)magic);
	if (err)
		panic("the boot loader's information structure is unusable (%d), see above", err);
	strip_file_names(&boot_info);
	xl_main(&boot_info);
}

void arch_console_init(const char *spec)
{
	uint16_t port;
	uint32_t baud;

	if (uart_parse_spec(spec, &port, &baud)) {
		log_warn("console: cannot parse 'console=%s' (expected comN[,baud], an I/O port or "
			 "none), keeping com1,115200\n", spec);
		return;
	}
	uart_init(port, baud);
	console_set_output(port ? uart_write : NULL);
}

static void acpi_init(const struct boot_info *bi)
{
	uint64_t rsdp_pa = 0;
	const uint8_t *rsdp = bi->rsdp;
	unsigned int len = bi->rsdp_len;

	if (!len) {
		if (acpi_find_rsdp_legacy(direct_map, NULL, &rsdp_pa)) {
			log_warn("acpi: no RSDP found; assuming one CPU and no PCIe segments\n");
			return;
		}
		rsdp = phys_to_virt(rsdp_pa);
		len = BOOT_RSDP_MAX;
	}
	if (acpi_parse(rsdp, len, direct_map, NULL, &acpi)) {
		log_warn("acpi: tables unusable; assuming one CPU and no PCIe segments\n");
		return;
	}
	acpi.rsdp_addr = rsdp_pa;
	log_info("acpi: %u CPU(s) in the MADT, %u I/O APIC(s), %u PCIe segment(s)%s%s\n",
		 acpi.cpu_count, acpi.ioapic_count, acpi.mcfg_count,
		 acpi.dmar_addr ? ", Intel VT-d (DMAR)" : "", acpi.ivrs_addr ? ", AMD-Vi (IVRS)" : "");
}

void arch_platform_init(const struct boot_info *bi)
{
	acpi_init(bi);
	if (lapic_init_boot(acpi.lapic_addr, params.x2apic))
		panic("no usable local APIC");
	tsc_init(params.tsc_khz, acpi.pm_timer_port, acpi.pm_timer_32bit);
}

static void report_cpu(void *arg)
{
	volatile unsigned int *reached = arg;

	__atomic_fetch_add(reached, 1, __ATOMIC_RELAXED);
}

unsigned int arch_smp_init(unsigned int maxcpus)
{
	unsigned int cpus = smp_boot_aps(&acpi, maxcpus);
	volatile unsigned int reached = 0;

	irq_enable();
	for (unsigned int i = 0; i < cpus; i++)
		if (smp_call_on(i, report_cpu, (void *)&reached))
			log_warn("smp: cross-CPU call to CPU %u timed out\n", i);
	log_info("smp: cross-CPU call reached %u of %u CPU(s)\n", reached, cpus);
	return cpus;
}

static void fault_on_this_cpu(void *arg)
{
	volatile uint64_t *p = arg;

	(void)*p;
}

void arch_run_selftest(unsigned int which)
{
	/* the hypervisor's own load address: identity-mapped at boot, unmapped now */
	volatile uint64_t *low = (volatile uint64_t *)(uintptr_t)0x200000;

	log_info("selftest: provoking a failure on purpose\n");
	switch (which) {
	case SELFTEST_UD:
		__asm__ volatile("ud2");
		break;
	case SELFTEST_PF:
		(void)*low;
		break;
	case SELFTEST_AP_PF:
		if (arch_cpus_online() < 2)
			panic("selftest=ap-pf needs a second CPU");
		smp_call_on(arch_cpus_online() - 1, fault_on_this_cpu, (void *)low);
		break;
	case SELFTEST_PANIC:
		panic("selftest: explicit panic");
	case SELFTEST_ASSERT:
		ASSERT(which == SELFTEST_NONE);
		break;
	}
	log_err("selftest: the provoked failure did not stop the machine\n");
}

uint64_t arch_ioapic_address(void)
{
	return acpi.ioapic_count ? acpi.ioapics[0].addr : 0;
}

uint32_t arch_cpu_apic_id(unsigned int cpu)
{
	return percpu_area[cpu].apic_id;
}

int arch_dom0_rsdp(const struct boot_info *bi, uint8_t *copy, unsigned int *len, uint64_t *pa)
{
	*len = 0;
	*pa = 0;
	if (bi->rsdp_len) {
		memcpy(copy, bi->rsdp, bi->rsdp_len);
		*len = bi->rsdp_len;
		return 0;
	}
	return acpi_find_rsdp_legacy(direct_map, NULL, pa);
}

void arch_dom0_limit_madt(struct domain *d)
{
	uint32_t keep[DOMAIN_MAX_VCPUS];
	int n;

	for (unsigned int i = 0; i < d->nr_vcpus; i++)
		keep[i] = percpu_area[d->vcpus[i]->pcpu].apic_id;
	if (!acpi.madt_addr || !phys_is_mapped(acpi.madt_addr, acpi.madt_len))
		return;
	n = acpi_madt_keep_only(phys_to_virt(acpi.madt_addr), acpi.madt_len, keep, d->nr_vcpus);
	if (n < 0)
		log_warn("dom0: could not rewrite the MADT; dom0 may see CPUs it does not own\n");
	else
		log_info("dom0: MADT rewritten, %d CPU(s) hidden from dom0\n", n);
}

static void hide_table(uint64_t addr, const char *name)
{
	const uint8_t *h = addr && phys_is_mapped(addr, 36) ? phys_to_virt(addr) : NULL;
	uint32_t len;

	if (!h)
		return;
	memcpy(&len, h + 4, 4);
	if (!phys_is_mapped(addr, len) || acpi_hide_table(phys_to_virt(addr), len))
		log_warn("dom0: could not hide the %s table\n", name);
}

int arch_dom0_reserve_iommus(struct domain *d)
{
	struct acpi_iommu_region r[16];
	unsigned int n = acpi_iommu_regions(direct_map, NULL, &acpi, r, ARRAY_SIZE(r));

	for (unsigned int i = 0; i < n; i++) {
		int err = arch_domain_unmap(d, ALIGN_DOWN(r[i].base, PAGE_SIZE),
					    ALIGN_UP(r[i].size, PAGE_SIZE));

		if (err)
			return err;
		log_info("dom0: %s IOMMU registers [%#llx-%#llx) kept from dom0\n",
			 r[i].amd ? "AMD-Vi" : "VT-d", (unsigned long long)r[i].base,
			 (unsigned long long)(r[i].base + r[i].size));
	}
	/* without its table dom0 does not look for the IOMMU at all */
	hide_table(acpi.dmar_addr, "DMAR");
	hide_table(acpi.ivrs_addr, "IVRS");
	return 0;
}

void arch_virt_init(void)
{
	svm_init();
}

void arch_idle(void)
{
	log_info("idle: nothing left to run on CPU 0\n");
	cpu_idle_loop();
}

static void reset_machine(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) empty_idt = { 0, 0 };

	outb(0xCF9, 0x06); /* PCI reset control: full reset */
	udelay(50000);
	outb(0x64, 0xFE); /* keyboard controller reset line */
	udelay(50000);
	/* last resort: a triple fault */
	__asm__ volatile("lidt %0; int3" ::"m"(empty_idt));
}

void arch_machine_stop(bool reboot, unsigned int exit_code)
{
	irq_disable();
	if (params.debug_exit)
		outb((uint16_t)params.debug_exit, (uint8_t)exit_code);
	if (reboot)
		reset_machine();
	cpu_stop();
}
