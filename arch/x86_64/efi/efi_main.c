/*
 * xen-lite.efi: a UEFI application that boots the xen-lite hypervisor
 * embedded in it (Documentation/efi-boot.md).
 *
 *  1. read xen-lite.cfg from the directory the .efi was started from;
 *  2. load the embedded hypervisor ELF at its physical addresses;
 *  3. load the modules named in the config below 4 GiB;
 *  4. build a multiboot2 information structure below 4 GiB (command line,
 *     loader name, modules, ACPI RSDP copy, framebuffer, EFI system table,
 *     memory map);
 *  5. exit boot services and jump to the image header's entry64 with
 *     RDI = multiboot2 magic, RSI = the information structure.
 *
 * Everything that can fail is reported on ConOut, naming the file and line
 * where that makes sense; then the loader waits 5 s so the message can be
 * read, frees what it allocated and returns an error to the firmware (whose
 * boot manager then tries the next boot option). Only failures after
 * ExitBootServices cannot be reported there; they go to COM1 and halt.
 */
#include <efi.h>
#include <efilib.h>

#include "efi_config.h"
#include "efi_image.h"
#include "efi_mb2.h"

#define LOADER_NAME "xen-lite.efi"
#define CONFIG_NAME "xen-lite.cfg"
#define PATH_CHARS 512
#define ERROR_WAIT_US (5 * 1000 * 1000)
#define BELOW_4G 0xFFFFFFFFULL
/* modules end below 4 GiB with room for mod_end (exclusive) in a u32 */
#define MODULE_MAX_ADDR 0xFFFFEFFFULL
#define EBS_RETRIES 8
#define PREPARE_RETRIES 4
#define MAP_SLACK_DESCS 32
#define XL_PAGE 4096ULL
#define PAGES(bytes) (((bytes) + XL_PAGE - 1) / XL_PAGE)

/* embedded hypervisor (efi_entry.S) */
extern const UINT8 xl_hv_image[] __attribute__((visibility("hidden")));
extern const UINT8 xl_hv_image_end[] __attribute__((visibility("hidden")));
/* cli; RDI = multiboot2 magic; RSI = info; jump (efi_entry.S; SysV ABI) */
__attribute__((noreturn, visibility("hidden"))) void xl_efi_enter(UINT64 entry, UINT64 info);

/* EFI_MEMORY_ATTRIBUTE_PROTOCOL (UEFI 2.10), not in gnu-efi 3.0.15 */
#define XL_MEMORY_ATTRIBUTE_PROTOCOL_GUID \
	{ 0xf4560cf6, 0x40ec, 0x4b4a, { 0xa1, 0x92, 0xbf, 0x1d, 0x57, 0xd0, 0xb1, 0x89 } }
#define XL_EFI_MEMORY_XP 0x4000ULL
#define XL_EFI_MEMORY_RO 0x20000ULL
typedef struct XL_MEMORY_ATTRIBUTE_PROTOCOL XL_MEMORY_ATTRIBUTE_PROTOCOL;
struct XL_MEMORY_ATTRIBUTE_PROTOCOL {
	EFI_STATUS(EFIAPI *GetMemoryAttributes)(XL_MEMORY_ATTRIBUTE_PROTOCOL *This,
						 EFI_PHYSICAL_ADDRESS Base, UINT64 Length, UINT64 *Attr);
	EFI_STATUS(EFIAPI *SetMemoryAttributes)(XL_MEMORY_ATTRIBUTE_PROTOCOL *This,
						 EFI_PHYSICAL_ADDRESS Base, UINT64 Length, UINT64 Attr);
	EFI_STATUS(EFIAPI *ClearMemoryAttributes)(XL_MEMORY_ATTRIBUTE_PROTOCOL *This,
						   EFI_PHYSICAL_ADDRESS Base, UINT64 Length, UINT64 Attr);
};

/* ---- state ---------------------------------------------------------------- */

struct loaded_module {
	EFI_PHYSICAL_ADDRESS addr;
	UINT64 size;
};

