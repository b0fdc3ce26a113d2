/* xl-lited's watch over the guests' back-ends (xl-lited-backends.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "xl-lited-backends.h"
#include "xl-lited-say.h"

#define ROUNDS_PER_LOOK 7 /* about a second at xl-lited's 150 ms */
#define RECORD_MAX 4096

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Whether a process of session sid is alive (not a zombie): /proc/PID/stat's state and session. */
static bool session_alive(long sid)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	bool alive = false;

	while (d && !alive && (e = readdir(d))) {
		char path[300], buf[512], state;
		const char *close_paren;
		long ppid, pgrp, session;
		ssize_t n;
		int fd;

		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n <= 0)
			continue;
		buf[n] = '\0';
		/* the command name may hold anything: the fields start after its last ')' */
		close_paren = strrchr(buf, ')');
		if (close_paren && sscanf(close_paren + 1, " %c %ld %ld %ld", &state, &ppid, &pgrp, &session) == 4 &&
		    session == sid && state != 'Z' && state != 'X')
			alive = true;
	}
	if (d)
		closedir(d);
	return alive;
}

static const struct xl_domain_info *listed(const struct xl_domain_info *doms, unsigned int n, uint32_t domid)
{
	for (unsigned int i = 0; i < n; i++)
		if (doms[i].domid == domid)
			return &doms[i];
	return NULL;
}

static struct lited_backend_watch *watch_of(struct lited_backends *bs, uint32_t domid, unsigned int device)
{
	for (unsigned int i = 0; i < bs->n; i++)
		if (bs->w[i].domid == domid && bs->w[i].device == device)
			return &bs->w[i];
	if (bs->n == LITED_BACKENDS_MAX)
		return NULL;
	bs->w[bs->n] = (struct lited_backend_watch){ .domid = domid, .device = device };
	return &bs->w[bs->n++];
}

/* "DOMID.DEVICE": both decimal */
static bool record_name(const char *s, uint32_t *domid, unsigned int *device)
{
	char *end;
	unsigned long d, v;

	if (*s < '0' || *s > '9')
		return false;
	d = strtoul(s, &end, 10);
	if (*end != '.' || end[1] < '0' || end[1] > '9' || d > UINT32_MAX)
		return false;
	v = strtoul(end + 1, &end, 10);
	if (*end || v >= XL_VIRTIO_MAX_DEVICES)
		return false;
	*domid = (uint32_t)d;
	*device = (unsigned int)v;
	return true;
}

