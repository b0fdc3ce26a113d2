/*
 * dom0 and Linux guests drive their CPUs' local APICs themselves (direct_apic
 * domains), but the APIC page is read-only in their nested tables: reads are
 * native, each write exits here, is decoded and goes to the hardware -
 * except interrupt command writes, which the ICR policy (arch/icr_policy.h)
 * lets through, emulates (INIT and SIPI to the domain's own secondary CPUs,
 * which start its vCPUs) or refuses, and APIC ID writes, which are dropped
 * (the hypervisor reaches each CPU by its APIC id). A Linux guest on CPUs
 * with x2APIC runs them in x2APIC mode instead: its register writes are
 * MSRs, and only the ICR and LVT ones exit here (direct_lapic_x2apic_write()).
 * The page is registered as the domain's device (arch/vdev.h).
 */
#include <arch/direct_lapic.h>
#include <arch/guest_policy.h>
#include <arch/icr_policy.h>
#include <arch/lapic.h>
#include <arch/vdev.h>
#include <xen-lite/arch/cpu.h>
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/log.h>
#include <xen-lite/module_hooks.h>

#define LVT_DELIVERY_MODE (7u << 8)
/* the bits software may set in each LVT (vector, mode, polarity, trigger, mask, timer mode) */
#define LVT_TIMER_BITS 0x000300FFu /* and bit 18, TSC-deadline mode, where the CPU has it */
#define LVT_TIMER_TSC_DEADLINE (1u << 18)
#define LVT_TIMER_MODE (3u << 17) /* 3 is reserved */
#define LVT_EVENT_BITS 0x000107FFu /* thermal, performance counters */
#define LVT_LINT_BITS 0x0001A7FFu
#define LVT_ERROR_BITS 0x000100FFu
#define LVT_READ_ONLY ((1u << 12) | (1u << 14)) /* delivery status, remote IRR */
/* x2APIC ICR low word: vector, mode, logical, level, trigger, shorthand; the rest is reserved */
#define X2APIC_ICR_BITS 0x000CCFFFu
#define MAX_REFUSAL_REPORTS 16

static unsigned int refusals;

/* Whom the domain may interrupt: its own CPUs (the ICR policy's view). */
void direct_lapic_set_owners(struct domain *d)
{
	struct icr_owner *own = &d->arch.icr;

	own->count = 0;
	own->dfr = 0xFFFFFFFF;
	for (unsigned int i = 0; i < d->nr_vcpus && i < ICR_MAX_OWNED; i++) {
		own->apic_id[own->count] = arch_cpu_apic_id(d->vcpus[i]->pcpu);
		own->ldr[own->count++] = 0;
	}
}

static struct vcpu *vcpu_on_apic(struct domain *d, uint32_t apic_id)
{
	for (unsigned int i = 0; i < d->nr_vcpus; i++)
		if (arch_cpu_apic_id(d->vcpus[i]->pcpu) == apic_id)
			return d->vcpus[i];
	return NULL;
}

struct vcpu *direct_lapic_vcpu_for_dest(struct domain *d, uint32_t dest, bool logical)
{
	const struct icr_owner *own = &d->arch.icr;

	for (unsigned int i = 0; i < own->count && i < d->nr_vcpus; i++) {
		uint32_t ldr = own->ldr[i] >> 24;
		bool hit = logical ? ((own->dfr >> 28) == 0xF ? (dest & ldr) != 0 : dest == ldr) :
				     dest == own->apic_id[i];

		if (hit)
			return vcpu_on_apic(d, own->apic_id[i]);
	}
	return NULL;
}

/* hi: the ICR's high word (xAPIC: destination in bits 31:24; x2APIC: all 32 bits) */
static void refuse(const struct domain *d, uint32_t hi, uint32_t lo, uint32_t dest, const char *why)
{
	if (refusals++ < MAX_REFUSAL_REPORTS)
		log_warn("d%u (%s): IPI refused (ICR %#010x:%08x, destination APIC id %u): %s\n", d->id,
			 d->name, hi, lo, dest, why);
}

