/*
 * xl-lite inject [-n] [-u] [-j] CAMPAIGN: a fault campaign against a domain
 * through the fault-injector module (Documentation/modules/
 * fault-injector.md). One injection at a time, drawn from the campaign's
 * seed (xl-fi-plan.c), sent and checked (xl-fi-wire.c); then a window in
 * which the target's console, its state (by name: a restart gives it a new
 * id), the other guests, the hypervisor's log and answers and dom0's own
 * checksummed buffer are watched (xl-fi-node.c); the outcome classified
 * into one zone (xl-fi-classify.c) and printed (xl-fi-fmt.c). A target that
 * went down is waited for, bounded, before the next injection.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xl-cmds.h"
#include "xl-fi-domains.h"
#include "xl-fi-fmt.h"
#include "xl-fi-health.h"
#include "xl-fi-node.h"
#include "xl-fi-wire.h"
#include "xl-lite-fmt.h"
#include "xl-module-fmt.h"

#define CAMPAIGN_MAX (64 * 1024)
#define SLICE_MS 50 /* the console is read this often in a window */
#define RECOVER_POLL_MS 200
#define EVENTS_PER_CALL 64

struct run {
	struct xl_handle *h;
	const struct xl_args *a;
	const char *path;
	struct xl_fi_campaign c;
	struct xl_fi_conn conn;
	struct xl_fi_node node;
	struct xl_fi_health health;
	struct xl_fi_report rep;
	char name[XL_DOMAIN_NAME_MAX]; /* the target's: followed across restarts */
	uint32_t domain; /* its id now */
	struct xl_fi_target_facts facts;
	uint64_t event_seq; /* the module's events read up to here */
	struct xl_fi_signs signs; /* what the console said in this window */
	uint64_t last_verdict_ms; /* when the workload last said ok or corrupt */
	bool verdict_seen; /* since the last reset of this flag */
};

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

/* SIGINT and SIGTERM end the campaign after the current window, its report printed. */
static void catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static void sleep_ms(unsigned int ms)
{
	usleep(ms * 1000u);
}

/* ---- the module ---- */

/* XL_MODULE_CALL; a refusal by the hypervisor or the module as its -errno, any other failure (h->err) as none. */
static int64_t module_call(void *ctx, uint32_t op, void *buf, size_t size)
{
	struct xl_handle *h = ctx;
	int64_t n = xl_module_call(h, XL_FI_MODULE, op, 0, buf, size);

	if (n >= 0)
		return n;
	return h->err.source == XL_ERR_HYPERVISOR ? -(int64_t)h->err.err : XL_FI_NO_ANSWER;
}

static int call_failed(struct run *r, const struct xl_fi_outcome *o)
{
	if (o->result == XL_FI_MALFORMED) {
		fprintf(stderr, "xl-lite: hypervisor: XL_MODULE_CALL: malformed %s answer: %s\n", XL_FI_MODULE, o->why);
		return XL_EXIT_ERROR;
	}
	return xl_report(&r->h->err);
}

/* STATUS, first: whether the module is there at all; where its events stand. */
static int module_ready(struct run *r)
{
	struct xl_fi_status st;
	struct xl_fi_outcome o;
	struct xl_module_entry m;
	char found[PATH_MAX];
	const char *path;

	xl_fi_status(&r->conn, &st, &o);
	if (o.result == XL_FI_OK) {
		r->event_seq = st.events;
		return XL_EXIT_OK;
	}
	if (o.result != XL_FI_REFUSED || r->h->err.source != XL_ERR_HYPERVISOR ||
	    xl_module_lookup(r->h, XL_FI_MODULE, 0, &m) != 0)
		return call_failed(r, &o);
	path = xl_module_path(XL_FI_MODULE, xl_file_exists, found, sizeof(found));
	fprintf(stderr, "xl-lite: the %s module is not loaded (xl-lite module load %s)\n", XL_FI_MODULE,
		path ? path : XL_MODULE_DIR_INITRD "/" XL_FI_MODULE ".xlm");
	return XL_EXIT_ERROR;
}

/* ---- the campaign file and its target ---- */

