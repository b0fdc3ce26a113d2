/*
 * xl-lite console DOMAIN (and create -c): the guest's output since the
 * last read, then live; what is typed goes to the guest. Ctrl-] detaches.
 * While xl-lited logs the domain, the output is its log's (xl-console-log.c:
 * the daemon is the console ring's one reader), and when it stops logging
 * it the ring is read directly again. Documentation/tools.md.
 */
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "xl-cmds.h"
#include "xl-console-log.h"

#define DETACH_KEY 0x1d /* Ctrl-] */
#define QUIET_MS 1000 /* non-interactive: leave once the guest is this quiet after the input */
#define LITED_LINK_WAIT_MS 2000 /* xl-lited publishes a new domain's log within a round or two */

/* Print what the guest wrote since the last read; returns bytes, or -1 on error. */
#define CONSOLE_CHUNK_BYTES 8192

static int64_t drain_console(struct xl_handle *h, uint32_t id, struct xl_console_chunk *chunk)
{
	int64_t n = xl_console_read(h, id, chunk, CONSOLE_CHUNK_BYTES);

	if (n < 0)
		return -1;
	if (chunk->dropped)
		fprintf(stderr, "\r\nxl-lite: [%llu bytes of output lost before this]\r\n",
			(unsigned long long)chunk->dropped);
	fwrite(chunk->data, 1, (size_t)n, stdout);
	fflush(stdout);
	return n;
}

/* Whether domid is still listed (running or kept after its end): 1, 0, or -1 (h->err). */
static int domain_listed(struct xl_handle *h, uint32_t domid)
{
	static struct xl_domain_info doms[XL_LIST_MAX];
	int n = xl_domain_list(h, doms, XL_LIST_MAX);

	for (int i = 0; i < n && i < XL_LIST_MAX; i++)
		if (doms[i].domid == domid)
			return 1;
	return n < 0 ? -1 : 0;
}

int xl_cmd_console(struct xl_handle *h, uint32_t domid, const char *named)
{
	static _Alignas(struct xl_console_chunk) char chunk_mem[CONSOLE_CHUNK_BYTES];
	struct xl_console_chunk *chunk = (struct xl_console_chunk *)chunk_mem;
	bool tty = isatty(STDIN_FILENO), input_done = false;
	struct termios saved, raw;
	uint32_t id = domid;
	int quiet_ms = 0, rc = XL_EXIT_OK;
	struct xl_console_log log;
	bool from_log;

	if (id == 0) {
		fprintf(stderr, "xl-lite: '%s' is dom0, not a guest: it has no console here\n",
			named);
		return XL_EXIT_USAGE;
	}
	if (tty) {
		tcgetattr(STDIN_FILENO, &saved);
		raw = saved;
		cfmakeraw(&raw);
		tcsetattr(STDIN_FILENO, TCSANOW, &raw);
		fprintf(stderr, "xl-lite: attached to domain %u's console; Ctrl-] detaches\r\n", id);
	}
	from_log = xl_console_log_open(&log, id, LITED_LINK_WAIT_MS, stderr) == 1;
	if (from_log)
		xl_console_log_tail(&log, stdout);
	for (;;) {
		struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
		int64_t out = from_log ? xl_console_log_drain(&log, stdout) : drain_console(h, id, chunk);

		if (from_log && out == XL_CONSOLE_LOG_DONE) {
			/* the domain ended (its log has all it wrote), or the daemon stopped: the ring again */
			xl_console_log_close(&log);
			from_log = false;
			if (domain_listed(h, id) == 0) {
				fprintf(stderr, "%sxl-lite: domain %u has ended\r\n", tty ? "\r\n" : "", id);
				break;
			}
			continue;
		}
		if (out < 0) {
			if (from_log)
				perror("xl-lite: reading xl-lited's log");
			rc = from_log ? XL_EXIT_ERROR : xl_report(&h->err);
			break;
		}
		quiet_ms = out ? 0 : quiet_ms + 50;
		if (!tty && input_done && quiet_ms >= QUIET_MS)
			break;
		if (!input_done && poll(&pfd, 1, 50) > 0) {
			char buf[256];
			ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));
			char *detach = n > 0 && tty ? memchr(buf, DETACH_KEY, (size_t)n) : NULL;

			if (detach)
				n = detach - buf;
			if (n > 0 && xl_console_write(h, id, buf, (size_t)n) < 0) {
				rc = xl_report(&h->err);
				break;
			}
			if (detach)
				break;
			if (n <= 0)
				input_done = true;
		} else if (input_done) {
			usleep(50000);
		}
	}
	xl_console_log_close(&log);
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
		fprintf(stderr, "\nxl-lite: detached\n");
	}
	return rc;
}
