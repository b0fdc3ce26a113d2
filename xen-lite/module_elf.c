/*
 * Checking and placing a behaviour module's ELF file (module_elf.h).
 *
 * Every byte of the file is untrusted. A record (header, section, symbol,
 * relocation) is copied out with memcpy only after its bounds are proven,
 * every sum of file values is checked before it is made, and string tables
 * must end in a NUL, so a name read from one can't run off it.
 * module_elf_place() repeats the structural checks (they are cheap) and
 * bounds every write by the layout's image size, so even when handed
 * bytes other than those checked it stays inside the file and the image.
 */
#include <xen-lite/elf.h>
#include <xen-lite/errno.h>
#include <xen-lite/format.h>
#include <xen-lite/le.h>
#include <xen-lite/module_elf.h>
#include <xen-lite/string.h>

#define NOT_PLACED UINT64_MAX
#define INFO_SECTION ".xl_module"
#define MAX_SECTION_ALIGN PAGE_SIZE

/* The file, as far as it has been proven sound. */
struct elf_file {
	const uint8_t *bytes;
	uint64_t size;
	struct elf64_ehdr ehdr;
	struct elf64_shdr names; /* the section name string table */
	struct elf64_shdr symtab, strtab; /* the symbol table and its names */
	unsigned int symtab_index;
	uint64_t nsymbols;
	char *why;
	size_t why_len;
};

__attribute__((format(printf, 3, 4))) static int refuse(const struct elf_file *f, int err, const char *fmt,
							...)
{
	va_list ap;

	if (f->why_len) {
		va_start(ap, fmt);
		xl_vsnprintf(f->why, f->why_len, fmt, ap);
		va_end(ap);
	}
	return err;
}

/* A name from the file as it may be shown: cut short, anything unprintable as '?'. */
struct shown {
	char s[40];
};

static struct shown show(const char *name)
{
	struct shown out;
	size_t i;

	for (i = 0; i < sizeof(out.s) - 1 && name[i]; i++)
		out.s[i] = name[i] >= 0x20 && name[i] < 0x7f ? name[i] : '?';
	out.s[i] = '\0';
	return out;
}

static bool within_file(const struct elf_file *f, uint64_t offset, uint64_t size)
{
	return offset <= f->size && size <= f->size - offset;
}

/* Section i's header; the table is in bounds (check_header) and i < e_shnum. */
static struct elf64_shdr section(const struct elf_file *f, unsigned int i)
{
	struct elf64_shdr sh;

	memcpy(&sh, f->bytes + f->ehdr.e_shoff + (uint64_t)i * sizeof(sh), sizeof(sh));
	return sh;
}

/* The string at offset in string table t (proven to end in a NUL), or NULL. */
static const char *string_at(const struct elf_file *f, const struct elf64_shdr *t, uint64_t offset)
{
	return offset < t->sh_size ? (const char *)f->bytes + t->sh_offset + offset : NULL;
}

/* Once check_sections() passed, every section's name is in the table. */
static const char *section_name(const struct elf_file *f, unsigned int i)
{
	struct elf64_shdr sh = section(f, i);

	return string_at(f, &f->names, sh.sh_name);
}

static bool is_string_table(const struct elf_file *f, const struct elf64_shdr *sh)
{
	return sh->sh_type == SHT_STRTAB && sh->sh_size && !f->bytes[sh->sh_offset + sh->sh_size - 1];
}

/* A valid index of a real section (index 0 is the reserved null section). */
static bool is_section_index(const struct elf_file *f, uint64_t i)
{
	return i > 0 && i < f->ehdr.e_shnum;
}

/* ---- the file header and the section table ------------------------------- */

