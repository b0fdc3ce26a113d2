/*
 * hello: the boot state of an ELF guest and the three hypercalls' basic
 * contract (hypercalls/xen-lite-abi.h).
 *
 *  - entry state as crt0 found it: RSP 0, IF clear, CS 0x08, paging on in
 *    long mode, CR3, GDTR and the start info inside the top
 *    XL_START_AREA_SIZE bytes, the GDT's 0x08/0x10 descriptors, and page
 *    tables identity-mapping [0, mem_size) with 2 MiB pages (every whole
 *    2 MiB; the default 2M guest has exactly one);
 *  - start info: magic, version, mem_size, vcpu_id, tsc_khz, cmdline
 *    (NUL-terminated, holds name=hello), domain_id == CPUID 0x40000001.ECX;
 *  - XL_HC_VERSION: ABI version, feature bits (== CPUID 0x40000001.EBX, with
 *    CONSOLE and SHUTDOWN), unknown `what` -> -EINVAL;
 *  - XL_HC_CONSOLE_IO: a write returns its length, 0 bytes -> 0, a buffer
 *    outside guest memory -> -EFAULT, more than XL_CONSOLE_MAX_WRITE bytes
 *    -> XL_CONSOLE_MAX_WRITE, unknown op (2) -> -EINVAL; XL_CONSOLE_READ with
 *    nothing typed -> 0;
 *  - unknown hypercall numbers (XL_HC_COUNT, 99) -> -ENOSYS.
 */
#include "guest.h"

#define PTE_P (1ul << 0)
#define PTE_RW (1ul << 1)
#define PTE_PS (1ul << 7)
#define PTE_ADDR 0x000FFFFFFFFFF000ul

static unsigned int checks;

#define EXPECT(cond, ...)                \
	do {                             \
		checks++;                \
		CHECK(cond, __VA_ARGS__); \
	} while (0)

static bool in_start_area(const struct xl_start_info *si, uint64_t a, uint64_t size)
{
	uint64_t lo = si->mem_size - XL_START_AREA_SIZE;

	return a >= lo && a + size <= si->mem_size && a + size > a;
}

static void check_start_info(const struct xl_start_info *si)
{
	const char *orig = (const char *)(uintptr_t)boot_state.rdi + offsetof(struct xl_start_info, cmdline);
	char name[64];
	size_t n;

	gprintf("hello: domain %u vcpu %u, mem_size 0x%lx, tsc %lu kHz, cmdline '%s'\n", si->domain_id,
		si->vcpu_id, si->mem_size, si->tsc_khz, si->cmdline);
	EXPECT(si->magic == XL_START_INFO_MAGIC, "start info magic 0x%x", si->magic);
	EXPECT(si->version == XL_ABI_VERSION, "start info version 0x%x, expected 0x%x", si->version,
	       XL_ABI_VERSION);
	EXPECT(si->mem_size >= PAGE_2M && si->mem_size % PAGE_4K == 0,
	       "mem_size 0x%lx is below 2 MiB or not a multiple of 4 KiB", si->mem_size);
	EXPECT(si->mem_size >= (uint64_t)(uintptr_t)__image_end + XL_START_AREA_SIZE,
	       "mem_size 0x%lx does not hold the image (end 0x%lx) and the start area", si->mem_size,
	       (uint64_t)(uintptr_t)__image_end);
	EXPECT(si->vcpu_id == 0, "vcpu_id %u, expected 0", si->vcpu_id);
	EXPECT(si->tsc_khz >= 10000 && si->tsc_khz <= 20000000, "implausible tsc_khz %lu", si->tsc_khz);
	for (n = 0; n < sizeof(si->cmdline) && orig[n]; n++)
		;
	EXPECT(n < sizeof(si->cmdline), "cmdline is not NUL-terminated");
	EXPECT(cmdline_get("name", name, sizeof(name)) && !strcmp(name, "hello"),
	       "cmdline '%s' has no name=hello", si->cmdline);

	struct cpuid_regs r = cpuid(XL_CPUID_VERSION_LEAF, 0);

	EXPECT(r.ecx == si->domain_id, "CPUID 0x40000001.ECX %u != start info domain_id %u", r.ecx,
	       si->domain_id);
}

