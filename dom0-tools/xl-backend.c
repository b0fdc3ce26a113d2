/*
 * Starting a guest's back-ends at create (xl-backend.h): shared by the disk
 * key (xl-disk.c) and the vif key (xl-vif.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "xl-backend.h"
#include "xl-lited-rules.h"

#define LOG_DIR "/var/log/xen-lite"
#define READY_TIMEOUT_S 10 /* the back-end's timeout_var in the environment overrides it */
#define LOG_TAIL_LINES 5

static bool executable(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISREG(st.st_mode) && !access(path, X_OK);
}

int xl_backend_find(const char *prog, char *path, size_t size)
{
	char self[PATH_MAX], *slash;
	const char *dirs = getenv("PATH");
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n > 0) {
		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash && (size_t)snprintf(path, size, "%.*s/%s", (int)(slash - self), self, prog) < size &&
		    executable(path))
			return 0;
	}
	while (dirs && *dirs) {
		size_t len = strcspn(dirs, ":");

		if ((size_t)snprintf(path, size, "%.*s/%s", len ? (int)len : 1, len ? dirs : ".", prog) < size &&
		    executable(path))
			return 0;
		dirs += len + (dirs[len] == ':');
	}
	return -1;
}

/*
 * The log log_name a back-end appends to, in LOG_DIR (XL_VBLK_LOG_DIR in the
 * environment overrides it, for every back-end) made if need be, else in
 * /tmp: opened (O_CLOEXEC), its path in path. -1 if neither can be.
 */
static int open_log(const char *log_name, char *path, size_t size)
{
	const char *dirs[] = { getenv("XL_VBLK_LOG_DIR"), "/tmp" };

	if (!dirs[0] || !dirs[0][0]) {
		dirs[0] = LOG_DIR;
		mkdir("/var/log", 0755);
	}
	mkdir(dirs[0], 0755);
	for (unsigned int i = 0; i < 2; i++) {
		int fd;

		snprintf(path, size, "%s/%s", dirs[i], log_name);
		fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		if (fd >= 0)
			return fd;
	}
	return -1;
}

/* The last lines of what the back-end wrote to its log (from byte from on), each on stderr, indented. */
static void print_log_tail(const char *path, off_t from)
{
	char buf[4096], *line, *end;
	int fd = open(path, O_RDONLY | O_CLOEXEC), lines = 0;
	off_t size;
	ssize_t n;

	if (fd < 0)
		return;
	size = lseek(fd, 0, SEEK_END);
	if (size - from > (off_t)sizeof(buf) - 1)
		from = size - (off_t)sizeof(buf) + 1;
	n = pread(fd, buf, sizeof(buf) - 1, from);
	close(fd);
	if (n <= 0) {
		fprintf(stderr, "xl-lite:   (its log is empty)\n");
		return;
	}
	buf[n] = '\0';
	/* from the last LOG_TAIL_LINES lines on */
	end = buf + n;
	while (end > buf && end[-1] == '\n')
		*--end = '\0';
	for (line = end; line > buf; line--)
		if (line[-1] == '\n' && ++lines == LOG_TAIL_LINES)
			break;
	fprintf(stderr, "%s%s\n", line == buf ? "" : "...\n", line);
}

/* How long a back-end has to add its device: READY_TIMEOUT_S, or the seconds var says. */
static int ready_timeout_s(const char *var)
{
	const char *s = getenv(var);
	char *end;
	long v;

	if (!s || !*s)
		return READY_TIMEOUT_S;
	v = strtol(s, &end, 10);
	return *end || v < 1 || v > 3600 ? READY_TIMEOUT_S : (int)v;
}

/* The back-end process: its own session, the log as stdout and stderr, no stdin. Never returns. */
static void run_backend(const struct xl_backend *b, int log, int ready)
{
	const char *argv[24];
	char fd_text[16];
	unsigned int n = 0;
	int null = open("/dev/null", O_RDONLY);

	setsid();
	if (null >= 0)
		dup2(null, 0);
	dup2(log, 1);
	dup2(log, 2);
	/* the one descriptor it keeps, as 3 (a shell script in its place could not name fd 10) */
	if (ready != 3 && dup2(ready, 3) == 3)
		ready = 3;
	fcntl(ready, F_SETFD, 0);
	snprintf(fd_text, sizeof(fd_text), "%d", ready);
	argv[n++] = b->name;
	argv[n++] = "--ready-fd";
	argv[n++] = fd_text;
	for (unsigned int i = 0; b->args[i] && n < sizeof(argv) / sizeof(argv[0]) - 1; i++)
		argv[n++] = b->args[i];
	argv[n] = NULL;
	execv(b->path, (char *const *)argv);
	fprintf(stderr, "xl-lite: cannot run %s: %s\n", b->path, strerror(errno));
	_exit(127);
}