struct allocation {
	EFI_PHYSICAL_ADDRESS addr;
	UINTN pages;
};

static EFI_HANDLE self_image;
static CHAR16 self_dir[PATH_CHARS]; /* "\EFI\BOOT" or "" for the root */
static EFI_FILE_HANDLE volume_root;

static struct efi_config config;
static struct xl_img_plan plan;
static struct loaded_module modules[EFI_CFG_MAX_MODULES];

static UINT8 rsdp_copy[36];
static UINT32 rsdp_len;
static struct mb2_fb fb;
static BOOLEAN have_fb;

static struct allocation allocations[EFI_CFG_MAX_MODULES + XL_IMG_MAX_SEGMENTS + 8];
static UINTN allocation_count;

/* ---- small helpers -------------------------------------------------------- */

#define say(fmt, ...) Print(L"xen-lite.efi: " fmt L"\n", ##__VA_ARGS__)
#define error(fmt, ...) Print(L"xen-lite.efi: error: " fmt L"\n", ##__VA_ARGS__)
#define warn(fmt, ...) Print(L"xen-lite.efi: warning: " fmt L"\n", ##__VA_ARGS__)

static const CHAR16 *memory_type_name(UINT32 type)
{
	static const CHAR16 *const names[] = {
		L"Reserved",	     L"LoaderCode",	     L"LoaderData", L"BootServicesCode",
		L"BootServicesData", L"RuntimeServicesCode", L"RuntimeServicesData",
		L"Conventional",     L"Unusable",	     L"ACPIReclaim", L"ACPINVS",
		L"MMIO",	     L"MMIOPortSpace",	     L"PalCode",    L"Persistent",
	};

	return type < sizeof(names) / sizeof(names[0]) ? names[type] : L"(unknown)";
}

static EFI_STATUS alloc_pages(EFI_ALLOCATE_TYPE how, EFI_MEMORY_TYPE type, UINTN pages,
			      EFI_PHYSICAL_ADDRESS *addr)
{
	EFI_STATUS st;

	if (allocation_count == sizeof(allocations) / sizeof(allocations[0]))
		return EFI_OUT_OF_RESOURCES;
	st = uefi_call_wrapper(BS->AllocatePages, 4, how, type, pages, addr);
	if (!EFI_ERROR(st)) {
		allocations[allocation_count].addr = *addr;
		allocations[allocation_count].pages = pages;
		allocation_count++;
	}
	return st;
}

static void free_last_allocation(void)
{
	struct allocation *a = &allocations[--allocation_count];

	uefi_call_wrapper(BS->FreePages, 2, a->addr, a->pages);
}

static void free_all_allocations(void)
{
	while (allocation_count)
		free_last_allocation();
}

/* ---- where are we: directory of the .efi and its volume ------------------- */

static void find_self(EFI_LOADED_IMAGE *li)
{
	EFI_DEVICE_PATH *dp = li->FilePath;
	UINTN n = 0;

	self_dir[0] = 0;
	for (; dp && !IsDevicePathEnd(dp); dp = NextDevicePathNode(dp)) {
		UINTN node_len = DevicePathNodeLength(dp);
		const UINT8 *name;
		UINTN chars;

		if (node_len < 4)
			break; /* malformed: stop rather than loop forever */
		if (DevicePathType(dp) != MEDIA_DEVICE_PATH || DevicePathSubType(dp) != MEDIA_FILEPATH_DP)
			continue;
		/* PathName may be unaligned: copy it character by character */
		name = (const UINT8 *)dp + 4;
		chars = (node_len - 4) / 2;
		if (n && n + 1 < PATH_CHARS)
			self_dir[n++] = L'\\';
		for (UINTN i = 0; i < chars && n + 1 < PATH_CHARS; i++) {
			CHAR16 c = (CHAR16)(name[2 * i] | name[2 * i + 1] << 8);

			if (!c)
				break;
			self_dir[n++] = c;
		}
		self_dir[n] = 0;
	}
	efi_cfg_dirname(self_dir);
}

