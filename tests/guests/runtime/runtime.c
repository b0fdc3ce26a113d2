/*
 * The test-guest runtime in C: IDT and exception handling, console output,
 * PASS/FAIL, MSR helpers, 2 MiB mappings, free memory, command line.
 * Documentation/guests.md describes it; runtime/guest.h is its interface.
 */
#include "guest.h"

struct exception_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error_code;
	uint64_t rip, cs, rflags, rsp, ss; /* pushed by the CPU */
};

struct idt_gate {
	uint16_t offset0;
	uint16_t selector;
	uint8_t ist;
	uint8_t type_attr;
	uint16_t offset1;
	uint32_t offset2;
	uint32_t reserved;
};

#define NR_EXCEPTIONS 32
#define NR_VECTORS 256
#define IRQ_STUB_BYTES 16

NORETURN void runtime_start(uint64_t si_gpa);
void exception_handler(struct exception_frame *f);

extern const uint64_t isr_table[NR_EXCEPTIONS]; /* crt0.S */
extern const char isr_irq[]; /* crt0.S: the stubs of vectors 32-255 */
static irq_handler_fn irq_handlers[NR_VECTORS];

struct xl_start_info start_info;
volatile struct exception_info last_exception = { .vector = -1 };
/* the armed recovery point of try_call (crt0.S writes both) */
uint64_t fixup_rip, fixup_rsp;

/* layouts crt0.S relies on */
_Static_assert(offsetof(struct boot_state, cs) == 56 && offsetof(struct boot_state, gdt_limit) == 62 &&
		       offsetof(struct boot_state, gdt_base) == 64 && sizeof(struct boot_state) == 72,
	       "struct boot_state layout (crt0.S BS_*)");
_Static_assert(offsetof(struct hc_regs, rdi) == 40 && offsetof(struct hc_regs, rbp) == 48 &&
		       offsetof(struct hc_regs, r8) == 64 && offsetof(struct hc_regs, r15) == 120,
	       "struct hc_regs layout (crt0.S HR_*)");
_Static_assert(offsetof(struct exception_info, vector) == 0, "try_call writes .vector at offset 0");
_Static_assert(sizeof(struct exception_frame) == 22 * 8, "isr_common frame");

static struct idt_gate idt[NR_VECTORS] __attribute__((aligned(16)));
static uint64_t free_next, free_end;

/* ---- console ---- */
static char line_buf[512];
static size_t line_len;

void console_flush(void)
{
	if (line_len) {
		console_write(line_buf, line_len);
		line_len = 0;
	}
}

static void put_char(char c)
{
	line_buf[line_len++] = c;
	if (c == '\n' || line_len == sizeof(line_buf))
		console_flush();
}

void gputs(const char *s)
{
	while (*s)
		put_char(*s++);
}

void vgprintf(const char *fmt, va_list ap)
{
	char buf[1024];

	xl_vsnprintf(buf, sizeof(buf), fmt, ap);
	gputs(buf);
}

void gprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vgprintf(fmt, ap);
	va_end(ap);
}

NORETURN void shutdown(uint64_t reason, uint64_t code)
{
	long rc;

	console_flush();
	rc = hc_shutdown(reason, code);
	gprintf("runtime: shutdown(%lu, %lu) returned %ld; halting\n", reason, code, rc);
	for (;;)
		__asm__ volatile("cli; hlt" ::: "memory");
}

static void result_line(const char *prefix, const char *fmt, va_list ap)
{
	if (line_len) /* finish a partial line so the result starts a line */
		put_char('\n');
	gputs(prefix);
	vgprintf(fmt, ap);
	put_char('\n');
}

void pass(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	result_line("PASS: ", fmt, ap);
	va_end(ap);
	shutdown(XL_SHUTDOWN_POWEROFF, 0);
}

void fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	result_line("FAIL: ", fmt, ap);
	va_end(ap);
	shutdown(XL_SHUTDOWN_CRASH, 1);
}

void check_failed(const char *file, int line, const char *cond, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	xl_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fail("%s [%s:%d: %s]", msg, file, line, cond);
}

/* ---- exceptions ---- */
const char *exception_name(int vector)
{
	static const char *const names[NR_EXCEPTIONS] = {
		"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "#09", "#TS",
		"#NP", "#SS", "#GP", "#PF", "#15", "#MF", "#AC", "#MC", "#XM", "#VE", "#CP",
		"#22", "#23", "#24", "#25", "#26", "#27", "#HV", "#VC", "#SX", "#31",
	};

	return vector >= 0 && vector < NR_EXCEPTIONS ? names[vector] : "?";
}

