/*
 * Host tests for the console= value parser, uart_parse_spec() in
 * arch/x86_64/uart16550.c. Only the parser is called: the rest of that file
 * does port I/O.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <arch/uart.h>
#include <xen-lite/errno.h>

struct good {
	const char *spec;
	uint16_t port;
	uint32_t baud;
};

static void expect_good(const struct good *g, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint16_t port = 0x5555;
		uint32_t baud = 0x5555;
		int err = uart_parse_spec(g[i].spec, &port, &baud);

		if (err || port != g[i].port || baud != g[i].baud)
			fail_msg("\"%s\": err %d port %#x baud %u, want port %#x baud %u", g[i].spec, err,
				 port, baud, g[i].port, g[i].baud);
	}
}

static void expect_bad(const char *const *specs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint16_t port;
		uint32_t baud;
		int err = uart_parse_spec(specs[i], &port, &baud);

		if (err != -EINVAL)
			fail_msg("\"%s\" returned %d, want -EINVAL", specs[i], err);
	}
}

static void test_com_names(void **state)
{
	static const struct good g[] = {
		{ "com1", 0x3f8, 115200 },
		{ "com2", 0x2f8, 115200 },
		{ "com3", 0x3e8, 115200 },
		{ "com4", 0x2e8, 115200 },
	};

	expect_good(g, ARRAY_SIZE(g));
}

static void test_baud_rates(void **state)
{
	static const struct good g[] = {
		{ "com1,9600", 0x3f8, 9600 },	  { "com2,115200", 0x2f8, 115200 },
		{ "com1,57600", 0x3f8, 57600 },	  { "com1,38400", 0x3f8, 38400 },
		{ "com1,19200", 0x3f8, 19200 },	  { "com3,2400", 0x3e8, 2400 },
		{ "com4,300", 0x2e8, 300 },	  { "com1,50", 0x3f8, 50 },
		{ "com1,0x2580", 0x3f8, 9600 }, /* numbers may be hex */
	};

	expect_good(g, ARRAY_SIZE(g));
}

static void test_port_numbers(void **state)
{
	static const struct good g[] = {
		{ "0x3f8", 0x3f8, 115200 },
		{ "0x2F8,19200", 0x2f8, 19200 },
		{ "0xe000", 0xe000, 115200 }, /* a PCI UART's I/O BAR */
		{ "0xfff8", 0xfff8, 115200 }, /* the last port with room for all 8 registers */
	};
	static const char *const bad[] = { "0x0", "0", "0xfff9", "0xffff", "0x10000", "0x",
					   "0x3f8g", "-1" };

	expect_good(g, ARRAY_SIZE(g));
	expect_bad(bad, ARRAY_SIZE(bad));
}

static void test_none(void **state)
{
	static const struct good g[] = { { "none", 0, 115200 } };
	static const char *const bad[] = { "none,9600", "none,", "nonex", "non" };

	expect_good(g, ARRAY_SIZE(g));
	expect_bad(bad, ARRAY_SIZE(bad));
}

static void test_bad_names(void **state)
{
	static const char *const bad[] = {
		"",	     ",9600", "com", "com0",    "com5",	      "com9",
		"com12",     "com1x", "COM1", "ttyS0",  "serial",     "com1 ",
		" com1",     "verylongportname", "verylongportname,9600",
	};

	expect_bad(bad, ARRAY_SIZE(bad));
}

static void test_bad_baud(void **state)
{
	static const char *const bad[] = {
		"com1,0",      "com1,7",	"com1,230400", "com1,115201", "com1,1000",
		"com1,9601",   "com1,",		"com1,abc",    "com1,9600,8n1", "com1,9600 ",
		"com1,-9600",  "com1,4294967296", "0x3f8,7",
	};

	expect_bad(bad, ARRAY_SIZE(bad));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_com_names),
		cmocka_unit_test(test_baud_rates),
		cmocka_unit_test(test_port_numbers),
		cmocka_unit_test(test_none),
		cmocka_unit_test(test_bad_names),
		cmocka_unit_test(test_bad_baud),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
