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
/* Its attachments dropped (a segment with no domain left that was destroyed goes): at its destruction. */
void shm_domain_destroyed(struct domain *d);

#endif
