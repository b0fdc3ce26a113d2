/*
 * Per-CPU data. GS base points at the CPU's struct percpu, whose first
 * field points to itself, so this_cpu() is one load.
 */
#ifndef ARCH_PERCPU_H
#define ARCH_PERCPU_H

#include <arch/arch_types.h> /* MAX_CPUS */
#include <arch/trap.h>
#include <xen-lite/types.h>

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

#define GDT_ENTRIES 5 /* null, code, data, TSS (two slots) */
#define GDT_CS 0x08
#define GDT_DS 0x10
#define GDT_TSS 0x18

typedef void (*smp_call_fn)(void *arg);

struct percpu {
	struct percpu *self;
	unsigned int index; /* 0 = boot CPU */
	uint32_t apic_id;
	volatile bool online;
	bool apic_x2; /* this CPU's APIC is in x2APIC mode (see lapic.h) */
	uint64_t stack_top;

	uint64_t gdt[GDT_ENTRIES] __attribute__((aligned(16)));
	struct tss tss __attribute__((aligned(16)));
	uint64_t ist_top[IST_COUNT];

	/* cross-CPU call mailbox, see smp.c */
	smp_call_fn volatile call_fn;
	void *volatile call_arg;
	volatile uint32_t call_done;

	/* a guest that takes this CPU's interrupts directly runs here: kick it with an NMI (kick.c) */
	volatile bool runs_direct_apic;
	volatile uint32_t kick_seq; /* kicks sent to this CPU, ever: a waiter halts only if none came */
	volatile uint32_t nmi_kicks; /* kick NMIs sent and not yet taken (NMIs can merge) */
	volatile uint32_t unexpected_nmis; /* counted in the NMI handler, reported outside it */
	uint32_t unexpected_nmis_reported;
	volatile bool draining_guest_irqs; /* taking what a guest left pending in the APIC */
};

extern struct percpu percpu_area[MAX_CPUS];

static inline struct percpu *this_cpu(void)
{
	struct percpu *p;

	__asm__ volatile("mov %%gs:0, %0" : "=r"(p));
	return p;
}

/* Load this CPU's GDT, TSS and GS base; the IDT is shared. */
void cpu_tables_init(struct percpu *cpu);
void idt_init(void);
void idt_load(void);

#endif
