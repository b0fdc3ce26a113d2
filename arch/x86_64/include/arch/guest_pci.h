/*
 * A Linux guest's PCI bus (guest/guest_pci.c, Documentation/iommu.md): the
 * functions given to it, each behind a configuration space the hypervisor
 * presents (guest/guest_pci_config.c), with their MSI and MSI-X messages
 * checked and routed to the guest's own CPUs (guest/guest_msi.c,
 * guest/guest_msix.c). Bus 0 holds a host bridge at slot 0 and the guest's
 * functions at slots 1, 2, ... in the order of its configuration, each as
 * function 0 of its slot.
 */
#ifndef ARCH_GUEST_PCI_H
#define ARCH_GUEST_PCI_H

#include <xen-lite-abi.h>
#include <xen-lite/arch/virtio.h>
#include <xen-lite/arch/vm.h>
#include <xen-lite/iommu_driver.h>
#include <xen-lite/spinlock.h>
#include <xen-lite/types.h>

struct domain;
struct domain_pci;

#define GUEST_MSIX_MAX 256 /* MSI-X entries a function may use (the rest stay masked) */
#define GUEST_MSI_INDEX 256 /* the remapping entry of a function's MSI (MSI-X use 0..255) */

/* What the guest wrote into one MSI-X table entry. */
struct guest_msix_entry {
	uint32_t addr_lo, addr_hi, data, ctrl;
};

struct guest_pci_fn {
	struct domain_pci *dev; /* the core's record: requester id, BARs */
	/* real capabilities shown to the guest (0: none): MSI, MSI-X, PCI Express */
	uint8_t cap_msi, cap_msix, cap_exp;
	uint32_t bar_written[6]; /* what the guest last wrote to each BAR register (sizing) */
	/* MSI as the guest sees it */
	uint16_t msi_ctrl;
	uint32_t msi_addr_lo, msi_addr_hi;
	uint16_t msi_data;
	/* MSI-X: the table's host-physical address, its mapping and what the guest wrote */
	uint64_t msix_table;
	uint32_t msix_bytes; /* the whole table */
	unsigned int msix_entries; /* those the guest may use: the table's, at most GUEST_MSIX_MAX */
	volatile uint32_t *msix_real;
	struct guest_msix_entry msix[GUEST_MSIX_MAX];
	/*
	 * Per message index, what the IOMMU last gave for which destination and
	 * vector: a guest that masks and unmasks, or rewrites the same message,
	 * costs no IOMMU command (guest_msi.c).
	 */
	struct guest_msi_route {
		uint32_t key; /* 0: none; else 1 << 16 | dest << 8 | vector */
		struct iommu_msi msg;
	} routes[GUEST_MSI_INDEX + 1];
	bool refused_reported;
};

/*
 * A shared segment as a function of the guest (guest/guest_shm_pci.c,
 * XL_SHM_PCI_* in xen-lite-abi.h): all of it emulated - no device behind.
 */
struct guest_shm_fn {
	char name[XL_SHM_NAME_MAX];
	uint64_t gpa, size, bar_size; /* the segment: BAR2 (size rounded up to a power of two) */
	uint64_t regs; /* BAR0: its page of registers */
	uint32_t attach_flags; /* XL_SHM_READ_ONLY */
	uint32_t bar_written[6];
	uint16_t command;
	/* MSI as the guest programmed it, and the ports bound to it */
	bool msi_enabled;
	uint32_t msi_addr_lo, msi_addr_hi;
	uint16_t msi_data;
	uint64_t bound_ports;
	uint32_t event_page_lo, event_page_hi;
	int32_t status; /* the last command's result */
};

/* What the guest wrote into an emulated MSI-X entry (a virtio function's). */
struct guest_msix_vector {
	uint32_t addr_lo, addr_hi, data, ctrl;
};

#define GUEST_VIRTIO_MSIX (XL_VIRTIO_MAX_QUEUES + 1) /* a vector per queue, and one for configuration changes */

/*
 * A virtio device (guest/guest_virtio_pci.c): the transport's registers as
 * the driver wrote them; the device itself is a dom0 process.
 */
