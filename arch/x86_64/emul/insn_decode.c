/* Decoding of the stores and loads dom0 makes to its local and I/O APICs (see arch/insn_decode.h). */
#include <arch/insn_decode.h>
#include <xen-lite/errno.h>

#define MAX_INSN 15

static bool is_legacy_prefix(uint8_t b)
{
	return b == 0x66 || b == 0x67 || b == 0xf0 || b == 0xf2 || b == 0xf3 || b == 0x2e ||
	       b == 0x36 || b == 0x3e || b == 0x26 || b == 0x64 || b == 0x65;
}

/* Bytes taken by ModRM, SIB and displacement, starting at the ModRM byte. */
static int modrm_length(const uint8_t *p, unsigned int avail)
{
	uint8_t modrm, mod, rm;
	unsigned int n = 1;

	if (avail < 1)
		return -EINVAL;
	modrm = p[0];
	mod = modrm >> 6;
	rm = modrm & 7;
	if (mod == 3)
		return -EINVAL; /* a register operand is no memory access */
	/* 32-bit addressing (0x67) uses the same ModRM/SIB layout in long mode */
	if (rm == 4) { /* SIB follows */
		if (avail < 2)
			return -EINVAL;
		n++;
		if (mod == 0 && (p[1] & 7) == 5)
			n += 4; /* no base: disp32 */
	} else if (mod == 0 && rm == 5) {
		n += 4; /* RIP-relative disp32 */
	}
	if (mod == 1)
		n += 1;
	else if (mod == 2)
		n += 4;
	return n <= avail ? (int)n : -EINVAL;
}

/* Legacy prefixes and REX: where the opcode is, its operand size and REX. */
static int decode_prefixes(const uint8_t *bytes, unsigned int avail, unsigned int *size, uint8_t *rex)
{
	unsigned int i = 0;

	*size = 4;
	*rex = 0;
	for (; i < avail && is_legacy_prefix(bytes[i]); i++)
		if (bytes[i] == 0x66)
			*size = 2;
	if (i < avail && (bytes[i] & 0xf0) == 0x40)
		*rex = bytes[i++];
	if (i >= avail)
		return -EINVAL;
	if (*rex & 8)
		*size = 8; /* REX.W wins over 0x66 */
	return (int)i;
}

int decode_store(const uint8_t *bytes, unsigned int avail, struct store_insn *out)
{
	unsigned int i, size;
	uint8_t rex, op;
	int m;

	if (avail > MAX_INSN)
		avail = MAX_INSN;
	m = decode_prefixes(bytes, avail, &size, &rex);
	if (m < 0)
		return m;
	i = (unsigned int)m;
	op = bytes[i++];
	if (op != 0x89 && op != 0x87 && op != 0xc7 && op != 0x88 && op != 0xc6)
		return -EINVAL;
	if ((op == 0xc7 || op == 0xc6) && ((bytes[i < avail ? i : 0] >> 3) & 7) != 0)
		return -EINVAL; /* C6 /0 and C7 /0 only */
	if (op == 0x88 || op == 0xc6)
		size = 1; /* MOV r/m8: no prefix changes that */
	m = modrm_length(bytes + i, avail - i);
	if (m < 0)
		return m;
	out->size = size;
	out->reg = ((bytes[i] >> 3) & 7) | ((rex & 4) ? 8 : 0);
	/* without a REX prefix, byte registers 4-7 are AH, CH, DH, BH */
	out->high8 = size == 1 && !rex && out->reg >= 4;
	if (out->high8)
		out->reg -= 4;
	out->source = op == 0xc7 || op == 0xc6 ? STORE_FROM_IMM : STORE_FROM_REG;
	out->imm = 0;
	i += (unsigned int)m;
	if (out->source == STORE_FROM_IMM) {
		unsigned int isz = size == 1 ? 1 : size == 2 ? 2 : 4; /* imm32 sign-extended for 64-bit */
		uint64_t v = 0;

		if (i + isz > avail)
			return -EINVAL;
		for (unsigned int b = 0; b < isz; b++)
			v |= (uint64_t)bytes[i + b] << (8 * b);
		if (isz == 4 && (v & 0x80000000))
			v |= 0xffffffff00000000ULL;
		out->imm = v;
		i += isz;
	}
	out->length = i;
	return 0;
}

int decode_load(const uint8_t *bytes, unsigned int avail, struct load_insn *out)
{
	unsigned int i, size;
	uint8_t rex, op;
	int m;

	if (avail > MAX_INSN)
		avail = MAX_INSN;
	m = decode_prefixes(bytes, avail, &size, &rex);
	if (m < 0)
		return m;
	i = (unsigned int)m;
	op = bytes[i++];
	if (op != 0x8b && op != 0x8a)
		return -EINVAL;
	if (op == 0x8a)
		size = 1;
	m = modrm_length(bytes + i, avail - i);
	if (m < 0)
		return m; /* a register source is not a load */
	out->size = size;
	out->reg = ((bytes[i] >> 3) & 7) | ((rex & 4) ? 8 : 0);
	out->high8 = size == 1 && !rex && out->reg >= 4;
	if (out->high8)
		out->reg -= 4;
	out->length = i + (unsigned int)m;
	return 0;
}
