/*
 * cpuid: what the guest's CPUID says about the hypervisor and about SVM.
 *
 *  - leaf 0: max basic leaf >= 1, vendor string non-empty;
 *  - leaf 1: ECX bit 31 (hypervisor present) set, bit 5 (VMX) clear;
 *  - leaf 0x80000001: ECX bit 2 (SVM) clear;
 *  - leaf 0x8000000A (SVM features): all four registers 0;
 *  - leaf 0x40000000: EAX >= 0x40000001, EBX/ECX/EDX = "xen-lite-abi";
 *  - leaf 0x40000001: EAX = XL_ABI_VERSION, EBX has CONSOLE and SHUTDOWN,
 *    ECX = the start info's domain_id;
 *  - the task priority the guest put in CR8 is still there after an exit.
 */
#include "guest.h"

static void show(uint32_t leaf, struct cpuid_regs r)
{
	gprintf("cpuid: leaf 0x%08x: eax 0x%08x ebx 0x%08x ecx 0x%08x edx 0x%08x\n", leaf, r.eax, r.ebx,
		r.ecx, r.edx);
}

/* CR8 set, a CPUID exit, CR8 read back: the hypervisor must not reset it (V_TPR) */
static uint64_t cr8_after_exit(uint64_t value)
{
	uint64_t back;

	__asm__ volatile("mov %0, %%cr8" ::"r"(value) : "memory");
	(void)cpuid(0, 0);
	__asm__ volatile("mov %%cr8, %0" : "=r"(back)::"memory");
	__asm__ volatile("mov %0, %%cr8" ::"r"(0ULL) : "memory");
	return back;
}

void guest_main(const struct xl_start_info *si)
{
	struct cpuid_regs r0 = cpuid(0, 0), r1 = cpuid(1, 0);
	struct cpuid_regs e0 = cpuid(0x80000000u, 0), e1 = cpuid(0x80000001u, 0);
	struct cpuid_regs svm = cpuid(0x8000000Au, 0);
	struct cpuid_regs h0 = cpuid(XL_CPUID_BASE, 0), h1 = cpuid(XL_CPUID_VERSION_LEAF, 0);
	char vendor[13], sig[13];

	memcpy(vendor, &r0.ebx, 4);
	memcpy(vendor + 4, &r0.edx, 4);
	memcpy(vendor + 8, &r0.ecx, 4);
	vendor[12] = '\0';
	memcpy(sig, &h0.ebx, 4);
	memcpy(sig + 4, &h0.ecx, 4);
	memcpy(sig + 8, &h0.edx, 4);
	sig[12] = '\0';
	for (int i = 0; i < 12; i++) { /* printable for the log */
		if (vendor[i] && (vendor[i] < 0x20 || vendor[i] > 0x7e))
			vendor[i] = '?';
		if (sig[i] && (sig[i] < 0x20 || sig[i] > 0x7e))
			sig[i] = '?';
	}
	gprintf("cpuid: vendor '%s', hypervisor '%s'\n", vendor, sig);
	show(0, r0);
	show(1, r1);
	show(0x80000000u, e0);
	show(0x80000001u, e1);
	show(0x8000000Au, svm);
	show(XL_CPUID_BASE, h0);
	show(XL_CPUID_VERSION_LEAF, h1);

	CHECK(r0.eax >= 1, "max basic leaf %u", r0.eax);
	CHECK(vendor[0] != '\0' && (r0.ebx | r0.ecx | r0.edx) != 0, "empty vendor string");
	CHECK(r1.ecx & (1u << 31), "leaf 1 ECX 0x%x: hypervisor-present bit 31 clear", r1.ecx);
	CHECK(!(r1.ecx & (1u << 5)), "leaf 1 ECX 0x%x: VMX bit 5 set", r1.ecx);
	CHECK(e0.eax >= 0x80000001u, "max extended leaf 0x%x", e0.eax);
	CHECK(!(e1.ecx & (1u << 2)), "leaf 0x80000001 ECX 0x%x: SVM bit 2 set", e1.ecx);
	CHECK((svm.eax | svm.ebx | svm.ecx | svm.edx) == 0, "leaf 0x8000000A is not all zeros");
	CHECK(h0.eax >= XL_CPUID_VERSION_LEAF, "leaf 0x40000000 EAX 0x%x < 0x%x", h0.eax,
	      XL_CPUID_VERSION_LEAF);
	CHECK(h0.ebx == XL_CPUID_SIGNATURE_EBX && h0.ecx == XL_CPUID_SIGNATURE_ECX &&
		      h0.edx == XL_CPUID_SIGNATURE_EDX,
	      "leaf 0x40000000 signature '%s', expected 'xen-lite-abi'", sig);
	CHECK(h1.eax == XL_ABI_VERSION, "leaf 0x40000001 EAX 0x%x, expected 0x%x", h1.eax, XL_ABI_VERSION);
	CHECK((h1.ebx & (XL_FEATURE_CONSOLE | XL_FEATURE_SHUTDOWN)) == (XL_FEATURE_CONSOLE | XL_FEATURE_SHUTDOWN),
	      "leaf 0x40000001 EBX 0x%x lacks CONSOLE|SHUTDOWN", h1.ebx);
	CHECK(h1.ecx == si->domain_id, "leaf 0x40000001 ECX %u != domain_id %u", h1.ecx, si->domain_id);
	uint64_t cr8 = cr8_after_exit(7);
	CHECK(cr8 == 7, "CR8 was %llu after an exit, the guest wrote 7", (unsigned long long)cr8);
	pass("cpuid: hypervisor leaves present, VMX/SVM hidden (vendor %s, ABI %u.%u)", vendor,
	     h1.eax >> 16, h1.eax & 0xffff);
}
