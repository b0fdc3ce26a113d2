/*
 * Host tests for xl-lite inject's parts with no device access
 * (Documentation/modules/fault-injector.md): the seeded plan (the same
 * campaign and seed give the same injections, the weights and ranges are
 * kept), the lines put together from chunks and the hypervisor's alarms,
 * the classifier fed synthetic observations (every zone, and which wins),
 * the target followed through the domain list and bystanders hit, dom0's
 * checksummed buffer, the requests and answers - against the module's own
 * code over a fake node, and a lying module's answers caught - the output
 * in text and JSON, the exit status, and the command line.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../dom0-tools/xl-fi-domains.h"
#include "../../dom0-tools/xl-fi-fmt.h"
#include "../../dom0-tools/xl-fi-health.h"
#include "../../dom0-tools/xl-fi-lines.h"
#include "../../dom0-tools/xl-fi-plan.h"
#include "../../dom0-tools/xl-fi-wire.h"
#include "../../modules/fault-injector/fi_ops.h"
#include "fi_fake_node.h"
#include "output_check.h"
#include "parse_capture.h"

/* the first two injections of the 6-kind campaign with seed 42: fixed for every machine and build */
#define PLAN_SEED_42_FIRST_TWO "2 0 0 / 0 0x4752675 2 0 0"

static struct xl_fi_campaign campaign(const char *extra)
{
	struct xl_fi_campaign c;
	char text[512], err[256];

	snprintf(text, sizeof(text), "target = hpc\ninjections = 100\nseed = 42\n%s", extra);
	if (xl_fi_campaign_parse(text, &c, err, sizeof(err)))
		fail_msg("%s", err);
	return c;
}

/* ---- the plan ---- */

static void test_random_below(void **state)
{
	uint64_t s = 7;

	for (int i = 0; i < 10000; i++)
		assert_true(xl_fi_random_below(&s, 3) < 3);
	assert_int_equal(xl_fi_random_below(&s, 1), 0);
	assert_int_equal(xl_fi_random_below(&s, 0), 0);
	/* splitmix64's first output from 0, as published */
	s = 0;
	assert_true(xl_fi_random(&s) == 0xe220a8397b1dcdafull);
}

static void test_plan_reproducible(void **state)
{
	struct xl_fi_campaign c = campaign("mem_flip = 8\nreg_flip = 1\nhypercall_fail = 1\nio_corrupt = 1\n"
					   "ipi_drop = 1\nipi_dup = 1\n"),
			      d = c;
	struct xl_fi_target_facts t = { .mem_bytes = 256 << 20, .nr_vcpus = 2 };
	struct xl_fi_plan p1, p2, p3;
	struct xl_fi_shot a, b, x;
	unsigned int differs = 0;

	d.seed = 43;
	assert_int_equal(xl_fi_plan_start(&p1, &c, &t), 0);
	assert_int_equal(xl_fi_plan_start(&p2, &c, &t), 0);
	assert_int_equal(xl_fi_plan_start(&p3, &d, &t), 0);
	for (unsigned int i = 1; i <= 1000; i++) {
		xl_fi_plan_next(&p1, &a);
		xl_fi_plan_next(&p2, &b);
		xl_fi_plan_next(&p3, &x);
		assert_int_equal(a.index, i);
		assert_memory_equal(&a, &b, sizeof(a));
		differs += memcmp(&a, &x, sizeof(a)) != 0;
	}
	assert_true(differs > 900); /* another seed, other injections */
	/* and the same on every machine and build: the first of seed 42 */
	assert_int_equal(xl_fi_plan_start(&p1, &c, &t), 0);
	xl_fi_plan_next(&p1, &a);
	xl_fi_plan_next(&p1, &b);
	char first[160];
	snprintf(first, sizeof(first), "%u %#llx %u / %u %#llx %u %u %u", a.kind, (unsigned long long)a.addr, a.bit,
		 b.kind, (unsigned long long)b.addr, b.bit, b.vcpu, b.reg);
	assert_string_equal(first, PLAN_SEED_42_FIRST_TWO);
}

static void test_plan_weights_and_ranges(void **state)
{
	struct xl_fi_campaign c = campaign("mem = \"0x1000-0x3000\"\nmem_flip = 3\nreg_flip = 1\nio_corrupt = 0\n"
					   "hypercall_fail = 1\ncount = 4\nerrno = 22\nhypercall = 9\n");
	struct xl_fi_target_facts t = { .mem_bytes = 64 << 20, .nr_vcpus = 3 };
	unsigned int seen[XL_FI_NR_KINDS] = { 0 }, vcpus = 0;
	struct xl_fi_plan p;
	struct xl_fi_shot s;

	assert_int_equal(xl_fi_plan_start(&p, &c, &t), 0);
	for (int i = 0; i < 5000; i++) {
		xl_fi_plan_next(&p, &s);
		seen[s.kind]++;
		switch (s.kind) {
		case XL_FI_MEM_FLIP:
			assert_true(s.addr >= 0x1000 && s.addr < 0x3000);
			assert_true(s.bit < 8);
			assert_int_equal(s.count, 0);
			break;
		case XL_FI_REG_FLIP:
			assert_true(s.vcpu < 3 && s.reg < XL_FI_NR_GPRS && s.bit < 64);
			vcpus |= 1u << s.vcpu;
			assert_int_equal(s.count, 4);
			break;
		case XL_FI_HC_FAIL:
			assert_int_equal(s.match, 9);
			assert_int_equal(s.value, 22);
			break;
		default:
			fail_msg("kind %u has no weight", s.kind);
		}
	}
	/* 3 : 1 : 1, within a few percent */
	assert_in_range(seen[XL_FI_MEM_FLIP], 2800, 3200);
	assert_in_range(seen[XL_FI_REG_FLIP], 850, 1150);
	assert_in_range(seen[XL_FI_HC_FAIL], 850, 1150);
	assert_int_equal(vcpus, 7);
	/* io_corrupt's mask: one bit of the low byte; its port */
	c = campaign("io_corrupt = 1\nport = 0x3fd\n");
	assert_int_equal(xl_fi_plan_start(&p, &c, &t), 0);
	for (int i = 0; i < 200; i++) {
		xl_fi_plan_next(&p, &s);
		assert_int_equal(s.kind, XL_FI_IO_CORRUPT);
		assert_int_equal(s.match, 0x3fd);
		assert_true(s.value && s.value <= 0x80 && !(s.value & (s.value - 1)));
	}
}

