/*
 * A domain's console: what it prints is sanitized, split into lines and
 * logged as "(dN name) ..." (within its budget, DOMAIN_CONSOLE_BURST and
 * DOMAIN_CONSOLE_RATE), and kept in a bounded ring for dom0 (xl-lite
 * console); what dom0 types waits for the guest (xen-lite/domain_console.c).
 */
#ifndef XEN_LITE_DOMAIN_CONSOLE_H
#define XEN_LITE_DOMAIN_CONSOLE_H

#include <xen-lite/types.h>

struct domain;

/* A new domain's console: empty, with its whole budget for the hypervisor's console. */
void domain_console_init(struct domain *d);
void domain_console_write(struct domain *d, const char *buf, size_t len);
/* dom0 reads unread output (returns bytes, *dropped: bytes lost since the last read). */
size_t domain_console_take(struct domain *d, char *buf, size_t len, uint64_t *dropped);
/* dom0 types: queued for the guest's XL_CONSOLE_READ; returns bytes taken. */
size_t domain_console_type(struct domain *d, const char *buf, size_t len);
/* The guest reads what was typed. */
size_t domain_console_input(struct domain *d, char *buf, size_t len);

#endif
