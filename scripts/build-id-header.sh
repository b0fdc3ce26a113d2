#!/bin/sh
# The hypervisor image's GNU build id as a C initializer, for the behaviour
# modules built with it (include/xen-lite/module.h, XL_MODULE). The linker
# script keeps the note inside .rodata at __build_id_note (a 16-byte note
# header, then the 20-byte id), so it is read from there.
set -e
img=$1
note=$(nm "$img" | awk '$3 == "__build_id_note" { print $1 }')
set -- $(readelf -SW "$img" | awk '{ for (i = 1; i < NF; i++) if ($i == ".rodata") print $(i + 2), $(i + 3) }')
if [ -z "$note" ] || [ -z "$1" ]; then
	echo "build-id-header: $img has no __build_id_note in .rodata" >&2
	exit 1
fi
off=$((0x${note#????????} - 0x${1#????????} + 0x$2 + 16)) # the image lies in the top 2 GiB: the low 32 bits differ only
id=$(od -An -tx1 -j "$off" -N 20 "$img" | tr -d ' \n')
head=$(od -An -tx1 -j $((off - 4)) -N 4 "$img" | tr -d ' \n')
if [ "$head" != "474e5500" ] || [ ${#id} -ne 40 ]; then
	echo "build-id-header: $img: no GNU build id at __build_id_note" >&2
	exit 1
fi
bytes=$(echo "$id" | sed 's/../0x&, /g; s/, $//')
printf '/* generated from %s by scripts/build-id-header.sh */\n#define XL_BUILD_ID_BYTES { %s }\n' "$img" "$bytes"
