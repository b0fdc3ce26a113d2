/*
 * hypercall_fuzz: 20000 VMMCALLs with random numbers and arguments from a
 * fixed-seed xorshift64 generator (the seed is printed; a run is
 * reproducible). XL_HC_SHUTDOWN (2) is never called: it would legitimately
 * end the guest.
 *
 * Numbers: 1 in 2 a defined one (below XL_HC_COUNT), 7 in 16
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
 *    (or -EFAULT for a buffer outside memory);
 *    XL_HC_SHM (ABI 0.8): arg != 0 -> -EINVAL; QUERY -> 0 (nothing is
 *    attached to this guest, so nothing is written); other ops > QUERY ->
 *    -EINVAL; CREATE, DESTROY, ATTACH, DETACH, LIST -> -EPERM;
 *    XL_HC_EVENT (ABI 0.8), against a model of the guest's own ports (it
 *    only offers, and no guest of its group accepts or offers anything):
 *    unknown op, or an id, port, vCPU or vector >= 2^32 (all but PAGE and
 *    STATUS) -> -EINVAL; PAGE -> 0 for 0 or a 4 KiB-aligned page inside
 *    memory, else -EFAULT; OFFER to itself -> -EINVAL, else -ENOENT (no
 *    such domain: the guest cannot know which ids exist) or the lowest free
 *    port, -ENOSPC when there is none; ACCEPT -> -EINVAL from itself, else
 *    -EPERM or -ENOENT;
 *    CONNECT -> -EPERM; BIND -> -EINVAL for a port >= 64, a vCPU but 0 or a
 *    vector 1-31 or > 255, -ENOENT for a free port, else 0; SEND -> -EINVAL,
 *    -ENOENT (free) or -ENOTCONN (offered); CLOSE -> -EINVAL, -ENOENT or 0;
 *    STATUS -> -EINVAL for a port >= 64, -EFAULT for a buffer not inside
 *    memory, else 0 with the port's state, binding and zero counts.
 * Half of the XL_HC_EVENT calls take a small op, port and vCPU, and offer to
 * domain ids 0-15 (those that exist at the moment take them). An event page or STATUS buffer inside memory is redirected to a page
 * of its own (the hypervisor writes those), outside the canary and text.
 * Console writes whose buffer lies inside memory are redirected into a text
 * area of harmless lines (at most 8 of them reach the log; after that they
 * are redirected outside memory), so that no random memory is printed; a
 * text write that ends inside a line is followed by a "\n" write.
 *
 * Every 2000 calls, and at the end: XL_HC_VERSION still answers, and a
 * 64 KiB canary and the text area are unchanged (the hypervisor only reads
 * guest memory for these hypercalls, but for the redirected EVENT pages).
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
static uint32_t my_id;
static uint8_t *event_page, *status_area; /* where EVENT's PAGE and STATUS go inside memory */
/* the model of the guest's ports: XL_EVENT_FREE or XL_EVENT_OFFERED, and the vector bound */
static uint8_t port_state[XL_EVENT_MAX_PORTS], port_vector[XL_EVENT_MAX_PORTS];
static unsigned long n_offered, n_status;

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
		(1ul << 32) + XL_HC_SHUTDOWN, (1ul << 32) + XL_HC_EVENT, (1ul << 32) + XL_HC_SHM,
		0xFFFFFFFFul, 0x80000000ul,
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

/* XL_HC_SHM from a guest: QUERY only, and nothing is attached to it. */
static long shm_expected(uint64_t op, uint64_t arg)
{
	if (arg)
		return -EINVAL; /* for later use */
	if (op == XL_SHM_QUERY)
		return 0;
	return op > XL_SHM_QUERY ? -EINVAL : -EPERM;
}

static int lowest_free_port(void)
{
	for (int p = 0; p < XL_EVENT_MAX_PORTS; p++)
		if (port_state[p] == XL_EVENT_FREE)
			return p;
	return -ENOSPC;
}

/* The status STATUS wrote must be the model's port. */
static void check_status(unsigned long i, uint64_t port, uint64_t gpa)
{
	struct xl_event_status st;

	if (gpa < (uint64_t)(uintptr_t)status_area || gpa >= (uint64_t)(uintptr_t)status_area + PAGE_4K)
		return; /* not redirected: the buffer lay across the end of memory */
	memcpy(&st, (const void *)(uintptr_t)gpa, sizeof(st)); /* at any alignment the call was given */
	n_status++;
	if (st.state != port_state[port] || st.vector != port_vector[port] || st.sent || st.received ||
	    st.raised || (st.state == XL_EVENT_FREE && st.remote_domid))
		fail("hypercall_fuzz: call %lu: STATUS of port %lu: state %u vector %u sent %lu received %lu "
		     "raised %lu, expected state %u vector %u and no notifications",
		     i, port, st.state, st.vector, st.sent, st.received, st.raised, port_state[port],
		     port_vector[port]);
}

/*
 * XL_HC_EVENT from a guest, against the model of its ports. *any_errno: one
 * of a few answers is right (the model cannot know which domain ids exist).
 */
