/*
 * Loading and unloading behaviour modules (include/xen-lite/module_loader.h).
 * One lock serialises everything that changes or calls modules: loads,
 * unloads, lists and module operations. Hooks on the exit path never take
 * it (module_hooks.c). A module's pages are mapped at addresses that are
 * never reused, so no CPU can reach a later module through an old
 * translation.
 */
#include <stdarg.h>

#include <xen-lite/arch/mm.h>
#include <xen-lite/errno.h>
#include <xen-lite/format.h>
#include <xen-lite/heap.h>
#include <xen-lite/log.h>
#include <xen-lite/mm.h>
#include <xen-lite/module_elf.h>
#include <xen-lite/module_exports.h>
#include <xen-lite/module_hooks.h>
#include <xen-lite/module_loader.h>
#include <xen-lite/params.h>
#include <xen-lite/sha256.h>
#include <xen-lite/spinlock.h>
#include <xen-lite/string.h>

#define UNLOAD_TIMEOUT_US 1000000 /* hooks must return promptly: a second is a hung hook */

struct loaded_module {
	struct loaded_module *next;
	uint32_t id;
	char name[XL_MODULE_NAME_MAX];
	char version[XL_MODULE_VERSION_MAX];
	uint8_t sha256[32];
	struct module_layout layout;
	void *pages; /* direct-map pointer of its image */
	uint64_t va; /* where it runs */
	const struct xl_module_info *info; /* inside the image, at va */
	uint64_t calls;
};

static spinlock_t modules_lock = SPINLOCK_INIT;
static struct loaded_module *modules;
static uint32_t next_module_id = 1;
static uint64_t window_next, window_end;

static struct {
	uint8_t *file; /* alloc_pages() of total bytes */
	uint64_t total, received;
} staging;

static uint8_t allowed_sha256[MODULE_SHA256_LIST_MAX][32];
static unsigned int allowed_count;

static const char *const policy_names[] = { "dom0", "off", "locked" };

static void parse_allowed_hashes(void)
{
	const char *p = params.module_sha256;

	while (*p && allowed_count < MODULE_SHA256_LIST_MAX) {
		char hex[65] = { 0 };
		size_t n = 0;

		while (p[n] && p[n] != ',' && n < 64)
			n++;
		memcpy(hex, p, n);
		if ((p[n] && p[n] != ',') || sha256_parse_hex(hex, allowed_sha256[allowed_count]))
			log_warn("module: module_sha256: '%s...' is not a SHA-256 (64 hex digits), ignored\n",
				 hex);
		else
			allowed_count++;
		while (*p && *p != ',')
			p++;
		if (*p == ',')
			p++;
	}
}

void module_loader_init(void)
{
	arch_module_window(&window_next, &window_end);
	parse_allowed_hashes();
	if (params.modules == MODULES_LOCKED)
		log_info("module: behaviour modules: locked, %u hash(es) accepted\n", allowed_count);
	else
		log_info("module: behaviour modules: %s\n", policy_names[params.modules % 3]);
}

static void drop_staging(void)
{
	if (staging.file)
		free_pages(staging.file, staging.total);
	staging.file = NULL;
	staging.total = staging.received = 0;
}

__attribute__((format(printf, 3, 4))) static int refuse(char *why, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	xl_vsnprintf(why, XL_MODULE_WHY_LEN, fmt, ap);
	va_end(ap);
	return err;
}

static int start_staging(uint64_t total, char *why)
{
	drop_staging();
	if (!total || total > XL_MODULE_MAX_FILE)
		return refuse(why, -E2BIG, "a module file is 1 to 1048576 bytes");
	staging.file = alloc_pages(total);
	if (!staging.file)
		return refuse(why, -ENOMEM, "no memory for the module file");
	staging.total = total;
	return 0;
}

int module_stage(uint64_t total, uint64_t offset, const void *chunk, uint32_t length, char *why)
{
	int ret = 0;

	spin_lock(&modules_lock);
	if (params.modules == MODULES_OFF)
		ret = refuse(why, -EPERM, "module loading is off on this node (modules=off)");
	else if (offset == 0)
		ret = start_staging(total, why);
	else if (!staging.file || total != staging.total || offset != staging.received)
		ret = refuse(why, -EINVAL, "chunk out of order: a load starts at offset 0 and continues where it stopped");
	if (!ret && length > staging.total - staging.received)
		ret = refuse(why, -EINVAL, "chunk beyond the file's total size");
	if (!ret) {
		memcpy(staging.file + staging.received, chunk, length);
		staging.received += length;
		ret = staging.received == staging.total;
	} else {
		drop_staging();
	}
	spin_unlock(&modules_lock);
	return ret;
}

