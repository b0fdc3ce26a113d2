/* AP bring-up with INIT-SIPI-SIPI, and the cross-CPU call primitive (see arch/smp.h). */
#include <arch/cpu.h>
#include <arch/kick.h>
#include <arch/lapic.h>
#include <arch/memlayout.h>
#include <arch/paging.h>
#include <arch/smp.h>
#include <xen-lite/arch/cpu.h>
#include <xen-lite/arch/time.h>
#include <xen-lite/errno.h>
#include <xen-lite/log.h>
#include <xen-lite/mm.h>
#include <xen-lite/run_slot.h>
#include <xen-lite/spinlock.h>
#include <xen-lite/string.h>

extern const char ap_trampoline_start[], ap_trampoline_params[], ap_trampoline_end[];
extern const char ap_trampoline_gdt_offset[], ap_trampoline_protected_offset[],
	ap_trampoline_long_offset[];

_Static_assert(sizeof(struct ap_trampoline_params) == 56, "trampoline parameter block layout");

#define AP_START_TIMEOUT_US 1000000 /* TCG can be slow to schedule a new vCPU */
#define CALL_TIMEOUT_US 1000000

static unsigned int cpus_online = 1;
static spinlock_t call_lock = SPINLOCK_INIT;

unsigned int arch_cpu_index(void)
{
	return this_cpu()->index;
}

unsigned int arch_cpus_online(void)
{
	return cpus_online;
}

static void call_function_interrupt(struct trap_frame *f)
{
	struct percpu *cpu = this_cpu();
	smp_call_fn fn = __atomic_exchange_n(&cpu->call_fn, NULL, __ATOMIC_ACQUIRE);

	if (fn) {
		fn(cpu->call_arg);
		__atomic_store_n(&cpu->call_done, 1, __ATOMIC_RELEASE);
	}
}

int smp_call_on(unsigned int index, smp_call_fn fn, void *arg)
{
	struct percpu *target = &percpu_area[index];
	uint64_t start;
	int err = 0;

	if (index >= MAX_CPUS || !target->online)
		return -EINVAL;
	if (target == this_cpu()) {
		fn(arg);
		return 0;
	}
	spin_lock(&call_lock);
	target->call_arg = arg;
	target->call_done = 0;
	__atomic_store_n(&target->call_fn, fn, __ATOMIC_RELEASE);
	lapic_send_ipi(target->apic_id, VEC_CALL_FUNCTION);
	start = time_since_boot_us();
	while (!__atomic_load_n(&target->call_done, __ATOMIC_ACQUIRE)) {
		if (time_since_boot_us() - start > CALL_TIMEOUT_US) {
			/* withdraw the request unless the target took it meanwhile */
			if (__atomic_exchange_n(&target->call_fn, NULL, __ATOMIC_ACQ_REL))
				err = -ETIMEDOUT;
			break;
		}
		cpu_relax();
	}
	spin_unlock(&call_lock);
	return err;
}

void cpu_idle_loop(void)
{
	for (;;) {
		/* checked with interrupts off so the wake-up IPI cannot be missed before hlt */
		irq_disable();
		if (!run_slot_run())
			cpu_idle_wait();
		nmi_report_unexpected();
	}
}

__attribute__((noreturn)) static void ap_entry(struct percpu *cpu)
{
	write_cr3(arch_kernel_root()); /* drop the trampoline's identity map */
	cpu_tables_init(cpu);
	lapic_init_ap();
	__atomic_store_n(&cpu->online, true, __ATOMIC_RELEASE);
	cpu_idle_loop();
}

static bool alloc_cpu_stacks(struct percpu *cpu)
{
	uint8_t *stack = alloc_pages(CPU_STACK_SIZE + IST_COUNT * IST_STACK_SIZE);

	if (!stack)
		return false;
	cpu->stack_top = (uint64_t)(uintptr_t)(stack + CPU_STACK_SIZE);
	for (int i = 0; i < IST_COUNT; i++)
		cpu->ist_top[i] = (uint64_t)(uintptr_t)(stack + CPU_STACK_SIZE + (i + 1) * IST_STACK_SIZE);
	return true;
}

static void free_cpu_stacks(struct percpu *cpu)
{
	free_pages((void *)(uintptr_t)(cpu->stack_top - CPU_STACK_SIZE),
		   CPU_STACK_SIZE + IST_COUNT * IST_STACK_SIZE);
}

