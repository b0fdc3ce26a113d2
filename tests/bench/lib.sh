# shellcheck shell=bash
# Sourced first by the benchmarks that boot xen-lite with a dom0 test
# (tests/bench/bench-virtio*.sh): from the top of the tree, BUILD (default build).
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
BUILD=${BUILD:-build}

# boot_dom0 LOG SECONDS CPUS MEMORY DOM0-ARGS: one QEMU TCG boot of xen-lite (dom0_mem=512M)
# with DOM0-ARGS on dom0's command line, its serial output in LOG, at most SECONDS
boot_dom0() {
	timeout "$2" qemu-system-x86_64 -machine q35 -accel tcg -cpu EPYC,+svm,+npt -smp "$3" -m "$4" \
		-display none -monitor none -no-reboot -net none -serial file:"$1" \
		-kernel "$BUILD/xen-lite.elf" -append "dom0_mem=512M" \
		-initrd "$BUILD/dom0/vmlinuz console=ttyS0 $5,$BUILD/dom0/initrd.cpio.gz" \
		</dev/null 2>/dev/null
}

# log_lines LOG WHAT: LOG's lines matching WHAT, without QEMU's carriage returns
log_lines() { grep -a "$2" "$1" | tr -d '\r'; }

# log_rates LOG WHAT: "N MiB in S s" of each line of LOG matching WHAT, as MiB/s on one line
log_rates() {
	log_lines "$1" "$2 [0-9]* MiB in" |
		awk '{ for (i = 1; i < NF; i++) if ($i == "MiB") { mib = $(i - 1); s = $(i + 2) }
		       if (s > 0) printf "%7.1f", mib / s; else printf "      ?" }'
	echo " MiB/s"
}
