/*
 * Host tests for the module checker and placer (xen-lite/module_elf.c) on
 * real objects: the test modules under tests/modules/, built by the same
 * rules as a module (mk/modules.mk) for this build's hypervisor, read from
 * TEST_MODULES_DIR (compiled in). The expected build id is the one the
 * build wrote for them (XL_BUILD_ID_BYTES, build/hv/build-id.h, included
 * by the build). The bad cases are copies of the sample module patched in
 * memory at the ELF fields concerned.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <xen-lite-abi.h> /* XL_MODULE_WHY_LEN */
#include <xen-lite/elf.h>
#include <xen-lite/errno.h>
#include <xen-lite/module_elf.h>

#ifndef TEST_MODULES_DIR
#error "TEST_MODULES_DIR: the build's test-modules directory (mk/modules.mk)"
#endif

static const uint8_t build_id[XL_MODULE_BUILD_ID_SIZE] = XL_BUILD_ID_BYTES;

#define IMAGE_VA 0xffffffffc0000000ull /* where the loader maps modules: the top 2 GiB */
#define EXPORT_BASE 0xffffffff81000000ull /* the hypervisor's text, within 2 GiB of the image */

static const struct module_symbol exports[] = {
	{ "xl_log", EXPORT_BASE + 0x100 },
	{ "memset", EXPORT_BASE + 0x200 },
	{ "memcpy", EXPORT_BASE + 0x300 },
	{ "strlcpy", EXPORT_BASE + 0x400 },
	{ "xl_module_ops", EXPORT_BASE + 0x500 },
	{ "xl_snprintf", EXPORT_BASE + 0x600 },
	{ "strlen", EXPORT_BASE + 0x700 },
};
#define NEXPORTS (sizeof(exports) / sizeof(exports[0]))

/* ---- the test objects and a little ELF reading of our own, to patch them ---- */

struct obj {
	uint8_t *bytes;
	size_t size;
};

static struct obj load(const char *name)
{
	char path[512];
	struct obj o = { 0 };
	FILE *fp;
	long n;

	snprintf(path, sizeof(path), "%s/%s.xlm", TEST_MODULES_DIR, name);
	fp = fopen(path, "rb");
	if (!fp)
		fail_msg("cannot open %s (make unit-tests builds it)", path);
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	n = ftell(fp);
	assert_true(n > 0);
	rewind(fp);
	o.size = (size_t)n;
	o.bytes = malloc(o.size);
	assert_non_null(o.bytes);
	assert_int_equal(fread(o.bytes, 1, o.size, fp), o.size);
	fclose(fp);
	return o;
}

static struct obj sample;

static int load_sample(void **state)
{
	sample = load("sample");
	return 0;
}

static int free_sample(void **state)
{
	free(sample.bytes);
	return 0;
}

/* A copy of the sample to patch; free it with free(o.bytes). */
static struct obj copy_sample(void)
{
	struct obj o = { malloc(sample.size), sample.size };

	assert_non_null(o.bytes);
	memcpy(o.bytes, sample.bytes, sample.size);
	return o;
}

static struct elf64_ehdr get_ehdr(const struct obj *o)
{
	struct elf64_ehdr e;

	memcpy(&e, o->bytes, sizeof(e));
	return e;
}

static void put_ehdr(struct obj *o, const struct elf64_ehdr *e)
{
	memcpy(o->bytes, e, sizeof(*e));
}

static struct elf64_shdr get_shdr(const struct obj *o, unsigned int i)
{
	struct elf64_ehdr e = get_ehdr(o);
	struct elf64_shdr sh;

	memcpy(&sh, o->bytes + e.e_shoff + i * sizeof(sh), sizeof(sh));
	return sh;
}

static void put_shdr(struct obj *o, unsigned int i, const struct elf64_shdr *sh)
{
	struct elf64_ehdr e = get_ehdr(o);

	memcpy(o->bytes + e.e_shoff + i * sizeof(*sh), sh, sizeof(*sh));
}

static const char *name_in(const struct obj *o, unsigned int table, uint32_t offset)
{
	return (const char *)o->bytes + get_shdr(o, table).sh_offset + offset;
}

static unsigned int section_index(const struct obj *o, const char *name)
{
	struct elf64_ehdr e = get_ehdr(o);

	for (unsigned int i = 1; i < e.e_shnum; i++)
		if (!strcmp(name_in(o, e.e_shstrndx, get_shdr(o, i).sh_name), name))
			return i;
	fail_msg("the test module has no section %s", name);
	return 0;
}

static unsigned int section_of_type(const struct obj *o, uint32_t type)
{
	struct elf64_ehdr e = get_ehdr(o);

	for (unsigned int i = 1; i < e.e_shnum; i++)
		if (get_shdr(o, i).sh_type == type)
			return i;
	fail_msg("the test module has no section of type %u", type);
	return 0;
}

