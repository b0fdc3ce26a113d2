/*
 * xl-lited's console logs (xl-lited.c): for each guest listed, its console
 * drained into LOG_DIR/guest-NAME.log (xl-lited-rules.h names it), the
 * hypervisor's lines about it (started, crashed, destroyed, restarted as)
 * copied there too, and the log published as XL_LITED_CONSOLE_DIR/DOMID
 * for `xl-lite console`, until the domain is no longer listed.
 */
#ifndef XL_LITED_GUESTS_H
#define XL_LITED_GUESTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libxl-lite.h"
#include "xl-cmds.h"

#define LITED_LINE_MAX 256 /* the part of a console line kept to match the hypervisor's copy */
#define LITED_LAST_LINES 16 /* the guest's last lines in the hypervisor's log, kept for its end */

struct lited_guest {
	uint32_t domid;
	char name[XL_DOMAIN_NAME_MAX];
	int fd; /* its log, appended; -1 when it could not be opened (said once) */
	bool line_start; /* the log's last byte is a newline: the daemon's own lines start on one */
	bool listed; /* seen in this round's list */
	bool write_failed; /* said once */
	uint32_t state; /* XL_DOMAIN_* as last listed */
	/* the last whole line taken from its console ring, and the one being read */
	char ring_last[LITED_LINE_MAX], ring_cur[LITED_LINE_MAX];
	size_t ring_last_len, ring_cur_len;
	/*
	 * its last lines as the hypervisor logged them (a ring of LITED_LAST_LINES): a
	 * guest destroyed by its end action takes its console ring along, so
	 * what it wrote after the last drain is found here
	 */
	char hv_last[LITED_LAST_LINES][LITED_LINE_MAX];
	unsigned int hv_last_n, hv_last_next;
};

struct lited_guests {
	const char *log_dir;
	struct lited_guest g[XL_LIST_MAX];
	unsigned int n;
	/* the hypervisor's log: where to read next, and a line begun in the last chunk */
	bool hv_pos_known, hv_failed;
	uint64_t hv_pos;
	char hv_line[1024];
	size_t hv_line_len;
};

void lited_guests_init(struct lited_guests *gs, const char *log_dir);

/*
 * One round over the domains listed (doms[0..n)): new ones logged and
 * published, every console drained, the hypervisor's new lines copied,
 * those no longer listed ended (their last output, a line, the link removed).
 */
void lited_guests_round(struct lited_guests *gs, struct xl_handle *h, const struct xl_domain_info *doms,
			unsigned int n);

/* The daemon stops: every log gets its last output and a line saying so; the links go. */
void lited_guests_stop(struct lited_guests *gs, struct xl_handle *h);

#endif
