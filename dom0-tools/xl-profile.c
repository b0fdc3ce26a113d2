/*
 * xl-lite profile [-j] [-r] [DOMAIN]: the exit-profiler module's counts
 * (Documentation/modules/exit-profiler.md), read with its READ operation
 * through XL_MODULE_CALL until every domain is in, checked and printed by
 * xl-prof-data.c and xl-prof-fmt.c; -r then sets them back to zero.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

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

int xl_cmd_profile(struct xl_handle *h, const struct xl_args *a)
{
	void *buf = malloc(XL_MODULE_CALL_DATA_MAX);
	struct xl_profile *p = malloc(sizeof(*p));
	char why[128];
	int rc;

	if (!buf || !p) {
		perror("xl-lite");
		rc = XL_EXIT_ERROR;
	} else {
		switch (xl_prof_read_all(read_answer, h, buf, XL_MODULE_CALL_DATA_MAX, p, why, sizeof(why))) {
		case XL_PROF_OK:
			rc = print(h, a, p);
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
