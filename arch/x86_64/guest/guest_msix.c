/*
 * MSI-X for a Linux guest's function (arch/guest_pci.h). The table lives in
 * one of the function's BARs, which the guest reaches directly; its pages
 * are made read-only for the guest, so each write to them exits and lands
 * here: a write to an entry updates the guest's copy and then the real
 * entry - masked, or unmasked with the routed message (guest_msi.c) -
 * and a write elsewhere on those pages (registers sharing a page with the
 * table, the pending bits) goes to the function as it is. Reads are
 * native: an entry reads as what the function really sends.
 */
#include <arch/guest_pci.h>
#include <arch/mmio_map_cache.h>
#include <arch/vdev.h>
#include <xen-lite/addr.h>
#include <xen-lite/arch/mm.h>
#include <xen-lite/arch/pci.h>
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/log.h>

#define MSIX_TABLE_SIZE_MASK 0x7ffu
#define MSIX_BIR_MASK 0x7u
#define ENTRY_BYTES 16
#define ENTRY_ADDR_LO 0
#define ENTRY_ADDR_HI 4
#define ENTRY_DATA 8
#define ENTRY_CTRL 12
#define ENTRY_MASKED 1u

static void real_write(struct guest_pci_fn *f, unsigned int entry, unsigned int field, uint32_t v)
{
	f->msix_real[(entry * ENTRY_BYTES + field) / 4] = v;
}

/* Entry i of the function sends the routed message of what the guest wrote, or is masked. */
static void entry_apply(struct domain *d, struct guest_pci_fn *f, unsigned int i)
{
	const struct guest_msix_entry *e = &f->msix[i];
	struct iommu_msi out;

	real_write(f, i, ENTRY_CTRL, ENTRY_MASKED);
	if (e->ctrl & ENTRY_MASKED ||
	    guest_msi_route(d, f, i, e->addr_lo | (uint64_t)e->addr_hi << 32, e->data, &out))
		return;
	real_write(f, i, ENTRY_ADDR_LO, (uint32_t)out.addr);
	real_write(f, i, ENTRY_ADDR_HI, (uint32_t)(out.addr >> 32));
	real_write(f, i, ENTRY_DATA, out.data);
	real_write(f, i, ENTRY_CTRL, 0);
}

/* One aligned dword of the trapped pages. */
static void dword_store(struct domain *d, struct guest_pci_fn *f, uint64_t pa, uint32_t v, uint32_t mask)
{
	uint64_t off = pa - f->msix_table;
	uint32_t *field;

	if (pa < f->msix_table || off >= f->msix_bytes) {
		/* not the table: the function's own register on the same page, written as it is */
		uint64_t first_page = ALIGN_DOWN(f->msix_table, PAGE_SIZE);
		volatile uint32_t *at = f->msix_real - (f->msix_table - first_page) / 4 + (pa - first_page) / 4;

		*at = (*at & ~mask) | (v & mask);
		return;
	}
	if (off >= (uint64_t)f->msix_entries * ENTRY_BYTES)
		return; /* an entry beyond those the guest may use: stays masked */
	field = &(&f->msix[off / ENTRY_BYTES].addr_lo)[(off % ENTRY_BYTES) / 4];
	*field = (*field & ~mask) | (v & mask);
	entry_apply(d, f, (unsigned int)(off / ENTRY_BYTES));
}

static void table_store(struct vcpu *v, gpa_t gpa, uint64_t value, unsigned int size, void *opaque)
{
	struct domain *d = v->domain;
	struct guest_pci_fn *f = opaque;
	struct guest_pci *bus = d->arch.guest_pci;
	uint64_t pa = gpa_addr(gpa); /* the BAR is at its own address */
	uint64_t first_page = ALIGN_DOWN(f->msix_table, PAGE_SIZE), flags;

	if (pa & (size - 1) || pa < first_page || pa + size > ALIGN_UP(f->msix_table + f->msix_bytes, PAGE_SIZE))
		return; /* unaligned, or running past the trapped pages: dropped */
	flags = spin_lock_irqsave(&bus->lock);
	if (size == 8) {
		dword_store(d, f, pa, (uint32_t)value, 0xffffffffu);
		dword_store(d, f, pa + 4, (uint32_t)(value >> 32), 0xffffffffu);
	} else {
		unsigned int shift = 8 * (pa & 3);
		uint32_t mask = (size == 4 ? 0xffffffffu : (1u << 8 * size) - 1) << shift;

		dword_store(d, f, pa & ~3ULL, (uint32_t)value << shift, mask);
	}
	spin_unlock_irqrestore(&bus->lock, flags);
}

int guest_msix_init(struct domain *d, struct guest_pci_fn *f)
{
	const struct domain_pci *p = f->dev;
	uint32_t ctrl = arch_pci_config_read(p->bdf, f->cap_msix + PCI_MSIX_FLAGS, 2);
	uint32_t table = arch_pci_config_read(p->bdf, f->cap_msix + PCI_MSIX_TABLE, 4);
	unsigned int bir = table & MSIX_BIR_MASK, n = (ctrl & MSIX_TABLE_SIZE_MASK) + 1;
	uint64_t base, size;

	if (bir > 5 || !p->bar_size[bir] || (table & ~MSIX_BIR_MASK) + (uint64_t)n * ENTRY_BYTES > p->bar_size[bir])
		return -EINVAL; /* the table is not in a memory BAR the guest has */
	f->msix_table = p->bar[bir] + (table & ~MSIX_BIR_MASK);
	f->msix_entries = n < GUEST_MSIX_MAX ? n : GUEST_MSIX_MAX;
	f->msix_bytes = n * ENTRY_BYTES;
	base = ALIGN_DOWN(f->msix_table, PAGE_SIZE);
	size = ALIGN_UP(f->msix_table + (uint64_t)n * ENTRY_BYTES, PAGE_SIZE) - base;
	f->msix_real = mmio_map_cached(f->msix_table, (uint64_t)n * ENTRY_BYTES);
	if (!f->msix_real)
		return -ENOMEM;
	for (unsigned int i = 0; i < n; i++) { /* nothing the function was told before reaches the guest */
		real_write(f, i, ENTRY_CTRL, ENTRY_MASKED);
		if (i < f->msix_entries)
			f->msix[i].ctrl = ENTRY_MASKED;
	}
	return vdev_mmio_register_stores(d, gpa_init(base), size, "an MSI-X table", 1 | 2 | 4 | 8, table_store, f);
}
