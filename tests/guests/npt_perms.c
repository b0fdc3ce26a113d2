/*
 * npt_perms (expect=crash): nested-paging permissions. Started with one of
 * readonly=GPA, noexec=GPA or unmap=GPA, the hypervisor changes that 4 KiB
 * page (inside a 2 MiB page it must split) before the guest starts. The
 * guest checks that the neighbouring page is still fully usable, that the
 * permitted access to the page itself works, then makes the forbidden
 * access: the hypervisor must end the domain with the right reason.
 */
#include "guest.h"

static uint64_t number(const char *key)
{
	char buf[32];
	uint64_t v = 0;

	if (!cmdline_get(key, buf, sizeof(buf)))
		return 0;
	for (const char *p = buf[0] == '0' && buf[1] == 'x' ? buf + 2 : buf; *p; p++)
		v = v * 16 + (uint64_t)(*p <= '9' ? *p - '0' : (*p | 0x20) - 'a' + 10);
	return v;
}

static void use_neighbour(uint64_t gpa)
{
	volatile uint8_t *n = (volatile uint8_t *)(gpa + PAGE_4K);

	n[0] = 0x5a;
	CHECK(n[0] == 0x5a, "the page after %#llx lost a write", (unsigned long long)gpa);
	gprintf("npt_perms: the neighbouring page %#llx is readable and writable\n",
		(unsigned long long)(gpa + PAGE_4K));
}

void guest_main(const struct xl_start_info *si)
{
	uint64_t ro = number("readonly"), nx = number("noexec"), um = number("unmap");

	(void)si;
	if (ro) {
		volatile uint64_t *p = (volatile uint64_t *)ro;

		use_neighbour(ro);
		gprintf("npt_perms: read-only page %#llx reads %#llx; now writing it\n",
			(unsigned long long)ro, (unsigned long long)*p);
		console_flush();
		*p = 1;
	} else if (nx) {
		volatile uint8_t *p = (volatile uint8_t *)nx;

		use_neighbour(nx);
		p[0] = 0xc3; /* ret: writable and readable, just not executable */
		CHECK(p[0] == 0xc3, "the no-execute page lost a write");
		gprintf("npt_perms: no-execute page %#llx written and read; now calling it\n",
			(unsigned long long)nx);
		console_flush();
		((void (*)(void))(uintptr_t)nx)();
	} else if (um) {
		use_neighbour(um);
		gprintf("npt_perms: now reading unmapped page %#llx\n", (unsigned long long)um);
		console_flush();
		(void)*(volatile uint64_t *)um;
	} else {
		fail("npt_perms: needs readonly=, noexec= or unmap=");
	}
	fail("npt_perms: the forbidden access went through");
}
