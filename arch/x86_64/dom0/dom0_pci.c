/*
 * dom0's PCI configuration space: direct, except that the functions the
 * hypervisor keeps (an AMD-Vi unit carries its capability, and with it the
 * base of its registers, in a PCI function) take no writes from dom0: dom0
 * may read them, as lspci does, but not turn their bus mastering off or
 * move their registers. Both ways in are covered: the legacy ports
 * (CONFIG_ADDRESS, a dword at 0xCF8, and CONFIG_DATA at 0xCFC-0xCFF), whose
 * accesses the hypervisor carries out itself under one lock so that no
 * other vCPU can change the address between the check and the access, and
 * the function's page of the ECAM window (MCFG), written through a trap.
 * Where dom0's interrupts are remapped, every configuration write of
 * dom0's is looked at - through the ports and through the whole ECAM
 * window alike - for the MSI and MSI-X model (dom0/dom0_msi.c).
 */
#include <arch/dom0_devices.h>
#include <arch/pci_config.h>
#include <arch/platform.h>
#include <arch/vdev.h>
#include <xen-lite/acpi.h>
#include <xen-lite/arch/mm.h>
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/log.h>

#define MAX_GUARDED 8

struct guarded_function {
	uint16_t segment, bdf;
	const char *what;
	bool reported[2]; /* through the ports, through ECAM */
};

static struct guarded_function guarded[MAX_GUARDED];
static unsigned int nr_guarded;
static uint32_t config_address; /* dom0's, as the hardware register would hold it (config lock) */

static struct guarded_function *guarded_at(uint16_t segment, uint16_t bdf)
{
	for (unsigned int i = 0; i < nr_guarded; i++)
		if (guarded[i].segment == segment && guarded[i].bdf == bdf)
			return &guarded[i];
	return NULL;
}

static void refuse(struct guarded_function *g, unsigned int offset, bool ecam)
{
	if (g->reported[ecam])
		return;
	g->reported[ecam] = true; /* once per function and way: dom0 may retry in a loop */
	log_warn("dom0: a write to the PCI configuration of %s (%04x:%02x:%02x.%u, offset %#x, %s) refused\n",
		 g->what, g->segment, g->bdf >> 8, (g->bdf >> 3) & 0x1f, g->bdf & 7, offset,
		 ecam ? "ECAM" : "port 0xcfc");
}

enum vdev_io_result dom0_pci_address(struct io_access *io)
{
	uint64_t flags = pci_config_lock();

	if (io->in)
		io->value = config_address;
	else
		config_address = io->value;
	pci_config_unlock(flags);
	return VDEV_IO_DONE;
}

/*
 * A write to MSI or MSI-X goes to their model first (dom0/dom0_msi.c),
 * outside the lock: it makes configuration accesses of its own. The
 * address is the one dom0 had selected when it wrote.
 */
static enum vdev_io_result config_data(struct vcpu *v, struct io_access *io, void *opaque)
{
	struct guarded_function *g;
	unsigned int offset;
	uint32_t address;
	uint64_t flags;

	if (io->string)
		return VDEV_IO_UNCLAIMED; /* refused like any string I/O */
	flags = pci_config_lock();
	address = config_address;
	if (io->in)
		io->value = pci_conf1_data(address, io->port, io->size, false, 0);
	pci_config_unlock(flags);
	if (io->in || !(address & PCI_CONFIG_ENABLE))
		return VDEV_IO_DONE; /* without the enable bit a write goes nowhere */
	offset = (address & 0xfc) + (io->port - PCI_PORT_CONFIG_DATA);
	g = guarded_at(0, (uint16_t)(address >> 8));
	if (g)
		refuse(g, offset, false);
	else if (!dom0_msi_config_write(0, (uint16_t)(address >> 8), offset, io->size, io->value)) {
		flags = pci_config_lock();
		pci_conf1_data(address, io->port, io->size, true, io->value);
		pci_config_unlock(flags);
	}
	return VDEV_IO_DONE;
}

static void ecam_store(struct vcpu *v, gpa_t gpa, uint64_t value, unsigned int size, void *opaque)
{
	refuse(opaque, (unsigned int)(gpa_addr(gpa) & 0xfff), true);
}

