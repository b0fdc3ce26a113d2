/*
 * Invalidating a VT-d unit's caches (Intel VT-d spec, 6.5): through the
 * invalidation queue where the unit has one (ECAP.QI; once the queue is on,
 * the register interface must not be used), through CCMD and the IOTLB
 * registers where not. Global invalidation when translation is turned on
 * or mappings are added; device-selective (context cache) and
 * domain-selective (IOTLB) when one device changes space (attach).
 */
#include <xen-lite/arch/time.h>
#include <xen-lite/errno.h>
#include <xen-lite/log.h>
#include <xen-lite/mm.h>

#include "vtd.h"

#define QUEUE_ENTRIES 256 /* IQA.QS = 0: one 4 KiB page of 128-bit descriptors */

/* granularities, as both the descriptors and the registers encode them */
#define GRAN_GLOBAL 1ULL
#define GRAN_DOMAIN 2ULL
#define GRAN_DEVICE 3ULL /* context cache: one requester id */

/* queued descriptors, low quadword */
#define DESC_CONTEXT(g, did, sid) (0x1ULL | (g) << 4 | (uint64_t)(did) << 16 | (uint64_t)(sid) << 32)
#define DESC_IOTLB(g, did) (0x2ULL | (g) << 4 | (uint64_t)(did) << 16)
#define DESC_IOTLB_DW (1ULL << 6)
#define DESC_IOTLB_DR (1ULL << 7)
#define DESC_WAIT_STATUS_WRITE (0x5ULL | 1ULL << 5) /* SW: write status data when done */
#define DESC_IEC 0x4ULL
#define DESC_IEC_INDEX (1ULL << 4) /* G: one entry (IIDX, mask 0), else every entry */

/* register interface */
#define CCMD(g, did, sid) (1ULL << 63 | (g) << 61 | (uint64_t)(sid) << 16 | (uint64_t)(did))
#define CCMD_ICC (1ULL << 63)
#define IOTLB(g, did) (1ULL << 63 | (g) << 60 | (uint64_t)(did) << 32)
#define IOTLB_IVT (1ULL << 63)
#define IOTLB_DR (1ULL << 49)
#define IOTLB_DW (1ULL << 48)

/* What to invalidate: the context cache (granularity 0: not), then the IOTLB (0: not). */
struct inval {
	uint64_t context, context_did, sid;
	uint64_t iotlb, iotlb_did;
};

static bool walks_snoop(const struct vtd_unit *u)
{
	return u->ecap & VTD_ECAP_C;
}

int vtd_inval_init(struct vtd_unit *u)
{
	uint64_t *queue, *status;
	int err = -ENOMEM;

	if (!(u->ecap & VTD_ECAP_QI))
		return 0;
	queue = alloc_page_zeroed();
	status = alloc_page_zeroed();
	if (!queue || !status)
		goto fail;
	/* the tail must be 0 when the queue is enabled; the head follows it to 0 */
	vtd_write64(u, VTD_REG_IQT, 0);
	vtd_write64(u, VTD_REG_IQA, virt_to_phys(queue)); /* 128-bit descriptors, 256 of them */
	u->queue = queue;
	u->queue_status = (volatile uint32_t *)status;
	u->queue_tail = 0;
	err = vtd_set_command(u, VTD_GCMD_QIE, true, "invalidation queue enable");
	if (err) {
		/* the pages stay allocated: a unit that did not answer may still read them */
		u->queue = NULL;
		u->queue_status = NULL;
	}
	return err;
fail:
	if (queue)
		free_pages(queue, PAGE_SIZE);
	if (status)
		free_pages(status, PAGE_SIZE);
	return err;
}

static void queue_put(struct vtd_unit *u, uint64_t lo, uint64_t hi)
{
	uint64_t *d = &u->queue[2 * u->queue_tail];

	d[0] = lo;
	d[1] = hi;
	if (!walks_snoop(u))
		vtd_write_back(d, 16);
	u->queue_tail = (u->queue_tail + 1) % QUEUE_ENTRIES;
}

/* Submit what was put and wait for the unit to write the wait descriptor's status. */
static int queue_run(struct vtd_unit *u)
{
	uint32_t seq = ++u->wait_seq;
	uint32_t fsts;

	queue_put(u, DESC_WAIT_STATUS_WRITE | (uint64_t)seq << 32, virt_to_phys((const void *)u->queue_status));
	__atomic_thread_fence(__ATOMIC_SEQ_CST); /* descriptors in memory before the tail moves */
	vtd_write64(u, VTD_REG_IQT, (uint64_t)u->queue_tail << 4);
	for (unsigned int i = 0; i < 100000; i++) {
		if (__atomic_load_n(u->queue_status, __ATOMIC_ACQUIRE) == seq)
			return 0;
		fsts = vtd_read32(u, VTD_REG_FSTS);
		if (fsts & (VTD_FSTS_IQE | VTD_FSTS_ITE | VTD_FSTS_ICE))
			break;
		udelay(10);
	}
	fsts = vtd_read32(u, VTD_REG_FSTS);
	log_err("vtd: unit %#llx: invalidation queue did not complete (FSTS %#x, head %#llx, tail %#x)\n",
		(unsigned long long)u->base, fsts, (unsigned long long)vtd_read64(u, VTD_REG_IQH),
		u->queue_tail << 4);
	return -ETIMEDOUT;
}

