#!/bin/bash
# The stock Xen 4.17 peer of the application benchmark (issue 16;
# ../../notes is not part of the tree: the interface is "peer scripts" of
# Documentation/performance.md):
#
#   tests/bench/peer-xen.sh OUTDIR KERNEL INITRD CMDLINE
#
# boots the common machine (QEMU TCG, q35, -cpu EPYC,+svm,+npt,-monitor,-rdtscp,-smap,
# 2 CPUs, 2 GiB) from a GRUB ISO into Debian's Xen 4.17 (build/xen/xen.gz,
# scripts/fetch-xen.sh) with Debian's kernel as dom0 (one vCPU pinned to CPU 0,
# dom0_mem=512M) and, in dom0's initramfs (`make xen-peer-images`,
# mk/bench-xen-peer.mk), busybox, Debian's xl, xenstored and xenconsoled
# (scripts/fetch-xen-tools.sh) and the guest. dom0's init (tests/bench/xen-dom0/init)
# starts xenstored and xenconsoled and `xl create`s one PVH domU: 1 vCPU on CPU 1,
# 512 MiB, KERNEL + INITRD with "CMDLINE console=hvc0"; it copies the guest's
# console (xenconsoled's log) to its own, which Xen writes to the serial line,
# waits for the domain to go (the guest powers itself off), prints xl's timings
# and `xl info`, and powers the machine off.
#
# Writes OUTDIR/outer.log (the whole serial log), OUTDIR/guest.log (the guest's
# console, "\r" stripped) and OUTDIR/xl-create.log (xl -vvv create's log, each line
# with its time since the create started), and prints, measured inside dom0 from the
# start of `xl create` (dom0's clock, 10 ms steps):
#   startup: domain-created S   xl's log names the new domain (XEN_DOMCTL_createdomain done)
#   startup: image-loaded S     libxenguest has the kernel and initramfs in the guest's memory
#   startup: create-returned S  `xl create` returned: the domain built and unpaused
#   startup: first-output S     the guest's first console line reached dom0
#   startup: init S             its line "bench-app: init reached"
#   startup: done S             its line "bench-app: done"
#   startup: domain-gone S      the domain is no longer listed (it powered off)
#   footprint: NAME VALUE       `xl info`'s memory figures (MiB) after the guest ended
#                               and while it ran, `xl list`'s, Xen's version, and from them
#                               xen_own (total - free - dom0) and guest_domain_takes
#                               (free memory after the guest less while it ran)
# Exit status 0 when the guest printed "bench-app: done" and its domain ended;
# otherwise 1 and one line on stderr ("cannot run here: WHY" when this machine
# cannot run the peer at all). QEMU is not locked here: run the script under
# `flock /tmp/qemu.lock` (make bench runs one QEMU at a time).
#
# What works under TCG (QEMU 7.2) and why the machine differs from the native one:
# -monitor,-rdtscp,-smap as for tests/bench/bench-linux-boot.sh (MWAIT #GP, RDTSCP exit
# decoding, SMAP in PV bounce frames). dom0 runs PV by default: a PV dom0 needs no
# IOMMU, and the PVH domU runs under Xen's SVM with nested paging whatever dom0 is.
# XEN_PEER_DOM0=pvh gives a PVH dom0 (with -device amd-iommu, which Xen requires for it).
#
#   BENCH_TIMEOUT=S      limit for the whole QEMU run (default 900)
#   XEN_PEER_DOM0=pv|pvh dom0's mode (default pv)
set -u
PEER=peer-xen
# the arguments (relative to the caller's directory or not), the common machine's CPU
# model, LIMIT (BENCH_TIMEOUT)
# shellcheck source=tests/bench/peer-lib.sh
. "$(dirname "$0")/peer-lib.sh"
peer_args "$@"
DOM0=${XEN_PEER_DOM0:-pv}
PEER_DIR=$BUILD/xen-peer
CPU=$PEER_CPU

die() { peer_fail "$@"; }

for f in "$PEER_DIR/dom0-initrd.cpio.gz" "$PEER_DIR/iso-tree/boot/grub/grub.cfg"; do
	[ -s "$f" ] || die "no $f (make xen-peer-images)"
done
case "$CMDLINE" in
*'"'* | *\\* | *$'\n'*) die "the guest command line cannot carry '\"', '\\' or a newline (xl's configuration string)" ;;
esac
case "$DOM0" in
pv | pvh) ;;
*) die "XEN_PEER_DOM0 is pv or pvh, not $DOM0" ;;
esac
command -v grub-mkrescue >/dev/null || die "no grub-mkrescue (scripts/deps.sh)"

mkdir -p "$OUTDIR" || die "cannot create $OUTDIR"
OUTDIR=$(cd "$OUTDIR" && pwd)
rm -f "$OUTDIR/outer.log" "$OUTDIR/guest.log" "$OUTDIR/xl-create.log"

