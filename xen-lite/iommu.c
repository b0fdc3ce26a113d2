/*
 * The IOMMU in the core (Documentation/iommu.md): which driver runs the
 * node's IOMMUs, and what dom0's devices may reach by DMA - exactly dom0's
 * RAM, so that no device dom0 drives can touch the hypervisor, the guest
 * pool or another domain. The drivers (iommu/) know the hardware; this file
 * decides what is mapped.
 */
#include <xen-lite/arch/iommu.h>
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/errstr.h>
#include <xen-lite/iommu.h>
#include <xen-lite/log.h>
#include <xen-lite/params.h>
#include <xen-lite/pci_devices.h>

/* the core's ids for its spaces: dom0's, which every device starts in, and the empty one */
#define DOM0_SPACE_ID 1
#define QUARANTINE_SPACE_ID 2

static const struct iommu_driver *driver;
static unsigned int units;
static struct iommu_space *dom0_space;
static struct iommu_space *quarantine; /* maps nothing: where a device taken from dom0 waits */
static struct domain *dom0_domain;

void iommu_init(void)
{
	const struct iommu_driver *const *d;

	if (params.iommu == IOMMU_MODE_OFF) {
		log_warn("iommu: off (iommu=off): every device dom0 drives can reach all memory by DMA\n");
		return;
	}
	for (d = arch_iommu_drivers(); *d; d++) {
		int n = (*d)->probe();

		if (n > 0) {
			driver = *d;
			units = (unsigned int)n;
			log_info("iommu: %s, %u unit(s)\n", driver->name, units);
			return;
		}
		if (n < 0)
			log_err("iommu: %s present but not usable: %s\n", (*d)->name, errstr(n));
	}
	log_warn("iommu: none found: devices can reach all memory by DMA\n");
}

static int map_dom0_ram(struct domain *d)
{
	int err = 0;

	for (unsigned int b = 0; b < d->nr_blocks && !err; b++) {
		const struct mem_block *m = &d->blocks[b];

		/* dom0 is identity-mapped: its devices use the addresses it uses */
		err = driver->map(dom0_space, gpa_addr(m->gpa), m->hpa, m->size, IOMMU_READ | IOMMU_WRITE);
	}
	return err;
}

static int refuse_unprotected(const char *why)
{
	if (params.iommu != IOMMU_MODE_REQUIRED) {
		log_warn("iommu: dom0 is not protected from DMA: %s\n", why);
		return 0;
	}
	log_err("iommu: iommu=required but %s: dom0 is not started\n", why);
	return -ENODEV;
}

int iommu_dom0_protect(struct domain *d)
{
	int err;

	if (params.iommu == IOMMU_MODE_OFF)
		return 0;
	if (!driver)
		return refuse_unprotected("the node has no usable IOMMU");
	dom0_space = driver->space_create(DOM0_SPACE_ID);
	if (!dom0_space)
		return refuse_unprotected("no memory for dom0's IO page tables");
	err = map_dom0_ram(d);
	if (!err)
		err = driver->enable(dom0_space);
	if (err) {
		/* translation is off again: the driver turns nothing on that failed */
		driver->space_destroy(dom0_space);
		dom0_space = NULL;
		log_err("iommu: cannot set up dom0's IO address space: %s\n", errstr(err));
		return refuse_unprotected("its IOMMU could not be set up");
	}
	dom0_domain = d;
	/* made now, not at the first device taken: taking one then allocates nothing */
	quarantine = driver->space_create(QUARANTINE_SPACE_ID);
	if (!quarantine)
		log_warn("iommu: no memory for the empty IO space: no device can be taken from dom0\n");
	log_info("iommu: DMA remapping on: dom0's devices reach dom0's %u RAM range(s) only\n",
		 d->nr_blocks);
	return 0;
}

void iommu_get_status(struct iommu_status *st)
{
	st->driver = driver ? driver->name : NULL;
	st->units = driver ? units : 0;
	st->dma_remap = dom0_space != NULL;
	st->intr_remap = driver && dom0_space && driver->intr_remap();
	st->compat_blocked = st->intr_remap && iommu_dom0_intr_remapped();
	st->faults = iommu_faults_total();
}

const struct iommu_driver *iommu_active_driver(void)
{
	return dom0_space ? driver : NULL;
}

struct domain *iommu_dom0_domain(void)
{
	return dom0_domain;
}

int iommu_quarantine_device(uint16_t segment, uint16_t bdf)
{
	if (!dom0_space)
		return -ENXIO;
	if (!driver->attach)
		return -ENOSYS; /* this driver cannot move one device yet */
	return quarantine ? driver->attach(quarantine, segment, bdf) : -ENOMEM;
}

int iommu_domain_attach(struct domain *d, uint16_t segment, uint16_t bdf)
{
	int err = 0;

	if (!dom0_space)
		return -ENXIO;
	if (!driver->attach)
		return -ENOSYS;
	if (!d->io_space) {
		/* ids 1 and 2 are dom0's and the empty space; a guest's follow, unique while it lives */
		d->io_space = driver->space_create((uint16_t)(16 + d->id % 0xff00));
		if (!d->io_space)
			return -ENOMEM;
		/* the guest's devices use the addresses it uses: guest-physical, to its blocks */
		for (unsigned int b = 0; b < d->nr_blocks && !err; b++)
			err = driver->map(d->io_space, gpa_addr(d->blocks[b].gpa), d->blocks[b].hpa,
					  d->blocks[b].size, IOMMU_READ | IOMMU_WRITE);
		if (err) {
			iommu_domain_space_free(d);
			return err;
		}
	}
	return driver->attach(d->io_space, segment, bdf);
}

void iommu_domain_space_free(struct domain *d)
{
	if (d->io_space)
		driver->space_destroy(d->io_space);
	d->io_space = NULL;
}

int iommu_return_device(uint16_t segment, uint16_t bdf)
{
	if (!dom0_space)
		return -ENXIO;
	return driver->attach ? driver->attach(dom0_space, segment, bdf) : -ENOSYS;
}
