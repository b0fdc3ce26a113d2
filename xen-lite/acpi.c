/*
 * ACPI table discovery: RSDP -> XSDT/RSDT -> MADT, FADT, MCFG, DMAR, IVRS.
 *
 * Everything read from firmware is treated as hostile: every length, count
 * and address is checked before use and nothing outside a mapped range is
 * ever touched. Physical memory is reached only through the phys_map_fn,
 * and no pointer it returned is used after a later call to it, so a mapper
 * with a single temporary window works as well as an identity map.
 */
#include <xen-lite/acpi.h>
#include <xen-lite/errno.h>
#include <xen-lite/log.h>
#include <xen-lite/string.h>

#define ACPI_HDR_LEN 36
#define ACPI_TABLE_MAX_LEN (16u << 20) /* anything larger is corrupt */

#define RSDP_V1_LEN 20
#define RSDP_V2_LEN 36
#define RSDP_OFF_REVISION 15
#define RSDP_OFF_RSDT 16
#define RSDP_OFF_LENGTH 20
#define RSDP_OFF_XSDT 24

#define MADT_OFF_LAPIC_ADDR 36
#define MADT_OFF_FLAGS 40
#define MADT_OFF_ENTRIES 44
#define MADT_PCAT_COMPAT (1u << 0)

#define MADT_TYPE_LAPIC 0
#define MADT_TYPE_IOAPIC 1
#define MADT_TYPE_LAPIC_OVERRIDE 5
#define MADT_TYPE_X2APIC 9

#define MADT_LAPIC_LEN 8
#define MADT_IOAPIC_LEN 12
#define MADT_LAPIC_OVERRIDE_LEN 12
#define MADT_X2APIC_LEN 16

#define MADT_CPU_ENABLED (1u << 0)
#define MADT_CPU_ONLINE_CAPABLE (1u << 1)

#define MCFG_OFF_ENTRIES 44
#define MCFG_ENTRY_LEN 16

#define FADT_OFF_PM_TMR_BLK 76
#define FADT_OFF_FLAGS 112
#define FADT_V1_LEN 116 /* ACPI 1.0 FADT: everything up to and including flags */
#define FADT_OFF_X_PM_TMR_BLK 208
#define FADT_X_FIELDS_LEN 244
#define FADT_TMR_VAL_EXT (1u << 8)
#define FADT_HW_REDUCED_ACPI (1u << 20)

#define GAS_SPACE_SYSTEM_IO 1
#define GAS_OFF_ADDRESS 4

#define IO_PORT_MAX 0xffffu

/* The EBDA lives in conventional memory, below the VGA hole. */
#define BDA_EBDA_SEGMENT 0x40e
#define EBDA_MIN 0x400
#define EBDA_MAX 0xa0000
#define EBDA_SCAN_LEN 1024
#define BIOS_AREA_START 0xe0000
#define BIOS_AREA_END 0x100000
#define RSDP_SCAN_STEP 16

static const char rsdp_signature[8] = { 'R', 'S', 'D', ' ', 'P', 'T', 'R', ' ' };

struct parse_ctx {
	phys_map_fn map;
	void *map_ctx;
	struct acpi_info *info;
	unsigned int tables_dropped; /* found but beyond tables[] */
};

enum table_state {
	TABLE_OK,
	TABLE_UNMAPPED, /* not even the header could be read */
	TABLE_MALFORMED, /* header read, but length absurd or body unreadable */
	TABLE_BAD_CHECKSUM,
};

struct acpi_table {
	uint64_t addr;
	uint32_t length;
	char sig[5];
	const uint8_t *p; /* the whole table, valid only when TABLE_OK */
};

static uint16_t get_u16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get_u64(const uint8_t *p)
{
	return (uint64_t)get_u32(p) | (uint64_t)get_u32(p + 4) << 32;
}

static unsigned long long ull(uint64_t v)
{
	return v;
}

uint8_t acpi_checksum(const void *p, uint64_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	while (len--)
		sum = (uint8_t)(sum + *b++);
	return sum;
}

static const uint8_t *map_range(phys_map_fn map, void *ctx, uint64_t pa, uint64_t len)
{
	if (len == 0 || len > UINT64_MAX - pa)
		return NULL;
	return map(pa, len, ctx);
}

