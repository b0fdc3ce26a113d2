/* FPU, SSE and XSAVE state for guests (see arch/fpu.h). */
#include <arch/cpu.h>
#include <arch/fpu.h>

#define CR4_OSFXSR (1ULL << 9)
#define CR4_OSXMMEXCPT (1ULL << 10)
#define CR4_OSXSAVE (1ULL << 18)
#define XCR0_X87 1ULL
#define XCR0_SSE 2ULL

static uint8_t fpu_init_area[4096] __attribute__((aligned(64)));
static uint64_t xsave_mask;

static void xsetbv(uint32_t reg, uint64_t value)
{
	__asm__ volatile("xsetbv" ::"c"(reg), "a"((uint32_t)value), "d"((uint32_t)(value >> 32)));
}

/* Components this CPU can save, limited to what fits the 4 KiB reset area. */
static uint64_t supported_xsave_mask(void)
{
	struct cpuid_regs r;

	if (!(cpuid(1).ecx & (1u << 26)) || cpuid(0).eax < 0xD)
		return 0;
	r = cpuid_count(0xD, 0);
	if (r.ecx > sizeof(fpu_init_area))
		return XCR0_X87 | XCR0_SSE | (r.eax & 4);
	return ((uint64_t)r.edx << 32) | r.eax;
}

void fpu_enable_for_guests(void)
{
	uint64_t cr4 = read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT;

	if (cpuid(1).ecx & (1u << 26))
		cr4 |= CR4_OSXSAVE;
	write_cr4(cr4);
	if (!xsave_mask)
		xsave_mask = supported_xsave_mask(); /* CPUs enable one after the other */
}

void fpu_load_guest_xcr0(uint64_t value)
{
	xsetbv(0, value);
}

uint64_t fpu_supported_xcr0(void)
{
	struct cpuid_regs r = cpuid_count(0xD, 0);

	return (uint64_t)r.edx << 32 | r.eax;
}

void fpu_reset_for_guest(void)
{
	/* FCW and MXCSR at their reset values; XSTATE_BV = 0 means "init state" */
	*(uint16_t *)&fpu_init_area[0] = 0x037f;
	*(uint32_t *)&fpu_init_area[24] = 0x1f80;
	if (xsave_mask) {
		xsetbv(0, xsave_mask);
		__asm__ volatile("xrstor64 (%0)" ::"r"(fpu_init_area), "a"((uint32_t)xsave_mask),
				 "d"((uint32_t)(xsave_mask >> 32))
				 : "memory");
		xsetbv(0, XCR0_X87 | XCR0_SSE);
	} else {
		__asm__ volatile("fxrstor64 (%0)" ::"r"(fpu_init_area) : "memory");
	}
}
