/* The node as xl-lite inject reads it (see xl-fi-node.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "xl-fi-node.h"

int xl_fi_node_open(struct xl_fi_node *n, struct xl_handle *h)
{
	int64_t got;

	memset(n, 0, sizeof(*n));
	n->h = h;
	n->log_chunk = malloc(XL_FI_LOG_CHUNK);
	n->console_chunk = malloc(XL_FI_CONSOLE_CHUNK);
	if (!n->log_chunk || !n->console_chunk) {
		perror("xl-lite");
		return -2;
	}
	/* where the log is now: only what the campaign brings is looked at */
	got = xl_log_read(h, 0, n->log_chunk, sizeof(*n->log_chunk) + 1);
	if (got < 0)
		return -1;
	n->log_pos = n->log_chunk->head;
	return xl_fi_node_list(n);
}

void xl_fi_node_close(struct xl_fi_node *n)
{
	free(n->log_chunk);
	free(n->console_chunk);
	n->log_chunk = NULL;
	n->console_chunk = NULL;
}

int xl_fi_node_list(struct xl_fi_node *n)
{
	int got = xl_domain_list(n->h, n->doms, XL_LIST_MAX);

	if (got < 0)
		return -1;
	n->nr_doms = (unsigned int)got < XL_LIST_MAX ? (unsigned int)got : XL_LIST_MAX;
	for (unsigned int i = 0; i < n->nr_doms; i++)
		if (n->doms[i].domid == 0)
			n->now_us = n->doms[i].uptime_us;
	return 0;
}

uint64_t xl_fi_node_ms(const struct xl_fi_node *n)
{
	struct timespec ts;

	if (n->now_us)
		return n->now_us / 1000;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int64_t xl_fi_node_console(struct xl_fi_node *n, uint32_t id, xl_fi_line_fn fn, void *ctx)
{
	int64_t total = 0;

	for (;;) {
		int64_t got = xl_console_read(n->h, id, n->console_chunk, XL_FI_CONSOLE_CHUNK);

		if (got < 0)
			return -1;
		if (!got)
			return total;
		if ((uint64_t)got > XL_FI_CONSOLE_CHUNK - sizeof(*n->console_chunk))
			got = (int64_t)(XL_FI_CONSOLE_CHUNK - sizeof(*n->console_chunk));
		xl_fi_lines_feed(&n->console, n->console_chunk->data, (size_t)got, fn, ctx);
		total += got;
	}
}

static void note_log_line(void *ctx, const char *line)
{
	struct xl_fi_node *n = ctx;

	if (!n->alarm && xl_fi_hypervisor_alarm(line)) {
		n->alarm = true;
		snprintf(n->alarm_line, sizeof(n->alarm_line), "%s", line);
	}
}

int xl_fi_node_scan_log(struct xl_fi_node *n)
{
	size_t room = XL_FI_LOG_CHUNK - sizeof(*n->log_chunk);

	for (;;) {
		int64_t got = xl_log_read(n->h, n->log_pos, n->log_chunk, XL_FI_LOG_CHUNK);
		uint32_t len;

		if (got < 0)
			return -1;
		len = n->log_chunk->len < room ? n->log_chunk->len : (uint32_t)room;
		xl_fi_lines_feed(&n->log, n->log_chunk->data, len, note_log_line, n);
		/* a reply that does not move on ends the scan: nothing more for now */
		if (!len || n->log_chunk->next <= n->log_pos)
			return 0;
		n->log_pos = n->log_chunk->next;
	}
}