static EFI_STATUS open_volume(EFI_LOADED_IMAGE *li)
{
	EFI_FILE_IO_INTERFACE *fs;
	EFI_STATUS st;

	st = uefi_call_wrapper(BS->HandleProtocol, 3, li->DeviceHandle, &gEfiSimpleFileSystemProtocolGuid,
			       (void **)&fs);
	if (EFI_ERROR(st))
		return st;
	return uefi_call_wrapper(fs->OpenVolume, 2, fs, &volume_root);
}

/* ---- files ------------------------------------------------------------------ */

/* Open a regular file and return its size. */
static EFI_STATUS open_file(const CHAR16 *path, EFI_FILE_HANDLE *fh, UINT64 *size, BOOLEAN *is_dir)
{
	EFI_FILE_INFO *info;
	EFI_STATUS st;

	*is_dir = FALSE;
	if (!volume_root)
		return EFI_NOT_FOUND;
	st = uefi_call_wrapper(volume_root->Open, 5, volume_root, fh, (CHAR16 *)path, EFI_FILE_MODE_READ,
			       0ULL);
	if (EFI_ERROR(st))
		return st;
	info = LibFileInfo(*fh);
	if (!info) {
		uefi_call_wrapper((*fh)->Close, 1, *fh);
		return EFI_DEVICE_ERROR;
	}
	*size = info->FileSize;
	*is_dir = (info->Attribute & EFI_FILE_DIRECTORY) != 0;
	FreePool(info);
	return EFI_SUCCESS;
}

static EFI_STATUS read_file(EFI_FILE_HANDLE fh, void *buf, UINT64 size)
{
	UINT64 done = 0;

	while (done < size) {
		UINTN chunk = size - done > (16ULL << 20) ? (16ULL << 20) : (UINTN)(size - done);
		EFI_STATUS st = uefi_call_wrapper(fh->Read, 3, fh, &chunk, (UINT8 *)buf + done);

		if (EFI_ERROR(st))
			return st;
		if (!chunk)
			return EFI_END_OF_FILE; /* shorter than its directory entry said */
		done += chunk;
	}
	return EFI_SUCCESS;
}

/* ---- step 1: configuration ---------------------------------------------- */

static EFI_STATUS load_config(void)
{
	CHAR16 path[PATH_CHARS];
	EFI_FILE_HANDLE fh;
	struct efi_cfg_error err;
	UINT64 size;
	BOOLEAN is_dir;
	char *text;
	EFI_STATUS st;

	if (efi_cfg_make_path(self_dir, CONFIG_NAME, path, PATH_CHARS)) {
		error(L"the directory of xen-lite.efi (%s) has a path too long or not ASCII", self_dir);
		return EFI_INVALID_PARAMETER;
	}
	st = open_file(path, &fh, &size, &is_dir);
	if (st == EFI_NOT_FOUND) {
		warn(L"%s not found: booting with an empty command line and no modules", path);
		return EFI_SUCCESS;
	}
	if (EFI_ERROR(st)) {
		error(L"cannot open %s: %r", path, st);
		return st;
	}
	if (is_dir || size > EFI_CFG_FILE_MAX) {
		uefi_call_wrapper(fh->Close, 1, fh);
		if (is_dir)
			error(L"%s is a directory, not a file", path);
		else
			error(L"%s is too large (%ld bytes, at most %d)", path, size, EFI_CFG_FILE_MAX);
		return EFI_LOAD_ERROR;
	}
	text = AllocatePool(size ? size : 1);
	if (!text) {
		uefi_call_wrapper(fh->Close, 1, fh);
		error(L"out of memory reading %s", path);
		return EFI_OUT_OF_RESOURCES;
	}
	st = read_file(fh, text, size);
	uefi_call_wrapper(fh->Close, 1, fh);
	if (EFI_ERROR(st)) {
		FreePool(text);
		error(L"cannot read %s: %r", path, st);
		return st;
	}
	if (efi_config_parse(text, size, &config, &err)) {
		FreePool(text);
		if (err.line)
			error(L"%s:%d: %a", path, err.line, (CHAR8 *)err.msg);
		else
			error(L"%s: %a", path, (CHAR8 *)err.msg);
		return EFI_LOAD_ERROR;
	}
	FreePool(text);
	say(L"read %s: %d module(s)", path, config.module_count);
	say(L"command line: \"%a\"", (CHAR8 *)config.cmdline);
	return EFI_SUCCESS;
}

