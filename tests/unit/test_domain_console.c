/*
 * Host tests for a domain's console (xen-lite/domain_console.c): lines
 * printed as "(dN name) ..." only when complete or full, "\r" dropped and
 * control characters shown as '?', every raw byte kept in the bounded ring
 * dom0 reads (the oldest dropped and counted), the budget on the
 * hypervisor's console (a burst, then a rate, quiet until
 * DOMAIN_CONSOLE_RESUME came back, one notice per gap), nothing printed
 * once the domain has ended, and typed input queued FIFO.
 *
 * The console's lock is spin_lock_irqsave(): tests/unit/host/arch/irqflags.h
 * keeps the interrupt flag in a variable, which must be back on after every
 * call.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "log_capture.h"

#include <xen-lite/arch/time.h>
#include <xen-lite/domain.h>
#include <xen-lite/domain_console.h>

/* ---- the hypervisor around the console ---- */

static uint64_t now_us;
static bool ended;

uint64_t time_since_boot_us(void)
{
	return now_us;
}

bool domain_has_ended(const struct domain *d)
{
	return ended;
}

/* ---- two fresh domains at time 0 ---- */

static struct domain dom, other;

static void fresh_console(void)
{
	now_us = 0;
	ended = false;
	memset(&dom, 0, sizeof(dom));
	memset(&other, 0, sizeof(other));
	dom.id = 3;
	strcpy(dom.name, "guest");
	other.id = 4;
	strcpy(other.name, "other");
	domain_console_init(&dom);
	domain_console_init(&other);
	log_capture_reset();
}

/* Lines the hypervisor's console printed for this write (the capture holds only the last write's). */
static int printed_n(struct domain *d, const char *buf, size_t len)
{
	log_capture_reset();
	domain_console_write(d, buf, len);
	assert_true(host_irqs_on); /* the console's lock gave the interrupt flag back */
	return log_capture_count(LOG_INFO);
}

static int printed(struct domain *d, const char *s)
{
	return printed_n(d, s, strlen(s));
}

/* ---- lines ---- */

static void test_line_printed_only_when_complete(void **state)
{
	fresh_console();
	assert_int_equal(printed(&dom, "hel"), 0);
	assert_int_equal(printed(&dom, "lo"), 0);
	assert_int_equal(printed(&dom, "\n"), 1);
	assert_true(log_capture_contains("(d3 guest) hello\n"));
	assert_int_equal(printed(&dom, "one\ntwo\nthr"), 2);
	assert_true(log_capture_contains("(d3 guest) one\n"));
	assert_true(log_capture_contains("(d3 guest) two\n"));
	assert_int_equal(printed(&dom, "ee\n"), 1);
	assert_true(log_capture_contains("(d3 guest) three\n"));
	assert_int_equal(printed(&dom, "\n"), 1); /* an empty line is a line */
	assert_true(log_capture_contains("(d3 guest) \n"));
}

static void test_line_printed_when_it_reaches_line_limit(void **state)
{
	char full[DOMAIN_CONSOLE_LINE - 1];

	fresh_console();
	memset(full, 'x', sizeof(full));
	assert_int_equal(printed_n(&dom, full, sizeof(full) - 1), 0); /* 254 characters: waits */
	assert_int_equal(printed_n(&dom, "x", 1), 1); /* the 255th: printed without a newline */
	assert_true(log_capture_contains("(d3 guest) xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"));
	/* what follows starts a line of its own */
	assert_int_equal(printed(&dom, "y\n"), 1);
	assert_true(log_capture_contains("(d3 guest) y\n"));
	/* in one write too: 255 characters, then the rest */
	assert_int_equal(printed_n(&dom, full, sizeof(full)), 1);
	assert_int_equal(printed(&dom, "z"), 0);
	assert_int_equal(printed(&dom, "\n"), 1);
	assert_true(log_capture_contains("(d3 guest) z\n"));
}

static void test_carriage_return_dropped(void **state)
{
	fresh_console();
	assert_int_equal(printed(&dom, "ab\r\ncd\r\n"), 2);
	assert_true(log_capture_contains("(d3 guest) ab\n"));
	assert_true(log_capture_contains("(d3 guest) cd\n"));
	assert_int_equal(printed(&dom, "x\r"), 0); /* "\r" ends no line */
	assert_int_equal(printed(&dom, "\ry\r\n"), 1);
	assert_true(log_capture_contains("(d3 guest) xy\n"));
}

