# SPDX-License-Identifier: GPL-2.0-or-later
"""
KVM arm64 stage-2 helpers in drgn's style
-----------------------------------------

Small generators and functions taking and returning :class:`drgn.Object`\\ s.
Everything about stage 2 (vm_list validation, where the MMUs are, table
geometry, descriptor decoding, the walk, translation, coverage sums) is done
by s2dump's C core, the same code the CLI and the crash extension run; this
module only converts between Objects and addresses.

Objects or addresses: every helper takes an Object (``struct kvm *`` or
``struct kvm``; ``struct kvm_s2_mmu *`` or ``struct kvm_s2_mmu``, or a
``struct kvm`` where an MMU is expected, meaning its canonical
``&kvm->arch.mmu``), or an integer address together with ``prog=``.

Errors: :class:`drgn.FaultError` for memory the dump does not have (the
address is the one that could not be read), :class:`LookupError` for what is
not there (no ``vm_list``: KVM not in this kernel; an address that is no VM's
MMU), :class:`ValueError` for data that cannot be right (not a struct kvm, a
table cycle, a pKVM protected VM whose stage 2 is in EL2-private memory),
:class:`TypeError` for an Object of the wrong type.
"""

import collections
import operator

import drgn

__all__ = (
    "for_each_kvm",
    "kvm_s2_mmus",
    "s2_walk",
    "s2_translate",
    "kvm_memslot_coverage",
    "MemslotCoverage",
)


def _session(prog):
    from . import session  # the package caches one session per program

    return session(prog)


def _program(prog):
    from . import program  # a dump read through its repaired copy: that copy's program

    return program(prog)


def _address(value, prog, tags, what):
    """(prog, address) of an Object of one of the struct tags (or a pointer to one), or of an int."""
    if isinstance(value, drgn.Object):
        t = value.type_
        while t.kind == drgn.TypeKind.TYPEDEF:
            t = t.type
        target = t
        if t.kind == drgn.TypeKind.POINTER:
            target = t.type
            while target.kind == drgn.TypeKind.TYPEDEF:
                target = target.type
        if target.kind == drgn.TypeKind.STRUCT and target.tag in tags:
            if t.kind == drgn.TypeKind.POINTER:
                addr = value.value_()
            else:
                addr = value.address_
                if addr is None:
                    raise ValueError(f"{what}: the struct {target.tag} Object is not in memory")
            if not addr:
                raise ValueError(f"{what}: NULL struct {target.tag} pointer")
            return value.prog_, addr, target.tag
        if t.kind in (drgn.TypeKind.INT, drgn.TypeKind.POINTER) and target.kind != drgn.TypeKind.STRUCT:
            return value.prog_, value.value_(), None
        raise TypeError(f"{what}: expected struct {' or struct '.join(tags)} (or a pointer to one), "
                        f"got {value.type_.type_name()}")
    if isinstance(value, int):
        if prog is None:
            raise TypeError(f"{what}: an address needs prog=")
        return prog, value, None
    raise TypeError(f"{what}: expected a drgn.Object or an int address, got {type(value).__name__}")


def _u64(value, what, name):
    """An address argument as the C core takes it: an integer in [0, 2**64), else ValueError
    (the core's argument parsing would wrap 1 << 70 to 0 and -1 to 0xffffffffffffffff)."""
    try:
        n = operator.index(value)
    except TypeError:
        raise TypeError(f"{what}: {name} must be an integer, not {type(value).__name__}") from None
    if not 0 <= n < 1 << 64:
        raise ValueError(f"{what}: {name} {hex(n)} is not a 64-bit address")
    return n


def _mmu_address(mmu, prog, what):
    prog, addr, tag = _address(mmu, prog, ("kvm_s2_mmu", "kvm"), what)
    if tag == "kvm":
        addrs, exc = _session(prog).mmus(addr)
        if exc is not None:
            raise exc
        addr = addrs[0]
    return prog, addr


