/*
 * AMD-Vi, the AMD IOMMU (ACPI IVRS), as Documentation/iommu.md describes:
 *
 * - one device table for all 65536 requester ids of PCI segment 0, shared
 *   by every unit, so that a device no table lists (a hot-plugged one, a
 *   phantom function) is translated like the others, never let through;
 * - per unit a command buffer (invalidations, then a completion wait the
 *   CPU polls for) and an event log the core polls for faults;
 * - interrupts: dom0's devices pass theirs untranslated (dom0 programs its
 *   MSIs); a guest's device gets a remapping table whose entries the core
 *   sets from the MSIs the guest asked for (intr_set), and every other
 *   device's interrupts are blocked.
 */
#include <arch/paging.h>
#include <arch/platform.h>
#include <xen-lite/arch/mm.h>
#include <xen-lite/arch/relax.h>
#include <xen-lite/arch/time.h>
#include <xen-lite/errno.h>
#include <xen-lite/heap.h>
#include <xen-lite/iommu_driver.h>
#include <xen-lite/log.h>
#include <xen-lite/mm.h>
#include <xen-lite/spinlock.h>
#include <xen-lite/string.h>
#include "amd_vi_dte.h"
#include "amd_vi_event.h"
#include "amd_vi_irt.h"
#include "amd_vi_pt.h"

#define MAX_UNITS 8
#define REGS_SIZE 0x4000

/* registers */
#define REG_DEVTAB_BASE 0x0000
#define REG_CMD_BASE 0x0008
#define REG_EVT_BASE 0x0010
#define REG_CONTROL 0x0018
#define REG_EXCL_BASE 0x0020
#define REG_EXT_FEATURES 0x0030
#define REG_CMD_HEAD 0x2000
#define REG_CMD_TAIL 0x2008
#define REG_EVT_HEAD 0x2010
#define REG_EVT_TAIL 0x2018
#define REG_STATUS 0x2020

#define CONTROL_IOMMU_EN (1ULL << 0)
#define CONTROL_EVTLOG_EN (1ULL << 2)
#define CONTROL_CMDBUF_EN (1ULL << 12)
#define STATUS_EVT_OVERFLOW (1ULL << 0)
#define STATUS_W1C 0x7ULL /* overflow, event and completion interrupt bits */
#define EXT_FEATURE_INVALIDATE_ALL (1ULL << 6)

/* the device table: 32-byte entries, its size field counts 4 KiB pages less one */
#define DEVTAB_ENTRIES 65536
#define DEVTAB_BYTES (DEVTAB_ENTRIES * 32ULL)
#define DEVTAB_SIZE_FIELD (DEVTAB_BYTES / 4096 - 1)

/* command buffer and event log: one page each, 256 entries of 16 bytes (length field 8 = 2^8) */
#define RING_BYTES 4096u
#define RING_LEN_FIELD (8ULL << 56)
#define RING_OFFSET_MASK 0x7fff0ULL

#define CMD_COMPLETION_WAIT 1u
#define CMD_INVALIDATE_DEVTAB_ENTRY 2u
#define CMD_INVALIDATE_PAGES 3u
#define CMD_INVALIDATE_INTERRUPT_TABLE 5u
#define CMD_INVALIDATE_ALL 8u
#define COMPLETION_TIMEOUT_US 1000000


struct amd_vi_unit {
	volatile uint8_t *regs;
	uint64_t base;
	uint16_t devid;
	uint64_t features;
	uint32_t *cmd; /* the command buffer */
	uint32_t cmd_tail;
	uint32_t *events; /* the event log */
	uint32_t event_head;
};

struct iommu_space {
	struct amd_vi_pt pt;
	uint16_t id;
};

static struct amd_vi_unit units[MAX_UNITS];
static unsigned int nr_units;
static uint64_t *device_table;
static spinlock_t cmd_lock;
static volatile uint64_t completion_word; /* what a completion wait stores */
static uint64_t completion_seq;
static bool translating;
static const struct iommu_space *default_space; /* dom0's: what enable() gave every device */

/* the interrupt remapping tables of guests' devices (cmd_lock) */
#define MAX_IRTS 32
static struct device_irt {
	uint16_t bdf;
	uint32_t *table; /* AMD_VI_IRT_ENTRIES entries, in a page of its own */
} irts[MAX_IRTS];
static unsigned int nr_irts;

