/*
 * Shared memory segments (XL_HC_SHM, Documentation/composition.md): named,
 * zeroed memory that dom0 attaches to domains, each read-write or
 * read-only, at guest-physical addresses above their own.
 *
 * The dom0 operations run under the guest lifecycle lock (no domain is
 * created or destroyed meanwhile); QUERY and a domain's destruction take
 * only the segment table's lock.
 */
#ifndef XEN_LITE_SHM_H
#define XEN_LITE_SHM_H

#include <xen-lite-abi.h>
#include <xen-lite/types.h>

struct domain;

int shm_create(const char *name, uint64_t size, uint32_t flags);
int shm_destroy(const char *name);
int shm_attach(const char *name, uint32_t domid, uint32_t flags, uint64_t *gpa);
/* The live segment of that name, else a destroyed one still attached to domid. */
int shm_detach(const char *name, uint32_t domid);
/* Up to max segments into out; returns how many exist. */
unsigned int shm_list(struct xl_shm_info *out, unsigned int max);
/* The domain's attachments, up to max into out; returns how many it has. */
unsigned int shm_domain_mappings(struct domain *d, struct xl_shm_mapping *out, unsigned int max);
/*
 * Where a Linux guest's emulated functions go (arch/guest_pci.h): its
 * segments' register pages in [regs, regs + SHM_PCI_REGS_SIZE), just below
 * the slots [slots, slots + slots_size) its segments are mapped in, and its
 * virtio devices' below those. False when the guest has no room for them
 * there (its memory or a device's BAR).
 */
#define SHM_PCI_REGS_SIZE (XL_SHM_MAX_PER_DOMAIN * 4096ULL)
/* and below those, its virtio devices' registers (xen-lite/virtio.c): 32 KiB each */
#define GUEST_VIRTIO_BAR_SIZE 0x8000ULL
#define GUEST_VIRTIO_BARS_SIZE (XL_VIRTIO_MAX_DEVICES * GUEST_VIRTIO_BAR_SIZE)
bool shm_guest_pci_layout(const struct domain *d, uint64_t *regs, uint64_t *slots, uint64_t *slots_size);
/* Its segments shown as devices where its kernel looks (arch_domain_show_segments()): before it first runs. */
void shm_domain_first_run(struct domain *d);
/* Its attachments dropped (a segment with no domain left that was destroyed goes): at its destruction. */
void shm_domain_destroyed(struct domain *d);

#endif
