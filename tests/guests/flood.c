/*
 * flood: writes its console as fast as it can - 4096 newlines a call, for
 * ever. The hypervisor must print no more of it than the domain's console
 * budget on its own (serial) console, keep the rest for dom0's xl-lite
 * console, stay responsive to dom0, and destroy it at once.
 */
#include "guest.h"

static char newlines[XL_CONSOLE_MAX_WRITE];

void guest_main(const struct xl_start_info *si)
{
	(void)si;
	for (unsigned int i = 0; i < sizeof(newlines); i++)
		newlines[i] = '\n';
	gprintf("flood: flooding the console\n");
	console_flush();
	for (;;)
		console_write(newlines, sizeof(newlines));
}
