/*
 * A domain's memory seen from the hypervisor: which guest-physical
 * addresses are its RAM, and copies between that RAM and the hypervisor's
 * memory (xen-lite/guest_memory.c). Every address and length a guest gives
 * is checked here before a byte moves.
 */
#ifndef XEN_LITE_GUEST_MEMORY_H
#define XEN_LITE_GUEST_MEMORY_H

#include <xen-lite/addr.h>
#include <xen-lite/types.h>

struct domain;

/* gpa lies in the domain's RAM; so does all of [gpa, gpa + len). */
bool domain_is_ram(const struct domain *d, gpa_t gpa);
bool domain_range_is_ram(const struct domain *d, gpa_t gpa, uint64_t len);

/* Copy between hypervisor memory and guest-physical memory; 0, or -EFAULT with nothing copied. */
/*
 * The hypervisor's pointer to the 4 KiB page of guest RAM at gpa (page
 * aligned, checked by the caller with domain_range_is_ram()); valid while
 * the domain lives: its memory never moves.
 */
void *guest_ram_ptr(const struct domain *d, gpa_t gpa);
int copy_from_guest(struct domain *d, void *dst, gpa_t gpa, uint64_t len);
int copy_to_guest(struct domain *d, gpa_t gpa, const void *src, uint64_t len);

#endif