/* "exit status 1", "killed by signal 9", or "still running" (buf: at least 32 bytes) */
static const char *status_text(pid_t pid, char *buf, size_t size)
{
	int status;

	if (waitpid(pid, &status, WNOHANG) != pid)
		snprintf(buf, size, "still running");
	else if (WIFEXITED(status))
		snprintf(buf, size, "exit status %d", WEXITSTATUS(status));
	else
		snprintf(buf, size, "killed by signal %d", WTERMSIG(status));
	return buf;
}

/* how xl-lited starts it again: written under a temporary name and renamed, never read half */
static void record(const struct xl_backend *b, unsigned int device, pid_t pid, const char *log_path)
{
	struct xl_lited_backend r = { .pid = pid, .device = device, .log = log_path, .path = b->path,
				      .name = b->name };
	char buf[4096], path[128], tmp[140];
	int len, fd;

	while (b->args[r.nargs] && r.nargs < XL_LITED_BACKEND_MAX_ARGS) {
		r.args[r.nargs] = b->args[r.nargs];
		r.nargs++;
	}
	len = xl_lited_backend_format(&r, buf, sizeof(buf));
	/* only where xl-lited has run since boot (it makes XL_LITED_RUN_DIR): nobody reads them otherwise */
	if (len < 0 || b->args[r.nargs] || access(XL_LITED_RUN_DIR, F_OK) ||
	    (mkdir(XL_LITED_BACKEND_DIR, 0755) && errno != EEXIST))
		return;
	snprintf(path, sizeof(path), "%s/%u.%u", XL_LITED_BACKEND_DIR, b->domid, device);
	snprintf(tmp, sizeof(tmp), "%s.new", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	if (write(fd, buf, (size_t)len) != len || close(fd) || rename(tmp, path))
		unlink(tmp);
}

int xl_backend_start(const struct xl_backend *b, struct xl_backends *started)
{
	char log_path[300], status[40];
	int timeout = ready_timeout_s(b->timeout_var), fds[2], log, got = 0;
	pid_t pid;
	struct pollfd pfd;
	struct timespec start, now;
	off_t from;
	char byte;

	log = open_log(b->log_name, log_path, sizeof(log_path));
	if (log < 0) {
		fprintf(stderr, "xl-lite: %s: %s: no log for its back-end (%s): %s\n", b->file, b->what,
			log_path, strerror(errno));
		return -1;
	}
	if (pipe(fds) || fcntl(fds[0], F_SETFD, FD_CLOEXEC) || fcntl(fds[1], F_SETFD, FD_CLOEXEC)) {
		fprintf(stderr, "xl-lite: %s: %s: pipe: %s\n", b->file, b->what, strerror(errno));
		close(log);
		return -1;
	}
	from = lseek(log, 0, SEEK_END);
	fflush(NULL); /* nothing buffered here is written twice */
	pid = fork();
	if (pid == 0)
		run_backend(b, log, fds[1]);
	close(fds[1]);
	close(log);
	if (pid < 0) {
		fprintf(stderr, "xl-lite: %s: %s: fork: %s\n", b->file, b->what, strerror(errno));
		close(fds[0]);
		return -1;
	}
	/* the byte, or the end of the pipe (the back-end gone), or the time up */
	pfd = (struct pollfd){ .fd = fds[0], .events = POLLIN };
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		long left_ms;
		int r;

		clock_gettime(CLOCK_MONOTONIC, &now);
		left_ms = timeout * 1000L - ((now.tv_sec - start.tv_sec) * 1000L + (now.tv_nsec - start.tv_nsec) / 1000000);
		if (left_ms <= 0)
			break;
		r = poll(&pfd, 1, (int)left_ms);
		if (r < 0 && errno == EINTR)
			continue;
		if (r > 0)
			got = read(fds[0], &byte, 1) == 1 ? 1 : -1;
		break;
	}
	close(fds[0]);
	if (got == 1) {
		record(b, started->n, pid, log_path);
		if (started->n < sizeof(started->pid) / sizeof(started->pid[0]))
			started->pid[started->n++] = pid;
		return 0;
	}
	if (!got) {
		kill(-pid, SIGKILL); /* its process group (its own session): a supervisor's worker too */
		waitpid(pid, NULL, 0);
		fprintf(stderr, "xl-lite: %s: %s: its back-end did not add the device within %d s (%s): killed; "
			"its log, %s:\n", b->file, b->what, timeout, b->timeout_var, log_path);
	} else {
		/* it closed the pipe: it has ended, or is about to */
		for (int i = 0; i < 100 && !strcmp(status_text(pid, status, sizeof(status)), "still running"); i++)
			usleep(10000);
		if (!strcmp(status, "still running")) {
			kill(-pid, SIGKILL);
			waitpid(pid, NULL, 0);
		}
		fprintf(stderr, "xl-lite: %s: %s: its back-end failed before adding the device (%s); its log, %s:\n",
			b->file, b->what, status, log_path);
	}
	print_log_tail(log_path, from);
	return -1;
}

void xl_backends_stop(struct xl_backends *started)
{
	while (started->n) {
		pid_t pid = started->pid[--started->n];

		/* a supervisor (dom0-tools/backends/supervise.c) ends after its worker, which closes its ports */
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
	}
}
