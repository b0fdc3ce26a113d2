/*
 * xl-lite introspect's output: hex dumps, registers, exits and the list of
 * watches and grants, as text or one JSON object a line; and the message
 * for each refusal of the introspection module. No device access: the host
 * unit tests link it. Documentation/tools.md.
 */
#ifndef XL_INTRO_FMT_H
#define XL_INTRO_FMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "xen-lite-abi.h"
#include "xl-intro-args.h"
#include "xl-intro-data.h"

/* What names things: the module's status (exit reasons, TSC), the domain list (may be empty). */
struct xl_intro_names {
	const struct xl_intro_status *status;
	const struct xl_domain_info *doms;
	unsigned int nr_doms;
};

/* What phys or virt read. */
struct xl_intro_dump {
	uint32_t domain;
	bool virt;
	uint32_t vcpu; /* virt: whose page tables */
	uint64_t addr, len; /* asked */
	uint64_t got; /* read: data[0, got) */
	const uint8_t *data;
};

/*
 * The usual hex dump: a line per 16 bytes, "ADDRESS  8 bytes  8 bytes
 * |ASCII|", the address of the line's first byte in 16 hex digits, bytes
 * outside printable ASCII shown as '.', the last line padded.
 */
void xl_intro_hexdump(FILE *f, uint64_t addr, const uint8_t *data, size_t len);

/* phys, virt: a title line and the dump; JSON: {"domain":..,"data":"hex",..}. */
void xl_intro_print_dump(FILE *f, const struct xl_intro_names *n, const struct xl_intro_dump *d, bool json);

/* regs; refreshed: the snapshot was taken after the kick (a newer one than the read before it). */
void xl_intro_print_regs(FILE *f, const struct xl_intro_names *n, uint32_t domain, uint32_t vcpu,
			 const struct xl_intro_regs *r, bool refreshed, bool json);

/*
 * exits: one answer's entries. title: the text table's heading first (text
 * only). JSON: one object per call, so that -f prints one a line.
 */
void xl_intro_print_exits(FILE *f, const struct xl_intro_names *n, uint32_t domain, uint64_t from,
			  const struct xl_intro_exits *h, const struct xl_intro_exit *e, bool title, bool json);

/* list: the domains watched and the grants. */
void xl_intro_print_status(FILE *f, const struct xl_intro_names *n, bool json);

/* "domain 3 (web)", or "domain 3" when the list does not name it (buf: 64 bytes at least). */
const char *xl_intro_domain_label(const struct xl_intro_names *n, uint32_t id, char *buf, size_t size);

/* What a refusal (err, a negative errno) of the subcommand a asked means, for domain (and observer). */
const char *xl_intro_refusal(const struct xl_intro_args *a, int err, uint32_t domain, uint32_t observer, char *buf,
			     size_t size);

#endif
