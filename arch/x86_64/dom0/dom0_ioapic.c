/*
 * dom0's I/O APICs (arch/dom0_devices.h). dom0 drives them, but each
 * access to one is emulated: the hypervisor keeps what dom0 wrote to every
 * redirection entry - dom0's serial console routes its virtual UART's
 * interrupt by the entry of its pin - and, where the IOMMU blocks
 * compatibility-format interrupts (VT-d remapping, arch/dom0_intr.h),
 * gives each unmasked pin a remapping entry and writes the entry in the
 * remappable format in its place. Reads of an entry return what dom0
 * wrote, with the hardware's live bits (delivery status, remote IRR):
 * Linux reads an entry back and writes it again, and must not write back
 * the remappable form's handle as a destination.
 *
 * The index register is dom0's (kept here); the hardware's is put back to
 * dom0's choice after every access, all under the I/O APIC's lock.
 */
#include <arch/dom0_devices.h>
#include <arch/dom0_intr.h>
#include <arch/ioapic.h>
#include <arch/platform.h>
#include <arch/vdev.h>
#include <xen-lite/acpi.h>
#include <xen-lite/arch/mm.h>
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/iommu.h>
#include <xen-lite/log.h>
#include <xen-lite/spinlock.h>

static struct dom0_ioapic {
	uint64_t pa;
	volatile uint32_t *regs;
	uint32_t gsi_base;
	unsigned int pins;
	uint16_t sid; /* its requester id (DMAR scope) */
	bool has_sid;
	spinlock_t lock; /* sel, rte[] and the hardware's index register */
	uint32_t sel; /* dom0's index register */
	uint32_t rte[IOAPIC_MAX_PINS][2]; /* what dom0 wrote: low, high */
	uint8_t id;
	bool reported[IOAPIC_MAX_PINS]; /* its first remapping logged */
} ioapics[ACPI_MAX_IOAPICS];
static unsigned int nr_ioapics;
static struct domain *dom0;
static bool remapped;

static uint32_t reg_read(struct dom0_ioapic *io, uint32_t reg)
{
	io->regs[IOAPIC_REGSEL / 4] = reg;
	return io->regs[IOAPIC_WIN / 4];
}

static void reg_write(struct dom0_ioapic *io, uint32_t reg, uint32_t value)
{
	io->regs[IOAPIC_REGSEL / 4] = reg;
	io->regs[IOAPIC_WIN / 4] = value;
}

/* What the hardware gets for a pin: dom0's entry, or its remappable form; masked when it cannot be had. */
static void hardware_entry(struct dom0_ioapic *io, unsigned int pin, uint32_t *low, uint32_t *high)
{
	struct dom0_intr want;
	struct iommu_msi msg;

	*low = io->rte[pin][0];
	*high = io->rte[pin][1];
	if (!remapped || *low & IOAPIC_RTE_MASKED)
		return; /* a masked entry sends nothing: it needs no remapping entry yet */
	dom0_intr_from_rte(*low, *high, &want);
	if (!io->has_sid || dom0_intr_route(dom0, io->sid, pin, &want, &msg)) {
		*low |= IOAPIC_RTE_MASKED; /* a compatibility-format entry would be blocked anyway */
		return;
	}
	ioapic_rte_remappable(msg.handle, *low, low, high);
	if (!io->reported[pin])
		log_info("dom0: I/O APIC %u pin %u remapped (entry %u)\n", io->id, pin, msg.handle);
	io->reported[pin] = true;
}

/* The pin's entry into the hardware: masked first, unmasked last (never half of each). */
static void program_pin(struct dom0_ioapic *io, unsigned int pin)
{
	uint32_t low, high, reg = IOAPIC_REG_RTE + 2 * pin;

	hardware_entry(io, pin, &low, &high);
	reg_write(io, reg, low | IOAPIC_RTE_MASKED);
	reg_write(io, reg + 1, high);
	if (!(low & IOAPIC_RTE_MASKED))
		reg_write(io, reg, low);
}

#define RTE_LIVE_BITS (1u << 14 | 1u << 12) /* remote IRR, delivery status: the hardware's */

static uint32_t ioapic_read(struct vcpu *v, gpa_t gpa, void *opaque)
{
	struct dom0_ioapic *io = opaque;
	uint64_t off = gpa_addr(gpa) - io->pa;
	uint64_t flags = spin_lock_irqsave(&io->lock);
	uint32_t reg = io->sel, value;

	if (off == IOAPIC_REGSEL) {
		value = io->sel;
	} else if (off == IOAPIC_WIN && reg >= IOAPIC_REG_RTE && reg < IOAPIC_REG_RTE + 2 * io->pins) {
		value = io->rte[(reg - IOAPIC_REG_RTE) / 2][(reg - IOAPIC_REG_RTE) & 1];
		if (!((reg - IOAPIC_REG_RTE) & 1))
			value = (value & ~RTE_LIVE_BITS) | (reg_read(io, reg) & RTE_LIVE_BITS);
	} else if (off == IOAPIC_WIN) {
		value = reg_read(io, reg); /* identity, version, arbitration */
	} else {
		value = off < PAGE_SIZE - 3 ? io->regs[off / 4] : 0;
	}
	io->regs[IOAPIC_REGSEL / 4] = io->sel;
	spin_unlock_irqrestore(&io->lock, flags);
	return value;
}

