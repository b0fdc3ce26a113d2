/* A back-end as a supervisor and the worker it forks (supervise.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "supervise.h"

/* ---- the decision (pure) ---- */

unsigned int sv_recent_restarts(const struct sv_history *h, uint64_t now)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < h->n; i++)
		if (h->at[i] <= now && now - h->at[i] < SV_WINDOW_S)
			n++;
	return n;
}

void sv_note_restart(struct sv_history *h, uint64_t now)
{
	if (h->n == SV_RESTARTS_MAX) {
		memmove(h->at, h->at + 1, sizeof(h->at[0]) * (SV_RESTARTS_MAX - 1));
		h->n--;
	}
	h->at[h->n++] = now;
}

enum sv_action sv_decide(const struct sv_history *h, const struct sv_death *d, uint64_t now)
{
	if (d->exited_0 || d->stop_requested)
		return SV_END;
	if (d->mode == SV_FAILED || (d->mode == SV_FIRST && !d->was_ready))
		return SV_END_ERROR; /* nothing after the last resort; a device never served is not resumed */
	if (!d->device_exists)
		return SV_END; /* the guest is gone: nothing to serve */
	if (d->mode == SV_TAKE_OVER && !d->was_ready)
		return SV_GO_FAILED; /* the take-over itself failed: another would too */
	return sv_recent_restarts(h, now) < h->max ? SV_RESTART : SV_GO_FAILED;
}

/* ---- signals ---- */

static volatile sig_atomic_t stop_signal;   /* the supervisor's: the signal it was told to end by */
static volatile sig_atomic_t worker_pid;    /* the supervisor's: its live worker, or 0 */
static volatile sig_atomic_t worker_stop;   /* the worker's: the signal it was told to end by */
static int ready_pipe = -1;                 /* the worker's write end, until it serves */
static const int forwarded[] = { SIGTERM, SIGINT, SIGHUP };

static void supervisor_signal(int sig)
{
	stop_signal = sig;
	if (worker_pid > 0)
		kill((pid_t)worker_pid, sig);
}

static void worker_signal(int sig)
{
	worker_stop = sig;
}