static struct loaded_module *find_module(const char *name)
{
	for (struct loaded_module *m = modules; m; m = m->next)
		if (!strncmp(m->name, name, sizeof(m->name)))
			return m;
	return NULL;
}

static bool hash_allowed(const uint8_t sha[32])
{
	for (unsigned int i = 0; i < allowed_count; i++)
		if (!memcmp(allowed_sha256[i], sha, 32))
			return true;
	return false;
}

static void sha256_hex(const uint8_t sha[32], char out[65])
{
	for (unsigned int i = 0; i < 32; i++)
		xl_snprintf(out + 2 * i, 3, "%02x", sha[i]);
}

/* The hypervisor's own build id, from the note the linker script keeps in .rodata. */
extern const uint8_t __build_id_note[];

static const uint8_t *own_build_id(void)
{
	return __build_id_note + 16; /* namesz, descsz, type, "GNU\0" */
}

/* Map the image's three regions; on failure nothing stays mapped. */
static int map_module(struct loaded_module *m)
{
	const struct module_layout *l = &m->layout;
	uint64_t pa = virt_to_phys(m->pages);
	int err = arch_module_map(m->va, pa, l->text_size, ARCH_MODULE_EXEC);

	if (!err && l->rodata_size)
		err = arch_module_map(m->va + l->text_size, pa + l->text_size, l->rodata_size, 0);
	if (!err && l->data_size)
		err = arch_module_map(m->va + l->text_size + l->rodata_size,
				      pa + l->text_size + l->rodata_size, l->data_size, ARCH_MODULE_WRITE);
	if (err)
		arch_module_unmap(m->va, l->image_size);
	return err;
}

static bool in_text(const struct loaded_module *m, const void *fn)
{
	uint64_t a = (uint64_t)(uintptr_t)fn;

	return a >= m->va && a < m->va + m->layout.text_size;
}

/* After placement: the description's functions must be the module's own code. */
static int check_entry_points(struct loaded_module *m, char *why)
{
	const struct xl_module_info *info =
		(const void *)((uint8_t *)m->pages + m->layout.info_offset);

	if (!in_text(m, info->init) || !in_text(m, info->exit) ||
	    (info->busy && !in_text(m, info->busy)))
		return refuse(why, -ENOEXEC, "init, exit or busy of '%s' is not in its text", info->name);
	m->info = (const void *)(uintptr_t)(m->va + m->layout.info_offset);
	memcpy(m->name, info->name, sizeof(m->name));
	memcpy(m->version, info->version, sizeof(m->version));
	return 0;
}

/* Check and place the staged file into a new, unmapped module (lock held). */
static int build_module(struct loaded_module *m, char *why)
{
	size_t nexports;
	const struct module_symbol *exports = module_exports(&nexports);
	int err = module_elf_check(staging.file, staging.total, own_build_id(), exports, nexports,
				   &m->layout, why, XL_MODULE_WHY_LEN);

	if (err)
		return err;
	if (m->layout.image_size + PAGE_SIZE > window_end - window_next)
		return refuse(why, -ENOSPC, "the module window is used up (it is never reused): reboot the node");
	m->pages = alloc_pages(m->layout.image_size);
	if (!m->pages)
		return refuse(why, -ENOMEM, "no memory for the module's image");
	memset(m->pages, 0, m->layout.image_size);
	m->va = window_next;
	err = module_elf_place(staging.file, staging.total, &m->layout, m->pages, m->va, exports,
			       nexports, why, XL_MODULE_WHY_LEN);
	if (!err)
		err = check_entry_points(m, why);
	if (!err && find_module(m->name))
		err = refuse(why, -EEXIST, "a module named '%s' is loaded already", m->name);
	if (!err && (err = map_module(m)))
		refuse(why, err, "the module's pages could not be mapped");
	if (err) {
		free_pages(m->pages, m->layout.image_size);
		m->pages = NULL;
		return err;
	}
	window_next += m->layout.image_size + PAGE_SIZE; /* a guard page between modules */
	return 0;
}

static void free_module(struct loaded_module *m)
{
	if (m->pages) {
		arch_module_unmap(m->va, m->layout.image_size);
		free_pages(m->pages, m->layout.image_size);
	}
	xl_free(m);
}

