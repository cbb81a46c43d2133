# The real-kernel dumps of `make check`, in one place (sourced by
# make-dumps.sh and by the crash and drgn checks).
#
# One line per dump: release, run name (run.sh's), run.sh's options, and who
# reads it besides check.sh: "crash" (tests/crash/check-crash.sh; crash under
# qemu-user takes one to four minutes per dump, so it gets a representative
# subset: each kernel, each dump writer, LPA2), "drgn" (tests/drgn/check-drgn.sh) and "gdb"
# (tests/gdb/check-gdb-real.sh: the gdb front end on QEMU's gdbstub of the stopped machine the
# dump was taken of; made anew every time like the live runs, it tests this build; and in the
# 7.3.4 live run, `gdb vmlinux /proc/kcore` in the guest with Debian's arm64 gdb).
# The -arm64-16k kernel (16 KiB pages: KVM's stage 2 uses the 16K granule) is
# not read by crash: Debian's crash 8.0.2 refuses 16K-page arm64 dumps.
# The qemu-elf-sveshift-* and qemu-kdump runs are the dumps QEMU writes wrong
# (docs/field-dumps.md): check.sh verifies them through `s2dump repair`'s copy,
# check-drgn.sh reads them as users get them; crash reads the synthetic ones
# (tests/synthetic/check-field.sh).
real_runs_table() {
	cat <<'EOF'
7.2.12+deb13-arm64   qemu-elf       -                crash drgn
7.2.12+deb13-arm64   qemu-elf-lpa2  --lpa2           crash drgn
6.12.107+deb13-arm64 qemu-elf       -                -     drgn
7.2.12+deb13-arm64   kdump-md31c    --makedumpfile   crash drgn
6.12.107+deb13-arm64 kdump-elf      --kdump          crash drgn
7.2.12+deb13-arm64   live-drgn      --live-drgn      -     drgn
7.2.12+deb13-arm64   qemu-elf-sveshift-long  --sveshift=long  -  drgn
7.2.12+deb13-arm64   qemu-elf-sveshift-short --sveshift=short -  drgn
7.2.12+deb13-arm64   qemu-kdump     --qemu-kdump     -     drgn
7.3.4+deb13-arm64    qemu-elf       -                crash drgn
7.3.4+deb13-arm64    qemu-elf-lpa2  --lpa2           -     drgn
7.3.4+deb13-arm64    kdump-md31c    --makedumpfile   crash drgn
7.3.4+deb13-arm64    live-drgn      --live-drgn-gdb  -     drgn gdb
7.3.4+deb13-arm64-16k qemu-elf      -                -     drgn
7.3.4+deb13-arm64    qemu-elf-gdb   --gdb            -     gdb
EOF
}

# real_runs [crash|drgn]: "release run options" per dump (options "-": none),
# all of them or those the named reader reads.
real_runs() {
	real_runs_table | awk -v who="${1:-}" '{ r = who == ""; for (i = 4; i <= NF; i++) r = r || $i == who } r { print $1, $2, $3 }'
}

# real_releases: the kernel releases the runs need (prepare.sh's arguments).
real_releases() {
	real_runs_table | awk '!seen[$1]++ { print $1 }'
}
