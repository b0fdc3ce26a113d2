/* Loading a 64-bit ELF guest and building its start state (hypercalls/xen-lite-abi.h). */
#ifndef XEN_LITE_GUEST_LOADER_H
#define XEN_LITE_GUEST_LOADER_H

#include <xen-lite/domain.h>

/*
 * Copy the PT_LOAD segments of an ELF64 x86-64 executable into the
 * domain's memory (which must already be allocated) and set vCPU 0 to
 * start at its entry point with the documented boot state. Every field of
 * the image is checked: -ENOEXEC for something that is not such an ELF,
 * -EINVAL for segments outside guest memory or overlapping the start area,
 * -E2BIG if the memory is too large for the start area's page tables.
 */
int guest_load_elf(struct domain *d, const void *image, uint64_t size, const char *cmdline);

/* Largest guest memory the start area can identity-map. */
#define GUEST_START_MAX_MEM (12ULL << 30)

#endif
