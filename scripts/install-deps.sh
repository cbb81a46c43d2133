#!/usr/bin/env bash
# Installs everything s2dump's build, tests, demo and benchmark need on a fresh
# Debian 12 machine (as root). Safe to run again: it only calls apt-get when a
# package is missing.
#
# Never installs crash:arm64 or makedumpfile:arm64 with apt: they pull in
# binutils:arm64, and apt would then remove gcc and the cross compiler.
# scripts/arm64-tools.sh unpacks them into a private root instead.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)

host_pkgs=(
	gcc make pkg-config binutils
	clang libclang-rt-14-dev
	gcc-aarch64-linux-gnu libc6-dev-arm64-cross   # fake vmlinux of the synthetic vmcores, crash extension for arm64 crash (needs arm64 libc headers)
	qemu-user-static                  # runs Debian's arm64 crash and makedumpfile
	libkdumpfile-dev libdw-dev libelf-dev   # the CLI's target
	liblzo2-dev libsnappy-dev libzstd-dev   # the CLI's page codecs for QEMU's kdump files (src/cli/codecs.c)
	python3-drgn python3-dev          # the drgn module (Debian's python3, /usr/bin/python3)
	gdb-multiarch                     # the gdb front end's tests (gdb/s2dump-gdb.py on arm64 vmcores and QEMU's gdbstub)
	dwarves                           # pahole: checks the synthetic layouts against the real ones
	valgrind
	zlib1g-dev                        # mkcpio.c, the CLI's codecs, s2gen's QEMU kdump writer
	debootstrap                       # tests/vmcores/real: the trixie root with QEMU 10
	groff-base                        # tests/docs/check-command-docs.py renders the man page
)
# Runtime libraries of crash:arm64, makedumpfile:arm64 and the arm64 CLI (Multi-Arch: same, safe with apt).
arm64_pkgs=(
	libc6:arm64 libgcc-s1:arm64 libstdc++6:arm64 libncursesw6:arm64 libtinfo6:arm64
	liblzo2-2:arm64 libsnappy1v5:arm64 libzstd1:arm64 zlib1g:arm64
	libelf1:arm64 libdw1:arm64 libbz2-1.0:arm64 liblzma5:arm64
	libkdumpfile10:arm64   # the arm64 CLI (make cli-arm64), run inside the real-kernel guest
)

missing=()
for p in "${host_pkgs[@]}" "${arm64_pkgs[@]}"; do
	case $p in \#*) continue ;; esac
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done

if [ ${#missing[@]} -gt 0 ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "install-deps: missing packages and not root: ${missing[*]}" >&2
		exit 1
	fi
	if ! dpkg --print-foreign-architectures | grep -qx arm64; then
		dpkg --add-architecture arm64
	fi
	echo "install-deps: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if [ -x "$top/scripts/arm64-tools.sh" ]; then
	"$top/scripts/arm64-tools.sh"
fi
