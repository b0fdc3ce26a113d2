/*
 * hypercall_fuzz: 20000 VMMCALLs with random numbers and arguments from a
 * fixed-seed xorshift64 generator (the seed is printed; a run is
 * reproducible). XL_HC_SHUTDOWN (2) is never called: it would legitimately
 * end the guest.
 *
 * Numbers: 1 in 2 a defined one (XL_HC_VERSION, XL_HC_CONSOLE_IO), 7 in 16
 * uniform in [0, 64), 1 in 16 one of a few 64-bit values
 * (2^32 + small, 2^63, -1, ...), which must be treated as the full 64-bit
 * number (so 2^32 + 2 is not XL_HC_SHUTDOWN but unknown). Arguments: a mix of
 * 0, small integers, lengths around XL_CONSOLE_MAX_WRITE, pointers inside
 * guest memory, pointers around its end, values near 2^64, random 64-bit
 * values and powers of two (+-1).
 *
 * Every call must:
 *  - return >= 0 or a negative errno in [-4095, -1];
 *  - preserve every register but RAX (hypercall_regs() loads all of them
 *    with random values and compares after the call);
 *  - return exactly what the ABI says: numbers >= XL_HC_COUNT -> -ENOSYS;
 *    XL_HC_SYSCTL, XL_HC_DOMCTL -> -EPERM (the fuzzer is not dom0);
 *    XL_HC_VERSION: what 0 -> XL_ABI_VERSION, 1 -> the feature bits, other
 *    -> -EINVAL; XL_HC_MODULE: load, unload, list -> -EPERM, a module's call
 *    whose header does not fit or lies outside memory -> -EINVAL or -EFAULT,
 *    else an errno (no module is loaded); XL_HC_CONSOLE_IO: op != WRITE -> -EINVAL; a write of n > 0
 *    bytes from a buffer inside memory -> min(n, XL_CONSOLE_MAX_WRITE); from
 *    a buffer starting at or above mem_size -> -EFAULT; 0 bytes -> 0
 *    (or -EFAULT for a buffer outside memory).
 * Console writes whose buffer lies inside memory are redirected into a text
 * area of harmless lines (at most 8 of them reach the log; after that they
 * are redirected outside memory), so that no random memory is printed; a
 * text write that ends inside a line is followed by a "\n" write.
 *
 * Every 2000 calls, and at the end: XL_HC_VERSION still answers, and a
 * 64 KiB canary and the text area are unchanged (the hypervisor only ever
 * reads guest memory for these hypercalls).
 */
#include "guest.h"

#define CALLS 20000
#define CHECK_EVERY 2000
#define CANARY_SIZE (64 * 1024)
#define TEXT_SIZE (2 * XL_CONSOLE_MAX_WRITE)
#define SEED 0x5eed0f0fc0ffee01ul
#define CANARY_SEED 0x0123456789abcdeful

static struct prng rng;
static uint64_t mem_size;
static long features;
static uint64_t *canary;
static char *text;
static uint64_t text_sum;
static unsigned int text_writes_left = 8;
static unsigned long n_ok, n_enosys, n_einval, n_efault, n_other, n_text;

static uint64_t rand_arg(void)
{
	switch (prng_below(&rng, 8)) {
	case 0:
		return 0;
	case 1:
		return prng_below(&rng, 16);
	case 2:
		return prng_below(&rng, XL_CONSOLE_MAX_WRITE + 64);
	case 3:
		return prng_below(&rng, mem_size);
	case 4:
		return mem_size - 64 + prng_below(&rng, 8192);
	case 5:
		return ~0ul - prng_below(&rng, 65536);
	case 6:
		return prng_next(&rng);
	default: {
		uint64_t v = 1ul << prng_below(&rng, 64);

		return v - 1 + prng_below(&rng, 3); /* 2^k - 1, 2^k, 2^k + 1 */
	}
	}
}

static uint64_t rand_nr(void)
{
	static const uint64_t special[] = {
		1ul << 32,	  (1ul << 32) + XL_HC_VERSION, (1ul << 32) + XL_HC_CONSOLE_IO,
		(1ul << 32) + XL_HC_SHUTDOWN, 0xFFFFFFFFul, 0x80000000ul,
		1ul << 63,	  ~0ul,			~0ul - 1,
		0x100,		  0x10000,
	};

	for (;;) {
		uint64_t pick = prng_below(&rng, 16);
		uint64_t nr = pick < 8	 ? prng_below(&rng, XL_HC_COUNT)
			      : pick < 15 ? prng_below(&rng, 64)
					  : special[prng_below(&rng, G_ARRAY_SIZE(special))];

		if (nr != XL_HC_SHUTDOWN)
			return nr;
	}
}

