/*
 * The IOMMU as the core uses it (xen-lite/iommu.c, Documentation/iommu.md):
 * found at boot, then dom0's devices limited by DMA to dom0's memory;
 * faults collected, logged and counted per domain (xen-lite/iommu_faults.c).
 */
#ifndef XEN_LITE_IOMMU_H
#define XEN_LITE_IOMMU_H

#include <xen-lite/iommu_driver.h>
#include <xen-lite/types.h>

struct domain;

enum iommu_mode { IOMMU_MODE_ON, IOMMU_MODE_OFF, IOMMU_MODE_REQUIRED }; /* iommu= */

/* Boot, after memory and ACPI: find the IOMMUs (iommu= permitting). */
void iommu_init(void);

/*
 * dom0's DMA protection: every device gets an IO address space that maps
 * exactly dom0's RAM, and translation goes on. 0; 0 with a warning when
 * there is no IOMMU (iommu=on) or iommu=off; -ENODEV when iommu=required
 * and none protects the node (the reason is logged).
 */
int iommu_dom0_protect(struct domain *dom0);

/*
 * A device out of dom0's IO space into an empty one (every DMA blocked and
 * reported), and back. 0, -ENXIO when no IOMMU translates, -ENOMEM, or the
 * driver's error (iommu_driver.h's attach()).
 */
int iommu_quarantine_device(uint16_t segment, uint16_t bdf);
int iommu_return_device(uint16_t segment, uint16_t bdf);

/*
 * A guest's device into the guest's IO space, which maps the guest's RAM at
 * its guest-physical addresses (created with the first device). 0, -ENXIO,
 * -ENOSYS, -ENOMEM or the driver's error.
 */
int iommu_domain_attach(struct domain *d, uint16_t segment, uint16_t bdf);
/* Free the guest's IO space: only once none of its devices can use it any more. */
void iommu_domain_space_free(struct domain *d);

/*
 * An interrupt source's entry in the IOMMU's remapping table (the driver's
 * intr_set(), iommu_driver.h): a guest's device, or one of dom0's sources
 * when compatibility-format interrupts are blocked. -ENOSYS when the IOMMU
 * in use does not remap interrupts (the caller then programs a checked
 * message as it is), -ENXIO without an IOMMU.
 */
int iommu_intr_set(uint16_t segment, uint16_t sid, unsigned int index, const struct iommu_intr_target *t,
		   struct iommu_msi *msg);
/* Whether dom0's interrupt sources must go through remapping entries (intr_blocks_compat()). */
bool iommu_dom0_intr_remapped(void);

/* What xl-lite info shows. */
struct iommu_status {
	const char *driver; /* NULL: no IOMMU in use */
	unsigned int units;
	bool dma_remap, intr_remap;
	bool compat_blocked; /* compatibility-format interrupts blocked: dom0's sources remapped too */
	uint64_t faults; /* since boot, all domains */
};
void iommu_get_status(struct iommu_status *st);

/*
 * Collect the faults the IOMMUs recorded: each is logged (at most a few a
 * second, the rest counted in a summary line) and counted on the domain
 * whose device it was. Cheap when called often: it reads the hardware at
 * most every few milliseconds unless now is set. Never from an NMI.
 */
void iommu_poll_faults(bool now);

/* For the fault collection: the driver in use (NULL: no translation), dom0 once protected. */
const struct iommu_driver *iommu_active_driver(void);
struct domain *iommu_dom0_domain(void);
uint64_t iommu_faults_total(void);

#endif