static void test_plan_default_range(void **state)
{
	struct xl_fi_campaign c = campaign("mem_flip = 1\n");
	struct xl_fi_target_facts small = { .mem_bytes = 0x2000 }, big = { .mem_bytes = 8ull << 30 }, none = { 0 };
	struct xl_fi_plan p;
	struct xl_fi_shot s;

	assert_int_equal(xl_fi_plan_start(&p, &c, &small), 0);
	for (int i = 0; i < 500; i++) {
		xl_fi_plan_next(&p, &s);
		assert_true(s.addr < 0x2000);
	}
	/* above 3 GiB a Linux guest's RAM has a hole: the default stops below it */
	assert_int_equal(xl_fi_plan_start(&p, &c, &big), 0);
	assert_int_equal(p.mem_end, XL_FI_LOW_RAM_END);
	assert_int_equal(xl_fi_plan_start(&p, &c, &none), -1);
}

/* ---- lines, patterns, the hypervisor's alarms ---- */

struct got_lines {
	char text[16][XL_FI_LINE_MAX];
	int n;
};

static void keep_line(void *ctx, const char *line)
{
	struct got_lines *g = ctx;

	assert_true(g->n < 16);
	snprintf(g->text[g->n++], XL_FI_LINE_MAX, "%s", line);
}

static void test_lines(void **state)
{
	static const char text[] = "[ 1.0] checksum: ok 1\r\nchecksum: MIS";
	struct xl_fi_lines l = { .len = 0 };
	struct got_lines g = { .n = 0 };
	char big[XL_FI_LINE_MAX + 10];

	/* fed a byte at a time: the same lines */
	for (size_t i = 0; i < sizeof(text) - 1; i++)
		xl_fi_lines_feed(&l, text + i, 1, keep_line, &g);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.text[0], "[ 1.0] checksum: ok 1");
	xl_fi_lines_feed(&l, "MATCH 2\n\n", 9, keep_line, &g);
	assert_int_equal(g.n, 3);
	assert_string_equal(g.text[1], "checksum: MISMATCH 2");
	assert_string_equal(g.text[2], "");
	/* a NUL in the text does not end the line early */
	xl_fi_lines_feed(&l, "a\0b\n", 4, keep_line, &g);
	assert_string_equal(g.text[3], "a b");
	/* a line too long goes on in pieces */
	memset(big, 'x', sizeof(big));
	big[sizeof(big) - 1] = '\n';
	xl_fi_lines_feed(&l, big, sizeof(big), keep_line, &g);
	assert_int_equal(g.n, 6);
	assert_int_equal(strlen(g.text[4]), XL_FI_LINE_MAX - 1);
	assert_int_equal(strlen(g.text[5]), sizeof(big) - XL_FI_LINE_MAX);
	/* a partial line forgotten */
	xl_fi_lines_feed(&l, "half", 4, keep_line, &g);
	xl_fi_lines_reset(&l);
	xl_fi_lines_feed(&l, "new\n", 4, keep_line, &g);
	assert_string_equal(g.text[6], "new");
}

static void test_hypervisor_alarm(void **state)
{
	assert_true(xl_fi_hypervisor_alarm("(XL) ******************** PANIC on CPU 1 ********************"));
	assert_true(xl_fi_hypervisor_alarm("(XL) PANIC: xen-lite/domain.c:12: assertion 'x' failed"));
	assert_true(xl_fi_hypervisor_alarm("(XL) [  12.000001] ERROR: ASSERT in the exit path"));
	assert_false(xl_fi_hypervisor_alarm("(XL) [  12.000001] module: loaded 'fault-injector' 1.0"));
	/* what a guest prints is not the hypervisor's */
	assert_false(xl_fi_hypervisor_alarm("(XL) [  12.000001] (d3 hpc) PANIC: my own"));
	assert_false(xl_fi_hypervisor_alarm("(XL) [  12.000001] (d3 hpc) Kernel panic - not syncing: ASSERT"));
	assert_false(xl_fi_hypervisor_alarm(""));
	assert_false(xl_fi_hypervisor_alarm("(XL) ["));
}

/* ---- the classifier ---- */

static struct xl_fi_verdict judge(const struct xl_fi_observation *o)
{
	struct xl_fi_verdict v;

	xl_fi_classify(o, &v);
	return v;
}

static void test_signs(void **state)
{
	struct xl_fi_campaign c = campaign("mem_flip = 1\nok = \"checksum: ok\"\ncorrupt = \"checksum: MISMATCH\"\n");
	struct xl_fi_signs s;

	memset(&s, 0, sizeof(s));
	xl_fi_signs_note(&c, &s, "[  3.1] checksum: ok 7");
	assert_true(s.ok);
	assert_false(s.corrupt);
	assert_string_equal(s.said, "");
	xl_fi_signs_note(&c, &s, "[  3.4] checksum: MISMATCH 8");
	xl_fi_signs_note(&c, &s, "md5sum[77]: segfault at 0 ip 00000000 sp 0 error 4");
	assert_true(s.corrupt && s.user_crash);
	assert_false(s.kernel_crash);
	assert_string_equal(s.said, "[  3.4] checksum: MISMATCH 8"); /* the first */
	xl_fi_signs_note(&c, &s, "BUG: unable to handle page fault for address: 0000");
	assert_true(s.kernel_crash);
}