static void check_boot_state(const struct xl_start_info *si)
{
	const struct boot_state *b = &boot_state;

	gprintf("hello: entry RSP 0x%lx RDI 0x%lx RFLAGS 0x%lx CS 0x%x DS 0x%x SS 0x%x GDTR 0x%lx/0x%x\n",
		b->rsp, b->rdi, b->rflags, b->cs, b->ds, b->ss, b->gdt_base, b->gdt_limit);
	gprintf("hello: entry CR0 0x%lx CR3 0x%lx CR4 0x%lx EFER 0x%lx\n", b->cr0, b->cr3, b->cr4,
		b->efer);
	EXPECT(b->rsp == 0, "entry RSP 0x%lx, expected 0", b->rsp);
	EXPECT(!(b->rflags & RFLAGS_IF), "interrupts enabled at entry (RFLAGS 0x%lx)", b->rflags);
	EXPECT(b->cs == XL_SEL_CODE, "entry CS 0x%x, expected 0x%x", b->cs, XL_SEL_CODE);
	EXPECT((b->cr0 & (CR0_PE | CR0_PG)) == (CR0_PE | CR0_PG), "CR0 0x%lx: PE/PG not set", b->cr0);
	EXPECT(b->cr4 & CR4_PAE, "CR4 0x%lx: PAE not set", b->cr4);
	EXPECT(!(b->cr4 & CR4_LA57), "CR4 0x%lx: 5-level paging", b->cr4);
	EXPECT((b->efer & (EFER_LME | EFER_LMA)) == (EFER_LME | EFER_LMA), "EFER 0x%lx: not in long mode",
	       b->efer);
	EXPECT(in_start_area(si, b->rdi, sizeof(struct xl_start_info)),
	       "start info at 0x%lx is not in the start area (top 0x%x bytes of 0x%lx)", b->rdi,
	       XL_START_AREA_SIZE, si->mem_size);
	EXPECT(in_start_area(si, b->cr3 & PTE_ADDR, PAGE_4K), "CR3 0x%lx is not in the start area",
	       b->cr3);
	EXPECT(b->gdt_limit >= 0x17 && in_start_area(si, b->gdt_base, b->gdt_limit + 1ul),
	       "entry GDT 0x%lx limit 0x%x is not in the start area or too short", b->gdt_base,
	       b->gdt_limit);

	/* the boot GDT (still there: we never reuse the start area) */
	const uint64_t *gdt = (const uint64_t *)(uintptr_t)b->gdt_base;
	uint64_t code = gdt[XL_SEL_CODE / 8], data = gdt[XL_SEL_DATA / 8];

	EXPECT((code & (1ul << 47)) && (code & (1ul << 44)) && (code & (1ul << 43)) &&
		       (code & (1ul << 53)) && !(code & (1ul << 54)),
	       "boot GDT 0x08 is not a present 64-bit code descriptor: 0x%016lx", code);
	EXPECT((data & (1ul << 47)) && (data & (1ul << 44)) && !(data & (1ul << 43)) &&
		       (data & (1ul << 41)),
	       "boot GDT 0x10 is not a present writable data descriptor: 0x%016lx", data);

	/* the identity map: every whole 2 MiB of guest memory, a 2 MiB page onto itself */
	const uint64_t *pml4 = (const uint64_t *)(uintptr_t)(b->cr3 & PTE_ADDR);
	unsigned long pages = 0;

	for (uint64_t va = 0; va + PAGE_2M <= si->mem_size; va += PAGE_2M) {
		uint64_t e4 = pml4[(va >> 39) & 511];

		EXPECT((e4 & (PTE_P | PTE_RW)) == (PTE_P | PTE_RW), "PML4 entry for 0x%lx: 0x%lx", va, e4);
		EXPECT(in_start_area(si, e4 & PTE_ADDR, PAGE_4K), "PDPT for 0x%lx at 0x%lx is not in the start area",
		       va, e4 & PTE_ADDR);
		uint64_t e3 = ((const uint64_t *)(uintptr_t)(e4 & PTE_ADDR))[(va >> 30) & 511];

		EXPECT((e3 & (PTE_P | PTE_RW | PTE_PS)) == (PTE_P | PTE_RW),
		       "PDPT entry for 0x%lx: 0x%lx (expected a writable table)", va, e3);
		EXPECT(in_start_area(si, e3 & PTE_ADDR, PAGE_4K), "PD for 0x%lx at 0x%lx is not in the start area",
		       va, e3 & PTE_ADDR);
		uint64_t e2 = ((const uint64_t *)(uintptr_t)(e3 & PTE_ADDR))[(va >> 21) & 511];

		EXPECT((e2 & (PTE_P | PTE_RW | PTE_PS)) == (PTE_P | PTE_RW | PTE_PS) &&
			       (e2 & PTE_ADDR) == va,
		       "PD entry for 0x%lx: 0x%lx (expected a writable 2 MiB page onto itself)", va, e2);
		pages++;
	}
	gprintf("hello: boot state ok, %lu x 2 MiB identity-mapped\n", pages);
}

