/* GDT, TSS (with IST stacks for faults that need a known-good stack) and the IDT. */
#include <arch/cpu.h>
#include <arch/memlayout.h>
#include <arch/percpu.h>
#include <xen-lite/string.h>

struct percpu percpu_area[MAX_CPUS];

struct gate {
	uint16_t offset_lo;
	uint16_t selector;
	uint8_t ist;
	uint8_t type_attr;
	uint16_t offset_mid;
	uint32_t offset_hi;
	uint32_t reserved;
} __attribute__((packed));

struct table_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

static struct gate idt[256] __attribute__((aligned(16)));
extern const uint8_t isr_stub_table[];

/* the IST stacks of the boot CPU must exist before any allocator does */
static uint8_t bsp_ist_stacks[IST_COUNT][IST_STACK_SIZE_BYTES] __attribute__((aligned(16)));

#define GATE_INTERRUPT 0x8E /* present, DPL 0, 64-bit interrupt gate */

static void set_gate(unsigned int vec, uint8_t ist)
{
	uint64_t addr = (uint64_t)(uintptr_t)&isr_stub_table[vec * 16];

	idt[vec] = (struct gate){
		.offset_lo = addr & 0xffff,
		.selector = GDT_CS,
		.ist = ist,
		.type_attr = GATE_INTERRUPT,
		.offset_mid = (addr >> 16) & 0xffff,
		.offset_hi = addr >> 32,
	};
}

void idt_init(void)
{
	for (unsigned int v = 0; v < 256; v++)
		set_gate(v, 0);
	set_gate(VEC_DOUBLE_FAULT, IST_DOUBLE_FAULT);
	set_gate(VEC_NMI, IST_NMI);
	set_gate(VEC_MACHINE_CHECK, IST_MACHINE_CHECK);
}

void idt_load(void)
{
	struct table_ptr p = { sizeof(idt) - 1, (uint64_t)(uintptr_t)idt };

	__asm__ volatile("lidt %0" ::"m"(p));
}

static void fill_gdt(struct percpu *cpu)
{
	uint64_t base = (uint64_t)(uintptr_t)&cpu->tss;
	uint64_t limit = sizeof(cpu->tss) - 1;

	cpu->gdt[0] = 0;
	cpu->gdt[1] = 0x00AF9A000000FFFFULL; /* 64-bit code, DPL 0 */
	cpu->gdt[2] = 0x00CF92000000FFFFULL; /* data */
	cpu->gdt[3] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ULL << 40) |
		      (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
	cpu->gdt[4] = base >> 32;
}

static void load_gdt(struct percpu *cpu)
{
	struct table_ptr p = { sizeof(cpu->gdt) - 1, (uint64_t)(uintptr_t)cpu->gdt };

	__asm__ volatile("lgdt %0\n\t"
			 "pushq %1\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "mov %2, %%ax\n\t"
			 "mov %%ax, %%ds\n\t"
			 "mov %%ax, %%es\n\t"
			 "mov %%ax, %%ss\n\t"
			 "xor %%eax, %%eax\n\t"
			 "mov %%ax, %%fs\n\t"
			 "mov %%ax, %%gs\n\t"
			 :
			 : "m"(p), "i"(GDT_CS), "i"(GDT_DS)
			 : "rax", "memory");
	__asm__ volatile("ltr %w0" ::"r"(GDT_TSS));
}

void cpu_tables_init(struct percpu *cpu)
{
	if (cpu->index == 0) {
		for (int i = 0; i < IST_COUNT; i++)
			cpu->ist_top[i] = (uint64_t)(uintptr_t)(bsp_ist_stacks[i] + IST_STACK_SIZE_BYTES);
	}
	memset(&cpu->tss, 0, sizeof(cpu->tss));
	for (int i = 0; i < IST_COUNT; i++)
		cpu->tss.ist[i] = cpu->ist_top[i];
	cpu->tss.iomap_base = sizeof(cpu->tss); /* no I/O bitmap */
	cpu->self = cpu;
	fill_gdt(cpu);
	load_gdt(cpu);
	wrmsr(MSR_GS_BASE, (uint64_t)(uintptr_t)cpu);
	idt_load();
}
