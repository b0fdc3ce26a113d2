/*
 * What xl-lite inject reads of the node between injections, through
 * /dev/xenlite: the domain list and the hypervisor's clock in it, a
 * domain's console a line at a time, and the hypervisor's log from where
 * the campaign began (for a PANIC or ASSERT). Documentation/modules/
 * fault-injector.md.
 */
#ifndef XL_FI_NODE_H
#define XL_FI_NODE_H

#include <stdbool.h>
#include <stdint.h>

#include "libxl-lite.h"
#include "xl-cmds.h" /* XL_LIST_MAX */
#include "xl-fi-lines.h"

#define XL_FI_CONSOLE_CHUNK 8192
#define XL_FI_LOG_CHUNK (64 * 1024)

struct xl_fi_node {
	struct xl_handle *h;
	struct xl_domain_info doms[XL_LIST_MAX];
	unsigned int nr_doms; /* of the last list that answered */
	uint64_t now_us; /* dom0's uptime in that list: the hypervisor's clock */
	struct xl_fi_lines console; /* the target's console, a line at a time */
	struct xl_fi_lines log; /* the hypervisor's log */
	uint64_t log_pos; /* read up to here */
	bool alarm; /* a line of the log said PANIC or ASSERT */
	char alarm_line[96];
	struct xl_log_chunk *log_chunk; /* XL_FI_LOG_CHUNK bytes */
	struct xl_console_chunk *console_chunk; /* XL_FI_CONSOLE_CHUNK bytes */
};

/* Buffers, and the log's position now (only what comes later is scanned). 0, -1 (h->err), -2 (no memory, said). */
int xl_fi_node_open(struct xl_fi_node *n, struct xl_handle *h);
void xl_fi_node_close(struct xl_fi_node *n);

/* XL_SYSCTL_DOMAIN_LIST into n->doms, with the clock. 0, or -1 (n->h->err). */
int xl_fi_node_list(struct xl_fi_node *n);

/*
 * The hypervisor's clock in milliseconds: dom0's uptime as the last list
 * gave it (dom0's own clock has been seen running fast under TCG), or
 * CLOCK_MONOTONIC before any list answered.
 */
uint64_t xl_fi_node_ms(const struct xl_fi_node *n);

/* Domain id's unread console output, each complete line to fn. The bytes read, or -1 (gone, or h->err). */
int64_t xl_fi_node_console(struct xl_fi_node *n, uint32_t id, xl_fi_line_fn fn, void *ctx);

/* The log since the last scan, for a PANIC or ASSERT (n->alarm, n->alarm_line). 0, or -1 (h->err). */
int xl_fi_node_scan_log(struct xl_fi_node *n);

#endif
