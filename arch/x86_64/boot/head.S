/*
 * Boot entry points. Three ways in, one way on:
 *  - mb_entry32: multiboot1 (QEMU -kernel) and multiboot2 (GRUB, BIOS or
 *    UEFI) enter here in 32-bit protected mode, paging off, EAX = magic,
 *    EBX = information structure.
 *  - entry64_efi: xen-lite.efi enters here in long mode on UEFI's identity
 *    map (contract in include/xen-lite/image_header.h).
 * Both load the boot page tables below (identity map of the low 4 GiB plus
 * the image in the upper half) and continue in C at arch_boot_main with
 * RDI = magic, RSI = physical address of the information structure.
 */
#include <arch/memlayout.h>
#include <xen-lite/image_header.h>

#define MB1_MAGIC 0x1BADB002
/* page-align modules, pass memory info, use the load addresses below */
#define MB1_FLAGS ((1 << 0) | (1 << 1) | (1 << 16))
#define MB2_MAGIC 0xE85250D6
#define MB2_ARCH_I386 0

#define CR0_PE (1 << 0)
#define CR0_WP (1 << 16)
#define CR0_PG (1 << 31)
#define CR4_PAE (1 << 5)
#define MSR_EFER 0xC0000080
#define EFER_LME (1 << 8)
#define EFER_NXE (1 << 11)

#define BOOT_CS 0x08
#define BOOT_DS 0x10

	.section .boot.headers, "ax"
	.code32
	.align 4
mb1_header:
	.long MB1_MAGIC
	.long MB1_FLAGS
	.long 0x100000000 - (MB1_MAGIC + MB1_FLAGS)
	.long mb1_header		/* header_addr */
	.long _image_start_phys		/* load_addr */
	.long _data_end_phys		/* load_end_addr */
	.long _image_end_phys		/* bss_end_addr */
	.long mb_entry32		/* entry_addr */

	.align 8
mb2_header:
	.long MB2_MAGIC
	.long MB2_ARCH_I386
	.long mb2_header_end - mb2_header
	.long 0x100000000 - (MB2_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
	/* tag 6: modules page aligned */
	.align 8
	.short 6, 0
	.long 8
	/* end tag */
	.align 8
	.short 0, 0
	.long 8
mb2_header_end:

	.align 8
	.globl xl_image_header
xl_image_header:
	.long XL_IMAGE_MAGIC_LO, XL_IMAGE_MAGIC_HI
	.long XL_IMAGE_HEADER_VERSION
	.long xl_image_header_end - xl_image_header
	.quad entry64_efi
	.quad _image_start_phys
	.quad _data_end_phys
	.quad _image_end_phys
xl_image_header_end:

	.section .boot.text, "ax"
	.code32
	.globl mb_entry32
mb_entry32:
	cli
	cld
	mov	%eax, %edi
	mov	%ebx, %esi
	mov	$boot_stack32_top, %esp

	mov	$0x80000000, %eax
	cpuid
	cmp	$0x80000001, %eax
	jb	no_long_mode
	mov	$0x80000001, %eax
	cpuid
	bt	$29, %edx
	jnc	no_long_mode
	mov	%edx, %ebp

	mov	%cr4, %eax
	or	$CR4_PAE, %eax
	mov	%eax, %cr4
	mov	$boot_pml4, %eax
	mov	%eax, %cr3

	mov	$MSR_EFER, %ecx
	rdmsr
	or	$EFER_LME, %eax
	bt	$20, %ebp		/* NX supported? */
	jnc	1f
	or	$EFER_NXE, %eax
1:	wrmsr

	mov	%cr0, %eax
	or	$(CR0_PG | CR0_WP | CR0_PE), %eax
	mov	%eax, %cr0
	lgdt	boot_gdtr
	ljmp	$BOOT_CS, $entry64_from32

no_long_mode:
	mov	$no_long_mode_msg, %ebx
2:	movzbl	(%ebx), %eax
	test	%al, %al
	jz	4f
	mov	$0x3fd, %dx		/* wait for the UART's transmitter */
3:	in	%dx, %al
	test	$0x20, %al
	jz	3b
	movzbl	(%ebx), %eax
	mov	$0x3f8, %dx
	out	%al, %dx
	inc	%ebx
	jmp	2b
4:	hlt
	jmp	4b

	.code64
entry64_from32:
	/* the upper halves of registers are undefined after the mode switch */
	mov	%edi, %edi
	mov	%esi, %esi
	jmp	entry64_common

	.globl entry64_efi
entry64_efi:
	cli
	cld
	mov	$boot_stack32_top, %esp
	lgdt	boot_gdtr
	mov	$boot_pml4, %eax
	mov	%rax, %cr3
	pushq	$BOOT_CS
	lea	entry64_common(%rip), %rax
	push	%rax
	lretq

entry64_common:
	mov	$BOOT_DS, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	xor	%eax, %eax
	mov	%ax, %fs
	mov	%ax, %gs
	movabs	$high_entry, %rax
	jmp	*%rax

	.section .boot.data, "aw"
no_long_mode_msg:
	.asciz "xen-lite: this CPU has no 64-bit long mode, cannot boot\r\n"

	.align 16
boot_gdt:
	.quad 0
	.quad 0x00AF9A000000FFFF	/* 0x08: 64-bit code */
	.quad 0x00CF92000000FFFF	/* 0x10: data */
boot_gdt_end:
	/* 10 bytes: lgdt reads a 32-bit base in 32-bit mode, 64-bit in long mode */
boot_gdtr:
	.short boot_gdt_end - boot_gdt - 1
	.quad boot_gdt

	.align 16
boot_stack32:
	.fill 1024, 1, 0
boot_stack32_top:

	/* Boot page tables: low 4 GiB identity (2 MiB pages) and the first
	 * GiB again at KERNEL_VBASE, so the image runs at its link address. */
	.align 4096
	.globl boot_pml4
boot_pml4:
	.quad boot_pdpt_low + 0x3
	.fill 510, 8, 0
	.quad boot_pdpt_high + 0x3
boot_pdpt_low:
	.quad boot_pd + 0x0000 + 0x3
	.quad boot_pd + 0x1000 + 0x3
	.quad boot_pd + 0x2000 + 0x3
	.quad boot_pd + 0x3000 + 0x3
	.fill 508, 8, 0
boot_pdpt_high:
	.fill 510, 8, 0
	.quad boot_pd + 0x3	/* KERNEL_VBASE is PML4 511, PDPT 510 */
	.quad 0
boot_pd:
	.set addr, 0
	.rept 2048
	.quad addr + 0x83	/* present, writable, 2 MiB page */
	.set addr, addr + 0x200000
	.endr

	.text
	.code64
high_entry:
	mov	%rdi, %r12
	mov	%rsi, %r13
	/* loaders zero .bss, but UEFI and -kernel differ in detail: be sure */
	mov	$__bss_start, %rdi
	mov	$__bss_end, %rcx
	sub	%rdi, %rcx
	xor	%eax, %eax
	rep stosb
	mov	$boot_stack_top, %rsp
	xor	%ebp, %ebp
	mov	%r12, %rdi
	mov	%r13, %rsi
	call	arch_boot_main
5:	cli
	hlt
	jmp	5b

	.bss
	.align 4096
	.globl boot_stack
boot_stack:
	.skip BOOT_STACK_SIZE
	.globl boot_stack_top
boot_stack_top:
