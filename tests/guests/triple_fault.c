/*
 * triple_fault (expect=crash): loads an IDT with limit 0 and executes UD2:
 * #UD cannot be delivered (#GP), neither can the #GP (#DF), nor the #DF:
 * shutdown. The hypervisor must end the domain ("crashed: ..."), and only
 * it: FAIL if execution continues. It waits 500 ms first so that guests
 * started with it (bystander) are running when it is ended.
 */
#include "guest.h"

void guest_main(const struct xl_start_info *si)
{
	static const struct desc_ptr empty = { 0, 0 };

	(void)si;
	delay_ms(500);
	gprintf("triple_fault: loading an empty IDT and executing ud2: expecting a triple fault\n");
	console_flush();
	lidt(&empty);
	__asm__ volatile("ud2" ::: "memory");
	fail("triple_fault: execution continued after ud2 with an empty IDT");
}
