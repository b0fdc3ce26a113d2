#!/bin/sh
# Fetch Debian's QEMU (qemu-system-x86, the VMM of the Linux KVM peer of the
# application benchmark, tests/bench/peer-kvm.sh) without installing anything on
# this machine: the package, the firmware it loads (qemu-system-data, seabios)
# and the shared libraries it needs are downloaded with `apt-get download` and
# unpacked with `dpkg-deb -x`; the downloaded loader then lists what the binary
# really links (scripts/copy-linked.sh), and just those files are copied into a
# small tree the KVM host's initramfs carries as it is.
#
# The libraries: qemu-system-x86's Depends and, recursively, theirs, following
# library packages only (names lib* and zlib*): Debian's shlibs dependencies name
# every library a binary links, and the other packages in the closure (tools,
# qemu-system-common, network boot ROMs) are not needed to run it.
#
#   $BUILD/kvm-host/debs/      the downloaded .debs
#   $BUILD/kvm-host/unpacked/  all of them unpacked
#   $BUILD/kvm-host/rootfs/    usr/bin/qemu-system-x86_64, lib64/ld-linux-x86-64.so.2,
#                              lib/x86_64-linux-gnu/ with each library ld.so listed,
#                              and the firmware a -kernel boot of q35 loads, where
#                              Debian's QEMU looks for it: usr/share/seabios/bios-256k.bin,
#                              usr/share/qemu/{linuxboot_dma,kvmvapic}.bin
#   $BUILD/kvm-host/version    "qemu-system-x86 DEBIAN-VERSION"
#
# Does nothing when version exists (rm -rf $BUILD/kvm-host to fetch again).
# Used by mk/bench-kvm.mk. Runs `apt-get update` (as root) only when the lists
# lack the package.
set -eu

BUILD=${BUILD:-build}
OUT=$BUILD/kvm-host
PKG=qemu-system-x86
SCRIPTS=$(cd "$(dirname "$0")" && pwd)
# the firmware q35 with -kernel reads (from qemu-system-data and seabios)
FIRMWARE="usr/share/seabios/bios-256k.bin usr/share/qemu/linuxboot_dma.bin usr/share/qemu/kvmvapic.bin"

[ -s "$OUT/version" ] && exit 0

say() { echo "fetch-kvm-host: $*"; }
die() { echo "fetch-kvm-host: $*" >&2; exit 1; }

# deps PACKAGE: the library packages PACKAGE depends on (the first of alternatives)
deps() {
	apt-cache depends --no-recommends --no-suggests --no-conflicts --no-breaks \
		--no-replaces --no-enhances "$1" 2>/dev/null |
		sed -n 's/^  |\{0,1\}Depends: \([a-z0-9][a-z0-9.+-]*\)$/\1/p' | grep -E '^(lib|zlib)' || true
}

# closure: the package, its firmware and every library package reached from it
closure() {
	seen=""
	todo=$PKG
	while [ -n "$todo" ]; do
		# shellcheck disable=SC2086 # package names: split on purpose
		set -- $todo
		p=$1
		shift
		todo=$*
		case " $seen " in *" $p "*) continue ;; esac
		seen="$seen $p"
		todo="$todo $(deps "$p" | tr '\n' ' ')"
	done
	echo "$seen qemu-system-data seabios" | tr ' ' '\n' | sed '/^$/d' | sort -u
}

mkdir -p "$OUT/debs"
OUT=$(cd "$OUT" && pwd)
if [ -z "$(deps "$PKG")" ]; then
	[ "$(id -u)" -eq 0 ] || die "the package lists lack $PKG; run as root:  apt-get update"
	say "apt-get update"
	apt-get update -q >"$OUT/apt-update.log" 2>&1 || { cat "$OUT/apt-update.log" >&2; exit 1; }
	[ -n "$(deps "$PKG")" ] || die "apt-cache knows no package $PKG"
fi
pkgs=$(closure)

rm -rf "$OUT/unpacked" "$OUT/rootfs"
for p in $pkgs; do
	# a package downloaded by an earlier, unfinished run is kept
	# shellcheck disable=SC2012 # Debian's file names are plain
	deb=$(ls -t "$OUT/debs/${p}_"*.deb 2>/dev/null | head -1)
	if [ -z "$deb" ]; then
		say "downloading $p"
		deb=$(sh "$SCRIPTS/apt-download.sh" "$p" "$OUT/debs") || die "could not download $p"
	fi
	dpkg-deb -x "$deb" "$OUT/unpacked"
done

U=$OUT/unpacked
R=$OUT/rootfs
# the binary with the libraries it links (copy-linked.sh)
n=$(sh "$SCRIPTS/copy-linked.sh" "$U" "$R" usr/bin/qemu-system-x86_64) || exit 1
# firmware, at the path Debian's QEMU searches (its firmware path is
# /usr/share/qemu:/usr/share/seabios:...)
for fw in $FIRMWARE; do
	[ -f "$U/$fw" ] || die "no firmware $fw in the unpacked packages"
	mkdir -p "$R/$(dirname "$fw")"
	cp -L "$U/$fw" "$R/$fw"
done

# shellcheck disable=SC2012 # Debian's file names are plain; the newest download wins
ver=$(dpkg-deb -f "$(ls -t "$OUT/debs/${PKG}_"*.deb | head -1)" Version)
echo "$PKG $ver" >"$OUT/version"
say "$PKG $ver with $n libraries: $(du -sk "$R" | cut -f1) KiB in $R"
