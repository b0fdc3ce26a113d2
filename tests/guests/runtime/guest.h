/*
 * The test-guest runtime: what every guest in tests/guests/ can use.
 * Documentation/guests.md describes the framework; the hypercall ABI and the
 * boot state are in hypercalls/xen-lite-abi.h.
 *
 * A guest is one file defining guest_main(). It runs single-threaded on one
 * vCPU with interrupts disabled, on the runtime's stack, GDT and IDT, with
 * guest memory identity-mapped (virtual == guest-physical).
 */
#ifndef XL_GUEST_H
#define XL_GUEST_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xen-lite-abi.h>
#include <xen-lite/errno.h>
#include <xen-lite/format.h>
#include <xen-lite/string.h>

#define GUEST_LINK_BASE 0x100000ul /* where every guest is linked (guest.ld) */
#define PAGE_4K 0x1000ul
#define PAGE_2M 0x200000ul
#define PAGE_1G 0x40000000ul
#define G_ALIGN_UP(x, a) (((x) + ((a) - 1)) & ~((uint64_t)(a) - 1))
#define G_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define NORETURN __attribute__((noreturn))
#define PRINTF(f, a) __attribute__((format(printf, f, a)))

/* ---- the guest's entry point: defined by each guest ---- */
/* si points to the runtime's copy of the start info (valid for the whole run). */
void guest_main(const struct xl_start_info *si);

/* ---- boot state, recorded by crt0 before it changed anything ---- */
struct boot_state {
	uint64_t rsp; /* RSP at entry (the ABI says 0) */
	uint64_t rdi; /* RDI at entry: the start info GPA */
	uint64_t rflags; /* RFLAGS at entry */
	uint64_t cr0, cr3, cr4, efer;
	uint16_t cs, ds, ss;
	uint16_t gdt_limit; /* GDTR at entry */
	uint64_t gdt_base;
};
extern struct boot_state boot_state;
extern struct xl_start_info start_info; /* copy of the start info */

/* image bounds from guest.ld */
extern char __image_start[], __image_end[], __bss_start[], __bss_end[];
extern char guest_stack_bottom[], guest_stack_top[];

/* ---- hypercalls: VMMCALL, number in RAX, arguments RDI RSI RDX R10 R8 R9 ---- */
static inline long xl_hypercall6(uint64_t nr, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
				 uint64_t a5, uint64_t a6)
{
	register uint64_t r10 __asm__("r10") = a4;
	register uint64_t r8 __asm__("r8") = a5;
	register uint64_t r9 __asm__("r9") = a6;
	long ret;

	/* every register but RAX is preserved (ABI); guest memory may be read */
	__asm__ volatile("vmmcall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a1), "S"(a2), "d"(a3), "r"(r10), "r"(r8), "r"(r9)
			 : "memory");
	return ret;
}

static inline long xl_hypercall3(uint64_t nr, uint64_t a1, uint64_t a2, uint64_t a3)
{
	return xl_hypercall6(nr, a1, a2, a3, 0, 0, 0);
}

static inline long hc_version(uint64_t what)
{
	return xl_hypercall3(XL_HC_VERSION, what, 0, 0);
}

static inline long hc_console_io(uint64_t op, uint64_t gpa, uint64_t len)
{
	return xl_hypercall3(XL_HC_CONSOLE_IO, op, gpa, len);
}

static inline long console_write(const void *buf, size_t len)
{
	return hc_console_io(XL_CONSOLE_WRITE, (uint64_t)(uintptr_t)buf, len);
}

static inline long hc_shutdown(uint64_t reason, uint64_t code)
{
	return xl_hypercall3(XL_HC_SHUTDOWN, reason, code, 0);
}

/* shutdown(); if the hypervisor returns, halt forever */
NORETURN void shutdown(uint64_t reason, uint64_t code);

/*
 * All general-purpose registers around one VMMCALL (runtime/crt0.S): every
 * field but rsp is loaded, VMMCALL executed, every field but rsp stored back.
 * For checking that a hypercall preserves everything except RAX.
 */