static long event_expected(uint64_t op, uint64_t a, uint64_t b, uint64_t c, long r, bool *any_errno)
{
	bool wide = a > 0xFFFFFFFFul || b > 0xFFFFFFFFul || c > 0xFFFFFFFFul;

	if (op > XL_EVENT_STATUS || (op != XL_EVENT_PAGE && op != XL_EVENT_STATUS && wide))
		return -EINVAL;
	switch (op) {
	case XL_EVENT_PAGE:
		return !a ? 0 : a % PAGE_4K || a >= mem_size || mem_size - a < PAGE_4K ? -EFAULT : 0;
	case XL_EVENT_OFFER:
		if (a == my_id)
			return -EINVAL;
		if (r == -ENOENT) /* no such domain (now): checked before the ports */
			return r;
		return lowest_free_port();
	case XL_EVENT_ACCEPT:
		if (a == my_id)
			return -EINVAL;
		*any_errno = true;
		return r == -ENOENT || r == -EPERM ? r : -EPERM; /* nobody offered it anything */
	case XL_EVENT_CONNECT:
		return -EPERM;
	case XL_EVENT_BIND:
		if (a >= XL_EVENT_MAX_PORTS || b >= 1 || c > 255 || (c && c < XL_EVENT_FIRST_VECTOR))
			return -EINVAL; /* an ELF guest has one vCPU */
		return port_state[a] == XL_EVENT_FREE ? -ENOENT : 0;
	case XL_EVENT_SEND:
		if (a >= XL_EVENT_MAX_PORTS)
			return -EINVAL;
		return port_state[a] == XL_EVENT_FREE ? -ENOENT : -ENOTCONN;
	case XL_EVENT_CLOSE:
		if (a >= XL_EVENT_MAX_PORTS)
			return -EINVAL;
		return port_state[a] == XL_EVENT_FREE ? -ENOENT : 0;
	default: /* XL_EVENT_STATUS */
		if (a >= XL_EVENT_MAX_PORTS)
			return -EINVAL;
		return b + sizeof(struct xl_event_status) < b || b + sizeof(struct xl_event_status) > mem_size
			       ? -EFAULT
			       : 0;
	}
}

/* What a successful EVENT call changed in the guest's ports. */
static void event_done(unsigned long i, const struct hc_regs *in, long r)
{
	uint64_t op = in->rdi, a = in->rsi;

	if (r < 0)
		return;
	if (op == XL_EVENT_OFFER) {
		port_state[r] = XL_EVENT_OFFERED;
		port_vector[r] = 0;
		n_offered++;
	} else if (op == XL_EVENT_BIND) {
		port_vector[a] = (uint8_t)in->r10;
	} else if (op == XL_EVENT_CLOSE) {
		port_state[a] = XL_EVENT_FREE;
		port_vector[a] = 0;
	} else if (op == XL_EVENT_STATUS) {
		check_status(i, a, in->rdx);
	}
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
	if (nr == XL_HC_SHM)
		return shm_expected(a1, in->r10);
	if (nr == XL_HC_EVENT)
		return event_expected(a1, a2, a3, in->r10, r, any_errno);
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
	if (in.rax == XL_HC_EVENT && prng_below(&rng, 2)) {
		/* ops and ports that exist, offers to the first ids, vCPU 0: past the range checks */
		in.rdi = prng_below(&rng, XL_EVENT_STATUS + 2);
		in.rsi = prng_below(&rng, in.rdi == XL_EVENT_OFFER ? 16 : XL_EVENT_MAX_PORTS + 4);
		in.rdx = in.rdi == XL_EVENT_STATUS ? in.rdx : prng_below(&rng, 2);
		in.r10 = prng_below(&rng, 4) ? prng_below(&rng, 256) : in.r10;
	}
	/* the pages the hypervisor writes: inside memory, only at pages of their own */
	if (in.rax == XL_HC_EVENT && in.rdi == XL_EVENT_PAGE && in.rsi && in.rsi % PAGE_4K == 0 &&
	    in.rsi < mem_size)
		in.rsi = (uint64_t)(uintptr_t)event_page;
	if (in.rax == XL_HC_EVENT && in.rdi == XL_EVENT_STATUS && in.rdx < mem_size &&
	    mem_size - in.rdx >= sizeof(struct xl_event_status))
		in.rdx = (uint64_t)(uintptr_t)status_area + in.rdx % (PAGE_4K - sizeof(struct xl_event_status));
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
	if (in.rax == XL_HC_EVENT)
		event_done(i, &in, r);
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
	my_id = si->domain_id;
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
	event_page = alloc_pages(PAGE_4K, PAGE_4K);
	status_area = alloc_pages(PAGE_4K, PAGE_4K);

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
	     "%lu text writes, %lu event ports offered, %lu statuses checked; registers preserved, memory "
	     "unchanged",
	     CALLS, (uint64_t)SEED, n_ok, n_enosys, n_einval, n_efault, n_other, n_text, n_offered, n_status);
}
