/* The virtual 16550 dom0 sees in place of the hypervisor's console port (see arch/vuart.h). */
#include <arch/vuart.h>
#include <xen-lite/string.h>

#define REG_DATA 0 /* RBR / THR, or DLL with DLAB */
#define REG_IER 1 /* or DLM with DLAB */
#define REG_IIR 2 /* FCR on write */
#define REG_LCR 3
#define REG_MCR 4
#define REG_LSR 5
#define REG_MSR 6
#define REG_SCR 7

#define IER_RX 0x01
#define IER_THRE 0x02
#define IIR_NONE 0x01
#define IIR_THRE 0x02
#define IIR_RX 0x04
#define IIR_FIFO 0xC0
#define LCR_DLAB 0x80
#define MCR_OUT2 0x08
#define MCR_LOOP 0x10
#define LSR_DR 0x01
#define LSR_THRE 0x20
#define LSR_TEMT 0x40
#define FCR_ENABLE 0x01
#define FCR_CLEAR_RX 0x02

void vuart_init(struct vuart *u, void (*output)(uint8_t byte, void *ctx), void *ctx)
{
	memset(u, 0, sizeof(*u));
	u->output = output;
	u->ctx = ctx;
}

void vuart_receive(struct vuart *u, uint8_t byte)
{
	if (u->rx_count == VUART_RX_SIZE) {
		u->rx_dropped++;
		return;
	}
	u->rx[(u->rx_head + u->rx_count) % VUART_RX_SIZE] = byte;
	u->rx_count++;
}

unsigned int vuart_rx_room(const struct vuart *u)
{
	return VUART_RX_SIZE - u->rx_count;
}

static uint8_t rx_take(struct vuart *u)
{
	uint8_t b;

	if (!u->rx_count)
		return 0;
	b = u->rx[u->rx_head];
	u->rx_head = (u->rx_head + 1) % VUART_RX_SIZE;
	u->rx_count--;
	return b;
}

/* In loopback the modem outputs come back as inputs: DTR->DSR, RTS->CTS, OUT1->RI, OUT2->DCD. */
static uint8_t modem_status(const struct vuart *u)
{
	if (u->mcr & MCR_LOOP)
		return (uint8_t)(((u->mcr & 1) << 5) | ((u->mcr & 2) << 3) | ((u->mcr & 4) << 4) |
				 ((u->mcr & 8) << 4));
	return 0xB0; /* DCD, DSR, CTS: a cable that is always ready */
}

static uint8_t interrupt_id(struct vuart *u, bool consume)
{
	uint8_t fifo = (u->fcr & FCR_ENABLE) ? IIR_FIFO : 0;

	if ((u->ier & IER_RX) && u->rx_count)
		return fifo | IIR_RX;
	if ((u->ier & IER_THRE) && u->thre_pending) {
		if (consume)
			u->thre_pending = false; /* reading IIR acknowledges the THRE interrupt */
		return fifo | IIR_THRE;
	}
	return fifo | IIR_NONE;
}

bool vuart_irq_pending(const struct vuart *u)
{
	if (!(u->mcr & MCR_OUT2) || (u->mcr & MCR_LOOP))
		return false; /* OUT2 gates the interrupt line on PC UARTs */
	return ((u->ier & IER_RX) && u->rx_count) || ((u->ier & IER_THRE) && u->thre_pending);
}

uint8_t vuart_read(struct vuart *u, unsigned int offset)
{
	switch (offset & 7) {
	case REG_DATA:
		return u->lcr & LCR_DLAB ? u->dll : rx_take(u);
	case REG_IER:
		return u->lcr & LCR_DLAB ? u->dlm : u->ier;
	case REG_IIR:
		return interrupt_id(u, true);
	case REG_LCR:
		return u->lcr;
	case REG_MCR:
		return u->mcr;
	case REG_LSR:
		return LSR_THRE | LSR_TEMT | (u->rx_count ? LSR_DR : 0);
	case REG_MSR:
		return modem_status(u);
	default:
		return u->scr;
	}
}

static void transmit(struct vuart *u, uint8_t byte)
{
	if (u->mcr & MCR_LOOP)
		vuart_receive(u, byte);
	else if (u->output)
		u->output(byte, u->ctx);
	u->thre_pending = true; /* sent at once: the transmitter is empty again */
}

void vuart_write(struct vuart *u, unsigned int offset, uint8_t value)
{
	switch (offset & 7) {
	case REG_DATA:
		if (u->lcr & LCR_DLAB)
			u->dll = value;
		else
			transmit(u, value);
		break;
	case REG_IER:
		if (u->lcr & LCR_DLAB) {
			u->dlm = value;
		} else {
			/* enabling THRE with the transmitter empty raises the interrupt at once */
			if ((value & IER_THRE) && !(u->ier & IER_THRE))
				u->thre_pending = true;
			u->ier = value & 0x0f;
		}
		break;
	case REG_IIR:
		u->fcr = value;
		if (value & FCR_CLEAR_RX)
			u->rx_count = 0;
		break;
	case REG_LCR:
		u->lcr = value;
		break;
	case REG_MCR:
		u->mcr = value & 0x1f;
		break;
	case REG_LSR:
	case REG_MSR:
		break; /* read-only */
	default:
		u->scr = value;
		break;
	}
}