/* Signatures end up in log lines: keep firmware garbage off the console. */
static void copy_signature(char sig[5], const uint8_t *p)
{
	for (int i = 0; i < 4; i++)
		sig[i] = (p[i] >= 0x20 && p[i] < 0x7f) ? (char)p[i] : '?';
	sig[4] = '\0';
}

static bool sig_is(const struct acpi_table *t, const char *sig)
{
	return memcmp(t->sig, sig, 4) == 0;
}

/*
 * Read a table's header, then the whole table, and verify its checksum.
 * Every failure is logged here, once, naming the table and the reason.
 */
static enum table_state load_table(struct parse_ctx *c, uint64_t pa, struct acpi_table *t)
{
	const uint8_t *hdr;

	memset(t, 0, sizeof(*t));
	t->addr = pa;

	hdr = map_range(c->map, c->map_ctx, pa, ACPI_HDR_LEN);
	if (!hdr) {
		log_warn("acpi: table at 0x%llx: header not in mapped memory, skipped\n", ull(pa));
		return TABLE_UNMAPPED;
	}
	copy_signature(t->sig, hdr);
	t->length = get_u32(hdr + 4);

	if (t->length < ACPI_HDR_LEN || t->length > ACPI_TABLE_MAX_LEN) {
		log_warn("acpi: %s at 0x%llx: implausible length %u, table ignored\n", t->sig, ull(pa),
			 t->length);
		return TABLE_MALFORMED;
	}
	t->p = map_range(c->map, c->map_ctx, pa, t->length);
	if (!t->p) {
		log_warn("acpi: %s at 0x%llx: length %u runs outside mapped memory, table ignored\n",
			 t->sig, ull(pa), t->length);
		return TABLE_MALFORMED;
	}
	if (acpi_checksum(t->p, t->length) != 0) {
		log_warn("acpi: %s at 0x%llx: bad checksum, table ignored\n", t->sig, ull(pa));
		c->info->bad_checksums++;
		t->p = NULL;
		return TABLE_BAD_CHECKSUM;
	}
	return TABLE_OK;
}

static void record_table(struct parse_ctx *c, const struct acpi_table *t, bool checksum_ok)
{
	struct acpi_info *info = c->info;
	struct acpi_table_ref *ref;

	if (info->table_count >= ACPI_MAX_TABLES) {
		c->tables_dropped++;
		return;
	}
	ref = &info->tables[info->table_count++];
	memcpy(ref->signature, t->sig, sizeof(ref->signature));
	ref->addr = t->addr;
	ref->length = t->length;
	ref->checksum_ok = checksum_ok;
}

/* ---- RSDP ------------------------------------------------------------------ */

enum rsdp_kind {
	RSDP_V1, /* revision < 2: RSDT only */
	RSDP_V2, /* extended part verified: the XSDT may be used */
	RSDP_V2_UNVERIFIED, /* revision >= 2 but fewer than 36 bytes available */
};

/*
 * Validate avail bytes of an RSDP. Returns 0 and sets *kind, or -EINVAL with
 * *why set to a short reason.
 */
static int rsdp_validate(const uint8_t *p, unsigned int avail, enum rsdp_kind *kind,
			 const char **why)
{
	uint32_t ext_len;

	if (avail < RSDP_V1_LEN) {
		*why = "too short";
		return -EINVAL;
	}
	if (memcmp(p, rsdp_signature, sizeof(rsdp_signature)) != 0) {
		*why = "bad signature";
		return -EINVAL;
	}
	if (acpi_checksum(p, RSDP_V1_LEN) != 0) {
		*why = "bad checksum";
		return -EINVAL;
	}
	if (p[RSDP_OFF_REVISION] < 2) {
		*kind = RSDP_V1;
		return 0;
	}
	if (avail < RSDP_V2_LEN) {
		*kind = RSDP_V2_UNVERIFIED;
		return 0;
	}
	ext_len = get_u32(p + RSDP_OFF_LENGTH);
	if (ext_len < RSDP_V2_LEN) {
		*why = "bad length";
		return -EINVAL;
	}
	/* A longer RSDP than we hold cannot be verified: trust only the v1 part. */
	if (ext_len > avail) {
		*kind = RSDP_V2_UNVERIFIED;
		return 0;
	}
	if (acpi_checksum(p, ext_len) != 0) {
		*why = "bad extended checksum";
		return -EINVAL;
	}
	*kind = RSDP_V2;
	return 0;
}

