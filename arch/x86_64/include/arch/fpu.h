/*
 * The FPU, SSE and XSAVE state guests use (cpu/fpu.c). The hypervisor
 * itself never touches these registers (it is built without SSE), and one
 * vCPU runs per CPU, so a guest's FPU state stays in the registers across
 * exits; it is only reset when a vCPU starts on a CPU.
 */
#ifndef ARCH_FPU_H
#define ARCH_FPU_H

#include <xen-lite/types.h>

/* This CPU: let guests use SSE/AVX (CR4.OSFXSR, OSXMMEXCPT, and OSXSAVE where there is XSAVE). */
void fpu_enable_for_guests(void);
/* Put every FPU/SSE/XSAVE component into its initial state (nothing an earlier guest left). */
void fpu_reset_for_guest(void);
/* XSETBV on the guest's behalf, once xcr0_allowed() said yes (the CPU is the guest's alone). */
void fpu_load_guest_xcr0(uint64_t value);
/* The XCR0 components this CPU supports (CPUID 0xD), for the XSETBV policy. */
uint64_t fpu_supported_xcr0(void);

#endif
