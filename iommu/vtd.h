/*
 * What the VT-d driver's files share (iommu/vtd*.c): one remapping unit
 * (a DRHD of the DMAR table), its register layout (Intel VT-d spec,
 * chapter 11) and how its registers are reached and waited on.
 */
#ifndef IOMMU_VTD_H
#define IOMMU_VTD_H

#include <xen-lite/iommu_driver.h>
#include <xen-lite/types.h>

#include "vtd_ctx.h"

#define VTD_MAX_UNITS 8

/* registers (offsets from the unit's base) */
#define VTD_REG_VER 0x00
#define VTD_REG_CAP 0x08
#define VTD_REG_ECAP 0x10
#define VTD_REG_GCMD 0x18
#define VTD_REG_GSTS 0x1c
#define VTD_REG_RTADDR 0x20
#define VTD_REG_CCMD 0x28
#define VTD_REG_FSTS 0x34
#define VTD_REG_FECTL 0x38
#define VTD_REG_IQH 0x80
#define VTD_REG_IQT 0x88
#define VTD_REG_IQA 0x90
#define VTD_REG_IRTA 0xb8

/* CAP */
#define VTD_CAP_ND(c) ((unsigned int)((c) & 7)) /* 2^(4 + 2 ND) domain ids */
#define VTD_CAP_RWBF (1ULL << 4) /* write buffers must be flushed */
#define VTD_CAP_CM (1ULL << 7) /* caching mode: not-present entries may be cached */
#define VTD_CAP_SAGAW(c) ((unsigned int)((c) >> 8) & 0x1f) /* bit 1: 3 levels, bit 2: 4 */
#define VTD_CAP_MGAW(c) ((unsigned int)((c) >> 16) & 0x3f) /* max guest address width - 1 */
#define VTD_CAP_FRO(c) ((unsigned int)((c) >> 24) & 0x3ff) /* fault records, 16-byte units */
#define VTD_CAP_SLLPS(c) ((unsigned int)((c) >> 34) & 0xf) /* bit 0: 2 MiB, bit 1: 1 GiB */
#define VTD_CAP_NFR(c) (((unsigned int)((c) >> 40) & 0xff) + 1)
#define VTD_CAP_DWD (1ULL << 54)
#define VTD_CAP_DRD (1ULL << 55)

/* ECAP */
#define VTD_ECAP_C (1ULL << 0) /* page walks snoop the CPU's caches */
#define VTD_ECAP_QI (1ULL << 1)
#define VTD_ECAP_IR (1ULL << 3)
#define VTD_ECAP_IRO(e) ((unsigned int)((e) >> 8) & 0x3ff) /* IOTLB registers, 16-byte units */

/* GCMD / GSTS: same bit positions, command and its status */
#define VTD_GCMD_TE (1u << 31)
#define VTD_GCMD_SRTP (1u << 30)
#define VTD_GCMD_WBF (1u << 27)
#define VTD_GCMD_QIE (1u << 26)
#define VTD_GCMD_IRE (1u << 25)
#define VTD_GCMD_SIRTP (1u << 24)
#define VTD_GCMD_CFI (1u << 23)
/* the status bits that are settings (TE, AFL, QIE, IRE, CFI), to write back with a command */
#define VTD_GSTS_SETTINGS 0x96FFFFFFu

/* FSTS */
#define VTD_FSTS_PFO (1u << 0) /* a fault was lost: every record was full */
#define VTD_FSTS_PPF (1u << 1) /* some record holds a fault */
#define VTD_FSTS_IQE (1u << 4)
#define VTD_FSTS_ICE (1u << 5)
#define VTD_FSTS_ITE (1u << 6)
#define VTD_FSTS_FRI(s) (((s) >> 8) & 0xff)

#define VTD_FECTL_IM (1u << 31)

struct vtd_unit {
	volatile uint8_t *regs;
	uint64_t base, reg_size;
	uint64_t cap, ecap;
	struct vtd_ctx ctx; /* root and context tables; ctx.root 0: none yet */
	uint64_t *queue; /* invalidation queue: 256 descriptors of 16 bytes; NULL: registers */
	volatile uint32_t *queue_status; /* written by the invalidation wait descriptor */
	unsigned int queue_tail;
	uint32_t wait_seq;
};

static inline uint32_t vtd_read32(const struct vtd_unit *u, unsigned int reg)
{
	return *(volatile const uint32_t *)(u->regs + reg);
}

static inline uint64_t vtd_read64(const struct vtd_unit *u, unsigned int reg)
{
	return *(volatile const uint64_t *)(u->regs + reg);
}

static inline void vtd_write32(struct vtd_unit *u, unsigned int reg, uint32_t v)
{
	*(volatile uint32_t *)(u->regs + reg) = v;
}

static inline void vtd_write64(struct vtd_unit *u, unsigned int reg, uint64_t v)
{
	*(volatile uint64_t *)(u->regs + reg) = v;
}

/* Poll until (read32(reg) & mask) == want, up to about a second; -ETIMEDOUT (logged) if not. */
int vtd_wait32(struct vtd_unit *u, unsigned int reg, uint32_t mask, uint32_t want, const char *what);
/* The same for a 64-bit register. */
int vtd_wait64(struct vtd_unit *u, unsigned int reg, uint64_t mask, uint64_t want, const char *what);
/* Set or clear a GCMD setting (TE, QIE) and wait until GSTS shows it. */
int vtd_set_command(struct vtd_unit *u, uint32_t bit, bool on, const char *what);

/* Make [p, p + len) visible to a unit whose walks do not snoop (ECAP.C clear). */
void vtd_write_back(const void *p, size_t len);

/* iommu/vtd_inval.c: queued invalidation if the unit has it, registers if not */
int vtd_inval_init(struct vtd_unit *u);
/* Flush write buffers, then invalidate the context cache and the IOTLB globally, and wait. */
int vtd_inval_all(struct vtd_unit *u);
/* The same for the context cache only (a root entry changed). */
int vtd_inval_context_all(struct vtd_unit *u);
/* Requester sid's context entry (domain id did) was made not present: its cached entry, did's IOTLB. */
int vtd_inval_device_left(struct vtd_unit *u, uint16_t did, uint16_t sid);
/* Requester sid's entry was made present (domain id did): caching mode and write buffers only. */
int vtd_inval_device_entered(struct vtd_unit *u, uint16_t did, uint16_t sid);

/* Drop cached interrupt remapping entries: entry, or every one (entry < 0); queued invalidation only. */
int vtd_inval_iec(struct vtd_unit *u, int entry);

/* iommu/vtd_ir.c: interrupt remapping, for units with it and a queue */
bool vtd_ir_supported(const struct vtd_unit *u);
/* The shared table into the unit, its cache dropped, remapping on (compatibility-format messages passed or blocked). */
int vtd_ir_enable(struct vtd_unit *u, bool compat_allowed);
/* The entry of message index (or pin) of source sid: t; *msg selects it (iommu_driver.h's intr_set()). */
int vtd_ir_set(struct vtd_unit *units, unsigned int n, uint16_t sid, unsigned int index,
	       const struct iommu_intr_target *t, struct iommu_msi *msg);
/* bdf's entries gone (it changed hands), confirmed by every unit. */
int vtd_ir_release_device(struct vtd_unit *units, unsigned int n, uint16_t bdf);

/* iommu/vtd_faults.c: mask the fault interrupt (faults are polled) and drop stale records */
void vtd_faults_init(struct vtd_unit *u);
/* Report and clear the unit's recorded faults; how many. */
unsigned int vtd_faults_poll(struct vtd_unit *u, iommu_fault_fn fn, void *ctx);

#endif
