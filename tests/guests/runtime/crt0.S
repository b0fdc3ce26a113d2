/*
 * Test-guest entry and the runtime's assembly: boot-state capture, .bss,
 * stack, GDT, exception stubs, try_call() and hypercall_regs().
 *
 * Entry (hypercalls/xen-lite-abi.h): 64-bit mode, paging on with guest
 * memory identity-mapped, interrupts disabled, RSP = 0, RDI = guest-physical
 * address of struct xl_start_info. Nothing may touch the stack until RSP is
 * set; .bss (which holds the stack) is cleared before RSP points into it.
 */

#define SEL_CODE 0x08
#define SEL_DATA 0x10

/* struct boot_state offsets (runtime/guest.h) */
#define BS_RSP 0
#define BS_RDI 8
#define BS_RFLAGS 16
#define BS_CS 56
#define BS_DS 58
#define BS_SS 60
#define BS_GDTR 62 /* 2-byte limit at 62, 8-byte base at 64 (sgdt layout) */

/* struct hc_regs offsets */
#define HR_RAX 0
#define HR_RBX 8
#define HR_RCX 16
#define HR_RDX 24
#define HR_RSI 32
#define HR_RDI 40
#define HR_RBP 48
#define HR_R8 64
#define HR_R9 72
#define HR_R10 80
#define HR_R11 88
#define HR_R12 96
#define HR_R13 104
#define HR_R14 112
#define HR_R15 120

	.section .text.entry, "ax"
	.code64
	.globl _start
	.type _start, @function
_start:
	/* record the entry state before anything changes it (no stack yet) */
	mov	%rsp, boot_state + BS_RSP(%rip)
	mov	%rdi, boot_state + BS_RDI(%rip)
	mov	%cs, %ax
	mov	%ax, boot_state + BS_CS(%rip)
	mov	%ds, %ax
	mov	%ax, boot_state + BS_DS(%rip)
	mov	%ss, %ax
	mov	%ax, boot_state + BS_SS(%rip)
	sgdt	boot_state + BS_GDTR(%rip)

	/* clear .bss (the stack is in it, and not in use yet) */
	cld
	lea	__bss_start(%rip), %rdi
	lea	__bss_end(%rip), %rcx
	sub	%rdi, %rcx
	xor	%eax, %eax
	rep stosb

	lea	guest_stack_top(%rip), %rsp
	xor	%ebp, %ebp
	pushfq
	pop	%rax
	mov	%rax, boot_state + BS_RFLAGS(%rip)
	cli

	/* our own GDT; reload CS with a far return, then the data segments */
	lgdt	gdt_ptr(%rip)
	pushq	$SEL_CODE
	lea	1f(%rip), %rax
	push	%rax
	lretq
1:	mov	$SEL_DATA, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	mov	%ax, %fs
	mov	%ax, %gs

	mov	boot_state + BS_RDI(%rip), %rdi
	call	runtime_start		/* does not return */
2:	cli
	hlt
	jmp	2b
	.size _start, . - _start

/* ---- exception stubs: push a dummy error code where the CPU pushes none ---- */
.macro isr_noerr vec
	.align 16
isr_\vec:
	pushq	$0
	pushq	$\vec
	jmp	isr_common
.endm
.macro isr_err vec
	.align 16
isr_\vec:
	pushq	$\vec
	jmp	isr_common
.endm

	.text
isr_noerr 0
isr_noerr 1
isr_noerr 2
isr_noerr 3
isr_noerr 4
isr_noerr 5
isr_noerr 6
isr_noerr 7
isr_err 8
isr_noerr 9
isr_err 10
isr_err 11
isr_err 12
isr_err 13
isr_err 14
isr_noerr 15
isr_noerr 16
isr_err 17
isr_noerr 18
isr_noerr 19
isr_noerr 20
isr_err 21
isr_noerr 22
isr_noerr 23
isr_noerr 24
isr_noerr 25
isr_noerr 26
isr_noerr 27
isr_noerr 28
isr_err 29
isr_err 30
isr_noerr 31

/* interrupts 32-255 (event channels): one 16-byte stub each, at isr_irq + (vector - 32) * 16 */
	.align 16
	.globl isr_irq
isr_irq:
	.set irq_vec, 32
	.rept 224
	.align 16
	pushq	$0
	pushq	$irq_vec
	jmp	isr_common
	.set irq_vec, irq_vec + 1
	.endr

/*
 * Frame on entry to exception_handler (struct exception_frame, runtime.c):
 * r15 ... rax, vector, error code, then the CPU's RIP CS RFLAGS RSP SS.
 * The CPU aligned RSP to 16 before pushing; 5 + 2 + 15 quadwords keep the
 * call aligned.
 */
