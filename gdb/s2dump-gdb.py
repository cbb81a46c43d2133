# SPDX-License-Identifier: GPL-2.0-or-later
"""
s2dump and nesteds2 for gdb: KVM arm64 stage-2 page tables.

    (gdb) source <prefix>/share/s2dump/s2dump-gdb.py
    (gdb) s2dump [ARGS]          same grammar and output as the CLI, crash and drgn
    (gdb) nesteds2 list|dump|guest|check ...
    (gdb) help s2dump

Targets (docs/gdb.md): an arm64 ELF vmcore (`gdb vmlinux vmcore`), the live kernel
(`gdb vmlinux /proc/kcore` as root on an arm64 host) and QEMU's gdbstub of a stopped
arm64 machine (`target remote`). This file only converts: gdb's answers (types,
symbols, memory) become the host object of the generic adapter _s2dump_host, which
runs the s2dump core; the core's errors become one-line gdb errors.

Physical memory: on an ELF core (and /proc/kcore) from the file's PT_LOAD headers
(p_paddr -> p_offset), the way libkdumpfile reads it for the CLI, because gdb maps a
core by virtual address only; on QEMU's gdbstub through its physical-memory mode
(maint packet Qqemu.PhyMemMode:1, reset to :0 after each read).
"""
import os
import struct
import sys

import gdb

_here = os.path.dirname(os.path.abspath(__file__))
# Installed (and in build/share/s2dump/): the adapter next to this file. From the source tree
# (gdb/s2dump-gdb.py): the build's copy.
for _d in (_here, os.path.join(_here, os.pardir, "build", "share", "s2dump")):
    if os.path.exists(os.path.join(_d, "_s2dump_host.abi3.so")):
        sys.path.insert(0, os.path.normpath(_d))
        break
import _s2dump_host  # noqa: E402
import s2dump_vmcoreinfo  # noqa: E402


class _ElfCore:
    """The PT_LOADs and the VMCOREINFO note of an AArch64 ELF core file (a vmcore, /proc/kcore)."""

    def __init__(self, path):
        self.path = path
        self.f = open(path, "rb", buffering=0)

        def pread(size, offset):
            return os.pread(self.f.fileno(), size, offset)
        try:
            headers = s2dump_vmcoreinfo.elf_core_headers(pread, path)
        except ValueError as e:
            raise gdb.GdbError(f"s2dump: {e}") from None
        # (p_paddr, p_filesz, p_offset); /proc/kcore's vmalloc and module segments have no
        # physical address (p_paddr -1)
        self.loads = [(p_paddr, p_filesz, p_offset) for p_type, p_offset, p_paddr, p_filesz in headers
                      if p_type == s2dump_vmcoreinfo.PT_LOAD and p_filesz and p_paddr != 0xFFFFFFFFFFFFFFFF]
        self.vmcoreinfo = s2dump_vmcoreinfo.elf_vmcoreinfo(pread, headers)

    def read_phys(self, pa, n):
        out = bytearray()
        while len(out) < n:
            cur = pa + len(out)
            for start, size, offset in self.loads:
                if start <= cur < start + size:
                    chunk = min(n - len(out), start + size - cur)
                    data = os.pread(self.f.fileno(), chunk, offset + cur - start)
                    if len(data) != chunk:
                        raise OSError(f"{self.path} ends before the data of physical 0x{cur:x}")
                    out += data
                    break
            else:
                raise OSError(f"physical 0x{cur:x} is not in {self.path}")
        return bytes(out)


def _kind(t):
    """The adapter's kind name of a gdb type (typedefs stripped)."""
    code = t.strip_typedefs().code
    if code in (gdb.TYPE_CODE_INT, gdb.TYPE_CODE_BOOL, gdb.TYPE_CODE_CHAR):
        return "int"
    return {gdb.TYPE_CODE_ENUM: "enum", gdb.TYPE_CODE_PTR: "pointer", gdb.TYPE_CODE_STRUCT: "struct",
            gdb.TYPE_CODE_UNION: "union", gdb.TYPE_CODE_ARRAY: "array"}.get(code, "other")