struct hc_regs {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
};
void hypercall_regs(struct hc_regs *r);

/* ---- output ---- */
/*
 * printf-style output (lib/format.c: %d %i %u %x %X %p %s %c with l/ll/z).
 * Text is collected per line; each complete line, including its '\n', goes
 * out with one console-write hypercall (the hypervisor tags it with the
 * domain). Lines longer than 511 bytes are split.
 */
PRINTF(1, 2) void gprintf(const char *fmt, ...);
void vgprintf(const char *fmt, va_list ap);
void gputs(const char *s); /* like gprintf("%s", s) */
void console_flush(void); /* write out a partial line, if any */

/* "PASS: <text>\n", then shutdown(POWEROFF, 0) */
PRINTF(1, 2) NORETURN void pass(const char *fmt, ...);
/* "FAIL: <text>\n", then shutdown(CRASH, 1) */
PRINTF(1, 2) NORETURN void fail(const char *fmt, ...);

/* fail with file and line unless cond holds */
#define CHECK(cond, ...)                                                   \
	do {                                                               \
		if (!(cond))                                               \
			check_failed(__FILE__, __LINE__, #cond, __VA_ARGS__); \
	} while (0)
PRINTF(4, 5) NORETURN void check_failed(const char *file, int line, const char *cond, const char *fmt, ...);

/* ---- expected exceptions ---- */
/*
 * try_call(fn, arg) runs fn(arg). If fn raises a CPU exception (vectors
 * 0-31), the exception is recorded in last_exception and execution resumes
 * as if try_call returned the vector; the rest of fn is skipped and RSP and
 * the callee-saved registers are restored. Returns -1 if fn returned
 * normally. Not nestable. An exception outside try_call is fatal: the
 * runtime prints "FAIL: unexpected exception #N at RIP ..." and shuts the
 * guest down with XL_SHUTDOWN_CRASH (code 0x100 + N).
 */
struct exception_info {
	int vector; /* -1: none */
	uint64_t error_code; /* 0 for vectors without one */
	uint64_t rip; /* where it happened */
	uint64_t cr2; /* CR2 for #PF */
	unsigned long count; /* expected exceptions taken so far */
};
extern volatile struct exception_info last_exception;
int try_call(void (*fn)(void *), void *arg);

#define VEC_DE 0
#define VEC_DB 1
#define VEC_NMI 2
#define VEC_BP 3
#define VEC_UD 6
#define VEC_DF 8
#define VEC_GP 13
#define VEC_PF 14
const char *exception_name(int vector); /* "#GP", ... */

/* ---- CPU helpers ---- */
struct cpuid_regs {
	uint32_t eax, ebx, ecx, edx;
};

static inline struct cpuid_regs cpuid(uint32_t leaf, uint32_t subleaf)
{
	struct cpuid_regs r;

	__asm__ volatile("cpuid" : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
			 : "a"(leaf), "c"(subleaf) : "memory");
	return r;
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr) : "memory");
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" ::"c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory");
}

/* -1 on success, else the exception vector (13 for #GP) */
int rdmsr_safe(uint32_t msr, uint64_t *val);
int wrmsr_safe(uint32_t msr, uint64_t val);

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port) : "memory");
	return v;
}

static inline uint16_t inw(uint16_t port)
{
	uint16_t v;

	__asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port) : "memory");
	return v;
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;

	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port) : "memory");
	return v;
}

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port) : "memory");
}

static inline void outw(uint16_t port, uint16_t v)
{
	__asm__ volatile("outw %0, %1" ::"a"(v), "Nd"(port) : "memory");
}

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" ::"a"(v), "Nd"(port) : "memory");
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi)::"memory");
	return ((uint64_t)hi << 32) | lo;
}

/* RDTSC after all earlier instructions completed (LFENCE is dispatch-serializing on AMD) */
static inline uint64_t rdtsc_ordered(void)
{
	uint32_t lo, hi;

	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi)::"memory");
	return ((uint64_t)hi << 32) | lo;
}

