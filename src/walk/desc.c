// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Descriptor decode (ARM ARM "VMSAv8-64 translation table format
 * descriptors", stage-2 attribute fields) and KVM's invalid-entry encodings.
 */
#include "walk/walk_internal.h"

void s2_desc_decode(const struct s2_geometry *geo, int level, uint64_t raw, struct s2_desc *out)
{
	s2_desc_decode_inline(geo, level, raw, out);
}

void s2_desc_kvm_invalid(uint64_t raw, enum s2_kvm_pte_abi abi, struct s2_kvm_invalid *out)
{
	*out = (struct s2_kvm_invalid){ 0 };
	if (raw & 1 || !raw)
		return;
	out->annotated = true;
	if (abi == S2_KVM_PTE_ABI_6_1) {
		/* KVM_INVALID_PTE_OWNER_MASK GENMASK(9, 2); KVM_INVALID_PTE_LOCKED BIT(10) (6.6+). */
		out->owner = (raw >> 2) & 0xff;
		out->locked = (raw >> 10) & 1;
	} else {
		/* KVM_INVALID_PTE_TYPE_MASK GENMASK(63, 60), payload bits [59:1]; type 1 = locked. */
		out->type = raw >> 60;
		out->payload = (raw >> 1) & s2_mask_bits(58, 0);
		out->locked = out->type == 1;
	}
}

const char *s2_memattr_name(uint8_t memattr, bool fwb)
{
	/* MemAttr[3:2] = 00: Device, MemAttr[1:0] selects the type (the same with and without FWB). */
	static const char *const device[4] = { "Device-nGnRnE", "Device-nGnRE", "Device-nGRE", "Device-GRE" };

	memattr &= 0xf;
	if (memattr < 4)
		return device[memattr];
	if (fwb) {
		/* FEAT_S2FWB: MemAttr[2] = 1 means "Normal, stage 2 forces the type". */
		switch (memattr) {
		case 0x5: return "Normal-NC";
		case 0x6: return "Normal-WB";
		case 0x7: return "Normal-as-S1";
		}
		return "reserved";
	}
	/* Otherwise Normal, MemAttr[3:2] outer and MemAttr[1:0] inner cacheability. */
	switch (memattr) {
	case 0x5: return "Normal-NC";
	case 0xf: return "Normal-WB";
	case 0xa: return "Normal-WT";
	}
	return "Normal-other";
}
