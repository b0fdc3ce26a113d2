/* xl-lite console over xl-lited's log of the domain (xl-console-log.h). */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xl-console-log.h"
#include "xl-lited-pid.h"
#include "xl-lited-rules.h"

#define WAIT_STEP_MS 50
#define DAEMON_CHECK_ROUNDS 20 /* about a second of a quiet guest */

static void link_path(uint32_t domid, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%u", XL_LITED_CONSOLE_DIR, domid);
}

int xl_console_log_open(struct xl_console_log *l, uint32_t domid, unsigned int wait_ms, FILE *err)
{
	char link[128];

	*l = (struct xl_console_log){ .fd = -1, .domid = domid };
	l->daemon_pid = xl_lited_pid();
	if (!l->daemon_pid)
		return 0;
	link_path(domid, link, sizeof(link));
	for (unsigned int waited = 0;; waited += WAIT_STEP_MS) {
		l->fd = open(link, O_RDONLY | O_CLOEXEC);
		if (l->fd >= 0)
			return 1;
		if (waited >= wait_ms)
			break;
		usleep(WAIT_STEP_MS * 1000);
	}
	fprintf(err, "xl-lite: xl-lited (pid %ld) does not log domain %u: reading its console directly\r\n",
		l->daemon_pid, domid);
	return 0;
}

void xl_console_log_tail(struct xl_console_log *l, FILE *out)
{
	static char tail[XL_LITED_TAIL_BYTES];
	struct stat st;
	off_t from = 0;
	ssize_t n;
	size_t start;

	if (fstat(l->fd, &st) == 0 && st.st_size > (off_t)sizeof(tail))
		from = st.st_size - (off_t)sizeof(tail);
	n = pread(l->fd, tail, sizeof(tail), from);
	if (n <= 0)
		return;
	start = xl_lited_tail_start(tail, (size_t)n, from == 0, l->domid);
	fwrite(tail + start, 1, (size_t)n - start, out);
	fflush(out);
	lseek(l->fd, from + n, SEEK_SET);
}

static bool still_written(struct xl_console_log *l)
{
	char link[128];
	struct stat st;

	link_path(l->domid, link, sizeof(link));
	return lstat(link, &st) == 0 && xl_lited_pid() == l->daemon_pid;
}

void xl_console_log_skip(struct xl_console_log *l)
{
	lseek(l->fd, 0, SEEK_END);
}

int64_t xl_console_log_read(struct xl_console_log *l, char *buf, size_t size)
{
	ssize_t n = read(l->fd, buf, size);

	if (n > 0)
		l->idle_rounds = 0;
	if (n != 0)
		return n;
	if (++l->idle_rounds < DAEMON_CHECK_ROUNDS)
		return 0;
	l->idle_rounds = 0;
	if (still_written(l))
		return 0;
	/* what the daemon wrote between the last read and the check: its last output and line */
	n = read(l->fd, buf, size);
	return n ? n : XL_CONSOLE_LOG_DONE;
}

int64_t xl_console_log_drain(struct xl_console_log *l, FILE *out)
{
	char buf[8192];
	int64_t total = 0, n;

	while ((n = xl_console_log_read(l, buf, sizeof(buf))) > 0) {
		fwrite(buf, 1, (size_t)n, out);
		total += n;
	}
	fflush(out);
	return total ? total : n;
}

void xl_console_log_close(struct xl_console_log *l)
{
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
}
