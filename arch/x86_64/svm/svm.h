/*
 * The AMD SVM engine's private interface, shared by the files of svm/ only
 * (and the MSR policy's host tests). Everything outside reaches the engine
 * through struct vmm_ops (arch/vmm.h), which svm_probe() returns.
 */
#ifndef SVM_SVM_H
#define SVM_SVM_H

#include "vmcb.h"
#include <arch/arch_types.h>
#include <arch/vmm.h>
#include <xen-lite/domain.h>
#include <xen-lite/types.h>

/* What CPUID 0x8000000A says this CPU's SVM offers. */
struct svm_features {
	bool present;
	uint32_t revision;
	uint32_t nr_asids;
	bool npt, nrip_save, vmcb_clean, flush_by_asid, decode_assists, pause_filter;
	/* QEMU's TCG, whose #VMEXIT can lose a local APIC interrupt (svm_vcpu.c) */
	bool repoll_apic_after_exit;
};

extern struct svm_features svm_features;

/* Per CPU: the host save area, the host state VMLOAD/VMSAVE handle, the ASIDs handed out. */
struct svm_cpu {
	uint64_t hsave_pa;
	uint64_t host_vmcb_pa;
	uint64_t host_cr3; /* never changes: an exit compares the VMCB's against it */
	uint32_t next_asid;
	uint32_t asid_generation;
};

struct svm_cpu *svm_this_cpu(void);

/* The assembly world switch (svm_entry.S): clgi, vmload, vmrun, vmsave, vmload host, stgi. */
void svm_vmrun(uint64_t vmcb_pa, struct guest_gprs *gprs, uint64_t host_vmcb_pa);

/* ---- domains (svm_domain.c, npt.c) ---- */
int svm_domain_init(struct domain *d);
void svm_domain_free(struct domain *d);
void svm_intercept_io(struct domain *d, uint16_t base, uint16_t count);
void svm_update_msr_intercepts(struct domain *d);
int npt_create(struct domain *d);
void npt_destroy(struct domain *d);
int npt_map(struct domain *d, gpa_t gpa, hpa_t hpa, uint64_t size);
int npt_map_perms(struct domain *d, gpa_t gpa, hpa_t hpa, uint64_t size, unsigned int perms);
int npt_protect(struct domain *d, gpa_t gpa, uint64_t size, unsigned int perms);
int npt_unmap(struct domain *d, gpa_t gpa, uint64_t size);
void npt_page_counts(struct domain *d, struct npt_page_counts *c);

/* ---- vCPUs (svm_vcpu.c) ---- */
int svm_vcpu_init(struct vcpu *v);
void svm_vcpu_free(struct vcpu *v);
void svm_set_start(struct vcpu *v, const struct vcpu_start *s);
void svm_set_sipi_start(struct vcpu *v, uint8_t vector);
void svm_vcpu_load(struct vcpu *v);
void svm_vcpu_enter(struct vcpu *v);
/* The IRET that ends a virtual NMI's handler was intercepted (svm_exit.c). */
void svm_nmi_iret(struct vcpu *v);

/* ---- exits (svm_exit.c) and what their handlers share (svm_regs.c) ---- */
void svm_handle_exit(struct vcpu *v);
uint64_t svm_get_reg(struct vcpu *v, unsigned int reg);
void svm_set_reg(struct vcpu *v, unsigned int reg, uint64_t value);
void svm_get_context(struct vcpu *v, struct vcpu_context *ctx);
void svm_advance_rip(struct vcpu *v, unsigned int bytes);
void svm_inject_exception(struct vcpu *v, unsigned int vector, bool has_error, uint32_t error);
void svm_dump_guest(struct vcpu *v, const char *why);
/*
 * Move RIP past the intercepted instruction, which must start with opcode
 * (after any prefixes). Uses next_rip with NRIP-save; otherwise fetches and
 * checks the instruction bytes. Returns false (and crashes the domain) if
 * the instruction cannot be decoded.
 */
bool svm_skip_instruction(struct vcpu *v, const uint8_t *opcode, unsigned int opcode_len);
/* The length of the guest's instruction at RIP if it is opcode (after any prefixes), else 0. */
unsigned int svm_insn_length(struct vcpu *v, const uint8_t *opcode, unsigned int opcode_len);

/* ---- MSRs (svm_msrpm.c: the permission map; svm_msr.c: the emulated registers) ---- */
/* Fill an 8 KiB MSR permission map from the policy tables (set bits intercept). */
void msrpm_build(uint8_t *msrpm);
void msrpm_build_dom0(uint8_t *msrpm);
/* On a guest's map: also the direct_apic registers, and with x2apic the x2APIC MSRs. */
void msrpm_allow_direct_apic(uint8_t *msrpm, bool x2apic);
/* Intercepted accesses: 0, or -EPERM when the guest must get #GP. */
int msr_read(struct vcpu *v, uint32_t msr, uint64_t *value);
int msr_write(struct vcpu *v, uint32_t msr, uint64_t value);

#endif
