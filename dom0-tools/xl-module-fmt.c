/* xl-lite module's output and module files (see xl-module-fmt.h). */
#include <string.h>

#include "xl-lite-fmt.h"
#include "xl-module-fmt.h"

static const struct {
	uint32_t bit;
	const char *name;
} hook_names[] = {
	{ XL_MODULE_HOOK_EXIT, "exit" },
	{ XL_MODULE_HOOK_DOMAIN, "domain" },
	{ XL_MODULE_HOOK_POLICY, "policy" },
	{ XL_MODULE_HOOK_OPS, "ops" },
};

#define NR_HOOK_NAMES (sizeof(hook_names) / sizeof(hook_names[0]))

const char *xl_module_hooks(uint32_t hooks, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < NR_HOOK_NAMES; i++)
		if ((hooks & hook_names[i].bit) && len < size)
			len += (size_t)snprintf(buf + len, size - len, "%s%s", len ? "," : "", hook_names[i].name);
	if (!len)
		snprintf(buf, size, "-");
	return buf;
}

static void print_sha256(FILE *f, const uint8_t *sha)
{
	for (unsigned int i = 0; i < 32; i++)
		fprintf(f, "%02x", sha[i]);
}

static void print_text(FILE *f, const struct xl_module_entry *m, unsigned int n)
{
	char hooks[32];

	fprintf(f, "%-20s %4s %-10s %-22s %8s %8s %8s %8s %s\n", "NAME", "ID", "VERSION", "HOOKS", "CALLS",
		"TEXT(K)", "RODATA(K)", "DATA(K)", "SHA256");
	for (unsigned int i = 0; i < n; i++) {
		size_t name = strnlen(m[i].name, sizeof(m[i].name));
		size_t version = strnlen(m[i].version, sizeof(m[i].version));

		xl_print_field(f, m[i].name, sizeof(m[i].name));
		fprintf(f, "%*s %4u ", name < 20 ? (int)(20 - name) : 0, "", m[i].id);
		xl_print_field(f, m[i].version, sizeof(m[i].version));
		fprintf(f, "%*s %-22s %8llu %8llu %8llu %8llu ", version < 10 ? (int)(10 - version) : 0, "",
			xl_module_hooks(m[i].hooks, hooks, sizeof(hooks)), (unsigned long long)m[i].calls,
			(unsigned long long)(m[i].text_bytes >> 10), (unsigned long long)(m[i].rodata_bytes >> 10),
			(unsigned long long)(m[i].data_bytes >> 10));
		print_sha256(f, m[i].sha256);
		fputc('\n', f);
	}
}

static void print_json(FILE *f, const struct xl_module_entry *m, unsigned int n, unsigned int loaded)
{
	fputs("{\"modules\":[", f);
	for (unsigned int i = 0; i < n; i++) {
		fprintf(f, "%s{\"name\":", i ? "," : "");
		xl_json_string(f, m[i].name, strnlen(m[i].name, sizeof(m[i].name)));
		fprintf(f, ",\"id\":%u,\"version\":", m[i].id);
		xl_json_string(f, m[i].version, strnlen(m[i].version, sizeof(m[i].version)));
		fputs(",\"sha256\":\"", f);
		print_sha256(f, m[i].sha256);
		fprintf(f, "\",\"text_bytes\":%llu,\"rodata_bytes\":%llu,\"data_bytes\":%llu,\"hooks\":[",
			(unsigned long long)m[i].text_bytes, (unsigned long long)m[i].rodata_bytes,
			(unsigned long long)m[i].data_bytes);
		for (unsigned int h = 0, first = 1; h < NR_HOOK_NAMES; h++)
			if (m[i].hooks & hook_names[h].bit) {
				fprintf(f, "%s\"%s\"", first ? "" : ",", hook_names[h].name);
				first = 0;
			}
		fprintf(f, "],\"calls\":%llu}", (unsigned long long)m[i].calls);
	}
	fprintf(f, "],\"loaded\":%u}\n", loaded);
}

void xl_print_modules(FILE *f, const struct xl_module_entry *m, unsigned int n, unsigned int loaded,
		      bool json)
{
	if (n > loaded)
		n = loaded;
	if (json) {
		print_json(f, m, n, loaded);
		return;
	}
	print_text(f, m, n);
	if (loaded > n)
		fprintf(f, "(%u more modules loaded, not listed)\n", loaded - n);
}

const char *xl_module_path(const char *typed, bool (*exists)(const char *path), char *buf, size_t size)
{
	static const char *const dirs[] = { XL_MODULE_DIR_PKG, XL_MODULE_DIR_INITRD };
	size_t len = strlen(typed);
	bool has_suffix = len > 4 && !strcmp(typed + len - 4, ".xlm");

	if (strchr(typed, '/') || exists(typed))
		return typed;
	for (unsigned int i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(buf, size, "%s/%s%s", dirs[i], typed, has_suffix ? "" : ".xlm");
		if (exists(buf))
			return buf;
	}
	return NULL;
}