/* Check one 16-byte-aligned candidate; maps only what it reads. */
static bool rsdp_candidate_ok(phys_map_fn map, void *ctx, uint64_t pa)
{
	const uint8_t *p;
	enum rsdp_kind kind = RSDP_V1;
	const char *why = NULL;

	p = map_range(map, ctx, pa, sizeof(rsdp_signature));
	if (!p || memcmp(p, rsdp_signature, sizeof(rsdp_signature)) != 0)
		return false;

	p = map_range(map, ctx, pa, RSDP_V1_LEN);
	if (!p || rsdp_validate(p, RSDP_V1_LEN, &kind, &why) != 0) {
		log_debug("acpi: RSDP candidate at 0x%llx rejected\n", ull(pa));
		return false;
	}
	if (kind == RSDP_V1)
		return true;

	/* Revision 2+: the extended checksum must hold too. */
	p = map_range(map, ctx, pa, RSDP_V2_LEN);
	if (!p || rsdp_validate(p, RSDP_V2_LEN, &kind, &why) != 0 || kind != RSDP_V2) {
		log_debug("acpi: RSDP candidate at 0x%llx rejected\n", ull(pa));
		return false;
	}
	return true;
}

static bool rsdp_scan(phys_map_fn map, void *ctx, uint64_t start, uint64_t end, uint64_t *rsdp_pa)
{
	for (uint64_t pa = start; pa < end; pa += RSDP_SCAN_STEP) {
		if (rsdp_candidate_ok(map, ctx, pa)) {
			*rsdp_pa = pa;
			return true;
		}
	}
	return false;
}

int acpi_find_rsdp_legacy(phys_map_fn map, void *ctx, uint64_t *rsdp_pa)
{
	const uint8_t *bda;

	bda = map_range(map, ctx, BDA_EBDA_SEGMENT, 2);
	if (bda) {
		uint64_t ebda = (uint64_t)get_u16(bda) << 4;

		/* an EBDA shorter than a KiB just below 640 KiB: stop at the VGA hole */
		if (ebda >= EBDA_MIN && ebda < EBDA_MAX &&
		    rsdp_scan(map, ctx, ebda, MIN(ebda + EBDA_SCAN_LEN, EBDA_MAX), rsdp_pa))
			return 0;
	}
	if (rsdp_scan(map, ctx, BIOS_AREA_START, BIOS_AREA_END, rsdp_pa))
		return 0;
	return -ENOENT;
}

/* ---- MADT ------------------------------------------------------------------ */

struct madt_stats {
	unsigned int duplicates;
	unsigned int cpus_dropped;
	unsigned int ioapics_dropped;
};

static bool cpu_known(const struct acpi_info *info, uint32_t apic_id)
{
	for (unsigned int i = 0; i < info->cpu_count; i++)
		if (info->cpus[i].apic_id == apic_id)
			return true;
	return false;
}

static void madt_add_cpu(struct acpi_info *info, struct madt_stats *st, uint32_t apic_id,
			 uint32_t uid, uint32_t flags, bool x2apic)
{
	struct acpi_cpu *cpu;

	/* Neither usable now nor hot-pluggable later: not a CPU we can run. */
	if (!(flags & (MADT_CPU_ENABLED | MADT_CPU_ONLINE_CAPABLE)))
		return;
	/* Some firmware lists a CPU in both a LAPIC and an x2APIC entry. */
	if (cpu_known(info, apic_id)) {
		st->duplicates++;
		return;
	}
	if (info->cpu_count >= ACPI_MAX_CPUS) {
		st->cpus_dropped++;
		return;
	}
	cpu = &info->cpus[info->cpu_count++];
	cpu->apic_id = apic_id;
	cpu->acpi_uid = uid;
	cpu->enabled = flags & MADT_CPU_ENABLED;
	cpu->online_capable = flags & MADT_CPU_ONLINE_CAPABLE;
	cpu->x2apic_entry = x2apic;
}