def _member(t, name):
    """(byte offset, type) of member name in struct/union t, looking into anonymous members as C does."""
    for f in t.strip_typedefs().fields():
        if f.name == name:
            return f.bitpos // 8, f.type
        if not f.name and f.type.strip_typedefs().code in (gdb.TYPE_CODE_STRUCT, gdb.TYPE_CODE_UNION):
            found = _member(f.type, name)
            if found:
                return f.bitpos // 8 + found[0], found[1]
    return None


def _aggregate(name):
    for spelled in ("struct " + name, "union " + name):
        try:
            return gdb.lookup_type(spelled)
        except gdb.error:
            pass
    raise LookupError(f"no struct or union {name} in gdb's debug info")


def _symbol(name):
    """gdb's full symbol of a kernel global (global, then file-static), or None."""
    return gdb.lookup_global_symbol(name) or gdb.lookup_static_symbol(name)


def _link_address(name):
    """Address of a symbol as gdb has it loaded (the link address unless relocated), or None."""
    sym = _symbol(name)
    if sym is not None and sym.addr_class not in (gdb.SYMBOL_LOC_CONST, gdb.SYMBOL_LOC_OPTIMIZED_OUT):
        try:
            address = sym.value().address
            if address is not None:
                return int(address)
        except (gdb.error, TypeError, ValueError):
            pass
    try:
        # a minimal symbol (no debug info: _text, vectors)
        return int(gdb.parse_and_eval(f"(unsigned long)&'{name}'"))
    except (gdb.error, TypeError, ValueError):
        return None


