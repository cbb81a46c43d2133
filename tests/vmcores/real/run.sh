#!/usr/bin/env bash
# Boots a real Debian arm64 kernel under QEMU TCG (EL2 + nested virt), runs the
# KVM program (kvm-prog.c) inside it and, while its guests are live, dumps the
# whole machine with QEMU's dump-guest-memory (ELF) over QMP on a local socket.
#
#   run.sh [--lpa2] [--kdump | --makedumpfile | --live | --live-drgn | --live-drgn-gdb | --sveshift long|short | --qemu-kdump | --gdb] [release]
#   default release: 7.2.12+deb13-arm64
#
# --kdump: the customers' path instead: crashkernel=256M, kexec -p of the same
# kernel with a capture initramfs, a panic (sysrq c) with the guests live, and
# the capture kernel copies /proc/vmcore (the kernel's own ELF) to a virtio disk.
# --makedumpfile: the same, but the capture kernel runs makedumpfile -d 31 -c
# (trixie's 1.7.6) and writes its compressed dump (run kdump-md31c; not --lpa2).
# --live: before the QEMU dump, s2dump itself (the arm64 CLI, make cli-arm64; or
# $S2_ARM64_CLI) runs inside the guest against /proc/kcore with the guests live;
# its output lands in truth/live/ (run live, or live-lpa2).
# --live-drgn: --live, and the drgn front end too: Debian 12's arm64 Python 3.11 +
# python3-drgn 0.0.22 (scripts/arm64-python.sh) with the arm64 s2dump_drgn (make
# drgn-arm64) run libdrgn-contrib/s2dump.py on the live kernel for the same
# commands: truth/live/drgn-*.txt (run live-drgn, or live-drgn-lpa2); and sid's arm64 Python 3.14
# + drgn 0.3.0 (scripts/tool-versions.sh sid-arm64) the same way: truth/live/drgn030-*.txt.
# --live-drgn-gdb: --live-drgn, and the gdb front end too: Debian 12's arm64 gdb
# (scripts/arm64-gdb.sh) with the arm64 adapter and s2dump-gdb.py (make gdb-arm64)
# run `gdb vmlinux /proc/kcore` for the same commands: truth/live/gdb-*.txt (run
# live-drgn; 3G of guest memory: gdb holds the vmlinux's symbols, about 700M).
# --sveshift long|short: a dump QEMU writes wrong, on purpose, as users get them:
# a task with SVE live at 256 bytes (the default is 64) spins on the second CPU (long: that vCPU's SVE
# note is longer than the first's, so the notes run past PT_NOTE and RAM sits
# after p_offset) or on the first (short: RAM sits before p_offset); the run
# fails unless elf-check.py rejects the dump (run qemu-elf-sveshift-long/-short).
# --qemu-kdump: QEMU's own compressed formats, as `virsh dump --memory-only
# --format kdump-zlib` writes them: vmcore (ELF, checked as usual), then
# vmcore.kdump-zlib (the flattened makedumpfile format) and vmcore.kdump-raw-zlib
# of the same moment (run qemu-kdump).
# --gdb: QEMU's gdbstub on (-gdb tcp:127.0.0.1:<free port>); with the guests live the
# machine is stopped (QMP stop), dumped while stopped, and gdb-multiarch attaches to the
# stub: the gdb front end (build/share/s2dump/s2dump-gdb.py, physical reads in QEMU's
# physical-memory mode) runs the command forms of gdb/<n>.cmd (chosen from the CLI's
# answer on that dump) into gdb/<n>.out and .err (run qemu-elf-gdb;
# tests/gdb/check-gdb-real.sh compares them with the CLI on the dump).
# S2_LIVE_RUN: another name for the live run directory.
#
# Output: $cache/dumps/<release>/<run>/{vmcore, vmlinux -> ..., truth/, console.log, run.txt}
# with <run> = qemu-elf, qemu-elf-lpa2, kdump-elf, kdump-elf-lpa2, kdump-md31c, live, live-lpa2, live-drgn
# or live-drgn-lpa2. Needs
# prepare.sh first. One QEMU at a time (flock on $cache/qemu.lock): the
# machine's CPUs are shared.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${S2_REAL_CACHE:-/var/cache/s2dump-real}
lpa2=off
kdump=0
md=0
live=0
drgn=0
sveshift=
qkdump=0
gdbstub=0
livegdb=0
while [ $# -gt 0 ]; do
	case $1 in
	--lpa2) lpa2=on; shift ;;
	--kdump) kdump=1; shift ;;
	--makedumpfile) kdump=1; md=1; shift ;;
	--live) live=1; shift ;;
	--live-drgn) live=1; drgn=1; shift ;;
	--live-drgn-gdb) live=1; drgn=1; livegdb=1; shift ;;
	--qemu-kdump) qkdump=1; shift ;;
	--gdb) gdbstub=1; shift ;;
	--sveshift=*) set -- --sveshift "${1#--sveshift=}" "${@:2}" ;;
	--sveshift)
		case ${2:-} in long | short) sveshift=$2; shift 2 ;;
		*) echo "run.sh: --sveshift takes long or short" >&2; exit 3 ;;
		esac ;;
	-h|--help) sed -n '2,31p' "$0"; exit 0 ;;
	-*) echo "run.sh: unknown option $1" >&2; exit 3 ;;
	*) break ;;
	esac