static int read_campaign(struct run *r)
{
	size_t size;
	char err[256], *text = xl_read_file(r->path, "", CAMPAIGN_MAX, &size);

	if (!text)
		return XL_EXIT_ERROR;
	if (memchr(text, '\0', size)) {
		fprintf(stderr, "xl-lite: %s: a NUL byte: not a campaign file\n", r->path);
		free(text);
		return XL_EXIT_USAGE;
	}
	if (xl_fi_campaign_parse(text, &r->c, err, sizeof(err))) {
		fprintf(stderr, "xl-lite: %s: %s\n", r->path, err);
		free(text);
		return XL_EXIT_USAGE;
	}
	free(text);
	return XL_EXIT_OK;
}

static int list_domains(void *h, struct xl_domain_info *doms, unsigned int max)
{
	return xl_domain_list(h, doms, max);
}

/* The target named by the campaign: its id, its name (what is followed), its memory and vCPUs. */
static int find_target(struct run *r)
{
	const char *t = strcmp(r->c.target, "dom0") ? r->c.target : "0";
	enum xl_domain_lookup found = xl_find_domain(t, list_domains, r->h, r->node.doms, XL_LIST_MAX, &r->domain);
	int at;

	if (found == XL_DOMAIN_LIST_FAILED)
		return xl_report(&r->h->err);
	if (found != XL_DOMAIN_FOUND)
		return xl_domain_lookup_error(stderr, found, t);
	if (xl_fi_node_list(&r->node))
		return xl_report(&r->h->err);
	for (at = 0; at < (int)r->node.nr_doms && r->node.doms[at].domid != r->domain; at++)
		;
	if (at == (int)r->node.nr_doms) {
		fprintf(stderr, "xl-lite: no domain %u\n", r->domain);
		return XL_EXIT_ERROR;
	}
	snprintf(r->name, sizeof(r->name), "%.*s", (int)sizeof(r->name) - 1, r->node.doms[at].name);
	r->facts.mem_bytes = r->node.doms[at].mem_bytes;
	r->facts.nr_vcpus = r->node.doms[at].nr_vcpus;
	return XL_EXIT_OK;
}

/* dom0 is a target only when both the campaign and the command line say so. */
static int check_safety(struct run *r)
{
	if (r->domain != 0)
		return XL_EXIT_OK;
	if (r->c.unsafe && r->a->unsafe)
		return XL_EXIT_OK;
	fprintf(stderr, "xl-lite: %s: the target is dom0: injections aimed at dom0 need unsafe = 1 in the "
		"campaign and --unsafe on the command line (the hypervisor itself is never a target)\n", r->path);
	return XL_EXIT_USAGE;
}

/* ---- the target's console ---- */

static void note_console_line(void *ctx, const char *line)
{
	struct run *r = ctx;

	xl_fi_signs_note(&r->c, &r->signs, line);
	if (xl_fi_patterns_match(&r->c.ok, line) || xl_fi_patterns_match(&r->c.corrupt, line)) {
		r->last_verdict_ms = xl_fi_node_ms(&r->node);
		r->verdict_seen = true;
	}
}

/* What the target printed since the last read: into r->signs. */
static void read_console(struct run *r)
{
	if (r->domain != 0)
		xl_fi_node_console(&r->node, r->domain, note_console_line, r);
}

/* ---- one injection ---- */

static void inject(struct run *r, const struct xl_fi_shot *s, struct xl_fi_record *rec)
{
	struct xl_fi_request req;
	struct xl_fi_injected a;
	struct xl_fi_outcome o;

	memset(rec, 0, sizeof(*rec));
	rec->shot = *s;
	rec->domain = r->domain;
	xl_fi_request_for(s, r->domain, r->domain == 0, &req);
	xl_fi_inject(&r->conn, &req, &a, &o);
	if (o.result == XL_FI_OK) {
		rec->id = a.id;
		return;
	}
	rec->refused = o.result == XL_FI_REFUSED && o.err != XL_FI_NO_ANSWER ? o.err : -EPROTO;
	if (o.result == XL_FI_MALFORMED)
		fprintf(stderr, "xl-lite: hypervisor: XL_MODULE_CALL: malformed %s answer: %s\n", XL_FI_MODULE, o.why);
}