struct guest_virtio_fn {
	/* from dom0's ADD, fixed */
	uint32_t device_id, nr_queues, queue_max, config_len;
	uint64_t device_features;
	uint8_t config[XL_VIRTIO_CONFIG_MAX];
	uint32_t ports[XL_VIRTIO_MAX_QUEUES];
	uint64_t bar; /* BAR4: common configuration, ISR, device configuration, notifications, MSI-X */
	const struct virtio_device_ops *ops;
	/* configuration space */
	uint16_t command;
	uint32_t bar_written[6];
	/* common configuration, under the bus lock */
	uint32_t device_feature_select, driver_feature_select;
	uint64_t driver_features;
	uint16_t msix_config, queue_select;
	uint8_t status;
	uint32_t reset_count, reset_done;
	uint64_t reset_at_us; /* when the driver asked for the last reset */
	struct xl_virtio_queue queues[XL_VIRTIO_MAX_QUEUES];
	/* MSI-X, under msix_lock (taken under the event lock: nothing in it calls the event code) */
	spinlock_t msix_lock;
	uint16_t msix_control; /* enable and function mask */
	uint32_t msix_pending; /* a bit per vector raised while masked */
	struct guest_msix_vector msix[GUEST_VIRTIO_MSIX];
};

struct guest_pci {
	spinlock_t lock; /* the configuration address and every function's state */
	uint32_t config_address;
	unsigned int nr_fns;
	/* its virtio devices, after its assigned functions */
	unsigned int nr_virtio;
	struct guest_virtio_fn virtio[XL_VIRTIO_MAX_DEVICES];
	/* the segments attached when the guest first ran, after those */
	unsigned int nr_shm;
	const struct shm_device_ops *shm_ops;
	struct guest_shm_fn shm[XL_SHM_MAX_PER_DOMAIN];
	struct guest_pci_fn fn[];
};

/* The guest's bus (every Linux guest has one): its ports, its tables' traps. 0 or an errno. */
int guest_pci_init(struct domain *d);
/* Free it with the domain (the functions are the core's to take back). */
void guest_pci_free(struct domain *d);

/*
 * A configuration write of size bytes at offset, merged into the aligned
 * dword it falls in (as the dword reads now): the new dword, and in *mask
 * the bits the write covers. Every function's write handler starts so.
 */
static inline uint32_t guest_pci_config_merge(uint32_t dword, unsigned int offset, unsigned int size, uint32_t value,
					      uint32_t *mask)
{
	unsigned int shift = 8 * (offset & 3);

	*mask = (size == 4 ? 0xffffffffu : (1u << 8 * size) - 1) << shift;
	return (dword & ~*mask) | ((value << shift) & *mask);
}

/* Configuration space of a function of the guest (guest_pci_config.c), under the bus lock. */
uint32_t guest_pci_config_read(const struct guest_pci_fn *f, unsigned int offset, unsigned int size);
void guest_pci_config_write(struct domain *d, struct guest_pci_fn *f, unsigned int offset, unsigned int size,
			    uint32_t value);
/* The host bridge at slot 0: a read of its configuration. */
uint32_t guest_pci_bridge_read(unsigned int offset, unsigned int size);

/*
 * A message the guest asked a function to send (guest_msi.c): if it is a
 * fixed (or lowest-priority) edge interrupt with a vector of 32 or more
 * to one of the guest's CPUs, physically addressed, *out is what the device
 * must send instead - through the IOMMU's remapping entry index (at most
 * GUEST_MSI_INDEX) where it remaps interrupts, else the same message - and
 * 0 is returned; the IOMMU is asked only when the destination or vector of
 * index changes. -EINVAL
 * otherwise (logged once per function), or the IOMMU's error.
 */
int guest_msi_route(struct domain *d, struct guest_pci_fn *f, unsigned int index, uint64_t addr, uint32_t data,
		    struct iommu_msi *out);

/*
 * MSI-X (guest_msix.c): find the function's table, mask every entry and
 * trap the guest's writes to it; each entry the guest unmasks is routed.
 */
int guest_msix_init(struct domain *d, struct guest_pci_fn *f);

/* Its segments become functions (arch_domain_show_segments()). */
void guest_shm_pci_take(struct domain *d, const struct xl_shm_mapping *m, unsigned int n, uint64_t regs,
			const struct shm_device_ops *ops);
/* Configuration space of a virtio function, under the bus lock. */
uint32_t guest_virtio_config_read(const struct guest_virtio_fn *f, unsigned int offset, unsigned int size);
void guest_virtio_config_write(struct domain *d, struct guest_virtio_fn *f, unsigned int offset, unsigned int size,
			       uint32_t value);
/* Configuration space of a segment's function, under the bus lock. */
uint32_t guest_shm_config_read(const struct guest_shm_fn *f, unsigned int offset, unsigned int size);
void guest_shm_config_write(struct domain *d, struct guest_shm_fn *f, unsigned int offset, unsigned int size,
			    uint32_t value);

#endif
