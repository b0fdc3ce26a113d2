/*
 * leftovers: what one guest leaves in its CPU must not reach the next one,
 * and the cache and counter instructions must not reach the hardware.
 *
 * Run twice on the same CPU, named leftovers_set first, then leftovers_check:
 *   set    writes DR0-DR3 and TSC_AUX (neither is switched by VMRUN), then
 *          executes INVD and WBINVD (both must complete: they are
 *          intercepted and do nothing), RDPMC (#GP: no performance
 *          counters) and RDPRU (#UD: hidden and refused); the test reads
 *          the exit counts.
 *   check  reads DR0-DR3 and TSC_AUX: all must be 0.
 */
#include "guest.h"

#define MSR_TSC_AUX 0xC0000103u
#define LEFTOVER 0x5a5a1000ul /* an address-like value in every debug register */

static void do_rdpmc(void *unused)
{
	uint32_t lo, hi;

	(void)unused;
	__asm__ volatile("rdpmc" : "=a"(lo), "=d"(hi) : "c"(0u));
}

static void do_rdpru(void *unused)
{
	uint32_t lo, hi;

	(void)unused;
	/* RDPRU (0F 01 FD), ECX = 0: MPERF; older assemblers do not know the mnemonic */
	__asm__ volatile(".byte 0x0f, 0x01, 0xfd" : "=a"(lo), "=d"(hi) : "c"(0u));
}

static void read_debug_addresses(uint64_t dr[4])
{
	__asm__ volatile("mov %%db0, %0" : "=r"(dr[0]));
	__asm__ volatile("mov %%db1, %0" : "=r"(dr[1]));
	__asm__ volatile("mov %%db2, %0" : "=r"(dr[2]));
	__asm__ volatile("mov %%db3, %0" : "=r"(dr[3]));
}

static void expect_exception(const char *name, void (*fn)(void *), int expected)
{
	int vec = try_call(fn, NULL);

	if (vec != expected)
		fail("leftovers: %s raised %s, expected %s", name, vec < 0 ? "nothing" : exception_name(vec),
		     exception_name(expected));
}

static void leave_leftovers(void)
{
	uint64_t dr[4];

	__asm__ volatile("mov %0, %%db0" ::"r"(LEFTOVER));
	__asm__ volatile("mov %0, %%db1" ::"r"(LEFTOVER + 0x10));
	__asm__ volatile("mov %0, %%db2" ::"r"(LEFTOVER + 0x20));
	__asm__ volatile("mov %0, %%db3" ::"r"(LEFTOVER + 0x30));
	wrmsr(MSR_TSC_AUX, 0x2a);
	read_debug_addresses(dr);
	CHECK(dr[0] == LEFTOVER && dr[3] == LEFTOVER + 0x30, "DR0 0x%lx DR3 0x%lx after writing them", dr[0],
	      dr[3]);
	CHECK(rdmsr(MSR_TSC_AUX) == 0x2a, "TSC_AUX 0x%lx after writing 0x2a", rdmsr(MSR_TSC_AUX));

	__asm__ volatile("invd" ::: "memory");
	__asm__ volatile("wbinvd" ::: "memory");
	expect_exception("RDPMC", do_rdpmc, VEC_GP);
	expect_exception("RDPRU", do_rdpru, VEC_UD);
	pass("leftovers: DR0-DR3 and TSC_AUX set; INVD and WBINVD completed, RDPMC #GP, RDPRU #UD");
}

static void find_no_leftovers(void)
{
	uint64_t dr[4], aux = rdmsr(MSR_TSC_AUX);

	read_debug_addresses(dr);
	for (unsigned int i = 0; i < 4; i++)
		CHECK(dr[i] == 0, "DR%u is 0x%lx: left by the guest before on this CPU", i, dr[i]);
	CHECK(aux == 0, "TSC_AUX is 0x%lx: left by the guest before on this CPU", aux);
	pass("leftovers: DR0-DR3 and TSC_AUX are 0");
}

void guest_main(const struct xl_start_info *si)
{
	char name[32];

	(void)si;
	if (!cmdline_get("name", name, sizeof(name)))
		fail("leftovers: no name= on the command line");
	if (!strcmp(name, "leftovers_set"))
		leave_leftovers();
	else if (!strcmp(name, "leftovers_check"))
		find_no_leftovers();
	else
		fail("leftovers: named %s, neither leftovers_set nor leftovers_check", name);
}
