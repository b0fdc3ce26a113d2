/*
 * membench: the application benchmark's memory figures (Documentation/performance.md),
 * each checked before it is printed.
 *
 *   membench triad MIB PASSES   a[i] = b[i] + s * c[i] over three arrays of MIB MiB each,
 *                               best of PASSES passes: "triad MB/S MB/s" (bytes moved:
 *                               two reads and one write of 8 bytes per element, as
 *                               STREAM counts them); afterwards every element is checked
 *   membench chase MIB ROUNDS   one random cycle through MIB MiB of 64-byte nodes (each
 *                               load a new cache line), followed ROUNDS times round:
 *                               "chase NS ns/load"; the cycle is checked to visit every
 *                               node exactly once
 *
 * A failed check prints "membench: failed WHAT" and exits 1; bad arguments exit 2.
 * Static, built with the host's gcc (mk/bench-app.mk), so that every peer runs the same
 * instructions.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_MIB 4096UL

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int fail(const char *what)
{
	printf("membench: failed %s\n", what);
	return 1;
}

/* ---- the triad ---- */

/* exact in binary floating point, so that the check can demand equality */
static double b_of(size_t i) { return (double)(i % 1000); }
static double c_of(size_t i) { return (double)(i % 7); }
static const double scalar = 3.0;

static int triad(size_t mib, unsigned int passes)
{
	size_t n = mib * 1024 * 1024 / sizeof(double);
	double *a = malloc(n * sizeof(double));
	double *b = malloc(n * sizeof(double));
	double *c = malloc(n * sizeof(double));
	double best = 0.0;

	if (!a || !b || !c)
		return fail("triad: out of memory");
	for (size_t i = 0; i < n; i++) {
		a[i] = -1.0;
		b[i] = b_of(i);
		c[i] = c_of(i);
	}
	for (unsigned int p = 0; p < passes; p++) {
		double t0 = now_seconds();
		for (size_t i = 0; i < n; i++)
			a[i] = b[i] + scalar * c[i];
		double t = now_seconds() - t0;
		if (t > 0 && (best == 0.0 || t < best))
			best = t;
	}
	/* every element, against values computed another way (integers, then converted) */
	for (size_t i = 0; i < n; i++) {
		if (a[i] != (double)(i % 1000 + 3 * (i % 7)))
			return fail("triad: an element is wrong");
	}
	if (best == 0.0)
		return fail("triad: the clock did not advance");
	printf("triad %.1f MB/s\n", 3.0 * sizeof(double) * (double)n / best / 1e6);
	free(a);
	free(b);
	free(c);
	return 0;
}

/* ---- the pointer chase ---- */

struct node {
	struct node *next;
	uint64_t visits;
	char pad[48]; /* one node per 64-byte line */
};

_Static_assert(sizeof(struct node) == 64, "a node is one cache line");

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

/* xorshift64*: any fixed-seed generator will do; the order only has to look random */
static uint64_t rng_next(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static int chase(size_t mib, unsigned int rounds)
{
	size_t n = mib * 1024 * 1024 / sizeof(struct node);
	struct node *nodes = malloc(n * sizeof(struct node));
	size_t *order = malloc(n * sizeof(size_t));
	struct node *p;

	if (!nodes || !order)
		return fail("chase: out of memory");
	if (n < 2)
		return fail("chase: fewer than two nodes");
	/* Sattolo's shuffle gives a permutation that is a single cycle */
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	for (size_t i = n - 1; i > 0; i--) {
		size_t j = (size_t)(rng_next() % i);
		size_t t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	memset(nodes, 0, n * sizeof(struct node));
	for (size_t i = 0; i < n; i++)
		nodes[i].next = &nodes[order[i]];
	free(order);

	p = &nodes[0];
	double t0 = now_seconds();
	for (unsigned int r = 0; r < rounds; r++)
		for (size_t i = 0; i < n; i++)
			p = p->next;
	double t = now_seconds() - t0;

	/* after rounds x n steps the walk is back at its start only if its cycle's length divides that */
	if (p != &nodes[0])
		return fail("chase: the walk did not come back to its start");
	/* once round, counting visits: each node exactly once, back at the start after n */
	p = &nodes[0];
	for (size_t i = 0; i < n; i++) {
		p->visits++;
		p = p->next;
	}
	if (p != &nodes[0])
		return fail("chase: the cycle is not n nodes long");
	for (size_t i = 0; i < n; i++) {
		if (nodes[i].visits != 1)
			return fail("chase: a node was not visited exactly once");
	}
	if (t <= 0)
		return fail("chase: the clock did not advance");
	printf("chase %.2f ns/load\n", t * 1e9 / ((double)n * rounds));
	free(nodes);
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: membench triad MIB PASSES | membench chase MIB ROUNDS\n");
	return 2;
}

/* parse_count: a decimal in [1, max], or 0 */
static unsigned long parse_count(const char *s, unsigned long max)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v == 0 || v > max)
		return 0;
	return v;
}

int main(int argc, char **argv)
{
	unsigned long mib, count;

	if (argc != 4)
		return usage();
	mib = parse_count(argv[2], MAX_MIB);
	count = parse_count(argv[3], 1000);
	if (!mib || !count)
		return usage();
	if (strcmp(argv[1], "triad") == 0)
		return triad(mib, (unsigned int)count);
	if (strcmp(argv[1], "chase") == 0)
		return chase(mib, (unsigned int)count);
	return usage();
}
