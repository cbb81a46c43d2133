#!/usr/bin/env bash
# Unpacks the newer Debian releases' tools that users triage arm64 vmcores with, into a
# cache outside the clone (downloaded once per machine, then reused):
#
#   $cache/apt/                 private apt configuration: trixie and sid, arm64 + amd64
#                               (the host's /etc/apt and dpkg database are never touched)
#   $cache/debs/                the downloaded .debs
#   $cache/roots/crash-8.0.6/   trixie's crash:arm64 with trixie's arm64 libraries
#   $cache/roots/crash-9.0.2/   sid's crash:arm64 (gdb 16) with sid's arm64 libraries
#   $cache/roots/sid/           sid amd64: python3 + python3-drgn 0.3.0, libkdumpfile-dev 0.5.6
#   $cache/roots/sid-arm64/     sid arm64: python3 + python3-drgn 0.3.0 (run in the real-kernel
#                               guest by tests/vmcores/real/run.sh --live-drgn)
#   $cache/roots/trixie-kdf/    trixie amd64: libkdumpfile-dev 0.5.4 and its libc
#   $cache/bin/crash-<version>  crash:arm64 under qemu-aarch64-static -L <its root>
#   $cache/bin/python-sid       sid's python3 through the sid root's own ld.so
#   $cache/bin/run-<root>       runs an amd64 program with that root's ld.so and libraries first
#
# Each root holds only the unpacked packages (dpkg-deb -x, no maintainer scripts) of one
# dependency closure, computed by apt against an empty dpkg status; <root>/VERSION names
# the tool's version. binutils is left out of the arm64 roots: crash popens strings, and
# the host's (x86_64) one must be found, since qemu-user without binfmt_misc cannot run
# an arm64 one. Safe to run again: a root with its .done marker is kept.
# Needs root only for the first download (apt's private state lives in the cache).
set -euo pipefail
cache=${S2_TOOLS_CACHE:-/var/cache/s2dump-tools}
mirror=${S2_TOOLS_MIRROR:-http://deb.debian.org/debian}
say() { printf 'tool-versions: %s\n' "$*" >&2; }
die() { printf 'tool-versions: error: %s\n' "$*" >&2; exit 1; }

# roots: name, arch, apt target release, packages (apt syntax), tool whose version is VERSION
roots=(
	"crash-8.0.6|arm64|trixie|crash:arm64=8.0.6-1|crash"
	"crash-9.0.2|arm64|sid|crash:arm64=9.0.2+~16.3-1|crash"
	"sid|amd64|sid|python3-drgn:amd64 libkdumpfile-dev:amd64|python3-drgn"
	"sid-arm64|arm64|sid|python3-drgn:arm64|python3-drgn"
	"trixie-kdf|amd64|trixie|libkdumpfile-dev:amd64|libkdumpfile-dev"
)
want=${1:-all}

all_done() {
	local r
	for r in "${roots[@]}"; do [ -e "$cache/roots/${r%%|*}/.done" ] || return 1; done
}
if [ "$want" = all ] && all_done; then
	exit 0
fi

mkdir -p "$cache"/{apt,debs,roots,bin,logs}
aptdir=$cache/apt
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
. "$(dirname "$0")/private-apt.sh"
private_apt_setup "$aptdir" \
	"deb [arch=arm64,amd64 signed-by=$keyring] $mirror trixie main" \
	"deb [arch=arm64,amd64 signed-by=$keyring] $mirror sid main"
if [ -z "$(find "$aptdir/state/lists" -name '*_sid_*Packages*' 2>/dev/null)" ]; then
	say "apt-get update (private trixie + sid configuration)"
	papt apt-get update -q >"$cache/logs/apt-update.log" 2>&1 ||
		die "private apt-get update failed, see $cache/logs/apt-update.log"
fi

make_root() { # name arch release packages tool
	local name=$1 arch=$2 rel=$3 pkgs=$4 tool=$5 dir=$cache/roots/$1 line pkg ver a deb
	[ -e "$dir/.done" ] && return 0
	say "unpacking $name ($pkgs)"
	# the closure against an empty dpkg status: every package down to libc6
	# shellcheck disable=SC2086
	papt apt-get install -s -q --no-install-recommends -t "$rel" $pkgs >"$cache/logs/$name.plan" 2>&1 ||
		die "apt cannot resolve $pkgs for $rel, see $cache/logs/$name.plan"
	rm -rf "$dir"; mkdir -p "$dir"
	local debs=() fetch=()
	while read -r line; do
		# Inst libc6:amd64 (2.43-7 Debian:unstable [amd64]) []
		pkg=$(awk '{ print $2 }' <<<"$line"); ver=$(awk '{ print substr($3, 2) }' <<<"$line")
		a=$(grep -o '\[[a-z0-9]\+\]' <<<"$line" | head -n 1 | tr -d '[]')
		pkg=${pkg%%:*}
		case $pkg in binutils*) [ "$arch" = arm64 ] && continue ;; esac
		deb=$cache/debs/${pkg}_${ver//:/%3a}_$a.deb
		debs+=("$deb")
		[ -s "$deb" ] || fetch+=("$pkg:$a=$ver")
	done < <(grep '^Inst ' "$cache/logs/$name.plan")
	# one apt call for all: apt's start-up (reading both releases' lists) is seconds each
	if [ ${#fetch[@]} -gt 0 ]; then
		(cd "$cache/debs" && papt apt-get download -q "${fetch[@]}" >"$cache/logs/$name.download" 2>&1) ||
			die "apt-get download failed, see $cache/logs/$name.download"
	fi
	for deb in "${debs[@]}"; do
		dpkg-deb -x "$deb" "$dir"
	done
	# merged /usr: the packages ship /usr/lib only; base-files' symlinks are not unpacked
	for l in lib lib64; do
		[ -e "$dir/$l" ] || [ ! -d "$dir/usr/$l" ] || ln -s "usr/$l" "$dir/$l"
	done
	ver=$(sed -n "s/^Inst ${tool}[: ].*(\([^ ]*\) .*/\1/p" "$cache/logs/$name.plan" | head -n 1)
	# "9.0.2+~16.3-1" -> "9.0.2": the upstream version crash reports
	ver=${ver#*:}; ver=${ver%-*}; ver=${ver%%+*}
	[ -n "$ver" ] || die "$name: no version of $tool in the plan"
	echo "$ver" >"$dir/VERSION"
	touch "$dir/.done"
}

for r in "${roots[@]}"; do
	IFS='|' read -r name arch rel pkgs tool <<<"$r"
	[ "$want" = all ] || [ "$want" = "$name" ] || continue
	make_root "$name" "$arch" "$rel" "$pkgs" "$tool"
done

for c in "$cache"/roots/crash-*/; do
	c=${c%/}
	[ -e "$c/.done" ] || continue
	cat >"$cache/bin/$(basename "$c")" <<WRAP
#!/bin/sh
# crash:arm64 $(cat "$c/VERSION") from $c, under qemu-user with that root's libraries.
exec qemu-aarch64-static -L "$c" "$c/usr/bin/crash" "\$@"
WRAP
	chmod +x "$cache/bin/$(basename "$c")"
done
for r in sid trixie-kdf; do
	d=$cache/roots/$r
	[ -e "$d/.done" ] || continue
	cat >"$cache/bin/run-$r" <<WRAP
#!/bin/sh
# an amd64 program with the $r root's ld.so and libraries first, then the host's
p=\$1; shift
exec "$d/lib64/ld-linux-x86-64.so.2" --library-path "$d/usr/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu" "\$p" "\$@"
WRAP
	chmod +x "$cache/bin/run-$r"
done
if [ -e "$cache/roots/sid/.done" ]; then
	cat >"$cache/bin/python-sid" <<WRAP
#!/bin/sh
# sid's python3 (drgn $(cat "$cache/roots/sid/VERSION")) through the sid root's ld.so, read only
d=$cache/roots/sid
PYTHONHOME=\$d/usr exec "\$d/lib64/ld-linux-x86-64.so.2" --library-path "\$d/usr/lib/x86_64-linux-gnu" "\$d/usr/bin/python3" "\$@"
WRAP
	chmod +x "$cache/bin/python-sid"
fi
