/*
 * xl-lite profile [-j] [-r] [DOMAIN]: the exit-profiler module's counts
 * (Documentation/modules/exit-profiler.md), read with its READ operation
 * through XL_MODULE_CALL until every domain is in, checked and printed by
 * xl-prof-data.c and xl-prof-fmt.c; -r then sets them back to zero; -f
 * prints what each second adds, as rates, until interrupted (a top).
 */
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "xl-cmds.h"
#include "xl-module-fmt.h"
#include "xl-prof-fmt.h"

static int64_t read_answer(void *ctx, uint32_t cursor, void *buf, size_t size)
{
	return xl_module_call(ctx, XL_PROF_MODULE, XL_PROF_OP_READ, cursor, buf, size);
}

/* A READ the hypervisor refused: most likely, the module is not loaded. */
static int read_failed(struct xl_handle *h)
{
	struct xl_error cause = h->err;
	struct xl_module_entry m;
	char found[PATH_MAX];
	const char *path;

	if (cause.source != XL_ERR_HYPERVISOR || xl_module_lookup(h, XL_PROF_MODULE, 0, &m) != 0)
		return xl_report(&cause);
	path = xl_module_path(XL_PROF_MODULE, xl_file_exists, found, sizeof(found));
	fprintf(stderr, "xl-lite: the %s module is not loaded (xl-lite module load %s)\n", XL_PROF_MODULE,
		path ? path : XL_MODULE_DIR_INITRD "/" XL_PROF_MODULE ".xlm");
	return XL_EXIT_ERROR;
}

/* -r: the counts of DOMAIN (when it has any) or of all back to zero */
static int reset(struct xl_handle *h, const struct xl_args *a, const struct xl_profile *p)
{
	if (a->nargs && !xl_prof_find(p, a->domid))
		return XL_EXIT_OK;
	if (xl_module_call(h, XL_PROF_MODULE, XL_PROF_OP_RESET, a->nargs ? a->domid : XL_PROF_ALL, NULL, 0) < 0)
		return xl_report(&h->err);
	return XL_EXIT_OK;
}

static int print(struct xl_handle *h, const struct xl_args *a, const struct xl_profile *p)
{
	static struct xl_domain_info doms[XL_LIST_MAX];
	int n = xl_domain_list(h, doms, XL_LIST_MAX); /* for the names only: fine without */
	struct xl_prof_view v = {
		.one = a->nargs > 0,
		.id = a->domid,
		.doms = n > 0 ? doms : NULL,
		.nr_doms = n > 0 ? (unsigned int)n : 0,
		.json = a->json,
	};

	xl_print_profile(stdout, p, &v);
	return a->reset ? reset(h, a, p) : XL_EXIT_OK;
}

static volatile sig_atomic_t stop_following;

static void on_stop_signal(int sig)
{
	(void)sig;
	stop_following = 1;
}

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The names of the domains, for the titles (fine without). */
static struct xl_prof_view view_of(struct xl_handle *h, const struct xl_args *a)
{
	static struct xl_domain_info doms[XL_LIST_MAX];
	int n = xl_domain_list(h, doms, XL_LIST_MAX);

	return (struct xl_prof_view){ .one = a->nargs > 0, .id = a->domid, .doms = n > 0 ? doms : NULL,
				      .nr_doms = n > 0 ? (unsigned int)n : 0, .json = a->json };
}

/* -f: a read a second, each printed as what it added to the one before; SIGINT or SIGTERM ends it. */
static enum xl_prof_result follow(struct xl_handle *h, const struct xl_args *a, void *buf,
				  struct xl_profile *p, char *why, size_t why_size)
{
	struct xl_profile *before = malloc(sizeof(*before)), *delta = malloc(sizeof(*delta));
	struct sigaction sa = { .sa_handler = on_stop_signal };
	enum xl_prof_result r = XL_PROF_OK;
	double then = now_seconds();

	if (!before || !delta) {
		perror("xl-lite");
		r = XL_PROF_MALFORMED;
		snprintf(why, why_size, "out of memory");
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (r == XL_PROF_OK)
		r = xl_prof_read_all(read_answer, h, buf, XL_MODULE_CALL_DATA_MAX, before, why, why_size);
	while (r == XL_PROF_OK && !stop_following) {
		struct timespec second = { 1, 0 };
		struct xl_prof_view v;
		double t;

		nanosleep(&second, NULL);
		r = xl_prof_read_all(read_answer, h, buf, XL_MODULE_CALL_DATA_MAX, p, why, why_size);
		if (r != XL_PROF_OK)
			break;
		t = now_seconds();
		v = view_of(h, a);
		xl_prof_delta(p, before, delta);
		xl_print_profile_rates(stdout, delta, t - then, &v);
		*before = *p;
		then = t;
	}
	free(before);
	free(delta);
	return r;
}

int xl_cmd_profile(struct xl_handle *h, const struct xl_args *a)
{
	void *buf = malloc(XL_MODULE_CALL_DATA_MAX);
	struct xl_profile *p = malloc(sizeof(*p));
	char why[128];
	int rc;

	if (!buf || !p) {
		perror("xl-lite");
		rc = XL_EXIT_ERROR;
	} else if (a->follow && a->reset) {
		fprintf(stderr, "xl-lite: profile: -f shows rates and never resets: -r is for one look\n");
		rc = XL_EXIT_USAGE;
	} else {
		switch (a->follow ? follow(h, a, buf, p, why, sizeof(why)) :
				    xl_prof_read_all(read_answer, h, buf, XL_MODULE_CALL_DATA_MAX, p, why,
						     sizeof(why))) {
		case XL_PROF_OK:
			rc = a->follow ? XL_EXIT_OK : print(h, a, p);
			break;
		case XL_PROF_READ_FAILED:
			rc = read_failed(h);
			break;
		default:
			fprintf(stderr, "xl-lite: hypervisor: XL_MODULE_CALL: malformed %s answer: %s\n",
				XL_PROF_MODULE, why);
			rc = XL_EXIT_ERROR;
		}
	}
	free(buf);
	free(p);
	return rc;
}