static void madt_add_ioapic(struct acpi_info *info, struct madt_stats *st, const uint8_t *e)
{
	struct acpi_ioapic *io;

	if (info->ioapic_count >= ACPI_MAX_IOAPICS) {
		st->ioapics_dropped++;
		return;
	}
	io = &info->ioapics[info->ioapic_count++];
	io->id = e[2];
	io->addr = get_u32(e + 4);
	io->gsi_base = get_u32(e + 8);
}

static uint8_t madt_min_entry_len(uint8_t type)
{
	switch (type) {
	case MADT_TYPE_LAPIC:
		return MADT_LAPIC_LEN;
	case MADT_TYPE_IOAPIC:
		return MADT_IOAPIC_LEN;
	case MADT_TYPE_LAPIC_OVERRIDE:
		return MADT_LAPIC_OVERRIDE_LEN;
	case MADT_TYPE_X2APIC:
		return MADT_X2APIC_LEN;
	default:
		return 2;
	}
}

/* e points at an entry already known to lie within the table and be long enough. */
static void madt_entry(struct acpi_info *info, struct madt_stats *st, const uint8_t *e)
{
	switch (e[0]) {
	case MADT_TYPE_LAPIC:
		madt_add_cpu(info, st, e[3], e[2], get_u32(e + 4), false);
		break;
	case MADT_TYPE_IOAPIC:
		madt_add_ioapic(info, st, e);
		break;
	case MADT_TYPE_LAPIC_OVERRIDE:
		info->lapic_addr = get_u64(e + 4);
		break;
	case MADT_TYPE_X2APIC:
		madt_add_cpu(info, st, get_u32(e + 4), get_u32(e + 12), get_u32(e + 8), true);
		break;
	default:
		break; /* interrupt overrides, NMI sources...: dom0's business */
	}
}

static void madt_report(const struct acpi_table *t, const struct madt_stats *st)
{
	if (st->duplicates)
		log_warn("acpi: APIC at 0x%llx: %u entries with an already listed APIC id ignored\n",
			 ull(t->addr), st->duplicates);
	if (st->cpus_dropped)
		log_warn("acpi: APIC at 0x%llx: more than %u CPUs, %u ignored\n", ull(t->addr),
			 (unsigned int)ACPI_MAX_CPUS, st->cpus_dropped);
	if (st->ioapics_dropped)
		log_warn("acpi: APIC at 0x%llx: more than %u I/O APICs, %u ignored\n", ull(t->addr),
			 (unsigned int)ACPI_MAX_IOAPICS, st->ioapics_dropped);
}

static void parse_madt(struct acpi_info *info, const struct acpi_table *t)
{
	struct madt_stats st = { 0 };
	uint32_t off;

	if (t->length < MADT_OFF_ENTRIES) {
		log_warn("acpi: APIC at 0x%llx: too short (%u bytes), table ignored\n", ull(t->addr),
			 t->length);
		return;
	}
	info->have_madt = true;
	info->madt_addr = t->addr;
	info->madt_len = t->length;
	info->lapic_addr = get_u32(t->p + MADT_OFF_LAPIC_ADDR);
	info->pcat_compat = get_u32(t->p + MADT_OFF_FLAGS) & MADT_PCAT_COMPAT;

	for (off = MADT_OFF_ENTRIES; off < t->length;) {
		const uint8_t *e = t->p + off;
		uint32_t room = t->length - off;
		uint8_t len;

		if (room < 2) {
			log_warn("acpi: APIC at 0x%llx: truncated entry at offset %u, parsing stopped\n",
				 ull(t->addr), off);
			break;
		}
		len = e[1];
		if (len < 2 || len > room) {
			log_warn("acpi: APIC at 0x%llx: entry at offset %u has bad length %u, parsing stopped\n",
				 ull(t->addr), off, len);
			break;
		}
		if (len < madt_min_entry_len(e[0])) {
			log_warn("acpi: APIC at 0x%llx: type %u entry at offset %u too short (%u), parsing stopped\n",
				 ull(t->addr), e[0], off, len);
			break;
		}
		madt_entry(info, &st, e);
		off += len;
	}
	madt_report(t, &st);
}

/* ---- MCFG ------------------------------------------------------------------ */

