/*
 * A configuration's disk key at create (Documentation/virtio.md): one
 * xl-vblk back-end per disk, started while the new guest is paused and
 * waited for until it says its device is added (xl-backend.c).
 */
#include <limits.h>
#include <stdio.h>

#include "xl-backend.h"
#include "xl-cfg.h"
#include "xl-cmds.h"

int xl_disks_start(uint32_t domid, const struct xl_cfg *cfg, const char *file, struct xl_backends *started)
{
	char vblk[PATH_MAX];

	if (xl_backend_find("xl-vblk", vblk, sizeof(vblk))) {
		fprintf(stderr, "xl-lite: %s: disk: no xl-vblk (the disks' back-end) next to xl-lite nor in PATH\n",
			file);
		return XL_EXIT_ERROR;
	}
	for (unsigned int i = 0; i < cfg->nr_disk; i++) {
		const struct xl_cfg_disk *d = &cfg->disk[i];
		char what[320], log_name[80], id[16];
		const char *args[] = { "--serial", d->vdev, id, d->target, d->read_only ? "ro" : "rw", NULL };
		const struct xl_backend b = { .file = file, .what = what, .path = vblk, .name = "xl-vblk",
					      .args = args, .log_name = log_name,
					      .timeout_var = "XL_VBLK_READY_TIMEOUT_S", .domid = domid };

		snprintf(id, sizeof(id), "%u", domid);
		snprintf(what, sizeof(what), "disk %s (%s)", d->vdev, d->target);
		snprintf(log_name, sizeof(log_name), "vblk-%s-%s.log", cfg->name, d->vdev);
		if (xl_backend_start(&b, started))
			return XL_EXIT_ERROR;
	}
	return XL_EXIT_OK;
}
