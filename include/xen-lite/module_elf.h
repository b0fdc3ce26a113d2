/*
 * A behaviour module's file (include/xen-lite/module.h): a relocatable
 * x86-64 ELF object that dom0 hands over. module_elf_check() proves every
 * byte the loader will use is in bounds and supported and lays the module
 * out as one image (text, then rodata, then data and bss, each page-rounded
 * so each can be mapped with its own permissions); module_elf_place()
 * copies the sections into that image and applies the relocations. Pure
 * code: no allocation, no logging; a refusal comes back as a negative
 * errno and a one-line reason.
 */
#ifndef XEN_LITE_MODULE_ELF_H
#define XEN_LITE_MODULE_ELF_H

#include <xen-lite/module.h>
#include <xen-lite/types.h>

/* One function or object the hypervisor lets modules use (the export list). */
struct module_symbol {
	const char *name;
	uint64_t addr;
};

#define MODULE_MAX_SECTIONS 128
#define MODULE_MAX_IMAGE (512 * 1024) /* bytes of text+rodata+data+bss, page-rounded */
#define MODULE_MAX_SYMBOLS 65536
#define MODULE_MAX_RELOCATIONS (1u << 20) /* entries of all relocation sections together */

struct module_layout {
	/* page-rounded; text at image offset 0, rodata after it, data (with bss) after that */
	uint64_t text_size, rodata_size, data_size;
	uint64_t image_size; /* the sum */
	uint64_t info_offset; /* image offset of the struct xl_module_info (section .xl_module) */
	uint16_t shnum; /* sections in the file */
	/* image offset of each placed section, UINT64_MAX when not placed */
	uint64_t sec_offset[MODULE_MAX_SECTIONS];
};

/*
 * Check the whole file; fill *l. Touches nothing else. 0, or a negative
 * errno with a one-line reason in why (always NUL-terminated when why_len
 * is not 0): -ENOEXEC malformed or unsupported, -E2BIG too large, -EPROTO
 * built for another module API or hypervisor build, -ENOENT a symbol the
 * export list does not have. Relocations may write into .xl_module only
 * its init, exit and busy pointers, so the placed description says what
 * was checked here.
 */
int module_elf_check(const void *file, uint64_t size, const uint8_t build_id[XL_MODULE_BUILD_ID_SIZE],
		     const struct module_symbol *exports, size_t nexports, struct module_layout *l, char *why,
		     size_t why_len);

/*
 * Copy the placed sections into image (l->image_size bytes, zeroed by the
 * caller, that will run at virtual address image_va) and apply the
 * relocations; only after module_elf_check() accepted the same bytes with
 * the same export list. 0, or -ENOEXEC with why naming the relocation
 * whose value does not fit at this address.
 */
int module_elf_place(const void *file, uint64_t size, const struct module_layout *l, void *image,
		     uint64_t image_va, const struct module_symbol *exports, size_t nexports, char *why,
		     size_t why_len);

#endif
