/*
 * ioport: no I/O port reaches the machine. Reads of ports the guest does not
 * own return all ones (with the architectural register width: an 8/16-bit IN
 * keeps the rest of RAX, a 32-bit IN zero-extends), writes are dropped.
 *
 *  - inb(0x3FD) (COM1 line status) = 0xFF;
 *  - outl(0xCF8, 0x80000000) then inl(0xCFC) (PCI config of 00:00.0) =
 *    0xFFFFFFFF, inw(0xCFC) = 0xFFFF;
 *  - "IOLEAK" written to COM1 (0x3F8) must not appear in the serial log
 *    (tests/qemu/t-guests.sh checks);
 *  - outb(0xF4, 1): QEMU's isa-debug-exit in the tests: had it got through,
 *    QEMU would have exited at once with status 3;
 *  - outb(0xCF9, 0x06) (reset control) and outb(0x64, 0xFE) (keyboard
 *    controller reset) must not reset the machine;
 *  - afterwards the guest is still running: PASS.
 */
#include "guest.h"

/* IN with RAX preloaded, to see what the instruction leaves in the upper bits */
static uint64_t in8_rax(uint16_t port, uint64_t rax)
{
	__asm__ volatile("inb %%dx, %%al" : "+a"(rax) : "d"(port) : "memory");
	return rax;
}

static uint64_t in16_rax(uint16_t port, uint64_t rax)
{
	__asm__ volatile("inw %%dx, %%ax" : "+a"(rax) : "d"(port) : "memory");
	return rax;
}

static uint64_t in32_rax(uint16_t port, uint64_t rax)
{
	__asm__ volatile("inl %%dx, %%eax" : "+a"(rax) : "d"(port) : "memory");
	return rax;
}

void guest_main(const struct xl_start_info *si)
{
	const uint64_t pat = 0x1122334455667788ul;
	uint64_t v;

	(void)si;
	v = inb(0x3FD);
	CHECK(v == 0xFF, "inb(0x3FD) = 0x%lx, expected 0xff (COM1 belongs to the hypervisor)", v);
	v = in8_rax(0x3FD, pat);
	CHECK(v == ((pat & ~0xFFul) | 0xFF), "inb(0x3FD) with RAX 0x%lx left RAX 0x%lx", pat, v);

	outl(0xCF8, 0x80000000u);
	v = inl(0xCFC);
	CHECK(v == 0xFFFFFFFFu, "inl(0xCFC) after outl(0xCF8, 0x80000000) = 0x%lx, expected 0xffffffff", v);
	v = in32_rax(0xCFC, pat);
	CHECK(v == 0xFFFFFFFFul, "inl(0xCFC) with RAX 0x%lx left RAX 0x%lx (expected zero-extended)", pat, v);
	v = in16_rax(0xCFC, pat);
	CHECK(v == ((pat & ~0xFFFFul) | 0xFFFF), "inw(0xCFC) with RAX 0x%lx left RAX 0x%lx", pat, v);
	gprintf("ioport: reads return all ones\n");

	for (const char *s = "IOLEAK\r\n"; *s; s++)
		outb(0x3F8, (uint8_t)*s);
	gprintf("ioport: wrote to COM1 directly\n");
	outb(0xF4, 0x01);
	gprintf("ioport: wrote 1 to the debug-exit port 0xf4\n");
	outb(0xCF9, 0x06);
	gprintf("ioport: wrote 0x06 to the reset control port 0xcf9\n");
	outb(0x64, 0xFE);
	gprintf("ioport: wrote 0xfe (reset) to the keyboard controller 0x64\n");

	v = inb(0x3FD);
	CHECK(v == 0xFF, "inb(0x3FD) = 0x%lx after the writes", v);
	pass("ioport: reads of foreign ports return all ones, writes are dropped, still running");
}