static unsigned int symbol_index(const struct obj *o, const char *name)
{
	unsigned int symtab = section_of_type(o, SHT_SYMTAB);
	struct elf64_shdr sh = get_shdr(o, symtab);

	for (unsigned int i = 1; i < sh.sh_size / sizeof(struct elf64_sym); i++) {
		struct elf64_sym sym;

		memcpy(&sym, o->bytes + sh.sh_offset + i * sizeof(sym), sizeof(sym));
		if (!strcmp(name_in(o, sh.sh_link, sym.st_name), name))
			return i;
	}
	fail_msg("the test module has no symbol %s", name);
	return 0;
}

static uint8_t *symbol_at(struct obj *o, unsigned int i)
{
	return o->bytes + get_shdr(o, section_of_type(o, SHT_SYMTAB)).sh_offset +
	       i * sizeof(struct elf64_sym);
}

/* Entry n of relocation section rela_section. */
static uint8_t *rela_at(struct obj *o, const char *rela_section, unsigned int n)
{
	struct elf64_shdr sh = get_shdr(o, section_index(o, rela_section));

	assert_true((n + 1) * sizeof(struct elf64_rela) <= sh.sh_size);
	return o->bytes + sh.sh_offset + n * sizeof(struct elf64_rela);
}

/* The bytes of a field of the module's description in the file. */
#define INFO_FIELD(o, field)                                                      \
	((o)->bytes + get_shdr((o), section_index((o), ".xl_module")).sh_offset + \
	 offsetof(struct xl_module_info, field))

static void set32(uint8_t *at, uint32_t v)
{
	memcpy(at, &v, sizeof(v));
}

static void set_r_offset(struct obj *o, const char *section, uint64_t offset)
{
	struct elf64_rela r;
	uint8_t *at = rela_at(o, section, 0);

	memcpy(&r, at, sizeof(r));
	r.r_offset = offset;
	memcpy(at, &r, sizeof(r));
}

#define KEEP UINT32_MAX /* for set_r_info: the symbol or type as it was */

static void set_r_info(struct obj *o, const char *section, unsigned int n, uint32_t sym, uint32_t type)
{
	struct elf64_rela r;
	uint8_t *at = rela_at(o, section, n);

	memcpy(&r, at, sizeof(r));
	r.r_info = ELF64_R_INFO(sym == KEEP ? ELF64_R_SYM(r.r_info) : sym,
				type == KEEP ? ELF64_R_TYPE(r.r_info) : type);
	memcpy(at, &r, sizeof(r));
}

#define PATCH_SHDR(o, i, field, value)                      \
	do {                                                \
		struct elf64_shdr sh_ = get_shdr((o), (i)); \
		sh_.field = (value);                        \
		put_shdr((o), (i), &sh_);                   \
	} while (0)

#define PATCH_EHDR(o, field, value)                 \
	do {                                        \
		struct elf64_ehdr e_ = get_ehdr(o); \
		e_.field = (value);                 \
		put_ehdr((o), &e_);                 \
	} while (0)

/* ---- checking ---- */

static struct module_layout layout;
static char why[XL_MODULE_WHY_LEN];

static int check_with(const struct obj *o, const struct module_symbol *list, size_t n)
{
	memset(why, 0x7e, sizeof(why)); /* no NUL: the checker must write one */
	return module_elf_check(o->bytes, o->size, build_id, list, n, &layout, why, sizeof(why));
}

static int check(const struct obj *o)
{
	return check_with(o, exports, NEXPORTS);
}

/* The object is refused with err and a reason that contains what. */
static void expect_refused(const struct obj *o, int err, const char *what)
{
	int got = check(o);

	if (got != err)
		fail_msg("check gave %d (why: '%.*s'), expected %d", got, (int)sizeof(why), why, err);
	assert_non_null(memchr(why, '\0', sizeof(why)));
	if (!strstr(why, what))
		fail_msg("the reason '%s' does not contain '%s'", why, what);
}

/* Patch a copy of the sample (op points at it), then expect a refusal. */
#define EXPECT_PATCHED_REFUSED(patch, err, what)   \
	do {                                       \
		struct obj o = copy_sample();      \
		struct obj *op = &o;               \
		patch;                             \
		expect_refused(op, (err), (what)); \
		free(o.bytes);                     \
	} while (0)

/* ---- accepted and placed ---- */

static bool page_rounded(uint64_t n)
{
	return n % 4096 == 0;
}

