/*
 * The few I/O ports dom0 does not reach directly: the ways to reset the
 * machine. A reset would take the hypervisor and every guest with it, so a
 * write that resets ends dom0 instead (Linux reboots, and panics with
 * panic=N, this way) and dom0_on_crash= decides about the node. Every other
 * access to these ports is carried out on the hardware for dom0. Each port
 * is one of dom0's devices (arch/vdev.h).
 */
#include <arch/cpu.h>
#include <arch/dom0_devices.h>
#include <arch/vdev.h>
#include <arch/vmm.h>
#include <xen-lite-abi.h>
#include <xen-lite/domain.h>
#include <xen-lite/log.h>
#include <xen-lite/string.h>

#define PORT_SYSCTRL_A 0x92 /* bit 0: fast reset */
#define PORT_KBC_CMD 0x64 /* command 0xFE: pulse the reset line */
#define PORT_RESET_CTRL 0xCF9 /* bit 2: reset the CPU (with bit 1: hard reset) */

struct reset_port {
	uint16_t port;
	bool (*resets)(uint8_t value);
};

static bool sysctrl_resets(uint8_t v)
{
	return v & 1;
}

static bool kbc_resets(uint8_t v)
{
	/* 0xF0-0xFF pulse output lines; a clear bit 0 pulses the reset line */
	return (v & 0xf0) == 0xf0 && !(v & 1);
}

static bool resetctrl_resets(uint8_t v)
{
	return v & 4;
}

static const struct reset_port reset_ports[] = {
	{ PORT_SYSCTRL_A, sysctrl_resets },
	{ PORT_KBC_CMD, kbc_resets },
	{ PORT_RESET_CTRL, resetctrl_resets },
};

static const struct reset_port *reset_port_at(unsigned int port)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(reset_ports); i++)
		if (reset_ports[i].port == port)
			return &reset_ports[i];
	return NULL;
}

/*
 * Whether an OUT of size bytes at port resets the machine: any byte it
 * writes to a reset port with a resetting value counts (a word at 0x91
 * writes 0x92 too); a dword at 0xCF8 is PCI's CONFIG_ADDRESS and never comes here.
 */
static bool out_resets(unsigned int port, unsigned int size, uint32_t value)
{
	for (unsigned int i = 0; i < size; i++) {
		const struct reset_port *rp = reset_port_at(port + i);

		if (rp && rp->resets((uint8_t)(value >> (8 * i))))
			return true;
	}
	return false;
}

/*
 * An access that touches a reset port: the permission map intercepts every
 * access covering one of its bytes (a 32-bit write to 0xCF8 covers 0xCF9),
 * so anything that does not reset is carried out on the hardware as is.
 */
static enum vdev_io_result reset_port_io(struct vcpu *v, struct io_access *io, void *opaque)
{
	uint32_t mask = io->size == 4 ? 0xffffffffu : (1u << (8 * io->size)) - 1;

	if (io->string)
		return VDEV_IO_UNCLAIMED; /* refused like any string I/O */
	if (io->size == 4 && io->port == PORT_RESET_CTRL - 1)
		return dom0_pci_address(io); /* PCI's CONFIG_ADDRESS */
	if (io->in) {
		io->value = port_in(io->port, io->size);
		return VDEV_IO_DONE;
	}
	if (out_resets(io->port, io->size, io->value)) {
		log_warn("dom0 reset the machine (port %#x, value %#x): a reboot or a panic\n", io->port,
			 io->value & mask);
		vcpu_dump(v, "dom0 reset request");
		domain_shutdown(v->domain, XL_SHUTDOWN_REBOOT);
		return VDEV_IO_DONE;
	}
	port_out(io->port, io->size, io->value);
	return VDEV_IO_DONE;
}

int dom0_io_init(struct domain *d)
{
	int err = 0;

	for (unsigned int i = 0; i < ARRAY_SIZE(reset_ports) && !err; i++)
		err = vdev_io_register(d, reset_ports[i].port, 1, reset_port_io, NULL);
	return err;
}
