/*
 * A TAP device (see tap.h): TUNSETIFF on /dev/net/tun, then SIOCSIFHWADDR,
 * SIOCGIFFLAGS / SIOCSIFFLAGS and SIOCBRADDIF on a datagram socket, as ip(8) and brctl(8)
 * do.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <net/if.h>
#include <net/if_arp.h>
#include <linux/if_tun.h>
#include <linux/sockios.h>

#include "tap.h"

void tap_default_name(uint32_t domid, unsigned int n, char name[TAP_NAME_MAX])
{
	/* at most "xlv" + 10 + "." + 1 digits when n < 10: longer ones are cut, never overflow */
	snprintf(name, TAP_NAME_MAX, "xlv%u.%u", domid, n);
}

/* err holds the step that failed: ": why" added, the descriptors closed; -1 */
static int failed(char *err, size_t errlen, int e, int fd, int sock)
{
	size_t n = strlen(err);

	snprintf(err + n, errlen - n, ": %s", strerror(e));
	if (sock >= 0)
		close(sock);
	if (fd >= 0)
		close(fd);
	return -1;
}

static void copy_name(char dst[IFNAMSIZ], const char *src)
{
	memset(dst, 0, IFNAMSIZ);
	memcpy(dst, src, strlen(src));
}

int tap_open(const char *name, const char *bridge, char *err, size_t errlen)
{
	struct ifreq ifr;
	unsigned int index;
	int fd, sock = -1, e;

	if (!errlen)
		return -1;
	err[0] = 0;
	if (!name || !*name || strlen(name) >= IFNAMSIZ || strchr(name, '/') || strchr(name, ' ')) {
		snprintf(err, errlen, "the TAP device's name \"%s\" (1 to 15 characters, no '/' or space)",
			 name ? name : "");
		return failed(err, errlen, EINVAL, -1, -1);
	}
	if (bridge && *bridge && strlen(bridge) >= IFNAMSIZ) {
		snprintf(err, errlen, "the bridge's name \"%s\" (at most 15 characters)", bridge);
		return failed(err, errlen, EINVAL, -1, -1);
	}
	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		snprintf(err, errlen, "opening /dev/net/tun%s", e == ENOENT ? " (is the tun module loaded?)" : "");
		return failed(err, errlen, e, -1, -1);
	}
	memset(&ifr, 0, sizeof(ifr));
	copy_name(ifr.ifr_name, name);
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		e = errno;
		snprintf(err, errlen, "creating the TAP device %s (TUNSETIFF%s)", name,
			 e == EBUSY ? ": in use" : e == EINVAL ? ": the name of another kind of interface?" : "");
		return failed(err, errlen, e, fd, -1);
	}
	sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sock < 0) {
		e = errno;
		snprintf(err, errlen, "a socket to set %s up", name);
		return failed(err, errlen, e, fd, -1);
	}
	/*
	 * The highest unicast address, as Xen's vif scripts give theirs: a Linux bridge
	 * takes the lowest of its ports' addresses as its own, so with random ones it
	 * would change whenever a guest's port came or went, and every neighbour of the
	 * bridge's IP address would send to a stale one until its ARP entry expired
	 * (a minute's stall; test_dom0_virtio_bridge found it).
	 */
	memset(&ifr, 0, sizeof(ifr));
	copy_name(ifr.ifr_name, name);
	ifr.ifr_hwaddr.sa_family = ARPHRD_ETHER;
	memcpy(ifr.ifr_hwaddr.sa_data, TAP_PORT_MAC, 6);
	if (ioctl(sock, SIOCSIFHWADDR, &ifr) < 0) {
		e = errno;
		snprintf(err, errlen, "setting %s's address (SIOCSIFHWADDR)", name);
		return failed(err, errlen, e, fd, sock);
	}
	memset(&ifr, 0, sizeof(ifr));
	copy_name(ifr.ifr_name, name);
	if (ioctl(sock, SIOCGIFFLAGS, &ifr) < 0) {
		e = errno;
		snprintf(err, errlen, "reading %s's flags (SIOCGIFFLAGS)", name);
		return failed(err, errlen, e, fd, sock);
	}
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(sock, SIOCSIFFLAGS, &ifr) < 0) {
		e = errno;
		snprintf(err, errlen, "bringing %s up (SIOCSIFFLAGS)", name);
		return failed(err, errlen, e, fd, sock);
	}
	if (bridge && *bridge) {
		index = if_nametoindex(name);
		if (!index) {
			e = errno;
			snprintf(err, errlen, "the interface index of %s", name);
			return failed(err, errlen, e, fd, sock);
		}
		memset(&ifr, 0, sizeof(ifr));
		copy_name(ifr.ifr_name, bridge);
		ifr.ifr_ifindex = (int)index;
		if (ioctl(sock, SIOCBRADDIF, &ifr) < 0) {
			e = errno;
			snprintf(err, errlen, "adding %s to the bridge %s (SIOCBRADDIF%s)", name, bridge,
				 e == ENODEV ? ": no such interface" :
				 e == EOPNOTSUPP || e == EINVAL ? ": not a bridge?" : "");
			return failed(err, errlen, e, fd, sock);
		}
	}
	close(sock);
	return fd;
}
