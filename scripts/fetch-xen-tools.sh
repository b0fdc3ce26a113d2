#!/bin/sh
# Fetch Debian's Xen 4.17 tool stack (xl, xenstored, xenconsoled, the
# xenstore-* utilities) and the shared libraries they need, without installing
# anything on this machine: xen-utils-4.17, xenstore-utils and the libraries of
# their dependency closure (scripts/apt-closure.sh; only
# lib* packages, the interpreters the packaging scripts use are left out) are
# downloaded with `apt-get download` and unpacked with `dpkg-deb -x`; the
# downloaded loader then lists what each program really links (ld.so --list,
# against the unpacked libraries only), and just those files are copied into a
# small tree the stock-Xen peer's dom0 initramfs carries as it is
# (tests/bench/peer-xen.sh, mk/bench-xen-peer.mk).
#
#   $BUILD/xen-tools/debs/      the downloaded .debs
#   $BUILD/xen-tools/unpacked/  all of them unpacked
#   $BUILD/xen-tools/rootfs/    usr/lib/xen-4.17/bin/{xl,xenstored,xenconsoled,xen-init-dom0},
#                               usr/bin/xenstore-{read,write,ls,...},
#                               lib64/ld-linux-x86-64.so.2 and
#                               usr/lib/x86_64-linux-gnu/ with each library ld.so listed
#   $BUILD/xen-tools/version    "xen-utils-4.17 DEBIAN-VERSION"
#
# Does nothing when version exists (rm -rf $BUILD/xen-tools to fetch again).
# Runs `apt-get update` (as root) only when the lists lack the packages.
set -eu

BUILD=${BUILD:-build}
OUT=$BUILD/xen-tools
PKGS="xen-utils-4.17 xenstore-utils"
MULTIARCH=x86_64-linux-gnu
XENBIN=usr/lib/xen-4.17/bin
# what the dom0 init runs: the tool stack's programs (Debian's /usr/sbin/xl is
# a wrapper script that picks the version's directory; the programs are here)
PROGRAMS="$XENBIN/xl $XENBIN/xenstored $XENBIN/xenconsoled $XENBIN/xen-init-dom0 usr/bin/xenstore"
STORE_TOOLS="xenstore-read xenstore-write xenstore-ls xenstore-list xenstore-rm xenstore-exists"
SCRIPTS=$(cd "$(dirname "$0")" && pwd)

[ -s "$OUT/version" ] && exit 0

say() { echo "fetch-xen-tools: $*"; }
die() { echo "fetch-xen-tools: $*" >&2; exit 1; }

mkdir -p "$OUT/debs"
OUT=$(cd "$OUT" && pwd)
# the packages and the libraries they need, by name; the closure also names
# perl, python and udev (for Debian's init scripts), which dom0 does not run
# shellcheck disable=SC2086 # two package names
pkgs=$(sh "$SCRIPTS/apt-closure.sh" "$OUT" $PKGS) || exit 1
pkgs=$(echo "$pkgs" | grep -E '^(xen|lib|zlib1g$)' | grep -vE '^lib(perl|python)')

rm -rf "$OUT/unpacked" "$OUT/rootfs"
say "downloading $(echo "$pkgs" | wc -w) packages"
for p in $pkgs; do
	# a .deb kept from an earlier, unfinished run is used again
	# shellcheck disable=SC2012 # Debian's file names are plain; the newest wins
	deb=$(ls -t "$OUT/debs/${p}_"*.deb 2>/dev/null | head -1)
	[ -n "$deb" ] || deb=$(sh "$SCRIPTS/apt-download.sh" "$p" "$OUT/debs") ||
		die "could not download $p"
	dpkg-deb -x "$deb" "$OUT/unpacked"
done

U=$OUT/unpacked
R=$OUT/rootfs
ldso=$U/lib/$MULTIARCH/ld-linux-x86-64.so.2
[ -x "$ldso" ] || die "no loader in the unpacked libc6 ($ldso)"
libpath=$U/lib/$MULTIARCH:$U/usr/lib/$MULTIARCH
mkdir -p "$R/lib64" "$R/usr/lib/$MULTIARCH" "$R/$XENBIN" "$R/usr/bin"
cp -L "$ldso" "$R/lib64/ld-linux-x86-64.so.2"

n=0
for prog in $PROGRAMS; do
	[ -x "$U/$prog" ] || die "no $prog in the unpacked packages"
	cp "$U/$prog" "$R/$prog"
	# what it links, resolved in the unpacked tree only (any "not found" is fatal)
	list=$("$ldso" --library-path "$libpath" --list "$U/$prog") || die "ld.so --list failed on $prog"
	if echo "$list" | grep -q 'not found'; then
		echo "$list" >&2
		die "libraries of $prog missing from the downloaded packages"
	fi
	for f in $(echo "$list" | sed -n 's/.*=> \(\/[^ ]*\) (0x.*/\1/p'); do
		case "$f" in
		*/ld-linux-x86-64.so.2) continue ;;
		"$U"/*) ;;
		*) die "$prog resolved $f outside the unpacked packages" ;;
		esac
		lib=$R/usr/lib/$MULTIARCH/$(basename "$f")
		[ -e "$lib" ] && continue
		cp -L "$f" "$lib"
		n=$((n + 1))
	done
done
# glibc loads this one at run time (pthread_cancel: xl aborts at its exit without it)
gcc_s=$U/lib/$MULTIARCH/libgcc_s.so.1
[ -f "$gcc_s" ] || die "no libgcc_s.so.1 in the unpacked libgcc-s1"
cp -L "$gcc_s" "$R/usr/lib/$MULTIARCH/libgcc_s.so.1"
n=$((n + 1))
# the xenstore-* utilities are one program that acts on its name
for t in $STORE_TOOLS; do
	ln -sf xenstore "$R/usr/bin/$t"
done
# xl reads its defaults here (absent is fine, but the packaged one documents them)
if [ -f "$U/etc/xen/xl.conf" ]; then
	mkdir -p "$R/etc/xen"
	cp "$U/etc/xen/xl.conf" "$R/etc/xen/xl.conf"
fi
# the programs load with the copied loader and libraries alone (they cannot
# run here: they need Xen)
for prog in $PROGRAMS; do
	if "$R/lib64/ld-linux-x86-64.so.2" --library-path "$R/usr/lib/$MULTIARCH" --list "$R/$prog" |
		grep -q 'not found'; then
		die "the copied $prog lacks a library"
	fi
done

# shellcheck disable=SC2012 # Debian's file names are plain; the newest download wins
ver=$(dpkg-deb -f "$(ls -t "$OUT"/debs/xen-utils-4.17_*.deb | head -1)" Version)
echo "xen-utils-4.17 $ver" >"$OUT/version"
say "xen-utils-4.17 $ver with $n libraries: $(du -sk "$R" | cut -f1) KiB in $R"
