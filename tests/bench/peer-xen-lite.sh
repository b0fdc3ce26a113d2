#!/bin/bash
# The application benchmark under xen-lite (Documentation/performance.md): the common
# machine boots xen-lite (build/xen-lite.elf) with Debian's kernel as dom0 (build/dom0
# images, dom0_mem=512M, on CPU 0); dom0's init (xl_test=bench_app) creates, with
# xl-lite, a Linux HPC guest - 1 vCPU on CPU 1, 512 MiB - from KERNEL and INITRD with
# CMDLINE, waits for it to power off and destroys it.
#
#   tests/bench/peer-xen-lite.sh OUTDIR KERNEL INITRD CMDLINE
#
# The guest's kernel, image and configuration reach dom0 in a cpio archive appended to
# dom0's initramfs (OUTDIR/dom0-initrd.cpio.gz; Linux unpacks both). The guest's console
# lines are in the hypervisor's log as "(XL) [TIME] (dN bench-app) LINE": OUTDIR/guest.log
# has them without that prefix. Startup phases, from the hypervisor's timestamps, anchored
# at dom0's measure of the xl-lite create command (its end is the guest's start):
#   startup: xl-create S       the xl-lite create command (dom0's clock)
#   startup: request S         from it to the hypervisor's "created": the configuration and
#                              the image files read, then the CREATE call (the guest's
#                              memory and the image buffer allocated and zeroed)
#   startup: images S          "created" to "Linux ... at": the images copied in (LOAD),
#                              the memory not yet zeroed zeroed (PREPARE), the boot
#                              parameters built
#   startup: launch S          to "starting on CPU"
#   startup: first-output S    from the create command to the guest's first console line
#   startup: init S            to its "bench-app: init reached"
#   startup: allocate S, zero S   the hypervisor's own time allocating and zeroing the
#                              guest's memory (inside request and images)
#   startup: elf-xl-create S, elf-first-output S, elf-allocate S, elf-zero S
#                              the same for an ELF guest (hello.elf) of the same size, after
# and the footprint from the hypervisor's own accounting (xl-lite info --json), MiB:
#   footprint: hypervisor_own M     what xen-lite keeps for itself (its image, tables, heap)
#   footprint: guest_domain_takes M the free pool before the create less while it runs
# BENCH_TIMEOUT: seconds for the whole QEMU run (default 900).
PEER=peer-xen-lite
NAME=bench-app
# shellcheck source=tests/bench/peer-lib.sh
. "$(dirname "$0")/peer-lib.sh"
peer_args "$@"

HV=$BUILD/xen-lite.elf
DOM0_KERNEL=$BUILD/dom0/vmlinuz
DOM0_INITRD=$BUILD/dom0/initrd.cpio.gz
for f in "$HV" "$DOM0_KERNEL" "$DOM0_INITRD"; do
	[ -s "$f" ] || peer_fail "cannot run here: no $f (make all dom0-images)"
done
gzip -dc "$DOM0_INITRD" | grep -aq "xl_test=bench_app" ||
	peer_fail "cannot run here: $DOM0_INITRD has no xl_test=bench_app (make dom0-images)"
# it goes into the configuration file as a quoted string
case "$CMDLINE" in
*'"'*) peer_fail "the guest's command line cannot hold '\"': $CMDLINE" ;;
esac

# the guest's files, under /guests/bench-app/ in dom0
stage=$OUTDIR/dom0-extra
rm -rf "$stage"
mkdir -p "$stage/guests/$NAME"
cp "$KERNEL" "$stage/guests/$NAME/vmlinuz"
cp "$INITRD" "$stage/guests/$NAME/initrd.cpio.gz"
printf '%s\n' "name = \"$NAME\"" 'type = "linux"' "kernel = \"/guests/$NAME/vmlinuz\"" \
	"ramdisk = \"/guests/$NAME/initrd.cpio.gz\"" 'memory = 512' 'vcpus = 1' 'cpus = "1"' \
	"cmdline = \"console=ttyS0 $CMDLINE\"" 'on_poweroff = "preserve"' 'on_crash = "preserve"' \
	>"$stage/guests/$NAME/guest.cfg"
