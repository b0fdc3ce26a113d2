/* AMD SVM: per-CPU enablement, per-vCPU state and the VMRUN loop. */
#ifndef ARCH_SVM_H
#define ARCH_SVM_H

#include <arch/icr_policy.h>
#include <arch/vmcb.h>
#include <arch/vuart.h>
#include <xen-lite/spinlock.h>
#include <xen-lite/types.h>

/* What CPUID 0x8000000A says this CPU's SVM offers. */
struct svm_features {
	bool present;
	uint32_t revision;
	uint32_t nr_asids;
	bool npt, nrip_save, vmcb_clean, flush_by_asid, decode_assists, pause_filter;
};

extern struct svm_features svm_features;

/* Guest general-purpose registers that VMRUN does not keep in the VMCB. */
struct guest_gprs {
	uint64_t rbx, rcx, rdx, rsi, rdi, rbp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
};

struct arch_vcpu {
	struct vmcb *vmcb;
	uint64_t vmcb_pa;
	struct guest_gprs gprs;
	uint32_t asid;
	uint32_t asid_generation;
	uint32_t dirty; /* VMCB clean bits to clear before the next VMRUN */
	bool launched; /* has run on its CPU since its ASID was assigned */
	volatile bool in_guest; /* between VMRUN and #VMEXIT (for TLB shootdowns) */
	volatile uint32_t tlb_seen; /* the domain's tlb_generation this vCPU has flushed for */
	/* dom0's secondary vCPUs start like real CPUs: INIT, then SIPI (dom0_lapic.c) */
	volatile uint32_t start_state; /* VCPU_STARTED, VCPU_WAIT_SIPI, VCPU_SIPI_RECEIVED */
	volatile uint8_t sipi_vector;
	volatile bool nmi_pending; /* a virtual NMI to inject (dom0's NMI IPIs) */
	volatile int virq_vector; /* a virtual interrupt to raise (dom0's console UART), -1: none */
	int virq_pending; /* taken from virq_vector, not injected yet (this CPU's only), -1: none */
};

#define VCPU_STARTED 0
#define VCPU_WAIT_SIPI 1
#define VCPU_SIPI_RECEIVED 2


struct arch_domain {
	uint64_t npt_root; /* physical address of the nested PML4 */
	uint8_t *iopm; /* 12 KiB: one bit per I/O port, set = intercept */
	uint8_t *msrpm; /* 8 KiB: two bits per MSR, set = intercept */
	uint64_t iopm_pa, msrpm_pa;
	volatile uint32_t tlb_generation; /* bumped when nested mappings shrink */
	/* direct_apic domains (direct_lapic.c): the APIC page and whom the domain may interrupt */
	uint64_t lapic_page;
	struct icr_owner icr;
	/* a Linux guest on CPUs with x2APIC: they run in x2APIC mode, the APIC MSRs pass (msr_policy.c) */
	bool x2apic;
	/* Linux guests: the 16550 at 0x3F8 that carries their console (guest_uart.c) */
	bool has_uart;
	spinlock_t uart_lock; /* the guest's vCPUs may print at once */
	struct vuart uart;
};

/* Nested page tables of a domain (npt.c). */
int npt_create(struct arch_domain *ad);
void npt_destroy(struct arch_domain *ad);

/* Detect SVM on the boot CPU and enable it on every online CPU. */
int svm_init(void);
bool svm_ready(void);

/* The assembly world switch: clgi, vmload, vmrun, vmsave, vmload host, stgi. */
void svm_vmrun(uint64_t vmcb_pa, struct guest_gprs *gprs, uint64_t host_vmcb_pa);

#endif