static void test_sample_accepted_and_laid_out(void **state)
{
	unsigned int text = section_index(&sample, ".text"), data = section_index(&sample, ".data");
	unsigned int bss = section_index(&sample, ".bss"), info = section_index(&sample, ".xl_module");
	unsigned int comment = section_index(&sample, ".comment");
	unsigned int debug_info = section_index(&sample, ".debug_info");

	if (check(&sample))
		fail_msg("the sample module was refused: %s", why);
	assert_string_equal(why, "");
	assert_true(layout.text_size && page_rounded(layout.text_size));
	assert_true(layout.rodata_size && page_rounded(layout.rodata_size));
	assert_true(layout.data_size && page_rounded(layout.data_size));
	assert_int_equal(layout.image_size, layout.text_size + layout.rodata_size + layout.data_size);
	assert_int_equal(layout.shnum, get_ehdr(&sample).e_shnum);

	assert_int_equal(layout.sec_offset[text], 0);
	assert_int_equal(layout.info_offset, layout.sec_offset[info]);
	assert_in_range(layout.info_offset, layout.text_size, layout.text_size + layout.rodata_size - 1);
	assert_int_equal(layout.info_offset % 8, 0);
	assert_in_range(layout.sec_offset[data], layout.text_size + layout.rodata_size,
			layout.image_size - 1);
	assert_in_range(layout.sec_offset[bss], layout.sec_offset[data] + get_shdr(&sample, data).sh_size,
			layout.image_size - get_shdr(&sample, bss).sh_size);
	assert_int_equal(layout.sec_offset[0], UINT64_MAX);
	assert_int_equal(layout.sec_offset[comment], UINT64_MAX);
	assert_int_equal(layout.sec_offset[debug_info], UINT64_MAX);
	assert_int_equal(layout.sec_offset[MODULE_MAX_SECTIONS - 1], UINT64_MAX);
}

static uint8_t *place_sample(uint64_t va, const struct module_symbol *list, size_t n, int expect)
{
	uint8_t *image;
	int err;

	if (check_with(&sample, list, n))
		fail_msg("the sample module was refused: %s", why);
	image = calloc(1, layout.image_size);
	assert_non_null(image);
	memset(why, 0x7e, sizeof(why));
	err = module_elf_place(sample.bytes, sample.size, &layout, image, va, list, n, why, sizeof(why));
	if (err != expect)
		fail_msg("place at %#llx gave %d (why: '%.*s'), expected %d", (unsigned long long)va, err,
			 (int)sizeof(why), why, expect);
	assert_non_null(memchr(why, '\0', sizeof(why)));
	return image;
}

