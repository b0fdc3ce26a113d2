/*
 * Host tests for the exit-profiler module's pure parts (modules/exit-profiler/:
 * the histogram bucket, the load argument, the counts and the READ and RESET
 * operations) and for what xl-lite makes of its answers (dom0-tools/
 * xl-prof-data.c, xl-prof-fmt.c): READ answers written by the module's own
 * code, read back by xl-lite's; every check of a malformed answer; the
 * percentiles estimated from the histogram; the table and the JSON.
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

#include "../../dom0-tools/xl-prof-data.h"
#include "../../dom0-tools/xl-prof-fmt.h"
#include "../../modules/exit-profiler/prof_args.h"
#include "../../modules/exit-profiler/prof_table.h"
#include "output_check.h"

static const char *const names[EXIT_REASON_COUNT] = {
	[EXIT_HYPERCALL] = "hypercall", [EXIT_CPUID] = "cpuid", [EXIT_MSR_READ] = "msr-read",
	[EXIT_MSR_WRITE] = "msr-write", [EXIT_IO] = "io", [EXIT_NPF] = "npf",
	[EXIT_HLT] = "hlt", [EXIT_INTR] = "intr", [EXIT_NMI] = "nmi",
	[EXIT_SHUTDOWN] = "shutdown", [EXIT_EXCEPTION] = "exception",
	[EXIT_SVM_INSN] = "svm-insn", [EXIT_XSETBV] = "xsetbv", [EXIT_OTHER] = "other",
};

/* the hypervisor's xl_exit_reason_name(), as the module gets it */
static const char *reason_name(uint32_t r)
{
	return r < EXIT_REASON_COUNT ? names[r] : "?";
}

static const struct prof_info info = { .tsc_khz = 2000000, .reason_name = reason_name };

static struct prof_table *new_table(void)
{
	struct prof_table *t = calloc(1, sizeof(*t));

	assert_non_null(t);
	t->reasons_hooked = (1u << EXIT_REASON_COUNT) - 1;
	return t;
}

/* ---- the module ---- */

static void test_bucket(void **state)
{
	assert_int_equal(prof_bucket(0), 0);
	assert_int_equal(prof_bucket(1), 0);
	assert_int_equal(prof_bucket(2), 1);
	assert_int_equal(prof_bucket(3), 1);
	assert_int_equal(prof_bucket(4), 2);
	assert_int_equal(prof_bucket(1023), 9);
	assert_int_equal(prof_bucket(1024), 10);
	assert_int_equal(prof_bucket((1u << 23) - 1), 22);
	/* the last bucket takes everything from 2^23 up */
	assert_int_equal(prof_bucket(1u << 23), XL_PROF_BUCKETS - 1);
	assert_int_equal(prof_bucket(1ull << 40), XL_PROF_BUCKETS - 1);
	assert_int_equal(prof_bucket(UINT64_MAX), XL_PROF_BUCKETS - 1);
}

/* args refused: the word or name named, and its length */
static void expect_refused(const char *args, const char *at, size_t len)
{
	struct prof_arg_error err = { NULL, 0 };
	uint32_t mask = 123;

	assert_int_equal(prof_parse_args(args, EXIT_REASON_COUNT, reason_name, &mask, &err), -EINVAL);
	assert_ptr_equal(err.at, at);
	assert_int_equal(err.len, len);
}

static void test_args(void **state)
{
	struct prof_arg_error err;
	uint32_t mask = 123;
	const char *s;

	assert_int_equal(prof_parse_args(NULL, EXIT_REASON_COUNT, reason_name, &mask, &err), 0);
	assert_int_equal(mask, 0); /* every reason */
	assert_int_equal(prof_parse_args("  ", EXIT_REASON_COUNT, reason_name, &mask, &err), 0);
	assert_int_equal(mask, 0);
	assert_int_equal(prof_parse_args("reasons=hypercall,io", EXIT_REASON_COUNT, reason_name, &mask, &err), 0);
	assert_int_equal(mask, (1u << EXIT_HYPERCALL) | (1u << EXIT_IO));
	assert_int_equal(prof_parse_args(" reasons=npf  reasons=msr-read,npf\t", EXIT_REASON_COUNT, reason_name,
					 &mask, &err), 0);
	assert_int_equal(mask, (1u << EXIT_NPF) | (1u << EXIT_MSR_READ));
	assert_int_equal(prof_parse_args("reasons=other", EXIT_REASON_COUNT, reason_name, &mask, &err), 0);
	assert_int_equal(mask, 1u << EXIT_OTHER);

	s = "reasons=hypercall,frob,io";
	expect_refused(s, s + 18, 4);
	s = "reasons=";
	expect_refused(s, s, 8);
	s = "reasons=io,";
	expect_refused(s, s + 11, 0);
	s = "reasons=io,,hlt";
	expect_refused(s, s + 11, 0);
	s = "reason=io";
	expect_refused(s, s, 9);
	s = "reasons=io verbose";
	expect_refused(s, s + 11, 7);
	s = "reasons=IO"; /* names are the hypervisor's, to the letter */
	expect_refused(s, s + 8, 2);
	s = "reasons=hypercallx";
	expect_refused(s, s + 8, 10);
	s = "reasons=hyper";
	expect_refused(s, s + 8, 5);
}