/* Guest text must not drive the operator's terminal: escapes, NUL, DEL, C1 controls become '?'; tab stays. */
static void test_control_characters_become_question_marks(void **state)
{
	static const char raw[] = "a\x01" "b\tc\x7f" "d\x1b[31me\x9b" "f\0g\x08h\n";

	fresh_console();
	assert_int_equal(printed_n(&dom, raw, sizeof(raw) - 1), 1);
	assert_true(log_capture_contains("(d3 guest) a?b\tc?d?[31me?f?g?h\n"));
}

static void test_lines_carry_their_domain(void **state)
{
	fresh_console();
	assert_int_equal(printed(&dom, "mine\n"), 1);
	assert_int_equal(printed(&other, "its own\n"), 1);
	assert_true(log_capture_contains("(d4 other) its own\n"));
	/* a half line in one domain does not join another's */
	assert_int_equal(printed(&dom, "half"), 0);
	assert_int_equal(printed(&other, "whole\n"), 1);
	assert_true(log_capture_contains("(d4 other) whole\n"));
}

/* ---- the ring dom0 reads ---- */

static char ring_out[DOMAIN_CONSOLE_RING + 100];

static void test_ring_keeps_every_raw_byte(void **state)
{
	static const char raw[] = "a\r\n\x1b[2J\x7f\0\tb\x9b" "partial";
	uint64_t dropped = 99;

	fresh_console();
	domain_console_write(&dom, raw, sizeof(raw) - 1);
	assert_int_equal(domain_console_take(&dom, ring_out, 3, &dropped), 3);
	assert_memory_equal(ring_out, raw, 3);
	assert_int_equal(dropped, 0);
	assert_int_equal(domain_console_take(&dom, ring_out, sizeof(ring_out), &dropped), sizeof(raw) - 1 - 3);
	assert_memory_equal(ring_out, raw + 3, sizeof(raw) - 1 - 3);
	assert_int_equal(domain_console_take(&dom, ring_out, sizeof(ring_out), &dropped), 0);
	assert_int_equal(dropped, 0);
}

static char pattern(uint64_t i)
{
	return (char)('a' + i % 26);
}

static void test_ring_holds_exactly_its_size(void **state)
{
	uint64_t dropped = 99;

	fresh_console();
	for (uint64_t i = 0; i < DOMAIN_CONSOLE_RING; i++) {
		char c = pattern(i);

		domain_console_write(&dom, &c, 1);
	}
	assert_int_equal(domain_console_take(&dom, ring_out, sizeof(ring_out), &dropped), DOMAIN_CONSOLE_RING);
	assert_int_equal(dropped, 0);
	assert_int_equal(ring_out[0], pattern(0));
	assert_int_equal(ring_out[DOMAIN_CONSOLE_RING - 1], pattern(DOMAIN_CONSOLE_RING - 1));
}

static void test_ring_drops_oldest_and_counts_them(void **state)
{
	static char in[DOMAIN_CONSOLE_RING + 10];
	uint64_t dropped = 0;

	fresh_console();
	for (uint64_t i = 0; i < sizeof(in); i++)
		in[i] = pattern(i);
	domain_console_write(&dom, in, sizeof(in));
	assert_int_equal(domain_console_take(&dom, ring_out, sizeof(ring_out), &dropped), DOMAIN_CONSOLE_RING);
	assert_int_equal(dropped, 10);
	assert_memory_equal(ring_out, in + 10, DOMAIN_CONSOLE_RING); /* the newest, in order */
	/* counted once: the next read has lost nothing */
	domain_console_write(&dom, "k", 1);
	assert_int_equal(domain_console_take(&dom, ring_out, sizeof(ring_out), &dropped), 1);
	assert_int_equal(dropped, 0);
	assert_int_equal(ring_out[0], 'k');
	/* what was read makes room: only unread bytes are dropped */
	domain_console_write(&dom, in, DOMAIN_CONSOLE_RING - 1);
	assert_int_equal(domain_console_take(&dom, ring_out, 1, &dropped), 1);
	domain_console_write(&dom, "12", 2);
	assert_int_equal(domain_console_take(&dom, ring_out, sizeof(ring_out), &dropped), DOMAIN_CONSOLE_RING);
	assert_int_equal(dropped, 0);
	assert_memory_equal(ring_out + DOMAIN_CONSOLE_RING - 2, "12", 2);
}

/* ---- the budget on the hypervisor's console ---- */

#define FLOOD_HIDDEN 100 /* lines written at time 0 beyond what the burst allows */
#define BURST_LINES (DOMAIN_CONSOLE_BURST / DOMAIN_CONSOLE_LINE_COST) /* empty lines: the cost alone */

/* Empty lines, all at this time, until FLOOD_HIDDEN of them found no budget; returns how many printed. */
static int flood(struct domain *d)
{
	int lines = 0;

	for (int i = 0; i < BURST_LINES + FLOOD_HIDDEN; i++)
		lines += printed(d, "\n");
	return lines;
}

