/*
 * The AMD SVM virtual machine control block (AMD64 APM vol. 2, appendix B).
 * One 4 KiB page per vCPU: the control area (intercepts, exit information,
 * event injection, nested paging) then the guest state save area.
 */
#ifndef SVM_VMCB_H
#define SVM_VMCB_H

#include <xen-lite/types.h>

struct vmcb_segment {
	uint16_t selector;
	uint16_t attrib; /* descriptor bits 40-47 in 0-7, bits 52-55 in 8-11 */
	uint32_t limit;
	uint64_t base;
} __attribute__((packed));

struct vmcb_control {
	uint32_t intercept_cr; /* reads 0-15, writes 16-31 */
	uint32_t intercept_dr;
	uint32_t intercept_exceptions;
	uint32_t intercept_misc1;
	uint32_t intercept_misc2;
	uint32_t intercept_misc3;
	uint8_t reserved_018[0x03c - 0x018];
	uint16_t pause_filter_threshold;
	uint16_t pause_filter_count;
	uint64_t iopm_base_pa;
	uint64_t msrpm_base_pa;
	uint64_t tsc_offset;
	uint32_t guest_asid;
	uint8_t tlb_control;
	uint8_t reserved_05d[3];
	uint64_t v_intr;
	uint64_t interrupt_shadow;
	uint64_t exit_code;
	uint64_t exit_info1;
	uint64_t exit_info2;
	uint64_t exit_int_info;
	uint64_t np_enable;
	uint64_t avic_apic_bar;
	uint64_t ghcb_pa;
	uint64_t event_inj;
	uint64_t n_cr3;
	uint64_t lbr_virt_enable;
	uint32_t clean;
	uint32_t reserved_0c4;
	uint64_t next_rip;
	uint8_t insn_len;
	uint8_t insn_bytes[15];
	uint8_t reserved_0e0[0x400 - 0x0e0];
} __attribute__((packed));

struct vmcb_save {
	struct vmcb_segment es, cs, ss, ds, fs, gs, gdtr, ldtr, idtr, tr;
	uint8_t reserved_4a0[0x4cb - 0x4a0];
	uint8_t cpl;
	uint32_t reserved_4cc;
	uint64_t efer;
	uint8_t reserved_4d8[0x548 - 0x4d8];
	uint64_t cr4, cr3, cr0, dr7, dr6, rflags, rip;
	uint8_t reserved_580[0x5d8 - 0x580];
	uint64_t rsp;
	uint64_t s_cet, ssp, isst_addr;
	uint64_t rax;
	uint64_t star, lstar, cstar, sfmask, kernel_gs_base;
	uint64_t sysenter_cs, sysenter_esp, sysenter_eip;
	uint64_t cr2;
	uint8_t reserved_648[0x668 - 0x648];
	uint64_t g_pat;
	uint64_t dbgctl, br_from, br_to, last_excp_from, last_excp_to;
} __attribute__((packed));

struct vmcb {
	struct vmcb_control control;
	struct vmcb_save save;
	uint8_t reserved_698[4096 - 0x698];
} __attribute__((packed));

_Static_assert(sizeof(struct vmcb_control) == 0x400, "VMCB control area size");
_Static_assert(__builtin_offsetof(struct vmcb_control, exit_code) == 0x70, "VMCB exit_code");
_Static_assert(__builtin_offsetof(struct vmcb_control, n_cr3) == 0xb0, "VMCB n_cr3");
_Static_assert(__builtin_offsetof(struct vmcb_control, next_rip) == 0xc8, "VMCB next_rip");
_Static_assert(__builtin_offsetof(struct vmcb, save.efer) == 0x4d0, "VMCB efer");
_Static_assert(__builtin_offsetof(struct vmcb, save.cr4) == 0x548, "VMCB cr4");
_Static_assert(__builtin_offsetof(struct vmcb, save.rip) == 0x578, "VMCB rip");
_Static_assert(__builtin_offsetof(struct vmcb, save.rsp) == 0x5d8, "VMCB rsp");
_Static_assert(__builtin_offsetof(struct vmcb, save.rax) == 0x5f8, "VMCB rax");
_Static_assert(__builtin_offsetof(struct vmcb, save.cr2) == 0x640, "VMCB cr2");
_Static_assert(__builtin_offsetof(struct vmcb, save.g_pat) == 0x668, "VMCB g_pat");
_Static_assert(sizeof(struct vmcb) == 4096, "VMCB size");