class GdbHost:
    """The target the adapter calls: gdb's debug info, and memory of the core, kcore or gdbstub."""

    def __init__(self):
        inferior = gdb.selected_inferior()
        conn = inferior.connection
        kind = conn.type if conn is not None else None
        self.core = None
        self.remote = kind in ("remote", "extended-remote")
        if kind == "core":
            self.core = _ElfCore(self._core_path())
            self.live = os.path.realpath(self.core.path) == "/proc/kcore"
            text = self.core.vmcoreinfo
            if not text:
                raise gdb.GdbError(f"s2dump: {self.core.path} has no VMCOREINFO note")
            self.delta = self._delta_from(text)
            if self.delta is None:
                raise gdb.GdbError("s2dump: gdb has no symbol swapper_pg_dir, or VMCOREINFO no "
                                   "SYMBOL(swapper_pg_dir): is the vmlinux loaded (file vmlinux)?")
        elif self.remote:
            self.live = True
            text, self.delta = self._remote_vmcoreinfo()
        else:
            raise gdb.GdbError("s2dump: no kernel to read: open an arm64 vmcore or /proc/kcore "
                               "(core-file), or connect to QEMU's gdbstub (target remote)")
        self.text = text
        # Kernel-virtual reads through gdb only on the gdbstub where they go through the CPU's own
        # MMU; on a core the core translates itself over physical reads, as the CLI's reader does.
        if self.remote:
            self.read_kvaddr = self._read_kvaddr

    @staticmethod
    def _core_path():
        # gdb 13 has no Python API for the core file's name: `info target` names it on the line
        # after "Local core dump file:" (gdb 17's Inferior.corefile where there is one)
        corefile = getattr(gdb.selected_inferior(), "corefile", None)
        if corefile is not None and getattr(corefile, "filename", None):
            return corefile.filename
        lines = gdb.execute("info target", to_string=True).splitlines()
        for i, line in enumerate(lines[:-1]):
            if line.strip().startswith("Local core dump file:"):
                path = lines[i + 1].strip()
                if path.startswith("`") and "'" in path:
                    return path[1:path.rindex("'")].rsplit("', file type", 1)[0]
        raise gdb.GdbError("s2dump: cannot find the core file's name in `info target`")

    @staticmethod
    def _delta_from(text):
        """Run-time minus gdb's addresses: VMCOREINFO's swapper_pg_dir against gdb's (KASLR)."""
        want = s2dump_vmcoreinfo.value(text, "SYMBOL(swapper_pg_dir)")
        have = _link_address("swapper_pg_dir")
        if want is None or have is None:
            return None
        return (int(want, 16) - have) & 0xFFFFFFFFFFFFFFFF

    def _remote_vmcoreinfo(self):
        """
        The running kernel's VMCOREINFO (vmcoreinfo_data) and the KASLR offset gdb's symbols need.
        The offset is found from the vector base register (the kernel's vectors, or KVM's hyp
        vectors while a vCPU is loaded) of each vCPU, or 0 (nokaslr, or `symbol-file -o` done),
        and proven by the text it finds: its SYMBOL(swapper_pg_dir) must be gdb's plus the offset.
        """
        bases = [0]
        selected = gdb.selected_thread()
        try:
            for thread in gdb.selected_inferior().threads():
                thread.switch()
                for reg in ("VBAR_EL2", "VBAR_EL1"):
                    try:
                        vbar = int(gdb.parse_and_eval(f"${reg}")) & 0xFFFFFFFFFFFFFFFF
                    except (gdb.error, ValueError):
                        continue
                    for sym in ("vectors", "__kvm_hyp_vector"):
                        link = _link_address(sym)
                        if link is not None and vbar:
                            bases.append((vbar - link) & 0xFFFFFFFFFFFFFFFF)
                text = self._try_bases(bases)
                if text:
                    return text
        finally:
            if selected is not None and selected.is_valid():
                selected.switch()
        raise gdb.GdbError("s2dump: cannot find the running kernel's VMCOREINFO through the gdbstub "
                           "(KASLR offset unknown: boot with nokaslr or load the symbols with "
                           "`symbol-file -o OFFSET vmlinux`)")

    def _try_bases(self, bases):
        data, size, swapper = (_link_address(n) for n in ("vmcoreinfo_data", "vmcoreinfo_size",
                                                          "swapper_pg_dir"))
        if None in (data, size, swapper):
            raise gdb.GdbError("s2dump: gdb has no symbol vmcoreinfo_data, vmcoreinfo_size or "
                               "swapper_pg_dir: is the vmlinux loaded (file vmlinux)?")
        inferior = gdb.selected_inferior()
        for delta in dict.fromkeys(bases):
            try:
                ptr, = struct.unpack("<Q", inferior.read_memory((data + delta) & 0xFFFFFFFFFFFFFFFF, 8))
                n, = struct.unpack("<Q", inferior.read_memory((size + delta) & 0xFFFFFFFFFFFFFFFF, 8))
                if not ptr or not 0 < n <= 65536:
                    continue
                text = bytes(inferior.read_memory(ptr, n)).split(b"\0", 1)[0].decode("ascii", "replace")
            except gdb.MemoryError:
                continue
            want = s2dump_vmcoreinfo.value(text, "SYMBOL(swapper_pg_dir)")
            if want is not None and int(want, 16) == (swapper + delta) & 0xFFFFFFFFFFFFFFFF:
                return text, delta
        return None

    # the adapter's operations (hostprog/s2dump_host.c)

    def read_phys(self, pa, n):
        if self.core is not None:
            return self.core.read_phys(pa, n)
        gdb.execute("maint packet Qqemu.PhyMemMode:1", to_string=True)
        try:
            return bytes(gdb.selected_inferior().read_memory(pa, n))
        finally:
            gdb.execute("maint packet Qqemu.PhyMemMode:0", to_string=True)

    def _read_kvaddr(self, va, n):
        return bytes(gdb.selected_inferior().read_memory(va, n))

    def symbol_address(self, name):
        addr = _link_address(name)
        if addr is None:
            raise LookupError(f"no symbol {name} in gdb")
        return (addr + self.delta) & 0xFFFFFFFFFFFFFFFF

    def symbol_size(self, name):
        sym = _symbol(name)
        if sym is None or not sym.is_function:
            raise LookupError(f"no function {name} in gdb's debug info")
        block = gdb.block_for_pc(int(sym.value().address))
        while block is not None and block.function is None:
            block = block.superblock
        if block is None:
            raise LookupError(f"no code block for {name}")
        return block.end - block.start

    def member_info(self, type_name, path):
        t = _aggregate(type_name)
        offset = 0
        for component in path.split("."):
            found = _member(t, component)
            if found is None:
                raise LookupError(f"struct {type_name} has no member {path}")
            offset += found[0]
            t = found[1]
        s = t.strip_typedefs()
        kind = _kind(s)
        target, length = "other", 0
        if kind in ("pointer", "array"):
            target = _kind(s.target())
        if kind == "array":
            lo, hi = s.range()
            length = max(hi - lo + 1, 0)
        is_signed = kind in ("int", "enum") and bool(s.is_signed)
        return offset, s.sizeof, kind, target, length, is_signed

    def type_size(self, type_name):
        return _aggregate(type_name).sizeof

    def enumerator_value(self, name):
        # an enumerator is a file-static constant symbol in gdb
        sym = gdb.lookup_static_symbol(name) or gdb.lookup_global_symbol(name)
        if sym is None or sym.addr_class != gdb.SYMBOL_LOC_CONST or \
                sym.type is None or sym.type.strip_typedefs().code != gdb.TYPE_CODE_ENUM:
            raise LookupError(f"no enumerator {name} in gdb's debug info")
        return int(sym.value())

    def function_param_count(self, name):
        sym = _symbol(name)
        if sym is None or not sym.is_function:
            raise LookupError(f"no function {name} in gdb's debug info")
        return len(sym.type.fields())

    def vmcoreinfo(self, key):
        v = s2dump_vmcoreinfo.value(self.text, key)
        if v is None:
            raise LookupError(f"VMCOREINFO has no {key}")
        return v


