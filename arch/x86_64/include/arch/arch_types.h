/*
 * What the core embeds of the x86 architecture (through
 * include/xen-lite/arch/): the CPU limit, and the per-domain and per-vCPU
 * state kept in struct domain and struct vcpu. Each struct has a part for
 * any vendor and a part per vendor engine (an anonymous union: an Intel VMX
 * engine adds its member next to AMD SVM's, nothing else changes).
 */
#ifndef ARCH_ARCH_TYPES_H
#define ARCH_ARCH_TYPES_H

#include <arch/icr_policy.h>
#include <arch/vdev.h>
#include <arch/vuart.h>
#include <xen-lite/spinlock.h>
#include <xen-lite/types.h>

#define MAX_CPUS 256

struct vmcb;
struct guest_pci;

/* Guest general-purpose registers the world switch saves (SVM keeps RAX and RSP in the VMCB). */
struct guest_gprs {
	uint64_t rbx, rcx, rdx, rsi, rdi, rbp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
};

/* arch_vcpu.start_state: secondary vCPUs start like real CPUs, with INIT and then SIPI */
#define VCPU_STARTED 0
#define VCPU_WAIT_SIPI 1
#define VCPU_SIPI_RECEIVED 2

struct arch_vcpu {
	/* any vendor: the start protocol (emul/direct_lapic.c sends INIT and SIPI) */
	volatile uint32_t start_state; /* VCPU_STARTED, VCPU_WAIT_SIPI, VCPU_SIPI_RECEIVED */
	volatile uint8_t sipi_vector;
	/* events devices raise for the vendor engine to inject at the next entry */
	volatile bool nmi_pending; /* a virtual NMI (a domain's NMI IPIs) */
	volatile int virq_vector; /* a virtual interrupt (dom0's console UART), -1: none */
	/* event channel vectors raised for a vCPU without an APIC of its own (arch_event_raise()) */
	volatile uint64_t event_vectors[4];
	union {
		struct { /* AMD SVM (svm/) */
			struct vmcb *vmcb;
			uint64_t vmcb_pa;
			struct guest_gprs gprs;
			uint32_t asid;
			uint32_t asid_generation;
			uint32_t dirty; /* VMCB clean bits to clear before the next VMRUN */
			bool launched; /* has run on its CPU since its ASID was assigned */
			volatile bool in_guest; /* between VMRUN and #VMEXIT (for TLB shootdowns) */
			volatile uint32_t tlb_seen; /* the domain's tlb_generation flushed for */
			int virq_pending; /* taken from virq_vector, not injected yet, -1: none */
			/* the last VMRUN resumed the guest in an interrupt shadow, at this RIP */
			bool shadow_resumed;
			uint64_t shadow_rip;
			/* a virtual NMI is being handled: the next waits for its IRET (and one more exit) */
			bool nmi_in_service;
			bool nmi_iret_seen;
			uint64_t nmi_iret_rip;
			/* its last exits, for the report of a VMCB found holding the host's state */
			struct svm_recent_exit {
				uint64_t code, info1, rip;
			} recent[8];
			unsigned int recent_next;
			uint64_t exit_tsc; /* when the last exit was taken, while module exit hooks are installed */
		};
	};
};

/* An event channel vector is raised for the vCPU and not injected yet (ELF guests). */
static inline bool arch_vcpu_events_raised(const struct arch_vcpu *a)
{
	return (a->event_vectors[0] | a->event_vectors[1] | a->event_vectors[2] | a->event_vectors[3]) != 0;
}

struct arch_domain {
	/* the devices its exits reach: port and MMIO ranges with their handlers (emul/vdev.c) */
	struct vdev_table vdev;
	unsigned int denials_logged; /* refused ports and MSRs logged so far (vdev_log_denial()) */
	/* domains that drive their CPUs' local APICs (emul/direct_lapic.c): whom they may interrupt */
	struct icr_owner icr;
	/* a Linux guest on CPUs with x2APIC: they run in x2APIC mode (guest/linux_platform.c) */
	bool x2apic;
	/* Linux guests: the 16550 that carries their console (guest/guest_uart.c) */
	spinlock_t uart_lock; /* the guest's vCPUs may print at once */
	struct vuart uart;
	/* Linux guests with PCI functions: their bus (guest/guest_pci.c) */
	struct guest_pci *guest_pci;
	union {
		struct { /* AMD SVM (svm/) */
			uint64_t npt_root; /* physical address of the nested PML4 */
			uint8_t *iopm; /* 12 KiB: one bit per I/O port, set = intercept */
			uint8_t *msrpm; /* 8 KiB: two bits per MSR, set = intercept */
			uint64_t iopm_pa, msrpm_pa;
			volatile uint32_t tlb_generation; /* bumped when nested mappings shrink */
		};
	};
};

#endif