/* INIT leaves a not-yet-started vCPU waiting; SIPI starts it in real mode at vector << 12. */
static void emulate_start(struct domain *d, enum icr_action a, uint32_t target, uint32_t hi,
			  uint32_t lo)
{
	struct vcpu *t = vcpu_on_apic(d, target);

	if (!t)
		return;
	if (t->arch.start_state == VCPU_STARTED) {
		/* a running CPU ignores SIPI; re-INIT (CPU offline/online) is not supported */
		if (a == ICR_EMULATE_INIT)
			refuse(d, hi, lo, hi >> 24, "restarting a running vCPU is not supported");
		return;
	}
	if (a == ICR_EMULATE_SIPI && t->arch.start_state == VCPU_WAIT_SIPI) {
		t->arch.sipi_vector = (uint8_t)lo;
		__atomic_store_n(&t->arch.start_state, VCPU_SIPI_RECEIVED, __ATOMIC_RELEASE);
		log_info("d%u (%s): vCPU %u started on CPU %u at %#x\n", d->id, d->name, t->id, t->pcpu,
			 (lo & 0xff) << 12);
	}
	/* every INIT and SIPI kicks: a wake-up lost to a race is repeated by the next one */
	arch_kick_cpu(t->pcpu);
}

static void emulate_nmi(struct domain *d, uint32_t target)
{
	struct vcpu *t = vcpu_on_apic(d, target);

	if (!t)
		return;
	__atomic_store_n(&t->arch.nmi_pending, true, __ATOMIC_RELEASE);
	if (t->pcpu != arch_cpu_index())
		arch_kick_cpu(t->pcpu);
}

/* An NMI to a logical destination: a virtual NMI to each of the domain's CPUs it names. */
static void emulate_nmi_logical(struct vcpu *v, uint32_t lo, uint32_t dest)
{
	uint32_t ids[ICR_MAX_OWNED];
	unsigned int n = icr_logical_targets(lo, dest, &v->domain->arch.icr, ids);

	for (unsigned int i = 0; i < n; i++)
		emulate_nmi(v->domain, ids[i]);
}

/* One physical IPI (no shorthand, physical destination) to the CPU with APIC id id. */
static void send_physical(uint32_t id, uint32_t lo)
{
	lapic_send_icr(id, lo & ~ICR_SHORTHAND_MASK & ~ICR_LOGICAL);
}

/* xAPIC: the guest's ICR high word, which sending on its behalf overwrites */
static uint32_t save_icr_hi(void)
{
	return lapic_x2apic_mode() ? 0 : lapic_read_reg(APIC_REG_ICR_HI);
}

static void restore_icr_hi(uint32_t hi)
{
	if (!lapic_x2apic_mode())
		lapic_write_reg(APIC_REG_ICR_HI, hi);
}

/* A shorthand broadcast, as one physical IPI per CPU of the domain's (with or without the sender). */
static void send_each(struct vcpu *v, uint32_t lo, bool self_too)
{
	uint32_t hi = save_icr_hi();

	for (unsigned int i = 0; i < v->domain->nr_vcpus; i++) {
		uint32_t id = arch_cpu_apic_id(v->domain->vcpus[i]->pcpu);

		if (id == arch_cpu_apic_id(v->pcpu) && !self_too)
			continue;
		send_physical(id, lo);
	}
	restore_icr_hi(hi);
}

/* A logical destination, sent physically to each of the domain's CPUs it names (icr_policy.h). */
static void send_logical(struct vcpu *v, uint32_t lo, uint32_t dest)
{
	uint32_t ids[ICR_MAX_OWNED], hi = save_icr_hi();
	unsigned int n = icr_logical_targets(lo, dest, &v->domain->arch.icr, ids);

	for (unsigned int i = 0; i < n; i++)
		send_physical(ids[i], lo);
	restore_icr_hi(hi);
}

/* A fixed IPI the policy let through, sent as the guest wrote it. */
static void send_fixed(struct vcpu *v, uint32_t lo, uint32_t hi)
{
	if ((lo & ICR_LOGICAL) && !(lo & ICR_SHORTHAND_MASK)) /* a shorthand ignores it */
		send_logical(v, lo, hi >> 24);
	else if (lapic_x2apic_mode())
		lapic_send_icr(hi >> 24, lo);
	else
		lapic_write_reg(APIC_REG_ICR_LO, lo); /* ICR_HI holds the guest's destination */
}

/* A behaviour module's second copy (a fault injector's): sent once the first has left. */
static void send_fixed_again(struct vcpu *v, uint32_t lo, uint32_t hi)
{
	lapic_icr_wait_idle();
	send_fixed(v, lo, hi);
}

