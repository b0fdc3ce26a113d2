/*
 * msr: the guest's view of model-specific registers.
 *
 *  - EFER: SVME (bit 12) reads 0, LME and LMA read 1; writing back the
 *    current value works and reads back the same; setting SVME -> #GP with
 *    EFER unchanged;
 *  - VM_HSAVE_PA (0xC0010117) and VM_CR (0xC0010114): rdmsr and wrmsr -> #GP;
 *  - an unknown MSR (0xC0011FFF): rdmsr and wrmsr -> #GP;
 *  - FS_BASE, GS_BASE, KERNEL_GS_BASE: write/read round trips, and the
 *    values really are the segment bases (a load through %fs / %gs, and
 *    SWAPGS exchanging GS_BASE and KERNEL_GS_BASE). (A non-canonical base
 *    is not tested: these MSRs are passed through, and QEMU's TCG, which
 *    runs the tests, does not raise the #GP real CPUs raise);
 *  - TSC (0x10): non-zero, increasing, consistent with RDTSC.
 */
#include "guest.h"

static unsigned int checks;

#define EXPECT(cond, ...)                \
	do {                             \
		checks++;                \
		CHECK(cond, __VA_ARGS__); \
	} while (0)

static void expect_rdmsr_gp(uint32_t msr, const char *name)
{
	uint64_t v = 0;
	int vec = rdmsr_safe(msr, &v);

	EXPECT(vec == VEC_GP, "rdmsr %s (0x%x): %s%s, expected #GP (value 0x%lx)", name, msr,
	       vec < 0 ? "no exception" : exception_name(vec), vec < 0 ? "" : " raised", v);
	EXPECT(vec < 0 || last_exception.error_code == 0, "rdmsr %s: #GP error code 0x%lx", name,
	       last_exception.error_code);
}

static void expect_wrmsr_gp(uint32_t msr, uint64_t val, const char *name)
{
	int vec = wrmsr_safe(msr, val);

	EXPECT(vec == VEC_GP, "wrmsr %s (0x%x) = 0x%lx: %s%s, expected #GP", name, msr, val,
	       vec < 0 ? "no exception" : exception_name(vec), vec < 0 ? "" : " raised");
}

static void check_efer(void)
{
	uint64_t efer = 0, after = 0;
	int vec;

	vec = rdmsr_safe(MSR_EFER, &efer);
	EXPECT(vec < 0, "rdmsr EFER raised %s", exception_name(vec));
	gprintf("msr: EFER 0x%lx\n", efer);
	EXPECT(!(efer & EFER_SVME), "EFER 0x%lx: SVME visible to the guest", efer);
	EXPECT((efer & (EFER_LME | EFER_LMA)) == (EFER_LME | EFER_LMA), "EFER 0x%lx: LME/LMA clear", efer);

	vec = wrmsr_safe(MSR_EFER, efer);
	EXPECT(vec < 0, "wrmsr EFER = 0x%lx (its own value) raised %s", efer, exception_name(vec));
	after = rdmsr(MSR_EFER);
	EXPECT(after == efer, "EFER reads 0x%lx after writing 0x%lx", after, efer);

	vec = wrmsr_safe(MSR_EFER, efer | EFER_SVME);
	EXPECT(vec == VEC_GP, "wrmsr EFER with SVME: %s, expected #GP",
	       vec < 0 ? "no exception" : exception_name(vec));
	after = rdmsr(MSR_EFER);
	EXPECT(after == efer, "EFER 0x%lx after the refused SVME write, was 0x%lx", after, efer);
	gprintf("msr: EFER ok\n");
}

static void check_svm_msrs(void)
{
	expect_rdmsr_gp(MSR_VM_HSAVE_PA, "VM_HSAVE_PA");
	expect_wrmsr_gp(MSR_VM_HSAVE_PA, G_ALIGN_UP((uint64_t)(uintptr_t)__image_end, PAGE_4K), "VM_HSAVE_PA");
	expect_rdmsr_gp(MSR_VM_CR, "VM_CR");
	expect_wrmsr_gp(MSR_VM_CR, 0, "VM_CR");
	expect_rdmsr_gp(0xC0011FFFu, "unknown");
	expect_wrmsr_gp(0xC0011FFFu, 0, "unknown");
	gprintf("msr: VM_HSAVE_PA, VM_CR and an unknown MSR raise #GP\n");
}

