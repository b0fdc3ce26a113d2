/*
 * Devices register what they own. A device model's init registers, per
 * domain, the I/O port ranges and the guest-physical MMIO ranges it
 * emulates, each with its handler; the vendor engine's exit handlers
 * decode the access, look it up here, and deny it exactly as before when
 * nothing owns it. The exit handlers name no device (emul/vdev.c).
 *
 * Handlers run on the CPU of the vCPU that exited, with that CPU's
 * interrupts off for domains that drive their own APIC; they may take
 * spin locks no interrupt path takes, and must not wait for other CPUs.
 */
#ifndef ARCH_VDEV_H
#define ARCH_VDEV_H

#include <xen-lite/addr.h>
#include <xen-lite/spinlock.h>
#include <xen-lite/types.h>

struct domain;
struct vcpu;

/* An intercepted IN or OUT, decoded by the vendor engine. */
struct io_access {
	uint16_t port;
	uint8_t size; /* 1, 2 or 4 */
	bool in;
	bool string; /* INS/OUTS, or a REP prefix: no device emulates those */
	uint32_t value; /* OUT: what is written; IN: what the handler reads (the engine masks it) */
};

enum vdev_io_result {
	VDEV_IO_UNCLAIMED, /* not this device's to handle: the access is denied as any other */
	VDEV_IO_DONE, /* done: the engine completes it (IN: the value into RAX) and moves RIP on */
	VDEV_IO_GP, /* refused: the guest gets #GP at the instruction */
};

typedef enum vdev_io_result (*vdev_io_fn)(struct vcpu *v, struct io_access *io, void *opaque);
/* A 32-bit store to a write-trapped MMIO range, already decoded; the engine moves RIP on. */
typedef void (*vdev_mmio_write_fn)(struct vcpu *v, gpa_t gpa, uint32_t value, void *opaque);
/* A store of any size the range accepts (1, 2, 4 or 8 bytes), decoded; the engine moves RIP on. */
typedef void (*vdev_mmio_store_fn)(struct vcpu *v, gpa_t gpa, uint64_t value, unsigned int size,
				   void *opaque);
/* An aligned 32-bit load from an emulated MMIO range: the value read. */
typedef uint32_t (*vdev_mmio_read_fn)(struct vcpu *v, gpa_t gpa, void *opaque);
/* A load of size bytes (one the range accepts) from an emulated MMIO range: the value read. */
typedef uint64_t (*vdev_mmio_load_fn)(struct vcpu *v, gpa_t gpa, unsigned int size, void *opaque);
/* Called at every exit of the domain's vCPUs (dom0's console takes its keyboard input so). */
typedef void (*vdev_poll_fn)(struct vcpu *v, void *opaque);
/* A fault on an unmapped page no range owns: true when the handler mapped it (the access is retried). */
typedef bool (*vdev_unmapped_fn)(struct vcpu *v, gpa_t gpa, void *opaque);

#define VDEV_MAX_IO 8
#define VDEV_MAX_MMIO 48 /* dom0: its I/O APICs, ECAM windows and the MSI-X tables it enables */
#define VDEV_MAX_POLL 2

struct vdev_table {
	struct vdev_io_range {
		uint16_t base, count;
		vdev_io_fn fn;
		void *opaque;
	} io[VDEV_MAX_IO];
	struct vdev_mmio_range {
		gpa_t base;
		uint64_t size;
		const char *what; /* for crash reports: "the local APIC" */
		vdev_mmio_write_fn fn; /* aligned 32-bit stores only */
		vdev_mmio_store_fn store_fn; /* or: the sizes in the mask `sizes` */
		vdev_mmio_read_fn read_fn; /* reads emulated too: the range is unmapped (fn takes the writes) */
		vdev_mmio_load_fn load_fn; /* or: loads of the sizes in `sizes`, stores to store_fn */
		unsigned int sizes;
		void *opaque;
	} mmio[VDEV_MAX_MMIO]; /* size 0: a free slot (lookups run unlocked: size is set last) */
	struct vdev_poll {
		vdev_poll_fn fn;
		void *opaque;
	} poll[VDEV_MAX_POLL];
	vdev_unmapped_fn unmapped_fn; /* one per domain (dom0's device memory) */
	void *unmapped_opaque;
	unsigned int nr_io, nr_mmio, nr_poll;
	spinlock_t mmio_lock; /* adding and removing MMIO ranges */
};

