// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A vCPU's guest-hypervisor EL2 registers (src/kvm/kvm.h). enum vcpu_sysreg
 * values from __VNCR_START__ on are 8-byte slots of the VNCR page
 * (vcpu->arch.ctxt.vncr_array), the others are vcpu->arch.ctxt.sys_regs[].
 * 7.3 moved HCR_EL2 out of the VNCR page (its slot 0x078 became
 * VNCR_NVHCR_EL2), so the place comes from the enum in DWARF. Without the
 * enum: VTTBR_EL2 and VTCR_EL2 at their architectural VNCR offsets (VNCR in
 * every kernel with NV2 support), HCR_EL2 unknown.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "kvm/kvm.h"
#include "s2dump/nested.h"

static void sysreg_locate(struct s2_kernel *k, const char *name, uint64_t vncr_fallback, struct s2_kvm_sysreg_loc *out)
{
	const struct s2_target *t = s2_kernel_target(k);
	struct s2_member_info regs;
	int64_t value, start;
	struct s2_error *err = NULL;

	memset(out, 0, sizeof(*out));
	if (!t->ops->enumerator_value) {
		snprintf(out->why, sizeof(out->why), "%s cannot read enum vcpu_sysreg", t->backend);
	} else if ((err = t->ops->enumerator_value(t->ctx, name, &value)) ||
		   (err = t->ops->enumerator_value(t->ctx, "__VNCR_START__", &start))) {
		snprintf(out->why, sizeof(out->why), "enum vcpu_sysreg: %s", err->message);
		s2_error_destroy(err);
	} else if (value >= start) {
		out->where = S2_KVM_SYSREG_VNCR;
		out->offset = 8 * (uint64_t)(value - start);
		return;
	} else if (value < 0 || (err = t->ops->member_info(t->ctx, "kvm_vcpu", "arch.ctxt.sys_regs", &regs))) {
		snprintf(out->why, sizeof(out->why), "%s = %" PRId64 " is below __VNCR_START__ but %s", name, value,
			 err ? err->message : "negative");
		s2_error_destroy(err);
	} else if (regs.kind != S2_TYPE_ARRAY || (uint64_t)value >= regs.array_length) {
		snprintf(out->why, sizeof(out->why), "%s = %" PRId64 " is outside kvm_vcpu.arch.ctxt.sys_regs[%" PRIu64 "]",
			 name, value, regs.array_length);
	} else {
		out->where = S2_KVM_SYSREG_SYS_REGS;
		out->offset = regs.offset + 8 * (uint64_t)value;
		return;
	}
	if (vncr_fallback) {
		out->where = S2_KVM_SYSREG_VNCR;
		out->offset = vncr_fallback;
	}
}

static void locate(struct s2_kernel *k, struct s2_kvm_el2_regs *r)
{
	const struct s2_target *t = s2_kernel_target(k);
	struct s2_member_info info;
	struct s2_error *err = t->ops->member_info(t->ctx, "kvm_vcpu", "arch.ctxt.vncr_array", &info);

	r->located = true;
	r->has_vncr = !err;
	r->vncr_offset = err ? 0 : info.offset;
	s2_error_destroy(err);
	sysreg_locate(k, "VTTBR_EL2", S2_VNCR_VTTBR_EL2, &r->vttbr);
	sysreg_locate(k, "VTCR_EL2", S2_VNCR_VTCR_EL2, &r->vtcr);
	sysreg_locate(k, "HCR_EL2", 0, &r->hcr); /* never guessed: 7.3 moved it */
}

static struct s2_error *sysreg_read(struct s2_kernel *k, const struct s2_kvm_sysreg_loc *loc, uint64_t vcpu,
				    uint64_t vncr, uint64_t *val)
{
	return s2_kernel_read_u64(k, (loc->where == S2_KVM_SYSREG_VNCR ? vncr : vcpu) + loc->offset, val);
}

struct s2_error *s2_kvm_read_vcpu_el2(struct s2_kernel *k, struct s2_kvm_el2_regs *r, const struct s2_kvm_vcpu *vcpu,
				      struct s2_kvm_vcpu_el2 *out)
{
	struct s2_error *err;

	memset(out, 0, sizeof(*out));
	if (!r->located)
		locate(k, r);
	if (r->has_vncr && (err = s2_kernel_read_u64(k, vcpu->addr + r->vncr_offset, &out->vncr)))
		return s2_error_prefix(err, "vcpu 0x%" PRIx64 " vncr_array: ", vcpu->addr);
	if (!out->vncr)
		return NULL;
	if ((err = sysreg_read(k, &r->vttbr, vcpu->addr, out->vncr, &out->vttbr)) ||
	    (err = sysreg_read(k, &r->vtcr, vcpu->addr, out->vncr, &out->vtcr)) ||
	    (r->hcr.where != S2_KVM_SYSREG_UNKNOWN && (err = sysreg_read(k, &r->hcr, vcpu->addr, out->vncr, &out->hcr))))
		return s2_error_prefix(err, "vcpu 0x%" PRIx64 " (VNCR page 0x%" PRIx64 "): ", vcpu->addr, out->vncr);
	if (r->hcr.where == S2_KVM_SYSREG_UNKNOWN)
		out->hcr_unknown = r->hcr.why;
	return NULL;
}
