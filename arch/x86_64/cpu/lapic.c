/* Local APIC access in xAPIC or x2APIC mode (see arch/lapic.h). */
#include <arch/cpu.h>
#include <arch/lapic.h>
#include <arch/percpu.h>
#include <arch/trap.h>
#include <xen-lite/arch/mm.h>
#include <xen-lite/errno.h>
#include <xen-lite/log.h>

#define APIC_BASE_ENABLE (1ULL << 11)
#define APIC_BASE_X2APIC (1ULL << 10)
#define APIC_BASE_ADDR_MASK 0x000FFFFFFFFFF000ULL


#define SVR_ENABLE (1u << 8)
#define ICR_PENDING (1u << 12)
#define ICR_LEVEL_ASSERT (1u << 14)
#define ICR_FIXED 0x000
#define ICR_NMI 0x400
#define ICR_INIT 0x500
#define ICR_STARTUP 0x600
#define ICR_ALL_BUT_SELF (3u << 18)

#define X2APIC_MSR_BASE 0x800

static volatile uint32_t *xapic;
/* the hypervisor's own mode; a guest CPU may run in x2APIC mode meanwhile (this_cpu()->apic_x2) */
static bool x2apic;
/* what the CPU offers (CPUID 1), read once at boot: asked on guest exits */
static bool cpu_has_x2apic, cpu_has_tsc_deadline;

static uint32_t apic_read(uint32_t reg)
{
	if (this_cpu()->apic_x2)
		return (uint32_t)rdmsr(X2APIC_MSR_BASE + (reg >> 4));
	return xapic[reg / 4];
}

static void apic_write(uint32_t reg, uint32_t v)
{
	if (this_cpu()->apic_x2)
		wrmsr(X2APIC_MSR_BASE + (reg >> 4), v);
	else
		xapic[reg / 4] = v;
}

uint32_t lapic_read_reg(uint32_t reg)
{
	return apic_read(reg);
}

void lapic_write_reg(uint32_t reg, uint32_t value)
{
	apic_write(reg, value);
}

uint64_t lapic_base_pa(void)
{
	return rdmsr(MSR_APIC_BASE) & APIC_BASE_ADDR_MASK;
}

bool lapic_x2apic_mode(void)
{
	return this_cpu()->apic_x2;
}

bool lapic_cpu_has_x2apic(void)
{
	return cpu_has_x2apic;
}

bool lapic_cpu_has_tsc_deadline(void)
{
	return cpu_has_tsc_deadline;
}

uint32_t lapic_id(void)
{
	return this_cpu()->apic_x2 ? apic_read(APIC_REG_ID) : apic_read(APIC_REG_ID) >> 24;
}

void lapic_eoi(void)
{
	apic_write(APIC_REG_EOI, 0);
}

/*
 * x2APIC back to xAPIC only through the disabled state (Intel SDM 10.12.5,
 * AMD APM 16.9), which resets the APIC: firmware may hand over in x2APIC
 * mode, and a guest's CPU leaves it that way.
 */
static void leave_x2apic(void)
{
	uint64_t base = rdmsr(MSR_APIC_BASE);

	if (!(base & APIC_BASE_X2APIC))
		return;
	/* from here no MSR access: a disabled APIC faults it (an NMI's panic may come in between) */
	this_cpu()->apic_x2 = false;
	wrmsr(MSR_APIC_BASE, base & ~(APIC_BASE_X2APIC | APIC_BASE_ENABLE));
	wrmsr(MSR_APIC_BASE, (base & ~APIC_BASE_X2APIC) | APIC_BASE_ENABLE);
}

static void enable_local(void)
{
	uint64_t base;

	if (!x2apic)
		leave_x2apic();
	base = rdmsr(MSR_APIC_BASE) | APIC_BASE_ENABLE;
	if (x2apic)
		base |= APIC_BASE_X2APIC;
	wrmsr(MSR_APIC_BASE, base);
	this_cpu()->apic_x2 = x2apic;
	apic_write(APIC_REG_TPR, 0);
	apic_write(APIC_REG_LVT_TIMER, APIC_LVT_MASKED);
	apic_write(APIC_REG_LVT_LINT0, APIC_LVT_MASKED);
	apic_write(APIC_REG_SVR, SVR_ENABLE | VEC_APIC_SPURIOUS);
}

