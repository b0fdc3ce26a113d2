/* Host tests for the virtual 16550 dom0 sees (arch/x86_64/vuart.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <arch/vuart.h>

static char out[64];
static unsigned int out_len;

static void sink(uint8_t b, void *ctx)
{
	if (out_len < sizeof(out))
		out[out_len++] = (char)b;
}

static struct vuart u;

static int setup(void **state)
{
	out_len = 0;
	vuart_init(&u, sink, NULL);
	return 0;
}

static void test_transmit_and_status(void **state)
{
	vuart_write(&u, 0, 'h');
	vuart_write(&u, 0, 'i');
	assert_int_equal(out_len, 2);
	assert_memory_equal(out, "hi", 2);
	assert_int_equal(vuart_read(&u, 5) & 0x60, 0x60); /* THRE and TEMT: always ready */
	assert_int_equal(vuart_read(&u, 5) & 0x01, 0); /* nothing received */
	/* the divisor latch does not transmit */
	vuart_write(&u, 3, 0x80);
	vuart_write(&u, 0, 1);
	vuart_write(&u, 1, 0);
	assert_int_equal(vuart_read(&u, 0), 1);
	vuart_write(&u, 3, 0x03);
	assert_int_equal(out_len, 2);
	vuart_write(&u, 7, 0x5a); /* scratch */
	assert_int_equal(vuart_read(&u, 7), 0x5a);
}

static void test_receive(void **state)
{
	assert_int_equal(vuart_rx_room(&u), VUART_RX_SIZE);
	vuart_receive(&u, 'a');
	vuart_receive(&u, 'b');
	assert_int_equal(vuart_rx_room(&u), VUART_RX_SIZE - 2);
	assert_int_equal(vuart_read(&u, 5) & 0x01, 1);
	assert_int_equal(vuart_read(&u, 0), 'a');
	assert_int_equal(vuart_read(&u, 0), 'b');
	assert_int_equal(vuart_read(&u, 5) & 0x01, 0);
	for (int i = 0; i < VUART_RX_SIZE + 5; i++)
		vuart_receive(&u, 'x');
	assert_int_equal(u.rx_dropped, 5);
	assert_int_equal(vuart_rx_room(&u), 0);
	vuart_write(&u, 2, 0x03); /* FIFO enable + clear receive */
	assert_int_equal(vuart_read(&u, 5) & 0x01, 0);
}

static void test_interrupts(void **state)
{
	assert_false(vuart_irq_pending(&u));
	vuart_write(&u, 4, 0x08); /* OUT2: the line is connected */
	vuart_write(&u, 1, 0x02); /* enable THRE: the transmitter is empty, so it fires */
	assert_true(vuart_irq_pending(&u));
	assert_int_equal(vuart_read(&u, 2) & 0x0f, 0x02); /* IIR: THRE, and reading acknowledges */
	assert_false(vuart_irq_pending(&u));
	assert_int_equal(vuart_read(&u, 2) & 0x0f, 0x01);
	vuart_write(&u, 0, 'x'); /* sent at once: empty again */
	assert_true(vuart_irq_pending(&u));
	vuart_write(&u, 1, 0x01); /* receive only */
	assert_false(vuart_irq_pending(&u));
	vuart_receive(&u, 'k');
	assert_true(vuart_irq_pending(&u));
	assert_int_equal(vuart_read(&u, 2) & 0x0f, 0x04);
	vuart_write(&u, 4, 0x00); /* without OUT2 the line stays low */
	assert_false(vuart_irq_pending(&u));
}

static void test_loopback(void **state)
{
	vuart_write(&u, 4, 0x10 | 0x0f); /* loop, with DTR RTS OUT1 OUT2 */
	assert_int_equal(vuart_read(&u, 6) & 0xf0, 0xf0);
	vuart_write(&u, 4, 0x10 | 0x01); /* DTR only -> DSR */
	assert_int_equal(vuart_read(&u, 6) & 0xf0, 0x20);
	vuart_write(&u, 0, 'L');
	assert_int_equal(out_len, 0); /* looped back, not transmitted */
	assert_int_equal(vuart_read(&u, 0), 'L');
	vuart_write(&u, 4, 0x00);
	assert_int_equal(vuart_read(&u, 6), 0xb0); /* DCD DSR CTS */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_transmit_and_status, setup),
		cmocka_unit_test_setup(test_receive, setup),
		cmocka_unit_test_setup(test_interrupts, setup),
		cmocka_unit_test_setup(test_loopback, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
