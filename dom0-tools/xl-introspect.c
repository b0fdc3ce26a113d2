/*
 * xl-lite introspect regs | phys | virt | exits | watch | unwatch | grant |
 * revoke | list: the introspection module (Documentation/modules/
 * introspection.md) through XL_MODULE_CALL. Every subcommand first asks
 * for the module's status, which names the exit reasons and says whether
 * the module is loaded at all; the requests and the checks of the answers
 * are xl-intro-data.c's, the output xl-intro-fmt.c's.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xl-cmds.h"
#include "xl-intro-data.h"
#include "xl-intro-fmt.h"
#include "xl-lite-fmt.h"
#include "xl-module-fmt.h"

/* From the kick to the second read: the kicked vCPU exits within microseconds. */
#define KICK_WAIT_MS 20
/* exits -f: how often the ring is read */
#define FOLLOW_POLL_MS 100

struct intro_cmd {
	struct xl_handle *h;
	const struct xl_args *a;
	struct xl_intro_conn conn;
	struct xl_intro_status status;
	struct xl_domain_info doms[XL_LIST_MAX];
	struct xl_intro_names names;
	uint32_t domain, observer; /* as a->intro names them, found */
};

static volatile sig_atomic_t stop_following;

static void on_stop_signal(int sig)
{
	(void)sig;
	stop_following = 1;
}

/* XL_MODULE_CALL; a refusal by the hypervisor or the module as its -errno, any other failure (h->err) as none. */
static int64_t module_call(void *ctx, uint32_t op, void *buf, size_t size)
{
	struct xl_handle *h = ctx;
	int64_t n = xl_module_call(h, XL_INTRO_MODULE, op, 0, buf, size);

	if (n >= 0)
		return n;
	return h->err.source == XL_ERR_HYPERVISOR ? -(int64_t)h->err.err : XL_INTRO_NO_ANSWER;
}

/* Why a call failed: the module's own refusal in words where there are some, else the error as it came. */
static int failed(struct intro_cmd *c, const struct xl_intro_outcome *o)
{
	const char *sub = xl_intro_sub_name(c->a->intro.sub);
	const char *msg = NULL;
	char buf[256];

	if (o->result == XL_INTRO_MALFORMED) {
		fprintf(stderr, "xl-lite: hypervisor: XL_MODULE_CALL: malformed %s answer: %s\n", XL_INTRO_MODULE,
			o->why);
		return XL_EXIT_ERROR;
	}
	if (o->err != XL_INTRO_NO_ANSWER)
		msg = xl_intro_refusal(&c->a->intro, (int)o->err, c->domain, c->observer, buf, sizeof(buf));
	if (!msg)
		return xl_report(&c->h->err);
	fprintf(stderr, "xl-lite: introspect %s: %s\n", sub, msg);
	return XL_EXIT_ERROR;
}

/* The first call refused: most likely, the module is not loaded. */
static int status_failed(struct intro_cmd *c, const struct xl_intro_outcome *o)
{
	struct xl_module_entry m;
	char found[PATH_MAX];
	const char *path;

	if (o->result != XL_INTRO_REFUSED || c->h->err.source != XL_ERR_HYPERVISOR ||
	    xl_module_lookup(c->h, XL_INTRO_MODULE, 0, &m) != 0)
		return failed(c, o);
	path = xl_module_path(XL_INTRO_MODULE, xl_file_exists, found, sizeof(found));
	fprintf(stderr, "xl-lite: the %s module is not loaded (xl-lite module load %s)\n", XL_INTRO_MODULE,
		path ? path : XL_MODULE_DIR_INITRD "/" XL_INTRO_MODULE ".xlm");
	return XL_EXIT_ERROR;
}

static int list_domains(void *h, struct xl_domain_info *doms, unsigned int max)
{
	return xl_domain_list(h, doms, max);
}