static uint64_t reg_read(const struct amd_vi_unit *u, unsigned int reg)
{
	return *(volatile uint64_t *)(u->regs + reg);
}

static void reg_write(const struct amd_vi_unit *u, unsigned int reg, uint64_t v)
{
	*(volatile uint64_t *)(u->regs + reg) = v;
}

/* ---- commands -------------------------------------------------------------------- */

/* Queue one 16-byte command; false when the unit did not make room in time. */
static bool cmd_queue(struct amd_vi_unit *u, const uint32_t c[4])
{
	uint32_t next = (u->cmd_tail + 16) % RING_BYTES;
	uint64_t start = time_since_boot_us();

	while ((reg_read(u, REG_CMD_HEAD) & RING_OFFSET_MASK) == next) {
		if (time_since_boot_us() - start > COMPLETION_TIMEOUT_US)
			return false;
		cpu_relax();
	}
	memcpy((uint8_t *)u->cmd + u->cmd_tail, c, 16);
	__atomic_thread_fence(__ATOMIC_SEQ_CST); /* the command is in memory before the tail moves */
	u->cmd_tail = next;
	reg_write(u, REG_CMD_TAIL, next);
	return true;
}

/* Wait until the unit has executed everything queued before (a completion wait that stores). */
static bool cmd_sync(struct amd_vi_unit *u)
{
	uint64_t pa = virt_to_phys((const void *)&completion_word);
	uint64_t seq = ++completion_seq;
	const uint32_t c[4] = { (uint32_t)pa | 1u /* store */,
				(uint32_t)(pa >> 32) | CMD_COMPLETION_WAIT << 28, (uint32_t)seq,
				(uint32_t)(seq >> 32) };
	uint64_t start = time_since_boot_us();

	if (!cmd_queue(u, c))
		return false;
	while (completion_word != seq) {
		if (time_since_boot_us() - start > COMPLETION_TIMEOUT_US)
			return false;
		cpu_relax();
	}
	return true;
}

/* Drop everything a unit may have cached of the device table and the IO page tables. */
static bool invalidate_all(struct amd_vi_unit *u, uint16_t space_id)
{
	const uint32_t all[4] = { 0, CMD_INVALIDATE_ALL << 28, 0, 0 };
	/* every page of the space: S=1, PDE=1 and the address that means "all" */
	const uint32_t pages[4] = { 0, space_id | CMD_INVALIDATE_PAGES << 28, 0xfffff003u, 0x7fffffffu };
	bool ok = true;

	if (u->features & EXT_FEATURE_INVALIDATE_ALL)
		return cmd_queue(u, all) && cmd_sync(u);
	for (uint32_t id = 0; id < DEVTAB_ENTRIES && ok; id++) {
		const uint32_t dte[4] = { id, CMD_INVALIDATE_DEVTAB_ENTRY << 28, 0, 0 };

		ok = cmd_queue(u, dte);
	}
	return ok && cmd_queue(u, pages) && cmd_sync(u);
}

/* ---- probe ----------------------------------------------------------------------- */

static bool seen(uint64_t base)
{
	for (unsigned int i = 0; i < nr_units; i++)
		if (units[i].base == base)
			return true;
	return false;
}

static int unit_setup(struct amd_vi_unit *u, const struct acpi_iommu_region *r)
{
	u->base = r->base;
	u->devid = r->devid;
	u->regs = arch_mmio_map(r->base, REGS_SIZE);
	u->cmd = alloc_page_zeroed();
	u->events = alloc_page_zeroed();
	if (!u->regs || !u->cmd || !u->events)
		return -ENOMEM;
	reg_write(u, REG_CONTROL, 0); /* whatever the firmware left on */
	u->features = reg_read(u, REG_EXT_FEATURES);
	reg_write(u, REG_DEVTAB_BASE, virt_to_phys(device_table) | DEVTAB_SIZE_FIELD);
	reg_write(u, REG_CMD_BASE, virt_to_phys(u->cmd) | RING_LEN_FIELD);
	reg_write(u, REG_EVT_BASE, virt_to_phys(u->events) | RING_LEN_FIELD);
	reg_write(u, REG_CMD_HEAD, 0);
	reg_write(u, REG_CMD_TAIL, 0);
	reg_write(u, REG_EVT_HEAD, 0);
	reg_write(u, REG_EVT_TAIL, 0);
	reg_write(u, REG_EXCL_BASE, 0); /* no range the IOMMU lets through untranslated */
	reg_write(u, REG_STATUS, STATUS_W1C);
	log_info("iommu: AMD-Vi unit at %#llx (device %02x:%02x.%u), extended features %#llx\n",
		 (unsigned long long)u->base, u->devid >> 8, (u->devid >> 3) & 0x1f, u->devid & 7,
		 (unsigned long long)u->features);
	return 0;
}

