/* Shared between the SVM files: exit handling helpers. */
#ifndef ARCH_SVM_INTERNAL_H
#define ARCH_SVM_INTERNAL_H

#include <arch/svm.h>
#include <xen-lite/domain.h>

#define X86_VEC_DB 1
#define X86_VEC_UD 6
#define X86_VEC_GP 13
#define X86_VEC_AC 17
#define X86_VEC_MC 18

void svm_inject_exception(struct vcpu *v, unsigned int vector, bool has_error, uint32_t error);
/* XSETBV from a guest, once arch/x86_64/xcr0_policy.c allowed the value (svm_vcpu.c) */
void svm_guest_xcr0_load(uint64_t value);

/*
 * Move RIP past the intercepted instruction, which must start with opcode
 * (after any prefixes). Uses next_rip with NRIP-save; otherwise fetches and
 * checks the instruction bytes. Returns false (and crashes the domain) if
 * the instruction cannot be decoded.
 */
bool svm_skip_instruction(struct vcpu *v, const uint8_t *opcode, unsigned int opcode_len);

/* Fetch up to 15 instruction bytes at the guest's RIP; returns how many, or -EFAULT. */
int svm_fetch_instruction(struct vcpu *v, uint8_t *buf);

/*
 * The aligned 32-bit store behind a write exit on a trapped MMIO page
 * (what: "the local APIC", ...): its value and instruction length. False,
 * with the domain crashed, when there is nothing to emulate: an event
 * delivery wrote there, or the instruction is no such store.
 */
bool svm_decode_mmio_store32(struct vcpu *v, uint64_t gpa, const char *what, uint32_t *value,
			     unsigned int *length);

/*
 * A direct_apic domain's local APIC page is read-only in its nested tables
 * (direct_lapic.c): protect sets that up; write emulates one (true if handled).
 */
bool direct_lapic_write(struct vcpu *v, uint64_t gpa);
int direct_lapic_protect(struct domain *d);
void direct_lapic_set_owners(struct domain *d);


/* dom0's intercepted I/O ports (the machine reset paths): true if handled. */
bool dom0_io(struct vcpu *v, unsigned int port, uint64_t info);
void dom0_io_intercept_resets(uint8_t *iopm);

/* A guest register by its instruction-encoding number (RAX=0 ... R15=15). */
uint64_t svm_guest_reg(struct vcpu *v, unsigned int reg);

/* The vCPU an interrupt with this destination (physical or logical) goes to, or NULL. */
struct vcpu *direct_lapic_vcpu_for_dest(struct domain *d, uint32_t dest, bool logical);

/* dom0's serial console (dom0_console.c). */
int dom0_console_init(struct domain *d, uint64_t ioapic_pa);
bool dom0_console_io(struct vcpu *v, unsigned int port, uint64_t info);
bool dom0_ioapic_write(struct vcpu *v, uint64_t gpa);
void dom0_console_poll(struct vcpu *v);

/* A Linux guest's serial port (guest_uart.c): its 16550 feeds the domain's console. */
void guest_uart_init(struct domain *d);
bool guest_uart_io(struct vcpu *v, unsigned int port, uint64_t info);
/* Its ACPI sleep control/status and reset registers (guest_power.c). */
bool guest_power_io(struct vcpu *v, unsigned int port, uint64_t info);

/* Handle the exit that just happened. */
void svm_handle_exit(struct vcpu *v);

/* Log the guest state (for unexpected exits). */
void svm_dump_guest(struct vcpu *v, const char *why);

/* Wait, with the CPU halted, until the vCPU's domain changes state. */
void svm_vcpu_block(struct vcpu *v);

/* Translate a guest-virtual address through the guest's own page tables. */
int guest_virt_to_phys(struct vcpu *v, uint64_t gva, uint64_t *gpa);

#endif
