/*
 * The arch interface, interrupts: irq_save() (interrupts off on this CPU,
 * returning what to restore), irq_restore(), irq_enable(), irq_disable() -
 * inlines from the architecture (<arch/irqflags.h>).
 */
#ifndef XEN_LITE_ARCH_IRQ_H
#define XEN_LITE_ARCH_IRQ_H

#include <arch/irqflags.h>

#endif
