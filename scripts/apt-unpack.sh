#!/bin/sh
# apt-unpack.sh DIR PACKAGE: Debian's PACKAGE and every package it needs (apt-closure.sh)
# downloaded into DIR/debs (apt-download.sh) and unpacked afresh into DIR/unpacked
# (dpkg-deb -x), never installed. Used by fetch-stress-ng.sh and fetch-hpcc.sh, which then
# take what their program really links from DIR/unpacked.
set -eu
dir=$1
pkg=$2
scripts=$(cd "$(dirname "$0")" && pwd)

die() { echo "apt-unpack: $*" >&2; exit 1; }

mkdir -p "$dir/debs"
pkgs=$(sh "$scripts/apt-closure.sh" "$dir" "$pkg") || exit 1
rm -rf "$dir/unpacked"
echo "apt-unpack: $pkg: downloading $(echo "$pkgs" | wc -w) packages"
for p in $pkgs; do
	deb=$(sh "$scripts/apt-download.sh" "$p" "$dir/debs") || die "could not download $p"
	dpkg-deb -x "$deb" "$dir/unpacked"
done
