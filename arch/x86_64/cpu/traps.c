/* Exception and interrupt dispatch, and the register dump that a fatal fault prints. */
#include <arch/cpu.h>
#include <arch/kick.h>
#include <arch/lapic.h>
#include <arch/memlayout.h>
#include <arch/percpu.h>
#include <arch/trap.h>
#include <xen-lite/arch/cpu.h>
#include <xen-lite/console.h>
#include <xen-lite/log.h>
#include <xen-lite/panic.h>

static irq_handler_fn handlers[256];
static volatile uint32_t cpus_stopped;

static const char *const exception_names[32] = {
	"#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow",
	"#BR bound range", "#UD invalid opcode", "#NM device not available",
	"#DF double fault", "coprocessor overrun", "#TS invalid TSS", "#NP segment not present",
	"#SS stack fault", "#GP general protection", "#PF page fault", "reserved 15",
	"#MF x87 error", "#AC alignment check", "#MC machine check", "#XM SIMD error",
	"#VE virtualization", "#CP control protection", "reserved 22", "reserved 23",
	"reserved 24", "reserved 25", "reserved 26", "reserved 27",
	"#HV hypervisor injection", "#VC VMM communication", "#SX security", "reserved 31",
};

void trap_set_handler(unsigned int vector, irq_handler_fn fn)
{
	handlers[vector & 0xff] = fn;
}

void trap_dump(const struct trap_frame *f, const char *why)
{
	struct percpu *cpu = this_cpu();

	printk("(XL) %s on CPU %u (APIC id %u)\n", why, cpu->index, cpu->apic_id);
	printk("(XL) vector %llu error code %#llx\n", (unsigned long long)f->vector,
	       (unsigned long long)f->error_code);
	printk("(XL) RIP %04llx:%016llx RFLAGS %016llx\n", (unsigned long long)f->cs,
	       (unsigned long long)f->rip, (unsigned long long)f->rflags);
	printk("(XL) RSP %04llx:%016llx\n", (unsigned long long)f->ss, (unsigned long long)f->rsp);
	printk("(XL) RAX %016llx RBX %016llx RCX %016llx\n", (unsigned long long)f->rax,
	       (unsigned long long)f->rbx, (unsigned long long)f->rcx);
	printk("(XL) RDX %016llx RSI %016llx RDI %016llx\n", (unsigned long long)f->rdx,
	       (unsigned long long)f->rsi, (unsigned long long)f->rdi);
	printk("(XL) RBP %016llx R8  %016llx R9  %016llx\n", (unsigned long long)f->rbp,
	       (unsigned long long)f->r8, (unsigned long long)f->r9);
	printk("(XL) R10 %016llx R11 %016llx R12 %016llx\n", (unsigned long long)f->r10,
	       (unsigned long long)f->r11, (unsigned long long)f->r12);
	printk("(XL) R13 %016llx R14 %016llx R15 %016llx\n", (unsigned long long)f->r13,
	       (unsigned long long)f->r14, (unsigned long long)f->r15);
	printk("(XL) CR0 %016llx CR2 %016llx CR3 %016llx CR4 %016llx\n",
	       (unsigned long long)read_cr0(), (unsigned long long)read_cr2(),
	       (unsigned long long)read_cr3(), (unsigned long long)read_cr4());
	printk("(XL) EFER %016llx\n", (unsigned long long)rdmsr(MSR_EFER));
}

static bool frame_on_stack(uint64_t rbp, uint64_t top)
{
	return rbp >= top - CPU_STACK_SIZE && rbp + 16 <= top && !(rbp & 7);
}

static void backtrace_from(uint64_t rbp)
{
	uint64_t top = this_cpu()->stack_top;

	printk("(XL) backtrace:\n");
	for (int depth = 0; depth < 16 && frame_on_stack(rbp, top); depth++) {
		const uint64_t *frame = (const uint64_t *)(uintptr_t)rbp;

		printk("(XL)   [%016llx]\n", (unsigned long long)frame[1]);
		if (frame[0] <= rbp)
			break;
		rbp = frame[0];
	}
}

