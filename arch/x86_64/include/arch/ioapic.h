/*
 * The I/O APIC's registers as dom0's model of it uses them
 * (dom0/dom0_ioapic.c): an index register and a data window, and the
 * redirection entries - two 32-bit registers per pin - in the
 * compatibility format dom0 writes and the remappable format an IOMMU that
 * remaps interrupts needs (Intel VT-d specification, 5.1.5.1).
 */
#ifndef ARCH_IOAPIC_H
#define ARCH_IOAPIC_H

#include <xen-lite/types.h>

#define IOAPIC_REGSEL 0x00
#define IOAPIC_WIN 0x10
#define IOAPIC_REG_VERSION 0x01
#define IOAPIC_REG_RTE 0x10 /* pin p: low word at 0x10 + 2p, high word after it */
#define IOAPIC_MAX_PINS 120 /* the registers end at 0xff */
#define IOAPIC_RTE_MASKED (1u << 16)

#define IOAPIC_RTE_KEPT 0x1a0ffu /* mask, trigger, polarity, vector */
#define IOAPIC_RTE_HANDLE_15 (1u << 11)
#define IOAPIC_RTE_REMAPPABLE (1u << 16) /* in the high word: bit 48 */
#define IOAPIC_RTE_HANDLE_SHIFT 17 /* handle bits 14:0 at bits 63:49 */

/*
 * The remappable-format entry that selects remapping entry handle, with
 * the trigger mode, polarity and mask of the compatibility-format low word
 * low - and its vector, which must stay: the local APICs' EOI names it.
 */
static inline void ioapic_rte_remappable(uint32_t handle, uint32_t low, uint32_t *rte_low, uint32_t *rte_high)
{
	*rte_low = (low & IOAPIC_RTE_KEPT) | (handle & 0x8000 ? IOAPIC_RTE_HANDLE_15 : 0);
	*rte_high = IOAPIC_RTE_REMAPPABLE | (handle & 0x7fff) << IOAPIC_RTE_HANDLE_SHIFT;
}

#endif
