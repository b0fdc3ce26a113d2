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

bool dom0_io(struct vcpu *v, unsigned int port, uint64_t info)
{
	struct vmcb *vmcb = v->arch.vmcb;
	const struct reset_port *rp = NULL;

	for (unsigned int i = 0; i < ARRAY_SIZE(reset_ports); i++)
		if (reset_ports[i].port == port)
			rp = &reset_ports[i];
	/* only byte accesses reach these registers; anything else is treated as a plain access */
	if (!rp || !(info & IOIO_SIZE8))
		return false;
	if (info & IOIO_TYPE_IN) {
		vmcb->save.rax = (vmcb->save.rax & ~0xffULL) | inb((uint16_t)port);
	} else if (rp->resets((uint8_t)vmcb->save.rax)) {
		log_warn("dom0 reset the machine (port %#x, value %#x): a reboot or a panic\n", port,
			 (unsigned int)(vmcb->save.rax & 0xff));
		svm_dump_guest(v, "dom0 reset request");
		domain_shutdown(v->domain, XL_SHUTDOWN_REBOOT);
	} else {
		outb((uint16_t)port, (uint8_t)vmcb->save.rax);
	}
	vmcb->save.rip = vmcb->control.exit_info2;
	return true;
}
