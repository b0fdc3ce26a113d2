/*
 * A Linux guest's console: a virtual 16550 (arch/vuart.h) at COM1's ports.
 * What the guest transmits goes to its domain console (the ring dom0 reads
 * with xl-lite console); what dom0 types is handed to the receiver when the
 * guest looks at the UART. No interrupt: the guest's ACPI tables declare
 * the port without one, so Linux polls it (Documentation/guests.md).
 */
#include <arch/guest_devices.h>
#include <arch/vdev.h>
#include <arch/vuart.h>
#include <xen-lite/domain.h>
#include <xen-lite/domain_console.h>
#include <xen-lite/spinlock.h>

#define GUEST_UART_BASE 0x3F8

static void to_console(uint8_t byte, void *ctx)
{
	char c = (char)byte;

	domain_console_write(ctx, &c, 1);
}


/* Typed input waits in the domain; the UART's receiver takes what it has room for. */
static void pull_input(struct domain *d)
{
	struct vuart *u = &d->arch.uart;
	char buf[VUART_RX_SIZE];
	size_t n;

	/* a polling driver reads on every tick: most reads find nothing typed (a racy peek is enough) */
	if (!__atomic_load_n(&d->console_in_count, __ATOMIC_RELAXED))
		return;
	n = domain_console_input(d, buf, VUART_RX_SIZE - u->rx_count);

	for (size_t i = 0; i < n; i++)
		vuart_receive(u, (uint8_t)buf[i]);
}

static enum vdev_io_result uart_io(struct vcpu *v, struct io_access *io, void *opaque)
{
	struct vuart *u = &v->domain->arch.uart;
	unsigned int reg = io->port - GUEST_UART_BASE;

	if (io->size != 1 || io->string)
		return VDEV_IO_GP; /* UART registers are bytes */
	spin_lock(&v->domain->arch.uart_lock);
	if (io->in) {
		pull_input(v->domain); /* a polling driver looks at IIR or LSR first */
		io->value = vuart_read(u, reg);
	} else {
		vuart_write(u, reg, (uint8_t)io->value);
	}
	spin_unlock(&v->domain->arch.uart_lock);
	return VDEV_IO_DONE;
}

int guest_uart_init(struct domain *d)
{
	vuart_init(&d->arch.uart, to_console, d);
	d->arch.uart_lock = (spinlock_t)SPINLOCK_INIT;
	return vdev_io_register(d, GUEST_UART_BASE, 8, uart_io, NULL);
}
