/*
 * Just enough x86-64 instruction decoding to emulate a store to a trapped
 * MMIO page (dom0's local APIC): MOV r/m, reg (89), MOV r/m, imm32 (C7 /0)
 * and XCHG r/m, reg (87), with legacy prefixes, REX, and every ModRM/SIB/
 * displacement form - and a load from a page whose reads are emulated too
 * (dom0's I/O APICs): MOV reg, r/m (8B, 8A). The target address is not
 * computed: the nested page fault already says which guest-physical
 * address was accessed.
 */
#ifndef ARCH_INSN_DECODE_H
#define ARCH_INSN_DECODE_H

#include <xen-lite/types.h>

enum store_source { STORE_FROM_REG, STORE_FROM_IMM };

struct store_insn {
	unsigned int length; /* bytes, prefixes included */
	unsigned int size; /* operand bytes: 1, 2, 4 or 8 */
	enum store_source source;
	unsigned int reg; /* 0-15 in the ModRM.reg + REX.R numbering (RAX=0 ... R15=15) */
	bool high8; /* a byte store from AH, CH, DH or BH: bits 8-15 of register reg (0-3) */
	uint64_t imm; /* sign-extended immediate, for STORE_FROM_IMM */
};

/*
 * Decode the store at the start of bytes[0..avail). Returns 0, or -EINVAL
 * for anything else (another opcode, a register destination, a truncated
 * instruction, more than 15 bytes).
 */
int decode_store(const uint8_t *bytes, unsigned int avail, struct store_insn *out);

struct load_insn {
	unsigned int length; /* bytes, prefixes included */
	unsigned int size; /* operand bytes: 1, 2, 4 or 8 */
	unsigned int reg; /* the destination, numbered as in struct store_insn */
	bool high8; /* into AH, CH, DH or BH */
};

/* Decode the load at the start of bytes[0..avail): 0, or -EINVAL as decode_store(). */
int decode_load(const uint8_t *bytes, unsigned int avail, struct load_insn *out);

#endif