/* An interrupt command; hi holds the destination as in the xAPIC (bits 31:24). */
static void write_icr(struct vcpu *v, uint32_t lo, uint32_t hi)
{
	uint32_t target = 0;
	/* a copy: the domain's vCPUs send at the same time, each is its own sender */
	struct icr_owner sender = v->domain->arch.icr;
	const char *why = "";
	enum icr_action a;
	unsigned int copies = 1;

	sender.self = arch_cpu_apic_id(v->pcpu);
	a = icr_decide(lo, hi, &sender, &target, &why);
	if (a == ICR_SEND && !v->domain->privileged &&
	    __atomic_load_n(&module_policy_hooks_installed, __ATOMIC_RELAXED))
		copies = module_policy_ipi(v->domain->id, v->id, lo & 0xff, hi >> 24);
	switch (a) {
	case ICR_SEND:
		if (copies)
			send_fixed(v, lo, hi);
		if (copies > 1)
			send_fixed_again(v, lo, hi);
		break;
	case ICR_EMULATE_INIT:
	case ICR_EMULATE_SIPI:
		emulate_start(v->domain, a, target, hi, lo);
		break;
	case ICR_EMULATE_NMI:
	case ICR_EMULATE_NMI_LOGICAL:
		/*
		 * Only dom0 gets virtual NMIs: a guest's NMI handler that never returns
		 * would keep NMIs - and so the hypervisor's kicks - blocked on its CPU,
		 * and the guest could no longer be paused or destroyed.
		 */
		if (!v->domain->privileged)
			refuse(v->domain, hi, lo, hi >> 24,
			       "NMIs are not delivered to guests (they could make a CPU unreachable)");
		else if (a == ICR_EMULATE_NMI)
			emulate_nmi(v->domain, target);
		else
			emulate_nmi_logical(v, lo, hi >> 24);
		break;
	case ICR_SEND_EACH:
		send_each(v, lo, target);
		break;
	case ICR_IGNORE:
		break;
	case ICR_REFUSE:
		refuse(v->domain, hi, lo, hi >> 24, why);
		break;
	}
}

/*
 * LDR and DFR are per CPU; the policy needs what the domain put in them to
 * judge logical IPIs, which are then sent physically. Only dom0's reach the
 * hardware, where its I/O APIC and MSIs address its CPUs logically: a guest
 * CPU keeps LDR 0, so no logical interrupt meant for dom0 (or another guest)
 * lands there.
 */
static void note_logical_setup(struct vcpu *v, uint32_t reg, uint32_t value)
{
	struct icr_owner *own = &v->domain->arch.icr;
	uint32_t id = arch_cpu_apic_id(v->pcpu);

	if (reg == APIC_REG_DFR)
		own->dfr = value | 0x0FFFFFFF;
	for (unsigned int i = 0; reg == APIC_REG_LDR && i < own->count; i++)
		if (own->apic_id[i] == id)
			own->ldr[i] = value;
}

static uint32_t lvt_bits(uint32_t reg)
{
	switch (reg) {
	case APIC_REG_LVT_TIMER:
		return LVT_TIMER_BITS | (lapic_cpu_has_tsc_deadline() ? LVT_TIMER_TSC_DEADLINE : 0);
	case APIC_REG_LVT_THERMAL:
	case APIC_REG_LVT_PERF: return LVT_EVENT_BITS;
	case APIC_REG_LVT_LINT0:
	case APIC_REG_LVT_LINT1: return LVT_LINT_BITS;
	default: return LVT_ERROR_BITS;
	}
}

/*
 * An LVT entry may only deliver a fixed vector of 32 or more: an SMI, NMI,
 * INIT or ExtINT delivery mode, or a vector where the exceptions are, is
 * written masked (a low vector would reach the hypervisor's exception
 * handlers once the guest has left the CPU).
 */
static bool lvt_exception_vector(uint32_t value)
{
	return !(value & LVT_DELIVERY_MODE) && (value & 0xff) < ICR_FIRST_VECTOR;
}

static uint32_t lvt_safe(uint32_t value)
{
	if ((value & LVT_DELIVERY_MODE) || lvt_exception_vector(value))
		value |= APIC_LVT_MASKED;
	return value;
}

static bool is_lvt(uint32_t reg)
{
	return reg >= APIC_REG_LVT_TIMER && reg <= APIC_REG_LVT_ERROR;
}

/*
 * A guest's other APIC writes: the registers a kernel uses for its own CPU
 * pass; an LVT may only deliver a fixed vector (an SMI, NMI, INIT or ExtINT
 * delivery mode is written masked); everything else - the APIC ID, the
 * arbitration register, AMD's extended APIC space (interrupt enables,
 * extended LVTs) - is dropped, so nothing a guest sets outlives it
 * (lapic_reset_local() restores the rest when it leaves the CPU).
 */
