/*
 * spin (expect=timeout): interrupts off, an endless loop without exits. The
 * hypervisor must take the CPU back when the domain's timeout= expires and
 * destroy the domain ("destroyed: timeout after N ms"), then go on with the
 * remaining guests on that CPU.
 */
#include "guest.h"

void guest_main(const struct xl_start_info *si)
{
	(void)si;
	gprintf("spin: spinning with interrupts off\n");
	console_flush();
	__asm__ volatile("cli\n"
			 "1: jmp 1b" ::: "memory");
	__builtin_unreachable();
}