/* flags: SA_RESTART for the supervisor (it forwards and goes on waiting), none for the worker (its waits end) */
static void handle(void (*fn)(int), int flags)
{
	struct sigaction sa = { .sa_handler = fn, .sa_flags = flags };

	sigemptyset(&sa.sa_mask);
	for (unsigned int i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		sigaction(forwarded[i], &sa, NULL);
}

static void block_forwarded(int how)
{
	sigset_t set;

	sigemptyset(&set);
	for (unsigned int i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		sigaddset(&set, forwarded[i]);
	sigprocmask(how, &set, NULL);
}

void sv_worker_ready(void)
{
	if (ready_pipe < 0)
		return;
	while (write(ready_pipe, "r", 1) < 0 && errno == EINTR)
		;
	close(ready_pipe);
	ready_pipe = -1;
}

bool sv_stopping(void)
{
	return worker_stop != 0;
}

const char *sv_status_text(int status, char *buf, unsigned int size)
{
	if (WIFEXITED(status))
		snprintf(buf, size, "exit status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, size, "signal %d", WTERMSIG(status));
	else
		snprintf(buf, size, "status %#x", (unsigned int)status);
	return buf;
}

/* ---- the supervisor ---- */

static uint64_t now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec;
}

static const char *mode_text(enum sv_mode m)
{
	return m == SV_FIRST ? "serving" : m == SV_TAKE_OVER ? "taking over" : "failed state";
}

/* dom0's ends of the channels, after a worker that could not close them itself */
static void close_ports(struct sv_backend *s)
{
	char msg[256];

	for (unsigned int i = 0; i < s->nr_ports; i++)
		if (xl_event_close(s->h, s->ports[i]))
			fprintf(stderr, "%s: d%u: closing dom0's port %u: %s\n", s->name, s->domid, s->ports[i],
				xl_error_message(&s->h->err, msg, sizeof(msg)));
}

/* The child: the worker's signals, then the back-end's work. Never returns. */
static void run_worker(struct sv_backend *s, enum sv_mode mode, int ready_write)
{
	handle(worker_signal, 0);
	block_forwarded(SIG_UNBLOCK);
	ready_pipe = ready_write;
	if (s->ready_fd >= 0)
		close(s->ready_fd); /* the supervisor's to write */
	printf("%s: d%u: worker pid %d (%s)\n", s->name, s->domid, (int)getpid(), mode_text(mode));
	fflush(stdout);
	/* a /dev/xenlite of its own: its view of the guest's memory goes with it (the file's release) */
	xl_close(s->h);
	if (xl_open(s->h)) {
		char msg[256];

		fprintf(stderr, "%s: d%u: /dev/xenlite: %s\n", s->name, s->domid,
			xl_error_message(&s->h->err, msg, sizeof(msg)));
		exit(1);
	}
	exit(s->worker(s->ctx, mode));
}

/* A worker started in mode: its pid, whether it said it serves (the byte, or the pipe's end), or -1 */
static pid_t start_worker(struct sv_backend *s, enum sv_mode mode, bool *ready)
{
	int fds[2];
	pid_t pid;
	char c;
	ssize_t n;

	if (pipe(fds)) {
		fprintf(stderr, "%s: d%u: a pipe: %s\n", s->name, s->domid, strerror(errno));
		return -1;
	}
	fflush(NULL); /* nothing buffered is written twice */
	block_forwarded(SIG_BLOCK); /* the child must not run the supervisor's handler */
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		run_worker(s, mode, fds[1]);
	}
	if (pid > 0)
		worker_pid = pid;
	block_forwarded(SIG_UNBLOCK);
	close(fds[1]);
	if (pid < 0) {
		fprintf(stderr, "%s: d%u: fork: %s\n", s->name, s->domid, strerror(errno));
		close(fds[0]);
		return -1;
	}
	do
		n = read(fds[0], &c, 1);
	while (n < 0 && errno == EINTR);
	close(fds[0]);
	*ready = n == 1;
	return pid;
}

/* What the supervisor says of a worker's end, once, and what it does */
static void tell(const struct sv_backend *s, const struct sv_death *d, enum sv_action a, pid_t pid,
		 const char *how, unsigned int recent)
{
	const char *who = d->mode == SV_FAILED ? "the failed-state back-end" : "the back-end";

	switch (a) {
	case SV_END:
		if (!d->exited_0)
			printf("%s: d%u: %s (pid %d) ended (%s)%s: dom0's ports closed\n", s->name, s->domid, who,
			       (int)pid, how, d->stop_requested ? " when told to stop" : ", the guest's device is gone");
		break;
	case SV_END_ERROR:
		fprintf(stderr, "%s: d%u: %s (pid %d) ended (%s) %s: no more back-ends for device %d\n", s->name,
			s->domid, who, (int)pid, how, d->was_ready ? "while serving" : "before serving", s->device);
		break;
	case SV_RESTART:
		printf("%s: d%u: the back-end (pid %d) died (%s): restart %u of %u, taking over device %d\n", s->name,
		       s->domid, (int)pid, how, recent + 1, s->restarts, s->device);
		break;
	case SV_GO_FAILED:
		if (d->mode == SV_TAKE_OVER && !d->was_ready)
			printf("%s: d%u: the back-end (pid %d) could not take device %d over (%s): ", s->name,
			       s->domid, (int)pid, s->device, how);
		else
			printf("%s: d%u: the back-end (pid %d) died (%s) after %u restarts within %u s: ", s->name,
			       s->domid, (int)pid, how, recent, SV_WINDOW_S);
		printf("device %d failed: every request is completed with an error\n", s->device);
		break;
	}
	fflush(NULL);
}

int sv_run(struct sv_backend *s)
{
	struct sv_history hist = { .max = s->restarts };
	enum sv_mode mode = SV_FIRST;

	handle(supervisor_signal, SA_RESTART);
	printf("%s: d%u: supervisor pid %d, at most %u restarts within %u s\n", s->name, s->domid, (int)getpid(),
	       s->restarts, SV_WINDOW_S);
	for (;;) {
		struct sv_death d = { .mode = mode };
		struct xl_virtio_op st;
		enum sv_action a;
		char how[40];
		unsigned int recent;
		uint64_t now;
		int status = 0;
		pid_t pid;

		if (stop_signal) {
			close_ports(s); /* no worker to do it: the last died, or none started */
			return 0;
		}
		pid = start_worker(s, mode, &d.was_ready);
		if (pid < 0) {
			close_ports(s);
			return 1;
		}
		if (d.was_ready && s->ready_fd >= 0) {
			if (write(s->ready_fd, "r", 1) != 1)
				fprintf(stderr, "%s: d%u: telling xl-lite: %s\n", s->name, s->domid, strerror(errno));
			close(s->ready_fd);
			s->ready_fd = -1;
		}
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		worker_pid = 0;
		d.exited_0 = WIFEXITED(status) && WEXITSTATUS(status) == 0;
		d.stop_requested = stop_signal != 0;
		d.device_exists = xl_virtio_state(s->h, s->domid, (uint32_t)s->device, &st) == 0;
		now = now_s();
		recent = sv_recent_restarts(&hist, now);
		a = sv_decide(&hist, &d, now);
		tell(s, &d, a, pid, sv_status_text(status, how, sizeof(how)), recent);
		switch (a) {
		case SV_END:
		case SV_END_ERROR:
			if (!d.exited_0)
				close_ports(s);
			return a == SV_END ? 0 : 1;
		case SV_RESTART:
			sv_note_restart(&hist, now);
			mode = SV_TAKE_OVER;
			break;
		case SV_GO_FAILED:
			mode = SV_FAILED;
			break;
		}
	}
}