static uint64_t read64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static int32_t read32(const uint8_t *p)
{
	int32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* How many call or jmp rel32 instructions in text reach target. */
static unsigned int branches_to(const uint8_t *image, uint64_t target)
{
	unsigned int n = 0;

	for (uint64_t i = 0; i + 5 <= layout.text_size; i++) {
		if ((image[i] == 0xe8 || image[i] == 0xe9) &&
		    IMAGE_VA + i + 5 + (uint64_t)(int64_t)read32(image + i + 1) == target)
			n++;
	}
	return n;
}

static const struct module_symbol *export_named(const char *name)
{
	for (size_t i = 0; i < NEXPORTS; i++)
		if (!strcmp(exports[i].name, name))
			return &exports[i];
	fail_msg("no export %s", name);
	return NULL;
}

static bool contains(const uint8_t *from, uint64_t size, const void *what, size_t len)
{
	for (uint64_t i = 0; i + len <= size; i++)
		if (!memcmp(from + i, what, len))
			return true;
	return false;
}

static bool in_text(uint64_t addr)
{
	return addr >= IMAGE_VA && addr < IMAGE_VA + layout.text_size;
}

static void test_sample_placed(void **state)
{
	static const char *const called[] = { "xl_log", "memset", "strlcpy", "xl_module_ops" };
	uint8_t *image = place_sample(IMAGE_VA, exports, NEXPORTS, 0);
	const uint8_t *info = image + layout.info_offset;
	const uint8_t *rodata = image + layout.text_size, *data = rodata + layout.rodata_size;
	uint64_t init = read64(info + offsetof(struct xl_module_info, init));
	uint64_t busy = read64(info + offsetof(struct xl_module_info, busy));
	uint64_t data_va = IMAGE_VA + layout.sec_offset[section_index(&sample, ".data")];
	unsigned int busy_pointers = 0, data_addresses = 0;

	assert_string_equal(why, "");
	/* the description as checked: relocations wrote only its pointers */
	assert_int_equal(read32(info), XL_MODULE_MAGIC);
	assert_memory_equal(info + offsetof(struct xl_module_info, build_id), build_id, sizeof(build_id));
	assert_string_equal((const char *)info + offsetof(struct xl_module_info, name), "sample");
	assert_string_equal((const char *)info + offsetof(struct xl_module_info, version), "1.0-test");
	/* R_X86_64_64 into text */
	assert_true(in_text(init));
	assert_true(in_text(read64(info + offsetof(struct xl_module_info, exit))));
	assert_true(in_text(busy));
	/* PLT32 call sites reach the exports */
	for (size_t i = 0; i < sizeof(called) / sizeof(called[0]); i++)
		if (!branches_to(image, export_named(called[i])->addr))
			fail_msg("no call in the placed text reaches %s", called[i]);
	/* the string literal and the initialised global copied */
	assert_true(contains(rodata, layout.rodata_size, "sample: loaded with '%s'\n", 25));
	assert_true(contains(data, layout.data_size, "sample-none-yet", 16));
	/* the function pointer table (outside the description) points at busy */
	for (uint64_t i = 0; i + 8 <= layout.rodata_size; i += 8)
		if (rodata + i != info + offsetof(struct xl_module_info, busy) && read64(rodata + i) == busy)
			busy_pointers++;
	assert_true(busy_pointers >= 1);
	/* R_X86_64_32S: absolute addresses of .data in the code, sign-extended */
	for (uint64_t i = 0; i + 4 <= layout.text_size; i++)
		if ((uint64_t)(int64_t)read32(image + i) == data_va)
			data_addresses++;
	assert_true(data_addresses >= 1);
	free(image);
}

static void test_placed_where_32s_cannot_reach(void **state)
{
	const uint64_t low_va = 0x0000100000000000ull;
	struct module_symbol near[NEXPORTS];
	uint8_t *image;

	/* exports next to the image: only the absolute 32-bit values are out of reach */
	for (size_t i = 0; i < NEXPORTS; i++)
		near[i] = (struct module_symbol){ exports[i].name,
						  low_va - 0x100000 + exports[i].addr % 0x1000 };
	image = place_sample(low_va, near, NEXPORTS, -ENOEXEC);
	assert_non_null(strstr(why, "R_X86_64_32S"));
	assert_non_null(strstr(why, "does not fit in 32 bits"));
	free(image);
}

static void test_exports_out_of_call_reach(void **state)
{
	struct module_symbol far[NEXPORTS];
	uint8_t *image;

	for (size_t i = 0; i < NEXPORTS; i++)
		far[i] = (struct module_symbol){ exports[i].name, 0x0000700000000000ull + i * 0x10 };
	image = place_sample(IMAGE_VA, far, NEXPORTS, -ENOEXEC);
	assert_non_null(strstr(why, "R_X86_64_PLT32"));
	free(image);
}

/* A layout smaller than the file's: place never writes past it. */
static void test_place_bounded_by_layout(void **state)
{
	struct module_layout small;
	uint8_t *image;
	int err;

	assert_int_equal(check(&sample), 0);
	small = layout;
	small.image_size = 4096;
	image = calloc(1, small.image_size);
	assert_non_null(image);
	err = module_elf_place(sample.bytes, sample.size, &small, image, IMAGE_VA, exports, NEXPORTS, why,
			       sizeof(why));
	assert_int_equal(err, -ENOEXEC);
	assert_non_null(strstr(why, "layout does not match"));
	free(image);
}

/* ---- refused ---- */

static void test_random_bytes(void **state)
{
	uint8_t buf[4096];

	srand(1);
	for (unsigned int round = 0; round < 200; round++) {
		struct obj o = { buf, (size_t)rand() % sizeof(buf) };

		for (size_t i = 0; i < sizeof(buf); i++)
			buf[i] = (uint8_t)rand();
		if (round % 2) /* past the magic, into the fields */
			memcpy(buf, "\177ELF\2\1\1", 7);
		assert_int_equal(check(&o), -ENOEXEC);
		assert_true(why[0]);
	}
}

/* Bytes of the sample changed at random: refused or accepted, the checker and placer stay in bounds (ASan). */
static void test_sample_with_random_damage(void **state)
{
	srand(2);
	for (unsigned int round = 0; round < 300; round++) {
		struct obj o = copy_sample();

		for (unsigned int n = 1 + (unsigned int)rand() % 8; n; n--)
			o.bytes[(size_t)rand() % o.size] = (uint8_t)rand();
		if (!check(&o)) {
			uint8_t *image = calloc(1, layout.image_size);

			assert_non_null(image);
			module_elf_place(o.bytes, o.size, &layout, image, IMAGE_VA, exports, NEXPORTS, why,
					 sizeof(why));
			free(image);
		}
		assert_non_null(memchr(why, '\0', sizeof(why)));
		free(o.bytes);
	}
}

static void test_truncated(void **state)
{
	struct elf64_ehdr e = get_ehdr(&sample);
	const size_t cuts[] = { 0, 4, 63, 64, e.e_shoff, e.e_shoff + 100, sample.size - 1 };

	for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		struct obj o = { sample.bytes, cuts[i] };

		assert_int_equal(check(&o), -ENOEXEC);
	}
}

/* The section table moved to the front, then the file cut inside the section that ends it. */
static void test_truncated_inside_a_section(void **state)
{
	struct obj o = copy_sample();
	struct elf64_ehdr e = get_ehdr(&o);
	size_t table = (size_t)e.e_shnum * sizeof(struct elf64_shdr);
	unsigned int last = 1;
	char what[64];

	for (unsigned int i = 2; i < e.e_shnum; i++)
		if (get_shdr(&o, i).sh_type != SHT_NOBITS &&
		    get_shdr(&o, i).sh_offset > get_shdr(&o, last).sh_offset)
			last = i;
	assert_true(64 + table <= get_shdr(&o, last).sh_offset && get_shdr(&o, last).sh_size > 1);
	memmove(o.bytes + 64, o.bytes + e.e_shoff, table);
	PATCH_EHDR(&o, e_shoff, 64);
	o.size = get_shdr(&o, last).sh_offset + 1;
	snprintf(what, sizeof(what), "section %u (", last);
	expect_refused(&o, -ENOEXEC, what);
	free(o.bytes);
}