/* When (us, rounded up) the budget a flood at time 0 left has grown back to DOMAIN_CONSOLE_RESUME. */
static uint64_t resume_us(void)
{
	uint64_t left = DOMAIN_CONSOLE_BURST - (uint64_t)BURST_LINES * DOMAIN_CONSOLE_LINE_COST;
	uint64_t needed = DOMAIN_CONSOLE_RESUME - left;

	return (needed * 1000000 + DOMAIN_CONSOLE_RATE - 1) / DOMAIN_CONSOLE_RATE;
}

static void test_flood_prints_at_most_the_burst(void **state)
{
	fresh_console();
	assert_int_equal(flood(&dom), BURST_LINES);
	/* nothing more while time stands still, short lines or long */
	for (int i = 0; i < 1000; i++)
		assert_int_equal(printed(&dom, "\n"), 0);
	assert_int_equal(printed(&dom, "a longer line\n"), 0);
	/* another domain has its own budget */
	assert_int_equal(printed(&other, "still here\n"), 1);
}

/* Budget saved while silent is capped at the burst. */
static void test_idle_domain_saves_no_more_than_the_burst(void **state)
{
	fresh_console();
	now_us = 3600 * 1000000ull; /* an hour without a word */
	assert_int_equal(flood(&dom), BURST_LINES);
}

static void test_quiet_until_resume_budget_has_come_back(void **state)
{
	fresh_console();
	flood(&dom);
	now_us = resume_us() / 2;
	assert_int_equal(printed(&dom, "\n"), 0); /* budget for many lines, but not RESUME of it */
	now_us = resume_us() - 1;
	for (int i = 0; i < 10; i++)
		assert_int_equal(printed(&dom, "\n"), 0);
}

/* Just past RESUME: the next line is printed, after exactly one notice with the lines held back. */
static void test_output_resumes_with_one_notice_of_lines_held_back(void **state)
{
	fresh_console();
	flood(&dom);
	now_us = resume_us();
	assert_int_equal(printed(&dom, "back\n"), 2);
	assert_true(log_capture_contains("(d3 guest) [100 line(s) not shown here"));
	assert_true(log_capture_contains("(d3 guest) back\n"));
	/* one notice per gap: the lines after it come alone */
	assert_int_equal(printed(&dom, "and on\n"), 1);
	assert_false(log_capture_contains("not shown here"));
	assert_true(log_capture_contains("(d3 guest) and on\n"));
}

/* A second gap gets its own notice, counting only its own lines. */
static void test_each_gap_gets_its_own_notice(void **state)
{
	int shown = 0, hidden = 0;

	fresh_console();
	flood(&dom);
	now_us = resume_us();
	assert_int_equal(printed(&dom, "back\n"), 2);
	/* what came back is spent again, then 7 lines are held */
	while (printed(&dom, "\n") == 1)
		shown++;
	hidden = 1;
	for (; hidden < 7; hidden++)
		assert_int_equal(printed(&dom, "\n"), 0);
	assert_true(shown > 0);
	/* and a budget that has filled up again lets the next line through */
	now_us += 60 * 1000000ull;
	assert_int_equal(printed(&dom, "again\n"), 2);
	assert_true(log_capture_contains("(d3 guest) [7 line(s) not shown here"));
	assert_true(log_capture_contains("(d3 guest) again\n"));
}

/* An ending domain prints nothing more (its destroy must not wait for a serial line), but its ring fills. */
static void test_ended_domain_prints_nothing_but_keeps_ring(void **state)
{
	static const char all[] = "before\nafter\nand later\n";
	uint64_t dropped;

	fresh_console();
	assert_int_equal(printed(&dom, "before\n"), 1);
	ended = true;
	assert_int_equal(printed(&dom, "after\n"), 0);
	assert_int_equal(printed(&dom, "and later\n"), 0);
	assert_int_equal(log_capture_count(LOG_INFO) + log_capture_count(LOG_WARN), 0);
	assert_int_equal(domain_console_take(&dom, ring_out, sizeof(ring_out), &dropped), strlen(all));
	assert_memory_equal(ring_out, all, strlen(all));
}

/*
 * Fractions of a byte add up: a write 1 us short of RESUME earns 16367.997
 * bytes, counted 16367, and 1 us later the whole 16368 have come back (the
 * refill used to drop the fraction each time: a guest writing a line every
 * 400 us earned 2500 B/s, not DOMAIN_CONSOLE_RATE).
 */
static void test_budget_keeps_fraction_of_byte_between_writes(void **state)
{
	fresh_console();
	flood(&dom);
	now_us = resume_us() - 1;
	assert_int_equal(printed(&dom, "\n"), 0);
	now_us = resume_us();
	assert_int_equal(printed(&dom, "back\n"), 2);
}

