/*
 * The Intel VT-d driver (include/xen-lite/iommu_driver.h): DMA remapping in
 * legacy (non-scalable) mode. Every unit the DMAR table lists gets the same
 * entries: a root table whose 256 bus entries point to one shared context
 * table whose 256 entries all give the enabled space - so every requester id
 * of the unit's segment, listed in the DMAR or not, is translated by that
 * space's second-level tables (iommu/vtd_pt.c). A device attached to another
 * space gets its own entry in a context table of its bus's own
 * (iommu/vtd_ctx.c). Interrupt remapping (iommu/vtd_ir.c), where every unit
 * has it: guests' devices send remappable messages whose entries name their
 * requester id. Notes and measurements: Documentation/iommu-vtd-notes.md.
 */
#include <arch/platform.h>
#include <xen-lite/acpi.h>
#include <xen-lite/errno.h>
#include <xen-lite/heap.h>
#include <xen-lite/log.h>
#include <xen-lite/mm.h>

#include "vtd.h"
#include "vtd_pt.h"

#define SAGAW_3_LEVELS (1u << 1) /* 39-bit IO addresses */
#define SAGAW_4_LEVELS (1u << 2) /* 48-bit */
#define SLLPS_2M (1u << 0)
#define SLLPS_1G (1u << 1)

struct iommu_space {
	struct vtd_pt pt;
	uint16_t id;
};

static struct vtd_unit units[VTD_MAX_UNITS];
static unsigned int nr_units;

/* what every unit supports, so that one tree serves them all */
static unsigned int pt_levels, large_levels;
static uint64_t iova_limit;
static uint32_t domain_ids;
static bool walks_snoop; /* every unit's page walks snoop the CPU caches (ECAP.C) */
static bool translating;
static bool remapping_interrupts;

/* ---- page-table memory ----------------------------------------------------------- */

static uint64_t pt_alloc(void *ctx)
{
	void *p = alloc_page_zeroed();

	return p ? virt_to_phys(p) : 0;
}

static void pt_free(uint64_t pa, void *ctx)
{
	free_pages(phys_to_virt(pa), PAGE_SIZE);
}

static uint64_t *pt_table(uint64_t pa, void *ctx)
{
	return phys_to_virt(pa);
}

static void pt_write_back(const void *p, size_t len, void *ctx)
{
	vtd_write_back(p, len);
}

static const struct vtd_pt_ops snooped_ops = {
	.alloc_table = pt_alloc,
	.free_table = pt_free,
	.table_ptr = pt_table,
};

static const struct vtd_pt_ops written_back_ops = {
	.alloc_table = pt_alloc,
	.free_table = pt_free,
	.table_ptr = pt_table,
	.write_back = pt_write_back,
};

/* ---- probe ----------------------------------------------------------------------- */

/* Map a DRHD's registers and check that this driver can use the unit. */
static int unit_check(struct vtd_unit *u, uint64_t base, uint64_t size)
{
	unsigned int nfr, sagaw;

	if (!base || !IS_ALIGNED(base, PAGE_SIZE) || size < PAGE_SIZE) {
		log_err("vtd: DRHD register base %#llx size %#llx is not a page range\n",
			(unsigned long long)base, (unsigned long long)size);
		return -ENODEV;
	}
	u->base = base;
	u->reg_size = size;
	u->regs = arch_mmio_map(base, size);
	if (!u->regs)
		return -ENOMEM;
	u->cap = vtd_read64(u, VTD_REG_CAP);
	u->ecap = vtd_read64(u, VTD_REG_ECAP);
	if (!u->cap || u->cap == ~0ULL) {
		log_err("vtd: unit %#llx: CAP reads %#llx: no unit there\n", (unsigned long long)base,
			(unsigned long long)u->cap);
		return -ENODEV;
	}
	nfr = VTD_CAP_NFR(u->cap);
	sagaw = VTD_CAP_SAGAW(u->cap);
	log_info("vtd: unit %#llx: version %u.%u, CAP %#llx, ECAP %#llx\n", (unsigned long long)base,
		 (vtd_read32(u, VTD_REG_VER) >> 4) & 0xf, vtd_read32(u, VTD_REG_VER) & 0xf,
		 (unsigned long long)u->cap, (unsigned long long)u->ecap);
	if ((uint64_t)VTD_CAP_FRO(u->cap) * 16 + nfr * 16 > size ||
	    (uint64_t)VTD_ECAP_IRO(u->ecap) * 16 + 16 > size) {
		log_err("vtd: unit %#llx: fault records or IOTLB registers outside its %#llx bytes\n",
			(unsigned long long)base, (unsigned long long)size);
		return -ENODEV;
	}
	if (!(sagaw & (SAGAW_3_LEVELS | SAGAW_4_LEVELS))) {
		log_err("vtd: unit %#llx: supports no 3- or 4-level tables (SAGAW %#x)\n",
			(unsigned long long)base, sagaw);
		return -ENODEV;
	}
	return 0;
}

