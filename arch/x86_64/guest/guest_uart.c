/*
 * A Linux guest's console: a virtual 16550 (arch/vuart.h) at COM1's ports.
 * What the guest transmits goes to its domain console (the ring dom0 reads
 * with xl-lite console); what dom0 types is handed to the receiver when the
 * guest looks at the UART. No interrupt: the guest's ACPI tables declare
 * the port without one, so Linux polls it (Documentation/guests.md).
 */
#include <arch/svm_internal.h>
#include <arch/vuart.h>
#include <xen-lite/domain.h>
#include <xen-lite/spinlock.h>

#define GUEST_UART_BASE 0x3F8

static void to_console(uint8_t byte, void *ctx)
{
	char c = (char)byte;

	domain_console_write(ctx, &c, 1);
}

void guest_uart_init(struct domain *d)
{
	vuart_init(&d->arch.uart, to_console, d);
	d->arch.uart_lock = (spinlock_t)SPINLOCK_INIT;
	d->arch.has_uart = true;
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

bool guest_uart_io(struct vcpu *v, unsigned int port, uint64_t info)
{
	struct vmcb *vmcb = v->arch.vmcb;
	struct vuart *u = &v->domain->arch.uart;
	unsigned int reg = port - GUEST_UART_BASE;

	if (port < GUEST_UART_BASE || port >= GUEST_UART_BASE + 8)
		return false;
	if (!(info & IOIO_SIZE8) || (info & (IOIO_STRING | IOIO_REP))) {
		svm_inject_exception(v, 13, true, 0); /* UART registers are bytes */
		return true;
	}
	spin_lock(&v->domain->arch.uart_lock);
	if (info & IOIO_TYPE_IN) {
		pull_input(v->domain); /* a polling driver looks at IIR or LSR first */
		vmcb->save.rax = (vmcb->save.rax & ~0xffULL) | vuart_read(u, reg);
	} else {
		vuart_write(u, reg, (uint8_t)vmcb->save.rax);
	}
	spin_unlock(&v->domain->arch.uart_lock);
	vmcb->save.rip = vmcb->control.exit_info2;
	return true;
}
