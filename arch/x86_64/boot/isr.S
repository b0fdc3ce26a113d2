/*
 * Interrupt and exception entry. One 16-byte stub per vector pushes a dummy
 * error code where the CPU does not push one, then the vector, so every
 * handler sees the same struct trap_frame (arch/trap.h).
 */
	.text
	.code64

/* vectors for which the CPU pushes an error code: 8 10-14 17 21 29 30 */
#define ERRCODE_MASK 0x60227D00

	.align 16
	.globl isr_stub_table
isr_stub_table:
	.set vec, 0
	.rept 256
	.align 16
	.if vec < 32
	.if ((ERRCODE_MASK >> vec) & 1) == 0
	pushq	$0
	.endif
	.else
	pushq	$0
	.endif
	pushq	$vec
	jmp	isr_common
	.set vec, vec + 1
	.endr

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
	call	x86_trap
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
	add	$16, %rsp
	iretq