done
rel=${1:-7.2.12+deb13-arm64}
kdir=$cache/kernels/$rel
if [ $kdump -eq 1 ]; then
	run="kdump-elf"
	[ $md -eq 0 ] || run="kdump-md31c"
	initrd=$cache/initramfs/$rel-kdump.cpio.gz
elif [ $live -eq 1 ]; then
	run="live"
	[ $drgn -eq 0 ] || run="live-drgn"
	initrd=$cache/initramfs/$rel.cpio.gz
else
	run="qemu-elf"
	[ -z "$sveshift" ] || run="qemu-elf-sveshift-$sveshift"
	[ $qkdump -eq 0 ] || run="qemu-kdump"
	[ $gdbstub -eq 0 ] || run="qemu-elf-gdb"
	initrd=$cache/initramfs/$rel.cpio.gz
fi
[ $lpa2 = off ] || run=$run-lpa2
if [ $live -eq 1 ] && [ -n "${S2_LIVE_RUN:-}" ]; then
	case $S2_LIVE_RUN in
	*/* | . | .. | qemu-elf* | kdump-*) echo "run.sh: S2_LIVE_RUN=$S2_LIVE_RUN: not a live run name" >&2; exit 3 ;;
	esac
	run=$S2_LIVE_RUN
fi
qemu=$cache/bin/qemu-system-aarch64
for f in "$kdir/vmlinuz" "$kdir/vmlinux" "$initrd" "$qemu"; do
	[ -e "$f" ] || { echo "run.sh: $f missing: run tests/vmcores/real/prepare.sh $rel first" >&2; exit 2; }
done
out=$cache/dumps/$rel/$run
rm -rf "$out"
mkdir -p "$out/truth"
ln -s "$kdir/vmlinux" "$out/vmlinux"
sock=$out/qmp.sock
t0=$(date +%s)

exec 9>"$cache/qemu.lock"
flock 9

# damon_stat.enabled=0: Debian's 7.2 ages pages with DAMON_STAT, which clears
# AF on live stage-2 leaves at random moments; off, the run is deterministic.
cmdline="console=ttyAMA0 rdinit=/init kvm-arm.mode=nested damon_stat.enabled=0 transparent_hugepage=always"
mem=1G
case $sveshift in
long) cmdline="$cmdline s2real.svespin=1:256" ;;
short) cmdline="$cmdline s2real.svespin=0:256" ;;
esac
if [ $kdump -eq 1 ]; then
	cmdline="$cmdline crashkernel=256M s2real.kdump"
	# makedumpfile writes its output to the capture kernel's RAM first: 256M
	# leaves about 128M usable there, not enough
	[ $md -eq 0 ] || cmdline="${cmdline/crashkernel=256M/crashkernel=384M} s2real.makedumpfile"
	mem=2G
	truncate -s 2200M "$out/disk.img"
fi
if [ $live -eq 1 ]; then
	# The arm64 CLI and the libraries it links (Debian's arm64 multiarch
	# packages on this host) in an extra cpio appended to the initramfs (the
	# kernel unpacks concatenated archives); the vmlinux on a read-only disk.
	cli=${S2_ARM64_CLI:-$here/../../../build/arm64/s2dump}
	[ -x "$cli" ] || { echo "run.sh: $cli missing: make cli-arm64 first" >&2; exit 2; }
	x=$out/opt.d
	mkdir -p "$x/opt/s2dump/bin" "$x/opt/s2dump/lib"
	cp "$cli" "$x/opt/s2dump/bin/s2dump"
	qemu-aarch64-static -L / /lib/ld-linux-aarch64.so.1 --list "$cli" |
		awk '$2 == "=>" { print $3 } $1 ~ /^\/.*ld-linux/ { print $1 }' |
		while read -r lib; do cp -L "$lib" "$x/opt/s2dump/lib/"; done
	[ -e "$x/opt/s2dump/lib/ld-linux-aarch64.so.1" ] || { echo "run.sh: could not list $cli's libraries" >&2; exit 2; }
	# this checkout's /init (the later archive's files replace the cached initramfs's)
	cp "$here/init.sh" "$x/init"
	chmod 755 "$x/init"
	if [ $drgn -eq 1 ]; then
		# The interpreter, the stdlib without what drgn never imports, drgn,
		# s2dump_drgn and the contrib script; the libraries of all of them
		# (from the sysroot, else this host's arm64 multiarch packages).
		top=$(cd "$here/../../.." && pwd)
		sr=$top/build/arm64/sysroot
		for f in "$sr/.stamp" "$top/build/arm64/python/s2dump_drgn/_s2dump_host.abi3.so" "$top/build/arm64/share/s2dump.py"; do
			[ -e "$f" ] || { echo "run.sh: $f missing: make drgn-arm64 first" >&2; exit 2; }
		done
		py=$x/opt/s2dump/py
		mkdir -p "$py/bin" "$py/lib/python3.11" "$py/lib/python3/dist-packages" "$py/share"
		cp "$sr/usr/bin/python3.11" "$py/bin/"
		(cd "$sr/usr/lib/python3.11" && tar -cf - --exclude=config-3.11-aarch64-linux-gnu --exclude=test \
			--exclude=idlelib --exclude=tkinter --exclude=ensurepip --exclude=lib2to3 --exclude=pydoc_data \
			--exclude=turtledemo --exclude='_test*.so' .) | tar -xf - -C "$py/lib/python3.11"
		cp -r "$sr/usr/lib/python3/dist-packages/drgn" "$sr"/usr/lib/python3/dist-packages/_drgn.cpython-*.so \
			"$top/build/arm64/python/s2dump_drgn" "$py/lib/python3/dist-packages/"
		cp "$top/build/arm64/share/s2dump.py" "$py/share/"
		lp=$sr/lib/aarch64-linux-gnu:$sr/usr/lib/aarch64-linux-gnu:/usr/lib/aarch64-linux-gnu
		for f in "$py/bin/python3.11" "$py"/lib/python3/dist-packages/_drgn.cpython-*.so "$py"/lib/python3.11/lib-dynload/*.so; do
			qemu-aarch64-static -L / /lib/ld-linux-aarch64.so.1 --library-path "$lp" --list "$f" 2>/dev/null |
				awk '$2 == "=>" && $3 ~ /^\// { print $3 }' || true # modules drgn never imports may lack a library
		done | sort -u | while read -r lib; do
			[ -e "$x/opt/s2dump/lib/$(basename "$lib")" ] || cp -L "$lib" "$x/opt/s2dump/lib/"
		done
		# sid's drgn 0.3.0 beside it (Python 3.14, scripts/tool-versions.sh sid-arm64), with its
		# own ld.so and libraries: sid's libc is newer than Debian 12's under /opt/s2dump/lib
		s3=${S2_TOOLS_CACHE:-/var/cache/s2dump-tools}/roots/sid-arm64
		if [ -e "$s3/.done" ]; then
			p3=$x/opt/s2dump/py030
			pyv=$(cd "$s3/usr/bin" && ls python3.[0-9]* | head -n 1)
			mkdir -p "$p3/bin" "$p3/lib/$pyv" "$p3/lib/python3/dist-packages" "$p3/share" "$p3/so"
			cp "$s3/usr/bin/$pyv" "$p3/bin/python3"
			(cd "$s3/usr/lib/$pyv" && tar -cf - --exclude="config-3.*" --exclude=test \
				--exclude=idlelib --exclude=tkinter --exclude=ensurepip --exclude=pydoc_data \
				--exclude=turtledemo --exclude='_test*.so' .) | tar -xf - -C "$p3/lib/$pyv"
			cp -r "$s3/usr/lib/python3/dist-packages/drgn" "$s3/usr/lib/python3/dist-packages/_drgn_util" \
				"$s3"/usr/lib/python3/dist-packages/_drgn.cpython-*.so \
				"$top/build/arm64/python/s2dump_drgn" "$p3/lib/python3/dist-packages/"
			cp "$top/build/arm64/share/s2dump.py" "$p3/share/"
			cp -L "$s3/usr/lib/ld-linux-aarch64.so.1" "$p3/so/"
			for f in "$p3/bin/python3" "$p3"/lib/python3/dist-packages/_drgn.cpython-*.so "$p3/lib/$pyv"/lib-dynload/*.so; do
				qemu-aarch64-static -L "$s3" "$s3/usr/lib/ld-linux-aarch64.so.1" \
					--library-path "$s3/usr/lib/aarch64-linux-gnu" --list "$f" 2>/dev/null |
					awk '$2 == "=>" && $3 ~ /^\// { print $3 }' || true
			done | sort -u | while read -r lib; do
				[ -e "$p3/so/$(basename "$lib")" ] || cp -L "$lib" "$p3/so/"
			done
			[ -e "$p3/so/libc.so.6" ] || { echo "run.sh: could not list the libraries of $s3's Python and drgn" >&2; exit 2; }
		else
			echo "run.sh: no $s3 (scripts/tool-versions.sh sid-arm64): drgn 0.3.0 not run in the guest" >&2
		fi
		echo "run.sh: drgn in the guest: $(du -sh "$x/opt" | cut -f1) under /opt"
		cmdline_drgn=" s2real.drgn"
	fi
	if [ $livegdb -eq 1 ]; then
		# Debian's arm64 gdb, its data directory (gdb's own Python package), the arm64 adapter
		# and script as installed, the test's command runner; gdb's libraries (from its
		# sysroot, the Python sysroot, else this host's arm64 multiarch packages). Python's
		# library is drgn's copy above (PYTHONHOME=/opt/s2dump/py).
		gr=$top/build/arm64/gdb-sysroot
		for f in "$gr/.stamp" "$top/build/arm64/share/s2dump/s2dump-gdb.py" "$top/build/arm64/share/s2dump/_s2dump_host.abi3.so"; do
			[ -e "$f" ] || { echo "run.sh: $f missing: make gdb-arm64 first" >&2; exit 2; }
		done
		g=$x/opt/s2dump/gdb
		mkdir -p "$g/bin" "$g/share"
		cp "$gr/usr/bin/gdb" "$g/bin/"
		cp -r "$gr/usr/share/gdb" "$top/build/arm64/share/s2dump" "$g/share/"
		cp "$top/tests/gdb/run_commands.py" "$g/share/"
		lp=$gr/lib/aarch64-linux-gnu:$gr/usr/lib/aarch64-linux-gnu:$sr/lib/aarch64-linux-gnu:$sr/usr/lib/aarch64-linux-gnu:/usr/lib/aarch64-linux-gnu
		qemu-aarch64-static -L / /lib/ld-linux-aarch64.so.1 --library-path "$lp" --list "$g/bin/gdb" |
			awk '$2 == "=>" && $3 ~ /^\// { print $3 }' | sort -u | while read -r lib; do
			[ -e "$x/opt/s2dump/lib/$(basename "$lib")" ] || cp -L "$lib" "$x/opt/s2dump/lib/"
		done
		echo "run.sh: drgn and gdb in the guest: $(du -sh "$x/opt" | cut -f1) under /opt"
		cmdline_drgn="$cmdline_drgn s2real.gdb"
	fi
	mkcpio=${S2_MKCPIO:-${S2_BUILD:-$here/../../../build}/tests/vmcores/real/mkcpio}
	[ -x "$mkcpio" ] || { echo "run.sh: $mkcpio missing: make fixtures first" >&2; exit 2; }
	cat "$initrd" >"$out/initrd.cpio.gz"
	"$mkcpio" "$x" >>"$out/initrd.cpio.gz"
	rm -rf "$x"
	initrd=$out/initrd.cpio.gz
	cmdline="$cmdline s2real.live${cmdline_drgn:-} s2real.vmlinux_size=$(stat -L -c %s "$kdir/vmlinux")"
	mem=2G
	[ $livegdb -eq 0 ] || mem=3G
fi
qemu_args=(
	-machine virt,virtualization=on,gic-version=3
	-cpu "max,pauth-impdef=on,lpa2=$lpa2"
	-smp 2 -m "$mem"
	-kernel "$kdir/vmlinuz" -initrd "$initrd" -append "$cmdline"
	-device vmcoreinfo
	-display none -monitor none -nic none -no-reboot
	-serial "file:$out/console.log"
	-qmp "unix:$sock,server=on,wait=off"
)
if [ $gdbstub -eq 1 ]; then
	top=$(cd "$here/../../.." && pwd)
	gdbscript=${S2_BUILD:-$top/build}/share/s2dump/s2dump-gdb.py
	[ -f "$gdbscript" ] || { echo "run.sh: $gdbscript missing: make first" >&2; exit 2; }
	command -v gdb-multiarch >/dev/null || { echo "run.sh: no gdb-multiarch" >&2; exit 2; }
	gdbport=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	qemu_args+=(-gdb "tcp:127.0.0.1:$gdbport")
fi
if [ $kdump -eq 1 ]; then
	qemu_args+=(-drive "file=$out/disk.img,format=raw,if=none,id=d0" -device virtio-blk-pci,drive=d0)
fi
if [ $live -eq 1 ]; then
	qemu_args+=(-drive "file=$kdir/vmlinux,format=raw,if=none,id=v0,readonly=on" -device virtio-blk-pci,drive=v0)
fi
printf '%q ' "$qemu" "${qemu_args[@]}" >"$out/run.txt"
echo >>"$out/run.txt"
"$qemu" "${qemu_args[@]}" &
qpid=$!
cleanup() { kill "$qpid" 2>/dev/null || true; }
trap cleanup EXIT

# Wait for the guests (about 15 s; generous limit for a loaded machine).
state=
for _ in $(seq 1 900); do
	if grep -q 'S2REAL-READY' "$out/console.log" 2>/dev/null; then state=ready; break; fi
	if grep -q 'S2REAL-FAILED\|Kernel panic' "$out/console.log" 2>/dev/null; then state=failed; break; fi
	kill -0 "$qpid" 2>/dev/null || { state=exited; break; }
	sleep 1
done
t_ready=$(date +%s)
if [ "$state" != ready ]; then
	echo "run.sh: $rel: machine not ready ($state${state:+, }see $out/console.log)" >&2
	tail -20 "$out/console.log" >&2 || true
	exit 1
fi
sed -n '/^S2REAL-TRUTH-BEGIN/,/^S2REAL-TRUTH-END/p' "$out/console.log" | sed '1d;$d' | tr -d '\r' |
	base64 -d | tar -xz -C "$out/truth"

if [ $kdump -eq 1 ]; then
	# The machine panics by itself; the capture kernel writes /proc/vmcore and powers off.
	for _ in $(seq 1 1800); do
		kill -0 "$qpid" 2>/dev/null || break
		grep -q 'S2REAL-CAPTURE-FAILED\|S2REAL-FAILED' "$out/console.log" && break
		sleep 1
	done
	kill "$qpid" 2>/dev/null || true
	wait "$qpid" || true
	trap - EXIT
	size=$(sed -n 's/^S2REAL-CAPTURE-DONE \([0-9]*\).*/\1/p' "$out/console.log" | head -1)
	if [ -z "$size" ]; then
		echo "run.sh: $rel/$run: no capture (see $out/console.log)" >&2
		grep 'S2REAL\|Kernel panic\|kexec\|crashkernel' "$out/console.log" | tail -5 >&2
		exit 1
	fi
	truncate -s "$size" "$out/disk.img"
	if [ $md -eq 0 ] && ! /usr/bin/python3 "$here/elf-check.py" "$out/disk.img" "$rel" >&2; then
		mv "$out/disk.img" "$out/vmcore.rejected"
		echo "run.sh: $rel/$run: the capture kernel's /proc/vmcore copy is not a sound ELF vmcore" >&2
		exit 1
	fi
	mv "$out/disk.img" "$out/vmcore"
	t_end=$(date +%s)
	{
		echo "release $rel lpa2 $lpa2 kdump 1"
		echo "seconds_to_ready $((t_ready - t0)) seconds_total $((t_end - t0))"
		echo "vmcore_bytes $size"
	} >>"$out/run.txt"
	echo "run.sh: $rel/$run: ready after $((t_ready - t0)) s, captured after $((t_end - t0)) s: $out"
	exit 0
