/* The register frame every interrupt and exception handler receives. */
#ifndef ARCH_TRAP_H
#define ARCH_TRAP_H

#include <xen-lite/types.h>

struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error_code;
	uint64_t rip, cs, rflags, rsp, ss; /* pushed by the CPU */
};

#define VEC_NMI 2
#define VEC_DOUBLE_FAULT 8
#define VEC_MACHINE_CHECK 18
#define VEC_CALL_FUNCTION 0xF0 /* cross-CPU call IPI */
#define VEC_APIC_SPURIOUS 0xFF

/* IST slots (TSS.IST1..3): faults that must not run on a possibly bad stack */
#define IST_DOUBLE_FAULT 1
#define IST_NMI 2
#define IST_MACHINE_CHECK 3
#define IST_COUNT 3

void x86_trap(struct trap_frame *f);
void trap_dump(const struct trap_frame *f, const char *why);
typedef void (*irq_handler_fn)(struct trap_frame *f);
void trap_set_handler(unsigned int vector, irq_handler_fn fn);
/* Log the NMIs that were neither kicks nor a panic's, if any came since the last report. */
void nmi_report_unexpected(void);

#endif
