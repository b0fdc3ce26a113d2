/*
 * What an IOMMU driver (iommu/: AMD-Vi, VT-d) gives the core
 * (xen-lite/iommu.c). A driver knows its hardware's tables and queues; the
 * core decides what each IO address space maps and which devices use it.
 *
 * An IO address space ("space") is what the devices attached to it may
 * reach by DMA: IO virtual addresses translated to host-physical ones, with
 * read and write permission. Anything not mapped is blocked and reported as
 * a fault. Calls come from one CPU at a time (the core serialises them),
 * never from an interrupt or NMI path - but for intr_set(), which a guest's
 * exit may call on any CPU at any time: the driver serialises it itself.
 */
#ifndef XEN_LITE_IOMMU_DRIVER_H
#define XEN_LITE_IOMMU_DRIVER_H

#include <xen-lite/addr.h>
#include <xen-lite/types.h>

#define IOMMU_READ 1u
#define IOMMU_WRITE 2u

struct iommu_space; /* the driver's */

/* One DMA the hardware blocked, as the driver decoded it from its fault log. */
struct iommu_fault {
	uint16_t segment;
	uint16_t bdf; /* requester id: bus << 8 | device << 3 | function */
	uint64_t addr; /* the IO virtual address the device used */
	bool write; /* false: a read, or the hardware does not say */
	const char *what; /* the hardware's name for it: "IO page fault", ... */
};

/*
 * An MSI as a device sends it: the address and data words it writes. handle
 * is the remapping entry it selects, for sources that name their entry
 * elsewhere than in a message (an I/O APIC's redirection entry).
 */
struct iommu_msi {
	uint64_t addr;
	uint32_t data;
	uint32_t handle;
};

/* What a remapping entry delivers: vector to the CPU whose APIC id is dest (physical), fixed. */
struct iommu_intr_target {
	uint32_t dest;
	uint8_t vector; /* 0: nothing (the entry blocks what uses it) */
	bool level; /* level-triggered (an I/O APIC pin), else edge */
};

typedef void (*iommu_fault_fn)(const struct iommu_fault *f, void *ctx);

struct iommu_driver {
	const char *name; /* "AMD-Vi", "VT-d" */
	/*
	 * Find the units the firmware's table (IVRS, DMAR) describes and set
	 * up their queues and fault logs, translation still off. The number
	 * of units found (0: none of this kind), or a negative errno when
	 * units exist but cannot be used (the reason is logged).
	 */
	int (*probe)(void);
	/* An empty space (every DMA blocked); id is the core's, unique while the space lives. */
	struct iommu_space *(*space_create)(uint16_t id);
	/* Free a space no device uses any more, and its tables. */
	void (*space_destroy)(struct iommu_space *s);
	/*
	 * Map [iova, iova + size) to [hpa, hpa + size) with IOMMU_READ/WRITE:
	 * 4 KiB-aligned, not mapped before (-EEXIST, nothing changed), large
	 * pages where both sides are aligned. -ENOMEM leaves what was mapped.
	 */
	int (*map)(struct iommu_space *s, uint64_t iova, hpa_t hpa, uint64_t size, unsigned int perm);
	/*
	 * Give every device of every unit (all requester ids, also those no
	 * table lists yet) this space, and turn translation on; the caches are
	 * invalidated and the hardware has confirmed it before this returns.
	 */
	int (*enable)(struct iommu_space *everything);
	/*
	 * After enable(): give one device (segment, requester id) this space
	 * instead of the one it has. What the units cached for it (its entry,
	 * the translations of the space it leaves) is invalidated, and the
	 * hardware has confirmed it, before this returns: from then on the
	 * device reaches what s maps and nothing else. 0; -ENODEV when no unit
	 * serves the segment; -ETIMEDOUT when a unit does not confirm (the
	 * device may then still use the old space: the caller must not reuse
	 * that space's memory for anything else).
	 */
	int (*attach)(struct iommu_space *s, uint16_t segment, uint16_t bdf);
	/*
	 * Call fn for each fault recorded since the last call, and make room
	 * for more. Returns how many; a lost fault (log overflow) counts one
	 * with addr ~0 and what "fault log overflowed".
	 */
	unsigned int (*poll_faults)(iommu_fault_fn fn, void *ctx);
	/* Interrupt remapping in use: device interrupts are checked against a table. */
	bool (*intr_remap)(void);
	/*
	 * Interrupt remapping for one source: a device (its requester id) or
	 * an I/O APIC (the id its DMAR scope gives it). Entry index of the
	 * source's table delivers t, or nothing with vector 0. *msg is what the
	 * source must send (or, for an I/O APIC, msg->handle what its entry
	 * must name) to use the entry: the same address for every index of a
	 * source, the index as the data word (a multi-message MSI adds its
	 * message number to it). Every other interrupt the source sends
	 * is blocked; a device's entries go when it moves to another space.
	 * The hardware has confirmed the change before this returns. 0,
	 * -EINVAL (an index or destination the table cannot take), -ENOMEM,
	 * -ENOSPC, -ENODEV, -ETIMEDOUT. NULL: the driver does not remap
	 * interrupts. Called from exits on any CPU: the driver serialises it.
	 */
	int (*intr_set)(uint16_t segment, uint16_t sid, unsigned int index, const struct iommu_intr_target *t,
			struct iommu_msi *msg);
	/*
	 * Whether interrupts in the compatibility format (an address naming a
	 * CPU and a vector of the sender's choice) are blocked: then every
	 * source dom0 programs must be given an entry (dom0's device models
	 * do it). NULL: they pass.
	 */
	bool (*intr_blocks_compat)(void);
};

extern const struct iommu_driver amd_vi_driver; /* iommu/amd_vi.c */
extern const struct iommu_driver vtd_driver; /* iommu/vtd.c */

#endif
