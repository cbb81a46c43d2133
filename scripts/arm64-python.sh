#!/usr/bin/env bash
# An arm64 Python 3.11 + Debian 12's python3-drgn 0.0.22 for running the drgn
# front end under qemu-aarch64-static here and inside the real arm64 guest
# (tests/vmcores/real/run.sh --live): apt-get download of the arm64 .debs into
# build/arm64/debs, dpkg-deb -x into build/arm64/sysroot (never installed).
# The sysroot also gives the Python headers the arm64 build of the host-program adapter needs
# (make drgn-arm64). Libraries this host already has as arm64 multiarch
# packages (libdw1, libelf1, libkdumpfile10, zlib, ...) are taken from
# /usr/lib/aarch64-linux-gnu when the guest's cpio is made.
#
#   scripts/arm64-python.sh [BUILD_DIR]     default build
set -euo pipefail
build=${1:-build}
debs=$build/arm64/debs
root=$build/arm64/sysroot
pkgs=(python3.11-minimal libpython3.11-minimal libpython3.11-stdlib libpython3.11-dev
	python3-drgn libffi8 libexpat1 libgomp1)
exec "$(dirname "$0")/arm64-debs.sh" "$debs" "$root" "${pkgs[@]}"
