/*
 * What every libFuzzer harness in tests/fuzz/ shares (tests/fuzz/support.c):
 * a reader that takes typed values from the fuzz input, the hypervisor's
 * log and assertion hooks, and fake physical memory for the parsers that
 * read through a phys_map_fn.
 *
 * A harness is tests/fuzz/fuzz_NAME.c with LLVMFuzzerTestOneInput(), linked
 * with this file and the sources listed in fuzz_NAME.deps. Anything that
 * goes wrong is a crash: a sanitizer report, a failed ASSERT(), or a
 * fuzz_fail() where the harness checks a parser's documented promise.
 */
#ifndef TESTS_FUZZ_SUPPORT_H
#define TESTS_FUZZ_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- reading the input ------------------------------------------------------ */

/* Values are taken from the front; past the end every value is 0. */
struct fuzz_in {
	const uint8_t *p;
	size_t len;
};

uint8_t fuzz_u8(struct fuzz_in *in);
uint16_t fuzz_u16(struct fuzz_in *in);
uint32_t fuzz_u32(struct fuzz_in *in);
uint64_t fuzz_u64(struct fuzz_in *in);
/*
 * A 64-bit number as a hostile caller picks it: a selector byte says small,
 * 32-bit, near `edge` (a limit the harness knows, e.g. the end of memory),
 * near the top of the address space, or all 64 bits.
 */
uint64_t fuzz_number(struct fuzz_in *in, uint64_t edge);
/* Take up to n bytes; returns how many were there (*out points at them). */
size_t fuzz_bytes(struct fuzz_in *in, size_t n, const uint8_t **out);

/* ---- checks ------------------------------------------------------------------- */

/* A broken promise: print why and abort, which libFuzzer reports as a crash. */
__attribute__((noreturn, format(printf, 1, 2))) void fuzz_fail(const char *fmt, ...);
#define FUZZ_CHECK(cond, ...)                 \
	do {                                  \
		if (!(cond))                  \
			fuzz_fail(__VA_ARGS__); \
	} while (0)

/*
 * FUZZ_VERBOSE is set: harnesses may say more about what they do (to stderr).
 * xl_log() formats every message (so a bad argument is caught like any other
 * read) and prints it only then.
 */
bool fuzz_verbose(void);

/* ---- fake physical memory ----------------------------------------------------- */

/*
 * Up to FUZZ_MEM_REGIONS stretches of bytes at physical addresses. The map
 * callback hands out a fresh heap copy of exactly the range asked for, so
 * AddressSanitizer reports any read past what a parser mapped. With
 * single_window set, each call frees the copy the previous call returned:
 * a parser that promises to use no pointer after its next map call (the
 * ACPI code, for a mapper with one temporary window) is held to it.
 */
#define FUZZ_MEM_REGIONS 4

void fuzz_mem_reset(bool single_window);
void fuzz_mem_add(uint64_t base, const uint8_t *bytes, size_t len);
const void *fuzz_mem_map(uint64_t pa, uint64_t len, void *ctx);
/* Free every copy handed out since the last reset. */
void fuzz_mem_release(void);

#endif
