/* The disk key's strings (see xl-cfg-disk.h and Documentation/config.md). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "xl-cfg-disk.h"

#define DISK_FORM "TARGET[,VDEV[,ACCESS]] or vdev=VDEV,access=ACCESS,target=TARGET"

const char *xl_vdev_problem(const char *vdev)
{
	static const char *const prefixes[] = { "xvd", "hd", "sd", "vd" };

	for (unsigned int i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t n = strlen(prefixes[i]), letters;

		if (strncmp(vdev, prefixes[i], n))
			continue;
		letters = strspn(vdev + n, "abcdefghijklmnopqrstuvwxyz");
		if (letters && letters <= 3 && !vdev[n + letters])
			return NULL;
		if (letters && letters <= 3 && isdigit((unsigned char)vdev[n + letters]))
			return "names a partition: a disk is given whole (xvda, not xvda1)";
		break;
	}
	return "must be xvdX, hdX, sdX or vdX (X: a to z, or up to three letters: xvdaa)";
}

/* xl's options that xen-lite does not have: named as such when given as KEY=VALUE */
static const char *const xl_only_keys[] = { "devtype", "backendtype", "backend", "script", "specification",
					    "colo-host", "colo-port", "colo-export", "active-disk", "hidden-disk" };
/* ... or as a bare word (xl's flags) */
static const char *const xl_only_flags[] = { "cdrom", "discard", "no-discard", "direct-io-safe", "trusted",
					     "untrusted", "colo" };
/* xl's deprecated "PREFIX:" before a target */
static const char *const xl_prefixes[] = { "phy:", "file:", "tap:", "tap2:", "aio:", "raw:", "qcow:",
					   "qcow2:", "vhd:", "qdisk:" };

#define NR(a) (sizeof(a) / sizeof((a)[0]))

/* Whether field (len bytes) is one of words[]. */
static bool one_of(const char *field, size_t len, const char *const *words, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		if (strlen(words[i]) == len && !memcmp(words[i], field, len))
			return true;
	return false;
}

/* The length of a KEY of KEY=VALUE at s (a letter, then letters, digits, '_' and '-'), 0 if none. */
static size_t key_length(const char *s, size_t len)
{
	size_t n = 0;

	if (!len || !isalpha((unsigned char)s[0]))
		return 0;
	while (n < len && (isalnum((unsigned char)s[n]) || s[n] == '_' || s[n] == '-'))
		n++;
	return n < len && s[n] == '=' ? n : 0;
}

enum field { F_TARGET, F_VDEV, F_ACCESS };
static const char *const field_names[] = { "target", "vdev", "access" };

/* Field f's value (len bytes at v, at byte at of the string) into d. */
static int set_field(struct xl_cfg_disk *d, enum field f, const char *v, size_t len, size_t at,
		     struct xl_cpuid_error *e)
{
	char text[48];
	const char *problem;

	snprintf(text, sizeof(text), "%.*s", (int)(len < 40 ? len : 40), v);
	switch (f) {
	case F_TARGET:
		for (unsigned int i = 0; i < NR(xl_prefixes); i++)
			if (!strncmp(v, xl_prefixes[i], strlen(xl_prefixes[i])))
				return xl_cfg_refuse(e, at, "target '%s' has xl's deprecated prefix '%s', which "
						     "xen-lite does not take: give the path alone", text, xl_prefixes[i]);
		if (len >= sizeof(d->target))
			return xl_cfg_refuse(e, at, "target must be a path of at most %zu characters",
					     sizeof(d->target) - 1);
		memcpy(d->target, v, len);
		d->target[len] = '\0';
		return 0;
	case F_VDEV:
		problem = len < sizeof(d->vdev) ? xl_vdev_problem(text) : xl_vdev_problem("");
		if (problem)
			return xl_cfg_refuse(e, at, "vdev '%s' %s", text, problem);
		memcpy(d->vdev, v, len);
		d->vdev[len] = '\0';
		return 0;
	case F_ACCESS:
		if (!strcmp(text, "rw") || !strcmp(text, "w") || !strcmp(text, "ro") || !strcmp(text, "r")) {
			d->read_only = text[0] == 'r' && text[1] != 'w';
			return 0;
		}
		return xl_cfg_refuse(e, at, "access '%s' must be rw, ro, w or r", text);
	}
	return -1;
}