/*
 * Ports [base, base + count) are the device's: intercepted from now on
 * (dom0 reaches every other port directly; guests none) and handed to fn.
 * An access overlapping the range is the device's. 0 or -ENOSPC.
 */
int vdev_io_register(struct domain *d, uint16_t base, uint16_t count, vdev_io_fn fn, void *opaque);
/*
 * Guest-physical [base, base + size) (mapped, page aligned) is the
 * device's registers: read natively, written through fn. The range is
 * made read-only in the nested tables. 0, -ENOSPC or a mapping error.
 */
int vdev_mmio_register(struct domain *d, gpa_t base, uint64_t size, const char *what,
		       vdev_mmio_write_fn fn, void *opaque);
/* The same for registers written with stores of the sizes in the mask sizes (1 | 2 | 4 | 8). */
int vdev_mmio_register_stores(struct domain *d, gpa_t base, uint64_t size, const char *what,
			      unsigned int sizes, vdev_mmio_store_fn fn, void *opaque);
/*
 * Guest-physical [base, base + size) is the device's registers, reads as
 * well as writes emulated: the range is unmapped from the nested tables,
 * aligned 32-bit loads go to read_fn and stores to write_fn. For registers
 * whose reads must not show the hardware's value (dom0's I/O APICs).
 */
int vdev_mmio_register_emulated(struct domain *d, gpa_t base, uint64_t size, const char *what,
				vdev_mmio_read_fn read_fn, vdev_mmio_write_fn write_fn, void *opaque);

/*
 * The same for a device whose registers take loads and stores of the sizes
 * in the mask sizes (1 | 2 | 4 | 8): every access exits, none reaches
 * memory; a load or store of another size ends the guest.
 */
int vdev_mmio_register_device(struct domain *d, gpa_t base, uint64_t size, const char *what, unsigned int sizes,
			      vdev_mmio_load_fn load_fn, vdev_mmio_store_fn store_fn, void *opaque);

/*
 * The range at base (registered with this size) is nobody's again: writable
 * for the domain first, then forgotten, so that no write in between faults
 * without a handler. A handler already running on another vCPU may still
 * finish: its opaque data must outlive the range. 0 or -ENOENT.
 */
int vdev_mmio_unregister(struct domain *d, gpa_t base, uint64_t size);
int vdev_poll_register(struct domain *d, vdev_poll_fn fn, void *opaque);
/* fn sees the faults on unmapped pages no range owns (before the domain runs). 0 or -EBUSY. */
int vdev_unmapped_register(struct domain *d, vdev_unmapped_fn fn, void *opaque);

/* ---- for the vendor engine's exit handlers ---- */

/* The device owning the ports io touches, if any, handles it. */
enum vdev_io_result vdev_io(struct vcpu *v, struct io_access *io);
/*
 * A write fault at gpa: if a device owns it, the store is decoded and
 * handed to it, and RIP moved on - or the domain crashed when there is no
 * such store (during_event_delivery: the CPU pushed an event frame there).
 * Returns false when no device owns gpa.
 */
bool vdev_mmio_write(struct vcpu *v, gpa_t gpa, bool during_event_delivery);
/*
 * A fault on a page that is not mapped at gpa: if an emulated range owns
 * it, the load or store is decoded and carried out, RIP moved on (or the
 * domain crashed, as for vdev_mmio_write()). False when none owns gpa.
 */
bool vdev_mmio_emulate(struct vcpu *v, gpa_t gpa, bool write, bool during_event_delivery);
/* A fault on a page not mapped at gpa that no range owns: true if the domain's handler mapped it. */
bool vdev_unmapped(struct vcpu *v, gpa_t gpa);
void vdev_poll(struct vcpu *v);

/*
 * Whether to log a refused port or MSR access: the first VDEV_LOG_DENIALS of
 * a domain (a guest's port-0x80 delays would fill the log otherwise).
 */
#define VDEV_LOG_DENIALS 16
bool vdev_log_denial(struct vcpu *v);

#endif
