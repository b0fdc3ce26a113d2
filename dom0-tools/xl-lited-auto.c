/* xl-lited's auto guests (xl-lited-auto.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "xl-backend.h"
#include "xl-cfg.h"
#include "xl-lited-auto.h"
#include "xl-lited-rules.h"
#include "xl-lited-say.h"

#define CREATE_BOUND_S 300 /* a create still running then is killed: the next file is tried */
#define CFG_MAX_BYTES (64 * 1024) /* as xl-lite create reads it */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int lited_auto_load(struct lited_auto *a, const char *dir)
{
	struct dirent *e;
	DIR *d;

	memset(a, 0, sizeof(*a));
	a->out_fd = -1;
	snprintf(a->dir, sizeof(a->dir), "%s", dir);
	d = opendir(dir);
	if (!d) {
		if (errno == ENOENT)
			return 0;
		lited_say(LOG_ERR, "auto: %s: %s", dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d))) {
		char **more;

		if (!xl_lited_is_auto_cfg(e->d_name))
			continue;
		more = realloc(a->files, (a->n + 1) * sizeof(*more));
		if (!more || !(more[a->n] = strdup(e->d_name))) {
			a->files = more ? more : a->files;
			lited_say(LOG_ERR, "auto: %s: out of memory", dir);
			break;
		}
		a->files = more;
		a->n++;
	}
	closedir(d);
	if (a->n)
		qsort(a->files, a->n, sizeof(*a->files), xl_lited_auto_order);
	if (a->n && xl_backend_find("xl-lite", a->xl_lite, sizeof(a->xl_lite))) {
		lited_say(LOG_ERR, "auto: no xl-lite next to xl-lited or in PATH: %u guest(s) of %s not created",
			  a->n, dir);
		a->next = a->n;
	}
	return 0;
}

bool lited_auto_busy(const struct lited_auto *a)
{
	return a->child || (!a->stopped && a->next < a->n);
}

/* The guest's name in the file, or NULL after saying why it is not created. */
static const char *guest_name(const char *path, const char *file, struct xl_cfg *cfg)
{
	static char text[CFG_MAX_BYTES + 1];
	char err[256];
	size_t len;
	FILE *f = fopen(path, "r");

	if (!f) {
		lited_say(LOG_ERR, "auto %s: %s: not created", file, strerror(errno));
		return NULL;
	}
	len = fread(text, 1, CFG_MAX_BYTES + 1, f);
	fclose(f);
	if (len > CFG_MAX_BYTES) {
		lited_say(LOG_ERR, "auto %s: larger than 64 KiB: not created", file);
		return NULL;
	}
	text[len] = '\0';
	if (xl_cfg_parse(text, cfg, err, sizeof(err))) {
		lited_say(LOG_ERR, "auto %s: %s: not created", file, err);
		return NULL;
	}
	return cfg->name;
}

static void start_next(struct lited_auto *a, const struct xl_domain_info *doms, unsigned int n)
{
	static struct xl_cfg cfg;
	const char *file = a->files[a->next], *name;
	char path[512];
	int pipefd[2];

	snprintf(path, sizeof(path), "%s/%s", a->dir, file);
	name = guest_name(path, file, &cfg);
	if (!name) {
		a->failed++;
		a->next++;
		return;
	}
	if (!xl_lited_auto_wanted(name, doms, n)) {
		lited_say(LOG_INFO, "auto %s: %s is already there: not created again", file, name);
		a->skipped++;
		a->next++;
		return;
	}
	if (pipe(pipefd)) {
		lited_say(LOG_ERR, "auto %s: pipe: %s: not created", file, strerror(errno));
		a->failed++;
		a->next++;
		return;
	}
	/* neither end reaches xl-lite's back-ends, which outlive it (only stdout and stderr do) */
	fcntl(pipefd[0], F_SETFD, FD_CLOEXEC);
	fcntl(pipefd[1], F_SETFD, FD_CLOEXEC);
	a->child = fork();
	if (a->child == 0) {
		int null = open("/dev/null", O_RDONLY);

		if (null >= 0)
			dup2(null, STDIN_FILENO);
		dup2(pipefd[1], STDOUT_FILENO);
		dup2(pipefd[1], STDERR_FILENO);
		execl(a->xl_lite, "xl-lite", "create", path, (char *)NULL);
		fprintf(stderr, "%s: %s\n", a->xl_lite, strerror(errno));
		_exit(127);
	}
	close(pipefd[1]);
	if (a->child < 0) {
		lited_say(LOG_ERR, "auto %s: fork: %s: not created", file, strerror(errno));
		close(pipefd[0]);
		a->child = 0;
		a->failed++;
		a->next++;
		return;
	}
	fcntl(pipefd[0], F_SETFL, O_NONBLOCK);
	a->out_fd = pipefd[0];
	a->out_len = 0;
	a->last[0] = '\0';
	a->started_s = now_s();
	lited_say(LOG_INFO, "auto %s: creating %s", file, name);
}