static int check_header(struct elf_file *f)
{
	const struct elf64_ehdr *e = &f->ehdr;
	const uint8_t *id = e->e_ident;

	if (f->size < sizeof(*e))
		return refuse(f, -ENOEXEC, "too small for an ELF header (%llu bytes)",
			      (unsigned long long)f->size);
	memcpy(&f->ehdr, f->bytes, sizeof(f->ehdr));
	if (memcmp(id, "\177ELF", 4))
		return refuse(f, -ENOEXEC, "not an ELF file");
	if (id[EI_CLASS] != ELFCLASS64)
		return refuse(f, -ENOEXEC, "not a 64-bit ELF file (class %u)", id[EI_CLASS]);
	if (id[EI_DATA] != ELFDATA2LSB)
		return refuse(f, -ENOEXEC, "not a little-endian ELF file (data encoding %u)", id[EI_DATA]);
	if (id[EI_VERSION] != EV_CURRENT || e->e_version != EV_CURRENT)
		return refuse(f, -ENOEXEC, "unknown ELF version %u", id[EI_VERSION]);
	if (e->e_type != ET_REL)
		return refuse(f, -ENOEXEC,
			      "not a relocatable object (e_type %u): a module is linked with ld -r",
			      e->e_type);
	if (e->e_machine != EM_X86_64)
		return refuse(f, -ENOEXEC, "not an x86-64 object (e_machine %u)", e->e_machine);
	if (e->e_ehsize != sizeof(struct elf64_ehdr) || e->e_shentsize != sizeof(struct elf64_shdr))
		return refuse(f, -ENOEXEC, "unexpected header sizes (e_ehsize %u, e_shentsize %u)",
			      e->e_ehsize, e->e_shentsize);
	if (!e->e_shnum || e->e_shnum > MODULE_MAX_SECTIONS)
		return refuse(f, -ENOEXEC, "%u sections: a module has 1 to %u", e->e_shnum,
			      MODULE_MAX_SECTIONS);
	if (!within_file(f, e->e_shoff, (uint64_t)e->e_shnum * sizeof(struct elf64_shdr)))
		return refuse(f, -ENOEXEC,
			      "the section table (%u sections at 0x%llx) runs past the end of the file",
			      e->e_shnum, (unsigned long long)e->e_shoff);
	if (!is_section_index(f, e->e_shstrndx))
		return refuse(f, -ENOEXEC, "no section name table (e_shstrndx %u)", e->e_shstrndx);
	return 0;
}

/* Every section's bytes in the file, every name in the name table. */
static int check_sections(struct elf_file *f)
{
	unsigned int i;

	for (i = 1; i < f->ehdr.e_shnum; i++) {
		struct elf64_shdr sh = section(f, i);

		if (sh.sh_type != SHT_NOBITS && !within_file(f, sh.sh_offset, sh.sh_size))
			return refuse(f, -ENOEXEC,
				      "section %u (0x%llx bytes at 0x%llx) runs past the end of the file", i,
				      (unsigned long long)sh.sh_size, (unsigned long long)sh.sh_offset);
	}
	f->names = section(f, f->ehdr.e_shstrndx);
	if (!is_string_table(f, &f->names))
		return refuse(f, -ENOEXEC,
			      "the section name table (section %u) is not a string table ending in NUL",
			      f->ehdr.e_shstrndx);
	for (i = 1; i < f->ehdr.e_shnum; i++) {
		if (!section_name(f, i))
			return refuse(f, -ENOEXEC, "section %u's name lies outside the section name table",
				      i);
	}
	return 0;
}