int lapic_init_boot(uint64_t madt_lapic_addr, bool want_x2apic)
{
	struct cpuid_regs r = cpuid(1);
	uint64_t base = rdmsr(MSR_APIC_BASE) & APIC_BASE_ADDR_MASK;

	if (!(r.edx & (1u << 9))) {
		log_err("lapic: this CPU has no local APIC\n");
		return -ENODEV;
	}
	cpu_has_x2apic = r.ecx & (1u << 21);
	cpu_has_tsc_deadline = r.ecx & (1u << 24);
	x2apic = want_x2apic && cpu_has_x2apic;
	if (!x2apic) {
		if (madt_lapic_addr && madt_lapic_addr != base)
			log_warn("lapic: MADT says %#llx, APIC_BASE MSR says %#llx; using the MSR\n",
				 (unsigned long long)madt_lapic_addr, (unsigned long long)base);
		xapic = arch_mmio_map(base, PAGE_SIZE);
		if (!xapic)
			return -ENOMEM;
	}
	enable_local();
	log_info("lapic: %s mode, boot CPU APIC id %u, version %#x\n", x2apic ? "x2APIC" : "xAPIC",
		 lapic_id(), apic_read(APIC_REG_VERSION) & 0xff);
	return 0;
}

void lapic_init_ap(void)
{
	enable_local();
}

void lapic_enter_x2apic(void)
{
	if (this_cpu()->apic_x2)
		return;
	wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | APIC_BASE_ENABLE | APIC_BASE_X2APIC);
	this_cpu()->apic_x2 = true;
}

void lapic_icr_wait_idle(void)
{
	if (this_cpu()->apic_x2)
		return; /* x2APIC ICR writes do not have a pending state */
	for (int i = 0; i < 1000000 && (apic_read(APIC_REG_ICR_LO) & ICR_PENDING); i++)
		cpu_relax();
}

void lapic_send_icr(uint32_t dest, uint32_t low)
{
	uint64_t flags = irq_save();

	if (this_cpu()->apic_x2) {
		wrmsr(X2APIC_MSR_BASE + (APIC_REG_ICR_LO >> 4), ((uint64_t)dest << 32) | low);
	} else {
		lapic_icr_wait_idle();
		apic_write(APIC_REG_ICR_HI, dest << 24);
		apic_write(APIC_REG_ICR_LO, low);
		lapic_icr_wait_idle();
	}
	irq_restore(flags);
}

void lapic_send_ipi(uint32_t apic_id, uint8_t vector)
{
	lapic_send_icr(apic_id, ICR_FIXED | ICR_LEVEL_ASSERT | vector);
}

void lapic_send_nmi(uint32_t apic_id)
{
	lapic_send_icr(apic_id, ICR_NMI | ICR_LEVEL_ASSERT);
}

void lapic_send_nmi_all_but_self(void)
{
	lapic_send_icr(0, ICR_NMI | ICR_LEVEL_ASSERT | ICR_ALL_BUT_SELF);
}

void lapic_send_init(uint32_t apic_id)
{
	lapic_send_icr(apic_id, ICR_INIT | ICR_LEVEL_ASSERT);
}

void lapic_send_sipi(uint32_t apic_id, uint8_t page)
{
	lapic_send_icr(apic_id, ICR_STARTUP | ICR_LEVEL_ASSERT | page);
}

void lapic_timer_start_oneshot(uint32_t count)
{
	apic_write(APIC_REG_TIMER_DIV, 0x3); /* divide by 16 */
	apic_write(APIC_REG_LVT_TIMER, APIC_LVT_MASKED);
	apic_write(APIC_REG_TIMER_INIT, count);
}

uint32_t lapic_timer_current(void)
{
	return apic_read(APIC_REG_TIMER_CUR);
}

void lapic_timer_stop(void)
{
	apic_write(APIC_REG_LVT_TIMER, APIC_LVT_MASKED);
	apic_write(APIC_REG_TIMER_INIT, 0);
}

bool lapic_in_service(unsigned int vector)
{
	/* before the APIC is set up (early boot faults) nothing is in service */
	if (!this_cpu()->apic_x2 && !xapic)
		return false;
	return apic_read(APIC_REG_ISR + (vector / 32) * 0x10) & (1u << (vector % 32));
}

static bool in_service(void)
{
	for (uint32_t i = 0; i < 8; i++)
		if (apic_read(APIC_REG_ISR + i * 0x10))
			return true;
	return false;
}

void lapic_reset_local(void)
{
	static const uint32_t lvts[] = { APIC_REG_LVT_TIMER, APIC_REG_LVT_THERMAL, APIC_REG_LVT_PERF,
					 APIC_REG_LVT_LINT0, APIC_REG_LVT_LINT1, APIC_REG_LVT_ERROR };

	for (unsigned int i = 0; i < sizeof(lvts) / sizeof(lvts[0]); i++)
		apic_write(lvts[i], APIC_LVT_MASKED);
	apic_write(APIC_REG_TIMER_INIT, 0);
	if (!this_cpu()->apic_x2) {
		apic_write(APIC_REG_LDR, 0); /* no logical destination may reach this CPU */
		apic_write(APIC_REG_DFR, 0xFFFFFFFF);
	}
	/* interrupts the guest took but never finished block lower priorities */
	for (unsigned int n = 0; n < 256 && in_service(); n++)
		apic_write(APIC_REG_EOI, 0);
	enable_local();
}
