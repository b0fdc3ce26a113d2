/*
 * xl-lite module load | unload | list: the hypervisor's behaviour modules
 * (XL_HC_MODULE, Documentation/modules.md). A module file goes to the
 * hypervisor in chunks (libxl-lite's xl_module_load()); a refusal is
 * printed with the hypervisor's own reason. Documentation/tools.md.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xl-cmds.h"
#include "xl-lite-fmt.h"
#include "xl-module-fmt.h"

/* modules asked for per XL_MODULE_LIST (120 bytes each: 30 KiB) */
#define MODULE_LIST_MAX 256

bool xl_file_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

/* "xl-lite: WHAT: WHY (the error)", or the error alone when the hypervisor gave no reason */
static int refused(struct xl_handle *h, const char *what, const char *why)
{
	char msg[256];

	xl_error_message(&h->err, msg, sizeof(msg));
	if (why[0])
		fprintf(stderr, "xl-lite: %s: %s (%s)\n", what, why, msg);
	else
		fprintf(stderr, "xl-lite: %s: %s\n", what, msg);
	return XL_EXIT_ERROR;
}

/* load's ARGS joined by blanks (xl-args.c has checked they fit). */
static void join_args(const struct xl_args *a, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (unsigned int i = 2; i < a->nargs && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s", i > 2 ? " " : "", a->args[i]);
}

int xl_module_lookup(struct xl_handle *h, const char *name, uint32_t id, struct xl_module_entry *found)
{
	static struct xl_module_entry m[MODULE_LIST_MAX];
	int n = xl_module_list(h, m, MODULE_LIST_MAX);

	if (n < 0)
		return -1;
	for (int i = 0; i < n && i < MODULE_LIST_MAX; i++)
		if (name ? !strncmp(m[i].name, name, sizeof(m[i].name)) : m[i].id == id) {
			*found = m[i];
			return 1;
		}
	return 0;
}

static int load(struct xl_handle *h, const struct xl_args *a)
{
	char found[PATH_MAX], args[XL_MODULE_ARGS_LEN], why[XL_MODULE_WHY_LEN], what[PATH_MAX + 16];
	const char *path = xl_module_path(a->args[1], xl_file_exists, found, sizeof(found));
	struct xl_module_entry m;
	size_t size;
	char *image;
	int64_t id;

	path = path ? path : a->args[1];
	image = xl_read_file(path, "", XL_MODULE_MAX_FILE, &size);
	if (!image)
		return XL_EXIT_ERROR;
	if (!size) {
		fprintf(stderr, "xl-lite: %s: empty: not a module\n", path);
		free(image);
		return XL_EXIT_ERROR;
	}
	join_args(a, args, sizeof(args));
	id = xl_module_load(h, image, size, args, why, sizeof(why));
	free(image);
	snprintf(what, sizeof(what), "module load %s", path);
	if (id < 0)
		return refused(h, what, why);
	if (xl_module_lookup(h, NULL, (uint32_t)id, &m) == 1) {
		printf("%u ", m.id);
		xl_print_field(stdout, m.name, sizeof(m.name));
		putchar('\n');
	} else {
		printf("%lld\n", (long long)id);
	}
	return XL_EXIT_OK;
}

static int unload(struct xl_handle *h, const char *name)
{
	char why[XL_MODULE_WHY_LEN], what[64];

	snprintf(what, sizeof(what), "module unload %s", name);
	return xl_module_unload(h, name, why, sizeof(why)) < 0 ? refused(h, what, why) : XL_EXIT_OK;
}

static int list(struct xl_handle *h, bool json)
{
	static struct xl_module_entry m[MODULE_LIST_MAX];
	int n = xl_module_list(h, m, MODULE_LIST_MAX);

	if (n < 0)
		return xl_report(&h->err);
	xl_print_modules(stdout, m, n < MODULE_LIST_MAX ? (unsigned int)n : MODULE_LIST_MAX, (unsigned int)n,
			 json);
	return XL_EXIT_OK;
}

int xl_cmd_module(struct xl_handle *h, const struct xl_args *a)
{
	switch (a->module_sub) {
	case XL_MODULE_SUB_LOAD:
		return load(h, a);
	case XL_MODULE_SUB_UNLOAD:
		return unload(h, a->args[1]);
	case XL_MODULE_SUB_LIST:
		return list(h, a->json);
	default:
		return XL_EXIT_USAGE;
	}
}