static void test_record(void **state)
{
	struct prof_table *t = new_table();
	struct prof_stats *st;

	prof_record(t, 0, EXIT_IO, 1500);
	prof_record(t, 0, EXIT_IO, 3000);
	prof_record(t, 0, EXIT_IO, 0); /* counted as one cycle */
	prof_record(t, 7, EXIT_HYPERCALL, 100);
	prof_record(t, 0, EXIT_REASON_COUNT, 100); /* no such reason: ignored */
	assert_true(t->slot[0].owner == 1 && t->slot[1].owner == 8);
	st = &t->slot[0].reason[EXIT_IO];
	assert_true(st->count == 3 && st->total == 4501 && st->min == 1 && st->max == 3000);
	assert_true(st->hist[0] == 1 && st->hist[10] == 1 && st->hist[11] == 1);
	st = &t->slot[1].reason[EXIT_HYPERCALL];
	assert_true(st->count == 1 && st->min == 100 && st->max == 100 && st->hist[6] == 1);
	assert_true(t->slot[1].reason[EXIT_IO].count == 0);

	/* a domain gone: its slot zeroed and free; the next domain takes it from nothing */
	prof_forget(t, 0);
	assert_true(t->slot[0].owner == 0 && t->slot[0].reason[EXIT_IO].count == 0);
	assert_true(t->slot[0].reason[EXIT_IO].hist[10] == 0 && t->slot[0].reason[EXIT_IO].min == 0);
	prof_forget(t, 12345); /* never seen: nothing */
	prof_record(t, 9, EXIT_NPF, 50);
	assert_true(t->slot[0].owner == 10 && t->slot[0].reason[EXIT_NPF].count == 1);
	assert_true(t->slot[0].reason[EXIT_IO].count == 0);
	/* domain 7 is still where it was */
	prof_record(t, 7, EXIT_HYPERCALL, 100);
	assert_true(t->slot[1].reason[EXIT_HYPERCALL].count == 2);
	free(t);
}

static void test_table_full(void **state)
{
	struct prof_table *t = new_table();

	for (uint32_t d = 0; d < XL_PROF_MAX_DOMAINS; d++)
		prof_record(t, d * 3, EXIT_CPUID, 10);
	assert_true(t->dropped == 0);
	prof_record(t, 1000, EXIT_CPUID, 10);
	prof_record(t, 1000, EXIT_CPUID, 10);
	assert_true(t->dropped == 2);
	/* domains that have a slot still count */
	prof_record(t, 3, EXIT_CPUID, 10);
	assert_true(t->slot[1].reason[EXIT_CPUID].count == 2);
	/* one gone: the next new domain gets its slot */
	prof_forget(t, 30);
	prof_record(t, 1000, EXIT_CPUID, 10);
	assert_true(t->slot[10].owner == 1001 && t->dropped == 2);
	free(t);
}

static void test_reset(void **state)
{
	struct prof_table *t = new_table();

	prof_record(t, 1, EXIT_IO, 10);
	prof_record(t, 2, EXIT_IO, 10);
	t->dropped = 5;
	assert_int_equal(prof_reset(t, 2), 0);
	assert_true(t->slot[1].owner == 3 && t->slot[1].reason[EXIT_IO].count == 0);
	assert_true(t->slot[0].reason[EXIT_IO].count == 1);
	assert_int_equal(prof_reset(t, 3), -ENOENT);
	assert_int_equal(prof_reset(t, 1ull << 32), -ENOENT);
	assert_int_equal(prof_reset(t, XL_PROF_ALL), 0);
	/* the slots stay their domains' */
	assert_true(t->slot[0].owner == 2 && t->slot[0].reason[EXIT_IO].count == 0 && t->dropped == 0);
	free(t);
}

/* READ's header of an answer */
static struct xl_prof_header header_of(const void *buf)
{
	struct xl_prof_header h;

	memcpy(&h, buf, sizeof(h));
	return h;
}

#define DOMAIN_BYTES(reasons) (sizeof(struct xl_prof_domain) + (reasons) * sizeof(struct xl_prof_reason))

