// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ESR_EL2 of a guest exit in words (include/s2dump/walk.h): architecture
 * (ARM ARM D24.2.40), nothing of KVM or the kernel.
 */
#include <string.h>

#include "s2dump/walk.h"

static const char *ec_name(unsigned int ec)
{
	switch (ec) {
	case 0x00: return "unknown reason";
	case 0x01: return "WFI/WFE";
	case 0x03: return "MCR/MRC CP15";
	case 0x04: return "MCRR/MRRC CP15";
	case 0x05: return "MCR/MRC CP14";
	case 0x06: return "LDC/STC CP14";
	case 0x07: return "SVE/SIMD/FP access";
	case 0x0a: return "LD64B/ST64B";
	case 0x0c: return "MRRC CP14";
	case 0x0d: return "branch target exception";
	case 0x0e: return "illegal execution state";
	case 0x11: return "SVC (AArch32)";
	case 0x12: return "HVC (AArch32)";
	case 0x13: return "SMC (AArch32)";
	case 0x15: return "SVC (AArch64)";
	case 0x16: return "HVC (AArch64)";
	case 0x17: return "SMC (AArch64)";
	case 0x18: return "MSR/MRS/system instruction";
	case 0x19: return "SVE access";
	case 0x1a: return "ERET";
	case 0x1c: return "pointer authentication failure";
	case 0x1d: return "SME access";
	case 0x20: return "instruction abort from a lower EL";
	case 0x21: return "instruction abort from the same EL";
	case 0x22: return "PC alignment fault";
	case 0x24: return "data abort from a lower EL";
	case 0x25: return "data abort from the same EL";
	case 0x26: return "SP alignment fault";
	case 0x27: return "memory operation exception";
	case 0x28: return "FP exception (AArch32)";
	case 0x2c: return "FP exception (AArch64)";
	case 0x2f: return "SError";
	case 0x30: return "breakpoint from a lower EL";
	case 0x31: return "breakpoint from the same EL";
	case 0x32: return "software step from a lower EL";
	case 0x33: return "software step from the same EL";
	case 0x34: return "watchpoint from a lower EL";
	case 0x35: return "watchpoint from the same EL";
	case 0x38: return "BKPT (AArch32)";
	case 0x3a: return "vector catch (AArch32)";
	case 0x3c: return "BRK (AArch64)";
	default: return "reserved EC";
	}
}

/*
 * The faults of a translation table walk: FSC base..base+3 names the level 0..3, and
 * with FEAT_LPA2 a code of its own (level_m1) names level -1 (ARM ARM ISS encoding for an
 * exception from a Data Abort, DFSC); 0 where there is none.
 */
static const struct {
	unsigned int base, level_m1;
	const char *name;
} walk_faults[] = {
	{ 0x00, 0x29, "address size fault" },
	{ 0x04, 0x2b, "translation fault" },
	{ 0x08, 0, "access flag fault" },
	{ 0x0c, 0, "permission fault" },
	{ 0x14, 0x13, "synchronous external abort on table walk" },
	{ 0x1c, 0x1b, "parity/ECC error on table walk" },
	{ 0x24, 0x23, "granule protection fault on table walk" },
};

/* The faults that name no level. */
static const struct {
	unsigned int fsc;
	const char *name;
} other_faults[] = {
	{ 0x10, "synchronous external abort" },
	{ 0x11, "synchronous tag check fault" },
	{ 0x18, "parity/ECC error" },
	{ 0x21, "alignment fault" },
	{ 0x22, "debug exception" },
	{ 0x28, "granule protection fault" },
	{ 0x30, "TLB conflict abort" },
	{ 0x31, "unsupported atomic hardware update fault" },
	{ 0x34, "IMPLEMENTATION DEFINED fault (lockdown)" },
	{ 0x35, "IMPLEMENTATION DEFINED fault (unsupported exclusive or atomic)" },
};

static void fsc_decode(unsigned int fsc, struct s2_esr_info *o)
{
	for (size_t i = 0; i < sizeof(walk_faults) / sizeof(walk_faults[0]); i++) {
		bool at_level = (fsc & ~3u) == walk_faults[i].base;

		if (at_level || (walk_faults[i].level_m1 && fsc == walk_faults[i].level_m1)) {
			o->fsc_name = walk_faults[i].name;
			o->has_level = true;
			o->level = at_level ? (int)(fsc & 3) : -1;
			return;
		}
	}
	o->has_level = false;
	o->level = 0;
	o->fsc_name = "reserved FSC";
	for (size_t i = 0; i < sizeof(other_faults) / sizeof(other_faults[0]); i++)
		if (fsc == other_faults[i].fsc)
			o->fsc_name = other_faults[i].name;
}

void s2_esr_decode(uint64_t esr, uint64_t far, uint64_t hpfar, struct s2_esr_info *o)
{
	memset(o, 0, sizeof(*o));
	o->ec = (unsigned int)(esr >> 26) & 0x3f;
	o->ec_name = ec_name(o->ec);
	o->iss = (uint32_t)esr & 0x1ffffff;
	o->is_abort = o->ec == 0x20 || o->ec == 0x21 || o->ec == 0x24 || o->ec == 0x25;
	o->is_data = o->ec == 0x24 || o->ec == 0x25;
	/* HPFAR_EL2.FIPA is bits [Y:4] holding IPA[Y+8:12]; bit 63 is NS (FEAT_SEL2) */
	o->fault_ipa = ((hpfar & ~0xfULL & ~(1ULL << 63)) << 8) | (far & 0xfff);
	if (!o->is_abort)
		return;
	o->fsc = o->iss & 0x3f;
	fsc_decode(o->fsc, o);
	o->wnr = o->is_data && ((o->iss >> 6) & 1);
	o->s1ptw = (o->iss >> 7) & 1;
}