/* The window: the console read every SLICE_MS, window_ms in all. */
static void watch(struct run *r)
{
	for (unsigned int waited = 0; waited < r->c.window_ms && !interrupted; waited += SLICE_MS) {
		sleep_ms(r->c.window_ms - waited < SLICE_MS ? r->c.window_ms - waited : SLICE_MS);
		read_console(r);
	}
}

/* The module's events since the last read: how often rec's injection applied, and the first time. */
static void read_events(struct run *r, struct xl_fi_record *rec)
{
	struct xl_fi_event ev[EVENTS_PER_CALL];
	struct xl_fi_events h;
	struct xl_fi_outcome o;

	do {
		xl_fi_events(&r->conn, r->event_seq, &h, ev, EVENTS_PER_CALL, &o);
		if (o.result != XL_FI_OK)
			return;
		for (uint32_t i = 0; i < h.nr; i++) {
			if (ev[i].id != rec->id)
				continue; /* an earlier injection's, applied as its window closed */
			if (!rec->applied++)
				rec->first = ev[i];
		}
		r->event_seq = h.next_seq;
	} while (h.nr + h.lost && h.next_seq < h.head_seq);
}

/* After the window: what is still armed of it disarmed, then what it did. */
static void settle(struct run *r, struct xl_fi_record *rec)
{
	struct xl_fi_outcome o;
	uint32_t n;

	if (!rec->id)
		return;
	if (rec->shot.kind != XL_FI_MEM_FLIP)
		xl_fi_disarm(&r->conn, rec->id, &n, &o);
	read_events(r, rec);
}

/* Everything the window showed, into *obs. */
static void observe(struct run *r, const struct xl_domain_info *before, unsigned int nb,
		    struct xl_fi_observation *obs)
{
	static struct xl_sysinfo si;

	memset(obs, 0, sizeof(*obs));
	obs->signs = r->signs;
	obs->hv_silent = xl_sysinfo(r->h, &si) < 0 || xl_fi_node_list(&r->node) < 0;
	if (!obs->hv_silent && r->domain != 0) {
		obs->target = xl_fi_target_state(r->node.doms, r->node.nr_doms, r->name, r->domain, &obs->new_id);
		obs->bystander_hit = xl_fi_bystander_hit(before, nb, r->node.doms, r->node.nr_doms, r->name,
							 &obs->bystander);
	}
	if (xl_fi_node_scan_log(&r->node) < 0)
		obs->hv_silent = true;
	obs->hv_alarm = r->node.alarm;
	snprintf(obs->hv_line, sizeof(obs->hv_line), "%s", r->node.alarm_line);
	r->node.alarm = false; /* the next window's own */
	obs->dom0_damaged = !xl_fi_health_intact(&r->health);
	r->rep.dom0_checks++;
	if (r->c.ok.n + r->c.corrupt.n && r->domain != 0) {
		uint64_t now = xl_fi_node_ms(&r->node);

		obs->hang_ms = r->c.hang_ms;
		obs->silent_ms = now > r->last_verdict_ms ? now - r->last_verdict_ms : 0;
	}
}

/* ---- a target that went down ---- */

/* The target by name as the list has it now: follows a restart. */
static enum xl_fi_target_state follow(struct run *r)
{
	uint32_t new_id = 0;
	enum xl_fi_target_state s;

	if (xl_fi_node_list(&r->node) < 0)
		return XL_FI_TARGET_GONE;
	s = xl_fi_target_state(r->node.doms, r->node.nr_doms, r->name, r->domain, &new_id);
	if (s == XL_FI_TARGET_RESTARTED) {
		r->domain = new_id;
		r->rep.restarts++;
		xl_fi_lines_reset(&r->node.console);
	}
	return s;
}

/* Reset a target that runs but does not come back: its on_reboot then restarts it. */
static void reset_target(struct run *r)
{
	if (xl_shutdown(r->h, r->domain, XL_SHUTDOWN_REBOOT_FLAG | XL_SHUTDOWN_HARD_FLAG) >= 0)
		r->rep.resets++;
}

