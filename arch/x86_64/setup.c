/*
 * x86-64 side of the boot sequence: from the entry stub to xl_main, and the
 * platform steps xl_main calls back into (include/xen-lite/arch/boot.h). The
 * top of arch/x86_64: it brings up the platform (cpu/) and nothing calls it.
 */
#include <arch/cpu.h>
#include <arch/lapic.h>
#include <arch/percpu.h>
#include <arch/platform.h>
#include <arch/smp.h>
#include <arch/tsc.h>
#include <arch/uart.h>
#include <xen-lite/arch/boot.h>
#include <xen-lite/arch/cpu.h>
#include <xen-lite/arch/time.h>
#include <xen-lite/assert.h>
#include <xen-lite/console.h>
#include <xen-lite/log.h>
#include <xen-lite/panic.h>
#include <xen-lite/params.h>
#include <xen-lite/setup.h>
#include <xen-lite/string.h>

extern char boot_stack_top[];

static struct boot_info boot_info;

/* Multiboot structures sit below 4 GiB, reachable through the boot identity map. */
static const void *boot_identity_map(uint64_t pa, uint64_t len, void *ctx)
{
	if (pa + len < pa || pa + len > (4ULL << 30))
		return NULL;
	return (const void *)(uintptr_t)pa;
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

/* console_delay_us=: the console as slow as a real serial line (115200 baud: 87 us a byte), for tests */
static void slow_uart_write(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		uart_write(&s[i], 1);
		udelay(params.console_delay_us * (s[i] == '\n' ? 2 : 1));
	}
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
	console_set_output(!port ? NULL : params.console_delay_us ? slow_uart_write : uart_write);
}

void arch_platform_init(const struct boot_info *bi)
{
	const struct acpi_info *acpi = platform_acpi_init(bi);

	if (lapic_init_boot(acpi->lapic_addr, params.x2apic))
		panic("no usable local APIC");
	tsc_init(params.tsc_khz, acpi->pm_timer_port, acpi->pm_timer_32bit);
}

static void report_cpu(void *arg)
{
	volatile unsigned int *reached = arg;

	__atomic_fetch_add(reached, 1, __ATOMIC_RELAXED);
}

unsigned int arch_smp_init(unsigned int maxcpus)
{
	unsigned int cpus = smp_boot_aps(platform_acpi(), maxcpus);
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