static void test_classify_each_zone(void **state)
{
	struct xl_fi_observation o;
	struct xl_fi_verdict v;

	memset(&o, 0, sizeof(o));
	v = judge(&o);
	assert_int_equal(v.zone, XL_FI_ZONE_MASKED);
	assert_string_equal(v.why, "nothing seen");
	o.signs.ok = true;
	assert_string_equal(judge(&o).why, "its workload checked ok");
	o.signs.corrupt = true;
	strcpy(o.signs.said, "checksum: MISMATCH 3");
	v = judge(&o);
	assert_int_equal(v.zone, XL_FI_ZONE_GUEST_USER);
	assert_string_equal(v.why, "its console: 'checksum: MISMATCH 3'");
	memset(&o, 0, sizeof(o));
	o.signs.user_crash = true;
	assert_int_equal(judge(&o).zone, XL_FI_ZONE_GUEST_USER);
	o.signs.kernel_crash = true;
	strcpy(o.signs.said, "Kernel panic - not syncing");
	v = judge(&o);
	assert_int_equal(v.zone, XL_FI_ZONE_GUEST_KERNEL);
	assert_string_equal(v.why, "its console: 'Kernel panic - not syncing'");
	memset(&o, 0, sizeof(o));
	o.target = XL_FI_TARGET_RESTARTED;
	o.new_id = 9;
	v = judge(&o);
	assert_int_equal(v.zone, XL_FI_ZONE_GUEST_KERNEL);
	assert_string_equal(v.why, "the target was restarted as domain 9");
	o.target = XL_FI_TARGET_CRASHED;
	assert_string_equal(judge(&o).why, "the target crashed");
	o.target = XL_FI_TARGET_SHUT_DOWN;
	assert_string_equal(judge(&o).why, "the target shut down");
	o.target = XL_FI_TARGET_GONE;
	assert_string_equal(judge(&o).why, "the target is gone");
	/* a silent workload is a hang only when hangs are watched, and long enough */
	memset(&o, 0, sizeof(o));
	o.silent_ms = 70000;
	assert_int_equal(judge(&o).zone, XL_FI_ZONE_MASKED);
	o.hang_ms = 80000;
	assert_int_equal(judge(&o).zone, XL_FI_ZONE_MASKED);
	o.hang_ms = 60000;
	v = judge(&o);
	assert_int_equal(v.zone, XL_FI_ZONE_GUEST_KERNEL);
	assert_string_equal(v.why, "its workload gave no verdict for 70000 ms (hung)");
	memset(&o, 0, sizeof(o));
	o.dom0_damaged = true;
	v = judge(&o);
	assert_int_equal(v.zone, XL_FI_ZONE_DOM0);
	assert_string_equal(v.why, "dom0's checksummed buffer changed");
	memset(&o, 0, sizeof(o));
	o.hv_alarm = true;
	strcpy(o.hv_line, "(XL) PANIC: x");
	v = judge(&o);
	assert_int_equal(v.zone, XL_FI_ZONE_HYPERVISOR);
	assert_string_equal(v.why, "the hypervisor's log: '(XL) PANIC: x'");
	memset(&o, 0, sizeof(o));
	o.hv_silent = true;
	assert_string_equal(judge(&o).why, "the hypervisor stopped answering");
	memset(&o, 0, sizeof(o));
	o.bystander_hit = true;
	o.bystander = 4;
	v = judge(&o);
	assert_int_equal(v.zone, XL_FI_ZONE_HYPERVISOR);
	assert_string_equal(v.why, "domain 4, not the target, crashed or was restarted");
}

/* Everything at once: the worst wins, in the documented order. */
static void test_classify_precedence(void **state)
{
	struct xl_fi_observation o = { .target = XL_FI_TARGET_CRASHED, .dom0_damaged = true, .hv_silent = true,
				       .silent_ms = 9, .hang_ms = 1 };

	o.signs.ok = o.signs.corrupt = o.signs.user_crash = o.signs.kernel_crash = true;
	assert_int_equal(judge(&o).zone, XL_FI_ZONE_HYPERVISOR);
	o.hv_silent = false;
	assert_int_equal(judge(&o).zone, XL_FI_ZONE_DOM0);
	o.dom0_damaged = false;
	assert_int_equal(judge(&o).zone, XL_FI_ZONE_GUEST_KERNEL);
	o.target = XL_FI_TARGET_RUNNING;
	assert_int_equal(judge(&o).zone, XL_FI_ZONE_GUEST_KERNEL); /* its console and the hang */
	o.signs.kernel_crash = false;
	o.hang_ms = 0;
	assert_int_equal(judge(&o).zone, XL_FI_ZONE_GUEST_USER);
	o.signs.corrupt = o.signs.user_crash = false;
	assert_int_equal(judge(&o).zone, XL_FI_ZONE_MASKED);
	assert_string_equal(xl_fi_zone_name(XL_FI_ZONE_GUEST_KERNEL), "guest-kernel");
	assert_string_equal(xl_fi_zone_name(XL_FI_NR_ZONES), "?");
}

/* ---- the domain list ---- */

static struct xl_domain_info dom(uint32_t id, const char *name, uint32_t state)
{
	struct xl_domain_info d;

	memset(&d, 0, sizeof(d));
	d.domid = id;
	d.state = state;
	snprintf(d.name, sizeof(d.name), "%s", name);
	return d;
}

