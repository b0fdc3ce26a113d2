/*
 * The arch interface, domains and vCPUs: what the core asks of the
 * architecture for the domains it builds (arch/x86_64/vm/, which hands the
 * work to the vendor engine the CPU has: AMD SVM in svm/). The structs the
 * core embeds in its own (struct arch_domain in struct domain, struct
 * arch_vcpu in struct vcpu) come from <arch/arch_types.h>.
 *
 * A domain is built on the control CPU while its vCPUs do not run; a vCPU
 * runs only on its own physical CPU (arch_vcpu_run()).
 */
#ifndef XEN_LITE_ARCH_VM_H
#define XEN_LITE_ARCH_VM_H

#include <arch/arch_types.h>
#include <xen-lite/addr.h>
#include <xen-lite/types.h>

struct domain;
struct vcpu;

/* Nested-paging permissions (arch_domain_protect(), domain_protect()). */
#define GUEST_PERM_READ 1u
#define GUEST_PERM_WRITE 2u
#define GUEST_PERM_EXEC 4u

/* Page sizes backing a domain's nested page tables. */
struct npt_page_counts {
	uint64_t n1g, n2m, n4k;
};

/*
 * A new domain's architecture state (nested page tables, intercepts), by
 * its kind (d->privileged, set before). 0 or -ENOMEM; arch_domain_free()
 * cleans up after a failure too.
 */
int arch_domain_init(struct domain *d);
void arch_domain_free(struct domain *d);

/*
 * Guest-physical [gpa, gpa + size) -> host-physical [hpa, ...), read,
 * write and execute, with the largest pages alignment allows (4 KiB
 * aligned). 0, -EINVAL, -EEXIST (part of it is mapped) or -ENOMEM.
 */
int arch_domain_map(struct domain *d, gpa_t gpa, hpa_t hpa, uint64_t size);
/*
 * New permissions for, or no mapping of, a mapped range (large pages split
 * as needed). Returns once no vCPU can still use an old translation.
 */
int arch_domain_protect(struct domain *d, gpa_t gpa, uint64_t size, unsigned int perms);
int arch_domain_unmap(struct domain *d, gpa_t gpa, uint64_t size);
/* arch_domain_map() with GUEST_PERM_* permissions from the start (a read-only mapping never writable). */
int arch_domain_map_perms(struct domain *d, gpa_t gpa, hpa_t hpa, uint64_t size, unsigned int perms);
/*
 * Raise vector (32-255) on the vCPU: a domain that drives its CPUs' APICs
 * gets a fixed IPI on the vCPU's CPU (taken by the guest's IDT, without an
 * exit while it runs); others get it injected at their next entry (their
 * CPU is kicked). Any CPU, no lock held or taken.
 */
void arch_event_raise(struct vcpu *v, uint8_t vector);
void arch_domain_page_counts(struct domain *d, struct npt_page_counts *c);

/* What a segment shown as a device may ask of the core (xen-lite/shm.c), whatever the device. */
struct xl_shm_mapping;
struct shm_device_ops {
	int (*send)(struct domain *d, uint32_t port);
	/* the port's notifications raise vector on the CPU with that APIC id (vector 0: none) */
	int (*bind)(struct domain *d, uint32_t port, uint32_t apic_id, uint32_t vector);
	int (*set_event_page)(struct domain *d, gpa_t gpa);
	bool (*attached)(struct domain *d, const char *name, uint64_t gpa);
};
/*
 * Show the guest's n segments (m) as devices its kernel finds on its own -
 * on x86, a Linux guest's PCI functions, registers from regs up, a page
 * each - at its first run: its vCPUs have not entered it yet, no segment
 * comes or goes meanwhile. Nothing for guests that have no such bus.
 */
void arch_domain_show_segments(struct domain *d, const struct xl_shm_mapping *m, unsigned int n, uint64_t regs,
			       const struct shm_device_ops *ops);

/* A vCPU's state (the core set v->domain, v->id, v->pcpu). 0 or -ENOMEM. */
int arch_vcpu_init(struct vcpu *v);
void arch_vcpu_free(struct vcpu *v);

/* 64-bit start: entry point, page tables, GDT (code 0x08, data 0x10), first argument register. */
void arch_vcpu_set_start_state(struct vcpu *v, uint64_t rip, uint64_t cr3, uint64_t gdt_base,
			       uint16_t gdt_limit, uint64_t rdi);
/* The Linux boot protocol's 64-bit entry (code 0x10, data 0x18, RSI = the boot parameters). */
void arch_vcpu_set_linux_start(struct vcpu *v, uint64_t rip, uint64_t cr3, uint64_t gdt_base,
			       uint16_t gdt_limit, uint64_t boot_params);
/* A secondary vCPU starts as a CPU does: waiting for the domain's INIT and SIPI. */
void arch_vcpu_wait_for_sipi(struct vcpu *v);

/*
 * Run the vCPU on this CPU (its own) until it must stop: its domain ended,
 * or is dying. Pausing blocks inside. Called from the run slot
 * (run_slot_run()) or, for dom0's first vCPU, by the boot CPU.
 */
void arch_vcpu_run(struct vcpu *v);

/*
 * One log line of what decides whether the vCPU wakes: the vectors raised
 * for it and not yet injected, the virtual interrupt on its way, the
 * guest's IF and interrupt shadow, its last exit. Read from another CPU
 * without a lock: a diagnostic (a guest that timed out), not a state.
 */
void arch_vcpu_log_wake_state(struct vcpu *v);

/*
 * For behaviour modules' exit hooks, on the vCPU's own CPU during an exit:
 * a general register by its encoding number (RAX = 0 ... R15 = 15), or 16
 * for RIP (read only: RIP moves by arch_vcpu_advance_rip()).
 */
#define ARCH_VCPU_REG_RIP 16
uint64_t arch_vcpu_reg(struct vcpu *v, unsigned int reg);
void arch_vcpu_set_reg(struct vcpu *v, unsigned int reg, uint64_t value);
void arch_vcpu_advance_rip(struct vcpu *v, unsigned int bytes);
/* Its control state: 0 CR0, 1 CR3, 2 CR4, 3 EFER, 4 CPL (same CPU, during an exit). */
uint64_t arch_vcpu_control(struct vcpu *v, unsigned int which);
/* A guest-virtual address through the domain's 4-level page tables at cr3: 0 or -EFAULT. */
int arch_domain_translate(struct domain *d, uint64_t cr3, uint64_t gva, gpa_t *gpa);
/*
 * Whether the domain's RDMSRs and WRMSRs of msr reach the hypervisor (the
 * others run on the CPU, never seen): ARCH_MSR_EXITS_READ |
 * ARCH_MSR_EXITS_WRITE, or 0. What a module's MSR policy hooks can see.
 */
#define ARCH_MSR_EXITS_READ 1u
#define ARCH_MSR_EXITS_WRITE 2u
unsigned int arch_domain_msr_exits(const struct domain *d, uint32_t msr);
/* Log a vCPU's register state (crash reports). */
void arch_vcpu_dump(struct vcpu *v, const char *why);

#endif
