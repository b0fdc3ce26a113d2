/*
 * Application-processor start-up code. The boot CPU copies this blob to a
 * page below 1 MiB, fills in the parameter block at its end, and sends
 * INIT-SIPI-SIPI; the AP starts here in real mode at CS:0 = that page.
 * Everything is addressed relative to the page base (kept in EBX), since
 * the page is chosen at run time.
 */
#define TRAMP_OFF(sym) ((sym) - ap_trampoline_start)

	.section .rodata
	.code16
	.globl ap_trampoline_start
ap_trampoline_start:
	cli
	cld
	mov	%cs, %ax
	mov	%ax, %ds
	xor	%ebx, %ebx
	mov	%ax, %bx
	shl	$4, %ebx
	lgdtl	TRAMP_OFF(tramp_gdtr)
	mov	%cr0, %eax
	or	$1, %eax
	mov	%eax, %cr0
	ljmpl	*TRAMP_OFF(tramp_far32)

	.code32
tramp_protected:
	mov	$0x10, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	mov	%cr4, %eax
	or	$(1 << 5), %eax			/* PAE */
	mov	%eax, %cr4
	mov	TRAMP_OFF(tramp_cr3)(%ebx), %eax
	mov	%eax, %cr3
	mov	$0xC0000080, %ecx		/* EFER */
	rdmsr
	or	$(1 << 8), %eax			/* LME */
	testl	$1, TRAMP_OFF(tramp_nx)(%ebx)
	jz	1f
	or	$(1 << 11), %eax		/* NXE */
1:	wrmsr
	mov	%cr0, %eax
	or	$0x80010000, %eax		/* PG, WP */
	mov	%eax, %cr0
	ljmpl	*TRAMP_OFF(tramp_far64)(%ebx)

	.code64
tramp_long:
	mov	%ebx, %ebx			/* upper half undefined after the switch */
	mov	TRAMP_OFF(tramp_stack)(%rbx), %rsp
	mov	TRAMP_OFF(tramp_cpu)(%rbx), %rdi
	mov	TRAMP_OFF(tramp_entry)(%rbx), %rax
	xor	%ebp, %ebp
	jmp	*%rax

	.align 16
tramp_gdt:
	.quad 0
	.quad 0x00CF9A000000FFFF	/* 0x08: 32-bit code */
	.quad 0x00CF92000000FFFF	/* 0x10: data */
	.quad 0x00AF9A000000FFFF	/* 0x18: 64-bit code */
tramp_gdt_end:

	/* parameter block, filled in by smp.c (offsets in arch/smp.h) */
	.align 8
	.globl ap_trampoline_params
ap_trampoline_params:
tramp_gdtr:
	.short tramp_gdt_end - tramp_gdt - 1
	.long 0				/* base: page + TRAMP_OFF(tramp_gdt) */
	.short 0
tramp_far32:
	.long 0				/* page + TRAMP_OFF(tramp_protected) */
	.short 0x08
	.short 0
tramp_far64:
	.long 0				/* page + TRAMP_OFF(tramp_long) */
	.short 0x18
	.short 0
tramp_cr3:
	.long 0
tramp_nx:
	.long 0
tramp_stack:
	.quad 0
tramp_cpu:
	.quad 0
tramp_entry:
	.quad 0
	.globl ap_trampoline_end
ap_trampoline_end:

	.globl ap_trampoline_gdt_offset, ap_trampoline_protected_offset, ap_trampoline_long_offset
	.set ap_trampoline_gdt_offset, TRAMP_OFF(tramp_gdt)
	.set ap_trampoline_protected_offset, TRAMP_OFF(tramp_protected)
	.set ap_trampoline_long_offset, TRAMP_OFF(tramp_long)
