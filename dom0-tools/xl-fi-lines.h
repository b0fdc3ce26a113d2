/*
 * Text xl-lite inject watches, a line at a time: a guest's console and the
 * hypervisor's log arrive in chunks that cut lines anywhere; the lines are
 * put together again (without their "\r\n") and handed on whole. No device
 * access: the host unit tests link it.
 */
#ifndef XL_FI_LINES_H
#define XL_FI_LINES_H

#include <stdbool.h>
#include <stddef.h>

#include "xl-fi-campaign.h"

#define XL_FI_LINE_MAX 512 /* a longer line is handed on in pieces of XL_FI_LINE_MAX - 1 */

typedef void (*xl_fi_line_fn)(void *ctx, const char *line);

struct xl_fi_lines {
	char line[XL_FI_LINE_MAX];
	size_t len;
};

/* Take n bytes of text: each line they complete goes to fn; the rest waits for the next bytes. */
void xl_fi_lines_feed(struct xl_fi_lines *l, const char *data, size_t n, xl_fi_line_fn fn, void *ctx);

/* Forget a partial line (the text's source is gone: a domain restarted). */
void xl_fi_lines_reset(struct xl_fi_lines *l);

/* Whether line holds one of the patterns. */
bool xl_fi_patterns_match(const struct xl_fi_patterns *p, const char *line);

/*
 * Whether a line of the hypervisor's log says the hypervisor failed: a
 * PANIC or an ASSERT of its own. Guests' console lines in the log ("(dN
 * NAME) ...") never count, whatever they say.
 */
bool xl_fi_hypervisor_alarm(const char *line);

#endif