/* Translation or a queue left on by firmware or an earlier kernel: off before the tables change. */
static int unit_quiesce(struct vtd_unit *u)
{
	uint32_t sts = vtd_read32(u, VTD_REG_GSTS);
	int err = 0;

	if (sts & VTD_GCMD_TE) {
		log_warn("vtd: unit %#llx: translation was on at boot: turned off\n",
			 (unsigned long long)u->base);
		err = vtd_set_command(u, VTD_GCMD_TE, false, "translation disable");
	}
	if (!err && (sts & VTD_GCMD_QIE))
		err = vtd_set_command(u, VTD_GCMD_QIE, false, "invalidation queue disable");
	if (!err && (sts & VTD_GCMD_IRE))
		log_warn("vtd: unit %#llx: interrupt remapping was on at boot: left as it is\n",
			 (unsigned long long)u->base);
	return err;
}

/* The common ground of all units: table depth, large pages, IO address width, domain ids. */
static int choose_formats(void)
{
	unsigned int sagaw = ~0u, sllps = ~0u;

	iova_limit = ~0ULL;
	domain_ids = ~0u;
	walks_snoop = true;
	for (unsigned int i = 0; i < nr_units; i++) {
		const struct vtd_unit *u = &units[i];
		unsigned int mgaw = VTD_CAP_MGAW(u->cap) + 1;
		uint64_t width = mgaw < 64 ? 1ULL << mgaw : ~0ULL; /* 6 bits: a hostile 63 must not shift by 64 */

		sagaw &= VTD_CAP_SAGAW(u->cap);
		sllps &= VTD_CAP_SLLPS(u->cap);
		iova_limit = MIN(iova_limit, width);
		domain_ids = MIN(domain_ids, 1u << (4 + 2 * VTD_CAP_ND(u->cap)));
		walks_snoop = walks_snoop && (u->ecap & VTD_ECAP_C);
	}
	if (sagaw & SAGAW_4_LEVELS) {
		pt_levels = 4;
	} else if (sagaw & SAGAW_3_LEVELS) {
		pt_levels = 3;
	} else {
		log_err("vtd: the units share no 3- or 4-level table format\n");
		return -ENODEV;
	}
	large_levels = !(sllps & SLLPS_2M) ? 0 : (sllps & SLLPS_1G) ? 2 : 1;
	iova_limit = MIN(iova_limit, 1ULL << (12 + 9 * pt_levels));
	return 0;
}

static void unit_release(struct vtd_unit *u)
{
	if (u->queue)
		vtd_set_command(u, VTD_GCMD_QIE, false, "invalidation queue disable");
	vtd_ctx_destroy(&u->ctx);
	/* the queue's pages stay: the unit may still read them if disabling failed */
	u->queue = NULL;
}

static int unit_setup(struct vtd_unit *u)
{
	int err;

	err = vtd_ctx_init(&u->ctx, walks_snoop ? &snooped_ops : &written_back_ops);
	if (err)
		return err;
	vtd_faults_init(u);
	err = vtd_inval_init(u);
	if (!err)
		log_info("vtd: unit %#llx: %u fault record(s), %s invalidation, page walks %s\n",
			 (unsigned long long)u->base, VTD_CAP_NFR(u->cap), u->queue ? "queued" : "register",
			 u->ecap & VTD_ECAP_C ? "snoop" : "do not snoop (tables flushed)");
	return err;
}

