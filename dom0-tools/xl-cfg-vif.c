/* The vif key's strings (see xl-cfg-vif.h and Documentation/config.md). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "xl-cfg-vif.h"

#define VIF_OPTIONS "mac, bridge, vifname, type or model"
#define NR(a) (sizeof(a) / sizeof((a)[0]))

/* xl's options that xen-lite does not have: named as such when given as KEY=VALUE ... */
static const char *const xl_only_keys[] = { "ip", "script", "backend", "rate", "gatewaydev", "forwarddev",
					    "devid", "accel", "mtu" };
/* ... or as a bare word (xl's flags) */
static const char *const xl_only_flags[] = { "trusted", "untrusted" };

#define NOT_XL " which xen-lite does not support (an interface is a TAP device of dom0's, served by xl-vnet)"

static int hex_digit(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

const char *xl_mac_problem(const char *s, uint8_t mac[6])
{
	uint8_t m[6];

	for (unsigned int i = 0; i < 6; i++) {
		int hi = hex_digit(s[3 * i]), lo = hi < 0 ? -1 : hex_digit(s[3 * i + 1]);

		if (hi < 0 || lo < 0 || s[3 * i + 2] != (i < 5 ? ':' : '\0'))
			return "must be XX:XX:XX:XX:XX:XX (6 bytes in hex)";
		m[i] = (uint8_t)(hi << 4 | lo);
	}
	if (m[0] & 1)
		return "is a multicast address: an interface's must be unicast (its first byte even)";
	if (!(m[0] | m[1] | m[2] | m[3] | m[4] | m[5]))
		return "must not be all zeros";
	memcpy(mac, m, 6);
	return NULL;
}

const char *xl_mac_text(const uint8_t mac[6], char *buf)
{
	snprintf(buf, XL_VIF_MAC_TEXT, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4],
		 mac[5]);
	return buf;
}

/* Whether field (len bytes) is one of words[]. */
static bool one_of(const char *field, size_t len, const char *const *words, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		if (strlen(words[i]) == len && !memcmp(words[i], field, len))
			return true;
	return false;
}

/*
 * Why an interface name is not taken, or NULL: Linux's rule (1 to 15
 * characters, no '/', ':' or blank, not "." or ".."), and with strict, only
 * letters, digits, '.', '_' and '-' (a name xen-lite makes).
 */
static const char *ifname_problem(const char *name, bool strict)
{
	size_t len = strlen(name);

	if (!len || len >= XL_VIF_IFNAME_MAX)
		return "must be 1 to 15 characters (a Linux interface name)";
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return "is not an interface name";
	for (const char *c = name; *c; c++) {
		if (strict && !isalnum((unsigned char)*c) && *c != '.' && *c != '_' && *c != '-')
			return "may have only letters, digits, '.', '_' and '-'";
		if (*c == '/' || *c == ':' || *c <= ' ' || *c > '~')
			return "may not have '/', ':', blanks or characters beyond ASCII";
	}
	return NULL;
}

enum option { O_MAC, O_BRIDGE, O_VIFNAME, O_TYPE, O_MODEL, O_COUNT };
static const char *const option_names[O_COUNT] = { "mac", "bridge", "vifname", "type", "model" };

/* Option o's value (text, at byte at of the string) into v. */
static int set_option(struct xl_cfg_vif *v, enum option o, const char *text, size_t at, struct xl_cpuid_error *e)
{
	const char *problem;

	switch (o) {
	case O_MAC:
		if ((problem = xl_mac_problem(text, v->mac)))
			return xl_cfg_refuse(e, at, "mac '%s' %s", text, problem);
		v->have_mac = true;
		return 0;
	case O_BRIDGE:
	case O_VIFNAME:
		if ((problem = ifname_problem(text, o == O_VIFNAME)))
			return xl_cfg_refuse(e, at, "%s '%s' %s", option_names[o], text, problem);
		strcpy(o == O_BRIDGE ? v->bridge : v->vifname, text);
		return 0;
	case O_TYPE:
		if (!strcmp(text, "vif"))
			return 0;
		if (!strcmp(text, "ioemu"))
			return xl_cfg_refuse(e, at, "type 'ioemu' (a NIC QEMU emulates) is not supported: xen-lite's "
					     "interfaces are virtio-net (type=vif)");
		return xl_cfg_refuse(e, at, "type '%s' must be vif", text);
	case O_MODEL:
		if (!strcmp(text, "virtio") || !strcmp(text, "virtio-net"))
			return 0;
		return xl_cfg_refuse(e, at, "model '%s' is not supported: xen-lite's interfaces are virtio-net "
				     "(model=virtio)", text);
	case O_COUNT:
		break;
	}
	return -1;
}

int xl_vif_parse(const char *s, struct xl_cfg_vif *v, struct xl_cpuid_error *e)
{
	bool given[O_COUNT] = { false };
	size_t at = strspn(s, " \t");

	memset(v, 0, sizeof(*v));
	if (!s[at])
		return 0; /* "": every default */
	for (;;) {
		size_t len, key_len;
		const char *eq;
		char text[48];
		enum option o;

		at += strspn(s + at, " \t");
		len = strcspn(s + at, ",");
		while (len && (s[at + len - 1] == ' ' || s[at + len - 1] == '\t'))
			len--;
		if (!len)
			return xl_cfg_refuse(e, at, "has an empty option (each is KEY=VALUE: " VIF_OPTIONS ")");
		eq = memchr(s + at, '=', len);
		key_len = eq ? (size_t)(eq - (s + at)) : len;
		if (one_of(s + at, key_len, xl_only_keys, NR(xl_only_keys)) ||
		    (!eq && one_of(s + at, len, xl_only_flags, NR(xl_only_flags))) ||
		    (key_len > 5 && !memcmp(s + at, "colo_", 5)))
			return xl_cfg_refuse(e, at, "has %.*s, xl's," NOT_XL, (int)(key_len < 20 ? key_len : 20),
					     s + at);
		if (!eq)
			return xl_cfg_refuse(e, at, "has '%.*s', not KEY=VALUE (" VIF_OPTIONS ")",
					     (int)(len < 40 ? len : 40), s + at);
		for (o = O_MAC; o < O_COUNT; o++)
			if (strlen(option_names[o]) == key_len && !memcmp(option_names[o], s + at, key_len))
				break;
		if (o == O_COUNT)
			return xl_cfg_refuse(e, at, "has an unknown option '%.*s' (" VIF_OPTIONS ")",
					     (int)(key_len < 20 ? key_len : 20), s + at);
		if (given[o])
			return xl_cfg_refuse(e, at, "gives %s twice for one interface", option_names[o]);
		given[o] = true;
		if (len == key_len + 1)
			return xl_cfg_refuse(e, at + key_len + 1, "has an empty %s", option_names[o]);
		/* the value alone (longer than any taken: cut, and refused) */
		snprintf(text, sizeof(text), "%.*s", (int)(len - key_len - 1 < 40 ? len - key_len - 1 : 40), eq + 1);
		if (set_option(v, o, text, at + key_len + 1, e))
			return -1;
		at += strcspn(s + at, ",");
		if (!s[at])
			break;
		at++;
	}
	return 0;
}