static int find_symbol_table(struct elf_file *f)
{
	unsigned int i, found = 0;

	for (i = 1; i < f->ehdr.e_shnum; i++) {
		if (section(f, i).sh_type != SHT_SYMTAB)
			continue;
		if (found)
			return refuse(f, -ENOEXEC, "two symbol tables (sections %u and %u)", found, i);
		found = i;
	}
	if (!found)
		return refuse(f, -ENOEXEC, "no symbol table");
	f->symtab_index = found;
	f->symtab = section(f, found);
	if (f->symtab.sh_entsize != sizeof(struct elf64_sym) || f->symtab.sh_size % sizeof(struct elf64_sym))
		return refuse(f, -ENOEXEC, "the symbol table's entries are not %zu bytes",
			      sizeof(struct elf64_sym));
	f->nsymbols = f->symtab.sh_size / sizeof(struct elf64_sym);
	if (f->nsymbols > MODULE_MAX_SYMBOLS)
		return refuse(f, -E2BIG, "%llu symbols (at most %u)", (unsigned long long)f->nsymbols,
			      MODULE_MAX_SYMBOLS);
	if (!is_section_index(f, f->symtab.sh_link))
		return refuse(f, -ENOEXEC, "the symbol table has no string table (sh_link %u)",
			      f->symtab.sh_link);
	f->strtab = section(f, f->symtab.sh_link);
	if (!is_string_table(f, &f->strtab))
		return refuse(f, -ENOEXEC,
			      "the symbol names (section %u) are not a string table ending in NUL",
			      f->symtab.sh_link);
	return 0;
}

/* The headers of every relocation section, those of debug sections too. */
static int check_relocation_sections(struct elf_file *f)
{
	uint64_t total = 0;

	for (unsigned int i = 1; i < f->ehdr.e_shnum; i++) {
		struct elf64_shdr sh = section(f, i);
		struct shown name = show(section_name(f, i));
		uint64_t count = sh.sh_size / sizeof(struct elf64_rela);

		if (sh.sh_type == SHT_REL)
			return refuse(f, -ENOEXEC,
				      "section '%s' is SHT_REL: only RELA relocations are supported", name.s);
		if (sh.sh_type != SHT_RELA)
			continue;
		if (sh.sh_entsize != sizeof(struct elf64_rela) || sh.sh_size % sizeof(struct elf64_rela))
			return refuse(f, -ENOEXEC, "relocation section '%s': entries are not %zu bytes",
				      name.s, sizeof(struct elf64_rela));
		if (sh.sh_link != f->symtab_index)
			return refuse(f, -ENOEXEC, "relocation section '%s' does not use the symbol table",
				      name.s);
		if (!is_section_index(f, sh.sh_info))
			return refuse(f, -ENOEXEC,
				      "relocation section '%s' applies to section %u, which does not exist",
				      name.s, sh.sh_info);
		if (count > MODULE_MAX_RELOCATIONS - total)
			return refuse(f, -E2BIG, "more than %u relocations", MODULE_MAX_RELOCATIONS);
		total += count;
	}
	return 0;
}

/* The checks module_elf_check() and module_elf_place() both start with. */
static int open_file(struct elf_file *f, const void *file, uint64_t size, char *why, size_t why_len)
{
	int err;

	*f = (struct elf_file){ .bytes = file, .size = size, .why = why, .why_len = why_len };
	if (why_len)
		why[0] = '\0';
	err = check_header(f);
	if (!err)
		err = check_sections(f);
	if (!err)
		err = find_symbol_table(f);
	if (!err)
		err = check_relocation_sections(f);
	return err;
}

/* ---- the layout ------------------------------------------------------------ */

enum region { REGION_TEXT, REGION_RODATA, REGION_DATA, REGIONS, NOT_LOADED = REGIONS };

static bool is_valid_alignment(uint64_t align)
{
	return align <= MAX_SECTION_ALIGN && !(align & (align - 1));
}