static void test_target_followed(void **state)
{
	struct xl_domain_info l[4] = { dom(0, "dom0", XL_DOMAIN_RUNNING), dom(2, "by", XL_DOMAIN_RUNNING),
				       dom(3, "hpc", XL_DOMAIN_RUNNING), dom(5, "x", XL_DOMAIN_RUNNING) };
	uint32_t id = 0;

	assert_int_equal(xl_fi_target_state(l, 4, "hpc", 3, &id), XL_FI_TARGET_RUNNING);
	l[2].state = XL_DOMAIN_PAUSED;
	assert_int_equal(xl_fi_target_state(l, 4, "hpc", 3, &id), XL_FI_TARGET_RUNNING);
	l[2].state = XL_DOMAIN_CRASHED;
	assert_int_equal(xl_fi_target_state(l, 4, "hpc", 3, &id), XL_FI_TARGET_CRASHED);
	l[2].state = XL_DOMAIN_SHUTDOWN;
	assert_int_equal(xl_fi_target_state(l, 4, "hpc", 3, &id), XL_FI_TARGET_SHUT_DOWN);
	l[2].state = XL_DOMAIN_DYING;
	assert_int_equal(xl_fi_target_state(l, 4, "hpc", 3, &id), XL_FI_TARGET_GONE);
	/* restarted: its name on a new domain, the old one kept crashed a moment or gone */
	l[2].state = XL_DOMAIN_CRASHED;
	l[3] = dom(6, "hpc", XL_DOMAIN_BUILDING);
	assert_int_equal(xl_fi_target_state(l, 4, "hpc", 3, &id), XL_FI_TARGET_RESTARTED);
	assert_int_equal(id, 6);
	assert_int_equal(xl_fi_target_state(l + 3, 1, "hpc", 3, &id), XL_FI_TARGET_RESTARTED);
	assert_int_equal(xl_fi_target_state(l, 2, "hpc", 3, &id), XL_FI_TARGET_GONE);
	assert_int_equal(xl_fi_find_name(l, 4, "hpc"), 3);
	assert_int_equal(xl_fi_find_name(l, 4, "none"), -1);
}

static void test_bystanders(void **state)
{
	struct xl_domain_info before[3] = { dom(0, "dom0", XL_DOMAIN_RUNNING), dom(2, "by", XL_DOMAIN_RUNNING),
					    dom(3, "hpc", XL_DOMAIN_RUNNING) },
			      after[3];
	uint32_t who = 0;

	memcpy(after, before, sizeof(after));
	assert_false(xl_fi_bystander_hit(before, 3, after, 3, "hpc", &who));
	/* the target's own crash is not a bystander's */
	after[2].state = XL_DOMAIN_CRASHED;
	assert_false(xl_fi_bystander_hit(before, 3, after, 3, "hpc", &who));
	after[1].state = XL_DOMAIN_CRASHED;
	assert_true(xl_fi_bystander_hit(before, 3, after, 3, "hpc", &who));
	assert_int_equal(who, 2);
	/* restarted under a new id */
	after[1] = dom(7, "by", XL_DOMAIN_RUNNING);
	who = 0;
	assert_true(xl_fi_bystander_hit(before, 3, after, 3, "hpc", &who));
	assert_int_equal(who, 2);
	/* simply gone (destroyed by an operator): not counted; one that was not running: neither */
	assert_false(xl_fi_bystander_hit(before, 3, after, 1, "hpc", &who));
	before[1].state = XL_DOMAIN_SHUTDOWN;
	after[1] = dom(2, "by", XL_DOMAIN_CRASHED);
	assert_false(xl_fi_bystander_hit(before, 3, after, 3, "hpc", &who));
	/* dom0 is never a bystander here (its health is checked apart) */
	after[0].state = XL_DOMAIN_CRASHED;
	assert_false(xl_fi_bystander_hit(before, 3, after, 3, "hpc", &who));
}

/* ---- dom0's buffer ---- */

static void test_health(void **state)
{
	struct xl_fi_health h;

	assert_int_equal(xl_fi_health_start(&h, 4096, 42), 0);
	assert_int_equal(h.nr, 512);
	assert_true(xl_fi_health_intact(&h));
	h.words[100] ^= 1ull << 17; /* one bit: a flip that reached dom0 */
	assert_false(xl_fi_health_intact(&h));
	h.words[100] ^= 1ull << 17;
	assert_true(xl_fi_health_intact(&h));
	xl_fi_health_end(&h);
	assert_null(h.words);
	assert_int_equal(xl_fi_health_start(&h, 3, 1), 0); /* at least a word */
	assert_int_equal(h.nr, 1);
	xl_fi_health_end(&h);
}

/* ---- the module's calls: against its own code ---- */

static struct fi_state *module;

static int64_t module_call(void *ctx, uint32_t op, void *buf, size_t size)
{
	struct xl_module_call c = { .caller_privileged = true, .op = op, .buf = buf, .size = size };

	(void)ctx;
	return fi_call(module, &c);
}

static const struct xl_fi_conn conn = { .call = module_call };

static void start_module(void)
{
	module = malloc(sizeof(*module));
	assert_non_null(module);
	fi_state_reset(module);
	node_reset();
}

static void test_requests_for_shots(void **state)
{
	struct xl_fi_shot s = { .kind = XL_FI_MEM_FLIP, .addr = 0x10, .bit = 3, .count = 9 };
	struct xl_fi_request r;

	xl_fi_request_for(&s, 2, false, &r);
	assert_int_equal(r.version, XL_FI_FORMAT_VERSION);
	assert_int_equal(r.addr, 0x10);
	assert_int_equal(r.count, 0); /* not a field of MEM_FLIP */
	assert_int_equal(r.flags, 0);
	xl_fi_request_for(&s, 0, true, &r);
	assert_int_equal(r.flags, XL_FI_UNSAFE);
	s = (struct xl_fi_shot){ .kind = XL_FI_REG_FLIP, .vcpu = 1, .reg = 3, .bit = 60, .count = 1 };
	xl_fi_request_for(&s, 2, false, &r);
	assert_int_equal(r.reg, 3);
	assert_int_equal(r.count, 1);
	assert_int_equal(r.addr, 0);
	s = (struct xl_fi_shot){ .kind = XL_FI_IO_CORRUPT, .match = XL_FI_ANY, .value = 4, .count = 2 };
	xl_fi_request_for(&s, 2, false, &r);
	assert_int_equal(r.match, XL_FI_ANY);
	assert_int_equal(r.value, 4);
	s = (struct xl_fi_shot){ .kind = XL_FI_IPI_DUP, .count = 1, .value = 99 };
	xl_fi_request_for(&s, 2, false, &r);
	assert_int_equal(r.value, 0);
}

