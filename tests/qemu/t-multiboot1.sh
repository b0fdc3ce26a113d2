#!/bin/bash
# xen-lite.elf started by QEMU's multiboot1 loader (-kernel), the fast path:
# CPU counts, memory sizes, modules, command-line handling.

KERNEL=$BUILD/xen-lite.elf
HALT="debug_exit=0xf4 after_boot=halt"

mb1_boot() { # NAME CPUS MEM APPEND [EXTRA QEMU ARGS...]
	local name=$1 cpus=$2 mem=$3 append=$4
	shift 4
	qemu_boot "$name" -machine "${MACHINE:-q35}" -smp "$cpus" -m "$mem" -kernel "$KERNEL" -append "$append" "$@"
}

test_mb1_1cpu_512m() {
	mb1_boot mb1-1cpu-512m 1 512 "$HALT"
	expect_rc 1
	expect_log "via multiboot1" "acpi: 1 CPU(s) in the MADT"
	expect_boot 1 500 512 0
	expect_no_fault
	test_result
}

test_mb1_2cpu_4g() {
	mb1_boot mb1-2cpu-4g 2 4G "$HALT"
	expect_rc 1
	expect_log "smp: CPU 1 (APIC id 1) online" "smp: cross-CPU call reached 2 of 2 CPU(s)"
	# q35 puts 2 GiB below 4 GiB and the rest above: both must be found
	expect_log_regex "\[0x000100000000-0x000180000000\) available"
	expect_boot 2 4080 4096 0
	expect_no_fault
	test_result
}

test_mb1_4cpu_512m() {
	mb1_boot mb1-4cpu-512m 4 512 "$HALT"
	expect_rc 1
	expect_log "smp: CPU 3 (APIC id 3) online" "cross-CPU call reached 4 of 4 CPU(s)"
	expect_boot 4 500 512 0
	expect_no_fault
	test_result
}

test_mb1_4cpu_4g_pc() {
	# the older i440fx machine: different memory map and ACPI tables
	MACHINE=pc mb1_boot mb1-4cpu-4g-pc 4 4G "$HALT"
	expect_rc 1
	expect_boot 4 4080 4096 0
	expect_no_fault
	test_result
}

test_mb1_maxcpus() {
	mb1_boot mb1-maxcpus 4 512 "$HALT maxcpus=2"
	expect_rc 1
	expect_log "smp: 2 CPU(s) left offline by maxcpus=2"
	expect_boot 2 500 512 0
	test_result
}

test_mb1_modules() {
	mb1_boot mb1-modules 2 512 "$HALT" \
		-initrd "tests/qemu/test-mod-a.txt first module args=1,tests/qemu/test-mod-b.txt second"
	expect_rc 1
	expect_log "module 0: " "'first module args=1'" "module 1: " "'second'"
	# module 0 is where the dom0 kernel goes: a text file must be called out
	expect_log "module 0 ('first module args=1') is not a Linux bzImage"
	expect_boot 2 500 512 2
	test_result
}

test_mb1_bad_cmdline() {
	# unknown parameters, bad values and a bad console spec: warnings, defaults kept, boot goes on
	mb1_boot mb1-bad-cmdline 1 512 "$HALT nosuchparam=1 maxcpus=zero loglvl=loud tsc_khz=5 console=com9 =x"
	expect_rc 1
	expect_log "cmdline: unknown parameter 'nosuchparam' ignored" \
		"cmdline: bad value 'zero' for 'maxcpus'" \
		"cmdline: bad value 'loud' for 'loglvl' (expected error|warn|info|debug)" \
		"cmdline: value '5' for 'tsc_khz' out of range" \
		"cmdline: '=x' has no parameter name" \
		"console: cannot parse 'console=com9'" \
		"(problems reported above, defaults kept)"
	expect_boot 1 500 512 0
	test_result
}

test_mb1_console_com2() {
	local com2=$LOGDIR/mb1-console-com2.com2.log
	: >"$com2"
	mb1_boot mb1-console-com2 1 512 "$HALT console=com2,57600" -serial file:"$com2"
	expect_rc 1
	# the early lines go to COM1, everything after console= is parsed to COM2
	grep -aqF "boot complete: 1 CPU(s)" "$com2" || test_fail "no boot summary on COM2"
	expect_no_log "boot complete"
	test_result
}

test_mb1_loglvl_warn() {
	mb1_boot mb1-loglvl-warn 1 512 "$HALT loglvl=warn"
	expect_rc 1
	expect_no_log "boot complete" "memory map"
	expect_log "halting: nothing left to run"
	test_result
}

test_mb1_tsc_override() {
	mb1_boot mb1-tsc-override 1 512 "$HALT tsc_khz=1234567"
	expect_rc 1
	expect_log "tsc: 1234.567 MHz (tsc_khz=)"
	test_result
}

test_mb1_clang_image() {
	# the image built by clang (tests/run-all.sh builds it into $BUILD/clang first)
	[ -f "$BUILD/clang/xen-lite.elf" ] || { test_fail "no clang build"; return 1; }
	KERNEL=$BUILD/clang/xen-lite.elf mb1_boot mb1-clang 2 512 "$HALT"
	expect_rc 1
	expect_boot 2 500 512 0
	expect_no_fault
	test_result
}