static int probe(void)
{
	struct acpi_iommu_region r[16];
	unsigned int n = acpi_iommu_regions(platform_direct_map, NULL, platform_acpi(), r, ARRAY_SIZE(r));
	unsigned int ready = 0;
	int err = 0;

	nr_units = 0;
	for (unsigned int i = 0; i < n && !err; i++) {
		if (r[i].amd)
			continue;
		if (r[i].segment) {
			log_err("vtd: unit %#llx serves PCI segment %u: only segment 0 is supported\n",
				(unsigned long long)r[i].base, r[i].segment);
			err = -ENODEV;
			break;
		}
		if (nr_units == VTD_MAX_UNITS) {
			log_err("vtd: more than %u units\n", VTD_MAX_UNITS);
			err = -ENODEV;
			break;
		}
		err = unit_check(&units[nr_units], r[i].base, r[i].size);
		if (!err)
			err = unit_quiesce(&units[nr_units]);
		nr_units++;
	}
	if (!err && nr_units)
		err = choose_formats();
	for (; !err && ready < nr_units; ready++)
		err = unit_setup(&units[ready]);
	if (!err) {
		if (nr_units)
			log_info("vtd: %u-level tables (%llu GiB of IO addresses), %s pages, %u domain ids\n",
				 pt_levels, (unsigned long long)(iova_limit >> 30),
				 large_levels == 2 ? "4K/2M/1G" : large_levels ? "4K/2M" : "4K", domain_ids);
		return (int)nr_units;
	}
	for (unsigned int i = 0; i < ready; i++)
		unit_release(&units[i]);
	nr_units = 0;
	return err;
}

/* ---- IO address spaces ----------------------------------------------------------- */

static struct iommu_space *space_create(uint16_t id)
{
	struct iommu_space *s;
	bool caching_mode = false;

	for (unsigned int i = 0; i < nr_units; i++)
		caching_mode = caching_mode || (units[i].cap & VTD_CAP_CM);
	/* domain id 0 is the hardware's own under caching mode */
	if (id >= domain_ids || (caching_mode && id == 0)) {
		log_err("vtd: domain id %u not usable (%u ids)\n", id, domain_ids);
		return NULL;
	}
	s = xl_zalloc(sizeof(*s));
	if (!s)
		return NULL;
	s->id = id;
	if (vtd_pt_init(&s->pt, walks_snoop ? &snooped_ops : &written_back_ops, pt_levels, large_levels)) {
		xl_free(s);
		return NULL;
	}
	return s;
}

static void space_destroy(struct iommu_space *s)
{
	vtd_pt_destroy(&s->pt);
	xl_free(s);
}

/* New entries of a live tree: a unit that caches not-present entries or buffers writes must be told. */
static int after_live_change(void)
{
	int err = 0;

	for (unsigned int i = 0; i < nr_units && !err; i++)
		if (units[i].cap & (VTD_CAP_CM | VTD_CAP_RWBF))
			err = vtd_inval_all(&units[i]);
	return err;
}

static int map(struct iommu_space *s, uint64_t iova, hpa_t hpa, uint64_t size, unsigned int perm)
{
	uint64_t bits = (perm & IOMMU_READ ? VTD_PTE_R : 0) | (perm & IOMMU_WRITE ? VTD_PTE_W : 0);
	int err;

	if ((perm & ~(IOMMU_READ | IOMMU_WRITE)) || iova >= iova_limit || size > iova_limit - iova)
		return -EINVAL;
	err = vtd_pt_map(&s->pt, iova, hpa_addr(hpa), size, bits);
	if (!err && translating)
		err = after_live_change();
	return err;
}

/* ---- translation on -------------------------------------------------------------- */

static int unit_enable(struct vtd_unit *u, const struct iommu_space *s)
{
	uint64_t entry[2];
	int err;

	vtd_context_entry(&s->pt, s->id, entry);
	vtd_ctx_fill(&u->ctx, entry); /* written back */
	vtd_write64(u, VTD_REG_RTADDR, u->ctx.root); /* TTM 00: legacy mode */
	err = vtd_set_command(u, VTD_GCMD_SRTP, true, "root table pointer");
	if (!err)
		err = vtd_inval_all(u);
	if (!err)
		vtd_ctx_free_unused(&u->ctx); /* buses' own tables of an earlier enable() */
	if (!err)
		err = vtd_set_command(u, VTD_GCMD_TE, true, "translation enable");
	return err;
}

/*
 * Interrupt remapping on every unit, or on none, with compatibility-format
 * messages blocked: a guest's device could otherwise send any vector to any
 * CPU. dom0's sources are given entries as dom0 programs them (dom0's
 * device models, arch/x86_64/dom0/: its I/O APICs, MSIs and MSI-X tables),
 * so dom0 still gets its interrupts (Documentation/iommu.md).
 */
