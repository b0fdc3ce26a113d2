/*
 * dom0 drives CPU 0's local APIC itself, but the page is read-only in its
 * nested tables: reads are native, each write exits here, is decoded, and
 * goes to the hardware - except interrupt command writes the ICR policy
 * refuses (arch/icr_policy.h), which are dropped with a warning.
 */
#include <arch/icr_policy.h>
#include <arch/insn_decode.h>
#include <arch/lapic.h>
#include <arch/svm_internal.h>
#include <xen-lite/arch.h>
#include <xen-lite/domain.h>
#include <xen-lite/log.h>

#define REG_ID 0x020
#define REG_LDR 0x0D0
#define REG_DFR 0x0E0
#define REG_ICR_LO 0x300
#define REG_ICR_HI 0x310
#define MAX_REFUSAL_REPORTS 16

static uint64_t lapic_page;
static unsigned int refusals;

int dom0_lapic_protect(struct domain *d)
{
	lapic_page = lapic_base_pa();
	return arch_domain_protect(d, lapic_page, PAGE_SIZE, GUEST_PERM_READ);
}

static uint64_t guest_reg(struct vcpu *v, unsigned int reg)
{
	const struct guest_gprs *g = &v->arch.gprs;
	const uint64_t others[16] = { 0, g->rcx, g->rdx, g->rbx, 0, g->rbp, g->rsi, g->rdi,
				      g->r8, g->r9, g->r10, g->r11, g->r12, g->r13, g->r14, g->r15 };

	if (reg == 0)
		return v->arch.vmcb->save.rax;
	if (reg == 4)
		return v->arch.vmcb->save.rsp;
	return others[reg & 15];
}

static void write_icr(uint32_t lo)
{
	struct icr_owner own = {
		.apic_id = arch_cpu_apic_id(0),
		.ldr = lapic_read_reg(REG_LDR),
		.dfr = lapic_read_reg(REG_DFR),
	};
	uint32_t hi = lapic_read_reg(REG_ICR_HI);
	const char *why;

	if (icr_write_allowed(lo, hi, &own, &why)) {
		lapic_write_reg(REG_ICR_LO, lo);
		return;
	}
	if (refusals++ < MAX_REFUSAL_REPORTS)
		log_warn("dom0: IPI refused (ICR %#010x:%08x, destination APIC id %u): %s\n", hi, lo,
			 hi >> 24, why);
}

bool dom0_lapic_write(struct vcpu *v, uint64_t gpa)
{
	uint8_t insn[15];
	struct store_insn st;
	uint32_t reg = (uint32_t)(gpa & (PAGE_SIZE - 1)) & ~3u, value;
	int n;

	if (!lapic_page || ALIGN_DOWN(gpa, PAGE_SIZE) != lapic_page)
		return false;
	n = svm_fetch_instruction(v, insn);
	if (n < 0 || decode_store(insn, (unsigned int)n, &st) || st.size != 4 || (gpa & 3)) {
		domain_crash(v->domain, "unsupported write to the local APIC at RIP %#llx",
			     (unsigned long long)v->arch.vmcb->save.rip);
		return true;
	}
	value = (uint32_t)(st.source == STORE_FROM_IMM ? st.imm : guest_reg(v, st.reg));
	if (reg == REG_ICR_LO)
		write_icr(value);
	else
		lapic_write_reg(reg, value);
	v->arch.vmcb->save.rip += st.length;
	return true;
}
