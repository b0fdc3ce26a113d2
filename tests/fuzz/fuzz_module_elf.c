/*
 * Fuzz the behaviour-module checker and placer (xen-lite/module_elf.c)
 * with module files as dom0 would send them: module_elf_check(), and for
 * a file it accepts, module_elf_place() into an image of exactly the size
 * the layout says (AddressSanitizer catches any write beyond it), at the
 * module window's address, against an export list with the hypervisor's
 * names. An accepted layout must be consistent: page-rounded regions in
 * order, the description inside the image, every placed section inside
 * its region.
 *
 * Input: the file itself. The build id expected is the one the input's
 * own description carries (found by its magic), so that fuzzing reaches
 * placement from seeds built for any hypervisor build; the unit test
 * checks that another build's id is refused. Seeds: the tests' modules
 * and the exit profiler, without debug information.
 */
#include <stdlib.h>
#include <string.h>

#include <xen-lite/module_elf.h>

#include "support.h"

#define IMAGE_VA 0xffffffffc0000000ULL

static const char *const export_names[] = {
	"xl_log", "xl_snprintf", "memcpy", "memset", "memmove", "memcmp", "strlen", "strcmp",
	"strncmp", "strlcpy", "xl_zalloc", "xl_free", "xl_cpu_index", "xl_tsc_khz",
	"xl_exit_reason_name", "xl_domain_exits", "xl_vcpu_reg", "xl_vcpu_set_reg",
	"xl_vcpu_advance_rip", "xl_vcpu_control", "xl_domain_read", "xl_domain_write", "xl_domain_translate",
	"xl_domain_kick", "xl_hook_exits", "xl_hook_domains", "xl_hook_policy", "xl_hook_tick",
	"xl_module_ops",
};

static struct module_symbol exports[sizeof(export_names) / sizeof(export_names[0])];

/* The 20 bytes after the first "XLMD" and API version in the input, else zeros. */
static void input_build_id(const uint8_t *data, size_t size, uint8_t id[XL_MODULE_BUILD_ID_SIZE])
{
	static const uint8_t magic[8] = { 'X', 'L', 'M', 'D', XL_MODULE_API_VERSION, 0, 0, 0 };

	memset(id, 0, XL_MODULE_BUILD_ID_SIZE);
	for (size_t i = 0; i + 8 + XL_MODULE_BUILD_ID_SIZE <= size; i++)
		if (!memcmp(data + i, magic, sizeof(magic))) {
			memcpy(id, data + i + 8, XL_MODULE_BUILD_ID_SIZE);
			return;
		}
}

static void check_layout(const struct module_layout *l)
{
	FUZZ_CHECK(l->text_size % 4096 == 0 && l->rodata_size % 4096 == 0 && l->data_size % 4096 == 0,
		   "regions not page-rounded");
	FUZZ_CHECK(l->image_size == l->text_size + l->rodata_size + l->data_size, "image size %llu",
		   (unsigned long long)l->image_size);
	FUZZ_CHECK(l->image_size && l->image_size <= MODULE_MAX_IMAGE, "image size %llu",
		   (unsigned long long)l->image_size);
	FUZZ_CHECK(l->info_offset + sizeof(struct xl_module_info) <= l->image_size &&
			   l->info_offset >= l->text_size,
		   "the description at %llu", (unsigned long long)l->info_offset);
	FUZZ_CHECK(l->shnum <= MODULE_MAX_SECTIONS, "%u sections", l->shnum);
	for (unsigned int i = 0; i < l->shnum; i++)
		FUZZ_CHECK(l->sec_offset[i] == UINT64_MAX || l->sec_offset[i] < l->image_size,
			   "section %u placed at %llu", i, (unsigned long long)l->sec_offset[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t id[XL_MODULE_BUILD_ID_SIZE];
	struct module_layout l;
	char why[128];
	uint8_t *image;
	int err;

	for (size_t i = 0; i < sizeof(exports) / sizeof(exports[0]); i++)
		exports[i] = (struct module_symbol){ export_names[i], 0xffffffff80200000ULL + i * 64 };
	input_build_id(data, size, id);
	err = module_elf_check(data, size, id, exports, sizeof(exports) / sizeof(exports[0]), &l, why,
			       sizeof(why));
	FUZZ_CHECK(memchr(why, '\0', sizeof(why)), "the reason is not terminated");
	if (err)
		return 0;
	check_layout(&l);
	image = calloc(1, l.image_size);
	FUZZ_CHECK(image, "no memory");
	err = module_elf_place(data, size, &l, image, IMAGE_VA, exports,
			       sizeof(exports) / sizeof(exports[0]), why, sizeof(why));
	FUZZ_CHECK(memchr(why, '\0', sizeof(why)), "the reason is not terminated");
	if (!err) {
		const struct xl_module_info *info = (const void *)(image + l.info_offset);

		FUZZ_CHECK(info->magic == XL_MODULE_MAGIC, "placed description lost its magic");
		FUZZ_CHECK(!memcmp(info->build_id, id, sizeof(id)), "placed description changed its build id");
	}
	free(image);
	return 0;
}