int xl_disk_parse(const char *s, struct xl_cfg_disk *d, struct xl_cpuid_error *e)
{
	bool given[3] = { false, false, false };
	unsigned int positional = 0;
	size_t at = 0;

	memset(d, 0, sizeof(*d));
	for (;;) {
		size_t len, key_len, value_at;
		enum field f;

		at += strspn(s + at, " \t");
		/* target=: the rest of the string, commas and all (xl's rule) */
		if (!strncmp(s + at, "target=", 7)) {
			if (given[F_TARGET])
				return xl_cfg_refuse(e, at, "gives target twice for one disk");
			if (!s[at + 7])
				return xl_cfg_refuse(e, at + 7, "has an empty target");
			return set_field(d, F_TARGET, s + at + 7, strlen(s + at + 7), at + 7, e);
		}
		len = strcspn(s + at, ",");
		while (len && (s[at + len - 1] == ' ' || s[at + len - 1] == '\t'))
			len--;
		if (!len)
			return xl_cfg_refuse(e, at, "has an empty field (each disk is " DISK_FORM ")");
		key_len = key_length(s + at, len);
		if (key_len) {
			value_at = at + key_len + 1;
			if (one_of(s + at, key_len, xl_only_keys, NR(xl_only_keys)))
				return xl_cfg_refuse(e, at, "has %.*s, xl's, which xen-lite does not support (a disk "
						     "is a raw file or block device of dom0's, served by xl-vblk)",
						     (int)(len < 40 ? len : 40), s + at);
			if (key_len == 6 && !memcmp(s + at, "format", 6)) {
				if (len - key_len - 1 != 3 || memcmp(s + value_at, "raw", 3))
					return xl_cfg_refuse(e, value_at, "has format=%.*s, which xen-lite does not "
							     "support: only format=raw", (int)(len - key_len - 1 < 20
							     ? len - key_len - 1 : 20), s + value_at);
				goto next;
			}
			for (f = F_VDEV; f <= F_ACCESS; f++)
				if (strlen(field_names[f]) == key_len && !memcmp(field_names[f], s + at, key_len))
					break;
			if (f > F_ACCESS)
				return xl_cfg_refuse(e, at, "has an unknown field '%.*s' (vdev, access, format or "
						     "target, the last)", (int)(key_len < 20 ? key_len : 20), s + at);
		} else {
			if (one_of(s + at, len, xl_only_flags, NR(xl_only_flags)))
				return xl_cfg_refuse(e, at, "has %.*s, xl's, which xen-lite does not support (a disk "
						     "is a raw file or block device of dom0's, served by xl-vblk)",
						     (int)len, s + at);
			if (positional > F_ACCESS)
				return xl_cfg_refuse(e, at, "has more than 3 positional fields (" DISK_FORM ")");
			f = (enum field)positional++;
			value_at = at;
		}
		if (given[f])
			return xl_cfg_refuse(e, at, "gives %s twice for one disk", field_names[f]);
		given[f] = true;
		if (!(len - (value_at - at)))
			return xl_cfg_refuse(e, value_at, "has an empty %s", field_names[f]);
		if (set_field(d, f, s + value_at, len - (value_at - at), value_at, e))
			return -1;
next:
		at += strcspn(s + at, ",");
		if (!s[at])
			break;
		at++;
	}
	if (!given[F_TARGET])
		return xl_cfg_refuse(e, 0, "has a disk without a target (each is " DISK_FORM ")");
	return 0;
}