static void idt_init(void)
{
	struct desc_ptr p = { sizeof(idt) - 1, (uint64_t)(uintptr_t)idt };

	for (int v = 0; v < NR_VECTORS; v++) {
		uint64_t a = v < NR_EXCEPTIONS ? isr_table[v] :
						 (uint64_t)(uintptr_t)isr_irq + (uint64_t)(v - NR_EXCEPTIONS) * IRQ_STUB_BYTES;

		idt[v] = (struct idt_gate){
			.offset0 = (uint16_t)a,
			.selector = XL_SEL_CODE,
			.ist = 0,
			.type_attr = 0x8E, /* present, DPL 0, 64-bit interrupt gate */
			.offset1 = (uint16_t)(a >> 16),
			.offset2 = (uint32_t)(a >> 32),
		};
	}
	lidt(&p);
}

static bool on_stack(uint64_t a, uint64_t size)
{
	return a >= (uint64_t)(uintptr_t)guest_stack_bottom &&
	       a + size <= (uint64_t)(uintptr_t)guest_stack_top && a + size > a;
}

void set_irq_handler(int vector, irq_handler_fn fn)
{
	if (vector < NR_EXCEPTIONS || vector >= NR_VECTORS)
		fail("set_irq_handler: vector %d is not 32-255", vector);
	irq_handlers[vector] = fn;
}

void exception_handler(struct exception_frame *f)
{
	static int depth;

	if (f->vector >= NR_EXCEPTIONS && f->vector < NR_VECTORS && irq_handlers[f->vector]) {
		irq_handlers[f->vector]((int)f->vector);
		return;
	}

	if (fixup_rip) { /* expected: record and resume in try_call */
		last_exception.vector = (int)f->vector;
		last_exception.error_code = f->error_code;
		last_exception.rip = f->rip;
		last_exception.cr2 = f->vector == VEC_PF ? read_cr2() : 0;
		last_exception.count++;
		f->rip = fixup_rip;
		f->rsp = fixup_rsp;
		fixup_rip = 0;
		return;
	}
	if (depth++) { /* an exception while reporting one: stop without more output */
		hc_shutdown(XL_SHUTDOWN_CRASH, 0x1FF);
		for (;;)
			__asm__ volatile("cli; hlt" ::: "memory");
	}
	if (line_len)
		put_char('\n');
	gprintf("exception %s (vector %lu) at RIP 0x%lx, error code 0x%lx, CR2 0x%lx\n",
		exception_name((int)f->vector), f->vector, f->rip, f->error_code, read_cr2());
	gprintf("  RAX %016lx RBX %016lx RCX %016lx RDX %016lx\n", f->rax, f->rbx, f->rcx, f->rdx);
	gprintf("  RSI %016lx RDI %016lx RBP %016lx RSP %016lx\n", f->rsi, f->rdi, f->rbp, f->rsp);
	gprintf("  R8  %016lx R9  %016lx R10 %016lx R11 %016lx\n", f->r8, f->r9, f->r10, f->r11);
	gprintf("  R12 %016lx R13 %016lx R14 %016lx R15 %016lx\n", f->r12, f->r13, f->r14, f->r15);
	gprintf("  CS %04lx SS %04lx RFLAGS %08lx CR0 %08lx CR3 %lx CR4 %lx\n", f->cs, f->ss,
		f->rflags, read_cr0(), read_cr3(), read_cr4());
	gprintf("  backtrace:");
	uint64_t fp = f->rbp;
	for (int i = 0; i < 8 && on_stack(fp, 16); i++) {
		const uint64_t *frame = (const uint64_t *)(uintptr_t)fp;

		gprintf(" 0x%lx", frame[1]);
		if (frame[0] <= fp)
			break;
		fp = frame[0];
	}
	gprintf("\n");
	gprintf("FAIL: unexpected exception #%lu at RIP 0x%lx (error code 0x%lx)\n", f->vector, f->rip,
		f->error_code);
	shutdown(XL_SHUTDOWN_CRASH, 0x100 + f->vector);
}

/* ---- MSRs ---- */
struct msr_op {
	uint32_t msr;
	uint64_t val;
};

static void do_rdmsr(void *arg)
{
	struct msr_op *op = arg;

	op->val = rdmsr(op->msr);
}

static void do_wrmsr(void *arg)
{
	struct msr_op *op = arg;

	wrmsr(op->msr, op->val);
}

int rdmsr_safe(uint32_t msr, uint64_t *val)
{
	struct msr_op op = { msr, 0 };
	int vec = try_call(do_rdmsr, &op);

	if (vec < 0)
		*val = op.val;
	return vec;
}

int wrmsr_safe(uint32_t msr, uint64_t val)
{
	struct msr_op op = { msr, val };

	return try_call(do_wrmsr, &op);
}

/* ---- page tables ---- */
#define PTE_P (1ul << 0)
#define PTE_RW (1ul << 1)
#define PTE_PS (1ul << 7)
#define PTE_ADDR 0x000FFFFFFFFFF000ul
#define PT_POOL_PAGES 8