static void relay_line(struct lited_auto *a)
{
	a->out[a->out_len] = '\0';
	if (a->out_len)
		lited_say(LOG_INFO, "auto %s: %s", a->files[a->next], a->out);
	snprintf(a->last, sizeof(a->last), "%.*s", (int)sizeof(a->last) - 1, a->out);
	a->out_len = 0;
}

/* what the create wrote so far, line by line */
static void relay(struct lited_auto *a)
{
	char buf[512];
	ssize_t r;

	while ((r = read(a->out_fd, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < r; i++) {
			if (buf[i] == '\n' || a->out_len == sizeof(a->out) - 1) {
				relay_line(a);
				if (buf[i] == '\n')
					continue;
			}
			a->out[a->out_len++] = buf[i];
		}
	}
}

/* The create ended (status from waitpid): said, and the next file's turn. */
static void reaped(struct lited_auto *a, int status)
{
	const char *file = a->files[a->next];

	relay(a);
	if (a->out_len)
		relay_line(a);
	close(a->out_fd);
	a->out_fd = -1;
	a->child = 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		lited_say(LOG_INFO, "auto %s: created (domain %s)", file, a->last);
		a->created++;
	} else {
		if (WIFEXITED(status))
			lited_say(LOG_ERR, "auto %s: not created: xl-lite create exited with %d", file,
				  WEXITSTATUS(status));
		else
			lited_say(LOG_ERR, "auto %s: not created: xl-lite create ended by signal %d", file,
				  WIFSIGNALED(status) ? WTERMSIG(status) : 0);
		a->failed++;
	}
	a->next++;
}

void lited_auto_round(struct lited_auto *a, const struct xl_domain_info *doms, unsigned int n)
{
	int status;
	pid_t r;

	if (!a->child && !a->stopped && a->next < a->n) {
		start_next(a, doms, n);
	} else if (a->child) {
		relay(a);
		r = waitpid(a->child, &status, WNOHANG);
		if (r == a->child) {
			reaped(a, status);
		} else if (now_s() - a->started_s > CREATE_BOUND_S) {
			lited_say(LOG_ERR, "auto %s: xl-lite create still running after %d s: killed",
				  a->files[a->next], CREATE_BOUND_S);
			kill(a->child, SIGKILL);
			if (waitpid(a->child, &status, 0) == a->child)
				reaped(a, status);
		}
	}
	if (a->n && !a->child && a->next == a->n && !a->summarized) {
		a->summarized = true;
		lited_say(LOG_INFO, "auto: %u created, %u failed, %u already there", a->created, a->failed,
			  a->skipped);
	}
}

void lited_auto_stop(struct lited_auto *a)
{
	int status = 0;

	a->stopped = true;
	if (!a->child)
		return;
	lited_say(LOG_INFO, "auto %s: waiting for its create before stopping", a->files[a->next]);
	while (waitpid(a->child, &status, WNOHANG) == 0) {
		relay(a);
		if (now_s() - a->started_s > CREATE_BOUND_S) {
			kill(a->child, SIGKILL);
			waitpid(a->child, &status, 0);
			break;
		}
		usleep(100000);
	}
	reaped(a, status);
}

void lited_auto_free(struct lited_auto *a)
{
	for (unsigned int i = 0; i < a->n && a->files; i++)
		free(a->files[i]);
	free(a->files);
	a->files = NULL;
}
