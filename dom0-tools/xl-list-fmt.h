/*
 * The output of xl-lite list (a line, or with -l a block, per domain, or
 * JSON) and vcpu-list, from XL_SYSCTL_DOMAIN_LIST and XL_SYSCTL_INFO. No
 * device access: tests/unit/test_xl_lite.c links it. Documentation/tools.md.
 */
#ifndef XL_LIST_FMT_H
#define XL_LIST_FMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "xen-lite-abi.h"

/* xl-lite list, from XL_SYSCTL_DOMAIN_LIST's n entries: a table, or JSON. */
void xl_print_domains(FILE *f, const struct xl_domain_info *doms, unsigned int n, bool json);

/* xl-lite list -l: one block of "key: value" lines per domain, a blank line between. */
void xl_print_domains_long(FILE *f, const struct xl_domain_info *doms, unsigned int n);

/* A domain's uptime as H:MM:SS, the hours unbounded ("49:02:03"; buf: at least 24 bytes). */
const char *xl_format_uptime(uint64_t uptime_us, char *buf, size_t size);

/*
 * The physical CPU of the domain's vCPU vcpu (ABI 0.6: vcpu_cpu[]), or -1
 * past its vCPUs or past the XL_MAX_GUEST_VCPUS the list carries (dom0's).
 */
int xl_vcpu_cpu(const struct xl_domain_info *d, unsigned int vcpu);

/* The CPUs a domain owns as ranges, "2-3,6" ("-" for none; buf: at least 8 bytes). */
const char *xl_format_domain_cpus(uint32_t domid, const struct xl_sysinfo *si, char *buf,
				  size_t size);

/* xl-lite vcpu-list: each vCPU of each of the n domains, a table or JSON. */
void xl_print_vcpus(FILE *f, const struct xl_domain_info *doms, unsigned int n,
		    const struct xl_sysinfo *si, bool json);

#endif
