/*
 * dom0's MSI-X tables where its interrupts are remapped (arch/dom0_intr.h).
 * While dom0 has MSI-X on for a function (dom0/dom0_msi.c), the table's
 * pages are read-only for dom0 and its writes land here. Entry i of the
 * function always sends the message that selects entry i of the function's
 * block of remapping entries; what dom0 writes into entry i's address and
 * data words is kept here and goes into that remapping entry instead, each
 * time the entry is unmasked or rewritten while unmasked. The mask bits, and
 * whatever else shares the table's pages (the pending bits, other
 * registers), go to the function as written. Reads stay native.
 */
#include <arch/dom0_devices.h>
#include <arch/dom0_intr.h>
#include <arch/mmio_map_cache.h>
#include <arch/vdev.h>
#include <xen-lite/addr.h>
#include <xen-lite/arch/mm.h>
#include <xen-lite/arch/pci.h>
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/heap.h>
#include <xen-lite/log.h>
#include <xen-lite/pci_regs.h>
#include <xen-lite/spinlock.h>

#define MAX_TABLES 32
#define MAX_ENTRIES 512 /* a source's block of remapping entries (iommu/vtd_ir.h) */
#define MSIX_TABLE_SIZE_MASK 0x7ffu
#define MSIX_BIR_MASK 0x7u
#define ENTRY_BYTES 16
#define ENTRY_ADDR_LO 0
#define ENTRY_ADDR_HI 1
#define ENTRY_DATA 2
#define ENTRY_CTRL 3 /* dwords */
#define ENTRY_MASKED 1u

struct msix_entry {
	uint32_t word[4]; /* dom0's address, data and control */
};

static struct dom0_msix {
	bool taken;
	uint16_t bdf;
	uint64_t table; /* physical */
	unsigned int entries; /* the function's, at most MAX_ENTRIES remapped */
	uint64_t trap_base, trap_size;
	volatile uint32_t *real; /* the table's mapping */
	struct msix_entry *mine; /* kept across give-back and take: a handler may still run */
	unsigned int mine_entries;
	spinlock_t lock;
} tables[MAX_TABLES];
static spinlock_t tables_lock;

static struct dom0_msix *table_of(uint16_t bdf, bool take)
{
	struct dom0_msix *free = NULL;

	for (unsigned int i = 0; i < MAX_TABLES; i++) {
		if (tables[i].mine && tables[i].bdf == bdf)
			return &tables[i];
		if (!tables[i].mine && !free)
			free = &tables[i];
	}
	return take ? free : NULL;
}

/* Where BAR bir of the function is, 0 if it is not a memory BAR. */
static uint64_t bar_address(uint16_t bdf, unsigned int bir)
{
	uint32_t lo = arch_pci_config_read(bdf, PCI_BAR0 + 4 * bir, 4);
	uint64_t addr = lo & ~0xfULL;

	if (lo & PCI_BAR_IO)
		return 0;
	if ((lo & PCI_BAR_TYPE_MASK) == PCI_BAR_64BIT && bir < 5)
		addr |= (uint64_t)arch_pci_config_read(bdf, PCI_BAR0 + 4 * (bir + 1), 4) << 32;
	return addr;
}

/* Entry i's remapping entry delivers what dom0 wrote into it (or nothing, if not allowed). */
static void route(struct domain *dom0, struct dom0_msix *t, unsigned int i)
{
	const struct msix_entry *e = &t->mine[i];
	struct dom0_intr want;
	struct iommu_msi msg;

	dom0_intr_from_msi((uint64_t)e->word[ENTRY_ADDR_HI] << 32 | e->word[ENTRY_ADDR_LO], e->word[ENTRY_DATA],
			   &want);
	dom0_intr_route(dom0, t->bdf, i, &want, &msg);
}

/* One aligned dword of the trapped pages, bytes in mask. */
static void dword_store(struct domain *dom0, struct dom0_msix *t, uint64_t pa, uint32_t v, uint32_t mask)
{
	uint64_t off = pa - t->table;
	unsigned int i, word;
	uint32_t *keep;
	bool was_masked;

	if (pa < t->table || off >= (uint64_t)t->entries * ENTRY_BYTES) {
		/* not an entry: the function's own register on the same pages, written as it is */
		volatile uint32_t *at = t->real + ((int64_t)pa - (int64_t)t->table) / 4;

		*at = (*at & ~mask) | (v & mask);
		return;
	}
	i = (unsigned int)(off / ENTRY_BYTES);
	word = (unsigned int)(off % ENTRY_BYTES) / 4;
	if (i >= t->mine_entries) {
		/* beyond the entries that can be remapped: only its mask bit, kept set */
		if (word == ENTRY_CTRL)
			t->real[i * 4 + ENTRY_CTRL] = ENTRY_MASKED;
		return;
	}
	keep = &t->mine[i].word[word];
	was_masked = t->mine[i].word[ENTRY_CTRL] & ENTRY_MASKED;
	*keep = (*keep & ~mask) | (v & mask);
	if (word != ENTRY_CTRL) {
		if (!was_masked)
			route(dom0, t, i); /* rewritten while it may send: the entry follows */
		return;
	}
	if (was_masked && !(*keep & ENTRY_MASKED))
		route(dom0, t, i); /* the entry first, then the function may send */
	t->real[i * 4 + ENTRY_CTRL] = *keep;
}

