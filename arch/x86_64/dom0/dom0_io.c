/*
 * The few I/O ports dom0 does not reach directly: the ways to reset the
 * machine. A reset would take the hypervisor and every guest with it, so a
 * write that resets ends dom0 instead (Linux reboots, and panics with
 * panic=N, this way) and dom0_on_crash= decides about the node. Every other
 * access to these ports is carried out on the hardware for dom0.
 */
#include <arch/cpu.h>
#include <arch/svm_internal.h>
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

void dom0_io_intercept_resets(uint8_t *iopm)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(reset_ports); i++)
		iopm[reset_ports[i].port / 8] |= (uint8_t)(1u << (reset_ports[i].port % 8));
}

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
 * writes 0x92 too), except a dword at 0xCF8, which is PCI's CONFIG_ADDRESS.
 */
static bool out_resets(unsigned int port, unsigned int size, uint32_t value)
{
	if (size == 4 && port == PORT_RESET_CTRL - 1)
		return false;
	for (unsigned int i = 0; i < size; i++) {
		const struct reset_port *rp = reset_port_at(port + i);

		if (rp && rp->resets((uint8_t)(value >> (8 * i))))
			return true;
	}
	return false;
}

static unsigned int access_size(uint64_t info)
{
	return info & IOIO_SIZE8 ? 1 : info & IOIO_SIZE16 ? 2 : 4;
}

static uint32_t hw_in(uint16_t port, unsigned int size)
{
	return size == 1 ? inb(port) : size == 2 ? inw(port) : inl(port);
}

static void hw_out(uint16_t port, unsigned int size, uint32_t value)
{
	if (size == 1)
		outb(port, (uint8_t)value);
	else if (size == 2)
		outw(port, (uint16_t)value);
	else
		outl(port, value);
}

/*
 * An access that touches a reset port: the permission map intercepts every
 * access covering one of its bytes (a 32-bit write to 0xCF8 covers 0xCF9),
 * so anything that does not reset is carried out on the hardware as is.
 */
bool dom0_io(struct vcpu *v, unsigned int port, uint64_t info)
{
	struct vmcb *vmcb = v->arch.vmcb;
	unsigned int size = access_size(info);
	uint32_t value = (uint32_t)vmcb->save.rax;
	uint64_t mask = size == 4 ? 0xffffffffULL : (1ULL << (8 * size)) - 1;

	if (info & IOIO_TYPE_IN) {
		uint32_t in = hw_in((uint16_t)port, size);

		/* a 32-bit IN zero-extends into RAX; narrower ones keep the rest */
		vmcb->save.rax = size == 4 ? in : (vmcb->save.rax & ~mask) | in;
		vmcb->save.rip = vmcb->control.exit_info2;
		return true;
	}
	if (out_resets(port, size, value)) {
		log_warn("dom0 reset the machine (port %#x, value %#x): a reboot or a panic\n", port,
			 value & (uint32_t)mask);
		svm_dump_guest(v, "dom0 reset request");
		domain_shutdown(v->domain, XL_SHUTDOWN_REBOOT);
		vmcb->save.rip = vmcb->control.exit_info2;
		return true;
	}
	hw_out((uint16_t)port, size, value);
	vmcb->save.rip = vmcb->control.exit_info2;
	return true;
}
