/*
 * Behaviour modules given by the boot loader: a boot module whose command
 * line starts with "xl-module" is loaded before dom0 and any guest starts,
 * under the same checks and policy (modules=, module_sha256=) as a load
 * from dom0; the rest of the line is its init's argument.
 */
#include <xen-lite/arch/mm.h>
#include <xen-lite/log.h>
#include <xen-lite/module_loader.h>
#include <xen-lite/string.h>

static void load_one(const struct boot_module *m, unsigned int index)
{
	const char *args = m->cmdline + 9;
	char why[XL_MODULE_WHY_LEN] = "";
	uint64_t size = m->end - m->start;
	int err;

	while (*args == ' ')
		args++;
	if (size > XL_MODULE_MAX_FILE) {
		log_err("boot module %u: behaviour module not loaded: larger than %u bytes\n", index,
			XL_MODULE_MAX_FILE);
		return;
	}
	err = module_stage(size, 0, phys_to_virt(m->start), (uint32_t)size, why);
	if (err == 1)
		err = module_load_staged(args, why);
	if (err < 0)
		log_err("boot module %u: behaviour module not loaded: %s\n", index, why);
}

void modules_load_from_boot(const struct boot_info *bi)
{
	for (unsigned int i = 0; i < bi->module_count; i++)
		if (boot_module_is_behaviour_module(bi->modules[i].cmdline))
			load_one(&bi->modules[i], i);
}