/* ---- step 2: the hypervisor --------------------------------------------- */

/* After AllocateAddress failed, show which firmware regions overlap the range. */
static void explain_conflict(UINT64 start, UINT64 end)
{
	UINTN entries, map_key, desc_size;
	UINT32 desc_ver;
	EFI_MEMORY_DESCRIPTOR *map = LibMemoryMap(&entries, &map_key, &desc_size, &desc_ver);
	UINT8 *p = (UINT8 *)map;

	if (!map)
		return;
	for (UINTN i = 0; i < entries; i++, p += desc_size) {
		EFI_MEMORY_DESCRIPTOR *d = (EFI_MEMORY_DESCRIPTOR *)p;
		UINT64 ds = d->PhysicalStart, de = ds + d->NumberOfPages * XL_PAGE;

		if (de > start && ds < end && d->Type != EfiConventionalMemory)
			Print(L"xen-lite.efi:   firmware region 0x%lx-0x%lx is %s\n", ds, de - 1,
			      memory_type_name(d->Type));
	}
	FreePool(map);
}

/*
 * Firmware with memory protection may map freshly allocated pages
 * non-executable (or read-only); make the hypervisor's pages executable.
 */
static void make_executable(UINT64 start, UINT64 len)
{
	static EFI_GUID guid = XL_MEMORY_ATTRIBUTE_PROTOCOL_GUID;
	XL_MEMORY_ATTRIBUTE_PROTOCOL *mattr;
	EFI_STATUS st;

	st = uefi_call_wrapper(BS->LocateProtocol, 3, &guid, NULL, (void **)&mattr);
	if (EFI_ERROR(st))
		return; /* old firmware: pages are executable */
	st = uefi_call_wrapper(mattr->ClearMemoryAttributes, 4, mattr, start, len,
			       XL_EFI_MEMORY_XP | XL_EFI_MEMORY_RO);
	if (EFI_ERROR(st))
		warn(L"cannot make 0x%lx-0x%lx executable: %r", start, start + len - 1, st);
}

static EFI_STATUS load_hypervisor(void)
{
	UINTN size = (UINTN)(xl_hv_image_end - xl_hv_image);
	char msg[160];

	if (xl_img_plan(xl_hv_image, size, &plan, msg, sizeof(msg))) {
		error(L"the embedded hypervisor image is invalid: %a (rebuild xen-lite.efi)", (CHAR8 *)msg);
		return EFI_LOAD_ERROR;
	}
	for (unsigned int i = 0; i < plan.range_count; i++) {
		EFI_PHYSICAL_ADDRESS addr = plan.range[i].start;
		UINT64 len = plan.range[i].pages * XL_PAGE;
		/*
		 * EfiLoaderCode rather than LoaderData: firmware applying a no-execute
		 * policy by memory type leaves code allocations executable. Both are
		 * "available" in the multiboot2 map; the hypervisor reserves itself.
		 */
		EFI_STATUS st = alloc_pages(AllocateAddress, EfiLoaderCode, plan.range[i].pages, &addr);

		if (EFI_ERROR(st)) {
			error(L"cannot claim 0x%lx-0x%lx (%ld pages) for the hypervisor: %r",
			      plan.range[i].start, plan.range[i].start + len - 1, plan.range[i].pages, st);
			Print(L"xen-lite.efi:   the hypervisor must be loaded at its link address and the "
			      L"firmware uses part of that memory\n");
			explain_conflict(plan.range[i].start, plan.range[i].start + len);
			return EFI_LOAD_ERROR;
		}
		uefi_call_wrapper(BS->SetMem, 3, (void *)(UINTN)addr, (UINTN)len, 0);
	}
	for (unsigned int i = 0; i < plan.seg_count; i++) {
		const struct xl_img_segment *s = &plan.seg[i];

		uefi_call_wrapper(BS->CopyMem, 3, (void *)(UINTN)s->paddr, (void *)(xl_hv_image + s->offset),
				  (UINTN)s->filesz);
		/* memsz > filesz: already zeroed above with the whole range */
	}
	for (unsigned int i = 0; i < plan.range_count; i++)
		make_executable(plan.range[i].start, plan.range[i].pages * XL_PAGE);
	say(L"loaded hypervisor (%ld bytes) at 0x%lx-0x%lx, entry 0x%lx", (UINT64)size, plan.lowest,
	    plan.highest - 1, plan.hdr.entry64);
	return EFI_SUCCESS;
}

