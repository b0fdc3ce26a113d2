/*
 * Host tests for SHA-256 (lib/sha256.c): the FIPS 180-4 example messages
 * (and the classic one-million-'a' vector), the same digests whatever the
 * chunking of sha256_update, messages around the padding's block boundary,
 * and sha256_parse_hex.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <xen-lite/errno.h>
#include <xen-lite/sha256.h>

static void digest_of(const char *hex, uint8_t out[SHA256_DIGEST_SIZE])
{
	assert_int_equal(sha256_parse_hex(hex, out), 0);
}

static void expect_digest(const void *data, size_t len, const char *hex)
{
	uint8_t want[SHA256_DIGEST_SIZE], got[SHA256_DIGEST_SIZE];

	digest_of(hex, want);
	sha256(data, len, got);
	assert_memory_equal(got, want, sizeof(want));
}

static void test_empty(void **state)
{
	expect_digest("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void test_abc(void **state)
{
	expect_digest("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void test_448_bits(void **state)
{
	static const char msg[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";

	assert_int_equal(strlen(msg) * 8, 448);
	expect_digest(msg, strlen(msg), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void test_896_bits(void **state)
{
	static const char msg[] = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
				  "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";

	assert_int_equal(strlen(msg) * 8, 896);
	expect_digest(msg, strlen(msg), "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

/* One million 'a' in chunks of odd sizes, so that every offset into a block is crossed. */
static void test_million_a_in_odd_chunks(void **state)
{
	static const size_t chunk_sizes[] = { 1, 3, 63, 65, 7, 127, 129, 1000, 64, 5 };
	static char a[1000];
	uint8_t want[SHA256_DIGEST_SIZE], got[SHA256_DIGEST_SIZE];
	struct sha256_ctx ctx;
	size_t left = 1000000;

	memset(a, 'a', sizeof(a));
	sha256_init(&ctx);
	for (unsigned int i = 0; left; i = (i + 1) % (sizeof(chunk_sizes) / sizeof(chunk_sizes[0]))) {
		size_t n = chunk_sizes[i] < left ? chunk_sizes[i] : left;

		sha256_update(&ctx, a, n);
		left -= n;
	}
	sha256_final(&ctx, got);
	digest_of("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", want);
	assert_memory_equal(got, want, sizeof(want));
}

/*
 * Lengths where the padding's 0x80 and 64-bit length just fit, or just do
 * not fit, in the last block (digests from another implementation: Python's
 * hashlib); the bytes are 0, 1, 2 ...
 */
static void test_padding_boundaries(void **state)
{
	static const struct {
		size_t len;
		const char *hex;
	} cases[] = {
		{ 55, "463eb28e72f82e0a96c0a4cc53690c571281131f672aa229e0d45ae59b598b59" },
		{ 56, "da2ae4d6b36748f2a318f23e7ab1dfdf45acdc9d049bd80e59de82a60895f562" },
		{ 63, "29af2686fd53374a36b0846694cc342177e428d1647515f078784d69cdb9e488" },
		{ 64, "fdeab9acf3710362bd2658cdc9a29e8f9c757fcf9811603a8c447cd1d9151108" },
		{ 65, "4bfd2c8b6f1eec7a2afeb48b934ee4b2694182027e6d0fc075074f2fabb31781" },
	};
	uint8_t bytes[65];

	for (unsigned int i = 0; i < sizeof(bytes); i++)
		bytes[i] = (uint8_t)i;
	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_digest(bytes, cases[i].len, cases[i].hex);
}

/* Byte by byte, and in one call: the same digest. */
static void test_chunking_does_not_matter(void **state)
{
	static const char msg[] =
		"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq-and-some-more-bytes";
	uint8_t whole[SHA256_DIGEST_SIZE], pieces[SHA256_DIGEST_SIZE];
	struct sha256_ctx ctx;

	sha256(msg, strlen(msg), whole);
	sha256_init(&ctx);
	for (size_t i = 0; i < strlen(msg); i++)
		sha256_update(&ctx, msg + i, 1);
	sha256_update(&ctx, msg, 0);
	sha256_final(&ctx, pieces);
	assert_memory_equal(pieces, whole, sizeof(whole));
}

static void test_parse_hex_either_case(void **state)
{
	static const char lower_hex[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	static const char upper_hex[] = "0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF";
	uint8_t lower[SHA256_DIGEST_SIZE], upper[SHA256_DIGEST_SIZE];

	assert_int_equal(sha256_parse_hex(lower_hex, lower), 0);
	assert_int_equal(lower[0], 0x01);
	assert_int_equal(lower[7], 0xef);
	assert_int_equal(lower[31], 0xef);
	assert_int_equal(sha256_parse_hex(upper_hex, upper), 0);
	assert_memory_equal(lower, upper, sizeof(lower));
}

static void test_parse_hex_refuses(void **state)
{
	static const char *const bad[] = {
		"",
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85", /* 63 digits */
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b8550", /* 65 */
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85 ", /* a space */
		" e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n",
		"g3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", /* not hex */
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85G",
		"0xb0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b8:5",
	};
	uint8_t out[SHA256_DIGEST_SIZE], untouched[SHA256_DIGEST_SIZE];

	memset(out, 0x5a, sizeof(out));
	memset(untouched, 0x5a, sizeof(untouched));
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (sha256_parse_hex(bad[i], out) != -EINVAL)
			fail_msg("\"%s\" was accepted", bad[i]);
		assert_memory_equal(out, untouched, sizeof(out));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_abc),
		cmocka_unit_test(test_448_bits),
		cmocka_unit_test(test_896_bits),
		cmocka_unit_test(test_million_a_in_odd_chunks),
		cmocka_unit_test(test_padding_boundaries),
		cmocka_unit_test(test_chunking_does_not_matter),
		cmocka_unit_test(test_parse_hex_either_case),
		cmocka_unit_test(test_parse_hex_refuses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
