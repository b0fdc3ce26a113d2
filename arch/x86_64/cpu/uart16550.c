/* 16550 UART driver: polled output, enough for a console that must work in a panic. */
#include <arch/cpu.h>
#include <arch/uart.h>
#include <xen-lite/cmdline.h>
#include <xen-lite/errno.h>
#include <xen-lite/string.h>

#define UART_CLOCK 115200
#define REG_DATA 0
#define REG_IER 1
#define REG_FCR 2
#define REG_LCR 3
#define REG_MCR 4
#define REG_LSR 5
#define LCR_DLAB 0x80
#define LCR_8N1 0x03
#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY 0x20

static uint16_t uart_port;

static const uint16_t com_ports[] = { 0x3f8, 0x2f8, 0x3e8, 0x2e8 };

int uart_parse_spec(const char *spec, uint16_t *port, uint32_t *baud)
{
	char name[16];
	const char *comma = strchr(spec, ',');
	size_t len = comma ? (size_t)(comma - spec) : strlen(spec);
	uint64_t v;

	*baud = 115200;
	if (len == 0 || len >= sizeof(name))
		return -EINVAL;
	memcpy(name, spec, len);
	name[len] = '\0';
	if (!strcmp(name, "none")) {
		*port = 0;
		return comma ? -EINVAL : 0;
	}
	if (!strncmp(name, "com", 3) && name[3] >= '1' && name[3] <= '4' && !name[4])
		*port = com_ports[name[3] - '1'];
	else if (!parse_uint(name, false, &v) && v > 0 && v <= 0xfff8)
		*port = (uint16_t)v;
	else
		return -EINVAL;
	if (comma) {
		if (parse_uint(comma + 1, false, &v) || v < 50 || v > UART_CLOCK ||
		    UART_CLOCK % v)
			return -EINVAL;
		*baud = (uint32_t)v;
	}
	return 0;
}

void uart_init(uint16_t port, uint32_t baud)
{
	uint16_t divisor = (uint16_t)(UART_CLOCK / baud);

	uart_port = port;
	if (!port)
		return;
	outb(port + REG_IER, 0x00); /* polled: no UART interrupts */
	outb(port + REG_LCR, LCR_DLAB);
	outb(port + REG_DATA, divisor & 0xff);
	outb(port + REG_IER, divisor >> 8);
	outb(port + REG_LCR, LCR_8N1);
	outb(port + REG_FCR, 0xC7); /* enable and clear FIFOs */
	outb(port + REG_MCR, 0x03); /* DTR, RTS */
}

static void uart_putc(char c)
{
	/* bounded wait: a missing UART must not hang the hypervisor */
	for (int i = 0; i < 100000 && !(inb(uart_port + REG_LSR) & LSR_THR_EMPTY); i++)
		cpu_relax();
	outb(uart_port + REG_DATA, (uint8_t)c);
}

void uart_write(const char *s, size_t len)
{
	if (!uart_port)
		return;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			uart_putc('\r');
		uart_putc(s[i]);
	}
}

uint16_t uart_console_port(void)
{
	return uart_port;
}

int uart_getc(void)
{
	if (!uart_port || !(inb(uart_port + REG_LSR) & LSR_DATA_READY))
		return -1;
	return inb(uart_port + REG_DATA);
}
