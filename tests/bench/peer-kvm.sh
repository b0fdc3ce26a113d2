#!/bin/bash
# The Linux KVM peer of the application benchmark (issue 16,
# tests/bench/bench-app.sh calls it):
#
#   tests/bench/peer-kvm.sh OUTDIR KERNEL INITRD CMDLINE
#
# The common machine (QEMU TCG, q35, -cpu EPYC,+svm,+npt,-monitor,-rdtscp,-smap,
# 2 CPUs, 2 GiB) boots Debian's kernel (build/dom0/vmlinuz) natively as a KVM
# host, with isolcpus=1 nohz_full=1 rcu_nocbs=1, from the initramfs `make
# kvm-peer-images` builds (build/bench-kvm/host-initrd.cpio.gz: busybox,
# tests/bench/kvm-host/init, Debian's kvm/kvm_amd modules and Debian's
# qemu-system-x86_64 7.2 with its libraries, unpacked, never installed). This
# script appends a second archive holding the guest: KERNEL, INITRD and CMDLINE
# under /kvm-guest/ (Linux unpacks concatenated cpio archives as one initramfs).
# The host's init loads kvm_amd and starts the guest with
#   qemu-system-x86_64 -machine q35 -enable-kvm -cpu host -smp 1 -m 512
#     -kernel KERNEL -initrd INITRD -append "console=ttyS0 CMDLINE"
# paused on CPU 0, moves its vCPU thread to CPU 1 (which the host keeps for it)
# and starts it; it relays the guest's serial console onto its own, each line
# prefixed "kvm-guest: ", and measures with its clock (/proc/uptime, 10 ms steps)
# from QEMU's start:
#   startup: vmm-ready S     QEMU has built the machine (paused, before the pin)
#   startup: first-output S  the guest's first console line
#   startup: init S          its line "bench-app: init reached"
# Writes OUTDIR/guest.log (the guest's console, \r stripped), OUTDIR/outer.log
# (the outer machine's serial log) and OUTDIR/initrd.cpio.gz (the host's
# initramfs with the guest appended). Exit 0 when the guest printed
# "bench-app: done" and powered off (QEMU exit 0); otherwise non-zero with a
# one-line reason on stderr ("cannot run here: WHY" if KVM cannot run).
#
# Under TCG the guest is an L2 guest: each of its exits is emulated by QEMU TCG
# as a #VMEXIT to the host's KVM (nested SVM with NPT walked in software), and
# its console costs an exit per byte through the host's QEMU. No timed
# assertions: figures only.
#
#   BENCH_TIMEOUT=S   limit for the whole outer QEMU run in seconds (default 900)
#   BUILD=DIR         build directory (default build)
set -u
PEER=peer-kvm
# the arguments, the common machine's CPU model, LIMIT (BENCH_TIMEOUT)
# shellcheck source=tests/bench/peer-lib.sh
. "$(dirname "$0")/peer-lib.sh"
peer_args "$@"
HOST_KERNEL=$BUILD/dom0/vmlinuz
HOST_INITRD=$BUILD/bench-kvm/host-initrd.cpio.gz
CPU=$PEER_CPU
HOST_APPEND="console=ttyS0 quiet isolcpus=1 nohz_full=1 rcu_nocbs=1"

fail() { peer_fail "$@"; }

for f in "$HOST_KERNEL" "$HOST_INITRD"; do
	[ -s "$f" ] || fail "no $f (make kvm-peer-images)"
done
OUTER_LOG=$OUTDIR/outer.log
GUEST_LOG=$OUTDIR/guest.log
rm -f "$OUTER_LOG" "$GUEST_LOG"

# the guest as a second archive after the host's: /kvm-guest/{vmlinuz,initrd,cmdline};
# gzip-compressed, so that it starts where the kernel looks for the next archive
stage=$OUTDIR/kvm-guest-root
rm -rf "$stage"
mkdir -p "$stage/kvm-guest"
if ! cp "$KERNEL" "$stage/kvm-guest/vmlinuz" || ! cp "$INITRD" "$stage/kvm-guest/initrd"; then
	fail "cannot copy the guest's files"
fi
printf '%s\n' "$CMDLINE" >"$stage/kvm-guest/cmdline"
{
	cat "$HOST_INITRD"
	(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | gzip -1 -n
} >"$OUTDIR/initrd.cpio.gz" || fail "cannot build the host's initramfs"
rm -rf "$stage"

timeout -k 5 "$LIMIT" qemu-system-x86_64 -machine q35 -accel tcg -cpu "$CPU" -smp 2 -m 2G \
	-display none -monitor none -no-reboot -net none -serial file:"$OUTER_LOG" \
	-kernel "$HOST_KERNEL" -initrd "$OUTDIR/initrd.cpio.gz" -append "$HOST_APPEND" \
	</dev/null 2>"$OUTDIR/qemu.stderr"
rc=$?

tr -d '\r' <"$OUTER_LOG" | sed -n 's/^kvm-guest: //p' >"$GUEST_LOG"
# host_lines WORDS: the rest of each line "kvm-host: WORDS REST" of the outer log
host_lines() { tr -d '\r' <"$OUTER_LOG" | grep -a "^kvm-host: $1 " | cut -d' ' -f"$(($(echo "$1" | wc -w) + 2))-"; }
host_lines startup | sed -n 's/^\([a-z-]*\) \([0-9.]*\)$/startup: \1 \2/p'

why=$(host_lines "cannot run here:" | head -1)
[ -z "$why" ] || { echo "cannot run here: $why" >&2; exit 1; }
case "$rc" in 124 | 137) fail "no end within ${LIMIT}s (log: $OUTER_LOG)" ;; esac
[ "$rc" -eq 0 ] || fail "the outer QEMU failed with status $rc ($OUTDIR/qemu.stderr)"
grep -qF "bench-app: done" "$GUEST_LOG" || fail "the guest never printed 'bench-app: done' (log: $OUTER_LOG)"
qrc=$(host_lines "qemu exit" | tail -1)
[ "$qrc" = 0 ] || fail "the host's QEMU ended with status ${qrc:-unknown} (log: $OUTER_LOG)"
exit 0
