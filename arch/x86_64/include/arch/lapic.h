/*
 * Local APIC. The hypervisor runs every CPU's APIC in xAPIC mode (MMIO;
 * dom0 drives CPU 0's through the same page), or in x2APIC mode with
 * x2apic=on on a CPU that has it. A Linux guest's CPUs run in x2APIC mode
 * while the guest has them, when the CPU has it (lapic_enter_x2apic()), so
 * the register accessors follow each CPU's current mode. QEMU 7.2's TCG
 * offers only xAPIC; QEMU 10's has x2APIC.
 */
#ifndef ARCH_LAPIC_H
#define ARCH_LAPIC_H

#include <xen-lite/types.h>

/* xAPIC register offsets (x2APIC MSR = 0x800 + offset / 16) and bits both drivers use */
#define APIC_REG_ID 0x020
#define APIC_REG_VERSION 0x030
#define APIC_REG_TPR 0x080
#define APIC_REG_EOI 0x0B0
#define APIC_REG_LDR 0x0D0
#define APIC_REG_DFR 0x0E0
#define APIC_REG_SVR 0x0F0
#define APIC_REG_ISR 0x100 /* 8 registers, 16 bytes apart */
#define APIC_REG_ESR 0x280
#define APIC_REG_ICR_LO 0x300
#define APIC_REG_ICR_HI 0x310
#define APIC_REG_LVT_TIMER 0x320
#define APIC_REG_LVT_THERMAL 0x330
#define APIC_REG_LVT_PERF 0x340
#define APIC_REG_LVT_LINT0 0x350
#define APIC_REG_LVT_LINT1 0x360
#define APIC_REG_LVT_ERROR 0x370
#define APIC_REG_TIMER_INIT 0x380
#define APIC_REG_TIMER_CUR 0x390
#define APIC_REG_TIMER_DIV 0x3E0
#define APIC_REG_SELF_IPI 0x3F0 /* x2APIC only */
#define APIC_LVT_MASKED (1u << 16)
/* the x2APIC MSR of an xAPIC register offset, and the range of them */
#define X2APIC_MSR(reg) (0x800u + (reg) / 16)
#define X2APIC_MSR_FIRST 0x800u
#define X2APIC_MSR_LAST 0x8FFu

/* Boot CPU: map and enable the APIC; returns 0 or -ENODEV. */
int lapic_init_boot(uint64_t madt_lapic_addr, bool want_x2apic);
/* Application processors: enable the already-chosen mode. */
void lapic_init_ap(void);

/* This CPU's APIC is in x2APIC mode now. */
bool lapic_x2apic_mode(void);
/* The CPU offers x2APIC mode (CPUID 1, ECX bit 21), the TSC-deadline timer (bit 24). */
bool lapic_cpu_has_x2apic(void);
bool lapic_cpu_has_tsc_deadline(void);
/* Switch this CPU's APIC to x2APIC mode (for a guest; lapic_reset_local() switches back). */
void lapic_enter_x2apic(void);
/* Raw register access (offsets as in the xAPIC page) for emulating dom0's writes. */
uint32_t lapic_read_reg(uint32_t reg);
void lapic_write_reg(uint32_t reg, uint32_t value);
uint64_t lapic_base_pa(void);
uint32_t lapic_id(void);
void lapic_eoi(void);
/* The interrupt with this vector is in service on this CPU (ISR bit; false before setup). */
bool lapic_in_service(unsigned int vector);

/* Write the interrupt command (low word as in the xAPIC) to physical destination dest. */
void lapic_send_icr(uint32_t dest, uint32_t low);
void lapic_send_ipi(uint32_t apic_id, uint8_t vector);
void lapic_send_nmi(uint32_t apic_id);
void lapic_send_nmi_all_but_self(void);
void lapic_send_init(uint32_t apic_id);
void lapic_send_sipi(uint32_t apic_id, uint8_t page);

/* Timer in one-shot mode counting bus clocks (divide by 16), for calibration. */
void lapic_timer_start_oneshot(uint32_t count);
uint32_t lapic_timer_current(void);
void lapic_timer_stop(void);
/* Wait (bounded) until the last interrupt command has been sent (xAPIC). */
void lapic_icr_wait_idle(void);
/*
 * Put this CPU's APIC back the way the hypervisor set it up after a guest
 * drove it: every LVT masked, timer stopped, in-service interrupts ended,
 * TPR 0, the hypervisor's spurious vector, the hypervisor's mode.
 */
void lapic_reset_local(void);

#endif
