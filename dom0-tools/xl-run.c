/*
 * xl-lite run DOMAIN -- COMMAND [ARG...]: a command run inside a Linux guest
 * that runs the agent (xl-agent, dom0-tools/guest-initrd/), over the guest's
 * console: the request goes in as typed input, the answers come back as
 * tagged lines (xl-run-proto.h). Its output is printed, its exit status is
 * xl-lite's. While xl-lited logs the guest (it is then the console ring's
 * one reader), the answers are read from its log, and runs of one guest
 * overlap: each holds the guest's lock only while it types its request.
 * Without the daemon this run reads the ring itself, so it holds the lock
 * to its end: one run at a time. Documentation/tools.md, "run".
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "xl-cmds.h"
#include "xl-console-log.h"
#include "xl-run-command.h"
#include "xl-run-proto.h"
#include "xl-wait.h"

#define RUN_LOCK_DIR "/run/xen-lite"
#define RUN_POLL_MS 20
#define RUN_CHECK_EVERY 25 /* polls between checks that the guest is still up (0.5 s) */
#define RUN_CHECK_MS (RUN_CHECK_EVERY * RUN_POLL_MS)
#define RUN_CHUNK_BYTES 8192
/* an agent answers at once; a guest without one never does */
#define RUN_START_TIMEOUT_MS 15000
#define RUN_LITED_LINK_WAIT_MS 2000 /* as console: xl-lited publishes a new guest's log within a round or two */

/* A fresh token: 16 hex digits from the kernel's random source. */
static int new_token(char token[XL_RUN_TOKEN_LEN + 1])
{
	unsigned char raw[XL_RUN_TOKEN_LEN / 2];

	if (getrandom(raw, sizeof(raw), 0) != (ssize_t)sizeof(raw))
		return -1;
	for (size_t i = 0; i < sizeof(raw); i++)
		snprintf(token + 2 * i, 3, "%02x", raw[i]);
	return 0;
}

/*
 * A lock file per domain id: two requests typed at once would mix their
 * bytes in the guest's input, and the console ring has one reader. The
 * descriptor, or -1 (then the run goes on without it, as it says).
 */