/* A DOMAIN argument as an id. */
static int find(struct intro_cmd *c, const char *arg, uint32_t *id)
{
	static struct xl_domain_info doms[XL_LIST_MAX];
	enum xl_domain_lookup r = xl_find_domain(arg, list_domains, c->h, doms, XL_LIST_MAX, id);

	if (r == XL_DOMAIN_LIST_FAILED)
		return xl_report(&c->h->err);
	return xl_domain_lookup_error(stderr, r, arg);
}

/* regs: a kick, a short wait, the registers the kicked exit left. */
static int regs(struct intro_cmd *c)
{
	struct xl_intro_regs before, after;
	struct xl_intro_outcome o;
	bool had_one;

	xl_intro_regs(&c->conn, c->domain, c->a->intro.vcpu, XL_INTRO_REGS_KICK, c->status.nr_reasons, &before, &o);
	had_one = o.result == XL_INTRO_OK;
	if (!had_one && !(o.result == XL_INTRO_REFUSED && o.err == -EAGAIN))
		return failed(c, &o);
	usleep(KICK_WAIT_MS * 1000);
	xl_intro_regs(&c->conn, c->domain, c->a->intro.vcpu, 0, c->status.nr_reasons, &after, &o);
	if (o.result != XL_INTRO_OK)
		return failed(c, &o);
	xl_intro_print_regs(stdout, &c->names, c->domain, c->a->intro.vcpu, &after,
			    !had_one || after.snapshots > before.snapshots, c->a->json);
	return XL_EXIT_OK;
}

/* phys, virt: the dump of what could be read; what could not, named. */
static int dump(struct intro_cmd *c)
{
	const struct xl_intro_args *ia = &c->a->intro;
	struct xl_intro_dump d = { .domain = c->domain, .virt = ia->sub == XL_INTRO_SUB_VIRT, .vcpu = ia->vcpu,
				   .addr = ia->addr, .len = ia->len };
	uint8_t *data = malloc(ia->len);
	struct xl_intro_outcome o = { .result = XL_INTRO_OK };
	struct xl_intro_args rest = *ia;
	char why[256];
	int64_t stop = 0;
	int rc = XL_EXIT_OK;

	if (!data) {
		perror("xl-lite");
		return XL_EXIT_ERROR;
	}
	xl_intro_read(&c->conn, d.virt ? XL_INTRO_OP_READ_VIRT : XL_INTRO_OP_READ_PHYS, c->domain, ia->vcpu,
		      ia->addr, ia->len, data, &d.got, &stop, &o);
	if (o.result != XL_INTRO_OK) {
		rc = failed(c, &o);
	} else {
		d.data = data;
		xl_intro_print_dump(stdout, &c->names, &d, c->a->json);
		rest.addr = ia->addr + d.got;
		if (d.got < ia->len) {
			const char *msg = stop == XL_INTRO_NO_ANSWER ? NULL :
					  xl_intro_refusal(&rest, (int)stop, c->domain, 0, why, sizeof(why));

			fprintf(stderr, "xl-lite: introspect %s: read %llu of %llu bytes: %s\n",
				xl_intro_sub_name(ia->sub), (unsigned long long)d.got, (unsigned long long)ia->len,
				msg ? msg : "a later call failed");
			rc = XL_EXIT_ERROR;
		}
	}
	free(data);
	return rc;
}

/* One read of the ring after *from, printed; *from moved on. *ended: the watch is over (-f ends there). */
static int exits_once(struct intro_cmd *c, uint64_t *from, bool first, struct xl_intro_exit *e, bool *ended)
{
	struct xl_intro_outcome o;
	struct xl_intro_exits h;
	char label[64];

	xl_intro_exits(&c->conn, c->domain, *from, c->status.nr_reasons, &h, e, XL_INTRO_RING_ENTRIES, &o);
	if (!first && o.result == XL_INTRO_REFUSED && o.err == -ENXIO) {
		fprintf(stderr, "xl-lite: introspect exits: %s is no longer watched (unwatched, or destroyed)\n",
			xl_intro_domain_label(&c->names, c->domain, label, sizeof(label)));
		*ended = true;
		return XL_EXIT_OK;
	}
	if (o.result != XL_INTRO_OK)
		return failed(c, &o);
	if (first || h.nr || h.lost)
		xl_intro_print_exits(stdout, &c->names, c->domain, *from, &h, e, first, c->a->json);
	*from = h.next_seq;
	fflush(stdout);
	return XL_EXIT_OK;
}

