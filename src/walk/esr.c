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

static void fsc_decode(unsigned int fsc, struct s2_esr_info *o)
{
	o->has_level = true;
	switch (fsc) {
	case 0x00: case 0x01: case 0x02: case 0x03:
		o->fsc_name = "address size fault"; o->level = fsc & 3; return;
	case 0x29: o->fsc_name = "address size fault"; o->level = -1; return;
	case 0x04: case 0x05: case 0x06: case 0x07:
		o->fsc_name = "translation fault"; o->level = fsc & 3; return;
	case 0x2b: o->fsc_name = "translation fault"; o->level = -1; return;
	case 0x08: case 0x09: case 0x0a: case 0x0b:
		o->fsc_name = "access flag fault"; o->level = fsc & 3; return;
	case 0x0c: case 0x0d: case 0x0e: case 0x0f:
		o->fsc_name = "permission fault"; o->level = fsc & 3; return;
	case 0x14: case 0x15: case 0x16: case 0x17:
		o->fsc_name = "synchronous external abort on table walk"; o->level = fsc & 3; return;
	case 0x13: o->fsc_name = "synchronous external abort on table walk"; o->level = -1; return;
	case 0x1c: case 0x1d: case 0x1e: case 0x1f:
		o->fsc_name = "parity/ECC error on table walk"; o->level = fsc & 3; return;
	case 0x1b: o->fsc_name = "parity/ECC error on table walk"; o->level = -1; return;
	case 0x24: case 0x25: case 0x26: case 0x27:
		o->fsc_name = "granule protection fault on table walk"; o->level = fsc & 3; return;
	case 0x23: o->fsc_name = "granule protection fault on table walk"; o->level = -1; return;
	}
	o->has_level = false;
	o->level = 0;
	switch (fsc) {
	case 0x10: o->fsc_name = "synchronous external abort"; return;
	case 0x11: o->fsc_name = "synchronous tag check fault"; return;
	case 0x18: o->fsc_name = "parity/ECC error"; return;
	case 0x21: o->fsc_name = "alignment fault"; return;
	case 0x22: o->fsc_name = "debug exception"; return;
	case 0x28: o->fsc_name = "granule protection fault"; return;
	case 0x30: o->fsc_name = "TLB conflict abort"; return;
	case 0x31: o->fsc_name = "unsupported atomic hardware update fault"; return;
	case 0x34: o->fsc_name = "IMPLEMENTATION DEFINED fault (lockdown)"; return;
	case 0x35: o->fsc_name = "IMPLEMENTATION DEFINED fault (unsupported exclusive or atomic)"; return;
	default: o->fsc_name = "reserved FSC"; return;
	}
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