static void parse_mcfg(struct acpi_info *info, const struct acpi_table *t)
{
	uint32_t off, dropped = 0;

	if (t->length < MCFG_OFF_ENTRIES) {
		log_warn("acpi: MCFG at 0x%llx: too short (%u bytes), table ignored\n", ull(t->addr),
			 t->length);
		return;
	}
	if ((t->length - MCFG_OFF_ENTRIES) % MCFG_ENTRY_LEN != 0)
		log_warn("acpi: MCFG at 0x%llx: %u trailing bytes after the last entry ignored\n",
			 ull(t->addr), (t->length - MCFG_OFF_ENTRIES) % MCFG_ENTRY_LEN);

	for (off = MCFG_OFF_ENTRIES; t->length - off >= MCFG_ENTRY_LEN; off += MCFG_ENTRY_LEN) {
		const uint8_t *e = t->p + off;
		struct acpi_mcfg_seg *seg;
		uint64_t base = get_u64(e);
		uint8_t bus_start = e[10], bus_end = e[11];

		if (base == 0 || bus_end < bus_start) {
			log_warn("acpi: MCFG at 0x%llx: entry at offset %u invalid (base 0x%llx, buses %u-%u), skipped\n",
				 ull(t->addr), off, ull(base), bus_start, bus_end);
			continue;
		}
		if (info->mcfg_count >= ACPI_MAX_MCFG) {
			dropped++;
			continue;
		}
		seg = &info->mcfg[info->mcfg_count++];
		seg->base = base;
		seg->segment = get_u16(e + 8);
		seg->bus_start = bus_start;
		seg->bus_end = bus_end;
	}
	if (dropped)
		log_warn("acpi: MCFG at 0x%llx: more than %u segments, %u ignored\n", ull(t->addr),
			 (unsigned int)ACPI_MAX_MCFG, dropped);
}

/* ---- FADT ------------------------------------------------------------------ */

/* X_PM_TMR_BLK, if present and describing an I/O port; 0 otherwise. */
static uint32_t fadt_x_pm_timer(const struct acpi_table *t)
{
	const uint8_t *gas;
	uint64_t addr;

	if (t->length < FADT_X_FIELDS_LEN)
		return 0;
	gas = t->p + FADT_OFF_X_PM_TMR_BLK;
	addr = get_u64(gas + GAS_OFF_ADDRESS);
	if (addr == 0 || gas[0] != GAS_SPACE_SYSTEM_IO)
		return 0;
	if (addr > IO_PORT_MAX) {
		log_warn("acpi: FACP at 0x%llx: X_PM_TMR_BLK port 0x%llx out of range, ignored\n",
			 ull(t->addr), ull(addr));
		return 0;
	}
	return (uint32_t)addr;
}

static void parse_fadt(struct acpi_info *info, const struct acpi_table *t)
{
	uint32_t flags, port;

	if (t->length < FADT_V1_LEN) {
		log_warn("acpi: FACP at 0x%llx: too short (%u bytes), table ignored\n", ull(t->addr),
			 t->length);
		return;
	}
	info->have_fadt = true;
	flags = get_u32(t->p + FADT_OFF_FLAGS);
	info->pm_timer_32bit = flags & FADT_TMR_VAL_EXT;
	info->hw_reduced = flags & FADT_HW_REDUCED_ACPI;

	port = fadt_x_pm_timer(t);
	if (port == 0) {
		port = get_u32(t->p + FADT_OFF_PM_TMR_BLK);
		if (port > IO_PORT_MAX) {
			log_warn("acpi: FACP at 0x%llx: PM_TMR_BLK port 0x%x out of range, ignored\n",
				 ull(t->addr), port);
			port = 0;
		}
	}
	info->pm_timer_port = port;
}

/* ---- root table walk ------------------------------------------------------- */

static bool first_of_its_kind(const struct acpi_table *t, bool seen)
{
	if (seen)
		log_warn("acpi: %s at 0x%llx: another %s was already used, table ignored\n", t->sig,
			 ull(t->addr), t->sig);
	return !seen;
}