/* exits: what the ring keeps; -f: then what comes, until a signal or the end of the watch (exit 0 both). */
static int exits(struct intro_cmd *c)
{
	struct xl_intro_exit *e = calloc(XL_INTRO_RING_ENTRIES, sizeof(*e));
	struct sigaction sa = { .sa_handler = on_stop_signal };
	bool ended = false;
	uint64_t from = 0;
	int rc;

	if (!e) {
		perror("xl-lite");
		return XL_EXIT_ERROR;
	}
	rc = exits_once(c, &from, true, e, &ended);
	if (c->a->follow) {
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
	}
	while (c->a->follow && rc == XL_EXIT_OK && !ended && !stop_following) {
		usleep(FOLLOW_POLL_MS * 1000);
		rc = exits_once(c, &from, false, e, &ended);
	}
	free(e);
	return rc;
}

/* watch, unwatch, grant, revoke: quiet when done. */
static int admin(struct intro_cmd *c, uint32_t op)
{
	struct xl_intro_request r = xl_intro_request(c->domain);
	struct xl_intro_outcome o;

	r.observer = c->observer;
	xl_intro_simple(&c->conn, op, &r, &o);
	return o.result == XL_INTRO_OK ? XL_EXIT_OK : failed(c, &o);
}

static int run(struct intro_cmd *c)
{
	switch (c->a->intro.sub) {
	case XL_INTRO_SUB_REGS:
		return regs(c);
	case XL_INTRO_SUB_PHYS:
	case XL_INTRO_SUB_VIRT:
		return dump(c);
	case XL_INTRO_SUB_EXITS:
		return exits(c);
	case XL_INTRO_SUB_WATCH:
		return admin(c, XL_INTRO_OP_WATCH);
	case XL_INTRO_SUB_UNWATCH:
		return admin(c, XL_INTRO_OP_UNWATCH);
	case XL_INTRO_SUB_GRANT:
		return admin(c, XL_INTRO_OP_GRANT);
	case XL_INTRO_SUB_REVOKE:
		return admin(c, XL_INTRO_OP_REVOKE);
	default:
		xl_intro_print_status(stdout, &c->names, c->a->json);
		return XL_EXIT_OK;
	}
}

int xl_cmd_introspect(struct xl_handle *h, const struct xl_args *a)
{
	static struct intro_cmd c;
	struct xl_intro_outcome o;
	int n, rc = XL_EXIT_OK;

	memset(&c, 0, sizeof(c));
	c.h = h;
	c.a = a;
	c.conn = (struct xl_intro_conn){ .call = module_call, .ctx = h, .max_size = XL_MODULE_CALL_DATA_MAX };
	xl_intro_status(&c.conn, &c.status, &o);
	if (o.result != XL_INTRO_OK)
		return status_failed(&c, &o);
	n = xl_domain_list(h, c.doms, XL_LIST_MAX); /* for the names only: fine without */
	c.names = (struct xl_intro_names){ .status = &c.status, .doms = n > 0 ? c.doms : NULL,
					   .nr_doms = n > 0 ? (unsigned int)n : 0 };
	if (a->intro.domain)
		rc = find(&c, a->intro.domain, &c.domain);
	if (rc == XL_EXIT_OK && a->intro.observer)
		rc = find(&c, a->intro.observer, &c.observer);
	return rc == XL_EXIT_OK ? run(&c) : rc;
}
