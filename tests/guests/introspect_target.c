/*
 * introspect_target: the guest dom0 looks into with the introspection
 * module (xl_test=introspect, tests/qemu/t-dom0-tools.sh
 * test_dom0_introspection); it never helps, it only says what dom0 should
 * find:
 *   - a 16-byte pattern at a guest-physical address (in its image, where
 *     virtual == physical), and another at a guest-virtual address of a
 *     mapping of its own (a 2 MiB page at 1 GiB over memory it took, so
 *     virtual != physical there), straddling a 4 KiB boundary; it prints
 *     both, with the addresses;
 *   - the address range of the function it spins in (introspect_spin, in
 *     assembly between two labels: any exit it takes while spinning has
 *     its RIP in there), which it prints.
 * Before spinning it asks the module, as any guest may, for what it holds
 * no grant for - the memory of the bystander (bystander=ID on its command
 * line), its own registers, dom0's memory, a watch, the status - and each
 * must be refused with -EPERM. While spinning it asks again for 16 bytes
 * of the bystander's memory after every 2^22 rounds, and says when the
 * answer changes: 16 (bytes read) once dom0 grants it the bystander, -1
 * (-EPERM) again once dom0 revokes it.
 */
#include "guest.h"

#include "../../modules/introspection/introspection_abi.h"

#define EPERM 1
#define ENOENT 2

#define VIRT_BASE 0x40000000ul /* 1 GiB: beyond the loader's identity map of this small guest */
#define VIRT_OFFSET 0xff8 /* the virtual pattern straddles the 4 KiB boundary at VIRT_BASE + 0x1000 */
#define SPIN_ROUNDS (1ull << 22)
#define BYSTANDER_GPA 0x100000 /* where every test guest's image starts */

#define STR_(x) #x
#define STR(x) STR_(x)

/*
 * long introspect_spin(uint64_t rounds, void *buf, uint64_t size): rounds
 * turns of an empty loop, then one XL_HC_MODULE(XL_MODULE_CALL, buf, size,
 * arg 0); returns its result. Nothing else runs between the two labels.
 */
long introspect_spin(uint64_t rounds, void *buf, uint64_t size);
extern const char introspect_spin_end[];

__asm__(".text\n"
	".globl introspect_spin\n"
	".type introspect_spin, @function\n"
	"introspect_spin:\n"
	"1:	dec %rdi\n"
	"	jnz 1b\n"
	"	mov $" STR(XL_HC_MODULE) ", %eax\n"
	"	mov $" STR(XL_MODULE_CALL) ", %edi\n" /* buf and size are in RSI and RDX already */
	"	xor %r10d, %r10d\n"
	"	xor %r8d, %r8d\n"
	"	xor %r9d, %r9d\n"
	"	vmmcall\n"
	"	ret\n"
	".globl introspect_spin_end\n"
	"introspect_spin_end:\n"
	".size introspect_spin, . - introspect_spin\n");

static const char phys_text[16] = { 'X', 'L', '-', 'i', 'n', 't', 'r', 'o',
				    '-', 'p', 'h', 'y', 's', '-', '0', '1' };
static const char virt_text[16] = { 'X', 'L', '-', 'i', 'n', 't', 'r', 'o',
				    '-', 'v', 'i', 'r', 't', '-', '0', '2' };

static volatile uint8_t phys_pattern[16] __attribute__((aligned(16)));

/* An XL_MODULE_CALL: the call header, the request, room for a small answer. */
static struct {
	struct xl_module_call_header h;
	struct xl_intro_request r;
	uint8_t answer[64];
} call __attribute__((aligned(64)));

/* Set up a call of op on domain (READ_PHYS: 16 bytes at BYSTANDER_GPA). */
static void prepare(uint32_t op, uint32_t domain)
{
	static const char name[] = XL_INTRO_MODULE;

	memset(&call, 0, sizeof(call));
	memcpy(call.h.name, name, sizeof(name));
	call.h.op = op;
	call.r.version = XL_INTRO_FORMAT_VERSION;
	call.r.domain = op == XL_INTRO_OP_STATUS ? 0 : domain;
	if (op == XL_INTRO_OP_READ_PHYS) {
		call.r.addr = BYSTANDER_GPA;
		call.r.len = 16;
	}
}

static long ask(uint32_t op, uint32_t domain)
{
	prepare(op, domain);
	return xl_hypercall6(XL_HC_MODULE, XL_MODULE_CALL, (uint64_t)(uintptr_t)&call, sizeof(call), 0, 0, 0);
}

