/*
 * svm_insns: the SVM instructions do not exist for the guest. VMRUN, VMLOAD,
 * VMSAVE (RAX = a page of guest memory), CLGI, STGI, SKINIT (EAX = that
 * page) and INVLPGA (RAX = an address, ECX = ASID 1) must each raise #UD,
 * as on a CPU with EFER.SVME clear, and have no other effect (the guest
 * keeps running and its hypercalls still work); the #UD is reported at the
 * instruction (RIP not advanced). MONITOR/MWAIT are not
 * tested.
 */
#include "guest.h"

static void do_vmrun(void *page)
{
	__asm__ volatile("vmrun" ::"a"(page) : "memory");
}

static void do_vmload(void *page)
{
	__asm__ volatile("vmload" ::"a"(page) : "memory");
}

static void do_vmsave(void *page)
{
	__asm__ volatile("vmsave" ::"a"(page) : "memory");
}

static void do_clgi(void *unused)
{
	(void)unused;
	__asm__ volatile("clgi" ::: "memory");
}

static void do_stgi(void *unused)
{
	(void)unused;
	__asm__ volatile("stgi" ::: "memory");
}

static void do_skinit(void *page)
{
	__asm__ volatile("skinit" ::"a"((uint32_t)(uintptr_t)page) : "memory");
}

static void do_invlpga(void *page)
{
	__asm__ volatile("invlpga" ::"a"(page), "c"(1u) : "memory");
}

/* each is 0F 01 xx; the #UD must be reported at the instruction itself */
static const struct {
	const char *name;
	void (*fn)(void *);
	uint8_t modrm;
} insns[] = {
	{ "VMRUN", do_vmrun, 0xD8 }, { "VMLOAD", do_vmload, 0xDA }, { "VMSAVE", do_vmsave, 0xDB },
	{ "CLGI", do_clgi, 0xDD },   { "STGI", do_stgi, 0xDC },     { "SKINIT", do_skinit, 0xDE },
	{ "INVLPGA", do_invlpga, 0xDF },
};

void guest_main(const struct xl_start_info *si)
{
	void *page = alloc_pages(PAGE_4K, 64 * 1024); /* SKINIT wants 64 KiB alignment */
	unsigned long before = last_exception.count;

	(void)si;
	memset(page, 0, PAGE_4K);
	for (unsigned int i = 0; i < G_ARRAY_SIZE(insns); i++) {
		int vec = try_call(insns[i].fn, page);

		if (vec < 0)
			fail("svm_insns: %s completed without an exception, expected #UD", insns[i].name);
		if (vec != VEC_UD)
			fail("svm_insns: %s raised %s (error code 0x%lx) at 0x%lx, expected #UD", insns[i].name,
			     exception_name(vec), last_exception.error_code, last_exception.rip);
		const uint8_t *ip = (const uint8_t *)(uintptr_t)last_exception.rip;

		if (ip < (const uint8_t *)__image_start || ip + 3 > (const uint8_t *)__image_end ||
		    ip[0] != 0x0F || ip[1] != 0x01 || ip[2] != insns[i].modrm)
			fail("svm_insns: %s: #UD reported at 0x%lx, which is not the %s instruction",
			     insns[i].name, last_exception.rip, insns[i].name);
		gprintf("svm_insns: %s -> #UD at 0x%lx\n", insns[i].name, last_exception.rip);
	}
	CHECK(last_exception.count - before == G_ARRAY_SIZE(insns), "%lu exceptions for %u instructions",
	      last_exception.count - before, (unsigned int)G_ARRAY_SIZE(insns));
	long abi = hc_version(XL_VERSION_ABI);

	CHECK(abi == XL_ABI_VERSION, "XL_HC_VERSION(ABI) = 0x%lx after the SVM instructions", abi);
	pass("svm_insns: VMRUN VMLOAD VMSAVE CLGI STGI SKINIT INVLPGA all raised #UD");
}
