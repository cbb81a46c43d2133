// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Help text: one source for `s2dump --help`, crash's `help s2dump` and the
 * drgn module. Keep it true to cmd/command.c.
 */
#include <string.h>

#include "s2dump/command.h"

static const char *const s2dump_description[] = {
	"Dump the stage-2 page tables of KVM arm64 VMs (kvm->arch.mmu) from a",
	"vmcore or the live kernel. With no VM named, every VM on vm_list.",
	"A VM is named by its struct kvm address or its VMM's pid. Numbers as in",
	"crash: an address or IPA is hex, 0x optional (ffff000005d8c000, -t",
	"40001000); a decimal word is a pid; nothing negative. A pid names every",
	"VM its VMM runs: -x refuses one with several VMs and lists their",
	"addresses; the other forms cover them all. -t lines over several VMs",
	"(no VM named, or a pid) start 'kvm 0x<address> pid <pid>: '.",
	"Options go together as: -x alone; one of -v, -t, -p; -j (or --json)",
	"with any but -x. Other mixes are refused.",
	"Nested virtualization (a nested MMU address from the header is not a VM):",
	"'s2dump nesteds2 list|dump|guest|check ...' (help nesteds2).",
	"Exit status: 0 ok; 1 ran to the end with findings (unreadable tables,",
	"reserved descriptors, check violations); 2 error; 3 bad command line.",
	"",
	"Default output: a header per VM (struct kvm address, pid, vCPUs, memslots,",
	"kvm_s2_mmu address, VMID, VTCR, VTTBR, ipa_range, stage2_levels, pgd and",
	"its PA), then the kernel's debugfs stage2_page_tables text of that VM,",
	"complete: the final run (dropped up to 7.2) is printed, and tables missing",
	"from the dump are shown as '!!' lines (exit status 1).",
	"",
	"  -x      exactly what /sys/kernel/debug/kvm/<pid>-<fd>/stage2_page_tables",
	"          holds on this kernel version, quirks included (needs one VM): up",
	"          to 7.2 the final run is dropped, from 7.3 it is printed; the rules",
	"          come from the vmlinux where it tells (a backport), else the release",
	"  -v      first 'ptdump rules: ...', the rules and what decided them; then",
	"          one line per valid leaf: IPA range, level, output address, raw",
	"          descriptor and its PA, S2AP, XN, AF, SH, MemAttr, contiguous, DBM,",
	"          software bits",
	"  -t IPA  translate one IPA through the VM's stage 2: output address and",
	"          attributes, or the fault and level the MMU would raise. Given a",
	"          nested MMU (address or debugfs name) instead of a VM, IPA is an L2",
	"          IPA: the guest hypervisor's stage 2 (L2 IPA -> L1 IPA, or the fault",
	"          and guest level), the canonical line for the L1 IPA, and",
	"          'shadow: ' with what the shadow table holds for the L2 IPA",
	"  -p      pre-fault report: per memslot of address space 0 (GFN order) its",
	"          range, size, userspace address and flags, how much of it the",
	"          canonical stage 2 maps, and the valid leaves grouped by level, kind,",
	"          permissions (r/w/x) and AF (a leaf counts, whole, for the slot that",
	"          holds its first IPA); then 'outside memslots mapped <S>', then per",
	"          vCPU (vcpu_array order) ESR_EL2/FAR_EL2/HPFAR_EL2 and the last",
	"          fault decoded: exception class, fault status and level, WnR, fault",
	"          IPA. pKVM VMs: memslots, pkvm_mappings and vCPUs (no walk)",
	"  -j      JSON instead of text (default dump: every valid leaf; with -v,",
	"          -t or -p: the same facts), schema \"s2dump/1\" (docs/json.md),",
	"          one document per command, also on errors (\"error\" member)",
	"",
	"pKVM (6.14+ protected mode): the host's kvm_pgtable holds only the",
	"pkvm_mappings tree; s2dump lists those (gfn, pfn, nr_pages) instead of",
	"walking the pgd. A struct layout that is not upstream (Android GKI) is",
	"refused with one line naming the member and the kernel release.",
	NULL,
};

static const char *const s2dump_examples[] = {
	"  s2dump                          every VM, header + debugfs text",
	"  s2dump -x 0xffff000005d88000    the exact debugfs file of one VM",
	"  s2dump -v 116                   leaves of the VM whose VMM is pid 116",
	"  s2dump -t 0x40001000 116        one IPA through the stage 2",
	"  s2dump -p 116                   memslot coverage and vCPU faults",
	"  s2dump -p -j | jq .vms[].vcpus  the same as JSON",
	NULL,
};

