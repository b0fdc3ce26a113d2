#!/bin/sh
# QEMU's multiboot1 loader (a.out kludge) copies the file as one blob, so every
# PT_LOAD segment must sit in the file exactly where it sits in physical memory.
set -e
img=$1
delta=
n=0
for seg in $(readelf -lW "$img" | awk '$1 == "LOAD" { print $2 ":" $4 }'); do
	off=$((${seg%%:*}))
	pa=$((${seg##*:}))
	if [ -z "$delta" ]; then
		delta=$((pa - off))
	elif [ $((pa - off)) -ne "$delta" ]; then
		echo "check-image: $img: PT_LOAD segments are not contiguous in the file" >&2
		exit 1
	fi
	n=$((n + 1))
done
if [ "$n" -eq 0 ]; then
	echo "check-image: $img: no PT_LOAD segments" >&2
	exit 1
fi