/* ---- step 3: modules ------------------------------------------------------ */

static EFI_STATUS load_modules(void)
{
	for (unsigned int i = 0; i < config.module_count; i++) {
		const struct efi_cfg_module *m = &config.modules[i];
		CHAR16 path[PATH_CHARS];
		EFI_FILE_HANDLE fh;
		EFI_PHYSICAL_ADDRESS addr = MODULE_MAX_ADDR;
		UINT64 size;
		BOOLEAN is_dir;
		EFI_STATUS st;

		if (efi_cfg_make_path(self_dir, m->path, path, PATH_CHARS)) {
			error(L"xen-lite.cfg:%d: module path '%a' is too long", m->line, (CHAR8 *)m->path);
			return EFI_INVALID_PARAMETER;
		}
		st = open_file(path, &fh, &size, &is_dir);
		if (EFI_ERROR(st)) {
			error(L"xen-lite.cfg:%d: cannot open module %s: %r", m->line, path, st);
			return st;
		}
		if (is_dir || !size || size > MODULE_MAX_ADDR) {
			uefi_call_wrapper(fh->Close, 1, fh);
			error(L"xen-lite.cfg:%d: module %s %s", m->line, path,
			      is_dir ? L"is a directory" : size ? L"is too large" : L"is empty");
			return EFI_LOAD_ERROR;
		}
		st = alloc_pages(AllocateMaxAddress, EfiLoaderData, PAGES(size), &addr);
		if (EFI_ERROR(st)) {
			uefi_call_wrapper(fh->Close, 1, fh);
			error(L"xen-lite.cfg:%d: no memory below 4 GiB for module %s (%ld bytes): %r", m->line,
			      path, size, st);
			return st;
		}
		st = read_file(fh, (void *)(UINTN)addr, size);
		uefi_call_wrapper(fh->Close, 1, fh);
		if (EFI_ERROR(st)) {
			error(L"xen-lite.cfg:%d: cannot read module %s: %r", m->line, path, st);
			return st;
		}
		/* zero the rest of the last page: nothing stale follows a module */
		if (size % XL_PAGE)
			uefi_call_wrapper(BS->SetMem, 3, (void *)(UINTN)(addr + size),
					  (UINTN)(XL_PAGE - size % XL_PAGE), 0);
		modules[i].addr = addr;
		modules[i].size = size;
		say(L"module %d: %s (%ld bytes) at 0x%lx", i + 1, path, size, addr);
	}
	return EFI_SUCCESS;
}

/* ---- step 4: what else the hypervisor is told ---------------------------- */

static BOOLEAN rsdp_signature_ok(const UINT8 *p)
{
	static const char sig[8] = { 'R', 'S', 'D', ' ', 'P', 'T', 'R', ' ' };

	for (int i = 0; i < 8; i++)
		if (p[i] != (UINT8)sig[i])
			return FALSE;
	return TRUE;
}