/* Every kind the plan makes is taken by the module as built; the events read back. */
static void test_wire_against_module(void **state)
{
	struct xl_fi_campaign c = campaign("mem_flip = 1\nreg_flip = 1\nhypercall_fail = 1\nio_corrupt = 1\n"
					   "ipi_drop = 1\nipi_dup = 1\nmem = 0-4096\n");
	struct xl_fi_target_facts t = { .mem_bytes = NODE_RAM, .nr_vcpus = 2 };
	struct xl_fi_event ev[8];
	struct xl_fi_status st;
	struct xl_fi_events h;
	struct xl_fi_injected a;
	struct xl_fi_outcome o;
	struct xl_fi_request r;
	struct xl_fi_plan p;
	struct xl_fi_shot s;
	uint32_t n, armed = 0;

	start_module();
	assert_int_equal(xl_fi_plan_start(&p, &c, &t), 0);
	for (int i = 0; i < 40; i++) {
		xl_fi_plan_next(&p, &s);
		xl_fi_request_for(&s, 1, false, &r);
		xl_fi_inject(&conn, &r, &a, &o);
		assert_int_equal(o.result, XL_FI_OK);
		assert_int_equal(a.id, i + 1);
		if (a.state == XL_FI_ARMED) {
			xl_fi_disarm(&conn, a.id, &n, &o);
			assert_int_equal(o.result, XL_FI_OK);
			assert_int_equal(n, 1);
			armed++;
		}
	}
	assert_true(armed > 10 && armed < 40);
	xl_fi_status(&conn, &st, &o);
	assert_int_equal(o.result, XL_FI_OK);
	assert_int_equal(st.nr_armed, 0);
	assert_int_equal(st.next_id, 41);
	xl_fi_events(&conn, 0, &h, ev, 8, &o);
	assert_int_equal(o.result, XL_FI_OK);
	assert_int_equal(h.nr, 8);
	assert_int_equal(ev[0].kind, XL_FI_MEM_FLIP);
	xl_fi_events(&conn, h.head_seq, &h, ev, 8, &o);
	assert_int_equal(o.result, XL_FI_OK);
	assert_int_equal(h.nr, 0);
	/* a refusal comes back as the module's errno */
	s = (struct xl_fi_shot){ .kind = XL_FI_MEM_FLIP, .addr = NODE_RAM + 5 };
	xl_fi_request_for(&s, 1, false, &r);
	xl_fi_inject(&conn, &r, &a, &o);
	assert_int_equal(o.result, XL_FI_REFUSED);
	assert_int_equal(o.err, -EFAULT);
	xl_fi_request_for(&s, 0, false, &r);
	xl_fi_inject(&conn, &r, &a, &o);
	assert_int_equal(o.err, -EPERM); /* dom0 without unsafe */
	free(module);
}

/* ---- a module that lies ---- */

static struct lie {
	int64_t ret;
	uint8_t answer[1024];
	size_t len;
} lie;

static int64_t lying_call(void *ctx, uint32_t op, void *buf, size_t size)
{
	(void)ctx;
	(void)op;
	memcpy((uint8_t *)buf + XL_FI_ANSWER_OFFSET, lie.answer,
	       lie.len < size - XL_FI_ANSWER_OFFSET ? lie.len : size - XL_FI_ANSWER_OFFSET);
	return lie.ret;
}

static const struct xl_fi_conn liar = { .call = lying_call };

static void lie_with(const void *answer, size_t len, int64_t ret)
{
	memset(&lie, 0, sizeof(lie));
	memcpy(lie.answer, answer, len);
	lie.len = len;
	lie.ret = ret;
}

static void expect_malformed(const struct xl_fi_outcome *o, const char *why)
{
	assert_int_equal(o->result, XL_FI_MALFORMED);
	if (!strstr(o->why, why))
		fail_msg("why: '%s', not '%s'", o->why, why);
}

static void test_lying_inject(void **state)
{
	struct xl_fi_request mem = { .version = 1, .kind = XL_FI_MEM_FLIP, .domain = 1, .bit = 2 },
			     hc = { .version = 1, .kind = XL_FI_HC_FAIL, .domain = 1, .count = 1 };
	struct xl_fi_injected a = { .id = 1, .state = XL_FI_APPLIED, .old_value = 1, .new_value = 5 }, got;
	struct xl_fi_outcome o;

	lie_with(&a, sizeof(a), sizeof(a));
	xl_fi_inject(&liar, &mem, &got, &o);
	assert_int_equal(o.result, XL_FI_OK);
	lie_with(&a, sizeof(a), sizeof(a) - 1);
	xl_fi_inject(&liar, &mem, &got, &o);
	expect_malformed(&o, "INJECT answered 31");
	a.new_value = 3; /* not bit 2 */
	lie_with(&a, sizeof(a), sizeof(a));
	xl_fi_inject(&liar, &mem, &got, &o);
	expect_malformed(&o, "not its bit 2 flipped");
	a.new_value = 5;
	a.old_value = 0x101;
	lie_with(&a, sizeof(a), sizeof(a));
	xl_fi_inject(&liar, &mem, &got, &o);
	expect_malformed(&o, "not its bit 2 flipped");
	a = (struct xl_fi_injected){ .id = 0, .state = XL_FI_APPLIED };
	lie_with(&a, sizeof(a), sizeof(a));
	xl_fi_inject(&liar, &mem, &got, &o);
	expect_malformed(&o, "injection 0 in state 1");
	a = (struct xl_fi_injected){ .id = 4, .state = XL_FI_APPLIED };
	lie_with(&a, sizeof(a), sizeof(a));
	xl_fi_inject(&liar, &hc, &got, &o); /* armed kinds are armed */
	expect_malformed(&o, "injection 4 in state 1");
	a = (struct xl_fi_injected){ .id = 4, .state = XL_FI_ARMED, .old_value = 1 };
	lie_with(&a, sizeof(a), sizeof(a));
	xl_fi_inject(&liar, &hc, &got, &o);
	expect_malformed(&o, "an armed injection with values");
	lie_with(&a, 0, -ENOSPC);
	xl_fi_inject(&liar, &hc, &got, &o);
	assert_int_equal(o.result, XL_FI_REFUSED);
	assert_int_equal(o.err, -ENOSPC);
}