class _Sessions:
    """One adapter session per target (layouts resolved once); a new target gets a new session."""

    def __init__(self):
        self.key = None
        self.session = None
        self.host = None  # the GdbHost of the session (its KASLR offset: host.delta)

    def get(self):
        inferior = gdb.selected_inferior()
        conn = inferior.connection
        key = (inferior.num, conn.num if conn is not None else None,
               gdb.current_progspace().filename)
        if self.session is None or key != self.key:
            self.session = None
            host = GdbHost()
            try:
                self.session = _s2dump_host.Session(host, backend="gdb", live=host.live)
            except _s2dump_host.Error as e:
                raise gdb.GdbError(f"s2dump: {e}") from None
            self.key, self.host = key, host
        return self.session


_sessions = _Sessions()


def _forget_session(_event=None):
    # new or dropped symbols (`symbol-file -o OFFSET vmlinux` after the session found a KASLR
    # offset, `file`): the session's addresses and offset are gdb's old ones
    _sessions.session = _sessions.host = _sessions.key = None


gdb.events.new_objfile.connect(_forget_session)
gdb.events.clear_objfiles.connect(_forget_session)


def _help_text(name):
    """gdb's help of a command: the core's help (s2_command_help), laid out as the CLI's `-h` page."""
    h = _s2dump_host.help(name)
    lines = [h["summary"], "", f"Usage: {h['name']} {h['synopsis']}", ""]
    lines += list(h["description"])
    lines += ["", "Examples:"] + [("  " + line) if line else "" for line in h["examples"]]
    return "\n".join(lines)


class _Writer:
    """The adapter's output stream: gdb's own (pagination, logging, to_string)."""

    @staticmethod
    def write(text):
        gdb.write(text)


class _Command(gdb.Command):
    def __init__(self, name):
        self.__doc__ = _help_text(name)
        super().__init__(name, gdb.COMMAND_DATA)
        self.name = name

    def invoke(self, arg, from_tty):
        self.dont_repeat()
        argv = [self.name] + gdb.string_to_argv(arg)
        try:
            _sessions.get().run(argv, _Writer)
        except _s2dump_host.Error as e:
            # the CLI's line ("s2dump: message"): one gdb error, the session goes on
            raise gdb.GdbError(f"{self.name}: {e}") from None


for _name in _s2dump_host.command_names():
    _Command(_name)