isr_common:
	push	%rax
	push	%rbx
	push	%rcx
	push	%rdx
	push	%rsi
	push	%rdi
	push	%rbp
	push	%r8
	push	%r9
	push	%r10
	push	%r11
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	cld
	mov	%rsp, %rdi
	call	exception_handler	/* may rewrite RIP and RSP in the frame */
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%r11
	pop	%r10
	pop	%r9
	pop	%r8
	pop	%rbp
	pop	%rdi
	pop	%rsi
	pop	%rdx
	pop	%rcx
	pop	%rbx
	pop	%rax
	add	$16, %rsp		/* vector and error code */
	iretq

	.section .rodata
	.align 8
	.globl isr_table
isr_table:
	.irp vec, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.quad isr_\vec
	.endr

/*
 * int try_call(void (*fn)(void *), void *arg): see guest.h. The exception
 * handler, finding fixup_rip set, records the exception and resumes at
 * fixup_rip with RSP = fixup_rsp.
 */
	.text
	.globl try_call
	.type try_call, @function
try_call:
	push	%rbx
	push	%rbp
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	sub	$8, %rsp		/* keep the call below 16-byte aligned */
	movl	$-1, last_exception(%rip)	/* .vector */
	mov	%rsp, fixup_rsp(%rip)
	lea	1f(%rip), %rax
	mov	%rax, fixup_rip(%rip)
	mov	%rdi, %rax
	mov	%rsi, %rdi
	call	*%rax
	movq	$0, fixup_rip(%rip)
	mov	$-1, %eax
	jmp	2f
1:	/* resumed here by exception_handler, which cleared fixup_rip */
	mov	last_exception(%rip), %eax	/* .vector */
2:	add	$8, %rsp
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbp
	pop	%rbx
	ret
	.size try_call, . - try_call

/* void hypercall_regs(struct hc_regs *r): see guest.h */
	.globl hypercall_regs
	.type hypercall_regs, @function
hypercall_regs:
	push	%rbx
	push	%rbp
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	push	%rdi			/* the structure */
	mov	HR_RAX(%rdi), %rax
	mov	HR_RBX(%rdi), %rbx
	mov	HR_RCX(%rdi), %rcx
	mov	HR_RDX(%rdi), %rdx
	mov	HR_RSI(%rdi), %rsi
	mov	HR_RBP(%rdi), %rbp
	mov	HR_R8(%rdi), %r8
	mov	HR_R9(%rdi), %r9
	mov	HR_R10(%rdi), %r10
	mov	HR_R11(%rdi), %r11
	mov	HR_R12(%rdi), %r12
	mov	HR_R13(%rdi), %r13
	mov	HR_R14(%rdi), %r14
	mov	HR_R15(%rdi), %r15
	mov	HR_RDI(%rdi), %rdi
	vmmcall
	push	%rdi			/* RDI after the call */
	mov	8(%rsp), %rdi		/* the structure */
	mov	%rax, HR_RAX(%rdi)
	mov	%rbx, HR_RBX(%rdi)
	mov	%rcx, HR_RCX(%rdi)
	mov	%rdx, HR_RDX(%rdi)
	mov	%rsi, HR_RSI(%rdi)
	mov	%rbp, HR_RBP(%rdi)
	mov	%r8, HR_R8(%rdi)
	mov	%r9, HR_R9(%rdi)
	mov	%r10, HR_R10(%rdi)
	mov	%r11, HR_R11(%rdi)
	mov	%r12, HR_R12(%rdi)
	mov	%r13, HR_R13(%rdi)
	mov	%r14, HR_R14(%rdi)
	mov	%r15, HR_R15(%rdi)
	pop	%rax
	mov	%rax, HR_RDI(%rdi)
	add	$8, %rsp
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbp
	pop	%rbx
	ret
	.size hypercall_regs, . - hypercall_regs

/* ---- data ---- */
	.data
	.align 8
	.globl boot_state
boot_state:
	.fill 72, 1, 0		/* struct boot_state: in .data, written before .bss is cleared */
	.size boot_state, . - boot_state

	.align 16
gdt:
	.quad 0				/* null */
	.quad 0x00af9b000000ffff	/* 0x08: 64-bit code, DPL 0, accessed */
	.quad 0x00cf93000000ffff	/* 0x10: data, writable, DPL 0, accessed */
gdt_end:
	.align 8
gdt_ptr:
	.short gdt_end - gdt - 1
	.quad gdt

	.bss
	.align 4096
	.globl guest_stack_bottom, guest_stack_top
guest_stack_bottom:
	.skip 16384
guest_stack_top:

	.section .note.GNU-stack, "", @progbits