static uint64_t pt_pool[PT_POOL_PAGES][512] __attribute__((aligned(4096)));
static unsigned int pt_pool_used;

static uint64_t *next_table(uint64_t *table, unsigned int idx, const char *level, uint64_t va)
{
	uint64_t e = table[idx];

	if (!(e & PTE_P)) {
		if (pt_pool_used == PT_POOL_PAGES)
			fail("map_2m(0x%lx): page-table pool exhausted", va);
		uint64_t *t = pt_pool[pt_pool_used++];

		memset(t, 0, PAGE_4K);
		table[idx] = (uint64_t)(uintptr_t)t | PTE_P | PTE_RW;
		return t;
	}
	if (e & PTE_PS)
		fail("map_2m(0x%lx): the %s entry is a large page (0x%lx)", va, level, e);
	table[idx] = e | PTE_RW;
	return (uint64_t *)(uintptr_t)(e & PTE_ADDR);
}

void map_2m(uint64_t va, uint64_t pa)
{
	if ((va | pa) & (PAGE_2M - 1))
		fail("map_2m(0x%lx, 0x%lx): not 2 MiB aligned", va, pa);
	if (read_cr4() & CR4_LA57)
		fail("map_2m: 5-level paging is not supported");
	uint64_t *pml4 = (uint64_t *)(uintptr_t)(read_cr3() & PTE_ADDR);
	uint64_t *pdpt = next_table(pml4, (va >> 39) & 511, "PML4", va);
	uint64_t *pd = next_table(pdpt, (va >> 30) & 511, "PDPT", va);

	pd[(va >> 21) & 511] = pa | PTE_P | PTE_RW | PTE_PS;
	invlpg(va);
}

/* ---- memory ---- */
uint64_t free_mem_start(void)
{
	return free_next;
}

uint64_t free_mem_end(void)
{
	return free_end;
}

void *alloc_pages(uint64_t bytes, uint64_t align)
{
	if (align < PAGE_4K)
		align = PAGE_4K;
	uint64_t a = G_ALIGN_UP(free_next, align);
	uint64_t size = G_ALIGN_UP(bytes, PAGE_4K);

	if (a < free_next || a > free_end || size > free_end - a)
		fail("alloc_pages(0x%lx): out of memory (free 0x%lx-0x%lx, mem_size 0x%lx)", bytes,
		     free_next, free_end, start_info.mem_size);
	free_next = a + size;
	return (void *)(uintptr_t)a;
}

/* ---- command line ---- */
bool cmdline_get(const char *key, char *buf, size_t size)
{
	size_t klen = strlen(key);
	const char *p = start_info.cmdline;

	while (*p) {
		while (*p == ' ')
			p++;
		const char *tok = p;

		while (*p && *p != ' ')
			p++;
		if ((size_t)(p - tok) > klen && !strncmp(tok, key, klen) && tok[klen] == '=') {
			size_t n = (size_t)(p - tok) - klen - 1;

			if (size) {
				if (n >= size)
					n = size - 1;
				memcpy(buf, tok + klen + 1, n);
				buf[n] = '\0';
			}
			return true;
		}
	}
	return false;
}

uint64_t tsc_ms(uint64_t cycles)
{
	return start_info.tsc_khz ? cycles / start_info.tsc_khz : 0;
}

void delay_ms(uint64_t ms)
{
	uint64_t start = rdtsc();

	while (rdtsc() - start < ms * start_info.tsc_khz)
		cpu_relax();
}

/* ---- entry from crt0 ---- */
void runtime_start(uint64_t si_gpa)
{
	idt_init(); /* from here on, faults are reported */
	boot_state.cr0 = read_cr0();
	boot_state.cr3 = read_cr3();
	boot_state.cr4 = read_cr4();
	boot_state.efer = rdmsr(MSR_EFER);

	memcpy(&start_info, (const void *)(uintptr_t)si_gpa, sizeof(start_info));
	start_info.cmdline[sizeof(start_info.cmdline) - 1] = '\0';
	if (start_info.magic != XL_START_INFO_MAGIC)
		fail("start info at 0x%lx: magic 0x%x, expected 0x%x", si_gpa, start_info.magic,
		     XL_START_INFO_MAGIC);

	free_next = G_ALIGN_UP((uint64_t)(uintptr_t)__image_end, PAGE_4K);
	free_end = start_info.mem_size > XL_START_AREA_SIZE ? start_info.mem_size - XL_START_AREA_SIZE : 0;
	if (free_end < free_next)
		free_end = free_next;

	guest_main(&start_info);
	console_flush();
	shutdown(XL_SHUTDOWN_POWEROFF, 0);
}
