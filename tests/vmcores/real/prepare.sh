#!/usr/bin/env bash
# Prepares everything tests/vmcores/real/run.sh needs, from Debian packages alone
# (the apt mirror is the only network), into a cache outside the clone:
#
#   $cache/apt/                 a private apt configuration for trixie(+backports) arm64
#                               (the host's sources and dpkg state are never touched)
#   $cache/debs/                downloaded .debs
#   $cache/kernels/<release>/   vmlinuz, config, System.map, vmlinux (DWARF), modules/
#   $cache/root/                debootstrapped trixie (amd64) with QEMU 10 (FEAT_NV2, LPA2)
#   $cache/bin/qemu-system-aarch64   runs the root's QEMU from the host (private mount ns)
#   $cache/initramfs/<release>.cpio.gz   busybox-static + qemu_fw_cfg + the KVM program
#   $cache/initramfs/<release>-kdump.cpio.gz   + kexec-tools, the kernel, a capture initramfs
#                                            (busybox, virtio_blk, makedumpfile)
#
# Safe to run again: every step is skipped when its output exists. Usage:
#   prepare.sh [release...]     default: the releases of runs.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${S2_REAL_CACHE:-/var/cache/s2dump-real}
mirror=${S2_REAL_MIRROR:-http://deb.debian.org/debian}
security_mirror=${S2_REAL_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
releases=("$@")
if [ ${#releases[@]} -eq 0 ]; then
	. "$here/runs.sh"
	mapfile -t releases < <(real_releases)
fi

say() { printf 'prepare: %s\n' "$*" >&2; }
die() { printf 'prepare: error: %s\n' "$*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "must run as root (debootstrap, unshare -m)"
mkdir -p "$cache"/{apt,debs,kernels,initramfs,bin,logs}

# --- private apt: trixie, trixie-updates, trixie-backports, trixie-security -------
# APT_CONFIG is set for these calls only: the host's apt never sees trixie.
aptdir=$cache/apt
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
opts="arch=arm64,amd64 signed-by=$keyring"
. "$(dirname "$0")/../../../scripts/private-apt.sh"
private_apt_setup "$aptdir" \
	"deb [$opts] $mirror trixie main" \
	"deb [$opts] $mirror trixie-updates main" \
	"deb [$opts] $mirror trixie-backports main" \
	"deb [$opts] $security_mirror trixie-security main"
if [ -z "$(find "$aptdir/state/lists" -name '*trixie-backports*Packages*' -mmin -1440 2>/dev/null)" ]; then
	say "apt-get update (private trixie configuration)"
	papt apt-get update -q >"$cache/logs/apt-update.log" 2>&1 ||
		die "private apt-get update failed, see $cache/logs/apt-update.log"
fi

# Download one package (name or name:arch) into $cache/debs unless present.
fetch_deb() {
	local pkg=$1 name=${1%%:*} ver
	ver=$(papt apt-cache show --no-all-versions "$pkg" 2>/dev/null | sed -n 's/^Version: //p' | head -1)
	[ -n "$ver" ] || die "package $pkg is not in trixie/trixie-backports"
	local f=$cache/debs/${name}_${ver//:/%3a}_
	if ! ls "$f"*.deb >/dev/null 2>&1; then
		say "downloading $pkg $ver"
		(cd "$cache/debs" && papt apt-get download -q "$pkg" >/dev/null) || die "apt-get download $pkg failed"
	fi
	ls "$f"*.deb | head -1
}

# --- kernels ----------------------------------------------------------------------
prepare_kernel() {
	local rel=$1 kdir=$cache/kernels/$1 major
	major=${rel%%.*}
	mkdir -p "$kdir"
	if [ ! -s "$kdir/vmlinuz" ] || [ ! -s "$kdir/config" ] || [ ! -d "$kdir/modules/kernel" ]; then
		local tmp=$kdir/unpack
		rm -rf "$tmp"; mkdir -p "$tmp"
		if [ "$major" -ge 7 ]; then
			# 7.x: linux-image-* is a meta package; the pieces are split.
			dpkg-deb -x "$(fetch_deb "linux-binary-$rel")" "$tmp"
			dpkg-deb -x "$(fetch_deb "linux-modules-$rel")" "$tmp"
			dpkg-deb -x "$(fetch_deb "linux-base-$rel")" "$tmp"
			cp "$tmp/usr/lib/modules/$rel/vmlinuz" "$kdir/vmlinuz"
			cp "$tmp/usr/lib/modules/$rel/config" "$kdir/config"
			cp "$tmp/usr/lib/modules/$rel/System.map" "$kdir/System.map"
		else
			dpkg-deb -x "$(fetch_deb "linux-image-$rel-unsigned")" "$tmp"
			cp "$tmp/boot/vmlinuz-$rel" "$kdir/vmlinuz"
			cp "$tmp/boot/config-$rel" "$kdir/config"
			cp "$tmp/boot/System.map-$rel" "$kdir/System.map"
		fi
		rm -rf "$kdir/modules"
		mv "$tmp/usr/lib/modules/$rel" "$kdir/modules"
		[ -d "$kdir/modules/kernel" ] || die "$rel: no modules in the packages"
		rm -rf "$tmp"
	fi
	if [ ! -s "$kdir/vmlinux" ]; then
		local dbg
		dbg=$(fetch_deb "linux-image-$rel-dbg")
		say "extracting vmlinux-$rel from $(basename "$dbg") (about a minute)"
		# The real file is under boot/ (6.12) or lib/modules/ (7.2), the other
		# is a symlink, which tar -O writes as nothing: ask for both.
		dpkg-deb --fsys-tarfile "$dbg" |
			tar -x -O "./usr/lib/debug/boot/vmlinux-$rel" \
				"./usr/lib/debug/lib/modules/$rel/vmlinux" >"$kdir/vmlinux.tmp"
		[ "$(stat -c %s "$kdir/vmlinux.tmp")" -gt 100000000 ] ||
			die "$rel: no vmlinux extracted from $(basename "$dbg")"
		mv "$kdir/vmlinux.tmp" "$kdir/vmlinux"
	fi
}

# --- trixie root with QEMU 10 -----------------------------------------------------
root=$cache/root
root_pkgs=qemu-system-arm,gcc-aarch64-linux-gnu,libc6-dev-arm64-cross,python3-drgn,python3-minimal
if [ ! -x "$root/usr/bin/qemu-system-aarch64" ]; then
	command -v debootstrap >/dev/null || {
		say "installing debootstrap on the host (bookworm package)"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends debootstrap >/dev/null
	}
	say "debootstrap trixie with QEMU 10 (about two minutes)"
	rm -rf "$root.tmp"
	debootstrap --variant=minbase --arch=amd64 --include=$root_pkgs \
		--keyring="$keyring" trixie "$root.tmp" "$mirror" >"$cache/logs/debootstrap.log" 2>&1 ||
		die "debootstrap failed, see $cache/logs/debootstrap.log"
	mv "$root.tmp" "$root"
fi

# QEMU from the root, on the host, through the root's own ld.so and libraries.
# Its loadable modules (display, usb, audio: none needed here; TCG is built in)
# would be looked up in the compiled-in path, so QEMU_MODULE_DIR points at the
# root's; -L adds the root's firmware/data directory. Nothing on the host changes.
cat >"$cache/bin/qemu-system-aarch64" <<EOF
#!/bin/sh
# Generated by tests/vmcores/real/prepare.sh: QEMU 10 from $root.
root=$root
QEMU_MODULE_DIR=\$root/usr/lib/x86_64-linux-gnu/qemu
export QEMU_MODULE_DIR
exec "\$root/lib64/ld-linux-x86-64.so.2" \\
	--library-path "\$root/usr/lib/x86_64-linux-gnu:\$root/lib/x86_64-linux-gnu" \\
	"\$root/usr/bin/qemu-system-aarch64" -L "\$root/usr/share/qemu" "\$@"
EOF
chmod +x "$cache/bin/qemu-system-aarch64"
"$cache/bin/qemu-system-aarch64" --version | head -1 | grep -q 'version 1[0-9]' ||
	die "QEMU from $root does not run or is older than 10"

# --- the KVM program --------------------------------------------------------------
prog=$cache/bin/s2real-kvm
src=$here/kvm-prog.c
if [ ! -x "$prog" ] || [ "$src" -nt "$prog" ]; then
	say "building the KVM program (static aarch64)"
	if command -v aarch64-linux-gnu-gcc >/dev/null; then
		aarch64-linux-gnu-gcc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -static -o "$prog" "$src" -lpthread
	else
		die "aarch64-linux-gnu-gcc not found"
	fi
fi

# the initramfs writer (tests/vmcores/real/mkcpio.c, built by `make fixtures`)
mkcpio=${S2_MKCPIO:-${S2_BUILD:-$here/../../../build}/tests/vmcores/real/mkcpio}

# --- initramfs per kernel -----------------------------------------------------------
# <release>.cpio.gz        busybox, qemu_fw_cfg, the program: for QEMU's dump
# <release>-kdump.cpio.gz  the same plus kexec-tools, the kernel and a capture
#                          initramfs (busybox, virtio_blk): the customers' path
busybox_deb=$(fetch_deb busybox-static:arm64)
# kexec-tools:arm64 is dynamic; Debian links it against Xen's libxenctrl.
kexec_pkgs=(kexec-tools:arm64 libc6:arm64 zlib1g:arm64 libxenmisc4.20:arm64 libxentoollog1:arm64
	libxencall1:arm64 libxenevtchn1:arm64 libxengnttab1:arm64 libxenforeignmemory1:arm64
	libxendevicemodel1:arm64 libxentoolcore1:arm64)
# makedumpfile:arm64 (trixie, 1.7.6) for the capture kernel, with its libraries.
md_pkgs=(makedumpfile:arm64 libc6:arm64 zlib1g:arm64 libdw1t64:arm64 libelf1t64:arm64 liblzo2-2:arm64
	libzstd1:arm64 libbz2-1.0:arm64 liblzma5:arm64)
mdx=$cache/initramfs/makedumpfile.d
if [ ! -x "$mdx/usr/bin/makedumpfile" ]; then
	rm -rf "$mdx.tmp"
	for p in "${md_pkgs[@]}"; do dpkg-deb -x "$(fetch_deb "$p")" "$mdx.tmp"; done
	mv "$mdx.tmp" "$mdx"
fi
bb=$cache/initramfs/busybox.d
[ -x "$bb/usr/bin/busybox" ] || { rm -rf "$bb"; dpkg-deb -x "$busybox_deb" "$bb"; }
kx=$cache/initramfs/kexec.d
if [ ! -x "$kx/usr/sbin/kexec" ]; then
	rm -rf "$kx.tmp"
	for p in "${kexec_pkgs[@]}"; do dpkg-deb -x "$(fetch_deb "$p")" "$kx.tmp"; done
	mv "$kx.tmp" "$kx"
fi

add_module() { # kernel dir, module name, destination dir
	local ko
	ko=$(cd "$1/modules" && find kernel -name "$2.ko*" | head -1)
	[ -n "$ko" ] || die "module $2 not found in $1"
	case $ko in
	*.xz) xz -dc "$1/modules/$ko" >"$3/$2.ko" ;;
	*.zst) zstd -qdc "$1/modules/$ko" >"$3/$2.ko" ;;
	*) cp "$1/modules/$ko" "$3/$2.ko" ;;
	esac
}

base_tree() { # directory, kernel dir, modules...
	local ir=$1 kdir=$2
	shift 2
	rm -rf "$ir"; mkdir -p "$ir"/{bin,sbin,proc,sys,dev,tmp,truth,mnt,boot,lib/modules}
	cp "$bb/usr/bin/busybox" "$ir/bin/busybox"
	for m in "$@"; do add_module "$kdir" "$m" "$ir/lib/modules"; done
	cp "$here/init.sh" "$ir/init"
	chmod +x "$ir/init"
}

prepare_initramfs() {
	local rel=$1 kdir=$cache/kernels/$1 out=$cache/initramfs/$1.cpio.gz
	local kout=$cache/initramfs/$1-kdump.cpio.gz f fresh=1
	for f in "$prog" "$here/init.sh" "$here/mkcpio.c" "$here/prepare.sh"; do
		[ -s "$out" ] && [ -s "$kout" ] && [ "$out" -nt "$f" ] && [ "$kout" -nt "$f" ] || fresh=0
	done
	[ $fresh -eq 1 ] && return 0
	[ -x "$mkcpio" ] || die "$mkcpio missing: make fixtures first"
	say "initramfs for $rel (plain and kdump)"
	local ir=$cache/initramfs/$rel.d
	base_tree "$ir" "$kdir" qemu_fw_cfg virtio_blk # virtio_blk: the vmlinux disk of run.sh --live
	cp "$prog" "$ir/bin/s2real-kvm"
	"$mkcpio" "$ir" >"$out.tmp" && mv "$out.tmp" "$out"

	# capture kernel's initramfs: init.sh sees /proc/vmcore and writes it (or
	# makedumpfile -d 31 -c of it, with s2real.makedumpfile) to /dev/vda
	local cap=$cache/initramfs/$rel.capture.d
	base_tree "$cap" "$kdir" virtio_blk
	cp "$prog" "$cap/bin/s2real-kvm" # its --vmcoreinfo-48 mode
	mkdir -p "$cap/usr/bin"
	cp "$mdx/usr/bin/makedumpfile" "$cap/usr/bin/"
	cp -a "$mdx/usr/lib" "$cap/usr/"
	"$mkcpio" "$cap" >"$ir/boot/capture.cpio.gz"
	rm -rf "$cap"
	cp "$kdir/vmlinuz" "$ir/boot/vmlinuz"
	mkdir -p "$ir/usr"
	cp -a "$kx/usr/sbin" "$kx/usr/lib" "$ir/usr/"
	"$mkcpio" "$ir" >"$kout.tmp" && mv "$kout.tmp" "$kout"
	rm -rf "$ir"
}

for rel in "${releases[@]}"; do
	prepare_kernel "$rel"
	prepare_initramfs "$rel"
	say "ready: $rel ($cache/kernels/$rel)"
done
