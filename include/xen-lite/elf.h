/*
 * The ELF64 records of a relocatable x86-64 object (System V gABI and the
 * x86-64 psABI) that the module checker reads: the file header, section
 * headers, symbols and RELA entries. Each record's layout is the file's
 * (little-endian, no padding), so a record is copied out of the file with
 * memcpy at any alignment and read as a struct on this little-endian CPU.
 */
#ifndef XEN_LITE_ELF_H
#define XEN_LITE_ELF_H

#include <xen-lite/types.h>

#define ELF_IDENT_SIZE 16
#define EI_CLASS 4
#define EI_DATA 5
#define EI_VERSION 6
#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define EV_CURRENT 1
#define ET_REL 1
#define ET_EXEC 2
#define EM_X86_64 62

struct elf64_ehdr {
	uint8_t e_ident[ELF_IDENT_SIZE]; /* "\177ELF", class, data, version ... */
	uint16_t e_type;
	uint16_t e_machine;
	uint32_t e_version;
	uint64_t e_entry;
	uint64_t e_phoff;
	uint64_t e_shoff;
	uint32_t e_flags;
	uint16_t e_ehsize;
	uint16_t e_phentsize;
	uint16_t e_phnum;
	uint16_t e_shentsize;
	uint16_t e_shnum;
	uint16_t e_shstrndx;
};

#define SHT_NULL 0
#define SHT_PROGBITS 1
#define SHT_SYMTAB 2
#define SHT_STRTAB 3
#define SHT_RELA 4
#define SHT_NOTE 7
#define SHT_NOBITS 8
#define SHT_REL 9
#define SHT_INIT_ARRAY 14
#define SHT_FINI_ARRAY 15
#define SHT_PREINIT_ARRAY 16
#define SHT_X86_64_UNWIND 0x70000001

#define SHF_WRITE 0x1
#define SHF_ALLOC 0x2
#define SHF_EXECINSTR 0x4
#define SHF_TLS 0x400

struct elf64_shdr {
	uint32_t sh_name; /* offset in the section name string table */
	uint32_t sh_type;
	uint64_t sh_flags;
	uint64_t sh_addr;
	uint64_t sh_offset;
	uint64_t sh_size;
	uint32_t sh_link;
	uint32_t sh_info;
	uint64_t sh_addralign;
	uint64_t sh_entsize;
};

/* Special section indexes in st_shndx */
#define SHN_UNDEF 0
#define SHN_LORESERVE 0xff00
#define SHN_ABS 0xfff1
#define SHN_COMMON 0xfff2

#define STT_SECTION 3
#define ELF64_ST_TYPE(info) ((info)&0xf)

struct elf64_sym {
	uint32_t st_name;
	uint8_t st_info; /* binding << 4 | type */
	uint8_t st_other;
	uint16_t st_shndx;
	uint64_t st_value;
	uint64_t st_size;
};

#define R_X86_64_NONE 0
#define R_X86_64_64 1
#define R_X86_64_PC32 2
#define R_X86_64_PLT32 4
#define R_X86_64_32 10
#define R_X86_64_32S 11
#define R_X86_64_PC64 24

#define ELF64_R_SYM(info) ((uint32_t)((info) >> 32))
#define ELF64_R_TYPE(info) ((uint32_t)(info))
#define ELF64_R_INFO(sym, type) ((uint64_t)(sym) << 32 | (uint32_t)(type))

struct elf64_rela {
	uint64_t r_offset; /* in the section relocated */
	uint64_t r_info; /* symbol << 32 | type */
	int64_t r_addend;
};

_Static_assert(sizeof(struct elf64_ehdr) == 64, "ELF64 file header");
_Static_assert(sizeof(struct elf64_shdr) == 64, "ELF64 section header");
_Static_assert(sizeof(struct elf64_sym) == 24, "ELF64 symbol");
_Static_assert(sizeof(struct elf64_rela) == 24, "ELF64 RELA entry");

#endif