static int write_record(const char *path, const struct xl_lited_backend *r)
{
	char buf[RECORD_MAX], tmp[310];
	int len = xl_lited_backend_format(r, buf, sizeof(buf)), fd;

	snprintf(tmp, sizeof(tmp), "%s.new", path);
	fd = len < 0 ? -1 : open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	if (write(fd, buf, (size_t)len) != len || close(fd) || rename(tmp, path)) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* The back-end of record r started again, taking its device over. Its pid, or -1. */
static pid_t start_again(const struct xl_lited_backend *r)
{
	const char *argv[XL_LITED_BACKEND_MAX_ARGS + 4];
	char device[16];
	unsigned int n = 0;
	pid_t pid;

	snprintf(device, sizeof(device), "%u", r->device);
	argv[n++] = r->name;
	argv[n++] = "--resume";
	argv[n++] = device;
	for (unsigned int i = 0; i < r->nargs; i++)
		argv[n++] = r->args[i];
	argv[n] = NULL;
	pid = fork();
	if (pid == 0) {
		int log = open(r->log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		int null = open("/dev/null", O_RDONLY);

		/* its own session, as xl-lite create starts one: the session is the whole back-end */
		setsid();
		if (null >= 0)
			dup2(null, STDIN_FILENO);
		if (log >= 0) {
			dup2(log, STDOUT_FILENO);
			dup2(log, STDERR_FILENO);
		}
		execv(r->path, (char *const *)argv);
		fprintf(stderr, "xl-lited: cannot run %s: %s\n", r->path, strerror(errno));
		_exit(127);
	}
	return pid;
}

static void look_at(struct lited_backends *bs, const char *file, const struct xl_domain_info *doms,
		    unsigned int n)
{
	static char buf[RECORD_MAX];
	const struct xl_domain_info *d;
	struct lited_backend_watch *w;
	struct xl_lited_backend r;
	char path[300], name[XL_DOMAIN_NAME_MAX];
	unsigned int device;
	uint32_t domid;
	ssize_t len;
	pid_t pid;
	int fd;

	if (!record_name(file, &domid, &device))
		return;
	snprintf(path, sizeof(path), "%s/%s", XL_LITED_BACKEND_DIR, file);
	d = listed(doms, n, domid);
	if (!d || d->state == XL_DOMAIN_DYING) {
		unlink(path); /* its guest is gone, and the back-end with it */
		return;
	}
	if (d->state != XL_DOMAIN_RUNNING && d->state != XL_DOMAIN_PAUSED)
		return;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	len = fd < 0 ? -1 : read(fd, buf, sizeof(buf));
	if (fd >= 0)
		close(fd);
	if (len <= 0 || len == (ssize_t)sizeof(buf) || xl_lited_backend_parse(buf, (size_t)len, &r) ||
	    r.device != device || session_alive(r.pid))
		return;
	memcpy(name, d->name, sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	w = watch_of(bs, domid, device);
	if (!w || w->gave_up)
		return;
	if (!xl_lited_backend_may_restart(w->restarts, w->nr_restarts, now_s())) {
		lited_say(LOG_ERR, "domain %u (%s): back-end %s of device %u died again: %d restarts within %d s, "
			  "not started again", domid, name, r.name, device, XL_LITED_BACKEND_RESTARTS,
			  XL_LITED_BACKEND_WINDOW_S);
		w->gave_up = true;
		return;
	}
	pid = start_again(&r);
	if (pid < 0) {
		lited_say(LOG_ERR, "domain %u (%s): back-end %s of device %u died; fork: %s", domid, name, r.name,
			  device, strerror(errno));
		return;
	}
	if (w->nr_restarts == XL_LITED_BACKEND_RESTARTS) {
		memmove(w->restarts, w->restarts + 1, sizeof(w->restarts) - sizeof(w->restarts[0]));
		w->nr_restarts--;
	}
	w->restarts[w->nr_restarts++] = now_s();
	w->child = pid;
	lited_say(LOG_WARNING, "domain %u (%s): back-end %s of device %u (pid %ld) died: started again as pid %ld "
		  "(--resume %u), its log %s", domid, name, r.name, device, r.pid, (long)pid, device, r.log);
	r.pid = pid;
	if (write_record(path, &r))
		lited_say(LOG_ERR, "domain %u (%s): %s: %s", domid, name, path, strerror(errno));
}

void lited_backends_round(struct lited_backends *bs, const struct xl_domain_info *doms, unsigned int n)
{
	struct dirent *e;
	unsigned int kept = 0;
	DIR *dir;

	/* the ones it started are its children: reaped here, so that their end shows */
	for (unsigned int i = 0; i < bs->n; i++)
		if (bs->w[i].child && waitpid(bs->w[i].child, NULL, WNOHANG) == bs->w[i].child)
			bs->w[i].child = 0;
	if (++bs->round % ROUNDS_PER_LOOK)
		return;
	dir = opendir(XL_LITED_BACKEND_DIR);
	while (dir && (e = readdir(dir)))
		look_at(bs, e->d_name, doms, n);
	if (dir)
		closedir(dir);
	/* the watches of guests gone */
	for (unsigned int i = 0; i < bs->n; i++)
		if (listed(doms, n, bs->w[i].domid) || bs->w[i].child)
			bs->w[kept++] = bs->w[i];
	bs->n = kept;
}
