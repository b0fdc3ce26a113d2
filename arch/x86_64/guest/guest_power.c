/*
 * A Linux guest's ACPI power and reset registers (the hardware-reduced FADT
 * of xen-lite/guest_acpi.c points at these I/O ports): writing SLP_EN with
 * the SLP_TYP of \_S5 to the sleep control register powers the domain off,
 * writing the reset value to the reset register reboots it - which, for a
 * guest, ends it with reason reboot. Other sleep states are not offered.
 */
#include <arch/svm_internal.h>
#include <xen-lite-abi.h>
#include <xen-lite/domain.h>
#include <xen-lite/guest_acpi.h>
#include <xen-lite/log.h>

#define SLP_TYP_SHIFT 2
#define SLP_TYP_MASK 7u
#define WAK_STS 0x80 /* sleep status: woken (a sleep that is not offered returns at once) */

static void sleep_control(struct domain *d, uint8_t value)
{
	if (!(value & GUEST_ACPI_SLP_EN))
		return;
	if (((value >> SLP_TYP_SHIFT) & SLP_TYP_MASK) != GUEST_ACPI_S5_SLP_TYP)
		return; /* S1-S4 are not in the tables */
	log_info("domain d%u (%s): ACPI power off\n", d->id, d->name);
	domain_shutdown(d, XL_SHUTDOWN_POWEROFF);
}

bool guest_power_io(struct vcpu *v, unsigned int port, uint64_t info)
{
	struct vmcb *vmcb = v->arch.vmcb;
	uint8_t value = (uint8_t)vmcb->save.rax;

	if (port < GUEST_ACPI_SLEEP_CONTROL_PORT || port > GUEST_ACPI_RESET_PORT)
		return false;
	if (!(info & IOIO_SIZE8) || (info & (IOIO_STRING | IOIO_REP))) {
		svm_inject_exception(v, 13, true, 0); /* byte registers */
		return true;
	}
	if (info & IOIO_TYPE_IN) {
		value = port == GUEST_ACPI_SLEEP_STATUS_PORT ? WAK_STS : 0;
		vmcb->save.rax = (vmcb->save.rax & ~0xffULL) | value;
	} else if (port == GUEST_ACPI_SLEEP_CONTROL_PORT) {
		sleep_control(v->domain, value);
	} else if (port == GUEST_ACPI_RESET_PORT && value == GUEST_ACPI_RESET_VALUE) {
		log_info("domain d%u (%s): ACPI reset\n", v->domain->id, v->domain->name);
		domain_shutdown(v->domain, XL_SHUTDOWN_REBOOT);
	}
	vmcb->save.rip = vmcb->control.exit_info2;
	return true;
}
