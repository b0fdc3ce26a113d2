#!/bin/sh
# Fetch Debian's stress-ng and the shared libraries it needs without installing
# anything on this machine: the package and its dependency closure are downloaded
# and unpacked (scripts/apt-closure.sh); the downloaded loader then lists what the binary
# really links (ld.so --list, against the unpacked libraries only), and just
# those files are copied into a small tree a guest initramfs carries as it is.
#
#   $BUILD/stress-ng/debs/      the downloaded .debs
#   $BUILD/stress-ng/unpacked/  all of them unpacked
#   $BUILD/stress-ng/rootfs/    usr/bin/stress-ng, lib64/ld-linux-x86-64.so.2 and
#                               lib/x86_64-linux-gnu/ with each library ld.so listed
#   $BUILD/stress-ng/version    "stress-ng DEBIAN-VERSION"
#
# Does nothing when version exists (rm -rf $BUILD/stress-ng to fetch again).
# Used by mk/workload.mk for the workload guest's initramfs (tests/qemu/t-workload.sh,
# make soak). Runs `apt-get update` (as root) only when the lists lack the package.
set -eu

BUILD=${BUILD:-build}
OUT=$BUILD/stress-ng
PKG=stress-ng
MULTIARCH=x86_64-linux-gnu
SCRIPTS=$(cd "$(dirname "$0")" && pwd)

[ -s "$OUT/version" ] && exit 0

say() { echo "fetch-stress-ng: $*"; }
die() { echo "fetch-stress-ng: $*" >&2; exit 1; }

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
rm -rf "$OUT/rootfs"
sh "$SCRIPTS/apt-closure.sh" "$PKG" "$OUT" || die "could not fetch $PKG and what it needs"

U=$OUT/unpacked
ldso=$U/lib/$MULTIARCH/ld-linux-x86-64.so.2
[ -x "$ldso" ] || die "no loader in the unpacked libc6 ($ldso)"
[ -x "$U/usr/bin/stress-ng" ] || die "no usr/bin/stress-ng in the unpacked $PKG"
libpath=$U/lib/$MULTIARCH:$U/usr/lib/$MULTIARCH

# what the binary links, resolved in the unpacked tree only (any "not found" is fatal)
list=$("$ldso" --library-path "$libpath" --list "$U/usr/bin/stress-ng") ||
	die "ld.so --list failed on stress-ng"
if echo "$list" | grep -q 'not found'; then
	echo "$list" >&2
	die "libraries missing from the downloaded packages"
fi

R=$OUT/rootfs
mkdir -p "$R/usr/bin" "$R/lib64" "$R/lib/$MULTIARCH"
cp "$U/usr/bin/stress-ng" "$R/usr/bin/stress-ng"
cp -L "$ldso" "$R/lib64/ld-linux-x86-64.so.2"
n=0
for f in $(echo "$list" | sed -n 's/.*=> \(\/[^ ]*\) (0x.*/\1/p'); do
	case "$f" in
	"$U"/*) ;;
	*) die "stress-ng resolved $f outside the unpacked packages" ;;
	esac
	cp -L "$f" "$R/lib/$MULTIARCH/$(basename "$f")"
	n=$((n + 1))
done
# the binary runs with the copied loader and libraries alone
"$R/lib64/ld-linux-x86-64.so.2" --library-path "$R/lib/$MULTIARCH" "$R/usr/bin/stress-ng" --version \
	>/dev/null || die "the copied stress-ng does not run"

# shellcheck disable=SC2012 # Debian's file names are plain; the newest download wins
ver=$(dpkg-deb -f "$(ls -t "$OUT/debs/${PKG}_"*.deb | head -1)" Version)
echo "$PKG $ver" >"$OUT/version"
say "$PKG $ver with $n libraries: $(du -sk "$R" | cut -f1) KiB in $R"
