/* Stopping the machine on a fatal hypervisor error. */
#ifndef XEN_LITE_PANIC_H
#define XEN_LITE_PANIC_H

#include <xen-lite/types.h>

#define EXIT_CODE_OK 0 /* a clean stop (tests: QEMU exits with status 1) */
#define EXIT_CODE_PANIC 1 /* QEMU exits with status 3 */

__attribute__((noreturn, format(printf, 1, 2))) void panic(const char *fmt, ...);

/*
 * The two halves of panic() for callers that print their own report in
 * between (the exception handler prints a register dump): panic_begin()
 * claims the panic, takes the console and stops the other CPUs; a CPU that
 * loses the race, or faults again inside its own panic, just stops.
 */
void panic_begin(void);
__attribute__((noreturn)) void panic_end(void);
bool panic_in_progress(void);

/* Clean stop after boot when nothing is left to run (after_boot=halt). */
__attribute__((noreturn)) void machine_halt(void);

#endif
