/* The vendor engine in use (arch/vmm.h): chosen once at boot, before any domain exists. */
#include <arch/vmm.h>

const struct vmm_ops *vmm;

void vmm_select(const struct vmm_ops *ops)
{
	vmm = ops;
}
