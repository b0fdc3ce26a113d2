/*
 * The page tables and GDT a guest's kernel is entered with
 * (include/xen-lite/arch/guest.h), for the ELF loader's start area and the
 * Linux boot protocol's boot area alike: PML4, PDPT, then one page directory
 * per GiB, mapping 2 MiB pages.
 */
#include <arch/page_table.h>
#include <xen-lite/arch/guest.h>

#define GDT_CODE64 0x00AF9B000000FFFFULL /* present, DPL 0, execute/read, L: 64-bit, flat */
#define GDT_DATA 0x00CF93000000FFFFULL /* present, DPL 0, read/write, 4 GiB flat */

void arch_guest_boot_tables(uint8_t *area, uint64_t base, uint64_t bytes)
{
	uint64_t *pml4 = (uint64_t *)area, *pdpt = (uint64_t *)(area + PAGE_SIZE);
	uint64_t gib = ALIGN_UP(bytes, SIZE_1G) >> 30;

	pml4[0] = (base + PAGE_SIZE) | PTE_P | PTE_W;
	for (uint64_t g = 0; g < gib; g++) {
		uint64_t *pd = (uint64_t *)(area + (2 + g) * PAGE_SIZE);

		pdpt[g] = (base + (2 + g) * PAGE_SIZE) | PTE_P | PTE_W;
		/* every 2 MiB page that starts below bytes */
		for (uint64_t i = 0; i < 512 && (g << 30) + (i << 21) < bytes; i++)
			pd[i] = ((g << 30) + (i << 21)) | PTE_P | PTE_W | PTE_PS;
	}
}

void arch_guest_boot_gdt(uint64_t *gdt, uint16_t code, uint16_t data)
{
	gdt[code / 8] = GDT_CODE64;
	gdt[data / 8] = GDT_DATA;
}
