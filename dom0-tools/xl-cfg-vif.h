/*
 * The `vif` key of a guest configuration (Documentation/config.md), in the
 * spirit of Xen's xl (xl-network-configuration(5)): one string of
 * comma-separated KEY=VALUE options per network interface,
 *
 *   vif = [ "bridge=br0", "mac=00:16:3e:01:02:03,vifname=web0", "" ]
 *
 * each served by an xl-vnet back-end that `xl-lite create` starts. No
 * device access: the host unit tests link it.
 */
#ifndef XL_CFG_VIF_H
#define XL_CFG_VIF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xl-cfg-cpuid.h" /* struct xl_cpuid_error: where and why a string was refused */

#define XL_VIF_IFNAME_MAX 16 /* IFNAMSIZ: 15 characters and the NUL */
#define XL_VIF_MAC_TEXT 18 /* "xx:xx:xx:xx:xx:xx" and its NUL */

/* One network interface: its MAC, the bridge its TAP device joins, the TAP device's name. */
struct xl_cfg_vif {
	bool have_mac; /* false: xl-vnet's default, 02:58:4c:DOMID_hi:DOMID_lo:N */
	uint8_t mac[6];
	char bridge[XL_VIF_IFNAME_MAX]; /* "": none (the TAP device is left to dom0) */
	char vifname[XL_VIF_IFNAME_MAX]; /* "": xl-vnet's default, xlvDOMID.N */
};

/*
 * One string of the key: "" (every default), or KEY=VALUE options separated
 * by commas, each at most once: mac=XX:XX:XX:XX:XX:XX (unicast, not zero),
 * bridge=NAME, vifname=NAME, type=vif, model=virtio (or virtio-net). Blanks
 * after a comma are skipped. 0 with *v, or -1 with e (at: the byte of s at
 * fault): an empty option, one without '=', an unknown one, a value not
 * taken (type=ioemu, model=e1000, ...), xl's options xen-lite does not
 * have (ip=, script=, backend=, rate=, gatewaydev=, devid=, mtu=, ...).
 */
int xl_vif_parse(const char *s, struct xl_cfg_vif *v, struct xl_cpuid_error *e);

/*
 * "XX:XX:XX:XX:XX:XX" (two hex digits each, either case) into mac: NULL, or
 * why not (not that form, a multicast address, all zeros).
 */
const char *xl_mac_problem(const char *s, uint8_t mac[6]);

/* mac as "xx:xx:xx:xx:xx:xx" into buf (XL_VIF_MAC_TEXT bytes); buf. */
const char *xl_mac_text(const uint8_t mac[6], char *buf);

#endif
