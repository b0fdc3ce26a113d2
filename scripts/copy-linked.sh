#!/bin/sh
# copy-linked.sh UNPACKED ROOT BIN: copy the program UNPACKED/BIN (e.g.
# usr/bin/stress-ng), unpacked from Debian packages with dpkg-deb -x, into the tree
# ROOT with just the shared libraries it links: the unpacked loader lists them
# (ld.so --list, against the unpacked libraries only; any "not found" is fatal),
# they go to ROOT/lib/x86_64-linux-gnu/ and the loader to ROOT/lib64/, so that an
# initramfs can carry ROOT as it is. Checks that the copy runs (BIN --version) and
# prints the number of libraries. Used by scripts/fetch-stress-ng.sh and
# scripts/fetch-kvm-host.sh.
set -eu
U=$1
R=$2
BIN=$3
MULTIARCH=x86_64-linux-gnu

die() { echo "copy-linked: $*" >&2; exit 1; }

ldso=$U/lib/$MULTIARCH/ld-linux-x86-64.so.2
[ -x "$ldso" ] || die "no loader in the unpacked libc6 ($ldso)"
[ -x "$U/$BIN" ] || die "no $BIN in $U"
libpath=$U/lib/$MULTIARCH:$U/usr/lib/$MULTIARCH

list=$("$ldso" --library-path "$libpath" --list "$U/$BIN") || die "ld.so --list failed on $BIN"
if echo "$list" | grep -q 'not found'; then
	echo "$list" >&2
	die "libraries of $BIN missing from the downloaded packages"
fi

mkdir -p "$R/$(dirname "$BIN")" "$R/lib64" "$R/lib/$MULTIARCH"
cp "$U/$BIN" "$R/$BIN"
cp -L "$ldso" "$R/lib64/ld-linux-x86-64.so.2"
n=0
for f in $(echo "$list" | sed -n 's/.*=> \(\/[^ ]*\) (0x.*/\1/p'); do
	case "$f" in
	"$U"/*) ;;
	*) die "$BIN resolved $f outside the unpacked packages" ;;
	esac
	cp -L "$f" "$R/lib/$MULTIARCH/$(basename "$f")"
	n=$((n + 1))
done
# the program runs with the copied loader and libraries alone
"$R/lib64/ld-linux-x86-64.so.2" --library-path "$R/lib/$MULTIARCH" "$R/$BIN" --version \
	>/dev/null || die "the copied $BIN does not run"
echo "$n"