/*
 * A domain's vCPUs write from CPUs whose clocks may differ by a microsecond:
 * a clock behind the last refill earns nothing (the unsigned difference
 * used to wrap and give the whole burst back at once).
 */
static void test_clock_behind_last_refill_earns_nothing(void **state)
{
	fresh_console();
	flood(&dom);
	now_us = 1000; /* 4 bytes come back: still quiet */
	assert_int_equal(printed(&dom, "\n"), 0);
	now_us = 999; /* another CPU's clock, a microsecond behind */
	assert_int_equal(printed(&dom, "\n"), 0);
}

/* A line cut at the limit and then ended by its own newline makes one line, not two. */
static void test_split_line_then_newline_prints_no_empty_line(void **state)
{
	char line[DOMAIN_CONSOLE_LINE - 1];

	fresh_console();
	memset(line, 'x', sizeof(line));
	assert_int_equal(printed_n(&dom, line, sizeof(line)), 1);
	assert_int_equal(printed(&dom, "\n"), 0);
	assert_int_equal(printed(&dom, "\n"), 1); /* a newline of its own is an empty line */
	assert_int_equal(printed_n(&dom, line, sizeof(line)), 1);
	assert_int_equal(printed(&dom, "next\n"), 1);
	assert_true(log_capture_contains("(d3 guest) next"));
}

/* ---- typed input ---- */

static void test_input_queued_fifo_up_to_its_size(void **state)
{
	char typed[DOMAIN_CONSOLE_INPUT + 44], got[2 * DOMAIN_CONSOLE_INPUT];

	fresh_console();
	for (size_t i = 0; i < sizeof(typed); i++)
		typed[i] = pattern(i * 7);
	assert_int_equal(domain_console_input(&dom, got, sizeof(got)), 0); /* nothing typed */
	assert_int_equal(domain_console_type(&dom, typed, sizeof(typed)), DOMAIN_CONSOLE_INPUT);
	assert_int_equal(domain_console_type(&dom, "z", 1), 0); /* full: refused */
	assert_int_equal(domain_console_input(&dom, got, 100), 100);
	assert_memory_equal(got, typed, 100);
	/* room for 100 more, queued behind the rest (across the end of the buffer) */
	assert_int_equal(domain_console_type(&dom, typed + 3, 150), 100);
	assert_int_equal(domain_console_input(&dom, got, sizeof(got)), DOMAIN_CONSOLE_INPUT);
	assert_memory_equal(got, typed + 100, DOMAIN_CONSOLE_INPUT - 100);
	assert_memory_equal(got + DOMAIN_CONSOLE_INPUT - 100, typed + 3, 100);
	assert_int_equal(domain_console_input(&dom, got, sizeof(got)), 0);
	/* input is per domain, and apart from output */
	assert_int_equal(domain_console_type(&dom, "ls\n", 3), 3);
	assert_int_equal(domain_console_input(&other, got, sizeof(got)), 0);
	assert_int_equal(domain_console_take(&dom, got, sizeof(got), &(uint64_t){ 0 }), 0);
	assert_int_equal(domain_console_input(&dom, got, sizeof(got)), 3);
	assert_memory_equal(got, "ls\n", 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_line_printed_only_when_complete),
		cmocka_unit_test(test_line_printed_when_it_reaches_line_limit),
		cmocka_unit_test(test_carriage_return_dropped),
		cmocka_unit_test(test_control_characters_become_question_marks),
		cmocka_unit_test(test_lines_carry_their_domain),
		cmocka_unit_test(test_ring_keeps_every_raw_byte),
		cmocka_unit_test(test_ring_holds_exactly_its_size),
		cmocka_unit_test(test_ring_drops_oldest_and_counts_them),
		cmocka_unit_test(test_flood_prints_at_most_the_burst),
		cmocka_unit_test(test_idle_domain_saves_no_more_than_the_burst),
		cmocka_unit_test(test_quiet_until_resume_budget_has_come_back),
		cmocka_unit_test(test_output_resumes_with_one_notice_of_lines_held_back),
		cmocka_unit_test(test_each_gap_gets_its_own_notice),
		cmocka_unit_test(test_ended_domain_prints_nothing_but_keeps_ring),
		cmocka_unit_test(test_budget_keeps_fraction_of_byte_between_writes),
		cmocka_unit_test(test_clock_behind_last_refill_earns_nothing),
		cmocka_unit_test(test_split_line_then_newline_prints_no_empty_line),
		cmocka_unit_test(test_input_queued_fifo_up_to_its_size),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