/* Why the target did not come back, into the report. */
static int gave_up(struct run *r, enum xl_fi_target_state s, bool reset)
{
	static const char *const states[] = {
		[XL_FI_TARGET_RUNNING] = "runs but its workload gave no verdict",
		[XL_FI_TARGET_CRASHED] = "stayed crashed", [XL_FI_TARGET_SHUT_DOWN] = "stayed shut down",
		[XL_FI_TARGET_RESTARTED] = "runs but its workload gave no verdict", [XL_FI_TARGET_GONE] = "is gone",
	};

	snprintf(r->rep.stopped, sizeof(r->rep.stopped), "the target (%s) %s within restart_ms (%u ms)%s",
		 r->name, states[s], r->c.restart_ms, reset ? ", even after a reset" : "");
	return -1;
}

/*
 * Until the target runs and its workload gives a verdict again (or, with
 * no patterns, just runs). A target that runs the same domain is given
 * wait_ms (0: none, it was found hung); then it is reset once, and - as any
 * target that restarts, which may show crashed for a moment first - given
 * restart_ms. 0, or -1 with why in the report.
 */
static int recover(struct run *r, uint64_t wait_ms)
{
	uint64_t deadline = xl_fi_node_ms(&r->node) + wait_ms;
	bool tried_reset = false, need_verdict = r->c.ok.n + r->c.corrupt.n;
	enum xl_fi_target_state s = XL_FI_TARGET_GONE;

	r->verdict_seen = false;
	while (!interrupted) {
		s = follow(r);
		if (s == XL_FI_TARGET_GONE)
			return gave_up(r, s, tried_reset);
		if (s == XL_FI_TARGET_RESTARTED && deadline < xl_fi_node_ms(&r->node) + r->c.restart_ms)
			deadline = xl_fi_node_ms(&r->node) + r->c.restart_ms; /* a new boot */
		if (s == XL_FI_TARGET_RUNNING || s == XL_FI_TARGET_RESTARTED) {
			read_console(r);
			if (!need_verdict || r->verdict_seen)
				return 0;
			if (!tried_reset && xl_fi_node_ms(&r->node) >= deadline) {
				tried_reset = true;
				reset_target(r);
				deadline = xl_fi_node_ms(&r->node) + r->c.restart_ms;
				continue;
			}
		}
		if (xl_fi_node_ms(&r->node) >= deadline)
			return gave_up(r, s, tried_reset);
		sleep_ms(RECOVER_POLL_MS);
	}
	return -1;
}

/* After an outcome in guest-kernel: how long a target still running is waited for before its reset. */
static uint64_t patience(const struct run *r, const struct xl_fi_observation *obs)
{
	if (obs->target != XL_FI_TARGET_RUNNING)
		return r->c.restart_ms; /* it went down: its restart boots */
	if (!obs->signs.kernel_crash)
		return 0; /* hung: no verdict for hang_ms already */
	/* its kernel said it failed: an oops may leave the workload running, a panic never */
	return r->c.hang_ms ? r->c.hang_ms : r->c.restart_ms;
}

/* ---- the campaign ---- */

/* One injection, its window, its outcome printed; -1 when the campaign cannot go on. */
static int one(struct run *r, const struct xl_fi_shot *s)
{
	static struct xl_domain_info before[XL_LIST_MAX];
	unsigned int nb = r->node.nr_doms;
	struct xl_fi_observation obs;
	struct xl_fi_record rec;

	memcpy(before, r->node.doms, sizeof(before[0]) * nb);
	read_console(r); /* what came before the injection is not its outcome */
	memset(&r->signs, 0, sizeof(r->signs));
	inject(r, s, &rec);
	if (rec.id)
		watch(r);
	settle(r, &rec);
	observe(r, before, nb, &obs);
	xl_fi_classify(&obs, &rec.verdict);
	xl_fi_report_add(&r->rep, &rec);
	xl_fi_print_record(stdout, &rec, r->a->json);
	fflush(stdout);
	if (obs.hv_silent) {
		snprintf(r->rep.stopped, sizeof(r->rep.stopped), "the hypervisor stopped answering");
		return -1;
	}
	/* the target back before the next injection (after the last, nothing waits for it) */
	if (rec.verdict.zone == XL_FI_ZONE_GUEST_KERNEL && s->index < r->c.injections)
		return recover(r, patience(r, &obs));
	return 0;
}