/* ---- the whole ECAM window, where dom0's MSIs are remapped ---- */

static struct ecam_window {
	uint16_t segment;
	uint8_t bus_start;
	uint64_t base; /* bus 0's, as the MCFG gives it */
	volatile uint8_t *va; /* the window from bus_start on */
} windows[ACPI_MAX_MCFG];
static unsigned int nr_windows;

/* Every write of dom0's to configuration space through ECAM: guarded, MSI, or as it is. */
static void window_store(struct vcpu *v, gpa_t gpa, uint64_t value, unsigned int size, void *opaque)
{
	const struct ecam_window *w = opaque;
	uint64_t off = gpa_addr(gpa) - w->base;
	uint16_t bdf = (uint16_t)(off >> 12);
	unsigned int reg = (unsigned int)(off & 0xfff);
	struct guarded_function *g = guarded_at(w->segment, bdf);
	volatile uint8_t *at = w->va + (off - ((uint64_t)w->bus_start << 20));

	if (g)
		refuse(g, reg, true);
	else if (reg & (size - 1) || dom0_msi_config_write(w->segment, bdf, reg, size, (uint32_t)value))
		return; /* unaligned: dropped, as the hardware would */
	else if (size == 1)
		*at = (uint8_t)value;
	else if (size == 2)
		*(volatile uint16_t *)at = (uint16_t)value;
	else
		*(volatile uint32_t *)at = (uint32_t)value;
}

/*
 * dom0's ECAM windows become write-trapped: where dom0's MSIs are remapped,
 * a write to an MSI capability must not reach the function as it is, by
 * any way in. Writes to configuration space are rare; reads stay native.
 */
int dom0_pci_trap_ecam(struct domain *d)
{
	const struct acpi_info *acpi = platform_acpi();
	int err = 0;

	for (unsigned int i = 0; i < acpi->mcfg_count && !err; i++) {
		const struct acpi_mcfg_seg *m = &acpi->mcfg[i];
		struct ecam_window *w = &windows[nr_windows];
		uint64_t start = m->base + ((uint64_t)m->bus_start << 20);
		uint64_t size = (uint64_t)(m->bus_end - m->bus_start + 1) << 20;

		*w = (struct ecam_window){ m->segment, m->bus_start, m->base, arch_mmio_map(start, size) };
		if (!w->va)
			return -ENOMEM;
		nr_windows++;
		err = vdev_mmio_register_stores(d, gpa_init(start), size, "PCI configuration space", 1 | 2 | 4,
						window_store, w);
	}
	return err;
}

int dom0_pci_init(struct domain *d)
{
	return vdev_io_register(d, PCI_PORT_CONFIG_DATA, 4, config_data, NULL);
}

/* The ECAM page of a function, or 0 when no MCFG window covers its bus. */
static uint64_t ecam_page(uint16_t segment, uint16_t bdf)
{
	const struct acpi_info *acpi = platform_acpi();
	unsigned int bus = bdf >> 8;

	for (unsigned int i = 0; i < acpi->mcfg_count; i++) {
		const struct acpi_mcfg_seg *m = &acpi->mcfg[i];

		if (m->segment == segment && bus >= m->bus_start && bus <= m->bus_end)
			return m->base + ((uint64_t)bdf << 12); /* the base is bus 0's */
	}
	return 0;
}

int dom0_pci_guard(struct domain *d, uint16_t segment, uint16_t bdf, const char *what)
{
	struct guarded_function *g = guarded_at(segment, bdf);
	uint64_t page = ecam_page(segment, bdf);

	if (g)
		return 0;
	if (nr_guarded == MAX_GUARDED)
		return -ENOSPC;
	g = &guarded[nr_guarded++];
	*g = (struct guarded_function){ segment, bdf, what, { false, false } };
	/* without an ECAM window the legacy ports are the only way in; a trapped window covers it */
	return page && !nr_windows ? vdev_mmio_register_stores(d, gpa_init(page), PAGE_SIZE, what, 1 | 2 | 4 | 8,
								ecam_store, g)
				   : 0;
}
