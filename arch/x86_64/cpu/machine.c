/* Stopping or resetting the machine (arch_machine_stop(), include/xen-lite/arch/cpu.h). */
#include <arch/cpu.h>
#include <xen-lite/arch/cpu.h>
#include <xen-lite/arch/time.h>
#include <xen-lite/params.h>

static void reset_machine(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) empty_idt = { 0, 0 };

	outb(0xCF9, 0x06); /* PCI reset control: full reset */
	udelay(50000);
	outb(0x64, 0xFE); /* keyboard controller reset line */
	udelay(50000);
	/* last resort: a triple fault */
	__asm__ volatile("lidt %0; int3" ::"m"(empty_idt));
}

void arch_machine_stop(bool reboot, unsigned int exit_code)
{
	irq_disable();
	if (params.debug_exit)
		outb((uint16_t)params.debug_exit, (uint8_t)exit_code);
	if (reboot)
		reset_machine();
	cpu_stop();
}