static void dispatch_table(struct acpi_info *info, const struct acpi_table *t)
{
	if (sig_is(t, "APIC")) {
		if (first_of_its_kind(t, info->have_madt))
			parse_madt(info, t);
	} else if (sig_is(t, "FACP")) {
		if (first_of_its_kind(t, info->have_fadt))
			parse_fadt(info, t);
	} else if (sig_is(t, "MCFG")) {
		if (first_of_its_kind(t, info->mcfg_count != 0))
			parse_mcfg(info, t);
	} else if (sig_is(t, "DMAR")) {
		if (first_of_its_kind(t, info->dmar_addr != 0))
			info->dmar_addr = t->addr;
	} else if (sig_is(t, "IVRS")) {
		if (first_of_its_kind(t, info->ivrs_addr != 0))
			info->ivrs_addr = t->addr;
	}
}

static void visit_table(struct parse_ctx *c, uint64_t pa)
{
	struct acpi_table t;
	enum table_state state;

	if (pa == 0) {
		log_warn("acpi: null entry in the root table, skipped\n");
		return;
	}
	state = load_table(c, pa, &t);
	if (state == TABLE_UNMAPPED)
		return;
	record_table(c, &t, state == TABLE_OK);
	if (state != TABLE_OK)
		return;
	log_info("acpi: %s at 0x%llx len %u\n", t.sig, ull(pa), t.length);
	dispatch_table(c->info, &t);
}

/*
 * Entries are re-read one at a time rather than through the root table's
 * mapping, because visiting a table maps other memory in between.
 */
static void walk_root(struct parse_ctx *c, const struct acpi_table *root, unsigned int entry_size)
{
	uint32_t count = (root->length - ACPI_HDR_LEN) / entry_size;

	if ((root->length - ACPI_HDR_LEN) % entry_size != 0)
		log_warn("acpi: %s at 0x%llx: length not a whole number of entries, tail ignored\n",
			 root->sig, ull(root->addr));

	for (uint32_t i = 0; i < count; i++) {
		uint64_t epa = root->addr + ACPI_HDR_LEN + (uint64_t)i * entry_size;
		const uint8_t *e = map_range(c->map, c->map_ctx, epa, entry_size);

		if (!e) {
			log_warn("acpi: %s at 0x%llx: entry %u unreadable, walk stopped\n", root->sig,
				 ull(root->addr), i);
			break;
		}
		visit_table(c, entry_size == 8 ? get_u64(e) : get_u32(e));
	}
	if (c->tables_dropped)
		log_warn("acpi: more than %u tables, %u not recorded\n", (unsigned int)ACPI_MAX_TABLES,
			 c->tables_dropped);
}

/* Load a root table candidate; false (already logged) if it cannot be used. */
static bool load_root(struct parse_ctx *c, uint64_t pa, const char *sig, struct acpi_table *t)
{
	if (pa == 0)
		return false;
	if (load_table(c, pa, t) != TABLE_OK)
		return false;
	if (!sig_is(t, sig)) {
		log_warn("acpi: %s expected at 0x%llx but found signature %s, ignored\n", sig, ull(pa),
			 t->sig);
		return false;
	}
	return true;
}

static int choose_root(struct parse_ctx *c, const uint8_t *rsdp, enum rsdp_kind kind,
		       struct acpi_table *root)
{
	uint64_t xsdt = kind == RSDP_V2 ? get_u64(rsdp + RSDP_OFF_XSDT) : 0;
	uint64_t rsdt = get_u32(rsdp + RSDP_OFF_RSDT);

	if (load_root(c, xsdt, "XSDT", root)) {
		c->info->root_is_xsdt = true;
		return 0;
	}
	if (xsdt != 0)
		log_warn("acpi: XSDT at 0x%llx unusable, falling back to the RSDT\n", ull(xsdt));
	if (load_root(c, rsdt, "RSDT", root))
		return 0;
	log_warn("acpi: no usable root table (RSDT 0x%llx, XSDT 0x%llx)\n", ull(rsdt), ull(xsdt));
	return -ENOENT;
}

int acpi_parse(const uint8_t *rsdp, unsigned int rsdp_len, phys_map_fn map, void *ctx,
	       struct acpi_info *out)
{
	struct parse_ctx c = { .map = map, .map_ctx = ctx, .info = out };
	struct acpi_table root;
	enum rsdp_kind kind = RSDP_V1;
	const char *why = "invalid";
	int rc;