static void test_wrong_header_fields(void **state)
{
	EXPECT_PATCHED_REFUSED(op->bytes[1] = 'e', -ENOEXEC, "not an ELF file");
	EXPECT_PATCHED_REFUSED(op->bytes[EI_CLASS] = 1, -ENOEXEC, "not a 64-bit ELF file");
	EXPECT_PATCHED_REFUSED(op->bytes[EI_DATA] = 2, -ENOEXEC, "not a little-endian ELF file");
	EXPECT_PATCHED_REFUSED(op->bytes[EI_VERSION] = 2, -ENOEXEC, "unknown ELF version");
	EXPECT_PATCHED_REFUSED(PATCH_EHDR(op, e_version, 0), -ENOEXEC, "unknown ELF version");
	EXPECT_PATCHED_REFUSED(PATCH_EHDR(op, e_machine, 3), -ENOEXEC, "not an x86-64 object");
	EXPECT_PATCHED_REFUSED(PATCH_EHDR(op, e_type, ET_EXEC), -ENOEXEC, "not a relocatable object");
	EXPECT_PATCHED_REFUSED(PATCH_EHDR(op, e_ehsize, 52), -ENOEXEC, "header sizes");
	EXPECT_PATCHED_REFUSED(PATCH_EHDR(op, e_shentsize, 40), -ENOEXEC, "header sizes");
	EXPECT_PATCHED_REFUSED(PATCH_EHDR(op, e_shstrndx, 0), -ENOEXEC, "no section name table");
	EXPECT_PATCHED_REFUSED(PATCH_EHDR(op, e_shstrndx, get_ehdr(op).e_shnum), -ENOEXEC,
			       "no section name table");
	EXPECT_PATCHED_REFUSED(PATCH_EHDR(op, e_shoff, UINT64_MAX - 100), -ENOEXEC, "section table");
}

static void test_section_count(void **state)
{
	EXPECT_PATCHED_REFUSED(PATCH_EHDR(op, e_shnum, MODULE_MAX_SECTIONS + 1), -ENOEXEC, "1 to 128");
	EXPECT_PATCHED_REFUSED(PATCH_EHDR(op, e_shnum, 0xffff), -ENOEXEC, "1 to 128");
	EXPECT_PATCHED_REFUSED(PATCH_EHDR(op, e_shnum, 0), -ENOEXEC, "1 to 128");
}

static void test_section_offset_overflows(void **state)
{
	unsigned int text = section_index(&sample, ".text");
	unsigned int debug = section_index(&sample, ".debug_info"); /* not loaded, still checked */

	EXPECT_PATCHED_REFUSED(PATCH_SHDR(op, text, sh_offset, UINT64_MAX - 8), -ENOEXEC,
			       "runs past the end of the file");
	EXPECT_PATCHED_REFUSED(PATCH_SHDR(op, text, sh_size, UINT64_MAX), -ENOEXEC,
			       "runs past the end of the file");
	EXPECT_PATCHED_REFUSED(PATCH_SHDR(op, debug, sh_size, sample.size), -ENOEXEC,
			       "runs past the end of the file");
}

static void test_section_names_checked(void **state)
{
	unsigned int shstrtab = get_ehdr(&sample).e_shstrndx;
	unsigned int text = section_index(&sample, ".text");

	EXPECT_PATCHED_REFUSED(PATCH_SHDR(op, text, sh_name, get_shdr(op, shstrtab).sh_size), -ENOEXEC,
			       "name lies outside");
	/* a name table not ending in NUL: names could run off it */
	EXPECT_PATCHED_REFUSED(PATCH_SHDR(op, shstrtab, sh_size, get_shdr(op, shstrtab).sh_size - 1),
			       -ENOEXEC, "not a string table");
}

static void test_image_too_large(void **state)
{
	unsigned int bss = section_index(&sample, ".bss");
	uint64_t bss_offset;

	assert_int_equal(check(&sample), 0);
	bss_offset = layout.sec_offset[bss];
	EXPECT_PATCHED_REFUSED(PATCH_SHDR(op, bss, sh_size, 1024 * 1024), -E2BIG, ".bss");
	EXPECT_PATCHED_REFUSED(PATCH_SHDR(op, bss, sh_size, UINT64_MAX), -E2BIG, ".bss");
	EXPECT_PATCHED_REFUSED(PATCH_SHDR(op, bss, sh_size, MODULE_MAX_IMAGE - bss_offset + 1), -E2BIG,
			       "512 KiB");

	/* exactly the largest image: accepted */
	struct obj o = copy_sample();

	PATCH_SHDR(&o, bss, sh_size, MODULE_MAX_IMAGE - bss_offset);
	if (check(&o))
		fail_msg("a %u-byte image was refused: %s", MODULE_MAX_IMAGE, why);
	assert_int_equal(layout.image_size, MODULE_MAX_IMAGE);
	free(o.bytes);
}