static void table_store(struct vcpu *v, gpa_t gpa, uint64_t value, unsigned int size, void *opaque)
{
	struct dom0_msix *t = opaque;
	uint64_t pa = gpa_addr(gpa), flags; /* dom0's addresses are the machine's */

	flags = spin_lock_irqsave(&t->lock);
	if (pa & (size - 1) || pa < t->trap_base || pa + size > t->trap_base + t->trap_size) {
		spin_unlock_irqrestore(&t->lock, flags);
		return; /* unaligned, or running past the trapped pages: dropped */
	}
	if (!t->taken) {
		/* given back while this write was on its way: what dom0 wrote, as it is */
		volatile uint32_t *at = t->real + ((int64_t)(pa & ~3ULL) - (int64_t)t->table) / 4;
		unsigned int shift = 8 * (pa & 3);
		uint32_t mask = size >= 4 ? 0xffffffffu : ((1u << 8 * size) - 1) << shift;

		*at = (*at & ~mask) | (((uint32_t)value << shift) & mask);
		if (size == 8)
			at[1] = (uint32_t)(value >> 32);
	} else if (size == 8) {
		dword_store(v->domain, t, pa, (uint32_t)value, 0xffffffffu);
		dword_store(v->domain, t, pa + 4, (uint32_t)(value >> 32), 0xffffffffu);
	} else {
		unsigned int shift = 8 * (pa & 3);
		uint32_t mask = (size == 4 ? 0xffffffffu : (1u << 8 * size) - 1) << shift;

		dword_store(v->domain, t, pa & ~3ULL, (uint32_t)value << shift, mask);
	}
	spin_unlock_irqrestore(&t->lock, flags);
}

/*
 * Every entry into the remapped form: dom0's words kept, each entry given
 * its message, and the unmasked ones their remapping entry.
 */
static int take_entries(struct domain *dom0, struct dom0_msix *t)
{
	static const struct iommu_intr_target nothing = { 0 };
	struct iommu_msi first;
	int err = iommu_intr_set(0, t->bdf, 0, &nothing, &first); /* the block's message (entry 0 set below) */

	for (unsigned int i = 0; i < t->entries && !err; i++) {
		volatile uint32_t *real = t->real + i * 4;

		if (i >= t->mine_entries) {
			real[ENTRY_CTRL] = ENTRY_MASKED;
			continue;
		}
		for (unsigned int w = 0; w < 4; w++)
			t->mine[i].word[w] = real[w];
		real[ENTRY_CTRL] = ENTRY_MASKED;
		if (!(t->mine[i].word[ENTRY_CTRL] & ENTRY_MASKED))
			route(dom0, t, i);
		real[ENTRY_ADDR_LO] = (uint32_t)first.addr;
		real[ENTRY_ADDR_HI] = (uint32_t)(first.addr >> 32);
		real[ENTRY_DATA] = first.data + i;
		real[ENTRY_CTRL] = t->mine[i].word[ENTRY_CTRL];
	}
	return err;
}

int dom0_msix_take(struct domain *dom0, uint16_t bdf, unsigned int cap)
{
	uint32_t ctrl = arch_pci_config_read(bdf, cap + PCI_MSIX_FLAGS, 2);
	uint32_t where = arch_pci_config_read(bdf, cap + PCI_MSIX_TABLE, 4);
	unsigned int n = (ctrl & MSIX_TABLE_SIZE_MASK) + 1;
	uint64_t bar = bar_address(bdf, where & MSIX_BIR_MASK), flags;
	struct dom0_msix *t;
	int err;

	if ((where & MSIX_BIR_MASK) > 5 || !bar)
		return -EINVAL;
	flags = spin_lock_irqsave(&tables_lock);
	t = table_of(bdf, true);
	if (t && !t->mine) {
		t->mine = xl_zalloc(MAX_ENTRIES * sizeof(*t->mine));
		t->bdf = bdf;
		t->lock = (spinlock_t)SPINLOCK_INIT;
	}
	spin_unlock_irqrestore(&tables_lock, flags);
	if (!t || !t->mine)
		return -ENOSPC;
	flags = spin_lock_irqsave(&t->lock);
	t->table = bar + (where & ~MSIX_BIR_MASK);
	t->entries = n;
	t->mine_entries = MIN(n, MAX_ENTRIES);
	t->trap_base = ALIGN_DOWN(t->table, PAGE_SIZE);
	t->trap_size = ALIGN_UP(t->table + (uint64_t)n * ENTRY_BYTES, PAGE_SIZE) - t->trap_base;
	t->real = mmio_map_cached(t->table, (uint64_t)n * ENTRY_BYTES);
	err = t->real ? take_entries(dom0, t) : -ENOMEM;
	if (!err)
		err = vdev_mmio_register_stores(dom0, gpa_init(t->trap_base), t->trap_size, "an MSI-X table",
						1 | 2 | 4 | 8, table_store, t);
	t->taken = !err;
	spin_unlock_irqrestore(&t->lock, flags);
	if (err)
		log_err("dom0: %02x:%02x.%u's MSI-X table could not be remapped (%d): its interrupts are lost\n",
			bdf >> 8, (bdf >> 3) & 0x1f, bdf & 7, err);
	else
		log_info("dom0: %02x:%02x.%u's MSI-X table remapped (%u entries%s)\n", bdf >> 8, (bdf >> 3) & 0x1f,
			 bdf & 7, n, n > MAX_ENTRIES ? ": those from 512 on stay masked" : "");
	return err;
}

void dom0_msix_give_back(struct domain *dom0, uint16_t bdf)
{
	struct dom0_msix *t = table_of(bdf, false);
	uint64_t flags;

	if (!t)
		return;
	flags = spin_lock_irqsave(&t->lock);
	if (t->taken && !vdev_mmio_unregister(dom0, gpa_init(t->trap_base), t->trap_size))
		t->taken = false;
	spin_unlock_irqrestore(&t->lock, flags);
}