static void test_read_answer(void **state)
{
	struct prof_table *t = new_table();
	static char buf[65536];
	struct xl_prof_domain d;
	struct xl_prof_reason r;
	struct xl_prof_header h;

	assert_int_equal(sizeof(struct xl_prof_header), 568);
	assert_int_equal(sizeof(struct xl_prof_reason), 232);
	prof_record(t, 4, EXIT_IO, 1500);
	prof_record(t, 4, EXIT_HYPERCALL, 700);
	prof_record(t, 4, EXIT_HYPERCALL, 900);
	assert_int_equal(prof_read(t, 0, buf, sizeof(buf), &info), sizeof(h) + DOMAIN_BYTES(2));
	h = header_of(buf);
	assert_true(h.magic == XL_PROF_MAGIC && h.version == XL_PROF_FORMAT_VERSION);
	assert_true(h.tsc_khz == 2000000 && h.nr_reasons == EXIT_REASON_COUNT && h.nr_buckets == XL_PROF_BUCKETS);
	assert_true(h.nr_domains == 1 && h.tracked == 1 && h.next == XL_PROF_DONE && h.needed == 0);
	assert_true(h.reasons_hooked == (1u << EXIT_REASON_COUNT) - 1);
	assert_string_equal(h.reason_names[EXIT_MSR_WRITE], "msr-write");
	assert_string_equal(h.reason_names[EXIT_REASON_COUNT], "");
	memcpy(&d, buf + sizeof(h), sizeof(d));
	assert_true(d.domain_id == 4 && d.nr_reasons == 2);
	/* the reasons in their order */
	memcpy(&r, buf + sizeof(h) + sizeof(d), sizeof(r));
	assert_true(r.reason == EXIT_HYPERCALL && r.count == 2 && r.total_cycles == 1600);
	assert_true(r.min_cycles == 700 && r.max_cycles == 900 && r.hist[9] == 2 && r.reserved == 0);
	memcpy(&r, buf + sizeof(h) + sizeof(d) + sizeof(r), sizeof(r));
	assert_true(r.reason == EXIT_IO && r.count == 1 && r.hist[10] == 1);

	/* no domain: the header alone; a slot past the end is refused, the end is empty */
	assert_int_equal(prof_read(t, 1, buf, sizeof(buf), &info), sizeof(h));
	assert_true(header_of(buf).nr_domains == 0 && header_of(buf).next == XL_PROF_DONE);
	assert_int_equal(prof_read(t, XL_PROF_MAX_DOMAINS, buf, sizeof(buf), &info), sizeof(h));
	assert_int_equal(prof_read(t, XL_PROF_MAX_DOMAINS + 1, buf, sizeof(buf), &info), -EINVAL);
	free(t);
}

static void test_read_too_small(void **state)
{
	struct prof_table *t = new_table();
	static char buf[65536];
	const size_t h = sizeof(struct xl_prof_header);

	prof_record(t, 1, EXIT_IO, 10);
	prof_record(t, 1, EXIT_NPF, 10);
	prof_record(t, 2, EXIT_IO, 10);
	/* not even the header: nothing written */
	memset(buf, 0x5a, sizeof(buf));
	assert_int_equal(prof_read(t, 0, buf, h - 1, &info), -ENOSPC);
	assert_int_equal((unsigned char)buf[0], 0x5a);
	/* the header but not one domain: how much would do */
	assert_int_equal(prof_read(t, 0, buf, h + DOMAIN_BYTES(2) - 1, &info), -ENOSPC);
	assert_true(header_of(buf).magic == XL_PROF_MAGIC);
	assert_true(header_of(buf).needed == h + DOMAIN_BYTES(EXIT_REASON_COUNT));
	assert_true(header_of(buf).next == 0 && header_of(buf).nr_domains == 0);
	/* one domain fits: the second is for the next READ */
	assert_int_equal(prof_read(t, 0, buf, h + DOMAIN_BYTES(2) + DOMAIN_BYTES(1) - 1, &info),
			 h + DOMAIN_BYTES(2));
	assert_true(header_of(buf).nr_domains == 1 && header_of(buf).next == 1 && header_of(buf).tracked == 2);
	assert_int_equal(prof_read(t, 1, buf, h + DOMAIN_BYTES(1), &info), h + DOMAIN_BYTES(1));
	assert_true(header_of(buf).nr_domains == 1 && header_of(buf).next == XL_PROF_DONE);
	free(t);
}

/* ---- xl-lite reading the module's answers ---- */

struct fake_read {
	struct prof_table *t;
	size_t size; /* the buffer READ gets (smaller than xl-lite's, to make it page) */
	unsigned int calls;
	/* a corruption, for the checks */
	void (*spoil)(char *buf, int64_t *n, void *ctx);
	void *spoil_ctx;
};

static int64_t fake_read(void *ctx, uint32_t cursor, void *buf, size_t size)
{
	struct fake_read *f = ctx;
	int64_t n = prof_read(f->t, cursor, buf, f->size < size ? f->size : size, &info);

	f->calls++;
	if (n >= 0 && f->spoil)
		f->spoil(buf, &n, f->spoil_ctx);
	return n;
}

static enum xl_prof_result read_back(struct fake_read *f, struct xl_profile *p, char *why)
{
	static char buf[65536];

	return xl_prof_read_all(fake_read, f, buf, sizeof(buf), p, why, 128);
}

