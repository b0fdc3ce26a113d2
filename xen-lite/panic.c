/* panic(): report once, stop every CPU, then halt or reset per on_panic=. */
#include <xen-lite/arch/cpu.h>
#include <xen-lite/assert.h>
#include <xen-lite/console.h>
#include <xen-lite/format.h>
#include <xen-lite/panic.h>
#include <xen-lite/params.h>

#include <stdarg.h>

#define NO_CPU 0xffffffffu

static volatile uint32_t panic_cpu = NO_CPU;

bool panic_in_progress(void)
{
	return __atomic_load_n(&panic_cpu, __ATOMIC_ACQUIRE) != NO_CPU;
}

__attribute__((noreturn)) static void stop_this_cpu(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}

void panic_begin(void)
{
	uint32_t me = arch_cpu_index(), expected = NO_CPU;

	__asm__ volatile("cli");
	if (!__atomic_compare_exchange_n(&panic_cpu, &expected, me, false, __ATOMIC_ACQ_REL,
					 __ATOMIC_ACQUIRE)) {
		if (expected == me) {
			/* faulted while reporting: say so without touching locks */
			console_force_unlock();
			printk("\n(XL) nested fault on CPU %u during panic; stopping\n", me);
			arch_machine_stop(false, EXIT_CODE_PANIC);
		}
		stop_this_cpu();
	}
	console_force_unlock();
	printk("\n(XL) ******************** PANIC on CPU %u ********************\n", me);
	if (arch_cpus_online() > 1)
		printk("(XL) stopped %u other CPU(s)\n", arch_stop_other_cpus());
}

void panic_end(void)
{
	printk("(XL) ******************** system halted%s ********************\n",
	       params.on_panic == ON_PANIC_REBOOT ? ", rebooting" : "");
	arch_machine_stop(params.on_panic == ON_PANIC_REBOOT, EXIT_CODE_PANIC);
}

void panic(const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	panic_begin();
	va_start(ap, fmt);
	xl_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printk("(XL) PANIC: %s\n", msg);
	arch_dump_backtrace();
	panic_end();
}

void assert_failed(const char *file, int line, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	xl_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	panic("%s:%d: %s", file, line, msg);
}

void machine_halt(void)
{
	printk("(XL) halting: nothing left to run\n");
	arch_machine_stop(false, EXIT_CODE_OK);
}