static uint64_t drain_bits(const struct vtd_unit *u, uint64_t dr, uint64_t dw)
{
	return (u->cap & VTD_CAP_DRD ? dr : 0) | (u->cap & VTD_CAP_DWD ? dw : 0);
}

static int inval_by_registers(struct vtd_unit *u, const struct inval *w)
{
	unsigned int iotlb = VTD_ECAP_IRO(u->ecap) * 16 + 8;
	int err;

	if (w->context) {
		vtd_write64(u, VTD_REG_CCMD, CCMD(w->context, w->context_did, w->sid));
		err = vtd_wait64(u, VTD_REG_CCMD, CCMD_ICC, 0, "context cache invalidation");
		if (err)
			return err;
	}
	if (!w->iotlb)
		return 0;
	vtd_write64(u, iotlb, IOTLB(w->iotlb, w->iotlb_did) | drain_bits(u, IOTLB_DR, IOTLB_DW));
	return vtd_wait64(u, iotlb, IOTLB_IVT, 0, "IOTLB invalidation");
}

static int flush_write_buffer(struct vtd_unit *u)
{
	uint32_t settings = vtd_read32(u, VTD_REG_GSTS) & VTD_GSTS_SETTINGS;

	vtd_write32(u, VTD_REG_GCMD, settings | VTD_GCMD_WBF);
	return vtd_wait32(u, VTD_REG_GSTS, VTD_GCMD_WBF, 0, "write buffer flush");
}

/* Invalidate what w says, in that order, and wait for the unit to confirm it. */
static int invalidate(struct vtd_unit *u, const struct inval *w)
{
	if (!u->queue)
		return inval_by_registers(u, w);
	if (w->context)
		queue_put(u, DESC_CONTEXT(w->context, w->context_did, w->sid), 0);
	if (w->iotlb)
		queue_put(u, DESC_IOTLB(w->iotlb, w->iotlb_did) | drain_bits(u, DESC_IOTLB_DR, DESC_IOTLB_DW), 0);
	return queue_run(u);
}

int vtd_inval_all(struct vtd_unit *u)
{
	const struct inval w = { .context = GRAN_GLOBAL, .iotlb = GRAN_GLOBAL };

	if (u->cap & VTD_CAP_RWBF) {
		int err = flush_write_buffer(u);

		if (err)
			return err;
	}
	return invalidate(u, &w);
}

int vtd_inval_context_all(struct vtd_unit *u)
{
	const struct inval w = { .context = GRAN_GLOBAL };

	if (u->cap & VTD_CAP_RWBF) {
		int err = flush_write_buffer(u);

		if (err)
			return err;
	}
	return invalidate(u, &w);
}

int vtd_inval_device_left(struct vtd_unit *u, uint16_t did, uint16_t sid)
{
	const struct inval w = {
		.context = GRAN_DEVICE, .context_did = did, .sid = sid,
		.iotlb = GRAN_DOMAIN, .iotlb_did = did,
	};

	if (u->cap & VTD_CAP_RWBF) {
		int err = flush_write_buffer(u);

		if (err)
			return err;
	}
	return invalidate(u, &w);
}

int vtd_inval_device_entered(struct vtd_unit *u, uint16_t did, uint16_t sid)
{
	/* under caching mode the not-present entry may be cached, tagged with domain id 0 (spec 6.1) */
	const struct inval w = {
		.context = GRAN_DEVICE, .context_did = 0, .sid = sid,
		.iotlb = GRAN_DOMAIN, .iotlb_did = did,
	};

	if (u->cap & VTD_CAP_RWBF) {
		int err = flush_write_buffer(u);

		if (err)
			return err;
	}
	/* otherwise not-present entries are not cached: nothing to invalidate */
	return u->cap & VTD_CAP_CM ? invalidate(u, &w) : 0;
}

int vtd_inval_iec(struct vtd_unit *u, int entry)
{
	if (!u->queue)
		return -ENODEV; /* interrupt remapping is only used with a queue */
	queue_put(u, entry < 0 ? DESC_IEC : DESC_IEC | DESC_IEC_INDEX | (uint64_t)entry << 32, 0);
	return queue_run(u);
}
