#!/usr/bin/python3
"""Real kernel struct layouts (pahole text) -> C header, and pahole-vs-pahole comparison.

    pahole_layout.py header LAYOUT_DIR            writes LAYOUT_DIR/kernel_structs.h from
                                                  LAYOUT_DIR/pahole.txt and LAYOUT_DIR/layout.conf
    pahole_layout.py compare EXPECTED ACTUAL NAME prints one PASS/FAIL line per struct of EXPECTED

pahole.txt is the recorded fact (pahole -C of Debian's arm64 vmlinux). The header reproduces every
struct in it member by member (the member declarations are pahole's own text, which is C), gives the
types that are not in the list opaque stand-ins of the right size and alignment, and pins every
offset and size with _Static_assert. The comparison parses two pahole outputs the same way and
compares member name, type, offset and size; it ignores only what is not layout (comments about
cachelines and holes, alignment annotations, whitespace).
"""
import re
import sys

MEMBER_RE = re.compile(r'^(\s*)(.*?);\s*/\*\s*(\d+)\s+(\d+)\s*\*/\s*$')
# "u64 nr_pages:48;  /*    40: 0  8 */": byte offset of the storage unit, bit offset, unit size
BITFIELD_RE = re.compile(r'^(\s*)(.*?)\s*:\s*(\d+);\s*/\*\s*(\d+):\s*(\d+)\s+(\d+)\s*\*/\s*$')
NEST_OPEN_RE = re.compile(r'^\s*(struct|union|enum)\s*\{\s*$')
NEST_CLOSE_RE = re.compile(r'^\s*\}(.*?);\s*/\*\s*(\d+)\s+(\d+)\s*\*/\s*$')
ENUMERATOR_RE = re.compile(r'^\s*(\w+)\s*=\s*(-?\d+),?\s*$')
STRUCT_OPEN_RE = re.compile(r'^struct (\w+) \{\s*$')
STRUCT_CLOSE_RE = re.compile(r'^\}(.*);\s*$')
SIZE_RE = re.compile(r'/\* size: (\d+),')
ATTR_RE = re.compile(r'__attribute__\(\(\s*\w+\s*(?:\(\s*\d+\s*\))?\s*\)\)')
ALIGNED_RE = re.compile(r'__attribute__\(\(\s*__aligned__\s*\(\s*(\d+)\s*\)\s*\)\)')


class Member:
    def __init__(self, kind, decl, offset, size, line):
        self.kind = kind          # 'plain', 'bitfield' or 'struct' / 'union' / 'enum' (inline body)
        self.bits = self.bitoff = 0  # bitfield: width and bit offset in its storage unit
        self.decl = decl          # plain: the declaration; nested: the text between '}' and ';'
        self.offset = offset
        self.size = size
        self.line = line
        self.children = []        # nested struct/union members
        self.enumerators = []     # nested enum body: (name, value)

    @property
    def name(self):
        return decl_name(self.decl)


class Struct:
    def __init__(self, name, line):
        self.name = name
        self.line = line
        self.members = []
        self.size = None
        self.attr = ''


def strip_attrs(text):
    return ' '.join(ATTR_RE.sub(' ', text).split())


def decl_aligned(text):
    m = ALIGNED_RE.findall(text)
    return max(int(x) for x in m) if m else 0


def decl_name(decl):
    """Name declared by a pahole member declaration ('' for an anonymous nested member)."""
    d = strip_attrs(decl)
    m = re.search(r'\(\s*\*\s*(\w+)\s*\)\s*\(', d)      # function pointer
    if m:
        return m.group(1)
    m = re.search(r'(\w+)\s*((?:\[\s*\d+\s*\])*)\s*$', d)
    if not m or m.group(1) in ('struct', 'union', 'enum'):
        return ''
    return m.group(1)


def decl_dims(decl):
    d = strip_attrs(decl)
    if re.search(r'\(\s*\*', d):
        return []
    m = re.search(r'((?:\[\s*\d+\s*\])*)\s*$', d)
    return [int(x) for x in re.findall(r'\d+', m.group(1))] if m else []


