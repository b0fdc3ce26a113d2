/*
 * wild_access (expect=crash): reads guest-physical memory far outside the
 * guest's memory. The hypervisor must end the domain ("crashed: ..."); if
 * the read returns, the guest reports FAIL with what it read.
 *
 * The target is 1 GiB above mem_size rounded up to 1 GiB (2 GiB for the
 * default sizes), mapped with map_2m at a virtual address of its own
 * (512 GiB, outside the loader's identity map). It waits 500 ms first so
 * that guests started with it (bystander) are running when it is ended.
 */
#include "guest.h"

#define WILD_VA 0x0000008000000000ul /* PML4 slot 1 */

void guest_main(const struct xl_start_info *si)
{
	uint64_t pa = G_ALIGN_UP(si->mem_size, PAGE_1G) + PAGE_1G;

	map_2m(WILD_VA, pa);
	delay_ms(500);
	gprintf("wild_access: mem_size 0x%lx; about to access outside memory: guest-physical 0x%lx (at 0x%lx)\n",
		si->mem_size, pa + 0x1238, WILD_VA + 0x1238);
	uint64_t v = *(volatile uint64_t *)(uintptr_t)(WILD_VA + 0x1238);

	fail("wild_access: the read of guest-physical 0x%lx returned 0x%lx", pa + 0x1238, v);
}
