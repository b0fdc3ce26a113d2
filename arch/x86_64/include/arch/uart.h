/* 16550-compatible UART, the hypervisor console on x86 nodes. */
#ifndef ARCH_UART_H
#define ARCH_UART_H

#include <xen-lite/types.h>

/*
 * Parse a console= value: "com1".."com4" or an I/O port ("0x3f8"), an
 * optional ",baud" (default 115200), or "none". Returns 0 and fills the
 * port (0 for none) and baud, or -EINVAL.
 */
int uart_parse_spec(const char *spec, uint16_t *port, uint32_t *baud);

void uart_init(uint16_t port, uint32_t baud);
void uart_write(const char *s, size_t len);
/* A received byte, or -1 if none is waiting. */
int uart_getc(void);
/* The console's I/O port base (0: no serial console). */
uint16_t uart_console_port(void);

#endif