def normalise_decl(decl):
    d = strip_attrs(decl)
    d = re.sub(r'\s*\*\s*', ' * ', d)
    d = re.sub(r'\s*([(),\[\]])\s*', r'\1', d)
    return ' '.join(d.split())


def parse(path):
    """Parse a pahole text file into {name: Struct} (in file order)."""
    structs = {}
    cur = None
    stack = []   # open nested members: list of Member
    with open(path) as f:
        for lineno, raw in enumerate(f, 1):
            line = raw.rstrip('\n')
            where = '%s:%d' % (path, lineno)
            if cur is None:
                m = STRUCT_OPEN_RE.match(line)
                if m:
                    cur = Struct(m.group(1), where)
                continue
            if not stack:
                m = STRUCT_CLOSE_RE.match(line)
                if m:
                    cur.attr = m.group(1).strip()
                    if cur.size is None:
                        raise SystemExit('%s: struct %s has no size comment' % (where, cur.name))
                    structs[cur.name] = cur
                    cur = None
                    continue
            m = SIZE_RE.search(line)
            if m and not stack:
                cur.size = int(m.group(1))
                continue
            if re.match(r'^\s*/\*.*\*/\s*$', line) or not line.strip():
                continue
            container = stack[-1].children if stack else cur.members
            m = NEST_OPEN_RE.match(line)
            if m:
                nm = Member(m.group(1), '', None, None, where)
                container.append(nm)
                stack.append(nm)
                continue
            m = NEST_CLOSE_RE.match(line)
            if m and stack:
                nm = stack.pop()
                nm.decl = m.group(1).strip()
                nm.offset = int(m.group(2))
                nm.size = int(m.group(3))
                continue
            m = ENUMERATOR_RE.match(line)
            if m and stack and stack[-1].kind == 'enum':
                stack[-1].enumerators.append((m.group(1), int(m.group(2))))
                continue
            m = BITFIELD_RE.match(line)
            if m:
                bm = Member('bitfield', m.group(2).strip(), int(m.group(4)), int(m.group(6)), where)
                bm.bits, bm.bitoff = int(m.group(3)), int(m.group(5))
                container.append(bm)
                continue
            m = MEMBER_RE.match(line)
            if m:
                container.append(Member('plain', m.group(2).strip(), int(m.group(3)),
                                        int(m.group(4)), where))
                continue
            raise SystemExit('%s: cannot parse pahole line: %r' % (where, line))
    if cur is not None:
        raise SystemExit('%s: struct %s not closed' % (path, cur.name))
    return structs


def listed_structs(path):
    """The '# structs:' list of a recorded pahole file (what was asked of pahole)."""
    with open(path) as f:
        for line in f:
            if line.startswith('# structs:'):
                return line.split(':', 1)[1].split()
    return []


def flatten(members, prefix=''):
    """(path, type text, offset, size, line) for every member, nested ones as path 'a.b'."""
    out = []
    for m in members:
        if m.kind == 'plain':
            out.append((prefix + m.name, normalise_decl(m.decl), m.offset, m.size, m.line))
            continue
        if m.kind == 'bitfield':
            # the type text carries the width and bit offset (no offsetof for a bitfield)
            out.append((prefix + m.name, '%s:%d@bit%d' % (normalise_decl(m.decl), m.bits, m.bitoff),
                        m.offset, m.size, m.line))
            continue
        name = decl_name(m.decl)
        body = '%s {%s}' % (m.kind, ','.join('%s=%d' % e for e in m.enumerators)) \
            if m.kind == 'enum' else '%s {...}' % m.kind
        path = prefix + (name if name else '<anonymous %s at %d>' % (m.kind, m.offset))
        out.append((path, normalise_decl(body + ' ' + m.decl), m.offset, m.size, m.line))
        sub = name + '[0]' * len(decl_dims(m.decl)) + '.' if name else ''
        out.extend(flatten(m.children, prefix + sub))
    return out


# ----------------------------------------------------------------------------------------------
# comparison