static void guest_register_write(uint32_t reg, uint32_t value)
{
	switch (reg) {
	case APIC_REG_TPR:
	case APIC_REG_EOI:
	case APIC_REG_SVR:
	case APIC_REG_ESR:
	case APIC_REG_ICR_HI:
	case APIC_REG_TIMER_INIT:
	case APIC_REG_TIMER_DIV:
		lapic_write_reg(reg, value);
		break;
	case APIC_REG_LVT_TIMER:
	case APIC_REG_LVT_THERMAL:
	case APIC_REG_LVT_PERF:
	case APIC_REG_LVT_LINT0:
	case APIC_REG_LVT_LINT1:
	case APIC_REG_LVT_ERROR:
		/* read-only and reserved bits dropped (the x2APIC path refuses reserved ones first) */
		value &= lvt_bits(reg);
		if (reg == APIC_REG_LVT_TIMER && (value & LVT_TIMER_MODE) == LVT_TIMER_MODE)
			value &= ~LVT_TIMER_MODE;
		lapic_write_reg(reg, lvt_safe(value));
		break;
	default:
		break;
	}
}

/* A write to the APIC page, decoded (arch/vdev.h); the registry moves RIP on. */
static void lapic_page_write(struct vcpu *v, gpa_t gpa, uint32_t value, void *opaque)
{
	uint32_t reg = (uint32_t)(gpa_addr(gpa) & (PAGE_SIZE - 1)) & ~3u;

	if (reg == APIC_REG_ICR_LO) {
		write_icr(v, value, lapic_read_reg(APIC_REG_ICR_HI));
	} else if (reg == APIC_REG_LDR || reg == APIC_REG_DFR) {
		note_logical_setup(v, reg, value);
		if (v->domain->privileged)
			lapic_write_reg(reg, value);
	} else if (v->domain->privileged) {
		/* dom0 programs its LVTs as it likes (ExtINT, NMI), but never a fixed vector below 32 */
		if (is_lvt(reg) && lvt_exception_vector(value))
			lapic_write_reg(reg, value | APIC_LVT_MASKED);
		else if (reg != APIC_REG_ID)
			lapic_write_reg(reg, value);
	} else {
		guest_register_write(reg, value);
	}
}

/* The domain's APIC page, mapped (guests) or already identity-mapped (dom0), made read-only. */
int direct_lapic_attach(struct domain *d)
{
	direct_lapic_set_owners(d);
	return vdev_mmio_register(d, gpa_init(lapic_base_pa()), PAGE_SIZE, "the local APIC",
				  lapic_page_write, NULL);
}

/*
 * x2APIC mode (a Linux guest on x2APIC CPUs): the register writes the MSR
 * policy intercepts - the interrupt command and the LVTs. The guest's FADT
 * asks for physical destinations; logical ones (clusters of CPUs) and
 * destinations beyond 8 bits, which no CPU of a domain has while the
 * hypervisor addresses CPUs in xAPIC terms, are refused.
 */
int direct_lapic_x2apic_write(struct vcpu *v, uint32_t msr, uint64_t value)
{
	uint32_t reg = (msr - X2APIC_MSR_FIRST) * 16, lo = (uint32_t)value, dest = (uint32_t)(value >> 32);

	if (reg != APIC_REG_ICR_LO) {
		/* reserved bits, or timer mode 3: #GP, as on the hardware (never the hypervisor's own) */
		if (value >> 32 || (lo & ~LVT_READ_ONLY & ~lvt_bits(reg)) ||
		    (reg == APIC_REG_LVT_TIMER && (lo & LVT_TIMER_MODE) == LVT_TIMER_MODE))
			return -EPERM;
		guest_register_write(reg, lo);
		return 0;
	}
	if (lo & ~X2APIC_ICR_BITS)
		return -EPERM;
	if (lo & ICR_SHORTHAND_MASK)
		dest = 0;
	if ((lo & ICR_LOGICAL) && !(lo & ICR_SHORTHAND_MASK))
		refuse(v->domain, dest, lo, dest, "logical destinations in x2APIC mode (use physical)");
	else if (dest > 0xFF)
		refuse(v->domain, dest, lo, dest, "a destination beyond the domain's CPUs");
	else
		write_icr(v, lo, dest << 24);
	return 0;
}
