/*
 * The vendor interface: what a hardware virtualization engine provides to
 * the rest of the x86 code - AMD SVM (svm/) today, Intel VMX (vmx/) later.
 * vm/ picks the engine the CPU has at boot (vmm_select()) and reaches it
 * only through these operations; so do the device models, through the
 * exit helpers below. Documentation/architecture.md lists what a new
 * engine implements.
 */
#ifndef ARCH_VMM_H
#define ARCH_VMM_H

#include <xen-lite/arch/vm.h>
#include <xen-lite/types.h>

/* Where a vCPU is and how it translates addresses: what instruction fetch and page walks need. */
struct vcpu_context {
	uint64_t rip, cs_base;
	uint64_t cr0, cr3, cr4, efer;
	unsigned int cpl;
};

/* A 64-bit start state (arch_vcpu_set_start_state(), arch_vcpu_set_linux_start()). */
struct vcpu_start {
	uint64_t rip, cr3, gdt_base;
	uint16_t gdt_limit;
	uint16_t cs, ds; /* selectors into that GDT */
	uint64_t rdi, rsi;
};

struct vmm_ops {
	const char *name;

	/* ---- domains: nested paging and intercepts ---- */
	int (*domain_init)(struct domain *d);
	void (*domain_free)(struct domain *d);
	int (*map)(struct domain *d, gpa_t gpa, hpa_t hpa, uint64_t size);
	int (*map_perms)(struct domain *d, gpa_t gpa, hpa_t hpa, uint64_t size, unsigned int perms);
	int (*protect)(struct domain *d, gpa_t gpa, uint64_t size, unsigned int perms);
	int (*unmap)(struct domain *d, gpa_t gpa, uint64_t size);
	void (*page_counts)(struct domain *d, struct npt_page_counts *c);
	/* trap accesses to ports [base, base + count) (dom0 reaches all others directly) */
	void (*intercept_io)(struct domain *d, uint16_t base, uint16_t count);
	/* the domain's MSR policy changed (it drives its APIC; in x2APIC mode): apply it */
	void (*update_msr_intercepts)(struct domain *d);

	/* ---- vCPUs ---- */
	int (*vcpu_init)(struct vcpu *v);
	void (*vcpu_free)(struct vcpu *v);
	void (*set_start)(struct vcpu *v, const struct vcpu_start *s);
	/* the state a CPU has after INIT and a SIPI with this vector (real mode at vector << 12) */
	void (*set_sipi_start)(struct vcpu *v, uint8_t vector);
	/* this CPU is about to run v after running something else: fresh ASID / TLB state */
	void (*vcpu_load)(struct vcpu *v);
	/* enter the guest once and handle the exit that ends it */
	void (*vcpu_enter)(struct vcpu *v);
	void (*dump)(struct vcpu *v, const char *why);

	/* ---- exit helpers: what device models and emulation may do to the exiting vCPU ---- */
	/* a general register by its instruction-encoding number (RAX=0 ... R15=15) */
	uint64_t (*get_reg)(struct vcpu *v, unsigned int reg);
	void (*set_reg)(struct vcpu *v, unsigned int reg, uint64_t value);
	void (*get_context)(struct vcpu *v, struct vcpu_context *ctx);
	void (*advance_rip)(struct vcpu *v, unsigned int bytes);
	void (*inject_exception)(struct vcpu *v, unsigned int vector, bool has_error, uint32_t error);
};

/* The engine in use; NULL until arch_virt_init() found one. */
extern const struct vmm_ops *vmm;
void vmm_select(const struct vmm_ops *ops);

static inline uint64_t vcpu_get_reg(struct vcpu *v, unsigned int reg)
{
	return vmm->get_reg(v, reg);
}

static inline void vcpu_set_reg(struct vcpu *v, unsigned int reg, uint64_t value)
{
	vmm->set_reg(v, reg, value);
}

static inline void vcpu_get_context(struct vcpu *v, struct vcpu_context *ctx)
{
	vmm->get_context(v, ctx);
}

static inline void vcpu_advance_rip(struct vcpu *v, unsigned int bytes)
{
	vmm->advance_rip(v, bytes);
}

static inline void vcpu_inject_exception(struct vcpu *v, unsigned int vector, bool has_error,
					 uint32_t error)
{
	vmm->inject_exception(v, vector, has_error, error);
}

static inline void vcpu_dump(struct vcpu *v, const char *why)
{
	vmm->dump(v, why);
}

#endif
