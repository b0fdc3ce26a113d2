#!/bin/sh
# apt-download.sh PACKAGE DIR: fetch a Debian package with `apt-get download`
# into DIR (never installing it), running `apt-get update` once if the lists
# are missing or stale, and print the path of the .deb. Used by
# fetch-kernel.sh and fetch-xen.sh.
set -eu
pkg=$1
dir=$2
log=$dir/apt-download.log

die() {
	echo "apt-download: $*" >&2
	exit 1
}

update() {
	[ "$(id -u)" -eq 0 ] || die "the package lists are missing or stale; run as root:  apt-get update"
	apt-get update -q >"$dir/apt-update.log" 2>&1 || { cat "$dir/apt-update.log" >&2; exit 1; }
}

mkdir -p "$dir"
# as root apt-get would complain that its sandbox user cannot write here
sandbox=
[ "$(id -u)" -eq 0 ] && sandbox="-o APT::Sandbox::User=root"
# shellcheck disable=SC2086
if ! (cd "$dir" && apt-get download -q $sandbox "$pkg") >"$log" 2>&1; then
	update
	# shellcheck disable=SC2086
	(cd "$dir" && apt-get download -q $sandbox "$pkg") >"$log" 2>&1 ||
		{ cat "$log" >&2; die "could not download $pkg"; }
fi
# shellcheck disable=SC2012 # Debian's file names are plain; the newest download wins
ls -t "$dir/${pkg}_"*.deb | head -1
