/*
 * A virtual 16550 UART: what dom0 sees at the I/O ports of the serial port
 * the hypervisor keeps for its own console. Pure state machine (the I/O
 * exits and interrupt delivery are in dom0_console.c), so it is unit-tested
 * on the host. Transmitted bytes go to an output callback; received bytes
 * come from vuart_receive(); the interrupt line is reported through
 * vuart_irq_pending() and raised on rising edges.
 */
#ifndef ARCH_VUART_H
#define ARCH_VUART_H

#include <xen-lite/types.h>

#define VUART_RX_SIZE 256

struct vuart {
	uint8_t ier, lcr, mcr, scr, dll, dlm, fcr;
	bool thre_pending; /* the "transmitter empty" interrupt, until IIR reports it or THR is written */
	uint8_t rx[VUART_RX_SIZE];
	unsigned int rx_head, rx_count;
	uint64_t rx_dropped;
	void (*output)(uint8_t byte, void *ctx);
	void *ctx;
};

void vuart_init(struct vuart *u, void (*output)(uint8_t byte, void *ctx), void *ctx);

/* Register access at offset 0-7 from the port base. */
uint8_t vuart_read(struct vuart *u, unsigned int offset);
void vuart_write(struct vuart *u, unsigned int offset, uint8_t value);

/* Queue a received byte (dropped and counted when the queue is full). */
void vuart_receive(struct vuart *u, uint8_t byte);

/* How many received bytes still fit (feeders wait instead of dropping). */
unsigned int vuart_rx_room(const struct vuart *u);

/* True while the UART asserts its interrupt (an enabled condition, and OUT2 set). */
bool vuart_irq_pending(const struct vuart *u);

#endif