def for_each_kvm(prog):
    """
    for_each_kvm(prog) -> Iterator[Object]

    Iterate over every VM on the kernel's ``vm_list``, yielding
    ``struct kvm *`` Objects in list order. Each entry is validated the way
    s2dump does (the list's prev pointers, ``kvm->arch.mmu``'s back pointer
    to ``kvm->arch``); a damaged list raises after the good entries were
    yielded (:class:`drgn.FaultError` where the next entry cannot be read,
    :class:`ValueError` for an entry that is not a struct kvm).
    A kernel without KVM raises :class:`LookupError` (no ``vm_list``).

    >>> for kvm in for_each_kvm(prog):
    ...     print(hex(kvm.value_()), kvm.userspace_pid.value_())
    0xffff000000800080 1001
    0xffff800100000000 1002
    """
    addrs, exc = _session(prog).vms()
    for addr in addrs:
        yield drgn.Object(_program(prog), "struct kvm *", value=addr)
    if exc is not None:
        raise exc


def kvm_s2_mmus(kvm, prog=None):
    """
    kvm_s2_mmus(kvm, prog=None) -> Iterator[Object]

    The stage-2 MMUs of one VM as ``struct kvm_s2_mmu *`` Objects: the
    canonical ``&kvm->arch.mmu`` first, then every ``kvm->arch.nested_mmus``
    entry in index order (an array of structs up to 7.1, of pointers from
    7.2; unused entries included: check ``tlb_vttbr & 1``). Kernels before
    nested virtualization (6.11) yield only the canonical MMU.

    :param kvm: ``struct kvm *`` or ``struct kvm`` Object, or an address with *prog*.

    >>> [hex(m.value_()) for m in kvm_s2_mmus(kvm)]   # a 7.2 VM with three nested MMUs
    ['0xffff000000800ab0', '0xffff000000801140', '0xffff0000008011b8', '0xffff000000801230']
    """
    prog, addr, _ = _address(kvm, prog, ("kvm",), "kvm_s2_mmus")
    addrs, exc = _session(prog).mmus(addr)
    for a in addrs:
        yield drgn.Object(_program(prog), "struct kvm_s2_mmu *", value=a)
    if exc is not None:
        raise exc


def s2_walk(mmu, start=0, end=None, *, invalid=False, prog=None):
    """
    s2_walk(mmu, start=0, end=None, *, invalid=False, prog=None) -> Iterator[Leaf]

    The leaves of a stage-2 table that overlap ``[start, end)`` (*end*
    defaults to, and is clipped to, the end of the IPA space), in ascending
    IPA order, walked by s2dump's C walker in bounded batches (memory does
    not grow with the table). Each is a ``s2dump_drgn.Leaf`` (a named
    tuple): ``ipa, size, level, oa, desc, desc_pa, kind, r, w, xn, af,
    memattr, sh, contiguous, dbm, sw``, where *kind* is ``'block'``,
    ``'page'``, ``'reserved'`` (valid bit set but an encoding the level does
    not allow: a translation fault if used) or, with ``invalid=True``,
    ``'invalid'`` (*oa* None). A leaf that starts before *start* is reported
    whole. A table the dump does not have raises :class:`drgn.FaultError`
    (naming the table's level, PA and IPA range; address: the table's PA)
    after the leaves before it; calling ``next()`` on the iterator again
    goes on after that table. A table cycle or a shared table raises
    :class:`ValueError` the same way.

    :param mmu: ``struct kvm_s2_mmu *`` / ``struct kvm_s2_mmu`` Object, a
        ``struct kvm`` (its canonical MMU), or an address with *prog*.
    :raises ValueError: *start* or *end* outside ``[0, 2**64)``, or *start*
        above *end*.

    >>> for leaf in s2_walk(kvm, 0x40000000, 0x40202000):
    ...     print(hex(leaf.ipa), hex(leaf.size), leaf.level, hex(leaf.oa), leaf.r, leaf.w)
    0x40000000 0x200000 2 0x41200000 True True
    0x40200000 0x1000 3 0x41401000 True True
    0x40201000 0x1000 3 0x41402000 True True
    """
    start = _u64(start, "s2_walk", "start")
    end = None if end is None else _u64(end, "s2_walk", "end")
    prog, addr = _mmu_address(mmu, prog, "s2_walk")
    return _session(prog).walk(addr, start, end, invalid)