static void test_section_kinds_refused(void **state)
{
	unsigned int text = section_index(&sample, ".text"), bss = section_index(&sample, ".bss");
	unsigned int rodata = section_index(&sample, ".rodata");

	EXPECT_PATCHED_REFUSED(PATCH_SHDR(op, text, sh_flags, SHF_ALLOC | SHF_WRITE | SHF_EXECINSTR),
			       -ENOEXEC, "'.text' is writable and executable");
	EXPECT_PATCHED_REFUSED(PATCH_SHDR(op, bss, sh_flags, SHF_ALLOC), -ENOEXEC,
			       "'.bss' is NOBITS but not writable");
	EXPECT_PATCHED_REFUSED(PATCH_SHDR(op, rodata, sh_type, SHT_INIT_ARRAY), -ENOEXEC,
			       "'.rodata' lists constructors");
	EXPECT_PATCHED_REFUSED(PATCH_SHDR(op, rodata, sh_type, SHT_FINI_ARRAY), -ENOEXEC, "'.rodata'");
	EXPECT_PATCHED_REFUSED(PATCH_SHDR(op, rodata, sh_type, SHT_PREINIT_ARRAY), -ENOEXEC, "'.rodata'");
	EXPECT_PATCHED_REFUSED(PATCH_SHDR(op, rodata, sh_type, SHT_X86_64_UNWIND), -ENOEXEC, "unwind table");
	EXPECT_PATCHED_REFUSED(PATCH_SHDR(op, rodata, sh_type, SHT_SYMTAB + 0x40), -ENOEXEC, "type 0x42");
	EXPECT_PATCHED_REFUSED(PATCH_SHDR(op, bss, sh_flags, SHF_ALLOC | SHF_WRITE | SHF_TLS), -ENOEXEC,
			       "thread-local");
	EXPECT_PATCHED_REFUSED(PATCH_SHDR(op, text, sh_addralign, 24), -ENOEXEC, "alignment 0x18");
	EXPECT_PATCHED_REFUSED(PATCH_SHDR(op, text, sh_addralign, 8192), -ENOEXEC, "alignment 0x2000");
}

/* An allocated note is not loaded; relocating one is refused. */
static void test_notes(void **state)
{
	unsigned int comment = section_index(&sample, ".comment");
	unsigned int rodata = section_index(&sample, ".rodata");
	struct obj o = copy_sample();

	PATCH_SHDR(&o, comment, sh_type, SHT_NOTE);
	PATCH_SHDR(&o, comment, sh_flags, SHF_ALLOC);
	if (check(&o))
		fail_msg("an allocated note was refused: %s", why);
	assert_int_equal(layout.sec_offset[comment], UINT64_MAX);
	free(o.bytes);
	EXPECT_PATCHED_REFUSED(
		{
			PATCH_SHDR(op, comment, sh_type, SHT_NOTE);
			PATCH_SHDR(op, comment, sh_flags, SHF_ALLOC);
			PATCH_SHDR(op, section_index(op, ".rela.debug_info"), sh_info, comment);
		},
		-ENOEXEC, "'.rela.debug_info' relocates '.comment', which is not loaded");
	/* nor may a symbol lie in one */
	EXPECT_PATCHED_REFUSED(PATCH_SHDR(op, rodata, sh_type, SHT_NOTE), -ENOEXEC,
			       "symbol '.rodata' is in section");
}

static void test_missing_or_two_descriptions(void **state)
{
	unsigned int info = section_index(&sample, ".xl_module"), data = section_index(&sample, ".data");

	/* .xl_module renamed .data, then .data renamed .xl_module */
	EXPECT_PATCHED_REFUSED(PATCH_SHDR(op, info, sh_name, get_shdr(op, data).sh_name), -ENOEXEC,
			       "no .xl_module section");
	EXPECT_PATCHED_REFUSED(PATCH_SHDR(op, data, sh_name, get_shdr(op, info).sh_name), -ENOEXEC,
			       "two .xl_module sections");
	EXPECT_PATCHED_REFUSED(PATCH_SHDR(op, info, sh_size, sizeof(struct xl_module_info) - 8), -ENOEXEC,
			       ".xl_module has 0x60 bytes");
	EXPECT_PATCHED_REFUSED(PATCH_SHDR(op, info, sh_flags, 0), -ENOEXEC, "not a loaded PROGBITS");
}

static void test_description_fields(void **state)
{
	EXPECT_PATCHED_REFUSED(INFO_FIELD(op, magic)[0] ^= 1, -ENOEXEC, "magic");
	EXPECT_PATCHED_REFUSED(set32(INFO_FIELD(op, api_version), XL_MODULE_API_VERSION + 1), -EPROTO,
			       "module API 2");
	EXPECT_PATCHED_REFUSED(INFO_FIELD(op, build_id)[19] ^= 1, -EPROTO,
			       "built for another hypervisor build");
	EXPECT_PATCHED_REFUSED(INFO_FIELD(op, name)[1] = 'A', -ENOEXEC, "name has byte 0x41 at 1");
	EXPECT_PATCHED_REFUSED(INFO_FIELD(op, name)[0] = '.', -ENOEXEC, "name has byte 0x2e at 0");
	EXPECT_PATCHED_REFUSED(INFO_FIELD(op, name)[0] = '\0', -ENOEXEC, "has no name");
	EXPECT_PATCHED_REFUSED(memset(INFO_FIELD(op, name), 'a', XL_MODULE_NAME_MAX), -ENOEXEC,
			       "name is not NUL-terminated");
	EXPECT_PATCHED_REFUSED(memset(INFO_FIELD(op, version), '1', XL_MODULE_VERSION_MAX), -ENOEXEC,
			       "version is not NUL-terminated");
	EXPECT_PATCHED_REFUSED(INFO_FIELD(op, version)[0] = '\n', -ENOEXEC, "unprintable byte 0x0a at 0");
}

