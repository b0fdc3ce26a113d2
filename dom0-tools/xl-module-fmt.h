/*
 * xl-lite module list's output (a table or JSON, from XL_MODULE_LIST), and
 * which file `module load NAME` sends. No device access: the host unit
 * tests link it. Documentation/tools.md.
 */
#ifndef XL_MODULE_FMT_H
#define XL_MODULE_FMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "xen-lite-abi.h"

/* Where packages (first) and dom0's test initramfs put modules. */
#define XL_MODULE_DIR_PKG "/usr/lib/xen-lite/modules"
#define XL_MODULE_DIR_INITRD "/lib/xen-lite/modules"

/* The hooks a module installed, "exit,domain,ops" ("-" for none; buf: at least 32 bytes). */
const char *xl_module_hooks(uint32_t hooks, char *buf, size_t size);

/*
 * xl-lite module list: the n entries filled of the loaded modules the
 * hypervisor has (more than n when they did not all fit).
 */
void xl_print_modules(FILE *f, const struct xl_module_entry *m, unsigned int n, unsigned int loaded,
		      bool json);

/*
 * The file to load for what was typed: a path with a '/', or a file that
 * exists(), as it is; else NAME or NAME.xlm in XL_MODULE_DIR_PKG, then
 * XL_MODULE_DIR_INITRD, the first that exists (into buf). NULL when none
 * does (a bare name then names nothing).
 */
const char *xl_module_path(const char *typed, bool (*exists)(const char *path), char *buf, size_t size);

#endif
