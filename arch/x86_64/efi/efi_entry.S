/*
 * xen-lite.efi: the embedded hypervisor image and the final jump.
 *
 * XL_HV_IMAGE is the path (a string, from the Makefile) of the ELF file to
 * embed; mk/efi.mk builds this file once per image (hypervisor, test probe).
 * The section name matches *(.rodata*) in gnu-efi's linker script, which
 * puts it into the PE .data section.
 */
#ifndef XL_HV_IMAGE
#error XL_HV_IMAGE must name the ELF image to embed
#endif

#define MULTIBOOT2_BOOTLOADER_MAGIC 0x36d76289

	.section .rodata.xl_hv_image, "a"
	.balign 4096
	.globl xl_hv_image
	.hidden xl_hv_image
xl_hv_image:
	.incbin XL_HV_IMAGE
	.globl xl_hv_image_end
	.hidden xl_hv_image_end
xl_hv_image_end:

/*
 * void xl_efi_enter(u64 entry64, u64 info)   (SysV: RDI, RSI)
 * Called after ExitBootServices on UEFI's identity map. Enters the
 * hypervisor with interrupts off, RDI = multiboot2 magic, RSI = info.
 * The stack stays valid (it is the firmware's) but the hypervisor must not
 * return nor rely on it.
 */
	.text
	.globl xl_efi_enter
	.hidden xl_efi_enter
	.type xl_efi_enter, @function
xl_efi_enter:
	cli
	cld
	mov	%rdi, %rax
	mov	$MULTIBOOT2_BOOTLOADER_MAGIC, %edi
	xor	%ebp, %ebp
	jmp	*%rax
	.size xl_efi_enter, . - xl_efi_enter

	.section .note.GNU-stack, "", @progbits