static uint64_t fill_sum(void *p, size_t bytes, uint64_t seed, bool fill)
{
	struct prng r = { seed };
	uint64_t *w = p, bad = 0;

	for (size_t i = 0; i < bytes / 8; i++) {
		uint64_t v = prng_next(&r);

		if (fill)
			w[i] = v;
		else if (w[i] != v)
			bad++;
	}
	return bad;
}

static uint64_t sum_bytes(const char *p, size_t n)
{
	uint64_t s = 0;

	for (size_t i = 0; i < n; i++)
		s = (s << 5 | s >> 59) ^ (uint8_t)p[i];
	return s;
}

static void check_memory(unsigned long calls)
{
	uint64_t bad = fill_sum(canary, CANARY_SIZE, CANARY_SEED, false);

	if (bad)
		fail("hypercall_fuzz: %lu canary words changed after %lu calls", bad, calls);
	if (sum_bytes(text, TEXT_SIZE) != text_sum)
		fail("hypercall_fuzz: the console text area changed after %lu calls", calls);
	long v = hc_version(XL_VERSION_ABI);

	if (v != XL_ABI_VERSION)
		fail("hypercall_fuzz: XL_HC_VERSION(ABI) = %ld after %lu calls", v, calls);
}

/*
 * XL_HC_MODULE from a guest: load, unload and list are dom0's; a module's
 * own call is read from guest memory - its header must fit and lie in
 * memory - and with no module loaded ends as -EINVAL (a reserved field
 * the random memory sets) or -ENOENT.
 */
static long module_expected(uint64_t op, uint64_t buf, uint64_t size, long r, bool *any_errno)
{
	const uint64_t header = sizeof(struct xl_module_call_header);

	if (op > XL_MODULE_CALL)
		return -EINVAL;
	if (op != XL_MODULE_CALL)
		return -EPERM;
	if (size < header || size - header > XL_MODULE_MAX_CALL)
		return -EINVAL;
	if (buf + header < buf || buf + header > mem_size)
		return -EFAULT;
	*any_errno = true; /* the data past the header may leave memory too: -EFAULT then */
	return r == -EINVAL || r == -ENOENT || r == -EFAULT ? r : -ENOENT;
}

static long expected(const struct hc_regs *in, long r, bool *any_errno)
{
	uint64_t nr = in->rax, a1 = in->rdi, a2 = in->rsi, a3 = in->rdx;

	*any_errno = false;
	if (nr >= XL_HC_COUNT)
		return -ENOSYS;
	if (nr == XL_HC_SYSCTL || nr == XL_HC_DOMCTL)
		return -EPERM; /* dom0 only, refused before any argument is looked at */
	if (nr == XL_HC_VERSION)
		return a1 == XL_VERSION_ABI ? XL_ABI_VERSION : a1 == XL_VERSION_FEATURES ? features : -EINVAL;
	if (nr == XL_HC_MODULE)
		return module_expected(a1, a2, a3, r, any_errno);
	/* XL_HC_CONSOLE_IO */
	if (a1 == XL_CONSOLE_READ) {
		/* nothing is ever typed for this guest: 0, or -EFAULT for a bad buffer */
		uint64_t m = a3 < 256 ? a3 : 256;

		return a2 + m < a2 || a2 + m > mem_size ? -EFAULT : 0;
	}
	if (a1 != XL_CONSOLE_WRITE)
		return -EINVAL;
	uint64_t n = a3 < XL_CONSOLE_MAX_WRITE ? a3 : XL_CONSOLE_MAX_WRITE;

	if (a2 < mem_size && n <= mem_size - a2)
		return (long)n;
	if (a2 >= mem_size)
		return a3 == 0 && r == 0 ? 0 : -EFAULT;
	*any_errno = true; /* crossing the end of memory: not produced (redirected), not specified */
	return r;
}

