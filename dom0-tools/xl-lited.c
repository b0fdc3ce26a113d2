/*
 * xl-lited: xen-lite's supervisor in dom0 (Documentation/tools.md,
 * man/xl-lited.8). Every ROUND_MS it lists the domains and
 *   - keeps each guest's console in LOG_DIR/guest-NAME.log, published for
 *     `xl-lite console` (xl-lited-guests.c);
 *   - at start, creates the guests of the auto directory (xl-lited-auto.c);
 *   - starts a guest's back-end again when the whole of it died
 *     (xl-lited-backends.c);
 *   - on SIGTERM or SIGINT asks the guests to power off, destroys those
 *     still up after --shutdown-timeout, and exits 0 (xl-lited-stop.c).
 * What a guest does is never a reason to exit: errors are said (stderr
 * with -f, else syslog) with the domain named, and the next round goes on.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "xl-lited-auto.h"
#include "xl-lited-backends.h"
#include "xl-lited-guests.h"
#include "xl-lited-pid.h"
#include "xl-lited-rules.h"
#include "xl-lited-say.h"
#include "xl-lited-stop.h"

#define ROUND_MS 150 /* the consoles drained this often: a 16 KiB ring holds ~1 MB/s of output */
#define DEFAULT_SHUTDOWN_TIMEOUT_S 60
#define LIST_FAILURES_AT_STOP 50 /* rounds without a list while stopping: give up */

struct options {
	bool foreground;
	const char *auto_dir, *log_dir;
	unsigned int shutdown_timeout_s;
};

static volatile sig_atomic_t stop_asked;

static void on_stop_signal(int sig)
{
	(void)sig;
	stop_asked = 1;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: xl-lited [-f] [--auto-dir DIR] [--log-dir DIR] [--shutdown-timeout SECONDS]\n"
		   "  -f, --foreground        stay in the foreground, messages on stderr (systemd)\n"
		   "  -a, --auto-dir DIR      guests created at start (default " XL_LITED_AUTO_DIR ")\n"
		   "  -l, --log-dir DIR       the console logs (default " XL_LITED_LOG_DIR ")\n"
		   "  -t, --shutdown-timeout SECONDS\n"
		   "                          on SIGTERM, how long the guests get to power off\n"
		   "                          before they are destroyed (default 60)\n");
}

static int parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longs[] = {
		{ "foreground", no_argument, NULL, 'f' },
		{ "auto-dir", required_argument, NULL, 'a' },
		{ "log-dir", required_argument, NULL, 'l' },
		{ "shutdown-timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*o = (struct options){ false, XL_LITED_AUTO_DIR, XL_LITED_LOG_DIR, DEFAULT_SHUTDOWN_TIMEOUT_S };
	while ((c = getopt_long(argc, argv, "fa:l:t:h", longs, NULL)) != -1) {
		char *end;
		unsigned long s;

		switch (c) {
		case 'f':
			o->foreground = true;
			break;
		case 'a':
			o->auto_dir = optarg;
			break;
		case 'l':
			o->log_dir = optarg;
			break;
		case 't':
			errno = 0;
			s = strtoul(optarg, &end, 10);
			if (errno || *optarg < '0' || *optarg > '9' || *end || s > 86400) {
				fprintf(stderr, "xl-lited: --shutdown-timeout: 0 to 86400 seconds, not '%s'\n", optarg);
				return 2;
			}
			o->shutdown_timeout_s = (unsigned int)s;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "xl-lited: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	return 0;
}

/* path and its missing parents (mkdir -p: a bare dom0 may have no /var/log yet) */
static int make_dir(const char *path, mode_t mode)
{
	char part[PATH_MAX];
	size_t len = strlen(path);

	if (len >= sizeof(part)) {
		lited_say(LOG_ERR, "%s: path too long", path);
		return -1;
	}
	memcpy(part, path, len + 1);
	for (char *p = part + 1;; p++) {
		bool last = !*p;

		if (*p != '/' && !last)
			continue;
		*p = '\0';
		if (mkdir(part, last ? mode : 0755) && errno != EEXIST) {
			lited_say(LOG_ERR, "%s: %s", part, strerror(errno));
			return -1;
		}
		if (last)
			return 0;
		*p = '/';
	}
}

static int write_pid_file(void)
{
	char tmp[] = XL_LITED_PID_FILE ".new", buf[32];
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	int len = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());

	if (fd < 0 || write(fd, buf, (size_t)len) != len || close(fd) || rename(tmp, XL_LITED_PID_FILE)) {
		lited_say(LOG_ERR, "%s: %s", XL_LITED_PID_FILE, strerror(errno));
		return -1;
	}
	return 0;
}

/* links of a daemon that did not stop cleanly: their domains are published again */
static void clear_console_dir(void)
{
	DIR *d = opendir(XL_LITED_CONSOLE_DIR);
	struct dirent *e;
	char path[PATH_MAX];

	while (d && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", XL_LITED_CONSOLE_DIR, e->d_name);
		unlink(path);
	}
	if (d)
		closedir(d);
}

static int daemonize(void)
{
	pid_t pid = fork();
	int null;

	if (pid < 0) {
		perror("xl-lited: fork");
		return -1;
	}
	if (pid > 0)
		_exit(0);
	setsid();
	if (chdir("/"))
		return -1;
	null = open("/dev/null", O_RDWR);
	if (null >= 0) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
		if (null > STDERR_FILENO)
			close(null);
	}
	lited_say_to_syslog(true);
	return 0;
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL); /* a signal cuts it short: the round after sees stop_asked */
}