static void test_round_trip(void **state)
{
	struct prof_table *t = new_table();
	struct fake_read f = { .t = t, .size = 65536 };
	struct xl_profile *p = malloc(sizeof(*p));
	const struct xl_prof_dom *d;
	char why[128];

	/* domains claimed out of id order, one with every reason */
	for (uint32_t r = 0; r < EXIT_REASON_COUNT; r++)
		prof_record(t, 9, r, 100 + r);
	for (uint32_t i = 0; i < 1000; i++)
		prof_record(t, 0, EXIT_IO, 1000 + i);
	prof_record(t, 3, EXIT_HLT, 1u << 30);
	assert_int_equal(read_back(&f, p, why), XL_PROF_OK);
	assert_int_equal(f.calls, 1);
	assert_true(p->tsc_khz == 2000000 && p->nr_reasons == EXIT_REASON_COUNT && p->dropped == 0);
	assert_string_equal(p->names[EXIT_SVM_INSN], "svm-insn");
	assert_int_equal(p->nr_domains, 3);
	assert_true(p->dom[0].id == 0 && p->dom[1].id == 3 && p->dom[2].id == 9); /* sorted */
	d = xl_prof_find(p, 0);
	assert_true(d->exits == 1000 && d->reason[EXIT_IO].count == 1000);
	assert_true(d->reason[EXIT_IO].min_cycles == 1000 && d->reason[EXIT_IO].max_cycles == 1999);
	assert_true(d->reason[EXIT_IO].total_cycles == 1000 * 1000 + 999 * 1000 / 2);
	assert_true(d->reason[EXIT_IO].hist[9] == 24 && d->reason[EXIT_IO].hist[10] == 976);
	d = xl_prof_find(p, 9);
	assert_true(d->exits == EXIT_REASON_COUNT && d->reason[EXIT_OTHER].min_cycles == 100 + EXIT_OTHER);
	assert_true(xl_prof_find(p, 3)->reason[EXIT_HLT].hist[XL_PROF_BUCKETS - 1] == 1);
	assert_null(xl_prof_find(p, 1));

	/* a buffer for the largest domain: it alone, then the two others; the same profile */
	f.size = sizeof(struct xl_prof_header) + DOMAIN_BYTES(EXIT_REASON_COUNT);
	f.calls = 0;
	assert_int_equal(read_back(&f, p, why), XL_PROF_OK);
	assert_int_equal(f.calls, 2);
	assert_int_equal(p->nr_domains, 3);
	assert_true(xl_prof_find(p, 9)->exits == EXIT_REASON_COUNT);

	/* too small for any domain: the READ fails, as the call would */
	f.size = sizeof(struct xl_prof_header) + 10;
	assert_int_equal(read_back(&f, p, why), XL_PROF_READ_FAILED);

	/* every slot taken, in many answers */
	for (uint32_t i = 0; i < XL_PROF_MAX_DOMAINS; i++)
		prof_record(t, 100 + i, EXIT_CPUID, 10);
	f.size = 65536;
	assert_int_equal(read_back(&f, p, why), XL_PROF_OK);
	assert_int_equal(p->nr_domains, XL_PROF_MAX_DOMAINS);
	assert_true(p->dropped == 3);
	free(p);
	free(t);
}

/* ---- answers that make no sense ---- */

struct spoil {
	size_t at; /* where in the answer */
	uint64_t value;
	unsigned int width; /* 4 or 8 bytes; 0: n += value (bytes past the records) */
};

static void spoil_field(char *buf, int64_t *n, void *ctx)
{
	const struct spoil *s = ctx;
	uint32_t v32 = (uint32_t)s->value;

	if (s->width == 4)
		memcpy(buf + s->at, &v32, 4);
	else if (s->width == 8)
		memcpy(buf + s->at, &s->value, 8);
	else
		*n += (int64_t)s->value;
}

static void expect_malformed(size_t at, uint64_t value, unsigned int width, const char *why_part)
{
	struct prof_table *t = new_table();
	struct spoil s = { at, value, width };
	struct fake_read f = { .t = t, .size = 65536, .spoil = spoil_field, .spoil_ctx = &s };
	struct xl_profile *p = malloc(sizeof(*p));
	char why[128];

	prof_record(t, 1, EXIT_IO, 1500);
	prof_record(t, 1, EXIT_NPF, 20);
	prof_record(t, 2, EXIT_IO, 1500);
	if (read_back(&f, p, why) != XL_PROF_MALFORMED)
		fail_msg("spoiling %zu with %llu: not refused", at, (unsigned long long)value);
	if (!strstr(why, why_part))
		fail_msg("spoiling %zu: '%s', not '%s'", at, why, why_part);
	free(p);
	free(t);
}

