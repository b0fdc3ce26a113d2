/*
 * A VT-d unit's primary fault log (Intel VT-d spec, 7.2): CAP.NFR fault
 * recording registers at CAP.FRO, each holding one blocked request until
 * software clears its F bit. The fault interrupt stays masked: the core
 * polls (xen-lite/iommu_faults.c), so a poll with nothing recorded costs one
 * register read.
 */
#include <xen-lite/format.h>
#include <xen-lite/log.h>

#include "vtd.h"

/* a fault recording register, as four 32-bit words */
#define FRCD_SID 8 /* bits 15:0: the requester id */
#define FRCD_STATUS 12
#define FRCD_F (1u << 31) /* holds a fault; write 1 to clear */
#define FRCD_READ (1u << 30) /* T: 1 read, 0 write */
#define FRCD_REASON(s) ((s) & 0xff)

static unsigned int record_offset(const struct vtd_unit *u, unsigned int i)
{
	return VTD_CAP_FRO(u->cap) * 16 + i * 16;
}

void vtd_faults_init(struct vtd_unit *u)
{
	/* bits 29:0 are reserved and preserved */
	unsigned int stale;

	vtd_write32(u, VTD_REG_FECTL, vtd_read32(u, VTD_REG_FECTL) | VTD_FECTL_IM);
	stale = vtd_faults_poll(u, NULL, NULL);
	if (stale)
		log_warn("vtd: unit %#llx: %u fault(s) recorded before the hypervisor started, cleared\n",
			 (unsigned long long)u->base, stale);
}

static void report(const struct vtd_unit *u, unsigned int off, iommu_fault_fn fn, void *ctx)
{
	uint32_t status = vtd_read32(u, off + FRCD_STATUS);
	char what[32];
	struct iommu_fault f = {
		.segment = 0, /* the units this driver accepts serve segment 0 */
		.bdf = (uint16_t)vtd_read32(u, off + FRCD_SID),
		.addr = vtd_read64(u, off) & ~0xfffULL, /* bits 11:0 are reserved: a page address */
		.write = !(status & FRCD_READ),
		.what = what,
	};

	xl_snprintf(what, sizeof(what), "VT-d fault reason 0x%02x", FRCD_REASON(status));
	if (fn)
		fn(&f, ctx);
}

unsigned int vtd_faults_poll(struct vtd_unit *u, iommu_fault_fn fn, void *ctx)
{
	uint32_t fsts = vtd_read32(u, VTD_REG_FSTS);
	unsigned int nfr = VTD_CAP_NFR(u->cap), n = 0;

	if (!(fsts & (VTD_FSTS_PPF | VTD_FSTS_PFO)))
		return 0;
	/* the hardware fills the records round-robin from FRI: read them in that order */
	for (unsigned int k = 0; k < nfr; k++) {
		unsigned int off = record_offset(u, (VTD_FSTS_FRI(fsts) + k) % nfr);

		if (!(vtd_read32(u, off + FRCD_STATUS) & FRCD_F))
			continue;
		report(u, off, fn, ctx);
		vtd_write32(u, off + FRCD_STATUS, FRCD_F);
		n++;
	}
	if (fsts & VTD_FSTS_PFO) {
		struct iommu_fault lost = { .addr = ~0ULL, .what = "fault log overflowed" };

		if (fn)
			fn(&lost, ctx);
		n++;
	}
	/* PFO is write-1-to-clear; PPF follows the records' F bits; the invalidation errors are not ours */
	vtd_write32(u, VTD_REG_FSTS, VTD_FSTS_PFO);
	return n;
}
