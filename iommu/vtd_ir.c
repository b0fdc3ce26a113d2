/*
 * VT-d interrupt remapping (iommu/vtd_ir.h): the table every unit shares,
 * turning remapping on, and the blocks of entries guests' devices get.
 * Entries change under one lock; each change is followed by an interrupt
 * entry cache invalidation on every unit, confirmed, before the caller
 * hands the device its message.
 */
#include <xen-lite/errno.h>
#include <xen-lite/log.h>
#include <xen-lite/mm.h>
#include <xen-lite/spinlock.h>
#include <xen-lite/string.h>

#include "vtd.h"
#include "vtd_ir.h"

#define NR_BLOCKS (VTD_IR_ENTRIES / VTD_IR_BLOCK)
#define FIRST_GUEST_BLOCK 1 /* block 0: dom0's sources */

static volatile uint64_t *table; /* VTD_IR_ENTRIES x 2 quadwords */
static spinlock_t ir_lock;
static struct device_block {
	bool used;
	uint16_t bdf;
} blocks[NR_BLOCKS];

bool vtd_ir_supported(const struct vtd_unit *u)
{
	return (u->ecap & VTD_ECAP_IR) && u->queue;
}

/* Point the unit at the table, drop what it cached, and turn remapping on. */
int vtd_ir_enable(struct vtd_unit *u, bool compat_allowed)
{
	uint32_t settings;
	int err;

	if (!table) {
		table = alloc_pages(VTD_IR_ENTRIES * 16ULL);
		if (!table)
			return -ENOMEM;
		memset((void *)table, 0, VTD_IR_ENTRIES * 16ULL);
		vtd_write_back((const void *)table, VTD_IR_ENTRIES * 16ULL);
	}
	vtd_write64(u, VTD_REG_IRTA, virt_to_phys((const void *)table) | VTD_IR_SIZE_FIELD); /* EIME 0 */
	err = vtd_set_command(u, VTD_GCMD_SIRTP, true, "interrupt remapping table pointer");
	if (!err)
		err = vtd_inval_iec(u, -1);
	if (err)
		return err;
	/*
	 * CFI and IRE in one command. Only IRE is waited for: QEMU's model
	 * never shows CFI in its status (it passes compatibility-format
	 * messages whatever CFI says).
	 */
	settings = vtd_read32(u, VTD_REG_GSTS) & VTD_GSTS_SETTINGS & ~VTD_GCMD_CFI;
	vtd_write32(u, VTD_REG_GCMD, settings | (compat_allowed ? VTD_GCMD_CFI : 0) | VTD_GCMD_IRE);
	err = vtd_wait32(u, VTD_REG_GSTS, VTD_GCMD_IRE, VTD_GCMD_IRE, "interrupt remapping enable");
	if (!err && compat_allowed != !!(vtd_read32(u, VTD_REG_GSTS) & VTD_GCMD_CFI))
		log_warn("vtd: unit %#llx does not show compatibility format interrupts %s in its status\n",
			 (unsigned long long)u->base, compat_allowed ? "allowed" : "blocked");
	return err;
}

/* Entry i becomes e (not present first, so that no unit reads half of each). */
static void write_entry(unsigned int i, const uint64_t e[2])
{
	table[2 * i] = 0;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	table[2 * i + 1] = e[1];
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	table[2 * i] = e[0];
	vtd_write_back((const void *)&table[2 * i], 16);
}

static int invalidate_everywhere(struct vtd_unit *units, unsigned int n, int entry)
{
	int err = 0;

	for (unsigned int i = 0; i < n && !err; i++)
		err = vtd_inval_iec(&units[i], entry);
	return err;
}

static struct device_block *block_of(uint16_t bdf, bool make)
{
	struct device_block *free = NULL;

	for (unsigned int b = FIRST_GUEST_BLOCK; b < NR_BLOCKS; b++) {
		if (blocks[b].used && blocks[b].bdf == bdf)
			return &blocks[b];
		if (!blocks[b].used && !free)
			free = &blocks[b];
	}
	if (!make || !free)
		return NULL;
	*free = (struct device_block){ true, bdf };
	return free;
}

int vtd_ir_set_guest(struct vtd_unit *units, unsigned int n, uint16_t bdf, unsigned int index, uint32_t dest,
		     uint8_t vector, struct iommu_msi *msg)
{
	const struct vtd_irte_target t = { .dest = dest, .vector = vector };
	struct device_block *b;
	unsigned int entry;
	uint64_t e[2];
	int err;

	if (index >= VTD_IR_BLOCK || dest > 0xff)
		return -EINVAL;
	spin_lock(&ir_lock);
	b = block_of(bdf, true);
	if (!b) {
		spin_unlock(&ir_lock);
		return -ENOSPC;
	}
	entry = (unsigned int)(b - blocks) * VTD_IR_BLOCK + index;
	vtd_irte_compose(&t, bdf, e);
	write_entry(entry, e);
	err = invalidate_everywhere(units, n, (int)entry);
	spin_unlock(&ir_lock);
	msg->addr = vtd_irte_msi_addr(entry);
	msg->data = 0;
	return err;
}

int vtd_ir_release_device(struct vtd_unit *units, unsigned int n, uint16_t bdf)
{
	static const uint64_t none[2] = { 0, 0 };
	struct device_block *b;
	int err = 0;

	spin_lock(&ir_lock);
	b = block_of(bdf, false);
	if (b) {
		unsigned int first = (unsigned int)(b - blocks) * VTD_IR_BLOCK;

		for (unsigned int i = 0; i < VTD_IR_BLOCK; i++)
			write_entry(first + i, none);
		err = invalidate_everywhere(units, n, -1);
		if (!err)
			b->used = false; /* else a unit may still hold an entry: the block stays taken */
	}
	spin_unlock(&ir_lock);
	return err;
}
