#!/bin/sh
# apt-closure.sh DIR PACKAGE...: print the PACKAGEs and every package they need, one
# name a line (apt-cache depends --recurse: Depends and Pre-Depends only; virtual
# packages, which have no files, left out), for the fetch scripts that unpack a
# program with its libraries (apt-unpack.sh, fetch-xen-tools.sh). Runs
# `apt-get update` (as root, its log in DIR) once when the lists lack the packages.
set -eu
dir=$1
shift

die() { echo "apt-closure: $*" >&2; exit 1; }

closure() {
	apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
		--no-replaces --no-enhances "$@" 2>/dev/null | grep -E '^[a-z0-9][a-z0-9.+-]*$' | sort -u
}

pkgs=$(closure "$@")
if [ -z "$pkgs" ]; then
	[ "$(id -u)" -eq 0 ] || die "the package lists lack $*; run as root:  apt-get update"
	echo "apt-closure: apt-get update" >&2
	mkdir -p "$dir"
	apt-get update -q >"$dir/apt-update.log" 2>&1 || { cat "$dir/apt-update.log" >&2; exit 1; }
	pkgs=$(closure "$@")
	[ -n "$pkgs" ] || die "apt-cache knows no package $*"
fi
echo "$pkgs"
