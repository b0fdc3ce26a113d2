/*
 * echo: a guest with console input (XL_CONSOLE_READ): every line typed with
 * `xl-lite console ID` comes back upper-cased as "echo: LINE"; the line
 * "quit" ends it with PASS. Used from dom0 (tests/qemu/t-dom0-tools.sh).
 */
#include "guest.h"

static char upper(char c)
{
	return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

void guest_main(const struct xl_start_info *si)
{
	static char buf[64], line[128];
	unsigned int len = 0;

	(void)si;
	gprintf("echo: ready\n");
	console_flush();
	for (;;) {
		long n = hc_console_io(XL_CONSOLE_READ, (uint64_t)(uintptr_t)buf, sizeof(buf));

		CHECK(n >= 0, "XL_CONSOLE_READ returned %ld", n);
		for (long i = 0; i < n; i++) {
			if (buf[i] == '\r' || buf[i] == '\n') {
				line[len] = '\0';
				if (len == 4 && line[0] == 'q' && line[1] == 'u' && line[2] == 'i' &&
				    line[3] == 't')
					pass("echo: done");
				if (len) {
					for (unsigned int k = 0; k < len; k++)
						line[k] = upper(line[k]);
					gprintf("echo: %s\n", line);
					console_flush();
				}
				len = 0;
			} else if (len < sizeof(line) - 1) {
				line[len++] = buf[i];
			}
		}
		for (int spin = 0; spin < 10000; spin++)
			cpu_relax();
	}
}