static void one_call(unsigned long i)
{
	struct hc_regs in, out;
	bool any;

	in.rax = rand_nr();
	in.rdi = rand_arg();
	in.rsi = rand_arg();
	in.rdx = rand_arg();
	in.r10 = rand_arg();
	in.r8 = rand_arg();
	in.r9 = rand_arg();
	if (in.rax == XL_HC_CONSOLE_IO && prng_below(&rng, 2))
		in.rdi = XL_CONSOLE_WRITE; /* exercise the write path often */
	if (in.rax == XL_HC_CONSOLE_IO && in.rdi == XL_CONSOLE_WRITE && in.rsi < mem_size && in.rdx) {
		if (text_writes_left) {
			text_writes_left--;
			n_text++;
			in.rsi = (uint64_t)(uintptr_t)text + in.rsi % XL_CONSOLE_MAX_WRITE;
		} else {
			in.rsi = mem_size + in.rsi % 0x100000;
		}
	}
	in.rbx = prng_next(&rng);
	in.rcx = prng_next(&rng);
	in.rbp = prng_next(&rng);
	in.r11 = prng_next(&rng);
	in.r12 = prng_next(&rng);
	in.r13 = prng_next(&rng);
	in.r14 = prng_next(&rng);
	in.r15 = prng_next(&rng);
	in.rsp = 0;
	out = in;

	hypercall_regs(&out);

	long r = (long)out.rax;
	const uint64_t *a = &in.rax, *b = &out.rax;
	static const char *const names[16] = { "RAX", "RBX", "RCX", "RDX", "RSI", "RDI", "RBP", "RSP",
					       "R8",  "R9",  "R10", "R11", "R12", "R13", "R14", "R15" };

	for (int k = 1; k < 16; k++)
		if (k != 7 && a[k] != b[k])
			fail("hypercall_fuzz: call %lu (nr 0x%lx) changed %s from 0x%lx to 0x%lx", i, in.rax,
			     names[k], a[k], b[k]);
	if (r < -4095)
		fail("hypercall_fuzz: call %lu: nr 0x%lx (0x%lx, 0x%lx, 0x%lx, 0x%lx, 0x%lx, 0x%lx) returned %ld, "
		     "neither >= 0 nor an errno",
		     i, in.rax, in.rdi, in.rsi, in.rdx, in.r10, in.r8, in.r9, r);
	long want = expected(&in, r, &any);

	/* a text write cut inside a line: end the line, so that it is not glued to the next output */
	if (r > 0 && in.rax == XL_HC_CONSOLE_IO && in.rsi >= (uint64_t)(uintptr_t)text &&
	    in.rsi < (uint64_t)(uintptr_t)text + TEXT_SIZE && ((const char *)(uintptr_t)in.rsi)[r - 1] != '\n')
		console_write("\n", 1);

	if (!any && r != want)
		fail("hypercall_fuzz: call %lu: nr 0x%lx (0x%lx, 0x%lx, 0x%lx, 0x%lx, 0x%lx, 0x%lx) returned %ld, "
		     "expected %ld",
		     i, in.rax, in.rdi, in.rsi, in.rdx, in.r10, in.r8, in.r9, r, want);
	if (r >= 0)
		n_ok++;
	else if (r == -ENOSYS)
		n_enosys++;
	else if (r == -EINVAL)
		n_einval++;
	else if (r == -EFAULT)
		n_efault++;
	else
		n_other++;
}

void guest_main(const struct xl_start_info *si)
{
	mem_size = si->mem_size;
	rng.s = SEED;
	features = hc_version(XL_VERSION_FEATURES);
	CHECK(features >= 0, "XL_HC_VERSION(FEATURES) = %ld", features);

	canary = alloc_pages(CANARY_SIZE, PAGE_4K);
	fill_sum(canary, CANARY_SIZE, CANARY_SEED, true);
	text = alloc_pages(TEXT_SIZE, PAGE_4K);
	for (size_t i = 0; i < TEXT_SIZE; i += 64) {
		memset(text + i, ' ', 64);
		memcpy(text + i, "hypercall_fuzz: console text", 28);
		text[i + 63] = '\n';
	}
	text_sum = sum_bytes(text, TEXT_SIZE);

	gprintf("hypercall_fuzz: seed 0x%lx, %d calls, mem_size 0x%lx, canary at 0x%lx, text at 0x%lx\n",
		(uint64_t)SEED, CALLS, mem_size, (uint64_t)(uintptr_t)canary, (uint64_t)(uintptr_t)text);
	for (unsigned long i = 1; i <= CALLS; i++) {
		one_call(i);
		if (i % CHECK_EVERY == 0) {
			check_memory(i);
			gprintf("hypercall_fuzz: %lu calls: %lu ok, %lu ENOSYS, %lu EINVAL, %lu EFAULT, %lu other\n",
				i, n_ok, n_enosys, n_einval, n_efault, n_other);
		}
	}
	check_memory(CALLS);
	pass("hypercall_fuzz: %d calls (seed 0x%lx): %lu ok, %lu ENOSYS, %lu EINVAL, %lu EFAULT, %lu other, "
	     "%lu text writes; registers preserved, memory unchanged",
	     CALLS, (uint64_t)SEED, n_ok, n_enosys, n_einval, n_efault, n_other, n_text);
}