#define HDR(field) offsetof(struct xl_prof_header, field)
#define REC1 sizeof(struct xl_prof_header) /* domain 1's record */
#define REASON1 (REC1 + sizeof(struct xl_prof_domain)) /* its first reason */
#define RSN(field) (REASON1 + offsetof(struct xl_prof_reason, field))

static void test_malformed_answers(void **state)
{
	expect_malformed(HDR(magic), 0x12345678, 4, "bad magic");
	expect_malformed(HDR(version), 2, 4, "another format version");
	expect_malformed(HDR(nr_buckets), 32, 4, "histogram buckets");
	expect_malformed(HDR(nr_reasons), 0, 4, "number of exit reasons");
	expect_malformed(HDR(nr_reasons), XL_PROF_MAX_REASONS + 1, 4, "number of exit reasons");
	expect_malformed(HDR(nr_domains), XL_PROF_MAX_DOMAINS + 1, 4, "more domains");
	expect_malformed(HDR(nr_domains), 3, 4, "a domain record past the bytes written");
	expect_malformed(HDR(nr_domains), 1, 4, "bytes past the last domain record");
	expect_malformed(HDR(next), 0, 4, "does not move forward");
	expect_malformed(HDR(next), XL_PROF_MAX_DOMAINS, 4, "does not move forward");
	/* one reason more: the next domain's header read as a reason, whose reserved field is not 0 */
	expect_malformed(REC1 + offsetof(struct xl_prof_domain, nr_reasons), 3, 4, "reserved field");
	expect_malformed(RSN(reserved), 1, 4, "reserved field");
	expect_malformed(REC1 + offsetof(struct xl_prof_domain, nr_reasons), EXIT_REASON_COUNT + 1, 4,
			 "more reasons than were written");
	expect_malformed(REC1 + offsetof(struct xl_prof_domain, nr_reasons), 0x40000000, 4,
			 "more reasons than were written");
	expect_malformed(RSN(reason), EXIT_REASON_COUNT, 4, "exit reason out of range");
	expect_malformed(RSN(min_cycles), 1u << 20, 8, "a minimum above the maximum");
	expect_malformed(RSN(min_cycles), 0, 8, "a minimum above the maximum");
	expect_malformed(0, 8, 0, "bytes past the last domain record");
	expect_malformed(0, (uint64_t)-8, 0, "more reasons than were written");
	expect_malformed(0, (uint64_t)-(int64_t)(DOMAIN_BYTES(1) - 4), 0, "a domain record past the bytes written");
	expect_malformed(0, 65536, 0, "longer than the buffer");
	expect_malformed(0, (uint64_t)-(int64_t)(REC1 + DOMAIN_BYTES(2) + DOMAIN_BYTES(1) - 4), 0,
			 "shorter than its header");
}

/* Spoilers of the second answer: domain 2 named domain 1, or another TSC frequency. */
static unsigned int answers;

static void second_names_domain_1(char *buf, int64_t *n, void *ctx)
{
	uint32_t id = 1;

	if (++answers == 2)
		memcpy(buf + REC1, &id, 4);
}

static void second_has_other_tsc(char *buf, int64_t *n, void *ctx)
{
	uint64_t khz = 1;

	if (++answers == 2)
		memcpy(buf + HDR(tsc_khz), &khz, 8);
}

static void test_answers_together(void **state)
{
	struct prof_table *t = new_table();
	struct fake_read f = { .t = t, .spoil = second_names_domain_1 };
	struct xl_profile *p = malloc(sizeof(*p));
	const struct xl_prof_stats *s;
	char why[128];

	/* one domain an answer */
	f.size = sizeof(struct xl_prof_header) + DOMAIN_BYTES(2);
	prof_record(t, 1, EXIT_IO, 1500);
	prof_record(t, 1, EXIT_NPF, 20);
	prof_record(t, 2, EXIT_IO, 900);
	prof_record(t, 2, EXIT_IO, 3000);
	/* a domain met twice is added up */
	answers = 0;
	assert_int_equal(read_back(&f, p, why), XL_PROF_OK);
	assert_int_equal(answers, 2);
	assert_int_equal(p->nr_domains, 1);
	s = &p->dom[0].reason[EXIT_IO];
	assert_true(p->dom[0].exits == 4 && s->count == 3 && s->min_cycles == 900 && s->max_cycles == 3000);
	assert_true(s->total_cycles == 5400 && s->hist[9] == 1 && s->hist[10] == 1 && s->hist[11] == 1);
	/* answers that disagree are refused */
	answers = 0;
	f.spoil = second_has_other_tsc;
	assert_int_equal(read_back(&f, p, why), XL_PROF_MALFORMED);
	assert_string_equal(why, "answers that disagree on the exit reasons or the TSC");
	free(p);
	free(t);
}

/* ---- percentiles ---- */

static struct xl_prof_stats stats_of(const uint64_t *cycles, unsigned int n)
{
	struct prof_table *t = new_table();
	struct xl_prof_stats s;

