/*
 * Fuzz xen-lite.efi's configuration file (arch/x86_64/efi/efi_config.c) as
 * efi_main.c uses it: the directory of the loader's own file path, the
 * file parsed, and each module's path made from the directory and the name.
 *
 * Input: a byte n, then n UCS-2 characters (the loader's file path from the
 * firmware, at most PATH_CHARS - 1), then the file's text.
 */
#include <string.h>

#include "../../arch/x86_64/efi/efi_config.h"

#include "support.h"

#define PATH_CHARS 512 /* efi_main.c's */

/*
 * efi_cfg_make_path() succeeded: a terminated path starting with '\', without
 * control characters or '/' (the directory, from the firmware, may have any
 * other UCS-2 character; the name from the file only printable ASCII).
 */
static void check_path(const uint16_t *path)
{
	size_t n = 0;

	FUZZ_CHECK(path[0] == '\\', "module path does not start with '\\'");
	for (; n < PATH_CHARS && path[n]; n++)
		FUZZ_CHECK(path[n] >= 0x20 && path[n] != 0x7f && path[n] != '/',
			   "module path has character %#x", path[n]);
	FUZZ_CHECK(n < PATH_CHARS, "module path not terminated");
}

static void check_string(const char *s, size_t size, const char *what)
{
	FUZZ_CHECK(memchr(s, '\0', size), "%s not terminated", what);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct efi_config cfg;
	static struct efi_cfg_error err;
	uint16_t dir[PATH_CHARS], path[PATH_CHARS];
	struct fuzz_in in = { data, size };
	const uint8_t *text;
	size_t chars = fuzz_u8(&in), len;

	/* the loader's path, as efi_main.c copies it: at most PATH_CHARS - 1 characters */
	for (size_t i = 0; i < chars; i++)
		dir[i] = fuzz_u16(&in);
	dir[chars] = 0;
	efi_cfg_dirname(dir);
	len = fuzz_bytes(&in, in.len, &text);

	if (efi_cfg_make_path(dir, "xen-lite.cfg", path, PATH_CHARS) == 0)
		check_path(path);
	if (efi_config_parse((const char *)text, len, &cfg, &err)) {
		FUZZ_CHECK(err.code > EFI_CFG_OK && err.code <= EFI_CFG_E_TOO_LARGE, "error code %d",
			   err.code);
		check_string(err.msg, sizeof(err.msg), "the error message");
		return 0;
	}
	FUZZ_CHECK(cfg.module_count <= EFI_CFG_MAX_MODULES, "%u modules", cfg.module_count);
	check_string(cfg.cmdline, sizeof(cfg.cmdline), "the command line");
	for (unsigned int i = 0; i < cfg.module_count; i++) {
		check_string(cfg.modules[i].path, sizeof(cfg.modules[i].path), "a module path");
		check_string(cfg.modules[i].cmdline, sizeof(cfg.modules[i].cmdline),
			     "a module command line");
		if (efi_cfg_make_path(dir, cfg.modules[i].path, path, PATH_CHARS) == 0)
			check_path(path);
		/* a short buffer must fail cleanly, never overflow */
		efi_cfg_make_path(dir, cfg.modules[i].path, path, 1 + i % 8);
	}
	return 0;
}