def compare(expected_path, actual_path, label):
    exp = parse(expected_path)
    act = parse(actual_path)
    fails = 0
    for name in listed_structs(expected_path):
        test = 'layout %s struct %s' % (label, name)
        if name not in exp:
            # Listed but absent from the real kernel (e.g. pkvm_mapping before 6.13): the fake
            # vmlinux must not invent it either.
            if name in act:
                print('FAIL %s: absent from the real kernel\'s pahole but present in the fake '
                      'vmlinux (%s)' % (test, act[name].line))
                fails += 1
            else:
                print('PASS %s (absent in both)' % test)
            continue
        if name not in act:
            print('FAIL %s: expected struct of size %d, fake vmlinux has no DWARF for it'
                  % (test, exp[name].size))
            fails += 1
            continue
        e = flatten(exp[name].members)
        a = flatten(act[name].members)
        msg = None
        for i in range(max(len(e), len(a))):
            if i >= len(e):
                msg = 'extra member %s (%s, offset %d, size %d) in the fake vmlinux' % a[i][:4]
                break
            if i >= len(a):
                msg = 'member %s (%s, offset %d, size %d) missing from the fake vmlinux' % e[i][:4]
                break
            if e[i][:4] != a[i][:4]:
                msg = 'member #%d: expected %s "%s" offset %d size %d (%s), got %s "%s" offset ' \
                      '%d size %d' % ((i, e[i][0], e[i][1], e[i][2], e[i][3], e[i][4]) + a[i][:4])
                break
        if msg is None and exp[name].size != act[name].size:
            msg = 'expected size %d, got %d' % (exp[name].size, act[name].size)
        if msg:
            print('FAIL %s: %s' % (test, msg))
            fails += 1
        else:
            print('PASS %s (%d members, size %d)' % (test, len(e), exp[name].size))
    return fails


# ----------------------------------------------------------------------------------------------
# header generation

C_WORDS = {'struct', 'union', 'enum', 'const', 'volatile', 'unsigned', 'signed', 'long', 'short',
           'int', 'char', 'void', 'float', 'double', '_Bool'}

# Typedefs of the kernel, with definitions whose size and alignment are the same under the
# aarch64 and x86_64 LP64 ABIs. Values: (C text, size or None). None: any size.
TYPEDEFS = {
    'u8': 'typedef unsigned char u8;',
    's8': 'typedef signed char s8;',
    'u16': 'typedef unsigned short u16;',
    's16': 'typedef short s16;',
    'u32': 'typedef unsigned int u32;',
    's32': 'typedef int s32;',
    'u64': 'typedef unsigned long long u64;',
    's64': 'typedef long long s64;',
    # <stdbool.h> makes bool a macro; the kernel's (and DWARF's) bool is a typedef.
    'bool': '#ifdef bool\n#undef bool\n#endif\ntypedef _Bool bool;',
    'atomic_t': 'typedef struct { int counter; } atomic_t;',
    'atomic64_t': 'typedef struct { s64 counter; } atomic64_t;',
    'atomic_long_t': 'typedef atomic64_t atomic_long_t;',
    'refcount_t': 'typedef struct refcount_struct { atomic_t refs; } refcount_t;',
    'spinlock_t': 'typedef struct spinlock { unsigned int __opaque[1]; } spinlock_t;',
    # qrwlock: atomic_t cnts + arch_spinlock_t wait_lock (8 bytes, 4-aligned)
    'rwlock_t': 'typedef struct { unsigned int __opaque[2]; } rwlock_t;',
    'phys_addr_t': 'typedef u64 phys_addr_t;',
    'gfn_t': 'typedef u64 gfn_t;',
    'gpa_t': 'typedef u64 gpa_t;',
    'gfp_t': 'typedef unsigned int gfp_t;',
    'pid_t': 'typedef int pid_t;',          # the same type as glibc's, so both may be seen
    'size_t': '',                           # <stddef.h>
    'uint64_t': '',                         # <stdint.h>
    'kvm_pte_t': 'typedef u64 kvm_pte_t;',
    'kvm_pteref_t': 'typedef kvm_pte_t *kvm_pteref_t;',
    'kvm_pgtable_force_pte_cb_t':
        'typedef bool (*kvm_pgtable_force_pte_cb_t)(u64 addr, u64 end, '
        'enum kvm_pgtable_prot prot);',
    # glibc's sigset_t is 128 bytes: the host build names the kernel's one s2l_sigset_t.
    'sigset_t': 'typedef struct { unsigned long sig[1]; } S2L_LIBC_CLASH(sigset_t);',
}
TYPEDEF_DEPS = {'atomic_long_t': ['atomic64_t'], 'atomic64_t': ['s64'], 'refcount_t': ['atomic_t'],
                'phys_addr_t': ['u64'], 'gfn_t': ['u64'], 'gpa_t': ['u64'],
                'kvm_pte_t': ['u64'], 'kvm_pteref_t': ['kvm_pte_t'],
                'kvm_pgtable_force_pte_cb_t': ['bool', 'u64']}