static void find_rsdp(void)
{
	static EFI_GUID acpi20 = ACPI_20_TABLE_GUID, acpi10 = ACPI_TABLE_GUID;
	const UINT8 *v1 = NULL, *v2 = NULL, *used = NULL;

	for (UINTN i = 0; i < ST->NumberOfTableEntries; i++) {
		EFI_CONFIGURATION_TABLE *t = &ST->ConfigurationTable[i];

		if (!CompareGuid(&t->VendorGuid, &acpi20) && !v2)
			v2 = t->VendorTable;
		else if (!CompareGuid(&t->VendorGuid, &acpi10) && !v1)
			v1 = t->VendorTable;
	}
	if (v2 && rsdp_signature_ok(v2)) {
		/* revision 0 under the 2.0 GUID: only the 1.0 part is valid */
		used = v2;
		rsdp_len = v2[15] >= 2 ? 36 : 20;
	} else if (v1 && rsdp_signature_ok(v1)) {
		used = v1;
		rsdp_len = 20;
	}
	if (used) {
		CopyMem(rsdp_copy, (void *)used, rsdp_len);
		say(L"ACPI RSDP at 0x%lx (revision %d)", (UINT64)(UINTN)used, used[15]);
	}
	else
		warn(L"no ACPI RSDP in the EFI configuration table");
}

static void mask_field(UINT32 mask, UINT8 *pos, UINT8 *size)
{
	*pos = 0;
	*size = 0;
	if (!mask)
		return;
	while (!(mask & 1)) {
		mask >>= 1;
		(*pos)++;
	}
	while (mask & 1) {
		mask >>= 1;
		(*size)++;
	}
}

static void find_framebuffer(void)
{
	EFI_GRAPHICS_OUTPUT_PROTOCOL *gop = NULL;
	EFI_GRAPHICS_OUTPUT_MODE_INFORMATION *info;
	EFI_STATUS st;

	/* prefer the GOP of the active console, else any */
	st = uefi_call_wrapper(BS->HandleProtocol, 3, ST->ConsoleOutHandle, &gEfiGraphicsOutputProtocolGuid,
			       (void **)&gop);
	if (EFI_ERROR(st))
		st = uefi_call_wrapper(BS->LocateProtocol, 3, &gEfiGraphicsOutputProtocolGuid, NULL,
				       (void **)&gop);
	if (EFI_ERROR(st) || !gop || !gop->Mode || !gop->Mode->Info || !gop->Mode->FrameBufferBase)
		return;
	info = gop->Mode->Info;
	fb.addr = gop->Mode->FrameBufferBase;
	fb.width = info->HorizontalResolution;
	fb.height = info->VerticalResolution;
	fb.pitch = info->PixelsPerScanLine * 4;
	fb.bpp = 32;
	switch (info->PixelFormat) {
	case PixelRedGreenBlueReserved8BitPerColor:
		fb.red_pos = 0, fb.green_pos = 8, fb.blue_pos = 16;
		fb.red_size = fb.green_size = fb.blue_size = 8;
		break;
	case PixelBlueGreenRedReserved8BitPerColor:
		fb.red_pos = 16, fb.green_pos = 8, fb.blue_pos = 0;
		fb.red_size = fb.green_size = fb.blue_size = 8;
		break;
	case PixelBitMask:
		mask_field(info->PixelInformation.RedMask, &fb.red_pos, &fb.red_size);
		mask_field(info->PixelInformation.GreenMask, &fb.green_pos, &fb.green_size);
		mask_field(info->PixelInformation.BlueMask, &fb.blue_pos, &fb.blue_size);
		break;
	default: /* PixelBltOnly: no linear framebuffer */
		return;
	}
	have_fb = TRUE;
	say(L"framebuffer %dx%d at 0x%lx", fb.width, fb.height, fb.addr);
}

/* ---- step 5: information structure, memory map, hand-over ---------------- */

