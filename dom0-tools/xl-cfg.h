/*
 * Guest configuration files for `xl-lite create FILE`, in the spirit of
 * xl.cfg: one `key = value` per line, `#` comments, values quoted or bare.
 * Documentation/config.md is the reference.
 */
#ifndef XL_CFG_H
#define XL_CFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xen-lite-abi.h"

enum xl_on_crash { XL_ON_CRASH_PRESERVE, XL_ON_CRASH_DESTROY, XL_ON_CRASH_RESTART };

struct xl_cfg {
	char name[XL_DOMAIN_NAME_MAX];
	char kernel[256];
	char cmdline[XL_CMDLINE_MAX];
	bool have_cmdline;
	uint64_t memory_mib;
	unsigned int vcpus;
	int cpu; /* -1: any free CPU */
	enum xl_on_crash on_crash;
};

/*
 * Parse a configuration file's text. Returns 0, or -1 with a message like
 * "line 3: unknown key 'memroy'" in err. Required: name, kernel, memory.
 */
int xl_cfg_parse(const char *text, struct xl_cfg *cfg, char *err, size_t err_size);

#endif
