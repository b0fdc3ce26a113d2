/*
 * dom0's serial console: the hypervisor keeps the physical UART (its own
 * console), and dom0 sees a virtual 16550 (arch/vuart.h) at the same I/O
 * ports. What dom0 transmits is printed on the console tagged "(d0) ", a
 * line at a time; what is typed goes to dom0 or to the hypervisor, switched
 * by pressing Ctrl-A three times. The virtual UART's interrupt reaches dom0
 * as a virtual interrupt with the vector dom0 put in its I/O APIC entry,
 * which the hypervisor keeps (dom0/dom0_ioapic.c). The ports and the input
 * poll are registered as dom0's devices (arch/vdev.h).
 */
#include <arch/cpu.h>
#include <arch/direct_lapic.h>
#include <arch/dom0_devices.h>
#include <arch/ioapic.h>
#include <arch/uart.h>
#include <arch/vdev.h>
#include <arch/vuart.h>
#include <xen-lite/arch/cpu.h>
#include <xen-lite/arch/mm.h>
#include <xen-lite/arch/time.h>
#include <xen-lite/assert.h>
#include <xen-lite/console.h>
#include <xen-lite/domain.h>
#include <xen-lite/log.h>
#include <xen-lite/spinlock.h>
#include <xen-lite/string.h>

#define SWITCH_KEY 0x01 /* Ctrl-A */
#define SWITCH_PRESSES 3
#define LINE_MAX 1024 /* JSON from xl-lite stays on one line */
/* a prompt without a newline still shows, but not so soon that a slow writer's line is split */
#define PARTIAL_FLUSH_US 500000

/*
 * All of it is shared by dom0's vCPUs, which reach it from their exits on
 * their own CPUs at the same time: every access is under this lock (taken
 * with interrupts off: dom0's exits are handled so; never from an NMI).
 */
static spinlock_t state_lock = SPINLOCK_INIT;
static struct vuart uart;
static struct domain *dom0;
static uint16_t port_base;
static unsigned int irq_pin; /* ISA IRQ of the port: 4 for COM1/COM3, 3 for COM2/COM4 */
static bool irq_line;
static bool input_to_dom0 = true;
static unsigned int switch_presses;

static char line[LINE_MAX + 1];
static unsigned int line_len;
static uint64_t last_output_us;

static void flush_line(void)
{
	line[line_len++] = '\n';
	console_write("(d0) ", 5);
	console_write(line, line_len);
	line_len = 0;
}

static void dom0_output(uint8_t c, void *ctx)
{
	last_output_us = time_since_boot_us();
	if (c == '\r')
		return;
	if (c == '\n') {
		flush_line();
		return;
	}
	ASSERT(line_len < LINE_MAX); /* flushed at LINE_MAX, under the state lock */
	/* dom0's escape sequences must not drive the operator's terminal */
	line[line_len++] = (c < 0x20 && c != '\t') || c == 0x7f ? '?' : (char)c;
	if (line_len == LINE_MAX)
		flush_line(); /* room is kept for the newline */
}

/* Where dom0 routed the interrupt: its vector exists only on that CPU in Linux. */
static struct vcpu *irq_target(uint32_t rte_lo, uint32_t rte_hi)
{
	struct vcpu *t = direct_lapic_vcpu_for_dest(dom0, rte_hi >> 24, rte_lo & (1u << 11));

	return t ? t : dom0->vcpus[0];
}

/* Raise the interrupt on the line's rising edge (ISA interrupts are edge-triggered). */
static void update_irq(struct vcpu *current)
{
	bool now = vuart_irq_pending(&uart);
	uint32_t rte_lo = IOAPIC_RTE_MASKED, rte_hi = 0; /* masked until dom0 programs it */

	if (now && !irq_line && dom0_ioapic_entry(irq_pin, &rte_lo, &rte_hi) && !(rte_lo & IOAPIC_RTE_MASKED)) {
		struct vcpu *t = irq_target(rte_lo, rte_hi);

		__atomic_store_n(&t->arch.virq_vector, (int)(rte_lo & 0xff), __ATOMIC_RELEASE);
		if (t != current)
			arch_kick_cpu(t->pcpu);
	}
	irq_line = now;
}

static enum vdev_io_result console_io(struct vcpu *v, struct io_access *io, void *opaque)
{
	uint64_t flags;

	if (io->size != 1 || io->string)
		return VDEV_IO_GP; /* UART registers are bytes */
	flags = spin_lock_irqsave(&state_lock);
	if (io->in)
		io->value = vuart_read(&uart, io->port - port_base);
	else
		vuart_write(&uart, io->port - port_base, (uint8_t)io->value);
	update_irq(v);
	spin_unlock_irqrestore(&state_lock, flags);
	return VDEV_IO_DONE;
}

static void deliver(int c)
{
	if (input_to_dom0)
		vuart_receive(&uart, (uint8_t)c);
	else
		console_hypervisor_key(c);
}

static void input_byte(int c)
{
	if (c == SWITCH_KEY) {
		if (++switch_presses < SWITCH_PRESSES)
			return;
		switch_presses = 0;
		input_to_dom0 = !input_to_dom0;
		printk("(XL) console: input now goes to %s (Ctrl-A three times to switch)\n",
		       input_to_dom0 ? "dom0" : "the hypervisor ('h' for help)");
		return;
	}
	for (; switch_presses; switch_presses--)
		deliver(SWITCH_KEY); /* fewer than three: they were meant for dom0 */
	deliver(c);
}

static void console_poll(struct vcpu *v, void *opaque)
{
	uint64_t flags;
	int c;

	if (!port_base || v != dom0->vcpus[0])
		return;
	flags = spin_lock_irqsave(&state_lock);
	/*
	 * Bytes for dom0 are taken from the UART only while its queue has room
	 * for them (and Ctrl-A presses held back): the rest wait in the
	 * hardware, so pasted text is not cut.
	 */
	for (int n = 0; n < 64 && (!input_to_dom0 || vuart_rx_room(&uart) >= SWITCH_PRESSES) &&
			(c = uart_getc()) >= 0;
	     n++)
		input_byte(c);
	if (line_len && time_since_boot_us() - last_output_us > PARTIAL_FLUSH_US)
		flush_line();
	update_irq(v);
	spin_unlock_irqrestore(&state_lock, flags);
}

int dom0_console_init(struct domain *d)
{
	int err;

	dom0 = d;
	port_base = uart_console_port();
	if (!port_base)
		return 0; /* no serial console: dom0 gets the port like any other */
	irq_pin = port_base == 0x2f8 || port_base == 0x2e8 ? 3 : 4;
	vuart_init(&uart, dom0_output, NULL);
	err = vdev_io_register(d, port_base, 8, console_io, NULL);
	return err ? err : vdev_poll_register(d, console_poll, NULL);
}
