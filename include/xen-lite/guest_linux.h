/*
 * Linux guests (type = "linux" in a config file): a stock bzImage with an
 * optional initramfs, booted through the 64-bit boot protocol on a platform
 * of dedicated CPUs with their local APICs, RAM, ACPI tables and one serial
 * port. Documentation/guests.md describes what the guest sees.
 */
#ifndef XEN_LITE_GUEST_LINUX_H
#define XEN_LITE_GUEST_LINUX_H

#include <xen-lite/domain.h>

#define GUEST_LINUX_MIN_MEM (64ULL << 20)
/*
 * Guest RAM is [0, 3 GiB) and what is beyond from 4 GiB up: the hole holds
 * the local APIC's page (and would hold PCI space), as on a PC. At most
 * 512 GiB: a domain has DOMAIN_MAX_BLOCKS blocks, 1 GiB pages at best.
 */
#define GUEST_LINUX_HOLE_START (3ULL << 30)
#define GUEST_LINUX_HOLE_END (4ULL << 30)
#define GUEST_LINUX_MAX_MEM (512ULL << 30)

/* Give a building Linux guest size bytes of RAM in that layout: 0, -ENOMEM or -ENOSPC. */
int guest_linux_alloc_memory(struct domain *d, uint64_t size);

/*
 * Build a Linux guest in d, which has its memory and vCPUs and is still
 * building: kernel payload, initramfs, boot parameters, e820 map, ACPI
 * tables, the local APIC mapping and the console UART; vCPU 0 starts at
 * the kernel's 64-bit entry, the others wait for the guest's INIT and SIPI.
 * The guest's command line gets "tsc_early_khz=<kHz> tsc=reliable noapic" added.
 * Returns 0, -E2BIG (memory beyond GUEST_LINUX_MAX_MEM, command line too
 * long), -ENOEXEC/-EINVAL (not a usable bzImage, memory not laid out by
 * guest_linux_alloc_memory()), -ENOMEM (no room).
 */
int guest_linux_build(struct domain *d, const void *kernel, uint64_t kernel_size,
		      const void *ramdisk, uint64_t ramdisk_size, const char *cmdline);

#endif