static int amd_vi_probe(void)
{
	struct acpi_iommu_region r[MAX_UNITS * 2];
	unsigned int n = acpi_iommu_regions(platform_direct_map, NULL, platform_acpi(), r, ARRAY_SIZE(r));
	int err = 0;

	for (unsigned int i = 0; i < n && !err; i++) {
		/* IVRS describes a unit once per IVHD type it supports: the same registers */
		if (!r[i].amd || seen(r[i].base))
			continue;
		if (r[i].segment) {
			log_err("iommu: AMD-Vi unit at %#llx serves PCI segment %u: only segment 0 is supported\n",
				(unsigned long long)r[i].base, r[i].segment);
			err = -ENODEV;
		} else if (nr_units == MAX_UNITS) {
			log_err("iommu: more than %u AMD-Vi units\n", MAX_UNITS);
			err = -ENODEV;
		} else if (!device_table && !(device_table = alloc_pages(DEVTAB_BYTES))) {
			err = -ENOMEM;
		} else {
			err = unit_setup(&units[nr_units++], &r[i]);
		}
	}
	return err ? err : (int)nr_units;
}

/* ---- spaces ---------------------------------------------------------------------- */

static void *pt_alloc(void)
{
	return alloc_page_zeroed();
}

static void pt_free(void *page)
{
	free_pages(page, PAGE_SIZE);
}

static uint64_t pt_to_phys(const void *page)
{
	return virt_to_phys(page);
}

static const struct io_pt_ops pt_ops = { pt_alloc, pt_free, pt_to_phys, phys_to_virt };

static struct iommu_space *amd_vi_space_create(uint16_t id)
{
	struct iommu_space *s = xl_zalloc(sizeof(*s));

	if (s && amd_vi_pt_init(&s->pt, &pt_ops)) {
		xl_free(s);
		s = NULL;
	}
	if (s)
		s->id = id;
	return s;
}

static void amd_vi_space_destroy(struct iommu_space *s)
{
	amd_vi_pt_free(&s->pt);
	xl_free(s);
}

static int amd_vi_map(struct iommu_space *s, uint64_t iova, hpa_t hpa, uint64_t size, unsigned int perm)
{
	return amd_vi_pt_map(&s->pt, iova, hpa_addr(hpa), size, perm);
}

/* ---- translation on -------------------------------------------------------------- */

static struct device_irt *irt_of(uint32_t id)
{
	for (unsigned int i = 0; i < nr_irts; i++)
		if (irts[i].bdf == id)
			return &irts[i];
	return NULL;
}

/*
 * dom0's devices (the space enable() gave every device) pass their
 * interrupts; a device with a remapping table has them remapped; others'
 * are blocked.
 */
static void set_device(uint32_t id, const struct iommu_space *s)
{
	volatile uint64_t *dte = &device_table[id * 4];
	const struct device_irt *irt = nr_irts ? irt_of(id) : NULL;
	uint64_t w[4];

	amd_vi_dte_compose(virt_to_phys(s->pt.root), s->id, s == default_space, w);
	if (irt)
		w[2] = amd_vi_dte_intr_remapped(virt_to_phys(irt->table));
	dte[1] = w[1];
	dte[2] = w[2];
	dte[3] = w[3];
	dte[0] = w[0]; /* last: the word with the valid bits */
}