static int lock_guest(uint32_t domid)
{
	char path[64];
	int fd;

	mkdir(RUN_LOCK_DIR, 0755);
	snprintf(path, sizeof(path), RUN_LOCK_DIR "/run-%u.lock", domid);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0 || flock(fd, LOCK_EX) < 0) {
		fprintf(stderr, "xl-lite: run: %s: %s (running without the lock)\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Whether domid is still up: listed and not ended; false also when the list fails. */
static bool guest_up(struct xl_handle *h, uint32_t domid)
{
	static struct xl_domain_info doms[XL_LIST_MAX];
	int n = xl_domain_list(h, doms, XL_LIST_MAX);

	return n >= 0 && !xl_domain_has_ended(doms, (unsigned int)n < XL_LIST_MAX ? (unsigned int)n : XL_LIST_MAX,
					       domid);
}

static void report_ended(uint32_t domid)
{
	fprintf(stderr, "xl-lite: run: domain %u ended before the command did\n", domid);
}

/* The request typed in, waiting while the guest's 256-byte input queue is full. */
static int send_request(struct xl_handle *h, uint32_t domid, const char *line, size_t len)
{
	for (unsigned int polls = 0; len;) {
		int64_t n = xl_console_write(h, domid, line, len);

		if (n < 0)
			return xl_report(&h->err);
		line += n;
		len -= (size_t)n;
		if (len && ++polls % RUN_CHECK_EVERY == 0 && !guest_up(h, domid)) {
			fprintf(stderr, "xl-lite: run: domain %u ended before it took the command\n", domid);
			return XL_EXIT_ERROR;
		}
		if (len)
			usleep(RUN_POLL_MS * 1000);
	}
	return XL_EXIT_OK;
}

/*
 * This run's lines among what the console gave: output printed, *started
 * set at the agent's start line; 1 and *status at the exit line.
 */
static int take_lines(struct xl_run_lines *lines, const char *token, bool *started, int *status)
{
	const char *line, *text;
	size_t len, text_len;

	while (xl_run_next_line(lines, &line, &len)) {
		switch (xl_run_parse_line(line, len, token, &text, &text_len, status)) {
		case XL_RUN_LINE_START:
			*started = true;
			break;
		case XL_RUN_LINE_OUT:
			fwrite(text, 1, text_len, stdout);
			putchar('\n');
			break;
		case XL_RUN_LINE_EXIT:
			return 1;
		case XL_RUN_LINE_OTHER:
			break; /* the guest's kernel, an earlier run, anything else on its console */
		}
	}
	fflush(stdout);
	return 0;
}

static _Alignas(struct xl_console_chunk) char chunk_mem[RUN_CHUNK_BYTES];

/* Where the guest's output is read: its console ring, or xl-lited's log of it. */
struct run_output {
	struct xl_console_log log;
	bool from_log;
};

/*
 * What the console holds from before this run (a boot's messages, and how
 * much of them the ring lost) is not this run's: skipped, so that a loss
 * reported later is one of this run's output.
 */
static int skip_earlier_output(struct xl_handle *h, uint32_t domid, struct run_output *o)
{
	struct xl_console_chunk *chunk = (struct xl_console_chunk *)chunk_mem;
	int64_t n;

	o->from_log = xl_console_log_open(&o->log, domid, RUN_LITED_LINK_WAIT_MS, stderr) == 1;
	if (o->from_log) {
		xl_console_log_skip(&o->log);
		return XL_EXIT_OK;
	}
	do
		n = xl_console_read(h, domid, chunk, RUN_CHUNK_BYTES);
	while (n > 0);
	return n < 0 ? xl_report(&h->err) : XL_EXIT_OK;
}

/*
 * The guest's next output into *data: bytes, 0 for none yet, -1 after h->err
 * (or errno, from the log). The daemon ending its log of a domain still up
 * (it stopped) sends the reading back to the ring.
 */
static int64_t read_output(struct xl_handle *h, uint32_t domid, struct run_output *o, const char **data)
{
	struct xl_console_chunk *chunk = (struct xl_console_chunk *)chunk_mem;
	int64_t n;

	if (o->from_log) {
		n = xl_console_log_read(&o->log, chunk->data, RUN_CHUNK_BYTES - sizeof(*chunk));
		*data = chunk->data;
		if (n != XL_CONSOLE_LOG_DONE)
			return n;
		xl_console_log_close(&o->log);
		o->from_log = false;
	}
	n = xl_console_read(h, domid, chunk, RUN_CHUNK_BYTES);
	*data = chunk->data;
	if (n >= 0 && chunk->dropped)
		fprintf(stderr, "xl-lite: run: %llu bytes of the guest's console lost (not read in time)\n",
			(unsigned long long)chunk->dropped);
	return n;
}

/* Read the console until this run's exit line; its status, or XL_RUN_FAILED. */
#define XL_RUN_FAILED 255
static int collect(struct xl_handle *h, uint32_t domid, const char *token, struct run_output *o)
{
	static struct xl_run_lines lines;
	int status = XL_RUN_FAILED;
	bool started = false;
	uint64_t sent = now_ms(), checked = sent;

	for (;;) {
		const char *data;
		int64_t n = read_output(h, domid, o, &data);

		if (n < 0) {
			struct xl_error why = h->err;
			bool from_log = o->from_log;
			int log_errno = errno;

			/* destroyed meanwhile: say so rather than what the read found */
			if (!guest_up(h, domid))
				report_ended(domid);
			else if (from_log)
				fprintf(stderr, "xl-lite: run: reading xl-lited's log: %s\n", strerror(log_errno));
			else
				xl_report(&why);
			return XL_RUN_FAILED;
		}
		for (size_t off = 0; off < (size_t)n;) {
			off += xl_run_add(&lines, data + off, (size_t)n - off);
			if (take_lines(&lines, token, &started, &status))
				return status;
		}
		if (n)
			continue;
		if (!started && now_ms() - sent >= RUN_START_TIMEOUT_MS) {
			fprintf(stderr, "xl-lite: run: domain %u did not take the command within %d s: does "
				"it run xl-agent (guest_agent=1 on a Linux guest's command line)?\n", domid,
				RUN_START_TIMEOUT_MS / 1000);
			return XL_RUN_FAILED;
		}
		if (now_ms() - checked >= RUN_CHECK_MS) {
			checked = now_ms();
			if (!guest_up(h, domid)) {
				report_ended(domid);
				return XL_RUN_FAILED;
			}
		}
		usleep(RUN_POLL_MS * 1000);
	}
}

int xl_cmd_run(struct xl_handle *h, const struct xl_args *a)
{
	char command[XL_RUN_MAX_COMMAND + 1], request[XL_RUN_MAX_REQUEST], token[XL_RUN_TOKEN_LEN + 1];
	struct run_output output = { .log.fd = -1 };
	const struct xl_run_spec spec = {
		.words = a->args + 1, .nwords = a->nargs - 1,
		.as_user = a->run_user != NULL, .uid = a->run_uid, .gid = a->run_gid,
		.cwd = a->run_cwd, .env = a->run_env, .nenv = a->run_nenv,
	};
	size_t len, need;
	int rc, lock;

	if (a->domid == 0) {
		fprintf(stderr, "xl-lite: run: '%s' is dom0, not a guest\n", a->args[0]);
		return XL_EXIT_USAGE;
	}
	if (!xl_run_command(command, sizeof(command), &spec, &need)) {
		fprintf(stderr, "xl-lite: run: the command, quoted with its --user, --cwd and --env, "
			"needs %zu bytes: more than the %d a request holds\n", need, XL_RUN_MAX_COMMAND);
		return XL_EXIT_USAGE;
	}
	if (new_token(token) < 0) {
		fprintf(stderr, "xl-lite: run: no random token: %s\n", strerror(errno));
		return XL_RUN_FAILED;
	}
	len = xl_run_request(request, sizeof(request), token, command);
	lock = lock_guest(a->domid);
	rc = skip_earlier_output(h, a->domid, &output);
	if (rc == XL_EXIT_OK)
		rc = send_request(h, a->domid, request, len);
	/* its answers come from the daemon's log, which every run reads for itself */
	if (output.from_log && lock >= 0) {
		close(lock);
		lock = -1;
	}
	rc = rc == XL_EXIT_OK ? collect(h, a->domid, token, &output) : XL_RUN_FAILED;
	if (lock >= 0)
		close(lock);
	xl_console_log_close(&output.log);
	return rc;
}