LIBC_CLASH = {'sigset_t'}
SIZED_TYPEDEFS = ('cpumask_var_t', 'pkvm_handle_t')

# Alignments of stand-in types that the size alone does not give.
KNOWN_ALIGN = {'user_fpsimd_state': 16,   # __uint128_t vregs[32]
               }


def type_refs(decl):
    """(by-value struct/union/enum tags, pointer-only tags, typedef names) used by a declaration."""
    d = strip_attrs(decl)
    fp = re.search(r'\(\s*\*\s*\w+\s*\)\s*\((.*)\)\s*$', d)
    byval, ptr, tds = set(), set(), set()
    if fp:
        words = re.findall(r'(?:(struct|union|enum)\s+)?(\w+)', d)
        for kw, w in words:
            if kw:
                ptr.add((kw, w))
            elif w not in C_WORDS and not w.isdigit() and w != decl_name(decl):
                tds.add(w)
        return byval, ptr, tds
    name = decl_name(decl)
    head = d[:d.rfind(name)] if name else d
    m = re.match(r'^\s*(struct|union|enum)\s+(\w+)(.*)$', head)
    if m:
        (ptr if '*' in m.group(3) else byval).add((m.group(1), m.group(2)))
        return byval, ptr, tds
    for w in re.findall(r'\w+', head):
        if w not in C_WORDS:
            tds.add((w, '*' in head))
    return byval, ptr, tds


def walk_members(members, prev_end, out):
    """(member, prev_end) for every plain member, recursing into nested bodies."""
    for m in members:
        out.append((m, prev_end))
        if m.kind in ('struct', 'union'):
            walk_members_nested(m, out)
        prev_end = m.offset + m.size
    return out


def walk_members_nested(nm, out):
    if nm.kind == 'union':
        for c in nm.children:
            out.append((c, nm.offset))
            if c.kind in ('struct', 'union'):
                walk_members_nested(c, out)
    else:
        walk_members(nm.children, nm.offset, out)


def roundup(x, a):
    return (x + a - 1) // a * a


def read_conf(path):
    conf = {}
    with open(path) as f:
        for line in f:
            line = line.split('#', 1)[0].strip()
            if line:
                k, v = line.split('=', 1)
                conf[k.strip()] = v.strip()
    return conf