# the guest goes into dom0's initramfs as a first, uncompressed archive (the images
# are compressed already) in front of the compressed one, the layout early
# microcode uses (the kernel unpacks concatenated archives in turn; an
# uncompressed one after a compressed one it rejects): /guest/{vmlinuz,initrd,domu.cfg}
stage=$OUTDIR/xen-guest-root
rm -rf "$stage" "$OUTDIR/iso.d"
mkdir -p "$stage/guest" "$OUTDIR/iso.d/boot"
cp "$KERNEL" "$stage/guest/vmlinuz"
cp "$INITRD" "$stage/guest/initrd"
cat >"$stage/guest/domu.cfg" <<EOF
name = "bench"
type = "pvh"
vcpus = 1
cpus = "1"
memory = 512
kernel = "/guest/vmlinuz"
ramdisk = "/guest/initrd"
cmdline = "$CMDLINE console=hvc0"
on_poweroff = "destroy"
on_reboot = "destroy"
on_crash = "destroy"
EOF
cp -r "$PEER_DIR/iso-tree/." "$OUTDIR/iso.d/"
{
	(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet)
	cat "$PEER_DIR/dom0-initrd.cpio.gz"
} >"$OUTDIR/iso.d/boot/initrd.img" || die "cannot build dom0's initramfs"
iso=$OUTDIR/xen-peer.iso
grub-mkrescue -o "$iso" "$OUTDIR/iso.d" >"$OUTDIR/grub-mkrescue.log" 2>&1 ||
	die "grub-mkrescue failed ($OUTDIR/grub-mkrescue.log)"
rm -rf "$stage" "$OUTDIR/iso.d"

# dom0 gives up on the guest a minute before QEMU is stopped, to report why
inner=$((LIMIT > 120 ? LIMIT - 60 : LIMIT / 2))
set -- -cdrom "$iso" -smbios "type=1,product=xen-peer-$DOM0,family=xen_peer_timeout=$inner"
[ "$DOM0" = pvh ] && set -- "$@" -device amd-iommu
log=$OUTDIR/outer.log
timeout -k 5 "$LIMIT" qemu-system-x86_64 -machine q35 -accel tcg -cpu "$CPU" -smp 2 -m 2G \
	-display none -monitor none -no-reboot -net none -serial file:"$log" "$@" \
	</dev/null 2>"$OUTDIR/qemu.stderr"
rc=$?
rm -f "$iso"

# the lines dom0's init wrote, without the serial line's carriage returns; a
# line of Xen's own may have been cut into one of them, so take what follows
# the prefix
lines() { tr -d '\r' <"$log" | grep -a "$1" | sed "s/.*$1//"; }
lines 'guest| ' >"$OUTDIR/guest.log"
lines 'xl| ' >"$OUTDIR/xl-create.log"

lines 'xen-peer: startup: ' | sed 's/^/startup: /'
lines 'xl-info| ' | awk -F' *: *' '
	$1 ~ /^(total_memory|free_memory|sharing_freed_memory|sharing_used_memory|outstanding_claims)$/ {
		print "footprint: " $1 " " $2 " MiB" }
	$1 == "xen_version" { print "footprint: xen_version " $2 }
	$1 == "nr_cpus" { print "footprint: nr_cpus " $2 }'
lines 'xl-list| ' | awk '$1 == "Domain-0" || $1 == "bench" { print "footprint: " $1 "_memory " $3 " MiB" }'
# what Xen keeps for itself (total less free less dom0, the guest gone) and what the
# guest's domain took from the free pool (its memory and Xen's structures for it)
{
	lines 'xl-info| ' | sed 's/^/after /'
	lines 'xl-info-running| ' | sed 's/^/running /'
	lines 'xl-list| ' | sed 's/^/list /'
} | awk -F' *: *| +' '
	$1 == "after" && $2 == "total_memory" { total = $3 }
	$1 == "after" && $2 == "free_memory" { free = $3 }
	$1 == "running" && $2 == "free_memory" { running = $3 }
	$1 == "list" && $2 == "Domain-0" { dom0 = $4 }
	END {
		if (total != "" && free != "" && dom0 != "")
			print "footprint: xen_own " total - free - dom0 " MiB"
		if (running != "")
			print "footprint: free_memory_guest_running " running " MiB"
		if (running != "" && free != "")
			print "footprint: guest_domain_takes " free - running " MiB"
	}'

err=$(lines 'xen-peer: error: ' | head -1)
# a PVH guest needs Xen's HVM support (SVM with nested paging here): without it,
# say so rather than that the create failed
caps=$(lines 'xl-info| ' | sed -n 's/^virt_caps *: *//p' | head -1)
if [ -n "$caps" ] && ! echo "$caps" | grep -qw hvm; then
	die "cannot run here: Xen offers no HVM guests on this CPU (virt_caps: $caps), and a PVH domU is one"
fi
if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
	die "QEMU stopped after ${LIMIT}s${err:+ ($err)} (log: $log)"
fi
[ -z "$err" ] || die "$err (log: $log)"
grep -aq 'xen-peer: init reached' "$log" || die "dom0 never reached its init (log: $log)"
grep -aq 'bench-app: done' "$OUTDIR/guest.log" || die "the guest did not print 'bench-app: done' (log: $log)"
grep -aq 'xen-peer: startup: domain-gone' "$log" || die "the guest's domain did not end (log: $log)"
exit 0
