/*
 * The `disk` key of a guest configuration (Documentation/config.md), in the
 * spirit of Xen's xl disk syntax (xl-disk-configuration(5)): one string per
 * disk, positional or key=value,
 *
 *   disk = [ "/srv/img,xvda,rw", "vdev=xvdb,access=ro,target=/srv/other" ]
 *
 * each served by an xl-vblk back-end that `xl-lite create` starts. No
 * device access: the host unit tests link it.
 */
#ifndef XL_CFG_DISK_H
#define XL_CFG_DISK_H

#include <stdbool.h>

#include "xl-cfg-cpuid.h" /* struct xl_cpuid_error: where and why a string was refused */

#define XL_DISK_TARGET_MAX 256 /* a target's path, NUL included (as kernel's) */
#define XL_DISK_VDEV_MAX 8 /* "xvdabc" and its NUL */

/* One disk: a file or block device of dom0's, the guest's name for it, its access. */
struct xl_cfg_disk {
	char target[XL_DISK_TARGET_MAX];
	char vdev[XL_DISK_VDEV_MAX]; /* "" when the string gave none: xl-cfg.c picks a free xvdX */
	bool read_only; /* access=ro or r; rw (w) is the default */
};

/*
 * One string of the key: positional TARGET[,VDEV[,ACCESS]], key=value
 * fields vdev=, access=, format=raw and target= (the last: the rest of the
 * string is the path, commas and all), or both mixed (the n-th positional
 * field is TARGET, VDEV, ACCESS in turn). Blanks after a comma are skipped.
 * 0 with *d, or -1 with e (at: the byte of s at fault): an empty field,
 * a field given twice, no target, a vdev or access not taken, xl's options
 * xen-lite does not have (devtype=, format= other than raw, backendtype=,
 * backend=, script=, the cdrom and discard flags, ...), xl's deprecated
 * "phy:" style prefixes, a path too long.
 */
int xl_disk_parse(const char *s, struct xl_cfg_disk *d, struct xl_cpuid_error *e);

/*
 * Why a VDEV is not taken, or NULL: xvdX, hdX, sdX or vdX with X one to
 * three of a-z (a whole disk: "xvda1" is a partition).
 */
const char *xl_vdev_problem(const char *vdev);

#endif
