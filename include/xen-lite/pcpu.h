/*
 * Physical CPUs and who owns them (xen-lite/pcpu.c): each CPU runs one
 * vCPU of one domain or nothing (space sharing). CPU 0 is the
 * hypervisor's, and dom0's to run on; the others are the guests' pool.
 */
#ifndef XEN_LITE_PCPU_H
#define XEN_LITE_PCPU_H

#include <xen-lite/types.h>

struct domain;

/* Free for a guest: online, not CPU 0, owned by nobody. */
bool pcpu_is_free(unsigned int cpu);
unsigned int pcpus_free(void);
/* The owner's domain id, or -1 when free. */
int pcpu_owner_id(unsigned int cpu);

/* Give cpu to d (CPU 0 only to dom0): 0, or -EBUSY when it is not free. */
int pcpu_claim(unsigned int cpu, struct domain *d);
void pcpu_release(unsigned int cpu);

/*
 * Choose a physical CPU for each of n vCPUs: want[i] names one, or is -1
 * for any free one. Named CPUs must be free (-EBUSY, also for one that
 * does not exist) and distinct (-EINVAL); the others get the lowest free
 * CPUs nobody named (-EBUSY when too few are free). Nothing is claimed.
 */
int pcpu_choose(const int32_t *want, unsigned int n, unsigned int *out);

#endif