/* Raw COM1 output for the only failures that happen after ExitBootServices. */
static void com1_puts(const char *s)
{
	for (; *s; s++) {
		for (int i = 0; i < 100000; i++) {
			UINT8 lsr;

			__asm__ volatile("inb %1, %0" : "=a"(lsr) : "Nd"((UINT16)0x3fd));
			if (lsr & 0x20)
				break;
		}
		__asm__ volatile("outb %0, %1" : : "a"((UINT8)*s), "Nd"((UINT16)0x3f8));
	}
}

__attribute__((noreturn)) static void halt_forever(const char *why)
{
	com1_puts("xen-lite.efi: fatal after ExitBootServices: ");
	com1_puts(why);
	com1_puts("\r\n");
	for (;;)
		__asm__ volatile("cli; hlt");
}

static UINT32 fixed_tags_bound(void)
{
	UINT32 n = 8 + 16 + (UINT32)sizeof(LOADER_NAME) + 16 + EFI_CFG_CMDLINE_MAX; /* hdr, names */

	n += config.module_count * (24 + EFI_CFG_MODULE_CMDLINE_MAX);
	n += 8 + 36 + 8; /* ACPI */
	n += 48; /* framebuffer */
	n += 16; /* EFI64 system table */
	n += 8; /* end tag */
	return n;
}

static void add_fixed_tags(struct mb2_buf *b)
{
	mb2_add_string(b, MB2_TAG_CMDLINE, config.cmdline);
	mb2_add_string(b, MB2_TAG_LOADER_NAME, LOADER_NAME);
	for (unsigned int i = 0; i < config.module_count; i++)
		mb2_add_module(b, (UINT32)modules[i].addr, (UINT32)(modules[i].addr + modules[i].size),
			       config.modules[i].cmdline);
	if (rsdp_len)
		mb2_add_rsdp(b, rsdp_copy, rsdp_len);
	if (have_fb)
		mb2_add_framebuffer(b, &fb);
	mb2_add_efi64(b, (UINT64)(UINTN)ST);
}