	for (unsigned int i = 0; i < n; i++)
		prof_record(t, 0, EXIT_IO, cycles[i]);
	memset(&s, 0, sizeof(s));
	s.count = t->slot[0].reason[EXIT_IO].count;
	s.total_cycles = t->slot[0].reason[EXIT_IO].total;
	s.min_cycles = t->slot[0].reason[EXIT_IO].min;
	s.max_cycles = t->slot[0].reason[EXIT_IO].max;
	memcpy(s.hist, t->slot[0].reason[EXIT_IO].hist, sizeof(s.hist));
	free(t);
	return s;
}

static void test_percentiles(void **state)
{
	static uint64_t c[1000];
	struct xl_prof_stats s;

	memset(&s, 0, sizeof(s));
	assert_true(xl_prof_percentile(&s, 500) == 0 && xl_prof_mean(&s) == 0);
	/* one exit: every percentile is it */
	c[0] = 1500;
	s = stats_of(c, 1);
	assert_true(xl_prof_percentile(&s, 500) == 1500 && xl_prof_percentile(&s, 990) == 1500);
	assert_true(xl_prof_percentile(&s, 0) == 1500 && xl_prof_percentile(&s, 1000) == 1500);
	/* 1000 exits in [1024, 2048): spread over the bucket, narrowed to [1100, 1900] */
	for (unsigned int i = 0; i < 1000; i++)
		c[i] = i == 0 ? 1100 : i == 999 ? 1900 : 1500;
	s = stats_of(c, 1000);
	assert_true(xl_prof_percentile(&s, 500) == (uint64_t)(1100 + 801.0 * 999 / 2000));
	assert_true(xl_prof_percentile(&s, 990) == (uint64_t)(1100 + 801.0 * 1979 / 2000));
	assert_true(xl_prof_mean(&s) == 1500);
	/*
	 * 990 fast exits and 10 slow ones: the median among the fast (in [min, 128)), p99 the
	 * last fast one, p99.9 a slow one
	 */
	for (unsigned int i = 0; i < 1000; i++)
		c[i] = i < 990 ? 100 : 100000;
	s = stats_of(c, 1000);
	assert_true(xl_prof_percentile(&s, 500) >= 100 && xl_prof_percentile(&s, 500) < 128);
	assert_true(xl_prof_percentile(&s, 990) >= 100 && xl_prof_percentile(&s, 990) < 128);
	assert_true(xl_prof_percentile(&s, 999) >= 65536 && xl_prof_percentile(&s, 999) <= 100000);
	assert_true(xl_prof_percentile(&s, 1000) >= 65536 && xl_prof_percentile(&s, 1000) <= 100000);
	/* the last bucket is open-ended: its estimates stay within [2^23, max] */
	for (unsigned int i = 0; i < 100; i++)
		c[i] = (1ull << 23) + (uint64_t)i * (1ull << 30);
	s = stats_of(c, 100);
	assert_true(xl_prof_percentile(&s, 500) >= (1ull << 23) && xl_prof_percentile(&s, 990) <= s.max_cycles);
	assert_true(xl_prof_percentile(&s, 990) > (1ull << 35));
	/* zero-cycle exits (counted as one) sit in bucket 0 */
	c[0] = 0;
	c[1] = 1;
	s = stats_of(c, 2);
	assert_true(xl_prof_percentile(&s, 500) == 1 && xl_prof_percentile(&s, 990) == 1);
	/* a histogram that disagrees with the count (a read racing exits) still gives an answer */
	s = stats_of(c, 2);
	s.count = 5;
	s.hist[0] = 0;
	assert_true(xl_prof_percentile(&s, 500) == 0);
	/* counts near 2^64 do not wrap */
	memset(&s, 0, sizeof(s));
	s.hist[3] = UINT64_MAX;
	s.hist[4] = UINT64_MAX;
	s.min_cycles = 8;
	s.max_cycles = 31;
	s.count = UINT64_MAX;
	assert_true(xl_prof_percentile(&s, 990) >= 8 && xl_prof_percentile(&s, 990) <= 31);
	/* cycles to microseconds */
	assert_true(xl_prof_us(2000, 2000000) == 1.0);
	assert_true(xl_prof_us(2000, 0) < 0);
}

/* ---- the table and the JSON ---- */

/* A profile as xl-lite gets it: dom0 taking io and hypercall exits, domain 3 one hlt, domain 4 reset. */
static struct xl_profile *sample_profile(uint32_t hooked)
{
	struct prof_table *t = new_table();
	struct fake_read f = { .t = t, .size = 65536 };
	struct xl_profile *p = malloc(sizeof(*p));
	char why[128];

