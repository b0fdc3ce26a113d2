/* Test kernel for xen-lite.efi: image header and 64-bit entry (see probe.c). */
#include <xen-lite/image_header.h>

	.section .xl_header, "a"
	.balign 8
	.long XL_IMAGE_MAGIC_LO, XL_IMAGE_MAGIC_HI
	.long XL_IMAGE_HEADER_VERSION
	.long 48
	.quad probe_entry64
	.quad _probe_start
	.quad _probe_data_end
	.quad _probe_end

	.text
	.globl probe_entry64
probe_entry64:
	pushfq				/* RFLAGS as the loader left it, for probe_main */
	pop	%rdx
	mov	%rsp, %rcx		/* the loader's stack, must be usable */
	lea	probe_stack_top(%rip), %rsp
	call	probe_main
1:	cli
	hlt
	jmp	1b

	.section .marker, "a"
	.ascii "xen-lite probe marker"
	.byte 0

	.bss
	.balign 16
	.space 16384
probe_stack_top:

	.section .note.GNU-stack, "", @progbits
