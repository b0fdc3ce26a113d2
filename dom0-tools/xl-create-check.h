/*
 * xl-lite create -n (a dry run): whether this node could take a parsed
 * configuration now, from what the read-only calls tell (XL_SYSCTL_INFO,
 * XL_SYSCTL_PCI_LIST), and the guest that would be created. No device
 * access: tests/unit/test_xl_cfg.c links it. Documentation/tools.md.
 */
#ifndef XL_CREATE_CHECK_H
#define XL_CREATE_CHECK_H

#include <stddef.h>
#include <stdio.h>

#include "xen-lite-abi.h"
#include "xl-cfg.h"

/*
 * Print on out, one line each prefixed "xl-lite: PREFIX: ", what would make
 * the create fail now: a CPU named that does not exist, is dom0's or another
 * domain's; fewer free CPUs than the vCPUs left to "any"; more memory than is
 * free; a PCI function not assignable, or a guest's. Returns how many.
 */
unsigned int xl_create_check(FILE *out, const char *prefix, const struct xl_cfg *cfg,
			     const struct xl_sysinfo *si, const struct xl_pci_device *pci,
			     unsigned int nr_pci);

/*
 * The same for a shm key, from XL_SHM_LIST's segs[0, n): a segment that
 * exists with another size, or with no room for another domain; no room on
 * the node for those the key would create. Returns how many.
 */
unsigned int xl_create_check_shm(FILE *out, const char *prefix, const struct xl_cfg *cfg,
				 const struct xl_shm_info *segs, unsigned int n);

/*
 * The same for a disk key: each target exists, is a file or a block device
 * dom0 can read (and write, for a read-write disk), a file of at least a
 * sector; the back-end vblk (its path, NULL: not found) is there. Reads the
 * file system only (stat, access). Returns how many problems.
 */
unsigned int xl_create_check_disks(FILE *out, const char *prefix, const struct xl_cfg *cfg, const char *vblk);

/*
 * The same for a vif key: each bridge named exists (sys_net/BR/bridge, with
 * sys_net "/sys/class/net"), the TAP device's maker tun (its path,
 * "/dev/net/tun") is there, the back-end vnet (its path, NULL: not found)
 * too. Reads the file system only. Returns how many problems.
 */
unsigned int xl_create_check_vifs(FILE *out, const char *prefix, const struct xl_cfg *cfg, const char *vnet,
				  const char *sys_net, const char *tun);

/* What would be created: one "key: value" line per setting, as the request would carry it. */
void xl_print_create_plan(FILE *f, const struct xl_cfg *cfg, size_t kernel_size,
			  size_t ramdisk_size);

#endif
