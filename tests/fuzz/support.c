/* Shared by every fuzz harness: see support.h. */
#include "support.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xen-lite/log.h>

/* ---- reading the input ------------------------------------------------------ */

static uint64_t take(struct fuzz_in *in, unsigned int n)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < n; i++) {
		if (!in->len)
			break;
		v |= (uint64_t)*in->p << (8 * i);
		in->p++;
		in->len--;
	}
	return v;
}

uint8_t fuzz_u8(struct fuzz_in *in)
{
	return (uint8_t)take(in, 1);
}

uint16_t fuzz_u16(struct fuzz_in *in)
{
	return (uint16_t)take(in, 2);
}

uint32_t fuzz_u32(struct fuzz_in *in)
{
	return (uint32_t)take(in, 4);
}

uint64_t fuzz_u64(struct fuzz_in *in)
{
	return take(in, 8);
}

uint64_t fuzz_number(struct fuzz_in *in, uint64_t edge)
{
	switch (fuzz_u8(in) % 7) {
	case 0:
		return fuzz_u8(in);
	case 1:
		return fuzz_u16(in);
	case 2:
		return fuzz_u32(in);
	case 3:
		return edge - fuzz_u16(in);
	case 4:
		return edge + fuzz_u16(in);
	case 5:
		return UINT64_MAX - fuzz_u16(in);
	default:
		return fuzz_u64(in);
	}
}

size_t fuzz_bytes(struct fuzz_in *in, size_t n, const uint8_t **out)
{
	if (n > in->len)
		n = in->len;
	*out = in->p;
	in->p += n;
	in->len -= n;
	return n;
}

/* ---- checks and the hypervisor's hooks ---------------------------------------------- */

static __attribute__((noreturn)) void fail_v(const char *fmt, va_list ap)
{
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	abort();
}

void fuzz_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("fuzz: ", stderr);
	va_start(ap, fmt);
	fail_v(fmt, ap);
}

bool fuzz_verbose(void)
{
	static int verbose = -1;

	if (verbose < 0)
		verbose = getenv("FUZZ_VERBOSE") != NULL;
	return verbose;
}

void xl_log(enum log_level level, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (fuzz_verbose())
		fprintf(stderr, "log[%d]: %s", level, msg);
}

/* ASSERT() in the hypervisor: an invariant broken by the input is a bug. */
void assert_failed(const char *file, int line, const char *fmt, ...);

void assert_failed(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fuzz: ASSERT at %s:%d: ", file, line);
	va_start(ap, fmt);
	fail_v(fmt, ap);
}

/* ---- fake physical memory ----------------------------------------------------- */

static struct {
	uint64_t base;
	const uint8_t *bytes;
	size_t len;
} regions[FUZZ_MEM_REGIONS];
static unsigned int region_count;
static bool single;
static void **copies;
static size_t copy_count, copy_cap;

void fuzz_mem_release(void)
{
	for (size_t i = 0; i < copy_count; i++)
		free(copies[i]);
	copy_count = 0;
}

void fuzz_mem_reset(bool single_window)
{
	fuzz_mem_release();
	region_count = 0;
	single = single_window;
}

void fuzz_mem_add(uint64_t base, const uint8_t *bytes, size_t len)
{
	FUZZ_CHECK(region_count < FUZZ_MEM_REGIONS, "fuzz_mem_add: too many regions");
	regions[region_count].base = base;
	regions[region_count].bytes = bytes;
	regions[region_count].len = len;
	region_count++;
}

const void *fuzz_mem_map(uint64_t pa, uint64_t len, void *ctx)
{
	const uint8_t *src = NULL;
	void *copy;

	(void)ctx;
	if (single)
		fuzz_mem_release();
	for (unsigned int i = 0; i < region_count && !src; i++) {
		/* written so that no sum can wrap */
		if (pa >= regions[i].base && len <= regions[i].len &&
		    pa - regions[i].base <= regions[i].len - len)
			src = regions[i].bytes + (pa - regions[i].base);
	}
	if (!src)
		return NULL;
	copy = malloc(len ? len : 1);
	FUZZ_CHECK(copy, "out of memory mapping %llu bytes", (unsigned long long)len);
	memcpy(copy, src, len);
	if (copy_count == copy_cap) {
		copy_cap = copy_cap ? 2 * copy_cap : 64;
		copies = realloc(copies, copy_cap * sizeof(*copies));
		FUZZ_CHECK(copies, "out of memory");
	}
	copies[copy_count++] = copy;
	return copy;
}

/* the interrupt flag of tests/unit/host/arch/irqflags.h (the fuzzers share the unit tests' include path) */
bool host_irqs_on = true;
