/*
 * void svm_vmrun(uint64_t vmcb_pa, struct guest_gprs *gprs, uint64_t host_vmcb_pa)
 *
 * The world switch. GIF is cleared for the whole sequence so that no
 * interrupt or NMI can arrive while half of the state is the guest's; the
 * interrupt that ended the guest (an intercepted INTR or NMI) is taken by
 * the host right after stgi. VMLOAD/VMSAVE move the state VMRUN does not
 * (FS, GS, TR, LDTR, KernelGSbase, STAR/LSTAR/CSTAR/SFMASK, SYSENTER_*):
 * the host's GS base is its per-CPU pointer, so it must come back.
 */
#define GPR_RBX 0
#define GPR_RCX 8
#define GPR_RDX 16
#define GPR_RSI 24
#define GPR_RDI 32
#define GPR_RBP 40
#define GPR_R8 48
#define GPR_R9 56
#define GPR_R10 64
#define GPR_R11 72
#define GPR_R12 80
#define GPR_R13 88
#define GPR_R14 96
#define GPR_R15 104

	.text
	.code64
	.globl svm_vmrun
svm_vmrun:
	push	%rbp
	push	%rbx
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	push	%rdx			/* host VMCB */
	push	%rsi			/* guest registers */
	mov	%rdi, %rax

	clgi
	mov	GPR_RBX(%rsi), %rbx
	mov	GPR_RCX(%rsi), %rcx
	mov	GPR_RDX(%rsi), %rdx
	mov	GPR_RDI(%rsi), %rdi
	mov	GPR_RBP(%rsi), %rbp
	mov	GPR_R8(%rsi), %r8
	mov	GPR_R9(%rsi), %r9
	mov	GPR_R10(%rsi), %r10
	mov	GPR_R11(%rsi), %r11
	mov	GPR_R12(%rsi), %r12
	mov	GPR_R13(%rsi), %r13
	mov	GPR_R14(%rsi), %r14
	mov	GPR_R15(%rsi), %r15
	mov	GPR_RSI(%rsi), %rsi

	vmload	%rax
	vmrun	%rax
	vmsave	%rax

	/* RAX is the VMCB address again; RSP is the host's */
	mov	(%rsp), %rax
	mov	%rbx, GPR_RBX(%rax)
	mov	%rcx, GPR_RCX(%rax)
	mov	%rdx, GPR_RDX(%rax)
	mov	%rsi, GPR_RSI(%rax)
	mov	%rdi, GPR_RDI(%rax)
	mov	%rbp, GPR_RBP(%rax)
	mov	%r8, GPR_R8(%rax)
	mov	%r9, GPR_R9(%rax)
	mov	%r10, GPR_R10(%rax)
	mov	%r11, GPR_R11(%rax)
	mov	%r12, GPR_R12(%rax)
	mov	%r13, GPR_R13(%rax)
	mov	%r14, GPR_R14(%rax)
	mov	%r15, GPR_R15(%rax)

	mov	8(%rsp), %rax
	vmload	%rax
	stgi

	add	$16, %rsp
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbx
	pop	%rbp
	ret