/* The workload's first verdict before the first injection: a target that runs what it should. */
static int await_workload(struct run *r)
{
	if (r->domain == 0 || !(r->c.ok.n + r->c.corrupt.n))
		return 0;
	return recover(r, r->c.restart_ms);
}

static void start_report(struct run *r)
{
	memset(&r->rep, 0, sizeof(r->rep));
	snprintf(r->rep.campaign, sizeof(r->rep.campaign), "%s", r->path);
	snprintf(r->rep.target, sizeof(r->rep.target), "%s", r->name);
	r->rep.first_domain = r->domain;
	r->rep.seed = r->c.seed;
	r->rep.guest_target = r->domain != 0;
	r->rep.planned = r->c.injections;
}

static int run_campaign(struct run *r)
{
	struct xl_fi_plan plan;
	struct xl_fi_shot s;

	start_report(r);
	if (xl_fi_plan_start(&plan, &r->c, &r->facts)) {
		fprintf(stderr, "xl-lite: %s: no memory to flip in domain %u\n", r->path, r->domain);
		return XL_EXIT_ERROR;
	}
	if (xl_fi_health_start(&r->health, XL_FI_HEALTH_BYTES, r->c.seed)) {
		perror("xl-lite");
		return XL_EXIT_ERROR;
	}
	catch_signals();
	r->last_verdict_ms = xl_fi_node_ms(&r->node);
	if (!await_workload(r)) {
		while (r->rep.done < r->c.injections && !interrupted) {
			xl_fi_plan_next(&plan, &s);
			if (one(r, &s))
				break;
		}
	}
	if (interrupted && !r->rep.stopped[0])
		snprintf(r->rep.stopped, sizeof(r->rep.stopped), "interrupted");
	r->rep.completed = r->rep.done == r->c.injections && !r->rep.stopped[0];
	r->rep.last_domain = r->domain;
	xl_fi_print_report(stdout, &r->rep, r->a->json);
	xl_fi_health_end(&r->health);
	return xl_fi_exit_status(&r->rep);
}

/* -n: the injections the campaign would make, nothing injected. */
static int dry_run(struct run *r)
{
	struct xl_fi_plan plan;
	struct xl_fi_shot s;

	if (xl_fi_plan_start(&plan, &r->c, &r->facts)) {
		fprintf(stderr, "xl-lite: %s: no memory to flip in domain %u\n", r->path, r->domain);
		return XL_EXIT_ERROR;
	}
	for (unsigned int i = 0; i < r->c.injections; i++) {
		xl_fi_plan_next(&plan, &s);
		xl_fi_print_shot(stdout, &s, r->domain, r->a->json);
	}
	return XL_EXIT_OK;
}

static int open_node(struct run *r)
{
	switch (xl_fi_node_open(&r->node, r->h)) {
	case 0:
		return XL_EXIT_OK;
	case -1:
		return xl_report(&r->h->err);
	default:
		return XL_EXIT_ERROR; /* out of memory, said */
	}
}

int xl_cmd_inject(struct xl_handle *h, const struct xl_args *a)
{
	static struct run r;
	int rc;

	memset(&r, 0, sizeof(r));
	r.h = h;
	r.a = a;
	r.path = a->args[0];
	r.conn = (struct xl_fi_conn){ .call = module_call, .ctx = h };
	rc = read_campaign(&r);
	if (rc == XL_EXIT_OK)
		rc = open_node(&r);
	if (rc == XL_EXIT_OK)
		rc = find_target(&r);
	if (rc == XL_EXIT_OK)
		rc = check_safety(&r);
	if (rc == XL_EXIT_OK && a->dry_run)
		rc = dry_run(&r);
	else if (rc == XL_EXIT_OK)
		rc = module_ready(&r);
	if (rc == XL_EXIT_OK && !a->dry_run)
		rc = run_campaign(&r);
	xl_fi_node_close(&r.node);
	return rc;
}