static void test_wrong_build_id_given(void **state)
{
	uint8_t other[XL_MODULE_BUILD_ID_SIZE];
	int err;

	memcpy(other, build_id, sizeof(other));
	other[0] ^= 0x80;
	err = module_elf_check(sample.bytes, sample.size, other, exports, NEXPORTS, &layout, why,
			       sizeof(why));
	assert_int_equal(err, -EPROTO);
	assert_non_null(strstr(why, "built for another hypervisor build"));
}

/* A relocation may not rewrite the checked fields of the description. */
static void test_relocation_into_checked_description(void **state)
{
	EXPECT_PATCHED_REFUSED(set_r_offset(op, ".rela.xl_module", 0), -ENOEXEC, "only init, exit and busy");
}

static void test_symbol_table_checked(void **state)
{
	unsigned int symtab = section_of_type(&sample, SHT_SYMTAB);

	EXPECT_PATCHED_REFUSED(PATCH_SHDR(op, symtab, sh_type, SHT_PROGBITS), -ENOEXEC, "no symbol table");
	EXPECT_PATCHED_REFUSED(PATCH_SHDR(op, section_index(op, ".comment"), sh_type, SHT_SYMTAB), -ENOEXEC,
			       "two symbol tables");
	EXPECT_PATCHED_REFUSED(PATCH_SHDR(op, symtab, sh_entsize, 16), -ENOEXEC, "entries are not 24 bytes");
	EXPECT_PATCHED_REFUSED(PATCH_SHDR(op, symtab, sh_link, 0), -ENOEXEC, "no string table");
	EXPECT_PATCHED_REFUSED(PATCH_SHDR(op, symtab, sh_link, symtab), -ENOEXEC, "not a string table");
}

/* ---- relocations ---- */

static void test_relocation_offset_beyond_target(void **state)
{
	uint64_t text_size = get_shdr(&sample, section_index(&sample, ".text")).sh_size;

	EXPECT_PATCHED_REFUSED(set_r_offset(op, ".rela.text", text_size - 2), -ENOEXEC,
			       "runs past the end of '.text'");
	EXPECT_PATCHED_REFUSED(set_r_offset(op, ".rela.text", UINT64_MAX - 1), -ENOEXEC,
			       "runs past the end of '.text'");
}

static void test_relocation_bad_symbol_index(void **state)
{
	EXPECT_PATCHED_REFUSED(set_r_info(op, ".rela.text", 0, 0x7fffffff, KEEP), -ENOEXEC,
			       "names symbol 2147483647");
}

static void test_rel_section_refused(void **state)
{
	EXPECT_PATCHED_REFUSED(PATCH_SHDR(op, section_index(op, ".rela.text"), sh_type, SHT_REL), -ENOEXEC,
			       "'.rela.text' is SHT_REL");
}

static void test_relocation_section_headers(void **state)
{
	unsigned int rela_text = section_index(&sample, ".rela.text");
	unsigned int rela_debug = section_index(&sample, ".rela.debug_info");

	EXPECT_PATCHED_REFUSED(PATCH_SHDR(op, rela_text, sh_entsize, 16), -ENOEXEC,
			       "entries are not 24 bytes");
	EXPECT_PATCHED_REFUSED(PATCH_SHDR(op, rela_text, sh_link, 0), -ENOEXEC,
			       "does not use the symbol table");
	EXPECT_PATCHED_REFUSED(PATCH_SHDR(op, rela_text, sh_info, 500), -ENOEXEC,
			       "section 500, which does not exist");
	/* debug relocations are not applied, but their headers are checked */
	EXPECT_PATCHED_REFUSED(PATCH_SHDR(op, rela_debug, sh_size, 25), -ENOEXEC, "'.rela.debug_info'");
	EXPECT_PATCHED_REFUSED(PATCH_SHDR(op, rela_debug, sh_offset, sample.size), -ENOEXEC,
			       "runs past the end of the file");
}

/* Relocations of debug information are not applied: nothing there is checked past the header. */
static void test_debug_relocations_skipped(void **state)
{
	struct obj o = copy_sample();

	set_r_info(&o, ".rela.debug_info", 0, 0x7fffffff, 37);
	if (check(&o))
		fail_msg("a bad relocation of debug information was refused: %s", why);
	free(o.bytes);
}

static void test_unsupported_relocation_type(void **state)
{
	EXPECT_PATCHED_REFUSED(set_r_info(op, ".rela.text", 0, KEEP, 9 /* R_X86_64_GOTPCREL */), -ENOEXEC,
			       "has type 9, which is not supported");
}