static void test_lying_status_disarm_events(void **state)
{
	struct xl_fi_status st = { .max_armed = XL_FI_MAX_ARMED, .ring_entries = XL_FI_RING_ENTRIES,
				   .max_count = XL_FI_MAX_COUNT, .next_id = 5, .nr_armed = 1 },
			    got;
	struct {
		struct xl_fi_events h;
		struct xl_fi_event e[3];
	} ev = { .h = { .next_seq = 12, .head_seq = 12, .lost = 0, .nr = 2 },
		 .e = { { .seq = 11, .id = 1 }, { .seq = 12, .id = 2 } } };
	struct xl_fi_event out[3];
	struct xl_fi_events h;
	struct xl_fi_outcome o;
	uint32_t n;

	st.armed[0] = (struct xl_fi_armed){ .id = 4, .kind = XL_FI_IPI_DUP, .left = 2 };
	lie_with(&st, sizeof(st), sizeof(st));
	xl_fi_status(&liar, &got, &o);
	assert_int_equal(o.result, XL_FI_OK);
	st.armed[0].id = 5; /* not given yet */
	lie_with(&st, sizeof(st), sizeof(st));
	xl_fi_status(&liar, &got, &o);
	expect_malformed(&o, "armed injection 5");
	st.armed[0].id = 4;
	st.nr_armed = XL_FI_MAX_ARMED + 1;
	lie_with(&st, sizeof(st), sizeof(st));
	xl_fi_status(&liar, &got, &o);
	expect_malformed(&o, "17 of 16 armed");
	lie_with(&st, 0, 3);
	xl_fi_disarm(&liar, 4, &n, &o);
	expect_malformed(&o, "DISARM of 4 answered 3");
	lie_with(&st, 0, 3);
	xl_fi_disarm(&liar, XL_FI_DISARM_ALL, &n, &o);
	assert_int_equal(o.result, XL_FI_OK);
	assert_int_equal(n, 3);
	/* events: in order, after from_seq, the sum right */
	lie_with(&ev, sizeof(ev), 2);
	xl_fi_events(&liar, 10, &h, out, 3, &o);
	assert_int_equal(o.result, XL_FI_OK);
	assert_int_equal(out[1].id, 2);
	xl_fi_events(&liar, 9, &h, out, 3, &o);
	expect_malformed(&o, "EVENTS from 9: next 12");
	xl_fi_events(&liar, 10, &h, out, 1, &o);
	expect_malformed(&o, "room for 1");
	ev.e[1].seq = 11;
	lie_with(&ev, sizeof(ev), 2);
	xl_fi_events(&liar, 10, &h, out, 3, &o);
	expect_malformed(&o, "event 11");
	ev.e[1].seq = 12;
	ev.e[1].kind = XL_FI_NR_KINDS;
	lie_with(&ev, sizeof(ev), 2);
	xl_fi_events(&liar, 10, &h, out, 3, &o);
	expect_malformed(&o, "out of place");
	ev.e[1].kind = 0;
	ev.h.head_seq = 11;
	lie_with(&ev, sizeof(ev), 2);
	xl_fi_events(&liar, 10, &h, out, 3, &o);
	expect_malformed(&o, "head 11");
}

/* ---- the output ---- */

static struct xl_fi_record record(uint32_t kind)
{
	struct xl_fi_record r;

	memset(&r, 0, sizeof(r));
	r.shot.index = 17;
	r.shot.kind = kind;
	r.domain = 1;
	r.id = 23;
	r.applied = 1;
	r.first.kind = kind;
	r.verdict.zone = XL_FI_ZONE_MASKED;
	strcpy(r.verdict.why, "nothing seen");
	return r;
}

static const char *printed(const struct xl_fi_record *r, bool json)
{
	static char text[1024];
	struct capture c;

	cap_open(&c);
	xl_fi_print_record(c.f, r, json);
	snprintf(text, sizeof(text), "%s", cap_text(&c));
	cap_free(&c);
	if (json)
		assert_json_line(text);
	return text;
}

