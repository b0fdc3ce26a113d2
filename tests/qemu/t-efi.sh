#!/bin/bash
# QEMU tests for xen-lite.efi under OVMF (Documentation/efi-boot.md).
#
#   test_efi_probe           the loader around a test kernel (tests/qemu/efi-probe)
#                            that checks the whole hand-over: entry state, every
#                            multiboot2 tag, modules, memory map; exits QEMU itself
#   test_efi_probe_no_config no xen-lite.cfg: warning, empty command line, boots
#   test_efi_bad_config      unknown key: error naming file and line, back to firmware
#   test_efi_missing_module  module file absent: error naming it, back to firmware
#   test_efi_named_dir       installed as \EFI\xen-lite\xen-lite.efi (not the
#                            removable-media default), started from the UEFI shell:
#                            config and relative modules come from that directory
#   test_efi_direct          the real hypervisor from build/esp-test.img: its boot
#                            log appears on COM1 and after_boot=halt exits QEMU (1)
#
# Run from the repository root: tests/qemu/t-efi.sh [TEST...] (default: all).
# Runs one QEMU at a time. Needs OVMF (/usr/share/OVMF), qemu-system-x86_64
# and mtools. Logs and scratch images go to $BUILD/efi-test/.
set -u

BUILD=${BUILD:-build}
OVMF_CODE=${OVMF_CODE:-/usr/share/OVMF/OVMF_CODE.fd}
OVMF_VARS=${OVMF_VARS:-/usr/share/OVMF/OVMF_VARS.fd}
EFI_TIMEOUT=${EFI_TIMEOUT:-60}
OUT=$BUILD/efi-test

efi_fail() {
	echo "FAIL: $*" >&2
	return 1
}

# efi_qemu IMG LOG [STOP_PATTERN]
# Boot IMG under OVMF with COM1 in LOG. Returns QEMU's exit status, or 124
# on timeout. With STOP_PATTERN, QEMU is stopped (status 0) as soon as LOG
# matches it: used for error paths, where the firmware would carry on to
# its boot menu.
efi_qemu() {
	local img=$1 log=$2 stop=${3:-} vars=$OUT/OVMF_VARS.fd pid rc waited=0

	cp "$OVMF_VARS" "$vars" # fresh variables every run: no boot entries left over
	: >"$log"
	qemu-system-x86_64 -machine q35 -m 512 -cpu EPYC,+svm,+npt -accel tcg \
		-drive if=pflash,format=raw,readonly=on,file="$OVMF_CODE" \
		-drive if=pflash,format=raw,file="$vars" \
		-drive format=raw,file="$img" \
		-net none -serial file:"$log" -display none -monitor none -no-reboot \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 </dev/null 2>"$log.stderr" &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		if [ -n "$stop" ] && grep -aq -- "$stop" "$log"; then
			kill "$pid" 2>/dev/null
			wait "$pid" 2>/dev/null
			return 0
		fi
		if [ "$waited" -ge $(($(scaled_seconds "$EFI_TIMEOUT") * 5)) ]; then
			kill "$pid" 2>/dev/null
			wait "$pid" 2>/dev/null
			return 124
		fi
		sleep 0.2
		waited=$((waited + 1))
	done
	wait "$pid"
	rc=$?
	return $rc
}

# efi_expect LOG PATTERN...: every (fixed-string) pattern must be in LOG
efi_expect() {
	local log=$1 p ok=0
	shift
	for p in "$@"; do
		if ! grep -aqF -- "$p" "$log"; then
			echo "  missing in $log: $p" >&2
			ok=1
		fi
	done
	return $ok
}

# efi_scratch_esp NAME: a copy of the probe ESP to modify with mtools
efi_scratch_esp() {
	local img=$OUT/$1.img
	cp "$BUILD/esp-probe.img" "$img"
	echo "$img"
}

efi_build() {
	make -s "$BUILD/esp-probe.img" "$BUILD/esp-test.img" "$BUILD/efi/xen-lite-probe.efi" >&2 &&
		mkdir -p "$OUT"
}

test_efi_probe() {
	local log=$OUT/probe.log rc
	efi_qemu "$BUILD/esp-probe.img" "$log"
	rc=$?
	efi_expect "$log" \
		'xen-lite.efi: read \EFI\BOOT\xen-lite.cfg: 2 module(s)' \
		'xen-lite.efi: command line: "debug_exit=0xf4 after_boot=halt"' \
		'xen-lite.efi: module 1: \EFI\BOOT\efi-mod1.txt (41 bytes)' \
		'xen-lite.efi: module 2: \xl\efi-mod2.txt (29 bytes)' \
		'xen-lite.efi: 2 module(s), booting the hypervisor' \
		'probe: entered, magic 0x36d76289' \
		"probe: cmdline 'debug_exit=0xf4 after_boot=halt'" \
		"cmdline 'first module args=1' data 'xen-lite efi test module one'" \
		"cmdline 'second module' data 'xen-lite efi test module two'" \
		'probe: acpi rsdp revision 2 len 36' \
		'probe: efi64 system table ok' \
		'probe: 2 module(s)' \
		'probe: PASS' || return 1
	[ "$rc" -eq 1 ] || efi_fail "test_efi_probe: QEMU exit status $rc, want 1 (log: $log)"
}

test_efi_probe_no_config() {
	local img log=$OUT/no-config.log rc
	img=$(efi_scratch_esp no-config)
	mdel -i "$img" ::/EFI/BOOT/xen-lite.cfg || return 1
	efi_qemu "$img" "$log"
	rc=$?
	efi_expect "$log" \
		'xen-lite.efi: warning: \EFI\BOOT\xen-lite.cfg not found: booting with an empty command line and no modules' \
		"probe: cmdline ''" \
		'probe: 0 module(s)' \
		'probe: PASS' || return 1
	[ "$rc" -eq 1 ] || efi_fail "test_efi_probe_no_config: QEMU exit status $rc, want 1 (log: $log)"
}