static void test_relocation_into_nobits(void **state)
{
	unsigned int bss = section_index(&sample, ".bss");

	EXPECT_PATCHED_REFUSED(PATCH_SHDR(op, section_index(op, ".rela.text"), sh_info, bss), -ENOEXEC,
			       "relocates NOBITS section '.bss'");
}

static void test_unexported_symbol(void **state)
{
	struct obj o = load("unexported");

	expect_refused(&o, -ENOENT, "symbol 'xl_not_exported_anywhere' is not exported by the hypervisor");
	free(o.bytes);
}

static void test_export_list_missing_a_symbol(void **state)
{
	struct module_symbol without_memset[NEXPORTS];
	size_t n = 0;

	for (size_t i = 0; i < NEXPORTS; i++)
		if (strcmp(exports[i].name, "memset"))
			without_memset[n++] = exports[i];
	assert_int_equal(check_with(&sample, without_memset, n), -ENOENT);
	assert_string_equal(why, "symbol 'memset' is not exported by the hypervisor");
	assert_int_equal(check_with(&sample, exports, 0), -ENOENT);
}

static void test_symbols_checked(void **state)
{
	unsigned int sym = symbol_index(&sample, "xl_log");
	struct elf64_sym s;

#define PATCH_SYMBOL(o, field, value)                       \
	do {                                                \
		memcpy(&s, symbol_at((o), sym), sizeof(s)); \
		s.field = (value);                          \
		memcpy(symbol_at((o), sym), &s, sizeof(s)); \
	} while (0)
	EXPECT_PATCHED_REFUSED(PATCH_SYMBOL(op, st_shndx, SHN_COMMON), -ENOEXEC,
			       "'xl_log' is a common symbol");
	EXPECT_PATCHED_REFUSED(PATCH_SYMBOL(op, st_shndx, 0xfff0), -ENOEXEC, "which is not loaded");
	EXPECT_PATCHED_REFUSED(PATCH_SYMBOL(op, st_shndx, section_index(op, ".comment")), -ENOEXEC,
			       "'xl_log' is in section");
	EXPECT_PATCHED_REFUSED(
		{
			PATCH_SYMBOL(op, st_shndx, section_index(op, ".text"));
			PATCH_SYMBOL(op, st_value, 0x100000);
		},
		-ENOEXEC, "'xl_log' lies past the end of section '.text'");
	EXPECT_PATCHED_REFUSED(PATCH_SYMBOL(op, st_name, 0x7fffffff), -ENOEXEC,
			       "name lies outside the string table");
#undef PATCH_SYMBOL
}

/* The reason is cut to fit, and always ends in a NUL. */
static void test_short_reason_buffers(void **state)
{
	struct obj o = load("unexported");
	char small[8];

	memset(small, 0x7e, sizeof(small));
	assert_int_equal(
		module_elf_check(o.bytes, o.size, build_id, exports, NEXPORTS, &layout, small, sizeof(small)),
		-ENOENT);
	assert_string_equal(small, "symbol ");
	assert_int_equal(module_elf_check(o.bytes, o.size, build_id, exports, NEXPORTS, &layout, NULL, 0),
			 -ENOENT);
	free(o.bytes);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sample_accepted_and_laid_out),
		cmocka_unit_test(test_sample_placed),
		cmocka_unit_test(test_placed_where_32s_cannot_reach),
		cmocka_unit_test(test_exports_out_of_call_reach),
		cmocka_unit_test(test_place_bounded_by_layout),
		cmocka_unit_test(test_random_bytes),
		cmocka_unit_test(test_sample_with_random_damage),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_truncated_inside_a_section),
		cmocka_unit_test(test_wrong_header_fields),
		cmocka_unit_test(test_section_count),
		cmocka_unit_test(test_section_offset_overflows),
		cmocka_unit_test(test_section_names_checked),
		cmocka_unit_test(test_image_too_large),
		cmocka_unit_test(test_section_kinds_refused),
		cmocka_unit_test(test_notes),
		cmocka_unit_test(test_missing_or_two_descriptions),
		cmocka_unit_test(test_description_fields),
		cmocka_unit_test(test_wrong_build_id_given),
		cmocka_unit_test(test_relocation_into_checked_description),
		cmocka_unit_test(test_symbol_table_checked),
		cmocka_unit_test(test_relocation_offset_beyond_target),
		cmocka_unit_test(test_relocation_bad_symbol_index),
		cmocka_unit_test(test_rel_section_refused),
		cmocka_unit_test(test_relocation_section_headers),
		cmocka_unit_test(test_debug_relocations_skipped),
		cmocka_unit_test(test_unsupported_relocation_type),
		cmocka_unit_test(test_relocation_into_nobits),
		cmocka_unit_test(test_unexported_symbol),
		cmocka_unit_test(test_export_list_missing_a_symbol),
		cmocka_unit_test(test_symbols_checked),
		cmocka_unit_test(test_short_reason_buffers),
	};

	return cmocka_run_group_tests(tests, load_sample, free_sample);
}