static void test_record_lines(void **state)
{
	struct xl_fi_record r = record(XL_FI_MEM_FLIP);

	r.shot.addr = r.first.where = 0x3456789;
	r.shot.bit = r.first.bit = 3;
	r.first.old_value = 0x12;
	r.first.new_value = 0x1a;
	assert_string_equal(printed(&r, false),
			    "#17 id 23 d1 mem_flip gpa 0x3456789 bit 3 (0x12 -> 0x1a): masked (nothing seen)\n");
	assert_string_equal(printed(&r, true),
			    "{\"injection\":17,\"id\":23,\"domain\":1,\"kind\":\"mem_flip\",\"gpa\":\"0x3456789\",\"bit\":3,"
			    "\"applied\":1,\"first\":{\"vcpu\":0,\"where\":\"0x3456789\",\"old\":\"0x12\",\"new\":\"0x1a\","
			    "\"tsc\":0},\"zone\":\"masked\",\"why\":\"nothing seen\"}\n");
	r = record(XL_FI_REG_FLIP);
	r.first.vcpu = 1;
	r.first.where = XL_REG_RBX;
	r.first.bit = 40;
	r.first.old_value = 0x1234;
	r.first.new_value = 0x10000001234;
	r.verdict.zone = XL_FI_ZONE_GUEST_USER;
	strcpy(r.verdict.why, "its console: 'checksum: MISMATCH \"4\"'");
	assert_string_equal(printed(&r, false), "#17 id 23 d1 reg_flip vcpu 1 rbx bit 40 (0x1234 -> 0x10000001234): "
						"guest-user (its console: 'checksum: MISMATCH \"4\"')\n");
	printed(&r, true);
	r = record(XL_FI_HC_FAIL);
	r.first.where = 2;
	r.first.old_value = 2;
	r.first.new_value = (uint64_t)-5;
	r.applied = 3;
	assert_string_equal(printed(&r, false),
			    "#17 id 23 d1 hypercall_fail vcpu 0 hypercall 2 (2 -> -5), applied 3 times: masked (nothing seen)\n");
	r = record(XL_FI_IO_CORRUPT);
	r.first.where = 0x3fd | 1ull << 16;
	r.first.old_value = 0x60;
	r.first.new_value = 0x40;
	assert_string_equal(printed(&r, false),
			    "#17 id 23 d1 io_corrupt vcpu 0 port 0x3fd size 1 (0x60 -> 0x40): masked (nothing seen)\n");
	r = record(XL_FI_IPI_DROP);
	r.first.where = 0xf6 | 1ull << 32;
	r.first.old_value = 1;
	assert_string_equal(printed(&r, false),
			    "#17 id 23 d1 ipi_drop vcpu 0 vector 0xf6 dest 1 (1 -> 0 copies): masked (nothing seen)\n");
}

static void test_record_not_applied_or_refused(void **state)
{
	struct xl_fi_record r = record(XL_FI_HC_FAIL);

	r.applied = 0;
	r.shot.match = XL_FI_ANY;
	r.shot.value = 5;
	r.shot.count = 1;
	assert_string_equal(printed(&r, false), "#17 id 23 d1 hypercall_fail hypercall any fails with -5: masked "
						"(nothing seen; not applied: no occasion in its window)\n");
	assert_non_null(strstr(printed(&r, true), "\"hypercall\":\"any\",\"errno\":5,\"count\":1,\"applied\":0,"));
	r = record(XL_FI_IO_CORRUPT);
	r.applied = 0;
	r.shot.match = 0x3fd;
	r.shot.value = 8;
	r.shot.count = 2;
	assert_string_equal(printed(&r, false), "#17 id 23 d1 io_corrupt port 0x3fd reads XOR 0x8, 2 times: masked "
						"(nothing seen; not applied: no occasion in its window)\n");
	assert_non_null(strstr(printed(&r, true), "\"port\":1021,\"mask\":8,\"count\":2"));
	r = record(XL_FI_MEM_FLIP);
	r.id = 0;
	r.applied = 0;
	r.refused = -EFAULT;
	r.shot.addr = 0x10;
	assert_string_equal(printed(&r, false),
			    "#17 id - d1 mem_flip gpa 0x10 bit 0: masked (nothing seen; refused: Bad address)\n");
	assert_non_null(strstr(printed(&r, true), "\"id\":null,"));
	assert_non_null(strstr(printed(&r, true), "\"refused\":-14,"));
	r = record(XL_FI_IPI_DUP);
	r.applied = 0;
	r.shot.count = 1;
	r.shot.vcpu = 0;
	assert_string_equal(printed(&r, false), "#17 id 23 d1 ipi_dup fixed IPIs: masked "
						"(nothing seen; not applied: no occasion in its window)\n");
	r = record(XL_FI_REG_FLIP);
	r.applied = 0;
	r.shot.reg = 15;
	r.shot.bit = 63;
	r.shot.count = 1;
	assert_string_equal(printed(&r, false), "#17 id 23 d1 reg_flip vcpu 0 r15 bit 63: masked "
						"(nothing seen; not applied: no occasion in its window)\n");
}

static void test_dry_run_lines(void **state)
{
	struct xl_fi_shot s = { .index = 3, .kind = XL_FI_MEM_FLIP, .addr = 0x1000, .bit = 7 };
	struct capture c;

	cap_open(&c);
	xl_fi_print_shot(c.f, &s, 4, false);
	assert_string_equal(cap_text(&c), "#3 d4 mem_flip gpa 0x1000 bit 7\n");
	cap_free(&c);
	cap_open(&c);
	xl_fi_print_shot(c.f, &s, 4, true);
	assert_string_equal(cap_text(&c), "{\"injection\":3,\"domain\":4,\"kind\":\"mem_flip\",\"gpa\":\"0x1000\",\"bit\":7}\n");
	assert_json_line(cap_text(&c));
	cap_free(&c);
}

