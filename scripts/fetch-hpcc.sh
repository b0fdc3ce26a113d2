#!/bin/sh
# Fetch Debian's hpcc (the HPC Challenge: HPL, DGEMM, STREAM, PTRANS, RandomAccess, FFT,
# b_eff) and what it needs at run time without installing anything here, as
# fetch-stress-ng.sh does for stress-ng: the dependency closure (Open MPI, PMIx, hwloc,
# libevent, the reference BLAS, ...) downloaded with apt-get download and unpacked; then
# only what the binary links (ld.so --list against the unpacked tree) and Open MPI's and
# PMIx's plugins whose own libraries are all there, at the paths the packages give them
# (Open MPI finds its plugins by the path it was built with). hpcc runs as a singleton
# (one process, no mpirun), for which Open MPI starts its daemon, orted: that is taken too.
#
#   $BUILD/hpcc/debs/       the downloaded .debs (~95 packages, ~70 MB)
#   $BUILD/hpcc/unpacked/   all of them unpacked (~330 MB)
#   $BUILD/hpcc/rootfs/     usr/bin/hpcc, the loader, the libraries it links, the plugins
#   $BUILD/hpcc/version     "hpcc DEBIAN-VERSION"
#
# Does nothing when version exists (rm -rf $BUILD/hpcc to fetch again). Used by
# mk/bench-app.mk for the application benchmark's image.
set -eu

BUILD=${BUILD:-build}
OUT=$BUILD/hpcc
PKG=hpcc
MULTIARCH=x86_64-linux-gnu
SCRIPTS=$(cd "$(dirname "$0")" && pwd)

[ -s "$OUT/version" ] && exit 0

say() { echo "fetch-hpcc: $*"; }
die() { echo "fetch-hpcc: $*" >&2; exit 1; }

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
rm -rf "$OUT/rootfs"
sh "$SCRIPTS/apt-unpack.sh" "$OUT" "$PKG" || die "could not fetch $PKG and what it needs"

U=$OUT/unpacked
R=$OUT/rootfs
L=usr/lib/$MULTIARCH
ldso=$U/lib/$MULTIARCH/ld-linux-x86-64.so.2
[ -x "$ldso" ] || die "no loader in the unpacked libc6"
[ -x "$U/usr/bin/hpcc" ] || die "no usr/bin/hpcc in the unpacked $PKG"
# the reference BLAS (libblas3), found through Debian's alternatives on an installed system
libpath=$U/lib/$MULTIARCH:$U/$L:$U/$L/blas

# take FILE: FILE (under $U) and every library it links into $R, at the same paths;
# fails (and takes nothing) when a library is missing
take() {
	list=$("$ldso" --library-path "$libpath" --list "$U/$1" 2>/dev/null) || return 1
	! echo "$list" | grep -q 'not found' || return 1
	mkdir -p "$R/$(dirname "$1")"
	cp -L "$U/$1" "$R/$1"
	for f in $(echo "$list" | sed -n 's/.*=> \(\/[^ ]*\) (0x.*/\1/p'); do
		case "$f" in
		"$U"/*) ;;
		*) die "$1 resolved $f outside the unpacked packages" ;;
		esac
		rel=${f#"$U"/}
		# the loader finds them all in lib/ (one directory on its path in the guest)
		mkdir -p "$R/lib/$MULTIARCH"
		cp -L "$f" "$R/lib/$MULTIARCH/$(basename "$rel")"
	done
}

mkdir -p "$R/lib64"
cp -L "$ldso" "$R/lib64/ld-linux-x86-64.so.2"
take usr/bin/hpcc || die "hpcc's libraries are not all in the packages"
take usr/bin/orted || die "orted's libraries are not all in the packages"
n=0 skipped=0
for plugin in $(cd "$U" && find "$L/openmpi" "$L/pmix2" -name '*.so' | sort); do
	if take "$plugin"; then n=$((n + 1)); else skipped=$((skipped + 1)); fi
done
# Open MPI's and PMIx's help texts and parameter files (their absence is an error message)
for d in usr/share/openmpi usr/share/pmix etc/openmpi; do
	[ ! -d "$U/$d" ] || { mkdir -p "$R/$d" && cp -a "$U/$d/." "$R/$d/"; }
done
[ ! -d "$U/$L/pmix2/share" ] || { mkdir -p "$R/$L/pmix2" && cp -a "$U/$L/pmix2/share" "$R/$L/pmix2/"; }

# shellcheck disable=SC2012 # Debian's file names are plain; the newest download wins
ver=$(dpkg-deb -f "$(ls -t "$OUT/debs/${PKG}_"*.deb | head -1)" Version)
echo "$PKG $ver" >"$OUT/version"
say "$PKG $ver, $n plugins ($skipped left out: a library they need is not in the closure):" \
	"$(du -sk "$R" | cut -f1) KiB in $R"