void arch_dump_backtrace(void)
{
	backtrace_from((uint64_t)(uintptr_t)__builtin_frame_address(0));
}

static void handle_exception(struct trap_frame *f)
{
	char why[64];
	const char *name = exception_names[f->vector];
	unsigned int n = 0;

	panic_begin();
	while (name[n] && n + 1 < sizeof(why)) {
		why[n] = name[n];
		n++;
	}
	why[n] = '\0';
	trap_dump(f, why);
	backtrace_from(f->rbp);
	printk("(XL) PANIC: unhandled exception %s in the hypervisor on CPU %u\n", name,
	       this_cpu()->index);
	panic_end();
}

/*
 * Nothing here may take a lock or log: the NMI may have interrupted this
 * CPU inside the console (or any lock's holder). A kick's only job was to
 * end the guest; anything else is counted and reported later
 * (nmi_report_unexpected()).
 */
static void handle_nmi(struct trap_frame *f)
{
	kick_nmi_fixup(f);
	if (panic_in_progress()) {
		/* another CPU panicked and is stopping us */
		this_cpu()->online = false;
		__atomic_fetch_add(&cpus_stopped, 1, __ATOMIC_RELEASE);
		cpu_stop();
	}
	if (!kick_nmi_take())
		__atomic_fetch_add(&this_cpu()->unexpected_nmis, 1, __ATOMIC_RELAXED);
}

void nmi_report_unexpected(void)
{
	struct percpu *cpu = this_cpu();
	uint32_t n = __atomic_load_n(&cpu->unexpected_nmis, __ATOMIC_RELAXED);

	if (n == cpu->unexpected_nmis_reported)
		return;
	cpu->unexpected_nmis_reported = n;
	log_warn("%u unexpected NMI(s) on CPU %u so far, ignored\n", n, cpu->index);
}

/* Once per vector: after dom0 ends, its devices may go on interrupting CPU 0 for a while. */
static void report_unexpected_vector(unsigned int vec)
{
	static uint64_t reported[4];

	if (__atomic_fetch_or(&reported[vec / 64], 1ULL << (vec % 64), __ATOMIC_RELAXED) &
	    (1ULL << (vec % 64)))
		return;
	log_warn("unexpected interrupt vector %u on CPU %u (reported once)\n", vec,
		 this_cpu()->index);
}

/*
 * Vectors 16-31 are exceptions, but the local APIC also accepts them as
 * interrupt vectors: one a guest left pending (an IPI to itself, a timer it
 * armed) arrives through the same gate. The APIC tells them apart: an
 * interrupt is in service there, an exception is not.
 */
static bool is_apic_interrupt(unsigned int vec)
{
	return vec >= 16 && lapic_in_service(vec);
}

void x86_trap(struct trap_frame *f)
{
	unsigned int vec = (unsigned int)f->vector;

	if (vec == VEC_NMI) {
		handle_nmi(f);
		return;
	}
	if (vec < 32 && !is_apic_interrupt(vec)) {
		handle_exception(f);
		return;
	}
	if (vec == VEC_APIC_SPURIOUS)
		return; /* no EOI for spurious interrupts */
	if (handlers[vec])
		handlers[vec](f);
	else if (!this_cpu()->draining_guest_irqs)
		report_unexpected_vector(vec);
	lapic_eoi();
}

unsigned int arch_stop_other_cpus(void)
{
	unsigned int others = arch_cpus_online() - 1;

	cpus_stopped = 0;
	lapic_send_nmi_all_but_self();
	/* bounded: a wedged CPU must not keep the panic report from finishing */
	for (uint64_t spins = 0; spins < 20000000 && cpus_stopped < others; spins++)
		cpu_relax();
	return cpus_stopped;
}
