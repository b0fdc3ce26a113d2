/*
 * VT-d interrupt remapping (iommu/vtd_ir.h): the table every unit shares,
 * turning remapping on, and the blocks of entries each source gets (a
 * guest's device, or one of dom0's devices or I/O APICs).
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
#define FIRST_BLOCK 1 /* block 0 stays empty: handle 0 is what a zeroed message names */

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
	 * messages whatever CFI says, so blocking them cannot be shown there).
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

	for (unsigned int b = FIRST_BLOCK; b < NR_BLOCKS; b++) {
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

int vtd_ir_set(struct vtd_unit *units, unsigned int n, uint16_t sid, unsigned int index,
	       const struct iommu_intr_target *t, struct iommu_msi *msg)
{
	const struct vtd_irte_target target = { .dest = t->dest, .vector = t->vector, .level = t->level };
	struct device_block *b;
	unsigned int base;
	uint64_t e[2];
	int err;

	if (index >= VTD_IR_BLOCK || t->dest > 0xff)
		return -EINVAL;
	spin_lock(&ir_lock);
	b = block_of(sid, true);
	if (!b) {
		spin_unlock(&ir_lock);
		return -ENOSPC;
	}
	base = (unsigned int)(b - blocks) * VTD_IR_BLOCK;
	vtd_irte_compose(&target, sid, e);
	write_entry(base + index, e);
	err = invalidate_everywhere(units, n, (int)(base + index));
	spin_unlock(&ir_lock);
	/* the block's handle with a subhandle: the data word picks the entry (a multi-message MSI's too) */
	msg->addr = vtd_irte_msi_addr(base, true);
	msg->data = index;
	msg->handle = base + index;
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