static void enable_interrupt_remapping(void)
{
	unsigned int i;
	int err = 0;

	for (i = 0; i < nr_units; i++)
		if (!vtd_ir_supported(&units[i])) {
			log_info("vtd: unit %#llx has no interrupt remapping (or no queue): not used\n",
				 (unsigned long long)units[i].base);
			return;
		}
	for (i = 0; i < nr_units && !err; i++)
		err = vtd_ir_enable(&units[i], false);
	if (err) {
		log_err("vtd: interrupt remapping could not be turned on (%d): not used\n", err);
		while (i--)
			vtd_set_command(&units[i], VTD_GCMD_IRE, false, "interrupt remapping disable");
		return;
	}
	remapping_interrupts = true;
	log_info("vtd: interrupt remapping on: every source sends remappable messages, compatibility format blocked\n");
}

static int enable(struct iommu_space *s)
{
	unsigned int i;
	int err = 0;

	for (i = 0; i < nr_units && !err; i++)
		err = unit_enable(&units[i], s);
	if (!err) {
		translating = true;
		enable_interrupt_remapping();
		return 0;
	}
	/* translation off again on every unit touched, the failed one too: nothing failed stays on */
	while (i--)
		vtd_set_command(&units[i], VTD_GCMD_TE, false, "translation disable");
	translating = false;
	return err;
}

/* ---- one device into another space ---------------------------------------------- */

static int flush_context_all(void *ctx)
{
	return vtd_inval_context_all(ctx);
}

static int flush_device_left(uint16_t did, uint16_t bdf, void *ctx)
{
	return vtd_inval_device_left(ctx, did, bdf);
}

static int flush_device_entered(uint16_t did, uint16_t bdf, void *ctx)
{
	return vtd_inval_device_entered(ctx, did, bdf);
}

/*
 * Every unit of the segment gets the device's new entry: the one whose scope
 * holds the device uses it, the others never read it (the DMAR's device
 * scopes are not parsed).
 */
static int attach(struct iommu_space *s, uint16_t segment, uint16_t bdf)
{
	uint64_t entry[2];
	int err = 0;

	if (segment != 0 || !nr_units)
		return -ENODEV;
	if (!translating)
		return -EINVAL;
	/* a guest's remapping entries go with the guest */
	if (remapping_interrupts && (err = vtd_ir_release_device(units, nr_units, bdf)))
		return err;
	vtd_context_entry(&s->pt, s->id, entry);
	for (unsigned int i = 0; i < nr_units && !err; i++) {
		struct vtd_unit *u = &units[i];
		const struct vtd_ctx_flush flush = {
			.context_all = flush_context_all,
			.device_left = flush_device_left,
			.device_entered = flush_device_entered,
			.ctx = u,
		};

		err = vtd_ctx_attach(&u->ctx, bdf, entry, &flush);
		if (err)
			log_err("vtd: unit %#llx: device %04x:%02x:%02x.%u into space %u: error %d\n",
				(unsigned long long)u->base, segment, bdf >> 8, (bdf >> 3) & 0x1f, bdf & 7,
				s->id, err);
	}
	return err;
}

static unsigned int poll_faults(iommu_fault_fn fn, void *ctx)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < nr_units; i++)
		n += vtd_faults_poll(&units[i], fn, ctx);
	return n;
}

static bool intr_remap(void)
{
	return remapping_interrupts;
}

static int intr_set(uint16_t segment, uint16_t sid, unsigned int index, const struct iommu_intr_target *t,
		    struct iommu_msi *msg)
{
	if (!remapping_interrupts)
		return -ENOSYS; /* the caller writes the checked message itself */
	if (segment)
		return -ENODEV;
	return vtd_ir_set(units, nr_units, sid, index, t, msg);
}

static bool intr_blocks_compat(void)
{
	return remapping_interrupts; /* turned on with CFI clear */
}

const struct iommu_driver vtd_driver = {
	.name = "VT-d",
	.probe = probe,
	.space_create = space_create,
	.space_destroy = space_destroy,
	.map = map,
	.enable = enable,
	.attach = attach,
	.poll_faults = poll_faults,
	.intr_remap = intr_remap,
	.intr_set = intr_set,
	.intr_blocks_compat = intr_blocks_compat,
};
