/*
 * What the platform learnt from the firmware at boot (cpu/platform.c): the
 * ACPI tables' summary, for the arch code that needs it later (SMP
 * bring-up, dom0's platform rewriting, the IOMMU).
 */
#ifndef ARCH_PLATFORM_H
#define ARCH_PLATFORM_H

#include <xen-lite/acpi.h>
#include <xen-lite/boot_info.h>

/* Find and parse the ACPI tables (a bad or missing set is reported; a summary is kept). */
const struct acpi_info *platform_acpi_init(const struct boot_info *bi);
const struct acpi_info *platform_acpi(void);
/* The phys_map_fn the ACPI parsers take: whatever the direct map reaches. */
const void *platform_direct_map(uint64_t pa, uint64_t len, void *ctx);

#endif