test_efi_bad_config() {
	local img log=$OUT/bad-config.log cfg=$OUT/bad.cfg rc
	img=$(efi_scratch_esp bad-config)
	printf '# bad\r\ncmdline = x\r\nkernel = /boot/xen\r\n' >"$cfg"
	mcopy -o -i "$img" "$cfg" ::/EFI/BOOT/xen-lite.cfg || return 1
	efi_qemu "$img" "$log" 'returning to the firmware'
	rc=$?
	[ "$rc" -eq 0 ] || efi_fail "test_efi_bad_config: no error message (status $rc, log: $log)" || return 1
	efi_expect "$log" \
		"xen-lite.efi: error: \\EFI\\BOOT\\xen-lite.cfg:3: unknown key 'kernel' (known keys: cmdline, module)" \
		'xen-lite.efi: boot failed (Load Error); returning to the firmware in 5 seconds' || return 1
	if grep -aq 'probe:' "$log"; then
		efi_fail "test_efi_bad_config: the kernel was entered despite the error"
	fi
}

test_efi_missing_module() {
	local img log=$OUT/missing-module.log cfg=$OUT/missing.cfg rc
	img=$(efi_scratch_esp missing-module)
	printf 'cmdline = x\nmodule = efi-mod1.txt\nmodule = /nope/dom0.bin arg\n' >"$cfg"
	mcopy -o -i "$img" "$cfg" ::/EFI/BOOT/xen-lite.cfg || return 1
	efi_qemu "$img" "$log" 'returning to the firmware'
	rc=$?
	[ "$rc" -eq 0 ] || efi_fail "test_efi_missing_module: no error message (status $rc, log: $log)" || return 1
	efi_expect "$log" \
		'xen-lite.efi: error: xen-lite.cfg:3: cannot open module \nope\dom0.bin: Not Found' \
		'xen-lite.efi: boot failed (Not Found); returning to the firmware' || return 1
	if grep -aq 'probe:' "$log"; then
		efi_fail "test_efi_missing_module: the kernel was entered despite the error"
	fi
}

test_efi_named_dir() {
	local img=$OUT/named-dir.img log=$OUT/named-dir.log cfg=$OUT/named-dir.cfg
	local nsh=$OUT/startup.nsh rc
	rm -f "$img"
	dd if=/dev/zero of="$img" bs=1M count=32 status=none &&
		mformat -i "$img" -v XENLITE :: &&
		mmd -i "$img" ::/EFI ::/EFI/xen-lite ::/xl || return 1
	printf 'cmdline = from the shell\nmodule = efi-mod1.txt one\nmodule = \\xl\\efi-mod2.txt two\n' >"$cfg"
	# no \EFI\BOOT\BOOTX64.EFI: OVMF falls back to its shell, which runs startup.nsh
	printf 'fs0:\r\n\\EFI\\xen-lite\\xen-lite.efi\r\n' >"$nsh"
	mcopy -i "$img" "$BUILD/efi/xen-lite-probe.efi" ::/EFI/xen-lite/xen-lite.efi &&
		mcopy -i "$img" "$cfg" ::/EFI/xen-lite/xen-lite.cfg &&
		mcopy -i "$img" tests/qemu/efi-mod1.txt ::/EFI/xen-lite/ &&
		mcopy -i "$img" tests/qemu/efi-mod2.txt ::/xl/ &&
		mcopy -i "$img" "$nsh" ::/startup.nsh || return 1
	efi_qemu "$img" "$log"
	rc=$?
	efi_expect "$log" \
		'xen-lite.efi: started from \EFI\xen-lite' \
		'xen-lite.efi: read \EFI\xen-lite\xen-lite.cfg: 2 module(s)' \
		'xen-lite.efi: module 1: \EFI\xen-lite\efi-mod1.txt (41 bytes)' \
		'xen-lite.efi: module 2: \xl\efi-mod2.txt (29 bytes)' \
		"probe: cmdline 'from the shell'" \
		"cmdline 'one' data 'xen-lite efi test module one'" \
		"cmdline 'two' data 'xen-lite efi test module two'" \
		'probe: PASS' || return 1
	[ "$rc" -eq 1 ] || efi_fail "test_efi_named_dir: QEMU exit status $rc, want 1 (log: $log)"
}

test_efi_direct() {
	local log=$OUT/direct.log rc
	efi_qemu "$BUILD/esp-test.img" "$log"
	rc=$?
	efi_expect "$log" \
		'xen-lite.efi: loaded hypervisor' \
		'xen-lite.efi: 2 module(s), booting the hypervisor' \
		'(booted by xen-lite.efi via multiboot2)' || return 1
	[ "$rc" -eq 1 ] || efi_fail "test_efi_direct: QEMU exit status $rc, want 1 (after_boot=halt; log: $log)"
}

# called by tests/run-all.sh before the test_efi_* functions
setup_efi() {
	efi_build
}

efi_main() {
	local t failed=0 tests=("$@")
	[ ${#tests[@]} -gt 0 ] || tests=(test_efi_probe test_efi_probe_no_config test_efi_bad_config
		test_efi_missing_module test_efi_named_dir test_efi_direct)
	efi_build || { echo "FAIL: build" >&2; return 1; }
	for t in "${tests[@]}"; do
		if "$t"; then
			echo "PASS $t"
		else
			echo "FAIL $t"
			failed=1
		fi
	done
	return $failed
}

# run only when executed, so that a test driver can source this file
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	efi_main "$@"
fi