static void check_version(void)
{
	long abi = hc_version(XL_VERSION_ABI);
	long feat = hc_version(XL_VERSION_FEATURES);
	long bad = hc_version(7);
	struct cpuid_regs r = cpuid(XL_CPUID_VERSION_LEAF, 0);

	gprintf("hello: XL_HC_VERSION abi 0x%lx features 0x%lx, what=7 -> %ld\n", abi, feat, bad);
	EXPECT(abi == XL_ABI_VERSION, "XL_HC_VERSION(ABI) = 0x%lx, expected 0x%x", abi, XL_ABI_VERSION);
	EXPECT(feat >= 0 && (feat & (XL_FEATURE_CONSOLE | XL_FEATURE_SHUTDOWN)) ==
				    (XL_FEATURE_CONSOLE | XL_FEATURE_SHUTDOWN),
	       "XL_HC_VERSION(FEATURES) = 0x%lx lacks CONSOLE|SHUTDOWN", feat);
	EXPECT((uint64_t)feat == r.ebx, "XL_HC_VERSION(FEATURES) 0x%lx != CPUID 0x40000001.EBX 0x%x", feat,
	       r.ebx);
	EXPECT(bad == -EINVAL, "XL_HC_VERSION(7) = %ld, expected -EINVAL", bad);
}

/* 128 lines of 64 bytes; the hypervisor takes the first 4096 bytes: lines 1-64 */
static char long_text[2 * XL_CONSOLE_MAX_WRITE];

static void check_console(const struct xl_start_info *si)
{
	static const char msg[] = "hello: a console write returns its length\n";
	long rc;

	rc = console_write(msg, sizeof(msg) - 1);
	EXPECT(rc == (long)sizeof(msg) - 1, "console write of %zu bytes returned %ld", sizeof(msg) - 1, rc);

	rc = console_write(msg, 0);
	EXPECT(rc == 0, "console write of 0 bytes returned %ld", rc);

	rc = hc_console_io(XL_CONSOLE_WRITE, si->mem_size + 0x1000, 16);
	EXPECT(rc == -EFAULT, "console write from 0x%lx (outside memory) returned %ld, expected -EFAULT",
	       si->mem_size + 0x1000, rc);

	for (int i = 0; i < (int)sizeof(long_text) / 64; i++) {
		char *l = long_text + 64 * i;

		memset(l, '.', 64);
		xl_snprintf(l, 64, "hello: long write, line %03d of 128 (65-128 are cut) ", i + 1);
		l[strlen(l)] = '.';
		l[63] = '\n';
	}
	rc = console_write(long_text, sizeof(long_text));
	EXPECT(rc == XL_CONSOLE_MAX_WRITE, "console write of %zu bytes returned %ld, expected %d",
	       sizeof(long_text), rc, XL_CONSOLE_MAX_WRITE);

	rc = hc_console_io(2, (uint64_t)(uintptr_t)msg, sizeof(msg) - 1);
	EXPECT(rc == -EINVAL, "console op 2 returned %ld, expected -EINVAL", rc);
	rc = hc_console_io(0x100000000ul, (uint64_t)(uintptr_t)msg, sizeof(msg) - 1);
	EXPECT(rc == -EINVAL, "console op 0x100000000 returned %ld, expected -EINVAL", rc);
	gprintf("hello: console ok\n");
}

static void check_unknown_hypercalls(void)
{
	long a = xl_hypercall3(XL_HC_COUNT, 0, 0, 0);
	long b = xl_hypercall3(99, 0, 0, 0);

	EXPECT(a == -ENOSYS, "hypercall %d returned %ld, expected -ENOSYS", XL_HC_COUNT, a);
	EXPECT(b == -ENOSYS, "hypercall 99 returned %ld, expected -ENOSYS", b);
}

void guest_main(const struct xl_start_info *si)
{
	gprintf("hello: xen-lite test guest\n");
	check_start_info(si);
	check_boot_state(si);
	check_version();
	check_console(si);
	check_unknown_hypercalls();
	pass("hello: boot state, start info and hypercall basics (%u checks)", checks);
}
