/*
 * A test module that calls a function the hypervisor does not export
 * (tests/unit/test_module_elf.c): the checker must refuse it by that name.
 */
#include <xen-lite/module.h>

void xl_not_exported_anywhere(void); /* declared here only: no hypervisor function */

static int unexported_init(const char *args)
{
	xl_not_exported_anywhere();
	return 0;
}

static void unexported_exit(void)
{
}

XL_MODULE("unexported", "1", unexported_init, unexported_exit, NULL);