static volatile uint64_t fs_target = 0x1111111111111111ul, gs_target = 0x2222222222222222ul,
			 kgs_target = 0x3333333333333333ul;

static uint64_t read_fs0(void)
{
	uint64_t v;

	__asm__ volatile("mov %%fs:0, %0" : "=r"(v)::"memory");
	return v;
}

static uint64_t read_gs0(void)
{
	uint64_t v;

	__asm__ volatile("mov %%gs:0, %0" : "=r"(v)::"memory");
	return v;
}

static void swapgs(void)
{
	__asm__ volatile("swapgs" ::: "memory");
}

static void roundtrip(uint32_t msr, uint64_t val, const char *name)
{
	uint64_t got = 0;
	int vec = wrmsr_safe(msr, val);

	EXPECT(vec < 0, "wrmsr %s = 0x%lx raised %s", name, val, exception_name(vec));
	vec = rdmsr_safe(msr, &got);
	EXPECT(vec < 0 && got == val, "rdmsr %s = 0x%lx after writing 0x%lx", name, got, val);
}

static void check_segment_bases(void)
{
	uint64_t fs = (uint64_t)(uintptr_t)&fs_target, gs = (uint64_t)(uintptr_t)&gs_target;
	uint64_t kgs = (uint64_t)(uintptr_t)&kgs_target;

	roundtrip(MSR_FS_BASE, 0x0000123456789000ul, "FS_BASE");
	roundtrip(MSR_GS_BASE, 0xffff800012345000ul, "GS_BASE");
	roundtrip(MSR_KERNEL_GS_BASE, 0x00007ffffffff000ul, "KERNEL_GS_BASE");

	/* the MSRs are the bases the CPU uses */
	roundtrip(MSR_FS_BASE, fs, "FS_BASE");
	roundtrip(MSR_GS_BASE, gs, "GS_BASE");
	roundtrip(MSR_KERNEL_GS_BASE, kgs, "KERNEL_GS_BASE");
	EXPECT(read_fs0() == fs_target, "%%fs:0 reads 0x%lx with FS_BASE 0x%lx", read_fs0(), fs);
	EXPECT(read_gs0() == gs_target, "%%gs:0 reads 0x%lx with GS_BASE 0x%lx", read_gs0(), gs);
	swapgs();
	uint64_t g = read_gs0(), base = rdmsr(MSR_GS_BASE), kbase = rdmsr(MSR_KERNEL_GS_BASE);

	swapgs();
	EXPECT(g == kgs_target && base == kgs && kbase == gs,
	       "after SWAPGS: %%gs:0 0x%lx, GS_BASE 0x%lx, KERNEL_GS_BASE 0x%lx", g, base, kbase);
	EXPECT(rdmsr(MSR_GS_BASE) == gs && rdmsr(MSR_KERNEL_GS_BASE) == kgs,
	       "second SWAPGS did not swap back");

	wrmsr(MSR_FS_BASE, 0);
	wrmsr(MSR_GS_BASE, 0);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
	gprintf("msr: FS_BASE, GS_BASE, KERNEL_GS_BASE ok\n");
}

static void check_tsc(void)
{
	uint64_t a = 0, c = 0;
	int vec = rdmsr_safe(MSR_TSC, &a);

	EXPECT(vec < 0, "rdmsr TSC raised %s", exception_name(vec));
	uint64_t b = rdtsc();

	for (volatile int i = 0; i < 1000; i++)
		;
	c = rdmsr(MSR_TSC);
	gprintf("msr: TSC %lu, RDTSC %lu, TSC %lu\n", a, b, c);
	EXPECT(a != 0, "rdmsr TSC is 0");
	EXPECT(a <= b && b <= c && a < c, "TSC not increasing: rdmsr %lu, rdtsc %lu, rdmsr %lu", a, b, c);
}

void guest_main(const struct xl_start_info *si)
{
	(void)si;
	check_efer();
	check_svm_msrs();
	check_segment_bases();
	check_tsc();
	pass("msr: EFER, SVM MSRs, unknown MSRs, segment bases, TSC (%u checks)", checks);
}
