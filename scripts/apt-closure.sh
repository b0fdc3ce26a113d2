#!/bin/sh
# apt-closure.sh PACKAGE OUT: download Debian's PACKAGE and every package it needs (apt-cache
# depends --recurse, no recommends) into OUT/debs with apt-download.sh, never installing
# them, and unpack them all afresh into OUT/unpacked (dpkg-deb -x). Runs `apt-get update`
# (as root) only when the lists lack the package. Used by fetch-stress-ng.sh and
# fetch-hpcc.sh, which then pick what their binary really needs from OUT/unpacked.
set -eu
pkg=$1
out=$2
scripts=$(cd "$(dirname "$0")" && pwd)

die() { echo "apt-closure: $*" >&2; exit 1; }

# the package and every package it needs, by name (virtual packages have none)
closure() {
	apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
		--no-replaces --no-enhances "$pkg" 2>/dev/null | grep -E '^[a-z0-9][a-z0-9.+-]*$' | sort -u
}

mkdir -p "$out/debs"
pkgs=$(closure)
if [ -z "$pkgs" ]; then
	[ "$(id -u)" -eq 0 ] || die "the package lists lack $pkg; run as root:  apt-get update"
	echo "apt-closure: apt-get update"
	apt-get update -q >"$out/apt-update.log" 2>&1 || { cat "$out/apt-update.log" >&2; exit 1; }
	pkgs=$(closure)
	[ -n "$pkgs" ] || die "apt-cache knows no package $pkg"
fi

rm -rf "$out/unpacked"
echo "apt-closure: $pkg: $(echo "$pkgs" | wc -l) package(s)"
for p in $pkgs; do
	deb=$(sh "$scripts/apt-download.sh" "$p" "$out/debs") || die "could not download $p"
	dpkg-deb -x "$deb" "$out/unpacked"
done
