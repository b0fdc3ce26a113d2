/*
 * Behaviour modules loaded at run time (xen-lite/module_loader.c,
 * Documentation/modules.md): a file arrives in chunks from dom0, is
 * checked whole, placed in the module window with per-region permissions,
 * and its init runs; unload removes its hooks, waits until no CPU can be
 * inside it, runs its exit and frees it. Every function here is for the
 * XL_HC_MODULE hypercall (hypercalls/module_call.c); `why` receives a
 * one-line reason for any refusal.
 */
#ifndef XEN_LITE_MODULE_LOADER_H
#define XEN_LITE_MODULE_LOADER_H
#include <xen-lite-abi.h>
#include <xen-lite/module.h>
#include <xen-lite/string.h>
#include <xen-lite/types.h>

/* The boot policy (modules=, module_sha256=); logs what it is. */
void module_loader_init(void);

/*
 * Take one chunk of a module file: offset 0 starts a new file of total
 * bytes, later chunks follow in order. Returns 0 when more is expected,
 * 1 when the file is complete (then module_load_staged()), or an error.
 */
int module_stage(uint64_t total, uint64_t offset, const void *chunk, uint32_t length, char *why);
/* Check, place and start the staged file; its id (> 0) or an error. The staging is dropped. */
int module_load_staged(const char *args, char *why);
int module_unload(const char *name, char *why);
/* Fill at most max entries; returns how many modules are loaded. */
int module_list(struct xl_module_entry *out, unsigned int max);
/*
 * A module's own operation (XL_MODULE_CALL): its answer (*answered true:
 * c->buf holds what it left there), or -ENOENT when no module has the name.
 */
int64_t module_call(const char *name, struct xl_module_call *c, bool *answered);

/* Boot modules whose command line starts with "xl-module" (xen-lite/module_boot.c). */
struct boot_info;
static inline bool boot_module_is_behaviour_module(const char *cmdline)
{
	return !strncmp(cmdline, "xl-module", 9) && (cmdline[9] == '\0' || cmdline[9] == ' ');
}
void modules_load_from_boot(const struct boot_info *bi);

#endif
