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

/* What comes before the operands: prefixes, REX, the opcode. */
struct head {
	unsigned int next; /* the byte after the opcode */
	unsigned int size; /* operand bytes the prefixes give */
	uint8_t rex, op;
};

static int decode_head(const uint8_t *bytes, unsigned int avail, struct head *h)
{
	unsigned int i = 0;

	h->size = 4;
	h->rex = 0;
	for (; i < avail && is_legacy_prefix(bytes[i]); i++)
		if (bytes[i] == 0x66)
			h->size = 2;
	if (i < avail && (bytes[i] & 0xf0) == 0x40)
		h->rex = bytes[i++];
	if (i >= avail)
		return -EINVAL;
	if (h->rex & 8)
		h->size = 8; /* REX.W wins over 0x66 */
	h->op = bytes[i];
	h->next = i + 1;
	return 0;
}

/* ModRM.reg as a register number; without a REX prefix, byte registers 4-7 are AH, CH, DH, BH. */
static unsigned int modrm_reg(uint8_t modrm, uint8_t rex, unsigned int size, bool *high8)
{
	unsigned int reg = ((modrm >> 3) & 7) | ((rex & 4) ? 8 : 0);

	*high8 = size == 1 && !rex && reg >= 4;
	return *high8 ? reg - 4 : reg;
}

int decode_store(const uint8_t *bytes, unsigned int avail, struct store_insn *out)
{
	struct head h;
	unsigned int i, size;
	int m;

	if (avail > MAX_INSN)
		avail = MAX_INSN;
	if (decode_head(bytes, avail, &h))
		return -EINVAL;
	i = h.next;
	size = h.size;
	if (h.op != 0x89 && h.op != 0x87 && h.op != 0xc7 && h.op != 0x88 && h.op != 0xc6)
		return -EINVAL;
	if ((h.op == 0xc7 || h.op == 0xc6) && ((bytes[i < avail ? i : 0] >> 3) & 7) != 0)
		return -EINVAL; /* C6 /0 and C7 /0 only */
	if (h.op == 0x88 || h.op == 0xc6)
		size = 1; /* MOV r/m8: no prefix changes that */
	m = modrm_length(bytes + i, avail - i);
	if (m < 0)
		return m;
	out->size = size;
	out->reg = modrm_reg(bytes[i], h.rex, size, &out->high8);
	out->source = h.op == 0xc7 || h.op == 0xc6 ? STORE_FROM_IMM : STORE_FROM_REG;
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
	struct head h;
	int m;

	if (avail > MAX_INSN)
		avail = MAX_INSN;
	if (decode_head(bytes, avail, &h) || (h.op != 0x8b && h.op != 0x8a))
		return -EINVAL;
	m = modrm_length(bytes + h.next, avail - h.next);
	if (m < 0)
		return m; /* a register source is not a load */
	out->size = h.op == 0x8a ? 1 : h.size;
	out->reg = modrm_reg(bytes[h.next], h.rex, out->size, &out->high8);
	out->length = h.next + (unsigned int)m;
	return 0;
}
