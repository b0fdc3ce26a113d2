/*
 * A Linux guest's ACPI power and reset registers (the hardware-reduced FADT
 * of xen-lite/guest_acpi.c points at these I/O ports): writing SLP_EN with
 * the SLP_TYP of \_S5 to the sleep control register powers the domain off,
 * writing the reset value to the reset register reboots it - which, for a
 * guest, ends it with reason reboot: its on_reboot action follows (a fresh
 * domain by default, xen-lite/guest.c). Other sleep states are not offered.
 * The three byte registers are one device (arch/vdev.h).
 */
#include <arch/guest_devices.h>
#include <arch/vdev.h>
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

static enum vdev_io_result power_io(struct vcpu *v, struct io_access *io, void *opaque)
{
	uint8_t value = (uint8_t)io->value;

	if (io->size != 1 || io->string)
		return VDEV_IO_GP; /* byte registers */
	if (io->in) {
		io->value = io->port == GUEST_ACPI_SLEEP_STATUS_PORT ? WAK_STS : 0;
	} else if (io->port == GUEST_ACPI_SLEEP_CONTROL_PORT) {
		sleep_control(v->domain, value);
	} else if (io->port == GUEST_ACPI_RESET_PORT && value == GUEST_ACPI_RESET_VALUE) {
		log_info("domain d%u (%s): ACPI reset\n", v->domain->id, v->domain->name);
		domain_shutdown(v->domain, XL_SHUTDOWN_REBOOT);
	}
	return VDEV_IO_DONE;
}

int guest_power_init(struct domain *d)
{
	return vdev_io_register(d, GUEST_ACPI_SLEEP_CONTROL_PORT,
				GUEST_ACPI_RESET_PORT - GUEST_ACPI_SLEEP_CONTROL_PORT + 1, power_io, NULL);
}