/* "584c2d..." : 16 bytes as 32 hex digits */
static const char *hex16(const volatile uint8_t *p, char out[33])
{
	static const char digits[] = "0123456789abcdef";

	for (unsigned int i = 0; i < 16; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[32] = '\0';
	return out;
}

/* Everything a domain without a grant asks for is refused, and says nothing more. */
static void expect_refusals(uint32_t self, uint32_t bystander)
{
	static const struct {
		uint32_t op;
		int whom; /* 0 the bystander, 1 itself, 2 dom0 */
		const char *what;
	} asks[] = {
		{ XL_INTRO_OP_READ_PHYS, 0, "the bystander's memory" },
		{ XL_INTRO_OP_REGS, 0, "the bystander's registers" },
		{ XL_INTRO_OP_EXITS, 0, "the bystander's exits" },
		{ XL_INTRO_OP_REGS, 1, "its own registers" },
		{ XL_INTRO_OP_READ_PHYS, 2, "dom0's memory" },
		{ XL_INTRO_OP_WATCH, 0, "a watch" },
		{ XL_INTRO_OP_GRANT, 0, "a grant" },
		{ XL_INTRO_OP_STATUS, 0, "the status" },
	};

	for (unsigned int i = 0; i < sizeof(asks) / sizeof(asks[0]); i++) {
		uint32_t whom = asks[i].whom == 0 ? bystander : asks[i].whom == 1 ? self : 0;
		long r = ask(asks[i].op, whom);

		if (r == -ENOENT)
			fail("introspect-target: the introspection module is not loaded (%ld)", r);
		CHECK(r == -EPERM, "introspect-target: %s without a grant: %ld, not -EPERM", asks[i].what, r);
	}
}

/* The virtual pattern: a 2 MiB page of its own memory mapped at VIRT_BASE. Returns its physical address. */
static uint64_t write_virtual_pattern(void)
{
	uint8_t *region = alloc_pages(PAGE_2M, PAGE_2M);
	volatile uint8_t *virt = (volatile uint8_t *)(uintptr_t)(VIRT_BASE + VIRT_OFFSET);

	map_2m(VIRT_BASE, (uint64_t)(uintptr_t)region);
	for (unsigned int i = 0; i < 16; i++)
		virt[i] = (uint8_t)virt_text[i];
	/* the same bytes through the identity map: the mapping is what dom0 will walk */
	for (unsigned int i = 0; i < 16; i++)
		CHECK(((volatile uint8_t *)region)[VIRT_OFFSET + i] == (uint8_t)virt_text[i],
		      "introspect-target: the mapping at 0x%lx does not reach 0x%lx", VIRT_BASE,
		      (uint64_t)(uintptr_t)region);
	return (uint64_t)(uintptr_t)region + VIRT_OFFSET;
}

static void spin_and_ask(uint32_t bystander)
{
	long last = -EPERM, answer;
	char hex[33];

	prepare(XL_INTRO_OP_READ_PHYS, bystander);
	for (;;) {
		answer = introspect_spin(SPIN_ROUNDS, &call, sizeof(call));
		if (answer == last)
			continue;
		if (answer == 16)
			gprintf("introspect-target: reading d%u's memory answers 16: %s\n", bystander,
				hex16(call.answer, hex));
		else
			gprintf("introspect-target: reading d%u's memory answers %ld\n", bystander, answer);
		last = answer;
		prepare(XL_INTRO_OP_READ_PHYS, bystander);
	}
}

void guest_main(const struct xl_start_info *si)
{
	char value[16], hex[33];
	uint32_t bystander = 0;
	uint64_t virt_phys;

	CHECK(cmdline_get("bystander", value, sizeof(value)), "introspect-target: no bystander= on the command line");
	for (const char *p = value; *p >= '0' && *p <= '9'; p++)
		bystander = bystander * 10 + (uint32_t)(*p - '0');
	gprintf("introspect-target: domain %u, bystander d%u\n", si->domain_id, bystander);
	expect_refusals(si->domain_id, bystander);
	gprintf("introspect-target: refused without a grant (-EPERM): the bystander's memory, registers and "
		"exits, its own registers, dom0's memory, a watch, a grant, the status\n");
	for (unsigned int i = 0; i < 16; i++)
		phys_pattern[i] = (uint8_t)phys_text[i];
	virt_phys = write_virtual_pattern();
	gprintf("introspect-target: physical pattern at 0x%lx: %s\n", (uint64_t)(uintptr_t)phys_pattern,
		hex16(phys_pattern, hex));
	gprintf("introspect-target: virtual pattern at 0x%lx (physical 0x%lx): %s\n", VIRT_BASE + VIRT_OFFSET,
		virt_phys, hex16((const volatile uint8_t *)(uintptr_t)(VIRT_BASE + VIRT_OFFSET), hex));
	gprintf("introspect-target: spinning in introspect_spin 0x%lx-0x%lx\n",
		(uint64_t)(uintptr_t)introspect_spin, (uint64_t)(uintptr_t)introspect_spin_end);
	console_flush();
	spin_and_ask(bystander);
}