static bool wait_online(struct percpu *cpu, uint64_t timeout_us)
{
	uint64_t start = time_since_boot_us();

	while (!__atomic_load_n(&cpu->online, __ATOMIC_ACQUIRE)) {
		if (time_since_boot_us() - start > timeout_us)
			return false;
		cpu_relax();
	}
	return true;
}

static bool start_ap(struct percpu *cpu, struct ap_trampoline_params *p, uint64_t page)
{
	p->stack = cpu->stack_top;
	p->cpu = (uint64_t)(uintptr_t)cpu;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	lapic_send_init(cpu->apic_id);
	udelay(10000);
	lapic_send_sipi(cpu->apic_id, (uint8_t)(page >> PAGE_SHIFT));
	udelay(200);
	if (!wait_online(cpu, 1000))
		lapic_send_sipi(cpu->apic_id, (uint8_t)(page >> PAGE_SHIFT));
	return wait_online(cpu, AP_START_TIMEOUT_US);
}

/* Copy the trampoline below 1 MiB and fill in what does not change per CPU. */
static struct ap_trampoline_params *install_trampoline(uint64_t *page_out)
{
	uint64_t page = hpa_addr(phys_alloc_page_below(PAGE_SIZE, 0x100000));
	uint64_t root = arch_make_trampoline_root();
	struct ap_trampoline_params *p;
	uint8_t *va;

	if (!page || !root) {
		log_err("smp: no memory below 1 MiB / 4 GiB for the AP trampoline\n");
		return NULL;
	}
	va = phys_to_virt(page);
	memcpy(va, ap_trampoline_start, (size_t)(ap_trampoline_end - ap_trampoline_start));
	p = (struct ap_trampoline_params *)(va + (ap_trampoline_params - ap_trampoline_start));
	p->gdt_base = (uint32_t)(page + (uintptr_t)ap_trampoline_gdt_offset);
	p->far32_offset = (uint32_t)(page + (uintptr_t)ap_trampoline_protected_offset);
	p->far64_offset = (uint32_t)(page + (uintptr_t)ap_trampoline_long_offset);
	p->cr3 = (uint32_t)root;
	p->nx = cpu_has_nx();
	p->entry = (uint64_t)(uintptr_t)ap_entry;
	*page_out = page;
	return p;
}

static bool apic_id_taken(uint32_t apic_id)
{
	for (unsigned int i = 0; i < cpus_online; i++)
		if (percpu_area[i].apic_id == apic_id)
			return true;
	return false;
}

unsigned int smp_boot_aps(const struct acpi_info *acpi, unsigned int maxcpus)
{
	struct ap_trampoline_params *p = NULL;
	uint64_t page = 0;
	unsigned int skipped = 0;

	percpu_area[0].apic_id = lapic_id();
	percpu_area[0].online = true;
	trap_set_handler(VEC_CALL_FUNCTION, call_function_interrupt);
	kick_init();
	if (!acpi->cpu_count)
		log_warn("smp: no CPUs listed in the MADT, running on the boot CPU only\n");
	for (unsigned int i = 0; i < acpi->cpu_count; i++) {
		const struct acpi_cpu *c = &acpi->cpus[i];
		struct percpu *cpu = &percpu_area[cpus_online];

		if (!c->enabled || apic_id_taken(c->apic_id))
			continue;
		if (cpus_online >= maxcpus || cpus_online >= MAX_CPUS) {
			skipped++;
			continue;
		}
		if (!p && !(p = install_trampoline(&page)))
			break;
		cpu->index = cpus_online;
		cpu->apic_id = c->apic_id;
		if (!alloc_cpu_stacks(cpu)) {
			log_err("smp: out of memory for CPU stacks\n");
			break;
		}
		if (!start_ap(cpu, p, page)) {
			log_warn("smp: CPU with APIC id %u did not come online, left out\n", c->apic_id);
			free_cpu_stacks(cpu);
			continue;
		}
		log_info("smp: CPU %u (APIC id %u) online\n", cpu->index, cpu->apic_id);
		cpus_online++;
	}
	if (skipped)
		log_info("smp: %u CPU(s) left offline by maxcpus=%u\n", skipped, maxcpus);
	if (p) {
		/* low memory is dom0's: give the trampoline back now the CPUs are up */
		arch_free_trampoline_root(p->cr3);
		phys_free(hpa_init(page), PAGE_SIZE);
	}
	return cpus_online;
}

uint32_t arch_cpu_apic_id(unsigned int cpu)
{
	return percpu_area[cpu].apic_id;
}

void arch_idle(void)
{
	log_info("idle: nothing left to run on CPU 0\n");
	cpu_idle_loop();
}