	t->reasons_hooked = hooked;
	for (unsigned int i = 0; i < 20000; i++)
		prof_record(t, 0, EXIT_IO, 1000 + (i % 50) * 40);
	for (unsigned int i = 0; i < 4000; i++)
		prof_record(t, 0, EXIT_HYPERCALL, 9000 + i);
	prof_record(t, 0, EXIT_NPF, 180342);
	prof_record(t, 3, EXIT_HLT, 5000);
	prof_record(t, 4, EXIT_HLT, 5000);
	prof_reset(t, 4);
	assert_int_equal(read_back(&f, p, why), XL_PROF_OK);
	free(t);
	return p;
}

static const struct xl_domain_info *sample_domains(void)
{
	static struct xl_domain_info d[2];

	memset(d, 0, sizeof(d));
	d[0].domid = 0;
	snprintf(d[0].name, sizeof(d[0].name), "dom0");
	d[1].domid = 3;
	memcpy(d[1].name, "lwk\x01-1", 7);
	return d;
}

static const char *const table_head =
	"REASON             COUNT  SHARE  MEAN(cyc)   MIN(cyc)   MAX(cyc)   P50(cyc)   P99(cyc)   MEAN(us)    MIN(us)    MAX(us)\n";

static void test_profile_text(void **state)
{
	struct xl_profile *p = sample_profile((1u << EXIT_REASON_COUNT) - 1);
	struct xl_prof_view v = { .doms = sample_domains(), .nr_doms = 2 };
	struct capture c;
	char want[2048];

	cap_open(&c);
	xl_print_profile(c.f, p, &v);
	snprintf(want, sizeof(want),
		 "exit-profiler: 3 domain(s), TSC 2000.000 MHz, reasons profiled: all\n"
		 "\n"
		 "domain 0 (dom0): 24001 exits\n"
		 "%s"
		 "io                 20000  83.3%%       1980       1000       2960       1969       2941       0.99       0.50       1.48\n"
		 "hypercall           4000  16.7%%      10999       9000      12999      10999      12959       5.50       4.50       6.50\n"
		 "npf                    1   0.0%%     180342     180342     180342     180342     180342      90.17      90.17      90.17\n"
		 "\n"
		 "domain 3 (lwk?-1): 1 exits\n"
		 "%s"
		 "hlt                    1 100.0%%       5000       5000       5000       5000       5000       2.50       2.50       2.50\n"
		 "\n"
		 "domain 4: no exits since the counts were reset\n",
		 table_head, table_head);
	assert_string_equal(cap_text(&c), want);
	cap_free(&c);

	/* one domain; one with no exits at all */
	v.one = true;
	v.id = 3;
	cap_open(&c);
	xl_print_profile(c.f, p, &v);
	assert_non_null(strstr(cap_text(&c), "domain 3 (lwk?-1): 1 exits\n"));
	assert_null(strstr(cap_text(&c), "domain 0"));
	cap_free(&c);
	v.id = 5;
	cap_open(&c);
	xl_print_profile(c.f, p, &v);
	assert_non_null(strstr(cap_text(&c), "\ndomain 5: no exits profiled (none of the reasons profiled since "
					     "the module was loaded)\n"));
	cap_free(&c);
	free(p);

	/* some reasons, no TSC, exits not counted, no names */
	p = sample_profile((1u << EXIT_HYPERCALL) | (1u << EXIT_IO));
	p->tsc_khz = 0;
	p->dropped = 7;
	v = (struct xl_prof_view){ .doms = NULL };
	cap_open(&c);
	xl_print_profile(c.f, p, &v);
	assert_true(!strncmp(cap_text(&c), "exit-profiler: 3 domain(s), TSC unknown, reasons profiled: hypercall,io\n"
					   "not counted: 7 exits of domains past the 64 tracked at once\n\n"
					   "domain 0: 24001 exits\n", 150));
	assert_non_null(strstr(cap_text(&c), "       2941          -          -          -\n"));
	cap_free(&c);
	free(p);
}