fi

# Dump while the guests sit in KVM_RUN, then quit. Each dump is checked
# (elf-check.py: notes, VMCOREINFO, RAM where the headers say): QEMU 10.0
# misplaces RAM when the vCPUs' live SVE vector lengths differ, which depends
# on which task last ran where, so a rejected dump is taken again (up to six
# times, 3 s apart) and a run that cannot get a good one fails without leaving a vmcore.
/usr/bin/python3 - "$sock" "$out/vmcore" "$here/elf-check.py" "$rel" "$sveshift" "$qkdump" "$gdbstub" <<'PY'
import importlib.util, json, os, socket, sys, time
sock_path, vmcore, checker, release, sveshift, qkdump, gdbstub = sys.argv[1:8]
spec = importlib.util.spec_from_file_location("elf_check", checker)
elf_check = importlib.util.module_from_spec(spec)
spec.loader.exec_module(elf_check)
s = socket.socket(socket.AF_UNIX)
s.connect(sock_path)
f = s.makefile("rw")
def reply():
    while True:
        msg = json.loads(f.readline())
        if "return" in msg or "error" in msg:
            return msg
def cmd(name, **args):
    f.write(json.dumps({"execute": name, "arguments": args}) + "\n")
    f.flush()
    msg = reply()
    if "error" in msg:
        sys.exit("qmp %s: %s" % (name, msg["error"]))
    return msg["return"]
