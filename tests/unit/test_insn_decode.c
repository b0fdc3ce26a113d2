/* Host tests for the decoders used to emulate dom0's local APIC writes and I/O APIC accesses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arch/insn_decode.h>
#include <xen-lite/errno.h>

static struct store_insn decode_ok(const uint8_t *b, unsigned int n)
{
	struct store_insn s;

	assert_int_equal(decode_store(b, n, &s), 0);
	return s;
}

static void test_mov_reg_forms(void **state)
{
	/* mov %eax,(%rdx) */
	static const uint8_t a[] = { 0x89, 0x02 };
	/* mov %eax,0xffffffffff5fb0b0 (Linux's fixmap APIC write: SIB, no base, disp32) */
	static const uint8_t b[] = { 0x89, 0x04, 0x25, 0xb0, 0xb0, 0x5f, 0xff };
	/* mov %r9d,0x300(%rdi) */
	static const uint8_t c[] = { 0x44, 0x89, 0x8f, 0x00, 0x03, 0x00, 0x00 };
	/* mov %ecx,0x10(%rax,%rbx,4) */
	static const uint8_t d[] = { 0x89, 0x4c, 0x98, 0x10 };
	/* mov %rdx,(%rax) (64-bit) */
	static const uint8_t e[] = { 0x48, 0x89, 0x10 };
	/* mov %ax,(%rbx) (16-bit) */
	static const uint8_t f[] = { 0x66, 0x89, 0x03 };
	struct store_insn s;

	s = decode_ok(a, sizeof(a));
	assert_int_equal(s.length, 2);
	assert_int_equal(s.reg, 2 - 2); /* eax */
	assert_int_equal(s.size, 4);
	assert_int_equal(s.source, STORE_FROM_REG);
	s = decode_ok(b, sizeof(b));
	assert_int_equal(s.length, 7);
	assert_int_equal(s.reg, 0);
	s = decode_ok(c, sizeof(c));
	assert_int_equal(s.length, 7);
	assert_int_equal(s.reg, 9);
	s = decode_ok(d, sizeof(d));
	assert_int_equal(s.length, 4);
	assert_int_equal(s.reg, 1);
	s = decode_ok(e, sizeof(e));
	assert_int_equal(s.length, 3);
	assert_int_equal(s.size, 8);
	assert_int_equal(s.reg, 2);
	s = decode_ok(f, sizeof(f));
	assert_int_equal(s.size, 2);
	assert_int_equal(s.length, 3);
}

static void test_mov_imm_and_xchg(void **state)
{
	/* movl $0x4500,0x300(%rax) */
	static const uint8_t a[] = { 0xc7, 0x80, 0x00, 0x03, 0x00, 0x00, 0x00, 0x45, 0x00, 0x00 };
	/* movl $-1,(%rip+0) */
	static const uint8_t b[] = { 0xc7, 0x05, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff };
	/* xchg %eax,(%rdx) */
	static const uint8_t c[] = { 0x87, 0x02 };
	struct store_insn s;

	s = decode_ok(a, sizeof(a));
	assert_int_equal(s.length, 10);
	assert_int_equal(s.source, STORE_FROM_IMM);
	assert_true(s.imm == 0x4500);
	s = decode_ok(b, sizeof(b));
	assert_int_equal(s.length, 10);
	assert_true(s.imm == 0xffffffffffffffffULL);
	s = decode_ok(c, sizeof(c));
	assert_int_equal(s.length, 2);
	assert_int_equal(s.source, STORE_FROM_REG);
}

/* byte stores (Linux writes PCI configuration space through ECAM with movb/movw/movl) */
static void test_byte_stores(void **state)
{
	/* mov %al,(%rdx) */
	static const uint8_t a[] = { 0x88, 0x02 };
	/* mov %bh,0x4(%rcx): register 7 without REX is BH, bits 8-15 of RBX */
	static const uint8_t b[] = { 0x88, 0x79, 0x04 };
	/* mov %sil,(%rdi): with a REX prefix, register 6 is SIL */
	static const uint8_t c[] = { 0x40, 0x88, 0x37 };
	/* mov %r10b,(%rax) */
	static const uint8_t d[] = { 0x44, 0x88, 0x10 };
	/* movb $0x5a,0x3c(%rbx), with an operand-size prefix that does not change the size */
	static const uint8_t e[] = { 0x66, 0xc6, 0x43, 0x3c, 0x5a };
	/* C6 /1 is not a store */
	static const uint8_t f[] = { 0xc6, 0x08, 0x01 };
	/* movb $imm with the immediate missing */
	static const uint8_t g[] = { 0xc6, 0x00 };
	struct store_insn s;

	s = decode_ok(a, sizeof(a));
	assert_int_equal(s.size, 1);
	assert_int_equal(s.length, 2);
	assert_int_equal(s.reg, 0);
	assert_false(s.high8);
	s = decode_ok(b, sizeof(b));
	assert_int_equal(s.reg, 3); /* rbx */
	assert_true(s.high8);
	assert_int_equal(s.length, 3);
	s = decode_ok(c, sizeof(c));
	assert_int_equal(s.reg, 6);
	assert_false(s.high8);
	s = decode_ok(d, sizeof(d));
	assert_int_equal(s.reg, 10);
	assert_false(s.high8);
	s = decode_ok(e, sizeof(e));
	assert_int_equal(s.size, 1);
	assert_int_equal(s.source, STORE_FROM_IMM);
	assert_int_equal(s.imm, 0x5a);
	assert_int_equal(s.length, 5);
	assert_int_equal(decode_store(f, sizeof(f), &s), -EINVAL);
	assert_int_equal(decode_store(g, sizeof(g), &s), -EINVAL);
}