def s2_translate(mmu, ipa, prog=None):
    """
    s2_translate(mmu, ipa, prog=None) -> Translation

    Translate one IPA through a stage-2 table the way the MMU would. Returns
    a ``s2dump_drgn.Translation`` (a named tuple): ``ipa, oa, level, size,
    desc, desc_pa, kind, r, w, xn, af, memattr, sh, contiguous, fault, fsc,
    read_error``. *fault* is None when the IPA translates, else the fault the
    hardware would raise (``'translation fault'``, ``'access flag fault'``
    (*oa* still set), ``'address size fault'``, ``'external abort on table
    walk'`` for a table the dump does not have, with *read_error*) at
    *level*, with its ESR FSC in *fsc*.

    :param mmu: as for :func:`s2_walk`.
    :raises ValueError: *ipa* outside ``[0, 2**64)``.

    >>> t = s2_translate(kvm, 0x40001234)
    >>> hex(t.oa), t.level, hex(t.size), t.fault
    ('0x41201234', 2, '0x200000', None)
    >>> t = s2_translate(kvm, 0x50000000); t.fault, t.level, hex(t.fsc)
    ('translation fault', 2, '0x6')
    """
    ipa = _u64(ipa, "s2_translate", "ipa")
    prog, addr = _mmu_address(mmu, prog, "s2_translate")
    return _session(prog).translate(addr, ipa)


MemslotCoverage = collections.namedtuple(
    "MemslotCoverage", ("slot", "id", "gpa", "size", "uaddr", "flags", "mapped", "leaves"))
MemslotCoverage.__doc__ = """\
One memslot and what the canonical stage 2 maps of it: *slot* the
``struct kvm_memory_slot *`` Object, *id*, *gpa*, *size* (bytes),
*uaddr* (userspace_addr), *flags* (KVM_MEM_*: 1 LOG_DIRTY_PAGES,
2 READONLY, 4 GUEST_MEMFD), *mapped* (bytes of the valid leaves that
belong to the slot) and *leaves*: ``[(level, 'block'|'page', count,
bytes), ...]`` sorted by level then kind. A leaf belongs to the slot that
holds its first IPA, with all its bytes (the rule of ``s2dump -p``), so a
block straddling the slot's end can make *mapped* exceed *size*."""


def kvm_memslot_coverage(kvm, prog=None):
    """
    kvm_memslot_coverage(kvm, prog=None) -> Iterator[MemslotCoverage]

    For each memslot of address space 0 (``kvm->memslots[0]``'s gfn tree,
    in ascending GPA order), its GPA range and how much of it the canonical
    stage 2 maps, by level and leaf kind (see :class:`MemslotCoverage` for
    which leaves count). Both the
    memslots (s2dump's KVM model: bounded, cycle-safe tree walk) and the
    sums (the walker) come from the C core. A VM whose ``memslots[0]`` is
    NULL yields nothing; a pKVM protected VM raises :class:`ValueError`.

    :param kvm: ``struct kvm *`` or ``struct kvm`` Object, or an address with *prog*.

    >>> for c in kvm_memslot_coverage(kvm):
    ...     print(c.id, hex(c.gpa), hex(c.size), hex(c.mapped), c.leaves)
    0 0x40000000 0x10000000 0x504000 [(2, 'block', 2, 4194304), (3, 'page', 260, 1064960)]
    1 0x80000000 0x100000 0x200000 [(2, 'block', 1, 2097152)]
    2 0x90000000 0x1000000 0x2000 [(3, 'page', 2, 8192)]
    """
    prog, addr, _ = _address(kvm, prog, ("kvm",), "kvm_memslot_coverage")
    slots, exc = _session(prog).memslots(addr)
    for slot, sid, gpa, size, uaddr, flags, mapped, leaves in slots:
        obj = drgn.Object(_program(prog), "struct kvm_memory_slot *", value=slot)
        yield MemslotCoverage(obj, sid, gpa, size, uaddr, flags, mapped, leaves)
    if exc is not None:
        raise exc
