#!/bin/sh
# Make sure the headers of the dom0 kernel (scripts/fetch-kernel.sh wrote its
# release to $BUILD/dom0/kernel-version) are installed, for building
# pv-drivers/xenlite/xenlite.ko: Debian's linux-headers-VERSION, which brings
# /usr/src/linux-headers-VERSION with its kbuild. Installs it as root (like
# scripts/deps.sh); otherwise prints the exact command and fails.
# Prints the headers directory on stdout. Called by mk/dom0.mk.
set -eu

BUILD=${BUILD:-build}
OUT=$BUILD/dom0

die() { echo "kernel-headers: $*" >&2; exit 1; }

[ -s "$OUT/kernel-version" ] || die "no $OUT/kernel-version: run scripts/fetch-kernel.sh first"
ver=$(cat "$OUT/kernel-version")
pkg=linux-headers-$ver
dir=/usr/src/$pkg

installed() {
	[ -f "$dir/Makefile" ] && [ -d "$dir/scripts" ] &&
		dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"
}

if ! installed; then
	if [ "$(id -u)" -ne 0 ]; then
		die "the dom0 kernel's headers are missing; run as root:  apt-get update && apt-get install -y --no-install-recommends $pkg"
	fi
	echo "kernel-headers: installing $pkg" >&2
	export DEBIAN_FRONTEND=noninteractive
	mkdir -p "$OUT"
	if ! apt-get install -y -q --no-install-recommends "$pkg" >"$OUT/apt-headers.log" 2>&1; then
		apt-get update -q >>"$OUT/apt-headers.log" 2>&1 || true
		apt-get install -y -q --no-install-recommends "$pkg" >>"$OUT/apt-headers.log" 2>&1 ||
			{ tail -20 "$OUT/apt-headers.log" >&2
			  die "could not install $pkg (if Debian has moved to a newer kernel: rm -rf $OUT to fetch it and its headers)"; }
	fi
	installed || die "$pkg installed but $dir is incomplete"
fi
echo "$dir"
