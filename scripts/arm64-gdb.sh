#!/usr/bin/env bash
# Debian 12's arm64 gdb (13.1, Python 3.11) and the libraries it loads, for running the gdb front
# end inside the real arm64 guest (tests/vmcores/real/run.sh --live-drgn-gdb) and under
# qemu-aarch64-static here: apt-get download of the arm64 .debs into build/arm64/gdb-debs,
# dpkg-deb -x into build/arm64/gdb-sysroot (never installed). Its Python standard library is the
# one of scripts/arm64-python.sh's sysroot (the same Python 3.11); the libraries this host already
# has as arm64 multiarch packages (libc6, libstdc++6, libdw1, zlib, ...) are taken from
# /usr/lib/aarch64-linux-gnu when the guest's cpio is made.
#
#   scripts/arm64-gdb.sh [BUILD_DIR]     default build
set -euo pipefail
build=${1:-build}
debs=$build/arm64/gdb-debs
root=$build/arm64/gdb-sysroot
# gdb's Depends on Debian 12 and theirs (apt-cache depends --recurse gdb:arm64), less what the
# host's arm64 multiarch packages and the Python sysroot give
pkgs=(gdb libbabeltrace1 libglib2.0-0 libpcre2-8-0 libmount1 libblkid1 libselinux1 libffi8
	libdebuginfod1 libcurl3-gnutls libnghttp2-14 libidn2-0 libunistring2 librtmp1 libgnutls30
	libhogweed6 libnettle8 libgmp10 libp11-kit0 libtasn1-6 libssh2-1 libssl3 libpsl5
	libgssapi-krb5-2 libkrb5-3 libk5crypto3 libkrb5support0 libkeyutils1 libcom-err2
	libldap-2.5-0 libsasl2-2 libbrotli1 libexpat1 libmpfr6 libpython3.11 libreadline8
	libsource-highlight4v5 libboost-regex1.74.0 libicu72 libxxhash0 libuuid1)
exec "$(dirname "$0")/arm64-debs.sh" "$debs" "$root" "${pkgs[@]}"