combined=$OUTDIR/dom0-initrd.cpio.gz
cp "$DOM0_INITRD" "$combined"
# Linux looks for an uncompressed archive after a compressed one only at a multiple of 4
# bytes, skipping zeros up to it
pad=$(((4 - $(stat -c %s "$combined") % 4) % 4))
head -c "$pad" /dev/zero >>"$combined"
(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >>"$combined" ||
	peer_fail "cannot append the guest's files to dom0's initramfs"

peer_run -kernel "$HV" -append "dom0_mem=512M" \
	-initrd "$DOM0_KERNEL console=ttyS0 xl_test=bench_app,$combined"

# the guest's lines: the hypervisor's prefix "(XL) [TIME] (dN NAME) " stripped
tr -d '\r' <"$OUTER" | sed -nE "s/^\(XL\) \[ *[0-9.]+\] \(d[0-9]+ $NAME\) //p" >"$GUEST"

# hv_time REGEX: the hypervisor's timestamp (seconds) of the first log line matching REGEX
hv_time() { tr -d '\r' <"$OUTER" | sed -nE "s/^\(XL\) \[ *([0-9.]+)\] .*$1.*/\1/p" | head -1; }
create_ms=$(tr -d '\r' <"$OUTER" | sed -nE "s/.*xen-lite-dom0: bench-app: created [0-9]+ in ([0-9]+) ms.*/\1/p" | head -1)
h_created=$(hv_time "dom0: domain d[0-9]+ \($NAME\) created")
h_built=$(hv_time "d[0-9]+ \($NAME\): Linux ")
h_start=$(hv_time "domain d[0-9]+ \($NAME\) starting on CPU")
h_first=$(hv_time "\(d[0-9]+ $NAME\) ")
h_init=$(hv_time "\(d[0-9]+ $NAME\) bench-app: init reached")
if [ -n "$create_ms" ] && [ -n "$h_created" ] && [ -n "$h_built" ] && [ -n "$h_start" ]; then
	awk -v c="$create_ms" -v h1="$h_created" -v h2="$h_built" -v h3="$h_start" \
		-v h4="${h_first:--1}" -v h5="${h_init:--1}" 'BEGIN {
		c /= 1000
		printf "startup: xl-create %.3f\n", c
		printf "startup: request %.3f\n", c - (h3 - h1)
		printf "startup: images %.3f\n", h2 - h1
		printf "startup: launch %.3f\n", h3 - h2
		if (h4 >= 0) printf "startup: first-output %.3f\n", c + h4 - h3
		if (h5 >= 0) printf "startup: init %.3f\n", c + h5 - h3
	}'
fi
# the hypervisor's own measure of allocating and zeroing the guest's memory (its "memory:"
# line at the start), and an ELF guest of the same size: create to its first console line
hv_us() { # NAME WHAT: the microseconds of "WHAT N us" on NAME's memory line
	tr -d '\r' <"$OUTER" | sed -nE "s/.*domain d[0-9]+ \($1\) memory: .*$2 ([0-9]+) us.*/\1/p" | head -1
}
for what in "allocating took:allocate" "zeroing:zero"; do
	us=$(hv_us "$NAME" "${what%%:*}")
	[ -z "$us" ] || awk -v us="$us" -v p="${what#*:}" 'BEGIN { printf "startup: %s %.3f\n", p, us / 1e6 }'
done
elf_ms=$(tr -d '\r' <"$OUTER" | sed -nE "s/.*xen-lite-dom0: bench-app: elf created [0-9]+ in ([0-9]+) ms.*/\1/p" | head -1)
e_start=$(hv_time "domain d[0-9]+ \(hello\) starting on CPU")
e_first=$(hv_time "\(d[0-9]+ hello\) ")
if [ -n "$elf_ms" ] && [ -n "$e_start" ] && [ -n "$e_first" ]; then
	awk -v c="$elf_ms" -v s="$e_start" -v f="$e_first" 'BEGIN {
		printf "startup: elf-xl-create %.3f\n", c / 1000
		printf "startup: elf-first-output %.3f\n", c / 1000 + f - s }'
fi
for what in "allocating took:elf-allocate" "zeroing:elf-zero"; do
	us=$(hv_us hello "${what%%:*}")
	[ -z "$us" ] || awk -v us="$us" -v p="${what#*:}" 'BEGIN { printf "startup: %s %.3f\n", p, us / 1e6 }'
done

# footprint: the hypervisor's own accounting (xl-lite info --json, bytes) before the create
# and while the guest runs: what it keeps for itself, and what the guest took from the pool
info_mib() { # WHEN FIELD: memory.FIELD of dom0's info-WHEN line, in MiB
	tr -d '\r' <"$OUTER" | sed -nE "s/.*xen-lite-dom0: bench-app: info-$1: .*\"memory\":\{.*\"$2\":([0-9]+).*/\1/p" |
		head -1 | awk '{ printf "%.1f", $1 / 1048576 }'
}
total=$(info_mib before total) own=$(info_mib before hypervisor) dom0=$(info_mib before dom0)
free0=$(info_mib before free) free1=$(info_mib running free)
[ -z "$total" ] || echo "footprint: total_memory $total MiB"
[ -z "$own" ] || echo "footprint: hypervisor_own $own MiB"
[ -z "$dom0" ] || echo "footprint: dom0_memory $dom0 MiB"
[ -z "$free0" ] || echo "footprint: free_memory $free0 MiB"
if [ -n "$free0" ] && [ -n "$free1" ]; then
	echo "footprint: free_memory_guest_running $free1 MiB"
	awk -v a="$free0" -v b="$free1" 'BEGIN { printf "footprint: guest_domain_takes %.1f MiB\n", a - b }'
fi
peer_verdict
