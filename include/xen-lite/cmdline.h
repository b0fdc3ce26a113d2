/*
 * Hypervisor command-line parsing against a table of documented parameters
 * (the table itself is in xen-lite/params.c; Documentation/boot.md lists them).
 * Unknown parameters and malformed values are reported with log_warn and
 * leave the default in place: a typo on a node's command line must not stop
 * it from booting.
 */
#ifndef XEN_LITE_CMDLINE_H
#define XEN_LITE_CMDLINE_H

#include <xen-lite/types.h>

enum param_type {
	PARAM_BOOL, /* "name", "name=on|off|yes|no|true|false|1|0" -> bool */
	PARAM_UINT, /* decimal or 0x hex, within [min, max] -> uint64_t */
	PARAM_SIZE, /* like UINT with an optional K/M/G/T suffix (binary) -> uint64_t */
	PARAM_STRING, /* copied into a char buffer of string_size bytes */
	PARAM_ENUM, /* one of choices[] -> unsigned int index */
};

struct param_desc {
	const char *name;
	enum param_type type;
	void *value;
	uint64_t min, max;
	size_t string_size;
	const char *const *choices; /* NULL-terminated */
	/*
	 * Optional: a form of the value another hypervisor's command line uses
	 * (Xen's, xen-lite/params_xen.c). 0: not such a form, parsed as it is;
	 * 1: rewritten into this parameter's own form in canonical[size];
	 * negative: a form that means something else here, refused - the
	 * reason, naming xen-lite's form, already logged.
	 */
	int (*alias)(const char *value, char *canonical, size_t size);
};

#define CMDLINE_MAX_TOKEN 640 /* module_sha256= with its 8 hashes */

/* Returns the number of problems reported (0 when everything was understood). */
int cmdline_parse(const char *cmdline, const struct param_desc *table, unsigned int count);

/* Parse an unsigned number with optional size suffix; 0 or -EINVAL / -ERANGE. */
int parse_uint(const char *s, bool allow_suffix, uint64_t *out);

#endif