	memset(out, 0, sizeof(*out));
	if (!rsdp || rsdp_validate(rsdp, rsdp_len, &kind, &why) != 0) {
		log_warn("acpi: RSDP: %s, ACPI ignored\n", rsdp ? why : "none given");
		return -EINVAL;
	}
	out->revision = rsdp[RSDP_OFF_REVISION];
	if (kind == RSDP_V2_UNVERIFIED)
		log_warn("acpi: RSDP revision %u but extended part unavailable, using the RSDT\n",
			 out->revision);

	rc = choose_root(&c, rsdp, kind, &root);
	if (rc)
		return rc;
	out->root_addr = root.addr;
	log_info("acpi: RSDP revision %u, %s at 0x%llx len %u\n", out->revision, root.sig,
		 ull(root.addr), root.length);

	walk_root(&c, &root, out->root_is_xsdt ? 8 : 4);
	return 0;
}

/* ---- the MADT dom0 sees -------------------------------------------------------- */

static bool apic_id_listed(uint32_t id, const uint32_t *keep, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		if (keep[i] == id)
			return true;
	return false;
}

int acpi_madt_keep_only(uint8_t *madt, uint64_t len, const uint32_t *keep, unsigned int n)
{
	uint32_t table_len;
	uint64_t off = MADT_OFF_ENTRIES;
	int disabled = 0;

	if (len < MADT_OFF_ENTRIES || memcmp(madt, "APIC", 4))
		return -EINVAL;
	memcpy(&table_len, madt + 4, 4);
	if (table_len < MADT_OFF_ENTRIES || table_len > len || acpi_checksum(madt, table_len))
		return -EINVAL;
	while (off + 2 <= table_len) {
		uint8_t type = madt[off], elen = madt[off + 1];
		uint32_t id = 0, flags;
		uint64_t flags_off;

		if (elen < 2 || off + elen > table_len)
			break;
		if (type == MADT_TYPE_LAPIC && elen >= MADT_LAPIC_LEN) {
			id = madt[off + 3];
			flags_off = off + 4;
		} else if (type == MADT_TYPE_X2APIC && elen >= MADT_X2APIC_LEN) {
			memcpy(&id, madt + off + 4, 4);
			flags_off = off + 8;
		} else {
			off += elen;
			continue;
		}
		memcpy(&flags, madt + flags_off, 4);
		if ((flags & (MADT_CPU_ENABLED | MADT_CPU_ONLINE_CAPABLE)) && !apic_id_listed(id, keep, n)) {
			flags &= ~(MADT_CPU_ENABLED | MADT_CPU_ONLINE_CAPABLE);
			memcpy(madt + flags_off, &flags, 4);
			disabled++;
		}
		off += elen;
	}
	madt[9] = 0;
	madt[9] = (uint8_t)(0x100 - acpi_checksum(madt, table_len));
	return disabled;
}

/* ---- IOMMUs: kept from dom0 ------------------------------------------------------ */

#define DMAR_OFF_ENTRIES 48
#define DMAR_TYPE_DRHD 0
#define IVRS_OFF_ENTRIES 48
#define IVHD_TYPE_10 0x10
#define IVHD_TYPE_11 0x11
#define IVHD_TYPE_40 0x40
#define AMD_IOMMU_MMIO_SMALL 0x4000 /* the 16 KiB every AMD-Vi unit has */
#define AMD_IOMMU_MMIO_LARGE 0x80000 /* with extended features: up to 512 KiB */

static unsigned int add_region(struct acpi_iommu_region *out, unsigned int n, unsigned int cap,
			       struct acpi_iommu_region r)
{
	if (n < cap && r.base)
		out[n++] = r;
	return n;
}

/* Walk the remapping structures after the header; each starts with a type and a length. */
static unsigned int scan_iommu_table(const uint8_t *t, uint32_t len, bool amd,
				     struct acpi_iommu_region *out, unsigned int n, unsigned int cap)
{
	uint32_t off = amd ? IVRS_OFF_ENTRIES : DMAR_OFF_ENTRIES;