def generate_header(layout_dir):
    pahole = layout_dir + '/pahole.txt'
    conf = read_conf(layout_dir + '/layout.conf')
    structs = parse(pahole)
    known = set(structs)

    # Every (member, preceding end) in every struct, to size and align the stand-ins.
    occurrences = []
    for s in structs.values():
        for m, prev_end in walk_members(s.members, 0, []):
            occurrences.append((s, m, prev_end))

    standins = {}      # (kw, tag) -> {'size': n, 'occ': [(offset, prev_end, attr_align)]}
    fwd = set()
    typedefs = {}      # name -> size of the member using it by value (None if via pointer)
    deps = {}          # struct name -> by-value struct deps
    for s, m, prev_end in occurrences:
        if m.kind == 'enum':
            continue
        if m.kind != 'plain':
            continue
        byval, ptr, tds = type_refs(m.decl)
        count = 1
        for d in decl_dims(m.decl):
            count *= d
        for kw, tag in byval:
            if kw == 'struct' and tag in known:
                deps.setdefault(s.name, set()).add(tag)
                continue
            ent = standins.setdefault((kw, tag), {'size': m.size // count if count else 0,
                                                  'occ': []})
            if count and ent['size'] != m.size // count:
                raise SystemExit('%s: %s %s has size %d here, %d elsewhere'
                                 % (m.line, kw, tag, m.size // count, ent['size']))
            ent['occ'].append((m.offset, prev_end, decl_aligned(m.decl), m.line))
        for kw, tag in ptr:
            fwd.add((kw, tag))
        for td in tds:
            name, via_ptr = td if isinstance(td, tuple) else (td, True)
            if name in SIZED_TYPEDEFS and not via_ptr:
                typedefs[name] = m.size // count
            else:
                typedefs.setdefault(name, None)

    def choose_align(tag, ent):
        size = ent['size']
        if tag in KNOWN_ALIGN:
            return KNOWN_ALIGN[tag]
        natural = 1
        while natural < 8 and size % (natural * 2) == 0 and size:
            natural *= 2
        for a in sorted({natural, 8, 4, 2, 1, 16}, key=lambda x: (x != natural, -x)):
            if size % a:
                continue
            if all(roundup(pe, max(a, at)) == off for off, pe, at, _ in ent['occ']):
                return a
        raise SystemExit('no alignment places %s at %s' % (tag, ent['occ']))

    out = []
    w = out.append
    name = conf['S2L_NAME']
    w('/* GENERATED by tests/vmcores/layouts/pahole_layout.py from %s/pahole.txt and layout.conf:' % name)
    w(' * do not edit; run `make vmlinux-layouts-headers`.')
    w(' *')
    w(' * Struct layouts of %s (see SOURCE.md), member by member as pahole printed them' % conf['S2L_OSRELEASE'])
    w(' * from Debian\'s arm64 vmlinux. Types outside the recorded list are opaque stand-ins of the')
    w(' * real size and alignment. Every offset and size is pinned below with _Static_assert.')
    w(' * Compiles to the same layout with aarch64-linux-gnu-gcc (the fake vmlinux, which defines')
    w(' * S2L_KERNEL_TYPE_NAMES) and with the host gcc (the generator). */')
    guard = 'S2L_LAYOUT_' + re.sub(r'\W', '_', name).upper() + '_H'
    w('#ifndef %s' % guard)
    w('#define %s' % guard)
    w('')
    w('#include <stddef.h>')
    w('#include <stdint.h>')
    w('')
    w('/* ---- identity of the kernel this layout comes from ---- */')
    for k in ('S2L_NAME', 'S2L_OSRELEASE', 'S2L_DEBIAN_PACKAGE'):
        w('#define %-28s "%s"' % (k, conf[k]))
    for k in sorted(conf):
        if k not in ('S2L_NAME', 'S2L_OSRELEASE', 'S2L_DEBIAN_PACKAGE'):
            w('#define %-28s %s' % (k, conf[k]))
    w('')
    w('/* ---- features derived from the recorded layout (pahole.txt) ---- */')
    feats = derive_features(structs)
    for k, v in feats:
        w('#define %-28s %s' % (k, v))
    w('')
    w('/* Member presence: S2L_HAS_<struct>__<member> for the structs a stage-2 tool reads. */')
    for sn in ('kvm_arch', 'kvm_s2_mmu', 'kvm_pgtable', 'kvm_protected_vm'):
        if sn in structs:
            for path, _, _, _, _ in flatten(structs[sn].members):
                if not path.startswith('<') and '.' not in path:
                    w('#define S2L_HAS_%s__%s 1' % (sn, path))
    w('')
    w('/* Names that the kernel shares with glibc but with another type: kept in the vmlinux\'s DWARF,')
    w(' * prefixed s2l_ on the host. */')
    w('#ifdef S2L_KERNEL_TYPE_NAMES')
    w('#define S2L_LIBC_CLASH(name) name')
    w('#else')
    w('#define S2L_LIBC_CLASH(name) s2l_##name')
    w('#endif')
    w('')
    w('/* ---- typedefs ---- */')
    # Close the typedef set over dependencies and emit in dependency order.
    needed = set(typedefs) | {'u8', 'u16', 'u32', 'u64', 's8', 's16', 's32', 's64', 'bool'}
    changed = True
    while changed:
        changed = False
        for t in list(needed):
            for d in TYPEDEF_DEPS.get(t, []):
                if d not in needed:
                    needed.add(d)
                    changed = True
    emitted = set()

    def emit_typedef(t):
        if t in emitted:
            return
        emitted.add(t)
        for d in TYPEDEF_DEPS.get(t, []):
            emit_typedef(d)
        if t == 'cpumask_var_t':
            sz = typedefs.get(t)
            if sz == 8 or sz is None:
                w('struct cpumask;')
                w('typedef struct cpumask *cpumask_var_t;          /* CONFIG_CPUMASK_OFFSTACK */')
            else:
                w('struct cpumask { unsigned long bits[%d]; };' % (sz // 8))
                w('#define S2L_DEFINES_struct_cpumask 1')
                w('typedef struct cpumask cpumask_var_t[1];')
        elif t == 'pkvm_handle_t':
            ctype = {2: 'unsigned short', 4: 'unsigned int'}[typedefs[t]]
            w('typedef %s pkvm_handle_t;' % ctype)
        elif t in TYPEDEFS:
            if TYPEDEFS[t]:
                w(TYPEDEFS[t])
        else:
            raise SystemExit('%s: typedef %s has no definition in pahole_layout.py TYPEDEFS'
                             % (pahole, t))
    if 'kvm_pgtable_force_pte_cb_t' in needed:
        w('enum kvm_pgtable_prot { S2L_KVM_PGTABLE_PROT_OPAQUE = 0 };')
        w('#define S2L_DEFINES_enum_kvm_pgtable_prot 1')
    for t in sorted(needed):
        emit_typedef(t)
    w('')
    w('/* ---- types reached through pointers only ---- */')
    for kw, tag in sorted(fwd):
        if kw == 'struct' and (tag in known or ('struct', tag) in standins):
            continue
        if kw == 'enum':
            continue
        w('%s %s;' % (kw, tag))
    w('')
    w('/* ---- opaque stand-ins (real name, size and alignment; contents not modelled) ---- */')
    for (kw, tag), ent in sorted(standins.items(), key=lambda x: x[0][1]):
        size = ent['size']
        if kw == 'enum':
            w('enum %s { S2L_%s_OPAQUE = 0 };' % (tag, tag.upper()))
            w('#define S2L_DEFINES_enum_%s 1' % tag)
            continue
        a = choose_align(tag, ent)
        elem = {1: 'unsigned char', 2: 'unsigned short', 4: 'unsigned int', 8: 'u64',
                16: 'u64'}[a]
        esz = min(a, 8)
        attr = ' __attribute__((aligned(16)))' if a == 16 else ''
        if size == 0:
            w('%s %s { };' % (kw, tag))
        else:
            w('%s %s { %s __opaque[%d]%s; };' % (kw, tag, elem, size // esz, attr))
        w('#define S2L_DEFINES_%s_%s 1' % (kw, tag))
        w('_Static_assert(sizeof(%s %s) == %d && _Alignof(%s %s) == %d, "stand-in %s %s");'
          % (kw, tag, size, kw, tag, a, kw, tag))
    w('')
    w('/* ---- the recorded structs, in dependency order ---- */')
    done = set()
    for sname in structs:
        fwd_needed = True
        del fwd_needed
    order = []

    def visit(sn, stack=()):
        if sn in done:
            return
        if sn in stack:
            raise SystemExit('by-value cycle through struct %s' % sn)
        for d in sorted(deps.get(sn, ())):
            visit(d, stack + (sn,))
        done.add(sn)
        order.append(sn)
    for sn in structs:
        visit(sn)
    for sn in structs:
        w('struct %s;' % sn)
    w('')
    for sn in order:
        s = structs[sn]
        w('struct %s {' % sn)
        emit_members(w, s.members, 1)
        w('}%s;' % ((' ' + s.attr) if s.attr else ''))
        w('#define S2L_DEFINES_struct_%s 1' % sn)
        w('')
    w('/* ---- offsets and sizes from pahole.txt ---- */')
    w('#define S2L_MEMBER_SIZE(type, member) sizeof(((type *)0)->member)')
    for sn in order:
        s = structs[sn]
        w('_Static_assert(sizeof(struct %s) == %d, "sizeof(struct %s)");' % (sn, s.size, sn))
        for path, ctype, off, size, _ in flatten(s.members):
            if path.startswith('<') or '@bit' in ctype:
                continue
            w('_Static_assert(offsetof(struct %s, %s) == %d && S2L_MEMBER_SIZE(struct %s, %s) '
              '== %d, "%s.%s");' % (sn, path, off, sn, path, size, sn, path))
    w('')
    w('#endif /* %s */' % guard)
    return '\n'.join(out) + '\n'


def emit_members(w, members, depth):
    ind = '\t' * depth
    for m in members:
        if m.kind == 'bitfield':
            w('%s%s:%d;' % (ind, m.decl, m.bits))
            continue
        if m.kind == 'plain':
            decl = m.decl
            for t in LIBC_CLASH:
                decl = re.sub(r'^%s\b' % t, 'S2L_LIBC_CLASH(%s)' % t, decl)
            w('%s%s;' % (ind, decl))
            continue
        w('%s%s {' % (ind, m.kind))
        if m.kind == 'enum':
            for en, ev in m.enumerators:
                w('%s\t%s = %d,' % (ind, en, ev))
        else:
            emit_members(w, m.children, depth + 1)
        w('%s}%s;' % (ind, (' ' + m.decl) if m.decl else ''))


def derive_features(structs):
    def member(sn, mn):
        if sn not in structs:
            return None
        for path, decl, off, size, _ in flatten(structs[sn].members):
            if path == mn:
                return decl, off, size
        return None
    f = []

    def flag(name, cond):
        f.append((name, '1' if cond else '0'))
    flag('S2L_MMU_HAS_VTCR', member('kvm_s2_mmu', 'vtcr'))
    flag('S2L_KVM_ARCH_HAS_VTCR', member('kvm_arch', 'vtcr'))
    nm = member('kvm_arch', 'nested_mmus')
    flag('S2L_HAS_NESTED_MMUS', nm)
    flag('S2L_NESTED_MMUS_PTR_ARRAY', nm and nm[0].startswith('struct kvm_s2_mmu * * '))
    flag('S2L_MMU_HAS_NESTED_FIELDS', member('kvm_s2_mmu', 'tlb_vttbr'))
    flag('S2L_PGT_HAS_PKVM_UNION', member('kvm_pgtable', 'pkvm_mappings'))
    sl = member('kvm_pgtable', 'start_level')
    flag('S2L_START_LEVEL_IS_S8', sl and sl[0].startswith('s8 '))
    pgd = member('kvm_pgtable', 'pgd')
    flag('S2L_PGD_IS_PTEREF', pgd and pgd[0].startswith('kvm_pteref_t '))
    flag('S2L_HAS_PKVM_MAPPING', 'pkvm_mapping' in structs)
    flag('S2L_HAS_VNCR_ARRAY', member('kvm_cpu_context', 'vncr_array'))
    sr = member('kvm_cpu_context', 'sys_regs')
    f.append(('S2L_SYSREG_COUNT', str(sr[2] // 8) if sr else '0'))
    return f


def main(argv):
    if len(argv) >= 3 and argv[1] == 'header':
        sys.stdout.write(generate_header(argv[2].rstrip('/')))
        return 0
    if len(argv) == 5 and argv[1] == 'compare':
        return 1 if compare(argv[2], argv[3], argv[4]) else 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv))
