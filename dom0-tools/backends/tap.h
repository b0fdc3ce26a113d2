/*
 * A TAP device for a virtio network back-end (xl-vnet.c): Ethernet frames
 * in and out of dom0's network stack through /dev/net/tun, one frame per
 * read() or write(), no packet information header (IFF_TAP | IFF_NO_PI).
 * Needs CAP_NET_ADMIN.
 */
#ifndef TAP_H
#define TAP_H

#include <stddef.h>
#include <stdint.h>

#define TAP_NAME_MAX 16 /* IFNAMSIZ: 15 characters and the NUL */
/* dom0's side of every TAP device (not the guest's MAC): never a bridge's own address */
#define TAP_PORT_MAC "\xfe\xff\xff\xff\xff\xff"

/* The default name of guest domid's network device n: "xlvDOMID.N" into name (TAP_NAME_MAX bytes) */
void tap_default_name(uint32_t domid, unsigned int n, char name[TAP_NAME_MAX]);

/*
 * Opens (creating it if need be) the TAP device `name`, non-blocking and
 * close-on-exec, gives it the address TAP_PORT_MAC, brings it up (IFF_UP) and, if bridge is neither NULL nor
 * empty, adds it to that bridge (which must exist). Its descriptor, or -1
 * with err (errlen bytes) saying which step failed and why. The device
 * goes when the descriptor is closed (it is not made persistent).
 */
int tap_open(const char *name, const char *bridge, char *err, size_t errlen);

#endif