static void set_all_devices(const struct iommu_space *s)
{
	for (uint32_t id = 0; id < DEVTAB_ENTRIES; id++)
		set_device(id, s);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

static void all_units_off(void)
{
	for (unsigned int i = 0; i < nr_units; i++)
		reg_write(&units[i], REG_CONTROL, 0);
	translating = false;
}

static int amd_vi_enable(struct iommu_space *s)
{
	int err = 0;

	default_space = s;
	set_all_devices(s);
	spin_lock(&cmd_lock);
	for (unsigned int i = 0; i < nr_units && !err; i++) {
		struct amd_vi_unit *u = &units[i];

		reg_write(u, REG_CONTROL, CONTROL_IOMMU_EN | CONTROL_CMDBUF_EN | CONTROL_EVTLOG_EN);
		if (!invalidate_all(u, s->id)) {
			log_err("iommu: AMD-Vi unit at %#llx does not complete its commands\n",
				(unsigned long long)u->base);
			err = -ETIMEDOUT;
		}
	}
	if (err)
		all_units_off();
	else
		translating = true;
	spin_unlock(&cmd_lock);
	return err;
}

/*
 * One device into another space. A unit reads an entry again only after it
 * is invalidated (or dropped from its cache): the two words are written
 * domain id first, then the root, and the entry and both spaces'
 * translations are invalidated on every unit (they share the table).
 */
static int amd_vi_attach(struct iommu_space *s, uint16_t segment, uint16_t bdf)
{
	uint16_t old_id = (uint16_t)device_table[bdf * 4 + 1];
	const uint32_t dte[4] = { bdf, CMD_INVALIDATE_DEVTAB_ENTRY << 28, 0, 0 };
	const uint32_t old_pages[4] = { 0, old_id | CMD_INVALIDATE_PAGES << 28, 0xfffff003u, 0x7fffffffu };
	int err = 0;

	struct device_irt *irt;
	uint32_t *dropped = NULL;

	if (segment || !translating)
		return -ENODEV;
	spin_lock(&cmd_lock);
	irt = irt_of(bdf);
	if (irt) { /* a guest's table goes with the guest: interrupts blocked until the next one's */
		dropped = irt->table;
		*irt = irts[--nr_irts];
	}
	set_device(bdf, s);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	for (unsigned int i = 0; i < nr_units && !err; i++)
		if (!cmd_queue(&units[i], dte) || !cmd_queue(&units[i], old_pages) || !cmd_sync(&units[i])) {
			log_err("iommu: AMD-Vi unit at %#llx does not confirm device %02x:%02x.%u's move\n",
				(unsigned long long)units[i].base, bdf >> 8, (bdf >> 3) & 0x1f, bdf & 7);
			err = -ETIMEDOUT;
		}
	spin_unlock(&cmd_lock);
	if (dropped && !err)
		free_pages(dropped, PAGE_SIZE); /* else a unit may still read it: kept */
	return err;
}

/* ---- interrupt remapping --------------------------------------------------------- */

/* The table of a device a guest has, made (every entry off) and put in its entry on first use. */
static struct device_irt *irt_get(uint16_t bdf, bool *made)
{
	struct device_irt *irt = irt_of(bdf);
	uint32_t *table;

	*made = false;
	if (irt || nr_irts == MAX_IRTS || !(table = alloc_page_zeroed()))
		return irt;
	irt = &irts[nr_irts++];
	*irt = (struct device_irt){ bdf, table };
	*made = true;
	return irt;
}

/*
 * Entry index of the device's table: t's vector to APIC id dest, or off (the trigger
 * mode travels in the message: AMD-Vi's entries have none). The
 * entry is written before the units drop what they cached of the table (and,
 * for a new table, of the device's entry, now pointing at it).
 */
static int amd_vi_intr_set(uint16_t segment, uint16_t bdf, unsigned int index, const struct iommu_intr_target *t,
			   struct iommu_msi *msg)
{
	uint32_t dest = t->dest;
	uint8_t vector = t->vector;
	const uint32_t inval_dte[4] = { bdf, CMD_INVALIDATE_DEVTAB_ENTRY << 28, 0, 0 };
	const uint32_t inval_irt[4] = { bdf, CMD_INVALIDATE_INTERRUPT_TABLE << 28, 0, 0 };
	struct device_irt *irt;
	bool made;
	int err = 0;

	if (segment || !translating)
		return -ENODEV;
	if (index >= AMD_VI_IRT_ENTRIES || (vector && !amd_vi_irte_compose(dest, vector)))
		return -EINVAL;
	spin_lock(&cmd_lock);
	irt = irt_get(bdf, &made);
	if (!irt) {
		spin_unlock(&cmd_lock);
		return -ENOMEM;
	}
	__atomic_store_n(&irt->table[index], amd_vi_irte_compose(dest, vector), __ATOMIC_SEQ_CST);
	if (made) {
		device_table[bdf * 4 + 2] = amd_vi_dte_intr_remapped(virt_to_phys(irt->table));
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
	}
	for (unsigned int i = 0; i < nr_units && !err; i++)
		if ((made && !cmd_queue(&units[i], inval_dte)) || !cmd_queue(&units[i], inval_irt) ||
		    !cmd_sync(&units[i]))
			err = -ETIMEDOUT;
	spin_unlock(&cmd_lock);
	/* the message that selects the entry: fixed type (data bits 10:8 clear), the index */
	msg->addr = 0xfee00000u;
	msg->data = index;
	msg->handle = index;
	return err;
}

/* ---- faults ---------------------------------------------------------------------- */

static void event_restart(struct amd_vi_unit *u)
{
	/* an overflowed log is restarted empty, with the log off while its pointers move */
	reg_write(u, REG_CONTROL, CONTROL_IOMMU_EN | CONTROL_CMDBUF_EN);
	reg_write(u, REG_EVT_HEAD, 0);
	reg_write(u, REG_EVT_TAIL, 0);
	u->event_head = 0;
	memset(u->events, 0, RING_BYTES);
	reg_write(u, REG_STATUS, STATUS_EVT_OVERFLOW);
	reg_write(u, REG_CONTROL, CONTROL_IOMMU_EN | CONTROL_CMDBUF_EN | CONTROL_EVTLOG_EN);
}

/*
 * Entries are taken while the one at the head has an event code, and
 * cleared once read, rather than up to the tail register: hardware may move
 * the tail before the entry is written, and QEMU's model never moves it.
 */
static unsigned int unit_poll(struct amd_vi_unit *u, iommu_fault_fn fn, void *ctx)
{
	unsigned int n = 0;

	for (;;) {
		uint32_t *e = (uint32_t *)((uint8_t *)u->events + u->event_head);
		uint32_t entry[4];
		struct iommu_fault f = { .segment = 0 };

		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		memcpy(entry, e, sizeof(entry));
		if (n == RING_BYTES / AMD_VI_EVENT_BYTES || !amd_vi_event_decode(entry, &f))
			break;
		memset(e, 0, AMD_VI_EVENT_BYTES);
		fn(&f, ctx);
		n++;
		u->event_head = (u->event_head + AMD_VI_EVENT_BYTES) % RING_BYTES;
	}
	if (n)
		reg_write(u, REG_EVT_HEAD, u->event_head);
	if (reg_read(u, REG_STATUS) & STATUS_EVT_OVERFLOW) {
		struct iommu_fault f = { .addr = ~0ULL, .bdf = u->devid, .what = "fault log overflowed" };

		fn(&f, ctx);
		n++;
		event_restart(u);
	}
	return n;
}

static unsigned int amd_vi_poll_faults(iommu_fault_fn fn, void *ctx)
{
	unsigned int n = 0;

	if (!translating)
		return 0;
	spin_lock(&cmd_lock);
	for (unsigned int i = 0; i < nr_units; i++)
		n += unit_poll(&units[i], fn, ctx);
	spin_unlock(&cmd_lock);
	return n;
}

/* guests' devices' interrupts go through their tables */
static bool amd_vi_intr_remap(void)
{
	return translating;
}

const struct iommu_driver amd_vi_driver = {
	.name = "AMD-Vi",
	.probe = amd_vi_probe,
	.space_create = amd_vi_space_create,
	.space_destroy = amd_vi_space_destroy,
	.map = amd_vi_map,
	.enable = amd_vi_enable,
	.attach = amd_vi_attach,
	.poll_faults = amd_vi_poll_faults,
	.intr_remap = amd_vi_intr_remap,
	.intr_set = amd_vi_intr_set,
};
