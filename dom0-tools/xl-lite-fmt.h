/*
 * xl-lite's pure logic: the text and JSON output of each command from the
 * hypervisor's structures, domains named by id or name, and the log-reading loop over a
 * read callback. No device access here, so the host unit tests
 * (tests/unit/test_xl_lite.c) link it directly. Documentation/tools.md.
 */
#ifndef XL_LITE_FMT_H
#define XL_LITE_FMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "xen-lite-abi.h"
#include "xl-args.h"

/*
 * A domain as a command names it, as Xen's xl takes it: decimal digits are
 * its id, anything else its name. Leading zeros are refused, not read:
 * "010" is more likely a typo, or meant as octal 8, than domain 10.
 */
enum xl_domain_lookup {
	XL_DOMAIN_FOUND,
	XL_DOMAIN_LIST_FAILED, /* the list call failed (its own error says why) */
	XL_DOMAIN_LEADING_ZERO,
	XL_DOMAIN_ID_TOO_LARGE, /* above 4294967295 */
	XL_DOMAIN_NO_SUCH_NAME,
	XL_DOMAIN_NAME_TWICE, /* the hypervisor does not keep names unique */
};

/* Why s, written as a domain id, is not one (leading zeros, too large), or NULL. */
const char *xl_bad_domid_reason(enum xl_domain_lookup r);

/* s as a domain id: XL_DOMAIN_FOUND with *domid, the two refusals, or NO_SUCH_NAME for a name. */
enum xl_domain_lookup xl_parse_domid(const char *s, uint32_t *domid);

/*
 * The domain arg names: an id is taken as it is (whether that domain exists
 * is for the hypervisor to say); a name is looked up in the domains list()
 * returns into doms[0..max) (the number filled in, or < 0).
 */
typedef int (*xl_domain_list_fn)(void *ctx, struct xl_domain_info *doms, unsigned int max);
enum xl_domain_lookup xl_find_domain(const char *arg, xl_domain_list_fn list, void *ctx,
				     struct xl_domain_info *doms, unsigned int max, uint32_t *domid);

/*
 * Say on err why arg names no domain ("xl-lite: no domain named 'web'") and
 * return the exit status: XL_EXIT_USAGE for an id written wrong,
 * XL_EXIT_ERROR for a name no domain (or more than one) has. Prints nothing
 * for XL_DOMAIN_LIST_FAILED, whose cause the caller has.
 */
int xl_domain_lookup_error(FILE *err, enum xl_domain_lookup result, const char *arg);

/* "SSSS:BB:DD.F" (buf: at least 13 bytes) */
const char *xl_format_bdf(uint16_t segment, uint16_t bdf, char *buf, size_t size);
/* pci-assignable-list: one function a line, or {"devices":[...]} */
void xl_print_pci_list(FILE *f, const struct xl_pci_device *d, unsigned int n, bool json);

/* "running", "paused", ... or "state-N" (buf: at least 16 bytes) */
const char *xl_state_name(uint32_t state, char *buf, size_t size);

/* Write s as a JSON string (quotes included); bytes >= 0x80 become \u00XX. */
void xl_json_string(FILE *f, const char *s, size_t len);

/* The CPUs xl_sysinfo describes: nr_cpus, at most XL_SYSINFO_MAX_CPUS. */
unsigned int xl_listed_cpus(const struct xl_sysinfo *si);

/* xl-lite info, from the hypervisor's XL_SYSCTL_INFO. */
void xl_print_info(FILE *f, const struct xl_sysinfo *si, bool json);

/* A fixed-size, maybe unterminated string field: printable characters only, others as '?'. */
void xl_print_field(FILE *f, const char *s, size_t max);

/*
 * xl-lite domid / domname: domid's id (name false) or its name (true) on
 * out, one line, if doms[0..n) lists it (in any state); else a message
 * on err naming arg (what the user typed). Returns the exit status.
 */
int xl_print_domid_or_name(FILE *out, FILE *err, const struct xl_domain_info *doms, unsigned int n,
			   uint32_t domid, bool name, const char *arg);

/*
 * xl-lite dmesg: read the whole log ring from position 0 with read() into
 * chunk (size bytes, header included) until the position reaches the head
 * seen by the first read (text logged while reading is left for next time),
 * and print it: the raw text, or {"start":..,"text":"..","end":..,"lost":..}.
 * read() returns the bytes of text or < 0. Returns 0, or -1 when a read
 * failed (what was read is printed, and the JSON object is still closed).
 * Text lost to the ring overwriting it while reading is reported on warn.
 */
typedef int64_t (*xl_log_read_fn)(void *ctx, uint64_t pos, struct xl_log_chunk *chunk, size_t size);
int xl_dmesg(FILE *f, FILE *warn, xl_log_read_fn read, void *ctx, struct xl_log_chunk *chunk,
	     size_t size, bool json);

#endif
