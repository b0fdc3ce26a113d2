/*
 * xen-lite.cfg: the configuration file xen-lite.efi reads from its own
 * directory on the ESP (reference: Documentation/efi-boot.md).
 *
 *   # comment                      whole-line comments only
 *   cmdline = console=com1 ...     hypervisor command line (at most once)
 *   module = dom0.bin root=/dev/sda the first word is the file, the rest of
 *   module = \boot\initrd.img       the line is the module's command line
 *
 * Pure C without EFI headers so it is unit-tested on the host
 * (tests/unit/test_efi_config.c).
 */
#ifndef XL_EFI_CONFIG_H
#define XL_EFI_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* These match include/xen-lite/boot_info.h (the unit test checks it). */
#define EFI_CFG_MAX_MODULES 16
#define EFI_CFG_CMDLINE_MAX 1024 /* bytes including the NUL */
#define EFI_CFG_MODULE_CMDLINE_MAX 512 /* bytes including the NUL */
#define EFI_CFG_PATH_MAX 256 /* bytes including the NUL, as written in the file */
#define EFI_CFG_LINE_MAX 2048 /* characters per line, without the line end */
#define EFI_CFG_FILE_MAX (64 * 1024) /* bytes; the loader refuses larger files */
#define EFI_CFG_MSG_MAX 160

struct efi_cfg_module {
	char path[EFI_CFG_PATH_MAX]; /* as written, '/' or '\' separators */
	char cmdline[EFI_CFG_MODULE_CMDLINE_MAX];
	unsigned int line; /* where it was given, for messages */
};

struct efi_config {
	bool have_cmdline;
	unsigned int cmdline_line;
	char cmdline[EFI_CFG_CMDLINE_MAX];
	struct efi_cfg_module modules[EFI_CFG_MAX_MODULES];
	unsigned int module_count;
};

enum efi_cfg_err {
	EFI_CFG_OK = 0,
	EFI_CFG_E_NUL = 1, /* a NUL byte in the text (binary file?) */
	EFI_CFG_E_LINE_TOO_LONG,
	EFI_CFG_E_NO_EQUALS, /* "key value" without '=' */
	EFI_CFG_E_NO_KEY, /* "= value" */
	EFI_CFG_E_UNKNOWN_KEY,
	EFI_CFG_E_DUP_CMDLINE,
	EFI_CFG_E_CMDLINE_TOO_LONG,
	EFI_CFG_E_TOO_MANY_MODULES,
	EFI_CFG_E_MODULE_NO_PATH,
	EFI_CFG_E_PATH_TOO_LONG,
	EFI_CFG_E_PATH_BAD_CHAR, /* non-ASCII or control character in a path */
	EFI_CFG_E_MODULE_CMDLINE_TOO_LONG,
	EFI_CFG_E_CONTROL_CHAR, /* a control character other than TAB */
	EFI_CFG_E_TOO_LARGE, /* file larger than EFI_CFG_FILE_MAX */
};

struct efi_cfg_error {
	enum efi_cfg_err code;
	unsigned int line; /* 1-based; 0 when not about a line */
	char msg[EFI_CFG_MSG_MAX]; /* human readable, without file name and line */
};

/*
 * Parse len bytes of text (need not be NUL-terminated). Lines end with LF,
 * CRLF or a lone CR; a UTF-8 byte order mark at the start is skipped.
 * Returns 0 with *cfg filled, or the first error's code (> 0) with *err
 * describing it; *cfg is then only partly filled.
 */
int efi_config_parse(const char *text, size_t len, struct efi_config *cfg, struct efi_cfg_error *err);

/*
 * Build the UCS-2 path the firmware's file protocol wants for a module:
 * 'path' relative to 'dir' (the .efi's directory, e.g. "\EFI\BOOT"), or
 * absolute when it starts with '\' or '/'. '/' becomes '\', repeated
 * separators collapse and a leading "\" is always present. dir may be empty
 * or NULL (root). Returns 0, or -1 if out (out_len uint16_t units including
 * the NUL) is too small or a path character is not printable ASCII.
 */
int efi_cfg_make_path(const uint16_t *dir, const char *path, uint16_t *out, size_t out_len);

/*
 * Truncate the UCS-2 path of a file ("\EFI\BOOT\BOOTX64.EFI") to its
 * directory ("\EFI\BOOT"); a file in the root gives "". Also turns '/' into
 * '\' and drops a trailing separator.
 */
void efi_cfg_dirname(uint16_t *path);

#endif