	while (off + 4 <= len) {
		uint8_t type = t[off];
		uint16_t elen = get_u16(t + off + 2);

		/* a structure shorter than its 4-byte header, or running past the end, ends the walk;
		 * one merely too short to hold a register base is skipped (an ATSR can be 8 bytes) */
		if (elen < 4 || off + elen > len)
			break;
		if (elen >= 16 && !amd && get_u16(t + off) == DMAR_TYPE_DRHD)
			n = add_region(out, n, cap,
				       (struct acpi_iommu_region){ .base = get_u64(t + off + 8),
								   .size = (uint64_t)PAGE_SIZE << (t[off + 5] & 0xf),
								   .segment = get_u16(t + off + 6) });
		else if (elen >= 18 && amd &&
			 (type == IVHD_TYPE_10 || type == IVHD_TYPE_11 || type == IVHD_TYPE_40))
			n = add_region(out, n, cap,
				       (struct acpi_iommu_region){
					       .base = get_u64(t + off + 8),
					       .size = type == IVHD_TYPE_10 ? AMD_IOMMU_MMIO_SMALL : AMD_IOMMU_MMIO_LARGE,
					       .amd = true,
					       .devid = get_u16(t + off + 4),
					       .segment = get_u16(t + off + 16) });
		off += elen;
	}
	return n;
}

unsigned int acpi_iommu_regions(phys_map_fn map, void *ctx, const struct acpi_info *info,
				struct acpi_iommu_region *out, unsigned int cap)
{
	const uint64_t addrs[2] = { info->dmar_addr, info->ivrs_addr };
	unsigned int n = 0;

	for (int i = 0; i < 2; i++) {
		const uint8_t *h = addrs[i] ? map_range(map, ctx, addrs[i], 36) : NULL;
		const uint8_t *t;
		uint32_t len;

		if (!h)
			continue;
		len = get_u32(h + 4);
		if (len < 48 || len > 0x100000 || !(t = map_range(map, ctx, addrs[i], len)))
			continue;
		n = scan_iommu_table(t, len, i == 1, out, n, cap);
	}
	return n;
}

#define DMAR_DRHD_SCOPES 16
#define DMAR_SCOPE_IOAPIC 3

/* A DRHD's device scopes: type, length, 2 reserved, enumeration id, start bus, (device, function) path. */
static bool drhd_ioapic_sid(const uint8_t *drhd, uint16_t len, uint8_t ioapic_id, uint16_t *sid)
{
	for (uint32_t off = DMAR_DRHD_SCOPES; off + 6 <= len;) {
		const uint8_t *sc = drhd + off;
		uint8_t slen = sc[1];

		if (slen < 6 || off + slen > len)
			return false;
		/* a path of one step: the I/O APIC is on its start bus; a longer one is not followed */
		if (sc[0] == DMAR_SCOPE_IOAPIC && sc[4] == ioapic_id && slen == 8) {
			*sid = (uint16_t)(sc[5] << 8 | (sc[6] & 0x1f) << 3 | (sc[7] & 7));
			return true;
		}
		off += slen;
	}
	return false;
}

bool acpi_dmar_ioapic_sid(phys_map_fn map, void *ctx, const struct acpi_info *info, uint8_t ioapic_id,
			  uint16_t *sid)
{
	const uint8_t *h = info->dmar_addr ? map_range(map, ctx, info->dmar_addr, 36) : NULL;
	const uint8_t *t;
	uint32_t len;

	if (!h)
		return false;
	len = get_u32(h + 4);
	if (len < DMAR_OFF_ENTRIES || len > 0x100000 || !(t = map_range(map, ctx, info->dmar_addr, len)))
		return false;
	for (uint32_t off = DMAR_OFF_ENTRIES; off + 4 <= len;) {
		uint16_t elen = get_u16(t + off + 2);

		if (elen < 4 || off + elen > len)
			break;
		if (get_u16(t + off) == DMAR_TYPE_DRHD && elen >= DMAR_DRHD_SCOPES &&
		    drhd_ioapic_sid(t + off, elen, ioapic_id, sid))
			return true;
		off += elen;
	}
	return false;
}

int acpi_hide_table(uint8_t *table, uint64_t len)
{
	uint32_t table_len;

	if (len < 36)
		return -EINVAL;
	memcpy(&table_len, table + 4, 4);
	if (table_len < 36 || table_len > len || acpi_checksum(table, table_len))
		return -EINVAL;
	table[0] = 'X'; /* "DMAR" -> "XMAR": no driver looks for it */
	table[9] = 0;
	table[9] = (uint8_t)(0x100 - acpi_checksum(table, table_len));
	return 0;
}
