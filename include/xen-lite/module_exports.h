/* The functions behaviour modules may call (xen-lite/module_exports.c; declared in module.h). */
#ifndef XEN_LITE_MODULE_EXPORTS_H
#define XEN_LITE_MODULE_EXPORTS_H
#include <xen-lite/module_elf.h>

/* The export list: name and address of each function a module may call. */
const struct module_symbol *module_exports(size_t *count);

#endif