json.loads(f.readline())  # greeting
cmd("qmp_capabilities")
if sveshift:
    # the defect on purpose: the dump is kept as QEMU wrote it, and must be rejected. Which
    # vector length a vCPU's note carries depends on the task it was running when stopped (the
    # spinner's, almost always): up to six dumps 3 s apart, as for the sound dumps below
    for attempt in range(1, 7):
        if attempt > 1:
            time.sleep(3)
        cmd("dump-guest-memory", paging=False, protocol="file:" + vmcore, format="elf")
        try:
            verdict = elf_check.check(vmcore, release)
        except elf_check.Bad as e:
            print("run.sh: dump %d: as intended, elf-check.py rejects it: %s" % (attempt, e))
            break
        print("run.sh: dump %d came out sound (%s), not the defect wanted" % (attempt, verdict), file=sys.stderr)
        os.replace(vmcore, vmcore + ".not-shifted-%d" % attempt)
    else:
        cmd("quit")
        sys.exit("run.sh: --sveshift %s: six dumps came out sound: the defect was not reproduced" % sveshift)
for attempt in range(1, 7 if not sveshift else 1):
    if attempt > 1:
        if gdbstub == "1":
            cmd("cont")
        time.sleep(3)  # let the vCPUs move on: the vector lengths they report change as tasks run
    if gdbstub == "1":
        cmd("stop")  # the machine stays stopped for gdb: the dump is of the moment gdb reads
    cmd("dump-guest-memory", paging=False, protocol="file:" + vmcore, format="elf")
    try:
        print("run.sh: dump %d: %s" % (attempt, elf_check.check(vmcore, release)))
        break
    except elf_check.Bad as e:
        print("run.sh: dump %d rejected by elf-check.py: %s" % (attempt, e), file=sys.stderr)
        os.replace(vmcore, vmcore + ".rejected-%d" % attempt)
