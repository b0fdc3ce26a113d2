/*
 * A Linux guest's platform devices, each registered for its domain
 * (arch/vdev.h) by arch_linux_guest_platform() (guest/linux_platform.c).
 */
#ifndef ARCH_GUEST_DEVICES_H
#define ARCH_GUEST_DEVICES_H

struct domain;

/* The 16550 at COM1's ports that carries its console (guest/guest_uart.c). */
int guest_uart_init(struct domain *d);
/* Its ACPI sleep control/status and reset registers (guest/guest_power.c). */
int guest_power_init(struct domain *d);

#endif