/* intercept_misc1 */
#define INTERCEPT_INTR (1u << 0)
#define INTERCEPT_NMI (1u << 1)
#define INTERCEPT_SMI (1u << 2)
#define INTERCEPT_INIT (1u << 3)
#define INTERCEPT_VINTR (1u << 4)
#define INTERCEPT_RDPMC (1u << 15)
#define INTERCEPT_CPUID (1u << 18)
#define INTERCEPT_RSM (1u << 19)
#define INTERCEPT_IRET (1u << 20)
#define INTERCEPT_INVD (1u << 22)
#define INTERCEPT_HLT (1u << 24)
#define INTERCEPT_INVLPGA (1u << 26)
#define INTERCEPT_IOIO (1u << 27)
#define INTERCEPT_MSR (1u << 28)
#define INTERCEPT_TASK_SWITCH (1u << 29)
#define INTERCEPT_SHUTDOWN (1u << 31)
/* intercept_misc2 */
#define INTERCEPT_VMRUN (1u << 0)
#define INTERCEPT_VMMCALL (1u << 1)
#define INTERCEPT_VMLOAD (1u << 2)
#define INTERCEPT_VMSAVE (1u << 3)
#define INTERCEPT_STGI (1u << 4)
#define INTERCEPT_CLGI (1u << 5)
#define INTERCEPT_SKINIT (1u << 6)
#define INTERCEPT_WBINVD (1u << 9) /* WBINVD and WBNOINVD */
#define INTERCEPT_MONITOR (1u << 10)
#define INTERCEPT_MWAIT (1u << 11)
#define INTERCEPT_MWAIT_COND (1u << 12)
#define INTERCEPT_XSETBV (1u << 13)
#define INTERCEPT_RDPRU (1u << 14)

/* exit codes */
#define SVM_EXIT_EXCP_BASE 0x040 /* + vector */
#define SVM_EXIT_INTR 0x060
#define SVM_EXIT_NMI 0x061
#define SVM_EXIT_SMI 0x062
#define SVM_EXIT_INIT 0x063
#define SVM_EXIT_VINTR 0x064
#define SVM_EXIT_RDPMC 0x06f
#define SVM_EXIT_CPUID 0x072
#define SVM_EXIT_RSM 0x073
#define SVM_EXIT_IRET 0x074
#define SVM_EXIT_INVD 0x076
#define SVM_EXIT_HLT 0x078
#define SVM_EXIT_INVLPGA 0x07a
#define SVM_EXIT_IOIO 0x07b
#define SVM_EXIT_MSR 0x07c
#define SVM_EXIT_TASK_SWITCH 0x07d
#define SVM_EXIT_SHUTDOWN 0x07f
#define SVM_EXIT_VMRUN 0x080
#define SVM_EXIT_VMMCALL 0x081
#define SVM_EXIT_VMLOAD 0x082
#define SVM_EXIT_VMSAVE 0x083
#define SVM_EXIT_STGI 0x084
#define SVM_EXIT_CLGI 0x085
#define SVM_EXIT_SKINIT 0x086
#define SVM_EXIT_WBINVD 0x089
#define SVM_EXIT_MONITOR 0x08a
#define SVM_EXIT_MWAIT 0x08b
#define SVM_EXIT_MWAIT_COND 0x08c
#define SVM_EXIT_XSETBV 0x08d
#define SVM_EXIT_RDPRU 0x08e
#define SVM_EXIT_NPF 0x400
#define SVM_EXIT_INVALID 0xffffffffffffffffULL /* VMRUN refused the guest state */
/* NPF exit_info1: the fault was on the final guest-physical address, not during a page walk */
#define NPF_FINAL_ADDRESS (1ULL << 32)

/* tlb_control */
#define TLB_CONTROL_NONE 0
#define TLB_CONTROL_FLUSH_ALL 1
#define TLB_CONTROL_FLUSH_ASID 3

/* v_intr */
#define V_INTR_MASKING (1ULL << 24)
#define V_IRQ (1ULL << 8)
#define V_INTR_PRIO_MAX (0xFULL << 16)
#define V_IGN_TPR (1ULL << 20)
#define V_INTR_VECTOR (0xFFULL << 32)

/* interrupt_shadow */
#define INTERRUPT_SHADOW (1ULL << 0)

/* event_inj */
#define EVENT_INJ_VALID (1ULL << 31)
#define EVENT_INJ_ERROR_VALID (1ULL << 11)
#define EVENT_INJ_TYPE_MASK (7ULL << 8)
#define EVENT_INJ_TYPE_INTR (0ULL << 8)
#define EVENT_INJ_TYPE_EXCEPTION (3ULL << 8)
#define EVENT_INJ_TYPE_NMI (2ULL << 8)

/* clean bits (ignored by CPUs without VMCB clean-bit support) */
#define VMCB_CLEAN_INTERCEPTS (1u << 0)
#define VMCB_CLEAN_IOPM (1u << 1)
#define VMCB_CLEAN_ASID (1u << 2)
#define VMCB_CLEAN_TPR (1u << 3)
#define VMCB_CLEAN_NP (1u << 4)
#define VMCB_CLEAN_CR (1u << 5)
#define VMCB_CLEAN_DR (1u << 6)
#define VMCB_CLEAN_DT (1u << 7)
#define VMCB_CLEAN_SEG (1u << 8)
#define VMCB_CLEAN_CR2 (1u << 9)
#define VMCB_CLEAN_LBR (1u << 10)
#define VMCB_CLEAN_AVIC (1u << 11)
#define VMCB_CLEAN_ALL 0xfffu

/* IOIO exit_info1 */
#define IOIO_TYPE_IN (1u << 0)
#define IOIO_STRING (1u << 2)
#define IOIO_REP (1u << 3)
#define IOIO_SIZE8 (1u << 4)
#define IOIO_SIZE16 (1u << 5)
#define IOIO_SIZE32 (1u << 6)
#define IOIO_PORT_SHIFT 16

#endif