else:
    if not sveshift:
        cmd("quit")
        sys.exit("run.sh: no dump passed elf-check.py in six attempts (kept as vmcore.rejected-*)")
if gdbstub == "1":
    sys.exit(0)  # stopped, for gdb; run.sh quits QEMU afterwards
if qkdump == "1":
    for fmt in ("kdump-zlib", "kdump-raw-zlib"):
        cmd("dump-guest-memory", paging=False, protocol="file:%s.%s" % (vmcore, fmt), format=fmt)
        print("run.sh: %s: %d bytes" % (fmt, os.path.getsize("%s.%s" % (vmcore, fmt))))
try:
    cmd("quit")
except Exception:
    pass
PY
if [ $gdbstub -eq 1 ]; then
	# The commands gdb runs on the stopped machine: every form with its VMs and nested MMUs
	# named as the CLI names them on the dump of this moment.
	cli=${S2_BUILD:-$top/build}/s2dump
	mkdir -p "$out/gdb"
	"$cli" -c "$out/vmcore" -s "$out/vmlinux" >"$out/gdb/vms.txt" 2>&1 || true
	"$cli" -c "$out/vmcore" -s "$out/vmlinux" nesteds2 list >"$out/gdb/nested.txt" 2>&1 || true
	{
		printf '%s\n' "s2dump" "s2dump -p" "s2dump -j" "nesteds2 list" "nesteds2 check"
		awk '/^kvm 0x/ && $5 == "vcpus" { print "s2dump -x " $2; print "s2dump -v " $2 }' "$out/gdb/vms.txt"
		awk '$1 == "[" && $5 == "valid" { print "nesteds2 dump -x " $4; print "nesteds2 guest -v " $3; print "nesteds2 dump -v " $3 }' "$out/gdb/nested.txt"
		echo "s2dump 0xffff000000001000"
	} | awk '{ printf "%d\t%s\n", NR, $0 }' >"$out/gdb/cmds"
	t_gdb=$(date +%s)
	# Then, as a developer does: the symbols relocated by the offset found (symbol-file -o), a
	# hardware breakpoint in the host kernel (schedule), continue; at the stop run.sh takes a
	# second dump (vmcore-bp) and gdb runs the same forms there (gdb/bp/).
	mkdir -p "$out/gdb/bp"
	rm -f "$out/gdb/bp.hit" "$out/gdb/bp.dumped"
	S2_GDB_CMDS=$out/gdb/cmds S2_GDB_OUT=$out/gdb timeout 1200 gdb-multiarch -nx -batch \
		-ex "file $out/vmlinux" -ex "target remote tcp:127.0.0.1:$gdbport" -ex "source $gdbscript" \
		-ex "source $top/tests/gdb/run_commands.py" -ex "info threads" \
		-ex "python print('s2dump-gdb: KASLR offset 0x%x' % _sessions.host.delta)" \
		-ex "python gdb.execute('symbol-file -o 0x%x $out/vmlinux' % _sessions.host.delta)" \
		-ex "hbreak schedule" -ex "continue" -ex "bt 3" \
		-ex "python import os, time; open('$out/gdb/bp.hit', 'w').close()" \
		-ex "python [time.sleep(0.5) for _ in range(1200) if not os.path.exists('$out/gdb/bp.dumped')]" \
		-ex "python os.environ['S2_GDB_OUT'] = '$out/gdb/bp'" \
		-ex "source $top/tests/gdb/run_commands.py" \
		-ex "python print('s2dump-gdb: at the breakpoint, offset 0x%x' % _sessions.host.delta)" \
		-ex "delete" -ex "detach" \
		>"$out/gdb/gdb.log" 2>&1 &
	gpid=$!
	for _ in $(seq 1 600); do
		[ -e "$out/gdb/bp.hit" ] && break
		kill -0 $gpid 2>/dev/null || break
		sleep 1
	done
	if [ -e "$out/gdb/bp.hit" ]; then
		/usr/bin/python3 - "$sock" "$out/vmcore-bp" <<'PY'
