/*
 * Emulation built on the exit helpers (arch/vmm.h), for any vendor engine
 * and every device model: reading the instruction a guest executed and
 * walking its page tables (emul/guest_walk.c), and waiting while a vCPU has
 * nothing to do (emul/vcpu_block.c).
 */
#ifndef ARCH_EMUL_H
#define ARCH_EMUL_H

#include <arch/insn_decode.h>
#include <xen-lite/addr.h>
#include <xen-lite/types.h>

struct vcpu;

#define X86_VEC_DB 1
#define X86_VEC_UD 6
#define X86_VEC_GP 13
#define X86_VEC_AC 17
#define X86_VEC_MC 18

#define X86_MAX_INSN 15

/* Translate a guest-virtual address through the guest's own page tables (long mode; else identity). */
int vcpu_virt_to_phys(struct vcpu *v, uint64_t gva, gpa_t *gpa);
struct domain;
/* A 4-level (long mode) walk of a domain's page tables at cr3: 0, or -EFAULT when not mapped. */
int guest_walk_4level(struct domain *d, uint64_t cr3, uint64_t gva, gpa_t *gpa);

/* Fetch up to 15 instruction bytes at the guest's RIP; returns how many, or -EFAULT. */
int vcpu_fetch_insn(struct vcpu *v, uint8_t *buf);

/*
 * The aligned 32-bit store behind a write exit on a trapped MMIO page
 * (what: "the local APIC", ...): its value and instruction length. False,
 * with the domain crashed, when there is nothing to emulate: an event
 * delivery wrote there, or the instruction is no such store.
 */
bool vcpu_decode_mmio_store32(struct vcpu *v, gpa_t gpa, const char *what,
			      bool during_event_delivery, uint32_t *value, unsigned int *length);

/* The same for stores of the sizes given (a mask of byte counts: 1 | 2 | 4 | 8), aligned. */
struct mmio_store {
	uint64_t value; /* zero-extended */
	unsigned int size, length; /* bytes stored; the instruction's length */
};
bool vcpu_decode_mmio_store(struct vcpu *v, gpa_t gpa, const char *what, bool during_event_delivery,
			    unsigned int sizes, struct mmio_store *out);

/*
 * The aligned load behind a read exit on an emulated MMIO page: decoded
 * into *out, or false with the domain crashed. The device's value then
 * goes into the destination register (its size's part: a 32-bit one
 * clears the upper half) and RIP moves on.
 */
struct mmio_load {
	struct load_insn insn;
};
bool vcpu_decode_mmio_load(struct vcpu *v, gpa_t gpa, const char *what, struct mmio_load *out);
void vcpu_complete_mmio_load(struct vcpu *v, const struct mmio_load *load, uint64_t value);

/* Wait, with the CPU halted, until the vCPU's domain changes state. */
void vcpu_block(struct vcpu *v);

#endif
