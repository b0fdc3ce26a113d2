/*
 * A configuration's vif key at create (Documentation/virtio.md): one
 * xl-vnet back-end per network interface, after the disks', started while
 * the new guest is paused and waited for until it says its device is added
 * (xl-backend.c).
 */
#include <limits.h>
#include <stdio.h>

#include "xl-backend.h"
#include "xl-cfg.h"
#include "xl-cmds.h"

int xl_vifs_start(uint32_t domid, const struct xl_cfg *cfg, const char *file, struct xl_backends *started)
{
	char vnet[PATH_MAX];

	if (xl_backend_find("xl-vnet", vnet, sizeof(vnet))) {
		fprintf(stderr, "xl-lite: %s: vif: no xl-vnet (the interfaces' back-end) next to xl-lite nor in PATH\n",
			file);
		return XL_EXIT_ERROR;
	}
	for (unsigned int i = 0; i < cfg->nr_vif; i++) {
		const struct xl_cfg_vif *v = &cfg->vif[i];
		char what[64], log_name[80], id[16], index[16], tap[24], mac[XL_VIF_MAC_TEXT];
		const char *args[12];
		unsigned int n = 0;
		const struct xl_backend b = { .file = file, .what = what, .path = vnet, .name = "xl-vnet",
					      .args = args, .log_name = log_name,
					      .timeout_var = "XL_VNET_READY_TIMEOUT_S", .domid = domid };

		snprintf(id, sizeof(id), "%u", domid);
		snprintf(index, sizeof(index), "%u", i);
		args[n++] = "--index";
		args[n++] = index;
		if (v->have_mac) {
			args[n++] = "--mac";
			args[n++] = xl_mac_text(v->mac, mac);
		}
		if (v->bridge[0]) {
			args[n++] = "--bridge";
			args[n++] = v->bridge;
		}
		if (v->vifname[0]) {
			args[n++] = "--tap";
			args[n++] = v->vifname;
		}
		args[n++] = id;
		args[n] = NULL;
		/* the TAP device's name, as xl-vnet makes it by default (tap_default_name) */
		if (v->vifname[0])
			snprintf(tap, sizeof(tap), "%s", v->vifname);
		else
			snprintf(tap, sizeof(tap), "xlv%u.%u", domid, i);
		snprintf(what, sizeof(what), "vif %u (%s)", i, tap);
		snprintf(log_name, sizeof(log_name), "vnet-%s-%u.log", cfg->name, i);
		if (xl_backend_start(&b, started))
			return XL_EXIT_ERROR;
	}
	return XL_EXIT_OK;
}