/* Where section i goes, or NOT_LOADED; refuses what a module may not hold. */
static int classify(const struct elf_file *f, unsigned int i, enum region *region)
{
	struct elf64_shdr sh = section(f, i);
	struct shown name = show(section_name(f, i));

	*region = NOT_LOADED;
	if (!(sh.sh_flags & SHF_ALLOC))
		return 0;
	if ((sh.sh_flags & SHF_WRITE) && (sh.sh_flags & SHF_EXECINSTR))
		return refuse(f, -ENOEXEC, "section '%s' is writable and executable", name.s);
	if (sh.sh_flags & SHF_TLS)
		return refuse(f, -ENOEXEC, "section '%s' is thread-local storage: not supported", name.s);
	switch (sh.sh_type) {
	case SHT_NOTE:
		return 0; /* e.g. .note.gnu.property: nothing runs from it */
	case SHT_PROGBITS:
		break;
	case SHT_NOBITS:
		if (!(sh.sh_flags & SHF_WRITE))
			return refuse(f, -ENOEXEC, "section '%s' is NOBITS but not writable", name.s);
		break;
	case SHT_INIT_ARRAY:
	case SHT_FINI_ARRAY:
	case SHT_PREINIT_ARRAY:
		return refuse(f, -ENOEXEC, "section '%s' lists constructors or destructors: not supported",
			      name.s);
	case SHT_X86_64_UNWIND:
		return refuse(f, -ENOEXEC, "section '%s' is an unwind table: not supported", name.s);
	default:
		return refuse(f, -ENOEXEC, "section '%s' has type 0x%x, which is not loaded", name.s,
			      sh.sh_type);
	}
	if (!sh.sh_size)
		return 0;
	if (!is_valid_alignment(sh.sh_addralign))
		return refuse(f, -ENOEXEC,
			      "section '%s' asks for alignment 0x%llx (a power of two up to a page)", name.s,
			      (unsigned long long)sh.sh_addralign);
	if (sh.sh_flags & SHF_EXECINSTR)
		*region = REGION_TEXT;
	else if (sh.sh_flags & SHF_WRITE)
		*region = REGION_DATA;
	else
		*region = REGION_RODATA;
	return 0;
}

/* Put section i at the first offset from *cursor its alignment allows. */
static int place_section(const struct elf_file *f, unsigned int i, uint64_t *cursor, struct module_layout *l)
{
	struct elf64_shdr sh = section(f, i);
	uint64_t at = ALIGN_UP(*cursor, sh.sh_addralign ? sh.sh_addralign : 1);

	/* *cursor <= MODULE_MAX_IMAGE and the alignment is at most a page: no overflow */
	if (at > MODULE_MAX_IMAGE || sh.sh_size > MODULE_MAX_IMAGE - at)
		return refuse(f, -E2BIG, "section '%s' (0x%llx bytes) does not fit in the %u KiB image",
			      show(section_name(f, i)).s, (unsigned long long)sh.sh_size,
			      MODULE_MAX_IMAGE / 1024);
	l->sec_offset[i] = at;
	*cursor = at + sh.sh_size;
	return 0;
}

static int lay_out(const struct elf_file *f, struct module_layout *l)
{
	uint64_t *region_size[REGIONS] = { &l->text_size, &l->rodata_size, &l->data_size };
	uint64_t cursor = 0;
	enum region region;
	unsigned int i;
	int err;

	l->shnum = f->ehdr.e_shnum;
	for (i = 0; i < MODULE_MAX_SECTIONS; i++)
		l->sec_offset[i] = NOT_PLACED;
	for (i = 1; i < f->ehdr.e_shnum; i++) {
		err = classify(f, i, &region);
		if (err)
			return err;
	}
	for (enum region r = REGION_TEXT; r < REGIONS; r++) {
		uint64_t start = cursor;

		for (i = 1; i < f->ehdr.e_shnum; i++) {
			classify(f, i, &region); /* refused nothing above */
			err = region == r ? place_section(f, i, &cursor, l) : 0;
			if (err)
				return err;
		}
		cursor = ALIGN_UP(cursor, PAGE_SIZE);
		if (cursor > MODULE_MAX_IMAGE)
			return refuse(f, -E2BIG, "the image needs more than %u KiB", MODULE_MAX_IMAGE / 1024);
		*region_size[r] = cursor - start;
	}
	l->image_size = cursor;
	return 0;
}

/* ---- the module's description (.xl_module) ---------------------------------- */