static void test_report(void **state)
{
	struct xl_fi_report rep = { .campaign = "/tmp/c.cfg", .target = "hpc", .first_domain = 1,
				    .last_domain = 5, .seed = 42, .guest_target = true, .planned = 5,
				    .restarts = 1, .dom0_checks = 5, .completed = true };
	struct xl_fi_record r = record(XL_FI_MEM_FLIP);
	struct capture c;

	xl_fi_report_add(&rep, &r);
	xl_fi_report_add(&rep, &r);
	r.verdict.zone = XL_FI_ZONE_GUEST_KERNEL;
	r.shot.kind = XL_FI_REG_FLIP;
	xl_fi_report_add(&rep, &r);
	r.verdict.zone = XL_FI_ZONE_GUEST_USER;
	r.applied = 0;
	r.shot.kind = XL_FI_IPI_DUP;
	xl_fi_report_add(&rep, &r);
	r.id = 0;
	r.verdict.zone = XL_FI_ZONE_MASKED;
	xl_fi_report_add(&rep, &r);
	assert_int_equal(rep.done, 5);
	cap_open(&c);
	xl_fi_print_report(c.f, &rep, false);
	assert_string_equal(cap_text(&c),
			    "campaign /tmp/c.cfg: target hpc (domain 1, at the end 5), seed 42: 5 of 5 injections done\n"
			    "kinds: mem_flip 2, reg_flip 1, hypercall_fail 0, io_corrupt 0, ipi_drop 0, ipi_dup 2\n"
			    "zones: masked 3, guest-user 1, guest-kernel 1, dom0 0, hypervisor 0\n"
			    "not applied: 1 (no occasion in their window), refused: 1 - both counted by what was seen\n"
			    "target restarted 1 time(s), reset 0 time(s); dom0's buffer checked after 5 window(s)\n");
	cap_free(&c);
	cap_open(&c);
	xl_fi_print_report(c.f, &rep, true);
	assert_json_line(cap_text(&c));
	assert_non_null(strstr(cap_text(&c), "\"zones\":{\"masked\":3,\"guest-user\":1,\"guest-kernel\":1,\"dom0\":0,"
					     "\"hypervisor\":0}"));
	assert_non_null(strstr(cap_text(&c), "\"stopped\":null"));
	cap_free(&c);
	strcpy(rep.stopped, "the target (hpc) is gone within restart_ms (5 ms)");
	rep.completed = false;
	cap_open(&c);
	xl_fi_print_report(c.f, &rep, false);
	assert_non_null(strstr(cap_text(&c), "\nstopped: the target (hpc) is gone"));
	cap_free(&c);
	cap_open(&c);
	xl_fi_print_report(c.f, &rep, true);
	assert_json_line(cap_text(&c));
	cap_free(&c);
}

static void test_exit_status(void **state)
{
	struct xl_fi_report rep = { .guest_target = true, .completed = true };

	rep.zone[XL_FI_ZONE_GUEST_KERNEL] = 3;
	assert_int_equal(xl_fi_exit_status(&rep), XL_EXIT_OK);
	rep.zone[XL_FI_ZONE_DOM0] = 1;
	assert_int_equal(xl_fi_exit_status(&rep), XL_EXIT_ERROR);
	rep.zone[XL_FI_ZONE_DOM0] = 0;
	rep.zone[XL_FI_ZONE_HYPERVISOR] = 1;
	assert_int_equal(xl_fi_exit_status(&rep), XL_EXIT_ERROR);
	/* aimed at dom0 (unsafe): dom0 hit is what was asked for */
	rep.guest_target = false;
	rep.zone[XL_FI_ZONE_HYPERVISOR] = 0;
	rep.zone[XL_FI_ZONE_DOM0] = 4;
	assert_int_equal(xl_fi_exit_status(&rep), XL_EXIT_OK);
	rep.completed = false;
	assert_int_equal(xl_fi_exit_status(&rep), XL_EXIT_ERROR);
	assert_string_equal(xl_fi_kind_name(XL_FI_IPI_DUP), "ipi_dup");
	assert_string_equal(xl_fi_kind_name(XL_FI_NR_KINDS), "?");
}

/* ---- the command line ---- */

static void test_parse_inject(void **state)
{
	struct xl_args a;
	char err[256];

	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "inject", "-u", "--json", "c.cfg", NULL), XL_EXIT_OK);
	assert_int_equal(a.cmd, XL_CMD_INJECT);
	assert_true(a.unsafe);
	assert_true(a.json);
	assert_false(a.dry_run);
	assert_string_equal(a.args[0], "c.cfg");
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "inject", "-n", "c.cfg", NULL), XL_EXIT_OK);
	assert_true(a.dry_run);
	assert_false(a.unsafe);
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "inject", NULL), XL_EXIT_USAGE);
	assert_non_null(strstr(err, "missing arguments: xl-lite inject [-n] [-u] [-j] CAMPAIGN"));
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "inject", "a", "b", NULL), XL_EXIT_USAGE);
	assert_non_null(strstr(err, "unexpected argument 'b'"));
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "list", "--unsafe", NULL), XL_EXIT_USAGE);
	assert_non_null(strstr(err, "list: no option '--unsafe'"));
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "inject", "-r", "c.cfg", NULL), XL_EXIT_USAGE);
	/* a campaign that names a domain is still a file: no id check on it */
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "inject", "010", NULL), XL_EXIT_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_below),
		cmocka_unit_test(test_plan_reproducible),
		cmocka_unit_test(test_plan_weights_and_ranges),
		cmocka_unit_test(test_plan_default_range),
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_hypervisor_alarm),
		cmocka_unit_test(test_signs),
		cmocka_unit_test(test_classify_each_zone),
		cmocka_unit_test(test_classify_precedence),
		cmocka_unit_test(test_target_followed),
		cmocka_unit_test(test_bystanders),
		cmocka_unit_test(test_health),
		cmocka_unit_test(test_requests_for_shots),
		cmocka_unit_test(test_wire_against_module),
		cmocka_unit_test(test_lying_inject),
		cmocka_unit_test(test_lying_status_disarm_events),
		cmocka_unit_test(test_record_lines),
		cmocka_unit_test(test_record_not_applied_or_refused),
		cmocka_unit_test(test_dry_run_lines),
		cmocka_unit_test(test_report),
		cmocka_unit_test(test_exit_status),
		cmocka_unit_test(test_parse_inject),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