static EFI_STATUS exit_and_enter(void)
{
	EFI_PHYSICAL_ADDRESS info_pa = 0, map_pa = 0;
	UINTN info_pages = 0, map_pages = 0, map_cap = 0;
	UINTN map_size, map_key = 0, desc_size = 0;
	UINT32 desc_ver, mark = 0;
	struct mb2_buf b;
	EFI_STATUS st = EFI_SUCCESS;
	BOOLEAN ebs_called = FALSE;
	int prepare;

	say(L"%d module(s), booting the hypervisor at 0x%lx", config.module_count, plan.hdr.entry64);

	for (prepare = 0; prepare < PREPARE_RETRIES; prepare++) {
		/* size the map, then preallocate the map buffer and the info with slack */
		map_size = 0;
		st = uefi_call_wrapper(BS->GetMemoryMap, 5, &map_size, NULL, &map_key, &desc_size, &desc_ver);
		if (st != EFI_BUFFER_TOO_SMALL || desc_size < sizeof(EFI_MEMORY_DESCRIPTOR)) {
			error(L"GetMemoryMap failed: %r", st);
			return EFI_ERROR(st) ? st : EFI_DEVICE_ERROR;
		}
		map_cap = map_size + (MAP_SLACK_DESCS << prepare) * desc_size;
		map_pages = PAGES(map_cap);
		map_cap = map_pages * XL_PAGE;
		st = alloc_pages(AllocateAnyPages, EfiLoaderData, map_pages, &map_pa);
		if (EFI_ERROR(st)) {
			error(L"no memory for the memory map (%ld bytes): %r", (UINT64)map_cap, st);
			return st;
		}
		info_pages = PAGES(fixed_tags_bound() + mb2_mmap_tag_bound(map_cap / desc_size));
		info_pa = BELOW_4G;
		st = alloc_pages(AllocateMaxAddress, EfiLoaderData, info_pages, &info_pa);
		if (EFI_ERROR(st)) {
			error(L"no memory below 4 GiB for the multiboot2 information: %r", st);
			return st;
		}
		mb2_begin(&b, (void *)(UINTN)info_pa, (UINT32)(info_pages * XL_PAGE));
		add_fixed_tags(&b);
		if (b.overflow) {
			error(L"multiboot2 information does not fit in %ld bytes", (UINT64)info_pages * XL_PAGE);
			return EFI_BUFFER_TOO_SMALL;
		}
		mark = b.len;

		/* No allocation, no output from here on: the map key must stay valid. */
		for (int attempt = 0; attempt < EBS_RETRIES; attempt++) {
			map_size = map_cap;
			st = uefi_call_wrapper(BS->GetMemoryMap, 5, &map_size, (EFI_MEMORY_DESCRIPTOR *)(UINTN)map_pa,
					       &map_key, &desc_size, &desc_ver);
			if (EFI_ERROR(st))
				break; /* EFI_BUFFER_TOO_SMALL: grew beyond the slack */
			if (mb2_mmap_tag_bound(map_size / desc_size) + 8 > b.cap - mark) {
				st = EFI_BUFFER_TOO_SMALL; /* would not fit the information */
				break;
			}
			st = uefi_call_wrapper(BS->ExitBootServices, 2, self_image, map_key);
			if (!EFI_ERROR(st))
				goto exited;
			ebs_called = TRUE;
			if (st != EFI_INVALID_PARAMETER)
				break;
			/* the map changed under us (an event fired): get it again and retry */
		}
		if (ebs_called) {
			/*
			 * Boot services may be partly shut down; only GetMemoryMap and
			 * ExitBootServices are allowed now, so nothing can be reallocated.
			 */
			halt_forever("ExitBootServices kept failing");
		}
		if (st != EFI_BUFFER_TOO_SMALL) {
			error(L"GetMemoryMap failed: %r", st);
			return st;
		}
		/* free this round's buffers (info, then map) and try again with more room */
		free_last_allocation();
		free_last_allocation();
	}
	error(L"the memory map keeps growing; giving up");
	return EFI_BUFFER_TOO_SMALL;

exited:
	b.len = mark;
	if (mb2_add_efi_mmap(&b, (void *)(UINTN)map_pa, map_size, desc_size) || mb2_end(&b))
		halt_forever("multiboot2 information overflow");
	xl_efi_enter(plan.hdr.entry64, info_pa);
}

/* ---- entry ------------------------------------------------------------------ */

static EFI_STATUS run(EFI_HANDLE image)
{
	EFI_LOADED_IMAGE *li;
	EFI_STATUS st;

	st = uefi_call_wrapper(BS->HandleProtocol, 3, image, &gEfiLoadedImageProtocolGuid, (void **)&li);
	if (EFI_ERROR(st)) {
		error(L"cannot get the loaded image protocol: %r", st);
		return st;
	}
	find_self(li);
	st = open_volume(li);
	if (EFI_ERROR(st)) {
		volume_root = NULL;
		warn(L"cannot open the volume xen-lite.efi was loaded from (%r)", st);
	} else {
		say(L"started from %s", self_dir[0] ? self_dir : L"\\");
	}

	st = load_config();
	if (EFI_ERROR(st))
		return st;
	st = load_hypervisor();
	if (EFI_ERROR(st))
		return st;
	st = load_modules();
	if (EFI_ERROR(st))
		return st;
	find_rsdp();
	find_framebuffer();
	return exit_and_enter();
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab); /* called by gnu-efi's crt0 */

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	EFI_STATUS st;

	InitializeLib(image, systab);
	self_image = image;
	say(L"xen-lite UEFI loader");
	st = run(image);
	/* only failures come back here */
	if (volume_root)
		uefi_call_wrapper(volume_root->Close, 1, volume_root);
	free_all_allocations();
	Print(L"xen-lite.efi: boot failed (%r); returning to the firmware in 5 seconds\n", st);
	uefi_call_wrapper(BS->Stall, 1, (UINTN)ERROR_WAIT_US);
	return st;
}
