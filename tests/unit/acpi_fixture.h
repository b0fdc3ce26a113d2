/*
 * Crafted ACPI tables for the host tests of the ACPI code (test_acpi.c,
 * test_acpi_dom0.c), shared so both build tables the same way.
 *
 * Tables are built in a fake physical memory or on the heap. The map
 * callback hands out a freshly allocated copy of exactly the range asked
 * for, so AddressSanitizer flags any read past what was mapped.
 */
#ifndef TESTS_ACPI_FIXTURE_H
#define TESTS_ACPI_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

/* ---- fake physical memory --------------------------------------------------- */

/* Add a zeroed stretch of fake physical memory; from a test's setup. */
void fake_mem_add(uint64_t base, uint64_t size);

/*
 * The cmocka teardown for tests using the fixture: frees the fake memory and
 * every tracked heap block (cmocka runs it after a failed test too).
 */
int acpi_fixture_teardown(void **state);

/*
 * Every heap block a test makes is freed by acpi_fixture_teardown(), even
 * after a failure; fails the test if p is NULL. Returns p.
 */
void *track_alloc(void *p);

/* A phys_map_fn over the fake memory: NULL for a range not wholly inside it. */
const void *fake_map(uint64_t pa, uint64_t len, void *ctx);

/* What fake_map was asked: how often and the longest length. The test resets them. */
extern unsigned int fake_map_calls;
extern uint64_t fake_map_max_len;

/* Writable pointer into fake memory, for building tables; fails the test outside it. */
uint8_t *mem(uint64_t pa, uint64_t len);

/* ---- table construction ------------------------------------------------------ */

/* Room each table under construction has. */
#define TB_MAX 0x4000

/* Set *csum so that the len bytes at p sum to zero. */
void fix_checksum(uint8_t *p, size_t len, uint8_t *csum);

/* A table under construction, in fake memory (pa != 0) or on the heap. */
struct tb {
	uint64_t pa;
	uint8_t *p;
	uint32_t len;
};

/* A table with the standard 36-byte header, on the heap (tracked). */
struct tb tb_heap(const char *sig);

/* A table with the standard 36-byte header, at pa in fake memory (TB_MAX bytes there). */
struct tb tb_mem(uint64_t pa, const char *sig);

/* Append a little-endian field; fails the test past TB_MAX. */
void tb_u8(struct tb *b, uint8_t v);
void tb_u16(struct tb *b, uint16_t v);
void tb_u32(struct tb *b, uint32_t v);
void tb_u64(struct tb *b, uint64_t v);

/* Append n bytes of v. */
void tb_fill(struct tb *b, uint8_t v, uint32_t n);

/* Write the length and a valid checksum; returns the table's address (0 on the heap). */
uint64_t tb_end(struct tb *b);

/* ---- MADT entries -------------------------------------------------------------- */

/* Start an entry: its type and length bytes. Returns the entry's offset in the table. */
uint32_t madt_entry(struct tb *b, uint8_t type, uint8_t length);

/* The CPU entries return the offset of the entry's flags, for tests that rewrite them. */
uint32_t madt_lapic(struct tb *b, uint8_t uid, uint8_t apic_id, uint32_t flags);
uint32_t madt_x2apic(struct tb *b, uint32_t x2apic_id, uint32_t flags, uint32_t uid);

void madt_ioapic(struct tb *b, uint8_t id, uint32_t addr, uint32_t gsi_base);

/* Interrupt Source Override (type 2, 10 bytes): neither a CPU nor an I/O APIC. */
void madt_iso(struct tb *b, uint16_t flags);

#endif