import json, socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
f = s.makefile("rw")
f.readline()
for c, a in (("qmp_capabilities", {}), ("dump-guest-memory", {"paging": False, "protocol": "file:" + sys.argv[2], "format": "elf"})):
    f.write(json.dumps({"execute": c, "arguments": a}) + "\n")
    f.flush()
    while True:
        m = json.loads(f.readline())
        if "return" in m or "error" in m:
            break
    if "error" in m:
        sys.exit("qmp %s: %s" % (c, m["error"]))
PY
		/usr/bin/python3 "$here/elf-check.py" "$out/vmcore-bp" "$rel" >&2 || echo "run.sh: the dump at the breakpoint is rejected" >&2
	else
		echo "run.sh: gdb did not stop at the breakpoint (see $out/gdb/gdb.log)" >&2
	fi
	: >"$out/gdb/bp.dumped"
	wait $gpid || echo "run.sh: gdb exited with $?" >&2
	echo "gdb_seconds $(($(date +%s) - t_gdb))" >>"$out/run.txt"
	/usr/bin/python3 - "$sock" <<'PY'
import json, socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
f = s.makefile("rw")
f.readline()
for c in ("qmp_capabilities", "quit"):
    f.write(json.dumps({"execute": c}) + "\n")
    f.flush()
    f.readline()
PY
fi
wait "$qpid" || true
trap - EXIT
t_end=$(date +%s)
{
	echo "release $rel lpa2 $lpa2"
	echo "seconds_to_ready $((t_ready - t0)) seconds_total $((t_end - t0))"
	echo "vmcore_bytes $(stat -c %s "$out/vmcore")"
} >>"$out/run.txt"
echo "run.sh: $rel/$run: ready after $((t_ready - t0)) s, dumped after $((t_end - t0)) s: $out"