static size_t bounded_length(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

static bool is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

static int check_name_and_version(const struct elf_file *f, const struct xl_module_info *info)
{
	size_t name_len = bounded_length(info->name, sizeof(info->name));
	size_t version_len = bounded_length(info->version, sizeof(info->version));
	size_t i;

	if (name_len == sizeof(info->name))
		return refuse(f, -ENOEXEC, "the module's name is not NUL-terminated within %zu bytes",
			      sizeof(info->name));
	if (!name_len)
		return refuse(f, -ENOEXEC, "the module has no name");
	for (i = 0; i < name_len; i++) {
		if (!is_name_char(info->name[i]))
			return refuse(f, -ENOEXEC,
				      "the module's name has byte 0x%02x at %zu (a-z 0-9 _ - only)",
				      (unsigned char)info->name[i], i);
	}
	if (version_len == sizeof(info->version))
		return refuse(f, -ENOEXEC, "the module's version is not NUL-terminated within %zu bytes",
			      sizeof(info->version));
	for (i = 0; i < version_len; i++) {
		if (info->version[i] < 0x20 || info->version[i] > 0x7e)
			return refuse(f, -ENOEXEC,
				      "the module's version has the unprintable byte 0x%02x at %zu",
				      (unsigned char)info->version[i], i);
	}
	return 0;
}

/* The one section named INFO_SECTION, or 0 with why said. */
static unsigned int find_info_section(const struct elf_file *f)
{
	unsigned int found = 0;

	for (unsigned int i = 1; i < f->ehdr.e_shnum; i++) {
		if (strcmp(section_name(f, i), INFO_SECTION))
			continue;
		if (found) {
			refuse(f, -ENOEXEC, "two " INFO_SECTION " sections (%u and %u)", found, i);
			return 0;
		}
		found = i;
	}
	if (!found)
		refuse(f, -ENOEXEC, "no " INFO_SECTION " section: not a module (XL_MODULE missing)");
	return found;
}

/* The first bytes of a build id, as `readelf -n` starts showing it. */
static uint32_t id_prefix(const uint8_t *id)
{
	return (uint32_t)id[0] << 24 | (uint32_t)id[1] << 16 | (uint32_t)id[2] << 8 | id[3];
}

static int check_info(const struct elf_file *f, struct module_layout *l,
		      const uint8_t build_id[XL_MODULE_BUILD_ID_SIZE])
{
	unsigned int i = find_info_section(f);
	struct xl_module_info info;
	struct elf64_shdr sh;

	if (!i)
		return -ENOEXEC;
	sh = section(f, i);
	if (sh.sh_type != SHT_PROGBITS || l->sec_offset[i] == NOT_PLACED)
		return refuse(f, -ENOEXEC, INFO_SECTION " is not a loaded PROGBITS section");
	if (sh.sh_size != sizeof(info))
		return refuse(f, -ENOEXEC, INFO_SECTION " has 0x%llx bytes; struct xl_module_info has 0x%zx",
			      (unsigned long long)sh.sh_size, sizeof(info));
	if (!IS_ALIGNED(l->sec_offset[i], 8))
		return refuse(f, -ENOEXEC, INFO_SECTION " is not 8-byte aligned");
	memcpy(&info, f->bytes + sh.sh_offset, sizeof(info));
	if (info.magic != XL_MODULE_MAGIC)
		return refuse(f, -ENOEXEC, INFO_SECTION "'s magic is 0x%x, not 0x%x", info.magic,
			      XL_MODULE_MAGIC);
	if (info.api_version != XL_MODULE_API_VERSION)
		return refuse(f, -EPROTO, "built for module API %u; this hypervisor has API %u",
			      info.api_version, XL_MODULE_API_VERSION);
	if (memcmp(info.build_id, build_id, XL_MODULE_BUILD_ID_SIZE))
		return refuse(f, -EPROTO,
			      "built for another hypervisor build (build id %08x..., not %08x...)",
			      id_prefix(info.build_id), id_prefix(build_id));
	l->info_offset = l->sec_offset[i];
	return check_name_and_version(f, &info);
}

/* ---- relocations ------------------------------------------------------------ */

struct relocation_kind {
	uint32_t type;
	const char *name;
	unsigned int width; /* bytes written */
	bool pc_relative; /* the value is S + A - P */
	bool unsigned32; /* a 32-bit value zero-extended, not sign-extended */
};

static const struct relocation_kind relocation_kinds[] = {
	{ R_X86_64_64, "R_X86_64_64", 8, false, false },
	{ R_X86_64_PC32, "R_X86_64_PC32", 4, true, false },
	{ R_X86_64_PLT32, "R_X86_64_PLT32", 4, true, false }, /* no PLT: the function itself */
	{ R_X86_64_32, "R_X86_64_32", 4, false, true },
	{ R_X86_64_32S, "R_X86_64_32S", 4, false, false },
	{ R_X86_64_PC64, "R_X86_64_PC64", 8, true, false },
};

static const struct relocation_kind *relocation_kind(uint32_t type)
{
	for (size_t i = 0; i < ARRAY_SIZE(relocation_kinds); i++) {
		if (relocation_kinds[i].type == type)
			return &relocation_kinds[i];
	}
	return NULL;
}

/* What a walk over the relocations needs; image is NULL when only checking. */
struct relocator {
	const struct elf_file *f;
	const struct module_layout *l;
	const struct module_symbol *exports;
	size_t nexports;
	uint8_t *image;
	uint64_t image_va;
};

/* One relocation, named in messages as "relocation N of '.rela.x'". */
struct site {
	unsigned int section, target;
	uint64_t number;
	struct elf64_rela rela;
	const struct relocation_kind *kind;
};

static const struct module_symbol *find_export(const struct relocator *rel, const char *name)
{
	for (size_t i = 0; i < rel->nexports; i++) {
		if (!strcmp(rel->exports[i].name, name))
			return &rel->exports[i];
	}
	return NULL;
}

/* A defined symbol's address: its section's place in the image plus its value. */
static int resolve_defined(const struct relocator *rel, const struct elf64_sym *sym, const char *name,
			   uint64_t *value)
{
	const struct elf_file *f = rel->f;
	unsigned int shndx = sym->st_shndx;

	if (shndx == SHN_ABS) {
		*value = sym->st_value;
		return 0;
	}
	if (shndx == SHN_COMMON)
		return refuse(f, -ENOEXEC, "symbol '%s' is a common symbol: build with -fno-common",
			      show(name).s);
	if (!is_section_index(f, shndx) || rel->l->sec_offset[shndx] == NOT_PLACED)
		return refuse(f, -ENOEXEC, "symbol '%s' is in section %u, which is not loaded", show(name).s,
			      shndx);
	if (sym->st_value > section(f, shndx).sh_size)
		return refuse(f, -ENOEXEC, "symbol '%s' lies past the end of section '%s'", show(name).s,
			      show(section_name(f, shndx)).s);
	*value = rel->image_va + rel->l->sec_offset[shndx] + sym->st_value;
	return 0;
}

/* The value S of the site's symbol. */
static int resolve_symbol(const struct relocator *rel, const struct site *s, uint64_t *value)
{
	const struct elf_file *f = rel->f;
	uint32_t index = ELF64_R_SYM(s->rela.r_info);
	const struct module_symbol *export;
	struct elf64_sym sym;
	const char *name;

	if (index >= f->nsymbols)
		return refuse(f, -ENOEXEC, "relocation %llu of '%s' names symbol %u; there are %llu",
			      (unsigned long long)s->number, show(section_name(f, s->section)).s, index,
			      (unsigned long long)f->nsymbols);
	if (!index) { /* the null symbol: the value 0 */
		*value = 0;
		return 0;
	}
	memcpy(&sym, f->bytes + f->symtab.sh_offset + (uint64_t)index * sizeof(sym), sizeof(sym));
	name = string_at(f, &f->strtab, sym.st_name);
	if (!name)
		return refuse(f, -ENOEXEC, "symbol %u's name lies outside the string table", index);
	if (ELF64_ST_TYPE(sym.st_info) == STT_SECTION && is_section_index(f, sym.st_shndx))
		name = section_name(f, sym.st_shndx);
	if (sym.st_shndx != SHN_UNDEF)
		return resolve_defined(rel, &sym, name, value);
	if (!*name)
		return refuse(f, -ENOEXEC, "symbol %u is undefined and has no name", index);
	export = find_export(rel, name);
	if (!export)
		return refuse(f, -ENOENT, "symbol '%s' is not exported by the hypervisor", show(name).s);
	*value = export->addr;
	return 0;
}

/* Relocations may not change what check_info() read: only the function pointers. */
static bool writes_only_info_pointers(uint64_t offset, unsigned int width)
{
	return offset >= offsetof(struct xl_module_info, init) &&
	       offset + width <= sizeof(struct xl_module_info);
}

/*
 * Compute the site's value (S + A, less P when PC-relative) and write it
 * into the image. The bytes are inside it: the target is a placed PROGBITS
 * section that copy_sections() proved inside the image, and the site
 * inside the target.
 */
static int apply(const struct relocator *rel, const struct site *s, uint64_t symbol)
{
	const struct elf_file *f = rel->f;
	uint64_t where = rel->l->sec_offset[s->target] + s->rela.r_offset;
	uint64_t value = symbol + (uint64_t)s->rela.r_addend;

	if (s->kind->pc_relative)
		value -= rel->image_va + where;
	if (s->kind->width == 8) {
		le64_put(rel->image + where, value);
		return 0;
	}
	if (s->kind->unsigned32 ? value > UINT32_MAX : value + 0x80000000ull > UINT32_MAX)
		return refuse(f, -ENOEXEC,
			      "relocation %llu of '%s' (%s at '%s'+0x%llx): 0x%llx does not fit in 32 bits",
			      (unsigned long long)s->number, show(section_name(f, s->section)).s,
			      s->kind->name, show(section_name(f, s->target)).s,
			      (unsigned long long)s->rela.r_offset, (unsigned long long)value);
	le32_put(rel->image + where, (uint32_t)value);
	return 0;
}

static int relocate_one(const struct relocator *rel, struct site *s)
{
	const struct elf_file *f = rel->f;
	struct elf64_shdr rela_sh = section(f, s->section), target_sh = section(f, s->target);
	uint32_t type;
	uint64_t symbol = 0;
	int err;

	memcpy(&s->rela, f->bytes + rela_sh.sh_offset + s->number * sizeof(s->rela), sizeof(s->rela));
	type = ELF64_R_TYPE(s->rela.r_info);
	if (type == R_X86_64_NONE)
		return 0;
	s->kind = relocation_kind(type);
	if (!s->kind)
		return refuse(f, -ENOEXEC, "relocation %llu of '%s' has type %u, which is not supported",
			      (unsigned long long)s->number, show(section_name(f, s->section)).s, type);
	if (s->kind->width > target_sh.sh_size || s->rela.r_offset > target_sh.sh_size - s->kind->width)
		return refuse(f, -ENOEXEC,
			      "relocation %llu of '%s' at offset 0x%llx runs past the end of '%s'",
			      (unsigned long long)s->number, show(section_name(f, s->section)).s,
			      (unsigned long long)s->rela.r_offset, show(section_name(f, s->target)).s);
	if (!strcmp(section_name(f, s->target), INFO_SECTION) &&
	    !writes_only_info_pointers(s->rela.r_offset, s->kind->width))
		return refuse(f, -ENOEXEC,
			      "relocation %llu of '%s' writes " INFO_SECTION
			      "+0x%llx: only init, exit and busy may be relocated",
			      (unsigned long long)s->number, show(section_name(f, s->section)).s,
			      (unsigned long long)s->rela.r_offset);
	err = resolve_symbol(rel, s, &symbol);
	if (err || !rel->image)
		return err;
	return apply(rel, s, symbol);
}

/* Whether relocation section i applies to a placed section; refuses one that would apply elsewhere. */
static int applies_to_image(const struct relocator *rel, unsigned int i, bool *applies)
{
	const struct elf_file *f = rel->f;
	unsigned int target = section(f, i).sh_info;
	struct elf64_shdr target_sh = section(f, target);

	*applies = rel->l->sec_offset[target] != NOT_PLACED;
	if (*applies && target_sh.sh_type == SHT_NOBITS)
		return refuse(f, -ENOEXEC, "'%s' relocates NOBITS section '%s'", show(section_name(f, i)).s,
			      show(section_name(f, target)).s);
	if (!*applies && (target_sh.sh_flags & SHF_ALLOC))
		return refuse(f, -ENOEXEC, "'%s' relocates '%s', which is not loaded",
			      show(section_name(f, i)).s, show(section_name(f, target)).s);
	return 0; /* not loaded and not allocated (debug information): nothing to relocate */
}

static int walk_relocations(const struct relocator *rel)
{
	const struct elf_file *f = rel->f;

	for (unsigned int i = 1; i < f->ehdr.e_shnum; i++) {
		struct elf64_shdr sh = section(f, i);
		struct site s = { .section = i, .target = sh.sh_info };
		bool applies;
		int err;

		if (sh.sh_type != SHT_RELA)
			continue;
		err = applies_to_image(rel, i, &applies);
		if (err)
			return err;
		for (s.number = 0; applies && s.number < sh.sh_size / sizeof(s.rela); s.number++) {
			err = relocate_one(rel, &s);
			if (err)
				return err;
		}
	}
	return 0;
}

/* ---- the interface ------------------------------------------------------------ */

int module_elf_check(const void *file, uint64_t size, const uint8_t build_id[XL_MODULE_BUILD_ID_SIZE],
		     const struct module_symbol *exports, size_t nexports, struct module_layout *l, char *why,
		     size_t why_len)
{
	struct elf_file f;
	struct relocator rel = { &f, l, exports, nexports, NULL, 0 };
	int err;

	err = open_file(&f, file, size, why, why_len);
	if (!err)
		err = lay_out(&f, l);
	if (!err)
		err = check_info(&f, l, build_id);
	if (!err)
		err = walk_relocations(&rel);
	return err;
}

static int copy_sections(const struct elf_file *f, const struct module_layout *l, uint8_t *image)
{
	for (unsigned int i = 1; i < f->ehdr.e_shnum; i++) {
		struct elf64_shdr sh = section(f, i);
		uint64_t at = l->sec_offset[i];

		if (at == NOT_PLACED || sh.sh_type == SHT_NOBITS)
			continue;
		if (at > l->image_size || sh.sh_size > l->image_size - at)
			return refuse(f, -ENOEXEC, "the layout does not match the file (section %u)", i);
		memcpy(image + at, f->bytes + sh.sh_offset, sh.sh_size);
	}
	return 0;
}

int module_elf_place(const void *file, uint64_t size, const struct module_layout *l, void *image,
		     uint64_t image_va, const struct module_symbol *exports, size_t nexports, char *why,
		     size_t why_len)
{
	struct elf_file f;
	struct relocator rel = { &f, l, exports, nexports, image, image_va };
	int err;

	err = open_file(&f, file, size, why, why_len);
	if (!err && l->shnum != f.ehdr.e_shnum)
		err = refuse(&f, -ENOEXEC, "the layout is for a file of %u sections, not %u", l->shnum,
			     f.ehdr.e_shnum);
	if (!err)
		err = copy_sections(&f, l, image);
	if (!err)
		err = walk_relocations(&rel);
	return err;
}