static const char *const nesteds2_description[] = {
	"Nested-virtualization shadow stage-2 MMUs (kvm->arch.nested_mmus[]).",
	"",
	"  list [-j] [kvm]    every nested MMU: index, address, the name of its",
	"                     debugfs file on the dump's kernel (7.1/7.2:",
	"                     0x<tlb_vttbr>-0x<tlb_vtcr>-s2-{en,dis}abled; 7.3+:",
	"                     nested_mmu<index>), valid or not, VMID, refcount,",
	"                     pending unmap (-j: JSON, schema \"s2dump/1\", docs/json.md)",
	"  dump [-v] [-x] [-j] <mmu address|name>",
	"                     its shadow table (-x: exactly the kernel's",
	"                     nested/<name> debugfs file, on 7.3+ with its VTCR/VTTBR",
	"                     line, empty for an invalid MMU; -v: leaves in detail;",
	"                     -j: the MMU and its valid leaves as JSON, docs/json.md).",
	"                     A name may be given in either form, whatever the kernel",
	"                     calls it (dump, guest, check, s2dump -t).",
	"  guest [-v] [-j] <mmu address|name>",
	"                     the guest hypervisor's own stage 2 (tlb_vttbr/tlb_vtcr),",
	"                     read at guest (L1) IPAs through the canonical stage 2:",
	"                     geometry from VTCR_EL2 with the VM's IPA size as the",
	"                     guest's PARange (limits follow PARange, not T0SZ), or",
	"                     'VTCR refused' / 'base refused' (address size fault,",
	"                     level 0) as the hardware would; then every valid guest",
	"                     leaf: L2 range, level, L1 IPA, rwx, AF (-v: descriptor",
	"                     and its L1 IPA); unreadable guest tables as '!!' lines,",
	"                     'not mapped by the canonical stage 2' or 'not in dump'",
	"                     (exit status 1). Tables are read little-endian:",
	"                     SCTLR_EL2.EE is not kept in the MMU (-j: JSON,",
	"                     docs/json.md)",
	"  check [-j] [kvm|pid|mmu]",
	"                     every leaf of every valid shadow MMU must be",
	"                     canonical(guest(L2 IPA)) with r/w/x no wider than",
	"                     either stage: one line per violating leaf, kind",
	"                     stale-oa, guest-unmapped, canonical-unmapped,",
	"                     wider-than-guest or wider-than-canonical (the first",
	"                     that applies anywhere in the leaf), then a summary;",
	"                     also vCPUs running on a shadow MMU made for other",
	"                     VTTBR_EL2/VTCR_EL2 (read from their VNCR page);",
	"                     exit status 1 when violations exist (-j: JSON,",
	"                     docs/json.md)",
	NULL,
};

static const char *const nesteds2_examples[] = {
	"  nesteds2 list",
	"  nesteds2 dump -x 0x0001000040002000-0x0000000080023560-s2-enabled",
	"  nesteds2 guest -v 0xffff000000801080",
	"  nesteds2 check 9001",
	"  s2dump -t 0x80201000 0x0005000040800000-0x0000000080023558-s2-enabled",
	NULL,
};

static const struct s2_command_help helps[] = {
	{ "s2dump", "KVM arm64 stage-2 page tables of a vmcore or the live kernel",
	  "[-v] [-x] [-j] [-p] [-t IPA] [kvm-address|pid|nested-mmu]", s2dump_description, s2dump_examples },
	{ "nesteds2", "nested-virt shadow stage-2 MMUs of KVM arm64 VMs",
	  "list [-j] [kvm-address|pid] | dump [-v] [-x] [-j] <mmu-address|name> | guest [-v] [-j] <mmu-address|name> | "
	  "check [-j] [kvm-address|pid|mmu-address|name]", nesteds2_description,
	  nesteds2_examples },
};

const struct s2_command_help *s2_command_help(const char *name)
{
	for (size_t i = 0; i < sizeof(helps) / sizeof(helps[0]); i++)
		if (!strcmp(helps[i].name, name))
			return &helps[i];
	return NULL;
}

const char *const *s2_command_names(void)
{
	static const char *const names[] = { "s2dump", "nesteds2", NULL };

	return names;
}