static void test_profile_json(void **state)
{
	struct xl_profile *p = sample_profile((1u << EXIT_HYPERCALL) | (1u << EXIT_NPF));
	struct xl_prof_view v = { .doms = sample_domains(), .nr_doms = 2, .json = true };
	struct capture c;

	cap_open(&c);
	xl_print_profile(c.f, p, &v);
	assert_json_line(cap_text(&c));
	assert_true(!strncmp(cap_text(&c), "{\"tsc_khz\":2000000,\"buckets\":24,\"reasons_profiled\":[\"hypercall\","
					   "\"npf\"],\"dropped\":0,\"domains\":[{\"id\":0,\"name\":\"dom0\",\"exits\":24001,"
					   "\"reasons\":[{\"reason\":\"io\",\"reason_id\":4,\"count\":20000,\"share\":0.8333,", 188));
	assert_non_null(strstr(cap_text(&c), "\"total_cycles\":39600000,\"mean_cycles\":1980,\"min_cycles\":1000,"
					     "\"max_cycles\":2960,\"p50_cycles\":1969,\"p99_cycles\":2941,\"mean_us\":0.990,"
					     "\"min_us\":0.500,\"max_us\":1.480,\"p50_us\":0.985,\"p99_us\":1.470,"
					     "\"histogram\":[0,0,0,0,0,0,0,0,0,400,10400,9200,0,0,0,0,0,0,0,0,0,0,0,0]}"));
	assert_non_null(strstr(cap_text(&c), "{\"id\":3,\"name\":\"lwk\\u0001-1\",\"exits\":1,"));
	assert_non_null(strstr(cap_text(&c), "{\"id\":4,\"name\":null,\"exits\":0,\"reasons\":[]}]}\n"));
	cap_free(&c);

	/* one domain, and microseconds unknown */
	v.one = true;
	v.id = 3;
	p->tsc_khz = 0;
	cap_open(&c);
	xl_print_profile(c.f, p, &v);
	assert_json_line(cap_text(&c));
	assert_non_null(strstr(cap_text(&c), "\"domains\":[{\"id\":3,"));
	assert_non_null(strstr(cap_text(&c), "\"mean_us\":null,\"min_us\":null"));
	assert_null(strstr(cap_text(&c), "\"id\":0"));
	cap_free(&c);
	v.id = 5;
	cap_open(&c);
	xl_print_profile(c.f, p, &v);
	assert_json_line(cap_text(&c));
	assert_non_null(strstr(cap_text(&c), "\"domains\":[]}\n"));
	cap_free(&c);
	free(p);
}

/* profile -f: two reads taken apart; a domain that is new or went back counts from zero */
static void test_profile_delta_rates(void **state)
{
	struct xl_profile *before = sample_profile((1u << EXIT_REASON_COUNT) - 1);
	struct xl_profile *now = sample_profile((1u << EXIT_REASON_COUNT) - 1);
	struct xl_profile *d = calloc(1, sizeof(*d));
	struct xl_prof_view v = { .doms = sample_domains(), .nr_doms = 2 };
	struct xl_prof_dom *dom0 = &now->dom[0];
	struct capture c;

	/* dom0: 2000 more io exits of 3000 cycles each, in bucket 11 */
	dom0->reason[EXIT_IO].count += 2000;
	dom0->reason[EXIT_IO].total_cycles += 2000 * 3000ull;
	dom0->reason[EXIT_IO].hist[11] += 2000;
	dom0->exits += 2000;
	/* domain 3: reset meanwhile (fewer than before): counted from zero */
	before->dom[1].reason[EXIT_HLT].count = 50;
	before->dom[1].exits = 50;
	xl_prof_delta(now, before, d);
	assert_int_equal(d->dom[0].exits, 2000);
	assert_int_equal(d->dom[0].reason[EXIT_IO].count, 2000);
	assert_int_equal(xl_prof_mean(&d->dom[0].reason[EXIT_IO]), 3000);
	assert_int_equal(d->dom[0].reason[EXIT_HYPERCALL].count, 0);
	assert_int_equal(d->dom[0].reason[EXIT_IO].hist[11], 2000);
	assert_int_equal(d->dom[0].reason[EXIT_IO].hist[10], 0);
	assert_int_equal(d->dom[1].exits, 1);
	assert_int_equal(d->dom[1].reason[EXIT_HLT].count, 1);

	cap_open(&c);
	xl_print_profile_rates(c.f, d, 2.0, &v);
	assert_non_null(strstr(cap_text(&c), "exit-profiler: the last 2.00 s\ndomain 0 (dom0): 1000 exits/s\n"));
	assert_non_null(strstr(cap_text(&c), "\nio                  1000 100.0%       3000"));
	assert_null(strstr(cap_text(&c), "hypercall")); /* nothing in the interval */
	assert_null(strstr(cap_text(&c), "domain 4")); /* no exits: left out of the top */
	cap_free(&c);
	v.json = true;
	v.one = true;
	v.id = 0;
	cap_open(&c);
	xl_print_profile_rates(c.f, d, 2.0, &v);
	assert_json_line(cap_text(&c));
	{
		static const char want[] = "{\"seconds\":2.000,\"domains\":[{\"id\":0,\"name\":\"dom0\","
					   "\"exits_per_s\":1000.0,\"reasons\":[{\"reason\":\"io\",\"per_s\":1000.0,"
					   "\"mean_cycles\":3000,";

		assert_true(!strncmp(cap_text(&c), want, strlen(want)));
	}
	cap_free(&c);
	free(before);
	free(now);
	free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bucket),
		cmocka_unit_test(test_args),
		cmocka_unit_test(test_record),
		cmocka_unit_test(test_table_full),
		cmocka_unit_test(test_reset),
		cmocka_unit_test(test_read_answer),
		cmocka_unit_test(test_read_too_small),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_malformed_answers),
		cmocka_unit_test(test_answers_together),
		cmocka_unit_test(test_percentiles),
		cmocka_unit_test(test_profile_text),
		cmocka_unit_test(test_profile_json),
		cmocka_unit_test(test_profile_delta_rates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