static void test_refused(void **state)
{
	static const uint8_t load[] = { 0x8b, 0x02 }; /* mov (%rdx),%eax: not a store */
	static const uint8_t regdst[] = { 0x89, 0xc0 }; /* mov %eax,%eax */
	static const uint8_t c7_1[] = { 0xc7, 0x08, 0, 0, 0, 0 }; /* C7 /1 is not MOV */
	static const uint8_t truncated[] = { 0x89, 0x04, 0x25, 0xb0 };
	static const uint8_t prefixes[16] = { 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
					      0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x89 };
	struct store_insn s;

	assert_int_equal(decode_store(load, sizeof(load), &s), -EINVAL);
	assert_int_equal(decode_store(regdst, sizeof(regdst), &s), -EINVAL);
	assert_int_equal(decode_store(c7_1, sizeof(c7_1), &s), -EINVAL);
	assert_int_equal(decode_store(truncated, sizeof(truncated), &s), -EINVAL);
	assert_int_equal(decode_store(prefixes, sizeof(prefixes), &s), -EINVAL);
	assert_int_equal(decode_store(load, 0, &s), -EINVAL);
}

/* Loads: what Linux's readl() and friends compile to. */
static void test_load_forms(void **state)
{
	/* mov 0x10(%rax),%eax: io_apic_read()'s readl */
	static const uint8_t a[] = { 0x8b, 0x40, 0x10 };
	/* mov (%rdi),%r11d */
	static const uint8_t b[] = { 0x44, 0x8b, 0x1f };
	/* mov 0x10(%rdx),%rcx (64-bit) */
	static const uint8_t c[] = { 0x48, 0x8b, 0x4a, 0x10 };
	/* mov (%rbx),%ax (16-bit) */
	static const uint8_t d[] = { 0x66, 0x8b, 0x03 };
	/* mov (%rsi),%ah: the high byte */
	static const uint8_t e[] = { 0x8a, 0x26 };
	/* mov (%rsi),%spl: a REX byte register, not AH */
	static const uint8_t f[] = { 0x40, 0x8a, 0x26 };
	/* mov 0xfec00010,%eax: SIB without base, disp32 */
	static const uint8_t g[] = { 0x8b, 0x04, 0x25, 0x10, 0x00, 0xc0, 0xfe };
	struct load_insn l;

	assert_int_equal(decode_load(a, sizeof(a), &l), 0);
	assert_int_equal(l.length, 3);
	assert_int_equal(l.size, 4);
	assert_int_equal(l.reg, 0);
	assert_false(l.high8);
	assert_int_equal(decode_load(b, sizeof(b), &l), 0);
	assert_int_equal(l.reg, 11);
	assert_int_equal(l.length, 3);
	assert_int_equal(decode_load(c, sizeof(c), &l), 0);
	assert_int_equal(l.size, 8);
	assert_int_equal(l.reg, 1);
	assert_int_equal(l.length, 4);
	assert_int_equal(decode_load(d, sizeof(d), &l), 0);
	assert_int_equal(l.size, 2);
	assert_int_equal(decode_load(e, sizeof(e), &l), 0);
	assert_int_equal(l.size, 1);
	assert_true(l.high8);
	assert_int_equal(l.reg, 0); /* AH: bits 8-15 of RAX */
	assert_int_equal(decode_load(f, sizeof(f), &l), 0);
	assert_false(l.high8);
	assert_int_equal(l.reg, 4);
	assert_int_equal(decode_load(g, sizeof(g), &l), 0);
	assert_int_equal(l.length, 7);
}

static void test_load_refusals(void **state)
{
	/* mov %eax,%ecx: registers only */
	static const uint8_t a[] = { 0x8b, 0xc8 };
	/* a store is not a load */
	static const uint8_t b[] = { 0x89, 0x02 };
	/* truncated displacement */
	static const uint8_t c[] = { 0x8b, 0x80, 0x10, 0x00 };
	/* prefixes only */
	static const uint8_t d[] = { 0x66, 0x48 };
	struct load_insn l;

	assert_int_equal(decode_load(a, sizeof(a), &l), -EINVAL);
	assert_int_equal(decode_load(b, sizeof(b), &l), -EINVAL);
	assert_int_equal(decode_load(c, sizeof(c), &l), -EINVAL);
	assert_int_equal(decode_load(d, sizeof(d), &l), -EINVAL);
	assert_int_equal(decode_load(a, 0, &l), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mov_reg_forms),
		cmocka_unit_test(test_mov_imm_and_xchg),
		cmocka_unit_test(test_byte_stores),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_load_forms),
		cmocka_unit_test(test_load_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