/* The rounds until a stop has run its course. */
static void run(struct xl_handle *h, const struct options *o, struct lited_guests *gs, struct lited_auto *a)
{
	static struct xl_domain_info doms[XL_LIST_MAX];
	static struct lited_backends bs;
	static struct lited_stop st;
	bool stopping = false, list_failed = false;
	unsigned int failures = 0;

	for (;; sleep_ms(ROUND_MS)) {
		int n = xl_domain_list(h, doms, XL_LIST_MAX);

		if (n < 0) {
			if (!list_failed)
				lited_say_err(LOG_ERR, &h->err, "the domain list (tried again every %d ms)", ROUND_MS);
			list_failed = true;
			if (stopping && ++failures >= LIST_FAILURES_AT_STOP)
				return;
			continue;
		}
		if (list_failed)
			lited_say(LOG_INFO, "the domain list answers again");
		list_failed = false;
		failures = 0;
		if (n > XL_LIST_MAX)
			n = XL_LIST_MAX;
		lited_guests_round(gs, h, doms, (unsigned int)n);
		if (stopping) {
			if (!lited_stop_round(&st, h, doms, (unsigned int)n))
				continue;
			/* one more round: the guests it destroyed are logged as ended */
			n = xl_domain_list(h, doms, XL_LIST_MAX);
			if (n >= 0)
				lited_guests_round(gs, h, doms, (unsigned int)(n > XL_LIST_MAX ? XL_LIST_MAX : n));
			return;
		} else if (stop_asked) {
			lited_auto_stop(a);
			lited_stop_begin(&st, h, doms, (unsigned int)n, o->shutdown_timeout_s);
			stopping = true;
		} else {
			lited_auto_round(a, doms, (unsigned int)n);
			lited_backends_round(&bs, doms, (unsigned int)n);
		}
	}
}

int main(int argc, char **argv)
{
	static struct lited_guests gs;
	struct sigaction sa = { .sa_handler = on_stop_signal };
	struct lited_auto a;
	struct xl_handle h;
	struct options o;
	long other;
	int rc = parse_options(argc, argv, &o);

	if (rc)
		return rc;
	if (xl_open(&h) < 0) {
		char why[300];

		fprintf(stderr, "xl-lited: %s\n", xl_error_message(&h.err, why, sizeof(why)));
		return 1;
	}
	if (!o.foreground && daemonize())
		return 1;
	if (make_dir(XL_LITED_RUN_DIR, 0755) || make_dir(XL_LITED_CONSOLE_DIR, 0755) ||
	    make_dir(o.log_dir, 0755))
		return 1;
	if ((other = xl_lited_pid()) && other != (long)getpid()) {
		lited_say(LOG_ERR, "already running as pid %ld (%s)", other, XL_LITED_PID_FILE);
		return 1;
	}
	if (write_pid_file())
		return 1;
	clear_console_dir();
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	lited_say(LOG_INFO, "started: logs in %s, auto guests from %s, shutdown timeout %u s", o.log_dir,
		  o.auto_dir, o.shutdown_timeout_s);
	lited_guests_init(&gs, o.log_dir);
	lited_auto_load(&a, o.auto_dir);
	run(&h, &o, &gs, &a);
	lited_guests_stop(&gs, &h);
	lited_auto_free(&a);
	clear_console_dir();
	unlink(XL_LITED_PID_FILE);
	xl_close(&h);
	lited_say(LOG_INFO, "stopped");
	return 0;
}
