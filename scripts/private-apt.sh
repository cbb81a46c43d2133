# Sourced: a private apt configuration in a cache directory, so that apt can resolve and download
# another Debian release's packages while the host's /etc/apt and dpkg database stay untouched
# (scripts/tool-versions.sh, tests/vmcores/real/prepare.sh; scripts/crash-host.sh adds a deb-src
# line to the tools cache's).
#
#   private_apt_setup APTDIR 'deb [...] mirror suite main' ...
#       writes APTDIR/{apt.conf, etc/sources.list (the given lines), state/, cache/}; arm64 is the
#       native architecture, amd64 a foreign one. Dir::State::status points at an empty file: apt
#       there only downloads and plans against nothing installed, never against the host's dpkg.
#   papt COMMAND ARGS...   runs an apt command with that configuration (APT_CONFIG for it alone)
private_apt_setup() {
	private_aptdir=$1
	shift
	mkdir -p "$private_aptdir"/state/lists/partial "$private_aptdir"/cache/archives/partial \
		"$private_aptdir"/etc/preferences.d "$private_aptdir"/etc/sources.list.d
	touch "$private_aptdir/state/status"
	printf '%s\n' "$@" >"$private_aptdir/etc/sources.list"
	cat >"$private_aptdir/apt.conf" <<CONF
Dir::Etc::SourceList "$private_aptdir/etc/sources.list";
Dir::Etc::SourceParts "$private_aptdir/etc/sources.list.d";
Dir::Etc::Preferences "$private_aptdir/etc/preferences";
Dir::Etc::PreferencesParts "$private_aptdir/etc/preferences.d";
Dir::State "$private_aptdir/state";
Dir::State::status "$private_aptdir/state/status";
Dir::Cache "$private_aptdir/cache";
APT::Architecture "arm64";
APT::Architectures { "arm64"; "amd64"; };
Acquire::Languages "none";
APT::Sandbox::User "root";
CONF
}
papt() { APT_CONFIG="$private_aptdir/apt.conf" "$@"; }
