/*
 * Reading what a guest executed: its page tables walked in software and
 * the instruction at its RIP fetched through them (for engines without
 * decode assists, and for the MMIO stores and loads device models emulate). Every
 * byte comes from guest memory and is treated as hostile.
 */
#include <arch/emul.h>
#include <arch/insn_decode.h>
#include <arch/page_table.h>
#include <arch/vmm.h>
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/guest_memory.h>

#define CR0_PG (1ULL << 31)
#define EFER_LMA (1ULL << 10)

/* 4-level walk of a domain's page tables at cr3. */
int guest_walk_4level(struct domain *d, uint64_t cr3, uint64_t gva, gpa_t *gpa)
{
	uint64_t table = cr3 & PTE_ADDR_MASK;

	for (int level = 3; level >= 0; level--) {
		uint64_t e, size = 1ULL << (12 + 9 * level);

		if (copy_from_guest(d, &e, gpa_init(table + ((gva >> (12 + 9 * level)) & 511) * 8), 8))
			return -EFAULT;
		if (!(e & PTE_P))
			return -EFAULT;
		if (level == 0 || (level < 3 && (e & PTE_PS))) {
			*gpa = gpa_init((e & PTE_ADDR_MASK & ~(size - 1)) | (gva & (size - 1)));
			return 0;
		}
		table = e & PTE_ADDR_MASK;
	}
	return -EFAULT;
}

/* The vCPU's own paging: long mode walked, no paging identity. */
static int walk(struct vcpu *v, const struct vcpu_context *ctx, uint64_t gva, gpa_t *gpa)
{
	if (!(ctx->cr0 & CR0_PG)) {
		*gpa = gpa_init(gva);
		return 0;
	}
	if (!(ctx->efer & EFER_LMA))
		return -ENOSYS; /* 32-bit paging is not walked */
	return guest_walk_4level(v->domain, ctx->cr3, gva, gpa);
}

int vcpu_virt_to_phys(struct vcpu *v, uint64_t gva, gpa_t *gpa)
{
	struct vcpu_context ctx;

	vcpu_get_context(v, &ctx);
	return walk(v, &ctx, gva, gpa);
}

/* Up to 15 bytes at RIP (they may cross a page). */
int vcpu_fetch_insn(struct vcpu *v, uint8_t *buf)
{
	struct vcpu_context ctx;
	uint64_t at;

	vcpu_get_context(v, &ctx);
	/* outside long mode the instruction is at CS base + RIP (real and protected mode) */
	at = ctx.efer & EFER_LMA ? ctx.rip : ctx.cs_base + (ctx.rip & 0xffffffff);
	for (unsigned int i = 0; i < X86_MAX_INSN; i++) {
		gpa_t gpa;

		if (walk(v, &ctx, at + i, &gpa) || copy_from_guest(v->domain, &buf[i], gpa, 1))
			return i ? (int)i : -EFAULT;
	}
	return X86_MAX_INSN;
}

bool vcpu_decode_mmio_store(struct vcpu *v, gpa_t gpa, const char *what, bool during_event_delivery,
			    unsigned int sizes, struct mmio_store *out)
{
	uint8_t insn[X86_MAX_INSN];
	struct store_insn st;
	struct vcpu_context ctx;
	uint64_t value;
	int n;

	if (during_event_delivery) {
		/* an interrupt frame pushed onto the page: no instruction to emulate */
		domain_crash(v->domain, "event delivery wrote to %s page", what);
		return false;
	}
	n = vcpu_fetch_insn(v, insn);
	if (n < 0 || decode_store(insn, (unsigned int)n, &st) || !(sizes & st.size) ||
	    (gpa_addr(gpa) & (st.size - 1))) {
		vcpu_get_context(v, &ctx);
		domain_crash(v->domain, "unsupported write to %s at RIP %#llx", what,
			     (unsigned long long)ctx.rip);
		return false;
	}
	value = st.source == STORE_FROM_IMM ? st.imm : vcpu_get_reg(v, st.reg);
	if (st.high8)
		value >>= 8;
	out->size = st.size;
	out->value = st.size == 8 ? value : value & ((1ULL << (8 * st.size)) - 1);
	out->length = st.length;
	return true;
}

bool vcpu_decode_mmio_store32(struct vcpu *v, gpa_t gpa, const char *what,
			      bool during_event_delivery, uint32_t *value, unsigned int *length)
{
	struct mmio_store st;

	if (!vcpu_decode_mmio_store(v, gpa, what, during_event_delivery, 4, &st))
		return false;
	*value = (uint32_t)st.value;
	*length = st.length;
	return true;
}

bool vcpu_decode_mmio_load(struct vcpu *v, gpa_t gpa, const char *what, struct mmio_load *out)
{
	uint8_t insn[X86_MAX_INSN];
	struct vcpu_context ctx;
	int n = vcpu_fetch_insn(v, insn);

	if (n < 0 || decode_load(insn, (unsigned int)n, &out->insn) || (gpa_addr(gpa) & (out->insn.size - 1))) {
		vcpu_get_context(v, &ctx);
		domain_crash(v->domain, "unsupported read of %s at RIP %#llx", what, (unsigned long long)ctx.rip);
		return false;
	}
	return true;
}

void vcpu_complete_mmio_load(struct vcpu *v, const struct mmio_load *load, uint64_t value)
{
	const struct load_insn *l = &load->insn;
	uint64_t old = vcpu_get_reg(v, l->reg);

	if (l->high8)
		value = (old & ~0xff00ULL) | (value & 0xff) << 8;
	else if (l->size == 1)
		value = (old & ~0xffULL) | (value & 0xff);
	else if (l->size == 2)
		value = (old & ~0xffffULL) | (value & 0xffff);
	else if (l->size == 4)
		value &= 0xffffffffULL; /* a 32-bit destination clears the upper half */
	vcpu_set_reg(v, l->reg, value);
	vcpu_advance_rip(v, l->length);
}
