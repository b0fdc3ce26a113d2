/*
 * The SVM MSR permission map (AMD APM vol. 2, 15.11): two bits per MSR in
 * three 2 KiB ranges, set = intercept, built from the policy's tables
 * (emul/msr_policy.c).
 */
#include "svm.h"
#include <arch/guest_policy.h>
#include <arch/lapic.h>
#include <xen-lite/string.h>

/* Byte offset of an MSR's two bits in the permission map, or -1 if it has none. */
static int msrpm_offset(uint32_t msr, unsigned int *bit)
{
	static const struct {
		uint32_t base;
		unsigned int offset;
	} ranges[] = { { 0x00000000, 0x000 }, { 0xC0000000, 0x800 }, { 0xC0010000, 0x1000 } };

	for (unsigned int i = 0; i < ARRAY_SIZE(ranges); i++) {
		if (msr - ranges[i].base < 0x2000) {
			uint32_t n = msr - ranges[i].base;

			*bit = (n % 4) * 2;
			return (int)(ranges[i].offset + n / 4);
		}
	}
	return -1;
}

/* Set (intercept) or clear (pass) an MSR's read and write bits. */
static void msrpm_set(uint8_t *msrpm, uint32_t msr, bool read_exits, bool write_exits)
{
	unsigned int bit;
	int off = msrpm_offset(msr, &bit);

	if (off < 0)
		return;
	msrpm[off] &= (uint8_t)~(3u << bit);
	msrpm[off] |= (uint8_t)(((unsigned int)read_exits | (unsigned int)write_exits << 1) << bit);
}

/* The two bits of each rule of a table. */
static void apply_rules(uint8_t *msrpm, enum msr_table table)
{
	unsigned int n;
	const struct msr_rule *rules = msr_rule_table(table, &n);

	for (unsigned int i = 0; i < n; i++)
		for (uint32_t msr = rules[i].msr; msr <= rules[i].last; msr++)
			msrpm_set(msrpm, msr, rules[i].read != MSR_PASS, rules[i].write != MSR_PASS);
}

void msrpm_build(uint8_t *msrpm)
{
	memset(msrpm, 0xff, 8192);
	apply_rules(msrpm, MSR_TABLE_GUEST);
}

void msrpm_allow_direct_apic(uint8_t *msrpm, bool x2apic)
{
	apply_rules(msrpm, MSR_TABLE_DIRECT_APIC);
	if (!x2apic)
		return;
	/* x2APIC registers: reads pass, writes are intercepted but for the table's */
	for (uint32_t msr = X2APIC_MSR_FIRST; msr <= X2APIC_MSR_LAST; msr++)
		msrpm_set(msrpm, msr, false, true);
	apply_rules(msrpm, MSR_TABLE_X2APIC);
}

void msrpm_build_dom0(uint8_t *msrpm)
{
	/* the last quarter of the map is reserved and stays all ones */
	memset(msrpm, 0, 0x1800);
	memset(msrpm + 0x1800, 0xff, 8192 - 0x1800);
	apply_rules(msrpm, MSR_TABLE_DOM0);
}