#define DEFINE_READ_CR(n)                                             \
	static inline uint64_t read_cr##n(void)                       \
	{                                                             \
		uint64_t v;                                           \
		__asm__ volatile("mov %%cr" #n ", %0" : "=r"(v)::"memory"); \
		return v;                                             \
	}
DEFINE_READ_CR(0)
DEFINE_READ_CR(2)
DEFINE_READ_CR(3)
DEFINE_READ_CR(4)
#undef DEFINE_READ_CR

static inline uint64_t read_rflags(void)
{
	uint64_t v;

	__asm__ volatile("pushfq; popq %0" : "=r"(v)::"memory");
	return v;
}

static inline void invlpg(uint64_t va)
{
	__asm__ volatile("invlpg (%0)" ::"r"(va) : "memory");
}

static inline void cpu_relax(void)
{
	__asm__ volatile("pause" ::: "memory");
}

struct __attribute__((packed)) desc_ptr {
	uint16_t limit;
	uint64_t base;
};

static inline void lidt(const struct desc_ptr *p)
{
	__asm__ volatile("lidt %0" ::"m"(*p) : "memory");
}

#define MSR_TSC 0x10u
#define MSR_EFER 0xC0000080u
#define MSR_FS_BASE 0xC0000100u
#define MSR_GS_BASE 0xC0000101u
#define MSR_KERNEL_GS_BASE 0xC0000102u
#define MSR_VM_CR 0xC0010114u
#define MSR_VM_HSAVE_PA 0xC0010117u
#define EFER_SCE (1ul << 0)
#define EFER_LME (1ul << 8)
#define EFER_LMA (1ul << 10)
#define EFER_NXE (1ul << 11)
#define EFER_SVME (1ul << 12)
#define CR0_PE (1ul << 0)
#define CR0_PG (1ul << 31)
#define CR4_PAE (1ul << 5)
#define CR4_LA57 (1ul << 12)
#define RFLAGS_IF (1ul << 9)

/* ---- interrupts ---- */
/*
 * Vectors 32-255 (event channels, XL_HC_EVENT) call the handler set for
 * them, with interrupts off, on the runtime's stack; an interrupt without
 * one fails the test. Virtual interrupts need no end-of-interrupt.
 */
typedef void (*irq_handler_fn)(int vector);
void set_irq_handler(int vector, irq_handler_fn fn);

/* ---- memory ---- */
/*
 * Map the 2 MiB page at va (2 MiB aligned) to guest-physical pa (2 MiB
 * aligned), walking the 4-level tables from CR3 and taking missing tables
 * from a static pool; invalidates va. Fails the test if the pool is empty or
 * a 1 GiB page is in the way.
 */
void map_2m(uint64_t va, uint64_t pa);

/*
 * Free guest memory: from the end of the image (4 KiB aligned) up to the
 * start area at the top. alloc_pages() hands it out in 4 KiB multiples
 * (aligned to align, a power of two >= 4 KiB) and fails the test when it
 * runs out.
 */
void *alloc_pages(uint64_t bytes, uint64_t align);
uint64_t free_mem_start(void); /* first free byte (not yet handed out) */
uint64_t free_mem_end(void); /* start of the start area */

/* the value of key=... in the command line, copied into buf; false if absent */
bool cmdline_get(const char *key, char *buf, size_t size);

/* ---- xorshift64 PRNG (Marsaglia 13/7/17); state must not be 0 ---- */
struct prng {
	uint64_t s;
};

static inline uint64_t prng_next(struct prng *p)
{
	uint64_t x = p->s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return p->s = x;
}

/* uniform enough in [0, n) for small n */
static inline uint64_t prng_below(struct prng *p, uint64_t n)
{
	return prng_next(p) % n;
}

/* ---- time ---- */
uint64_t tsc_ms(uint64_t cycles); /* TSC cycles to milliseconds (start_info.tsc_khz) */
void delay_ms(uint64_t ms); /* busy-wait on the TSC */

#endif