/* Run init with the hook window open; on success publish its hooks (lock held). */
static int start_module(struct loaded_module *m, const char *args, char *why)
{
	int err;

	module_hooks_begin(m);
	err = m->info->init(args);
	if (!err)
		module_hooks_publish(m);
	module_hooks_end();
	if (err > 0)
		err = -EINVAL; /* init returns 0 or a negative errno */
	if (err)
		xl_snprintf(why, XL_MODULE_WHY_LEN, "its init refused to start (error %d)", err);
	return err;
}

static int policy_allows(const uint8_t sha[32], char *why)
{
	char hex[65];

	/* modules=off refused the file's first chunk already (module_stage()) */
	if (params.modules == MODULES_LOCKED && !hash_allowed(sha)) {
		sha256_hex(sha, hex); /* logged with the refusal (module_load_staged()) */
		return refuse(why, -EACCES, "modules=locked and sha256 %s is not in module_sha256=", hex);
	}
	return 0;
}

int module_load_staged(const char *args, char *why)
{
	struct loaded_module *m = xl_zalloc(sizeof(*m));
	char hex[65];
	int err;

	spin_lock(&modules_lock);
	err = !m ? refuse(why, -ENOMEM, "no memory") :
	      !staging.file || staging.received != staging.total ?
		   refuse(why, -EINVAL, "no complete module file was sent") :
		   0;
	if (!err) {
		sha256(staging.file, staging.total, m->sha256);
		err = policy_allows(m->sha256, why);
	}
	if (!err)
		err = build_module(m, why);
	if (!err)
		err = start_module(m, args, why);
	sha256_hex(m ? m->sha256 : (const uint8_t[32]){ 0 }, hex);
	if (!err) {
		m->id = next_module_id++;
		m->next = modules;
		modules = m;
		log_info("module: loaded '%s' %s (id %u, sha256 %s) at %#llx: text %llu, rodata %llu, data %llu bytes\n",
			 m->name, m->version, m->id, hex, (unsigned long long)m->va,
			 (unsigned long long)m->layout.text_size,
			 (unsigned long long)m->layout.rodata_size,
			 (unsigned long long)m->layout.data_size);
	} else {
		log_warn("module: load refused (sha256 %s): %s\n", hex, why);
		if (m)
			free_module(m);
	}
	drop_staging();
	spin_unlock(&modules_lock);
	return err ? err : (int)m->id;
}

static void unlink_module(struct loaded_module *m)
{
	for (struct loaded_module **p = &modules; *p; p = &(*p)->next)
		if (*p == m) {
			*p = m->next;
			return;
		}
}

int module_unload(const char *name, char *why)
{
	struct loaded_module *m;
	const char *busy = NULL;
	int err = 0;

	spin_lock(&modules_lock);
	m = find_module(name);
	if (!m)
		err = refuse(why, -ENOENT, "no module named '%s' is loaded", name);
	else if (m->info->busy && (busy = m->info->busy()))
		xl_snprintf(why, XL_MODULE_WHY_LEN, "'%s' is busy: %s", name, busy);
	if (busy)
		err = -EBUSY;
	if (!err) {
		err = module_hooks_remove(m, UNLOAD_TIMEOUT_US);
		if (err)
			refuse(why, err, "a CPU stayed inside a hook of '%s': kept in memory, hooks removed", name);
	}
	if (!err) {
		unlink_module(m);
		m->info->exit();
		log_info("module: unloaded '%s' (id %u)\n", m->name, m->id);
		free_module(m);
	}
	spin_unlock(&modules_lock);
	return err;
}

int module_list(struct xl_module_entry *out, unsigned int max)
{
	int n = 0;

	spin_lock(&modules_lock);
	for (struct loaded_module *m = modules; m; m = m->next, n++) {
		if ((unsigned int)n >= max)
			continue;
		out[n] = (struct xl_module_entry){
			.id = m->id,
			.hooks = module_hooks_of(m),
			.text_bytes = m->layout.text_size,
			.rodata_bytes = m->layout.rodata_size,
			.data_bytes = m->layout.data_size,
			.calls = m->calls,
		};
		memcpy(out[n].name, m->name, sizeof(out[n].name));
		memcpy(out[n].version, m->version, sizeof(out[n].version));
		memcpy(out[n].sha256, m->sha256, sizeof(out[n].sha256));
	}
	spin_unlock(&modules_lock);
	return n;
}

int64_t module_call(const char *name, struct xl_module_call *c, bool *answered)
{
	struct loaded_module *m;
	int64_t ret = -ENOENT;

	spin_lock(&modules_lock);
	m = find_module(name);
	*answered = m != NULL;
	if (m) {
		ret = module_hooks_call(m, c);
		m->calls++;
	}
	spin_unlock(&modules_lock);
	return ret;
}