static void ioapic_write(struct vcpu *v, gpa_t gpa, uint32_t value, void *opaque)
{
	struct dom0_ioapic *io = opaque;
	uint64_t off = gpa_addr(gpa) - io->pa;
	uint64_t flags = spin_lock_irqsave(&io->lock);
	uint32_t reg = io->sel;

	if (off == IOAPIC_REGSEL) {
		io->sel = value & 0xff;
	} else if (off == IOAPIC_WIN && reg >= IOAPIC_REG_RTE && reg < IOAPIC_REG_RTE + 2 * io->pins) {
		io->rte[(reg - IOAPIC_REG_RTE) / 2][(reg - IOAPIC_REG_RTE) & 1] = value;
		program_pin(io, (reg - IOAPIC_REG_RTE) / 2);
	} else if (off < PAGE_SIZE - 3 && !(off & 3)) {
		/* the identity and arbitration registers, the EOI register: as they are */
		io->regs[IOAPIC_REGSEL / 4] = io->sel;
		io->regs[off / 4] = value;
	}
	io->regs[IOAPIC_REGSEL / 4] = io->sel;
	spin_unlock_irqrestore(&io->lock, flags);
}

static int add_ioapic(struct domain *d, const struct acpi_ioapic *a)
{
	struct dom0_ioapic *io = &ioapics[nr_ioapics];
	uint32_t version;

	if (a->addr & 0xfff)
		return -EINVAL; /* its page is trapped: it must start one */
	*io = (struct dom0_ioapic){ .pa = a->addr, .gsi_base = a->gsi_base, .id = a->id, .lock = SPINLOCK_INIT };
	io->regs = arch_mmio_map(a->addr, PAGE_SIZE);
	if (!io->regs)
		return -ENOMEM;
	version = reg_read(io, IOAPIC_REG_VERSION);
	io->pins = MIN(((version >> 16) & 0xff) + 1, IOAPIC_MAX_PINS);
	for (unsigned int pin = 0; pin < io->pins; pin++) {
		io->rte[pin][0] = reg_read(io, IOAPIC_REG_RTE + 2 * pin);
		io->rte[pin][1] = reg_read(io, IOAPIC_REG_RTE + 2 * pin + 1);
	}
	io->has_sid = acpi_dmar_ioapic_sid(platform_direct_map, NULL, platform_acpi(), a->id, &io->sid);
	if (remapped) {
		if (!io->has_sid)
			log_err("dom0: the DMAR names no requester id for I/O APIC %u: its interrupts stay "
				"masked\n", a->id);
		/* what the firmware left is in the compatibility format, which the IOMMU blocks: masked */
		for (unsigned int pin = 0; pin < io->pins; pin++)
			reg_write(io, IOAPIC_REG_RTE + 2 * pin, io->rte[pin][0] | IOAPIC_RTE_MASKED);
	}
	io->regs[IOAPIC_REGSEL / 4] = io->sel;
	nr_ioapics++;
	return vdev_mmio_register_emulated(d, gpa_init(a->addr), PAGE_SIZE, "an I/O APIC", ioapic_read,
					   ioapic_write, io);
}

int dom0_ioapic_init(struct domain *d)
{
	const struct acpi_info *acpi = platform_acpi();
	int err = 0;

	dom0 = d;
	remapped = iommu_dom0_intr_remapped();
	for (unsigned int i = 0; i < acpi->ioapic_count && !err; i++)
		err = add_ioapic(d, &acpi->ioapics[i]);
	if (!err && remapped)
		log_info("dom0: %u I/O APIC(s): each pin dom0 programs gets an interrupt remapping entry\n",
			 nr_ioapics);
	return err;
}

bool dom0_ioapic_entry(unsigned int gsi, uint32_t *low, uint32_t *high)
{
	for (unsigned int i = 0; i < nr_ioapics; i++) {
		struct dom0_ioapic *io = &ioapics[i];

		if (gsi >= io->gsi_base && gsi - io->gsi_base < io->pins) {
			uint64_t flags = spin_lock_irqsave(&io->lock);

			*low = io->rte[gsi - io->gsi_base][0];
			*high = io->rte[gsi - io->gsi_base][1];
			spin_unlock_irqrestore(&io->lock, flags);
			return true;
		}
	}
	return false;
}
