#!/bin/bash
# The dom0 control path (Documentation/tools.md): the xenlite module
# (/dev/xenlite) loads in dom0 under xen-lite and xl-lite reads the
# hypervisor through it - info, list, dmesg, JSON. Natively, without the
# hypervisor, the module refuses to load and xl-lite says why.

DOM0_KERNEL=$BUILD/dom0/vmlinuz
DOM0_INITRD=$BUILD/dom0/initrd.cpio.gz

setup_dom0_tools() {
	make -s BUILD="$BUILD" dom0-images
}

test_dom0_tools_under_xen_lite() {
	local json mib
	# the init loads xenlite.ko, runs the tool (each output line prefixed
	# "xen-lite-dom0: COMMAND: ", then its exit status) and powers off
	qemu_boot dom0-tools -machine q35 -smp 2 -m 1G -kernel "$BUILD/xen-lite.elf" \
		-append "dom0_mem=512M" \
		-initrd "$DOM0_KERNEL console=ttyS0 xl_test=tools,$DOM0_INITRD"
	expect_rc 0
	expect_log "xen-lite-dom0: init reached" "xen-lite-dom0: xenlite module loaded" \
		"xen-lite-dom0: tools done"
	# info: version, ABI, TSC, who owns each CPU, memory
	expect_log_regex '^(\(d0\) )?xen-lite-dom0: info: hypervisor: xen-lite [0-9]+\.[0-9]+'
	expect_log_regex '^(\(d0\) )?xen-lite-dom0: info: abi: 0\.[0-9]+'
	expect_log_regex '^(\(d0\) )?xen-lite-dom0: info: tsc: [1-9][0-9]*\.[0-9]{3} MHz'
	expect_log "xen-lite-dom0: info: cpus: 2" "xen-lite-dom0: info: cpu 0: dom0 (apic 0)" \
		"xen-lite-dom0: info: cpu 1: free" "xen-lite-dom0: info: exit 0"
	for mib in total hypervisor dom0 guests free; do
		expect_log_regex "^(\(d0\) )?xen-lite-dom0: info: memory $mib: [0-9]+ MiB"
	done
	mib=$(sed -nE 's/^(\(d0\) )?xen-lite-dom0: info: memory dom0: ([0-9]+) MiB.*/\2/p' "$LOG" | head -1)
	if [ "${mib:-0}" -lt 500 ] || [ "${mib:-0}" -gt 512 ]; then
		test_fail "dom0 memory '${mib:-none}' MiB, expected about 512 (dom0_mem=512M)"
	fi
	mib=$(sed -nE 's/^(\(d0\) )?xen-lite-dom0: info: memory total: ([0-9]+) MiB.*/\2/p' "$LOG" | head -1)
	if [ "${mib:-0}" -lt 900 ] || [ "${mib:-0}" -gt 1024 ]; then
		test_fail "total memory '${mib:-none}' MiB, expected about 1 GiB"
	fi
	# list: dom0, running, one vCPU
	expect_log_regex '^(\(d0\) )?xen-lite-dom0: list: +dom0 +0 +[0-9]+ +1 +running +[0-9]+:[0-9]{2}:[0-9]{2} +0 +[0-9]+'
	expect_log "xen-lite-dom0: list: exit 0"
	# dmesg: the ring from its start (the hypervisor's boot summary) to its end
	expect_log "xen-lite-dom0: dmesg: exit 0"
	expect_log_regex '^(\(d0\) )?xen-lite-dom0: dmesg-boot: .*boot complete: 2 CPU\(s\) online'
	expect_log_regex '^(\(d0\) )?xen-lite-dom0: dmesg: [0-9]{2,} lines'
	# info --json: one object on one line with the expected keys
	json=$(sed -nE 's/^(\(d0\) )?xen-lite-dom0: info-json: //p' "$LOG" | grep '^{' | head -1 | tr -d '\r')
	if [ -z "$json" ]; then
		test_fail "no JSON line from xl-lite info --json"
	else
		local key
		for key in '"version":"' '"abi":"0.' '"nr_cpus":2,' '"tsc_khz":' \
			'{"cpu":0,"apic_id":0,"owner":0}' '"owner":null}' '"memory":{"total":'; do
			[[ "$json" == *"$key"* ]] || test_fail "JSON lacks $key: $json"
		done
		[[ "$json" == *'}}' ]] || test_fail "JSON does not end the object: $json"
	fi
	expect_log "xen-lite-dom0: info-json: exit 0"
	# a usage error is exit status 2
	expect_log "xen-lite-dom0: usage: xl-lite: unknown command 'bogus'" "xen-lite-dom0: usage: exit 2"
	expect_no_log "Kernel panic" "PANIC" "crashed" "xenlite module failed"
	test_result
}

test_dom0_tools_refused_natively() {
	# the same images on the bare (virtual) machine: no xen-lite, so the module
	# refuses to load, xl-lite names the cause and exits 1, and init carries on
	qemu_boot dom0-tools-native -machine q35 -smp 1 -m 1G \
		-kernel "$DOM0_KERNEL" -initrd "$DOM0_INITRD" -append "console=ttyS0 xl_test=tools"
	expect_rc 0
	expect_log "xen-lite-dom0: init reached" "xen-lite-dom0: xenlite module failed" \
		"xenlite: not running under xen-lite" \
		"xen-lite-dom0: info: xl-lite: /dev/xenlite: No such file or directory (is the xenlite module loaded?)" \
		"xen-lite-dom0: info: exit 1" "xen-lite-dom0: list: exit 1" \
		"xen-lite-dom0: dmesg: exit 1" "xen-lite-dom0: info-json: exit 1" \
		"xen-lite-dom0: usage: exit 2" "xen-lite-dom0: tools done"
	expect_no_log "xen-lite-dom0: xenlite module loaded" "Kernel panic"
	test_result
}

test_dom0_guest_lifecycle() {
	# HPC guests started from dom0 (XL_HC_DOMCTL through /dev/xenlite): an ELF guest
	# runs to PASS and is destroyed; a spinning one is paused, resumed and destroyed;
	# afterwards CPU 1 is free again and the guests' memory is back; a guest that polls
	# XL_SHUTDOWN_QUERY ends itself after xl-lite shutdown, and a second request is refused;
	# one created paused (xl-lite create -p) runs nothing until it is unpaused
	qemu_boot dom0-guests -machine q35 -smp 2 -m 1G -kernel "$BUILD/xen-lite.elf" \
		-append "dom0_mem=512M" \
		-initrd "$BUILD/dom0/vmlinuz console=ttyS0 xl_test=guests,$BUILD/dom0/initrd.cpio.gz"
	expect_rc 0
	expect_log "xen-lite-dom0: create: 1" "domain d1 (hello) starting on CPU 1" \
		"(d1 hello) PASS: hello" "xen-lite-dom0: destroy-1: exit 0" \
		"xen-lite-dom0: create-2: 2" "(d2 spin) spin: spinning with interrupts off" \
		"xen-lite-dom0: pause: exit 0" "xen-lite-dom0: unpause: exit 0" \
		"xen-lite-dom0: destroy-2: exit 0" \
		"xen-lite-dom0: destroy-gone: xl-lite: hypervisor: XL_DOMCTL_DESTROY: No such file or directory" \
		"xen-lite-dom0: info-after: cpu 1: free (apic 1)" \
		"xen-lite-dom0: info-after: memory guests: 0 MiB" "xen-lite-dom0: create-3: 3" \
		"(d3 obliging) obliging: waiting for a shutdown request" "xen-lite-dom0: shutdown: exit 0" \
		"domain d3 (obliging): shutdown requested by dom0" \
		"(d3 obliging) obliging: shutdown requested after" \
		"xen-lite-dom0: shutdown-again: xl-lite: hypervisor: XL_DOMCTL_SHUTDOWN: Invalid argument" \
		"xen-lite-dom0: destroy-3: exit 0" "xen-lite-dom0: guests done" \
		"xen-lite-dom0: create-paused: exit 0" "(sleeper) starting on CPU 1, paused (created so)" \
		"xen-lite-dom0: unpause-paused: exit 0" "(d4 sleeper) PASS: hello" "xen-lite-dom0: destroy-paused: exit 0"
	expect_log_regex "xen-lite-dom0: list-paused: +sleeper +4 +2 +1 +paused "
	expect_no_log "sleeper ran before its unpause"
	expect_log_regex "xen-lite-dom0: list-1: +hello +1 +2 +1 +shutdown +[0-9]+:[0-9]{2}:[0-9]{2} +1 "
	expect_log_regex "xen-lite-dom0: list-4: +obliging +3 +[0-9]+ +[0-9]+ +running "
	expect_log_regex "xen-lite-dom0: list-5: +obliging +3 +[0-9]+ +[0-9]+ +shutdown "
	expect_log_regex "xen-lite-dom0: list-1: +NAME +ID +MEM\(MiB\) +VCPUS +STATE +UPTIME +CPU +EXITS +EXITS/S"
	expect_log_regex "xen-lite-dom0: list-2: +spin +2 +4 +1 +paused +[0-9]+:[0-9]{2}:[0-9]{2} +1 "
	expect_no_log "PANIC"
	expect_no_log_regex "xen-lite-dom0: list-3: +[^ ]+ +2 "
	test_result
}

test_dom0_guest_cycles() {
	# 50 create/destroy cycles from dom0 leave free memory and free CPUs exactly as before
	qemu_boot dom0-cycles -machine q35 -smp 3 -m 1G -kernel "$BUILD/xen-lite.elf" \
		-append "dom0_mem=512M" \
		-initrd "$BUILD/dom0/vmlinuz console=ttyS0 xl_test=cycles,$BUILD/dom0/initrd.cpio.gz"
	expect_rc 0
	expect_log "xen-lite-dom0: cycles: 50 done" "xen-lite-dom0: cycles: node unchanged" \
		"domain d50 (cycle) starting on CPU"
	expect_no_log "create failed" "node changed" "PANIC"
	test_result
}

test_dom0_guest_console() {
	# xl-lite console: the guest's output from before attaching is kept, typed lines
	# reach it (XL_CONSOLE_READ) and its answers come back to dom0
	qemu_boot dom0-console -machine q35 -smp 2 -m 1G -kernel "$BUILD/xen-lite.elf" \
		-append "dom0_mem=512M" \
		-initrd "$BUILD/dom0/vmlinuz console=ttyS0 xl_test=console,$BUILD/dom0/initrd.cpio.gz"
	expect_rc 0
	expect_log "xen-lite-dom0: console: created 1" "xen-lite-dom0: console: exit 0" \
		"xen-lite-dom0: console-out: echo: ready" "xen-lite-dom0: console-out: echo: HELLO WORLD" \
		"xen-lite-dom0: console-out: PASS: echo: done" "(d1 echo) echo: HELLO WORLD"
	expect_log_regex "xen-lite-dom0: list: +echo +1 +[0-9]+ +[0-9]+ +shutdown "
	test_result
}

test_dom0_lited() {
	# the supervisor xl-lited (Documentation/tools.md): the auto directory's guests started
	# in order - a broken file reported, the others still created, one already running
	# skipped, a file not *.cfg ignored; each console in /var/log/xen-lite/guest-NAME.log;
	# xl-lite console beside the daemon shows what the guest wrote before it attached (the
	# daemon read it) and its answers; a crash logged; SIGTERM: the obliging guest powers
	# off, the one that never asks is destroyed at once (no wait for it), the daemon exits
	# 0, its pid file and links gone, the node's pages and CPUs as before
	qemu_boot dom0-lited -machine q35 -smp 4 -m 1G -kernel "$BUILD/xen-lite.elf" \
		-append "dom0_mem=512M" \
		-initrd "$BUILD/dom0/vmlinuz console=ttyS0 xl_test=lited,$BUILD/dom0/initrd.cpio.gz"
	expect_rc 0
	expect_log "xen-lite-dom0: spinner: 1" \
		"xen-lite-dom0: lited-err: xl-lited: auto 10-echo.cfg: created (domain 2)" \
		"xen-lite-dom0: lited-err: xl-lited: auto 20-broken.cfg: line 3: unknown key 'memroy': not created" \
		"xen-lite-dom0: lited-err: xl-lited: auto 30-keeper.cfg: created (domain 3)" \
		"xen-lite-dom0: lited-err: xl-lited: auto 40-spinner.cfg: spinner is already there: not created again" \
		"xen-lite-dom0: lited-err: xl-lited: auto: 2 created, 1 failed, 1 already there" \
		"xen-lite-dom0: lited: console exit 0" \
		"xen-lite-dom0: lited-console: echo: ready" "xen-lite-dom0: lited-console: echo: HELLO WORLD" \
		"xen-lite-dom0: lited-console: PASS: echo: done" \
		"xen-lite-dom0: lited-log guest-echo.log: echo: ready" \
		"xen-lite-dom0: lited-log guest-echo.log: echo: HELLO WORLD" \
		"xen-lite-dom0: crasher: 4" "xen-lite-dom0: lited-err: xl-lited: domain 4 (crasher) crashed;" \
		"xen-lite-dom0: lited-err: xl-lited: stop: domain 3 (keeper) asked to power off" \
		"xen-lite-dom0: lited-err: xl-lited: stop: domain 1 (spinner) never asks for shutdown requests: destroyed" \
		"xen-lite-dom0: lited-log guest-keeper.log: obliging: shutdown requested" \
		"xen-lite-dom0: lited-err: xl-lited: stopped" "xen-lite-dom0: lited: daemon exit 0" \
		"xen-lite-dom0: lited: after the stop: pid file gone, console links: 0" \
		"xen-lite-dom0: lited: node unchanged" "xen-lite-dom0: lited done"
	expect_log_regex "xen-lite-dom0: lited: pid file [0-9]+, daemon [0-9]+; console links: 1 2 3 " \
		"xen-lite-dom0: lited-log guest-echo.log: \\[xl-lited\\] domain 2 \\(echo\\) started, running at " \
		"xen-lite-dom0: lited-log guest-echo.log: \\[xl-lited\\] domain 2 \\(echo\\) ended: no longer listed" \
		"xen-lite-dom0: lited-log guest-crasher.log: \\[xl-lited\\] hypervisor: .*domain d4 \\(crasher\\) crashed: triple fault" \
		"xen-lite-dom0: lited-log guest-spinner.log: \\[xl-lited\\] hypervisor: .*domain d1 \\(spinner\\) destroyed"
	expect_no_log "notes.txt" "gave up after" "timed out after" "PANIC" "node changed" \
		"xen-lite-dom0: lited-log guest-broken.log"
	test_result
}

test_dom0_lited_backend() {
	# xl-lited's watch over back-ends: xl-lite create records the disk's back-end; killing
	# the whole of it (supervisor, then worker) while the guest pauses makes the daemon start
	# it again with --resume 0; the guest then writes 1 MiB and reads it back through it, and
	# its line lands in the file
	qemu_boot dom0-lited-backend -machine q35 -smp 2 -m 1G -kernel "$BUILD/xen-lite.elf" \
		-append "dom0_mem=512M" \
		-initrd "$BUILD/dom0/vmlinuz console=ttyS0 xl_test=lited_backend,$BUILD/dom0/initrd.cpio.gz"
	expect_rc 0
	expect_log "xen-lite-dom0: create-vblk: 1" "xen-lite-dom0: create-vblk: exit 0" \
		"xen-lite-dom0: lited-backend: file at sector 100: written by the guest" \
		"xen-lite-dom0: lited-backend: daemon exit 0" "xen-lite-dom0: lited-backend done"
	expect_log_regex "xen-lite-dom0: lited-backend: record: [0-9]+ 0 /tmp/vblk-vblk-xvda.log /.*/xl-vblk xl-vblk --serial xvda 1 /tmp/disk.img rw" \
		"xen-lite-dom0: lited-backend: back-end [0-9]+ killed, and its worker [0-9]+" \
		"lited-err: xl-lited: domain 1 \\(vblk\\): back-end xl-vblk of device 0 \\(pid [0-9]+\\) died: started again as pid [0-9]+ \\(--resume 0\\)" \
		"\\(d1 vblk\\) .*xen-lite-guest: vblk: sector 5: xen-lite virtio-blk sector 5" \
		"\\(d1 vblk\\) .*xen-lite-guest: vblk: done"
	local wrote
	wrote=$(grep -ao 'vblk: wrote [0-9a-f]*, read back [0-9a-f]*' "$LOG" | tail -1)
	if ! [[ "$wrote" =~ ^vblk:\ wrote\ ([0-9a-f]{32}),\ read\ back\ ([0-9a-f]{32})$ ]] ||
		[ "${BASH_REMATCH[1]}" != "${BASH_REMATCH[2]}" ]; then
		test_fail "the guest's write and read back differ: ${wrote:-none}"
	fi
	expect_no_log "gave up after" "timed out after" "PANIC" "vblk: write failed"
	test_result
}

test_dom0_hostile_domctl() {
	# malformed create requests and controls aimed at dom0 or at no domain are refused
	# with the documented errno, and nothing is created by them
	qemu_boot dom0-hostile -machine q35 -smp 2 -m 1G -kernel "$BUILD/xen-lite.elf" \
		-append "dom0_mem=512M" \
		-initrd "$BUILD/dom0/vmlinuz console=ttyS0 xl_test=hostile,$BUILD/dom0/initrd.cpio.gz"
	expect_rc 0
	expect_log "domctl-probe: destroy and restart on crash: refused (got -22, want -22)" \
		"domctl-probe: name not terminated: refused" "domctl-probe: image beyond the buffer: refused" \
		"domctl-probe: name with an escape sequence: refused" "domctl-probe: name with a space: refused" \
		"domctl-probe: memory above 1 TiB: refused" "domctl-probe: dom0's CPU: refused (got -16" \
		"domctl-probe: id above 32 bits: refused (got -2" \
		"domctl-probe: shut down dom0: refused (got -2" \
		"domctl-probe: a second domain with a name in use: refused (got -17" \
		"domctl-probe: a domain named dom0: refused (got -17" \
		"domctl-probe: destroy and restart on poweroff: refused (got -22, want -22)" \
		"domctl-probe: destroy and restart on reboot: refused (got -22, want -22)" \
		"domctl-probe: a hard reboot of a domain not started: refused (got -22" \
		"domctl-probe: reset dom0: refused (got -2" \
		"domctl-probe: SHUTDOWN with an unknown flag: refused (got -22" \
		"domctl-probe: 50 answered as expected, 0 failed" "xen-lite-dom0: domctl-probe exit 0"
	expect_no_log "domctl-probe: cannot open"
	expect_no_log_regex "xen-lite-dom0: list: +[^ ]+ +1 "
	test_result
}

test_dom0_guest_config_files() {
	# xl-lite create FILE: a typo is refused with its line and creates nothing; a good
	# file starts its guest on the CPU it names (kept once powered off: on_poweroff =
	# "preserve"); on_crash=destroy removes a crashed guest at once, by itself;
	# a CPU in use, too much memory, a missing or malformed image are refused with their
	# reason and leave nothing; on_crash=restart brings a crashed guest back
	qemu_boot dom0-config -machine q35 -smp 3 -m 1G -kernel "$BUILD/xen-lite.elf" \
		-append "dom0_mem=512M" \
		-initrd "$BUILD/dom0/vmlinuz console=ttyS0 xl_test=config,$BUILD/dom0/initrd.cpio.gz"
	expect_rc 0
	expect_log "xen-lite-dom0: bad: xl-lite: /tmp/bad.cfg: line 3: unknown key 'memroy'" \
		"xen-lite-dom0: bad: exit 2" "xen-lite-dom0: good: 1" "domain d1 (hello) starting on CPU 1" \
		"(d1 hello) PASS: hello" "xen-lite-dom0: crash: 2" "domain d2 (crasher) crashed: triple fault" \
		"domain d2 (crasher) destroyed (on_crash=destroy)" \
		"xen-lite-dom0: busy: xl-lite: hypervisor: XL_DOMCTL_CREATE: Device or resource busy (-16)" \
		"xen-lite-dom0: huge: xl-lite: hypervisor: XL_DOMCTL_CREATE: Cannot allocate memory (-12)" \
		"xen-lite-dom0: missing: xl-lite: /tmp/missing.cfg: kernel /guests/none.elf: No such file" \
		"xen-lite-dom0: text: xl-lite: hypervisor: XL_DOMCTL_START: Exec format error (-8)" \
		"xen-lite-dom0: notlinux: xl-lite: hypervisor: XL_DOMCTL_START: Exec format error (-8)" \
		"xen-lite-dom0: phoenix: 6" \
		"domain d6 (phoenix) crashed: triple fault" "domain d6 (phoenix) restarted as d7 (on_crash=restart)" \
		"xen-lite-dom0: config done"
	# the refused ones left nothing behind (the huge, text and notlinux requests took ids 3-5)
	expect_no_log_regex "xen-lite-dom0: list-after: +[^ ]+ +[2-5] "
	expect_log_regex "xen-lite-dom0: list: +hello +1 +[0-9]+ +[0-9]+ +shutdown "
	expect_no_log_regex "xen-lite-dom0: list: +crasher +2 |xen-lite-dom0: list: +phoenix +6 "
	test_result
}

test_dom0_guest_end_actions() {
	# what follows an ELF guest's end, done by the hypervisor with no request from dom0:
	# on_poweroff's default (destroy) frees it, preserve keeps it listed as shutdown;
	# xl-lite reboot of a guest that asks with the reason (obliging) ends it with reason
	# reboot and on_reboot's default (restart) brings it back as a new domain with the
	# same name and CPU; on_reboot = "preserve" keeps it shut down; a guest that never
	# asks (spin) cannot be asked to reboot, -F resets it and it is restarted, and shutdown -F
	# powers it off (while shutdown -F of obliging, which asks, only asks it); on_crash's
	# default (destroy) frees a crashed guest; xl's rename-restart is refused with its
	# line and column; a guest with a segment is destroyed, not restarted (segments and
	# virtio devices do not follow a restart), and a configuration asking for that refused;
	# afterwards the node's memory and CPUs are as before
	qemu_boot dom0-end-actions -machine q35 -smp 3 -m 1G -kernel "$BUILD/xen-lite.elf" \
		-append "dom0_mem=512M" \
		-initrd "$BUILD/dom0/vmlinuz console=ttyS0 xl_test=end_actions,$BUILD/dom0/initrd.cpio.gz"
	expect_rc 0
	expect_log "xen-lite-dom0: gone: 1" "(d1 gone) PASS: hello" \
		"domain d1 (gone) destroyed (on_poweroff=destroy)" "xen-lite-dom0: list-gone: exit 0" \
		"xen-lite-dom0: kept: 2" "(d2 kept) PASS: hello" "xen-lite-dom0: destroy-kept: exit 0" \
		"xen-lite-dom0: obliging: 3" "domain d3 (obliging): reboot requested by dom0" \
		"(d3 obliging) obliging: reboot requested after" "xen-lite-dom0: reboot-obliging: exit 0" \
		"domain d3 (obliging) restarted as d4 (on_reboot=restart)" \
		"(d4 obliging) obliging: waiting for a shutdown request" \
		"xen-lite-dom0: shutdown-obliging: exit 0" "(d4 obliging) obliging: shutdown requested after" \
		"domain d4 (obliging) destroyed (on_poweroff=destroy)" \
		"xen-lite-dom0: rebooted: 5" "(d5 rebooted) obliging: reboot requested after" \
		"xen-lite-dom0: reboot-preserved: exit 0" "xen-lite-dom0: destroy-rebooted: exit 0" \
		"xen-lite-dom0: spinner: 6" \
		"xen-lite-dom0: reboot-refused: xl-lite: reboot: domain 6 cannot be asked to reboot: it has never asked for reboot requests" \
		"xen-lite-dom0: reboot-refused: exit 1" \
		"xen-lite-dom0: reboot-forced: xl-lite: reboot: domain 6 cannot be asked to reboot: reset (-F)" \
		"xen-lite-dom0: reboot-forced: exit 0" "domain d6 (spinner): reset by dom0, without asking the guest" \
		"domain d6 (spinner) restarted as d7 (on_reboot=restart)" \
		"xen-lite-dom0: shutdown-forced: xl-lite: shutdown: domain 7 cannot be asked to shut down: powered off (-F)" \
		"xen-lite-dom0: shutdown-forced: exit 0" "domain d7 (spinner): powered off by dom0, without asking the guest" \
		"domain d7 (spinner) destroyed (on_poweroff=destroy)" \
		"xen-lite-dom0: crashing: 8" "domain d8 (crashing) crashed: triple fault" \
		"domain d8 (crashing) destroyed (on_crash=destroy)" \
		"xen-lite-dom0: renamed: xl-lite: /tmp/renamed.cfg: line 4, column 13: on_reboot \"rename-restart\" is xl's, not supported by xen-lite: use \"destroy\", \"restart\" or \"preserve\"" \
		"xen-lite-dom0: renamed: exit 2" "xen-lite-dom0: tied: 9" "xen-lite-dom0: tied-attach: exit 0" \
		"xen-lite-dom0: reboot-tied: exit 0" \
		"domain d9 (tied) not restarted (on_reboot=restart): its 0 virtio device(s) and 1 segment(s) do not follow a restart; destroyed" \
		"xen-lite-dom0: tied-seg-destroy: exit 0" \
		"xen-lite-dom0: tied2: xl-lite: /tmp/tied2.cfg: line 5: on_reboot = \"restart\" with a shm segment: a restarted guest would come back without" \
		"xen-lite-dom0: tied2: exit 2" "xen-lite-dom0: end-actions: node unchanged" \
		"xen-lite-dom0: end-actions done"
	expect_log_regex "xen-lite-dom0: list-kept: +kept +2 +2 +1 +shutdown "
	expect_log_regex "xen-lite-dom0: list-obliging: +obliging +4 +2 +1 +running "
	expect_log_regex "xen-lite-dom0: vcpu-list-obliging: +obliging +4 +0 +[12] +running "
	expect_log_regex "xen-lite-dom0: list-rebooted: +rebooted +5 +2 +1 +shutdown "
	expect_log_regex "xen-lite-dom0: list-spinner: +spinner +7 +2 +1 +running "
	# the restarted guest kept its CPU: vCPU 0's CPU of d3 is d4's
	local cpu3 cpu4
	cpu3=$(sed -nE 's/.*domain d3 \(obliging\) starting on CPU ([0-9]+).*/\1/p' "$LOG" | head -1)
	cpu4=$(sed -nE 's/.*domain d4 \(obliging\) starting on CPU ([0-9]+).*/\1/p' "$LOG" | head -1)
	if [ -z "$cpu3" ] || [ "$cpu3" != "$cpu4" ]; then
		test_fail "d3 started on CPU '${cpu3:-none}', its restart d4 on '${cpu4:-none}'"
	fi
	expect_no_log_regex "xen-lite-dom0: list-gone: +gone |xen-lite-dom0: list-end: +[a-z]+ +[1-9]"
	expect_no_log "PANIC" "FAIL" "gave up after" "node changed" \
		"domain d4 (obliging): powered off by dom0"
	test_result
}

# The first value the guest printed in its line matching SED (a sed s/// that keeps \1).
intro_guest_said() {
	sed -n "s/.*(d[0-9]* target) introspect-target: $1/\1/p" "$LOG" | tr -d '\r' | head -1
}

# The "data" of the JSON dom0 printed under LABEL (xl_tool's lines).
intro_dom0_read() {
	sed -n "s/.*xen-lite-dom0: $1: {.*\"data\":\"\([0-9a-f]*\)\".*/\1/p" "$LOG" | tr -d '\r' | head -1
}

# What dom0 read of the target against what the target said is there: both patterns (the
# virtual one by its virtual and by its physical address), RIP within the function it spins
# in (the text and the JSON registers), exits with RIPs in there too, and the guest running on.
check_introspection_reads() {
	local phys virt start end rip json_rip r follow before after state
	phys=$(intro_guest_said 'physical pattern at 0x[0-9a-f]*: \([0-9a-f]*\)')
	virt=$(intro_guest_said 'virtual pattern at .*: \([0-9a-f]*\)')
	[ ${#phys} = 32 ] || test_fail "the target printed no physical pattern ('$phys')"
	[ ${#virt} = 32 ] || test_fail "the target printed no virtual pattern ('$virt')"
	[ "$(intro_dom0_read phys-json)" = "$phys" ] ||
		test_fail "dom0 read '$(intro_dom0_read phys-json)' at the physical pattern's address, the target wrote '$phys'"
	[ "$(intro_dom0_read virt-json)" = "$virt" ] ||
		test_fail "dom0 read '$(intro_dom0_read virt-json)' at the virtual pattern's address, the target wrote '$virt'"
	[ "$(intro_dom0_read virt-as-phys)" = "$virt" ] ||
		test_fail "dom0 read '$(intro_dom0_read virt-as-phys)' at the virtual pattern's physical address, not '$virt'"
	start=$(intro_guest_said 'spinning in introspect_spin \(0x[0-9a-f]*\)-.*')
	end=$(intro_guest_said 'spinning in introspect_spin 0x[0-9a-f]*-\(0x[0-9a-f]*\)')
	rip=$(sed -n 's/.*xen-lite-dom0: regs: rip \(0x[0-9a-f]*\) .*/\1/p' "$LOG" | head -1)
	json_rip=$(sed -n 's/.*xen-lite-dom0: regs-json: {.*"rip":"\(0x[0-9a-f]*\)".*/\1/p' "$LOG" | head -1)
	if [ -z "$start" ] || [ -z "$end" ] || [ -z "$rip" ] || [ -z "$json_rip" ]; then
		test_fail "no range from the target ('$start'-'$end') or no RIP from dom0 ('$rip', '$json_rip')"
	else
		for r in "$rip" "$json_rip"; do
			if [ $((r)) -lt $((start)) ] || [ $((r)) -ge $((end)) ]; then
				test_fail "dom0 read RIP $r, the target spins in $start-$end"
			fi
		done
	fi
	# exits' rows: SEQ VCPU REASON EXIT-CODE RIP TSC; the probe's hypercalls return into the spin
	rip=$(sed -n 's/.*xen-lite-dom0: exits: *[0-9]* *0 hypercall *0x[0-9a-f]* *\(0x[0-9a-f]*\) .*/\1/p' "$LOG" |
		tail -1)
	if [ -z "$rip" ]; then
		test_fail "no hypercall exit of the target among the exits dom0 read"
	elif [ -n "$start" ] && { [ $((rip)) -lt $((start)) ] || [ $((rip)) -ge $((end)) ]; }; then
		test_fail "a hypercall exit at RIP $rip, the target spins in $start-$end"
	fi
	follow=$(sed -n 's/.*xen-lite-dom0: introspect: follow printed \([0-9]*\) lines.*/\1/p' "$LOG" | head -1)
	[ "${follow:-0}" -ge 1 ] || test_fail "exits -f printed ${follow:-no} lines in 3 s"
	read -r before after state < <(sed -n \
		's/.*xen-lite-dom0: introspect: target exits \([0-9]*\) -> \([0-9]*\), state \([a-z]*\).*/\1 \2 \3/p' \
		"$LOG" | head -1)
	if [ "${state:-}" != running ] || [ "${after:-0}" -le "${before:-0}" ]; then
		test_fail "the target, watched and read, did not run on (exits ${before:-?} -> ${after:-?}, ${state:-no state})"
	fi
}

test_dom0_introspection() {
	# the introspection module (Documentation/modules/introspection.md): dom0 reads a running
	# ELF guest that does nothing to help (introspect_target.elf): the 16 bytes it wrote at a
	# guest-physical address and at a guest-virtual address of its own mapping (also through
	# that page's physical address) are the ones it printed, its RIP lies in the function it
	# said it spins in, its exits are streamed, and it runs on; reading it before the watch,
	# reading dom0 and watching twice are refused; the guest's own requests without a grant -
	# a bystander's (spin.elf) memory, registers and exits, its own registers, dom0's memory, a
	# watch, a grant, the status - are refused with -EPERM, its read of the bystander works once
	# dom0 grants it and is refused again after the revoke; a domain is not granted itself nor
	# dom0; unload is refused while a domain is watched, and works after the unwatch
	QEMU_TIMEOUT=120 qemu_boot dom0-introspection -machine q35 -smp 3 -m 1G -kernel "$BUILD/xen-lite.elf" \
		-append "dom0_mem=512M" \
		-initrd "$BUILD/dom0/vmlinuz console=ttyS0 xl_test=introspect,$BUILD/dom0/initrd.cpio.gz"
	expect_rc 0
	expect_log "xen-lite-dom0: intro-load: exit 0" "xen-lite-dom0: bystander: exit 0" \
		"xen-lite-dom0: target: exit 0" \
		"introspect-target: refused without a grant (-EPERM): the bystander's memory, registers and exits, its own registers, dom0's memory, a watch, a grant, the status" \
		"xen-lite-dom0: regs-unwatched: exit 1" "xen-lite-dom0: watch-dom0: exit 1" \
		"xen-lite-dom0: phys-dom0: exit 1" "xen-lite-dom0: watch: exit 0" "xen-lite-dom0: watch-twice: exit 1" \
		"xen-lite-dom0: regs: exit 0" "xen-lite-dom0: regs-json: exit 0" "xen-lite-dom0: regs-vcpu1: exit 1" \
		"xen-lite-dom0: phys: exit 0" "xen-lite-dom0: phys-json: exit 0" "xen-lite-dom0: virt: exit 0" \
		"xen-lite-dom0: virt-json: exit 0" "xen-lite-dom0: virt-as-phys: exit 0" \
		"xen-lite-dom0: virt-unmapped: exit 1" "xen-lite-dom0: exits: exit 0" \
		"xen-lite-dom0: grant-self: exit 1" "xen-lite-dom0: grant-dom0: exit 1" "xen-lite-dom0: grant: exit 0" \
		"xen-lite-dom0: revoke: exit 0" "xen-lite-dom0: revoke-twice: exit 1" \
		"xen-lite-dom0: unload-busy: exit 1" "xen-lite-dom0: unwatch: exit 0" \
		"xen-lite-dom0: regs-after-unwatch: exit 1" "xen-lite-dom0: unload: exit 0" \
		"xen-lite-dom0: regs-unloaded: exit 1" "xen-lite-dom0: destroy-target: exit 0" \
		"xen-lite-dom0: destroy-bystander: exit 0" "xen-lite-dom0: introspect done"
	expect_log_regex "module: loaded 'introspection' 1\.0 \(id 1, sha256 [0-9a-f]{64}\)"
	expect_log_regex "xen-lite-dom0: regs-unwatched: xl-lite: introspect regs: domain [0-9]+ is not watched"
	expect_log_regex "xen-lite-dom0: watch-dom0: .*dom0 is never observed"
	expect_log_regex "xen-lite-dom0: phys-dom0: .*dom0 is never observed"
	expect_log_regex "xen-lite-dom0: grant-dom0: .*dom0 is never observed"
	expect_log_regex "xen-lite-dom0: watch-twice: .*is watched already"
	expect_log_regex "xen-lite-dom0: regs: domain [0-9]+ \(target\) vcpu 0: snapshot [0-9]+, at its exit"
	expect_log_regex "xen-lite-dom0: regs-vcpu1: .*no registers of vcpu 1 yet"
	expect_log_regex "xen-lite-dom0: virt: [0-9a-f]{16}  ([0-9a-f]{2} ){8} ([0-9a-f]{2} ){8} \|XL-intro-virt-02\|"
	expect_log_regex "xen-lite-dom0: phys: [0-9a-f]{16}  ([0-9a-f]{2} ){8} ([0-9a-f]{2} ){8} \|XL-intro-phys-01\|"
	expect_log_regex "xen-lite-dom0: virt-unmapped: .*is not mapped by vcpu 0's page tables"
	expect_log_regex "xen-lite-dom0: grant-self: .*never granted itself"
	expect_log_regex "xen-lite-dom0: list: domain [0-9]+ \(target\) may read domain [0-9]+ \(bystander\)"
	expect_log_regex "\(d[0-9]+ target\) introspect-target: reading d[0-9]+'s memory answers 16: [0-9a-f]{32}"
	expect_log_regex "\(d[0-9]+ target\) introspect-target: reading d[0-9]+'s memory answers -1"
	expect_log_regex "xen-lite-dom0: revoke-twice: .*nothing to revoke"
	expect_log_regex "xen-lite-dom0: unload-busy: .*watching 1 domain\(s\): xl-lite introspect unwatch DOMAIN first"
	expect_log_regex "xen-lite-dom0: regs-after-unwatch: .*is not watched"
	expect_log_regex "xen-lite-dom0: regs-unloaded: xl-lite: the introspection module is not loaded \(xl-lite module load /lib/xen-lite/modules/introspection\.xlm\)"
	expect_no_log_regex "xen-lite-dom0: list-after: .*may read"
	check_introspection_reads
	expect_no_log "PANIC" "FAIL" "gave up after" "timed out after" "stayed inside a module hook" "malformed"
	test_result
}

# The zone counts of the campaign's report line, "MASKED USER KERNEL DOM0 HYPERVISOR", or nothing.
fault_zone_counts() {
	sed -nE 's/.*xen-lite-dom0: inject: zones: masked ([0-9]+), guest-user ([0-9]+), guest-kernel ([0-9]+), dom0 ([0-9]+), hypervisor ([0-9]+).*/\1 \2 \3 \4 \5/p' \
		"$LOG" | head -1
}

# Every injection the hypervisor logged ("fault-injector: #ID ...") is on one of the tool's lines
# ("inject: #N id ID ...", or the kernel campaigns' "inject-kernel[-again]: ..."), and the first
# campaign's lines are its injections 1..200, once each.
check_fault_injection_ids() {
	local logged printed missing indexes lines
	logged=$(grep -ao 'fault-injector: #[0-9]* d' "$LOG" | sed 's/[^0-9]*\([0-9]*\) d$/\1/' | sort -un)
	printed=$(sed -nE 's/.*xen-lite-dom0: inject(-kernel|-kernel-again)?: #[0-9]+ id ([0-9]+) .*/\2/p' "$LOG" | sort -un)
	[ -n "$logged" ] || test_fail "the hypervisor logged no injection"
	missing=$(comm -23 <(echo "$logged") <(echo "$printed") | head -5 | tr '\n' ' ')
	[ -z "$missing" ] || test_fail "injections the hypervisor logged that xl-lite inject did not print: $missing"
	indexes=$(sed -nE 's/.*xen-lite-dom0: inject: #([0-9]+) id .*/\1/p' "$LOG" | sort -n | uniq | wc -l)
	lines=$(grep -acE 'xen-lite-dom0: inject: #[0-9]+ id ' "$LOG")
	if [ "$lines" != 200 ] || [ "$indexes" != 200 ]; then
		test_fail "xl-lite inject printed $lines injection lines, $indexes distinct, not 200"
	fi
	[ "$(grep -acE 'xen-lite-dom0: inject: #[0-9]+ id .*: (masked|guest-user|guest-kernel|dom0|hypervisor) \(' "$LOG")" = 200 ] ||
		test_fail "not every injection's line names its zone"
}

# The bystander checked its memory all along: never a failure, and still checking once the
# campaign's report was printed.
check_fault_bystander() {
	local report last_ok
	expect_no_log_regex '\(d[0-9]+ bystander\) FAIL'
	report=$(grep -an 'xen-lite-dom0: inject: zones: ' "$LOG" | head -1 | cut -d: -f1)
	last_ok=$(grep -an '(d[0-9]* bystander) bystander: ok [0-9]' "$LOG" | tail -1 | cut -d: -f1)
	if [ -z "$report" ] || [ -z "$last_ok" ] || [ "$last_ok" -lt "$report" ]; then
		test_fail "the bystander did not go on checking through the campaign (report at line ${report:-none}, its last ok at ${last_ok:-none})"
	fi
}

test_dom0_fault_campaign() {
	# the fault-injector module and xl-lite inject (Documentation/modules/fault-injector.md): a
	# campaign of 200 injections (seed 2024: mostly bits flipped in the target's memory, a few
	# register flips, failed hypercalls, corrupted port reads, dropped and doubled IPIs) against a
	# 1-vCPU Linux guest in xAPIC mode whose workload checks its own data (guest_test=checksum),
	# restarted when it crashes; every outcome classified, the counts per zone adding up to 200,
	# none in dom0 or the hypervisor; every injection the hypervisor logged printed by the tool;
	# dom0's 16 MiB checksum unchanged, the bystander (which checks its own memory) never failed,
	# the hypervisor answering and without a PANIC; the module unloads at the end. Then one
	# flip in the target kernel's system-call entry: a guest-kernel outcome, and only that
	local counts masked user kernel dom0 hyp before after
	QEMU_TIMEOUT=1500 qemu_boot dom0-fault-campaign -machine q35 -smp 3 -m 1G -kernel "$BUILD/xen-lite.elf" \
		-append "dom0_mem=512M" \
		-initrd "$BUILD/dom0/vmlinuz console=ttyS0 xl_test=fault_campaign,$BUILD/dom0/initrd.cpio.gz"
	expect_rc 0
	expect_log "xen-lite-dom0: fi-load: exit 0" "xen-lite-dom0: bystander: exit 0" \
		"xen-lite-dom0: target: exit 0" "xen-lite-dom0: inject: exit 0" \
		"xen-lite-dom0: fault-campaign: dom0 data unchanged" "xen-lite-dom0: info-after: exit 0" \
		"xen-lite-dom0: fault-campaign: panics in the hypervisor's log: 0" \
		"xen-lite-dom0: fi-unload: exit 0" "module: unloaded 'fault-injector' (id 1)" \
		"xen-lite-dom0: destroy-target: exit 0" "xen-lite-dom0: destroy-bystander: exit 0" \
		"xen-lite-dom0: fault-campaign done"
	expect_log_regex "module: loaded 'fault-injector' 1\.0 \(id 1, sha256 [0-9a-f]{64}\)"
	# the target in xAPIC mode (QEMU 7.2): its IPIs go through the ICR the hypervisor filters
	expect_log "lapic: xAPIC mode"
	expect_no_log_regex '\(d[0-9]+ target\) .*x2apic: enabled'
	# the plan drawn from the seed: the same here as on the host that computed these counts
	expect_log "xen-lite-dom0: plan: 177 mem_flip" "xen-lite-dom0: plan: 6 reg_flip" \
		"xen-lite-dom0: plan: 3 hypercall_fail" "xen-lite-dom0: plan: 4 io_corrupt" \
		"xen-lite-dom0: plan: 3 ipi_drop" "xen-lite-dom0: plan: 7 ipi_dup"
	expect_log_regex "xen-lite-dom0: inject: campaign /tmp/campaign\.cfg: target target \(domain [0-9]+.*\), seed 2024: 200 of 200 injections done"
	expect_log "xen-lite-dom0: inject: kinds: mem_flip 177, reg_flip 6, hypercall_fail 3, io_corrupt 4, ipi_drop 3, ipi_dup 7"
	counts=$(fault_zone_counts)
	if [ -z "$counts" ]; then
		test_fail "no report line with the counts per zone"
	else
		read -r masked user kernel dom0 hyp <<<"$counts"
		echo "    zones: masked $masked, guest-user $user, guest-kernel $kernel, dom0 $dom0, hypervisor $hyp"
		[ $((masked + user + kernel + dom0 + hyp)) = 200 ] ||
			test_fail "the zones count $((masked + user + kernel + dom0 + hyp)) injections, not 200"
		[ "$dom0" = 0 ] || test_fail "$dom0 injection(s) aimed at the guest reached dom0"
		[ "$hyp" = 0 ] || test_fail "$hyp injection(s) aimed at the guest reached the hypervisor"
	fi
	check_fault_injection_ids
	before=$(sed -nE 's/.*xen-lite-dom0: fault-campaign: dom0 md5 before ([0-9a-f]{32}).*/\1/p' "$LOG" | head -1)
	after=$(sed -nE 's/.*xen-lite-dom0: fault-campaign: dom0 md5 after ([0-9a-f]{32}).*/\1/p' "$LOG" | head -1)
	if [ -z "$before" ] || [ "$before" != "$after" ]; then
		test_fail "dom0's md5sum '${before:-none}' before, '${after:-none}' after"
	fi
	check_fault_bystander
	# the hypervisor never panicked (the target's kernel may: "(dN target) ... PANIC: double fault")
	expect_no_log "(XL) PANIC" "gave up after" "timed out after" "malformed" "stayed inside a module hook" \
		"is busy"
	# dom0's own kernel never oopsed nor panicked (the target's may: its lines are "(dN target) ...")
	expect_no_log_regex '^(\(d0\) )?\[ *[0-9.]+\] (Kernel panic|Oops|BUG: )'
	expect_no_log_regex "xen-lite-dom0: inject: stopped: "
	# a second campaign, one bit of the first instruction of the target kernel's system-call
	# entry: its kernel fails (it is restarted and runs its workload again), nothing else; or,
	# when QEMU ran its old translation of that code (the flip masked), a second flip does
	expect_log_regex "xen-lite-dom0: fault-campaign: entry_SYSCALL_64 at ffffffff8[0-9a-f]{7}"
	local label=inject-kernel
	if grep -aq "xen-lite-dom0: fault-campaign: the flip was masked: a second flip" "$LOG"; then
		expect_log "xen-lite-dom0: inject-kernel: zones: masked 1, guest-user 0, guest-kernel 0, dom0 0, hypervisor 0"
		label=inject-kernel-again
	fi
	expect_log "xen-lite-dom0: $label: exit 0" \
		"xen-lite-dom0: $label: zones: masked 0, guest-user 0, guest-kernel 1, dom0 0, hypervisor 0"
	expect_log_regex "xen-lite-dom0: $label: #1 id [0-9]+ d[0-9]+ mem_flip gpa 0x[0-9a-f]+ bit [0-7] \\(0x(f|1f) -> 0x(1f|1e)\\): guest-kernel \\("
	test_result
}

test_dom0_modules() {
	# behaviour modules from dom0 (Documentation/modules.md): random bytes, a truncated
	# file, a module calling an unexported function, one built for another hypervisor
	# build and bad init arguments are refused with their reasons and nothing loads; the
	# exit profiler loads once (a second load is refused), counts a paused-and-resumed
	# guest's exits exactly as the hypervisor does - in all and per reason, compared with
	# the counts the hypervisor logs when the guest ends - is unloaded and loaded again
	# while the guest takes exits on another CPU; the guest's own load, list and unload
	# are refused and the profiler refuses it its figures; 10 rounds of loads, unloads and
	# a load its init refuses leave the node's memory as it was after the first
	qemu_boot dom0-modules -machine q35 -smp 2 -m 1G -kernel "$BUILD/xen-lite.elf" \
		-append "dom0_mem=512M" \
		-initrd "$BUILD/dom0/vmlinuz console=ttyS0 xl_test=modules,$BUILD/dom0/initrd.cpio.gz"
	expect_rc 0
	expect_log "xen-lite-dom0: prober: exit 0" \
		"(d1 prober) module-probe: load, list and unload refused (-EPERM)" \
		"xen-lite-dom0: bad-random: exit 1" "xen-lite-dom0: bad-truncated: exit 1" \
		"xen-lite-dom0: bad-unexported: exit 1" "xen-lite-dom0: bad-other-build: exit 1" \
		"xen-lite-dom0: bad-args: exit 1" "xen-lite-dom0: load: exit 0" \
		"xen-lite-dom0: load-twice: exit 1" "xen-lite-dom0: unload: exit 0" \
		"(d1 prober) module-probe: the exit profiler answers -2" \
		"xen-lite-dom0: reload: exit 0" "xen-lite-dom0: unload-again: exit 0" \
		"xen-lite-dom0: unload-missing: exit 1" "xen-lite-dom0: shutdown: exit 0" \
		"xen-lite-dom0: modules: 10 rounds" "xen-lite-dom0: modules: node unchanged" \
		"xen-lite-dom0: modules done"
	# every module that ships went through the 10 rounds (the list is what dom0's image carries)
	expect_log_regex "xen-lite-dom0: modules: shipped: .*cpu-policy.* exit-profiler .*introspection"
	expect_no_log_regex "xen-lite-dom0: modules: (load|unload) .* failed"
	expect_log_regex "xen-lite-dom0: bad-unexported: .*not exported"
	expect_log_regex "xen-lite-dom0: bad-other-build: .*another hypervisor build"
	expect_log_regex "xen-lite-dom0: load-twice: .*already"
	expect_log_regex "module: loaded 'exit-profiler' 1\.0 \(id [0-9]+, sha256 [0-9a-f]{64}\)"
	expect_log_regex "xen-lite-dom0: modules: profiler ([1-9][0-9]*) exits, core \1 exits"
	# profile -f: the guest's rates over a second, while it takes exits
	expect_log_regex "xen-lite-dom0: profile-follow: domain 1 \(prober\): [1-9][0-9]* exits/s"
	expect_log_regex "xen-lite-dom0: profile-follow: hypercall +[1-9][0-9]* +[0-9.]+%"
	# the example of Documentation/modules.md ran its exit function at each unload
	expect_log_regex "cpuid-count: [0-9]+ CPUID exits"
	check_ticks
	expect_log "xen-lite-dom0: ticker: exit 0" "xen-lite-dom0: ticker-unload: exit 0" \
		"ticker: d1 vcpu 0 started on CPU 1 (hook on CPU 1)" \
		"ticker: d1 vcpu 0 stopped on CPU 1 (hook on CPU 1)"
	expect_no_log_regex "xen-lite-dom0: list-none: .*exit-profiler|xen-lite-dom0: list-unloaded: .*exit-profiler"
	check_profile_per_reason
	expect_no_log "PANIC" "FAIL" "gave up after" "node changed" "stayed inside a module hook"
	test_result
}

# The tests' ticker module (xl_hook_tick, 50 ms): the guest's CPU (1), which takes exits
# all the time, ticked, and never twice within the period.
check_ticks() {
	local line ticks gap
	line=$(grep -aoE "ticker: cpu 1: [0-9]+ ticks, shortest gap [0-9]+ us \(period 50000 us\)" "$LOG" | head -1)
	ticks=$(echo "$line" | sed -nE 's/.*: ([0-9]+) ticks.*/\1/p')
	gap=$(echo "$line" | sed -nE 's/.*shortest gap ([0-9]+) us.*/\1/p')
	if [ -z "$line" ] || [ "$ticks" -lt 2 ]; then
		test_fail "the guest's CPU did not tick twice: '${line:-no ticker line for CPU 1}'"
	elif [ "$gap" -lt 50000 ]; then
		test_fail "two ticks $gap us apart, less than the 50000 us period"
	fi
}

# The profiler's per-reason counts of the paused guest (its --json) against what the
# hypervisor logged for the guest when it ended: every reason the profile names, with
# the same count or more in the hypervisor's (the guest ran on after the profile).
check_profile_per_reason() {
	local json core reason count total
	# the hypervisor cuts dom0's console lines at 1024 bytes: a longer one goes on in the next
	# "(d0) " line (where the cut falls depends on the figures' digits), the log's lines
	# between them skipped
	json=$(tr -d '\r' <"$LOG" | awk '
		!f && /xen-lite-dom0: profile-json: / { f = 1; sub(/.*xen-lite-dom0: profile-json: /, ""); s = $0; next }
		f && /^\(XL\) / { next }
		f && /^\(d0\) / && !/xen-lite-dom0: / { sub(/^\(d0\) /, ""); s = s $0; next }
		f { exit }
		END { if (f) print s }')
	core=$(sed -n 's/.*domain d1 (prober) exits://p' "$LOG" | head -1)
	if [ -z "$json" ] || [ -z "$core" ]; then
		test_fail "no profile (${json:+found}) or no exit counts of d1 (${core:+found}) in the log"
		return
	fi
	for reason in hypercall cpuid io; do
		count=$(echo "$json" | tr '{' '\n' |
			sed -n "s/.*\"reason\":\"$reason\",\"reason_id\":[0-9]*,\"count\":\([0-9]*\).*/\1/p" | head -1)
		total=$(echo "$core" | sed -n "s/.* $reason \([0-9]*\).*/\1/p")
		if [ -z "$count" ] || [ "$count" -lt 1000 ]; then
			test_fail "the profile counted ${count:-no} $reason exits of the guest (it takes thousands)"
		elif [ -z "$total" ] || [ "$total" -lt "$count" ]; then
			test_fail "the profile counted $count $reason exits, the hypervisor ${total:-none} in all"
		fi
	done
}

test_dom0_modules_locked() {
	# modules=locked with the exit profiler's SHA-256 on the command line: the profiler
	# loads, the tests' sample module (a valid module, not listed) is refused with its hash
	local sha
	# dom0's image carries the modules without their debug information (mk-dom0-initrd.sh)
	strip --strip-debug -o "$LOGDIR/exit-profiler.xlm" "$BUILD/modules/exit-profiler.xlm"
	sha=$(sha256sum "$LOGDIR/exit-profiler.xlm" | cut -d' ' -f1)
	qemu_boot dom0-modules-locked -machine q35 -smp 2 -m 1G -kernel "$BUILD/xen-lite.elf" \
		-append "dom0_mem=512M modules=locked module_sha256=$sha" \
		-initrd "$BUILD/dom0/vmlinuz console=ttyS0 xl_test=modules_policy,$BUILD/dom0/initrd.cpio.gz"
	expect_rc 0
	expect_log "module: behaviour modules: locked, 1 hash(es) accepted" \
		"module: loaded 'exit-profiler' 1.0 (id 1, sha256 $sha)" \
		"xen-lite-dom0: policy-profiler: exit 0" "xen-lite-dom0: policy-sample: exit 1" \
		"xen-lite-dom0: modules-policy done"
	expect_log_regex "xen-lite-dom0: policy-sample: .*modules=locked and sha256 [0-9a-f]{64} is not in module_sha256="
	expect_log_regex "xen-lite-dom0: policy-list: .*exit-profiler"
	expect_no_log_regex "xen-lite-dom0: policy-list: .*sample"
	expect_no_log "PANIC"
	test_result
}

test_dom0_modules_off() {
	# modules=off: nothing loads, and the reason says so
	qemu_boot dom0-modules-off -machine q35 -smp 2 -m 1G -kernel "$BUILD/xen-lite.elf" \
		-append "dom0_mem=512M modules=off" \
		-initrd "$BUILD/dom0/vmlinuz console=ttyS0 xl_test=modules_policy,$BUILD/dom0/initrd.cpio.gz"
	expect_rc 0
	expect_log "module: behaviour modules: off" "xen-lite-dom0: policy-profiler: exit 1" \
		"xen-lite-dom0: policy-sample: exit 1" "xen-lite-dom0: modules-policy done"
	expect_log_regex "xen-lite-dom0: policy-profiler: .*module loading is off on this node \(modules=off\)"
	expect_no_log "PANIC" "module: loaded"
	test_result
}

# The cpu-policy module and the cpuid key (Documentation/modules/cpu-policy.md): a cpuid
# key is refused without the module (nothing created, the command that loads it named)
# and with a bad value (its line and column); loaded, a dry run shows the policy; ELF
# guests that print their CPUID leaves (cpuid_dump.elf) see, under the libxl form
# "host,sse4_2=0,popcnt=0,movbe=0,aes=0", exactly those four bits of leaf 1 ECX gone and
# under the xend form a bit forced on (DTES64) and two off, against a guest without a
# policy, every other bit of their leaves as that guest sees it; a guest created with a
# policy waits paused until it has it, and -p leaves it so; a guest's own SET is refused;
# xl-lite cpu-policy shows each policy (and -r removes one), unload is refused while a
# domain has a policy, and a Linux guest's /proc/cpuinfo lacks the hidden features while
# another's and dom0's have them
test_dom0_cpu_policy() {
	QEMU_TIMEOUT=300 qemu_boot dom0-cpu-policy -machine q35 -smp 4 -m 1G -kernel "$BUILD/xen-lite.elf" \
		-append "dom0_mem=512M" \
		-initrd "$BUILD/dom0/vmlinuz console=ttyS0 xl_test=cpu_policy,$BUILD/dom0/initrd.cpio.gz"
	expect_rc 0
	# without the module, and with bad keys: refused, nothing created
	expect_log "xen-lite-dom0: no-module: exit 1" "xen-lite-dom0: no-module-dry: exit 1" \
		"xen-lite-dom0: no-module: xl-lite: /tmp/hidden.cfg: cpuid needs the cpu-policy module, which is not loaded: xl-lite module load cpu-policy" \
		"xen-lite-dom0: no-module-dry: xl-lite: /tmp/hidden.cfg: cpuid needs the cpu-policy module" \
		"xen-lite-dom0: bad-value: xl-lite: /tmp/bad.cfg: line 8, column 28: cpuid gives avx '2': a feature is 0, 1, x, k or s" \
		"xen-lite-dom0: bad-value: exit 2" \
		"xen-lite-dom0: bad-bits: xl-lite: /tmp/bad.cfg: line 8, column 18: cpuid gives ecx 4 bits: a register's are 32 of 0, 1, x, k and s, bit 31 first" \
		"xen-lite-dom0: bad-bits: exit 2"
	expect_no_log_regex "xen-lite-dom0: list-none: hidden|domain d[0-9]+ \(bad\)"
	# loaded (by its bare name), listed with its hooks; the dry run's plan
	expect_log "xen-lite-dom0: load: 1 cpu-policy" "xen-lite-dom0: dry: dry run: nothing created"
	expect_log_regex "module: loaded 'cpu-policy' 1\.0 \(id 1, sha256 [0-9a-f]{64}\)"
	expect_log_regex "xen-lite-dom0: list-modules: cpu-policy +1 1\.0 +domain,policy,ops "
	expect_log_regex "xen-lite-dom0: dry: cpuid: +0x00000001:ecx=xxxxxx0x00x0x{20} \(-sse4_2 -movbe -popcnt -aes\)"
	# the guests: created paused until their policy is set, then run; their own SET refused
	expect_log "xen-lite-dom0: hidden: 1" "xen-lite-dom0: forced: 2" "xen-lite-dom0: plain: 3" \
		"domain d1 (hidden) starting on CPU 1, paused (created so)" \
		"domain d2 (forced) starting on CPU 2, paused (created so)" \
		"cpu-policy: domain d1: 1 rule(s) set" "cpu-policy: domain d2: 2 rule(s) set" \
		"(d1 hidden) cpuid-dump: SET from the guest: -1" "(d2 forced) cpuid-dump: SET from the guest: -1" \
		"(d3 plain) cpuid-dump: SET from the guest: -1" "(d1 hidden) PASS: cpuid-dump: 3 leaves" \
		"(d2 forced) PASS: cpuid-dump: 3 leaves" "(d3 plain) PASS: cpuid-dump: 3 leaves"
	expect_no_log "domain d3 (plain) starting on CPU 3, paused" "xen-lite-dom0: hidden: xl-lite:"
	# (the MSR steps at the end have one refused on purpose)
	expect_no_log_regex "cpu-policy: policy for d[1-8] "
	check_cpuid_dumps
	# what xl-lite cpu-policy shows
	expect_log "xen-lite-dom0: policy-hidden: domain 1 (hidden): 1 rule" \
		"xen-lite-dom0: policy-hidden: cpuid = [ \"0x00000001:ecx=xxxxxx0x00x0xxxxxxxxxxxxxxxxxxxx\" ]" \
		"\"cleared\":[\"sse4_2\",\"movbe\",\"popcnt\",\"aes\"],\"set\":[]}],\"msr_rules\":[]}" \
		"xen-lite-dom0: policy-forced: domain 2 (forced): 2 rules" \
		"xen-lite-dom0: policy-plain: domain 3 (plain): no CPU policy: its CPUID answers are the hypervisor's" \
		"xen-lite-dom0: policy-plain: exit 0"
	expect_log_regex "xen-lite-dom0: policy-hidden: 0x00000001 any +ecx xxxxxx0x00x0x{20} -sse4_2 -movbe -popcnt -aes"
	expect_log_regex "xen-lite-dom0: policy-json: \{\"domain\":1,\"name\":\"hidden\",\"rules\":\[\{\"leaf\":1,\"subleaf\":null,\"reg\":\"ecx\""
	expect_log_regex "xen-lite-dom0: policy-forced: 0x00000001 any +ecx x{8}0x{20}1xx \+dtes64 -popcnt"
	expect_log_regex "xen-lite-dom0: policy-forced: 0x00000007 0 +ebx x{31}0 -fsgsbase"
	expect_log_regex "xen-lite-dom0: cpu-policy: dom0 flags: aes movbe popcnt sse4_2"
	# unload refused while a domain has a policy; one removed with -r; -p; a domain's policy goes with it
	expect_log "xen-lite-dom0: unload-busy: exit 1" \
		"'cpu-policy' is busy: domain d1 has a CPU policy (xl-lite cpu-policy -r 1, or destroy it)" \
		"xen-lite-dom0: remove: exit 0" "cpu-policy: domain d2: policy removed" \
		"xen-lite-dom0: policy-removed: domain 2 (forced): no CPU policy" \
		"cpu-policy: domain d1 destroyed: its policy dropped" \
		"xen-lite-dom0: paused: 4" \
		"xen-lite-dom0: policy-paused: domain 4 (hidden): 1 rule" \
		"cpu-policy: domain d4 destroyed: its policy dropped" \
		"xen-lite-dom0: policy-gone: xl-lite: no domain 4" "xen-lite-dom0: policy-gone: exit 1" \
		"xen-lite-dom0: keeper: exit 0" "xen-lite-dom0: reboot-keeper: exit 0" \
		"cpu-policy: domain d7 restarted as d8: its policy kept" \
		"xen-lite-dom0: policy-keeper: domain 8 (keeper): 1 rule" "xen-lite-dom0: destroy-keeper: exit 0"
	expect_log_regex "xen-lite-dom0: list-paused: hidden +4 +[0-9]+ +[0-9]+ +paused "
	expect_no_log "(d4 hidden) cpuid-dump"
	# the Linux guests' own view of their features
	expect_log "xen-lite-dom0: lhidden: 5" "xen-lite-dom0: lplain: 6"
	# the kernel's line may follow the shell's echo of the command on the same console line
	expect_log_regex "\(d5 lhidden\) .*\[ *[0-9.]+\] cpuflags: -sse4_2 -popcnt -movbe -aes \+sse4_1 \+ssse3"
	expect_log_regex "\(d6 lplain\) .*\[ *[0-9.]+\] cpuflags: \+sse4_2 \+popcnt \+movbe \+aes \+sse4_1 \+ssse3"
	# unloaded once the last domain with a policy has gone
	expect_log "xen-lite-dom0: unload-busy-linux: exit 1" \
		"'cpu-policy' is busy: domain d5 has a CPU policy (xl-lite cpu-policy -r 5, or destroy it)" \
		"xen-lite-dom0: unload: exit 0" "module: unloaded 'cpu-policy' (id 1)" "xen-lite-dom0: cpu-policy done"
	expect_log_regex "xen-lite-dom0: list-end: lplain +6 +[0-9]+ +[0-9]+ +running "
	# MSR rules: refused without the module; the dry run's plan; set with the guest paused
	expect_log "xen-lite-dom0: msr-no-module: xl-lite: /tmp/msrs.cfg: msr needs the cpu-policy module, which is not loaded: xl-lite module load cpu-policy" \
		"xen-lite-dom0: msr-no-module: exit 1" "xen-lite-dom0: msr-load: exit 0" \
		"xen-lite-dom0: msr-dry: msr:          0xc001001f:deny (deny)" \
		"xen-lite-dom0: msr-dry: msr:          0xc0000080:and=0xfffffffffffff7ff (mask)" \
		"xen-lite-dom0: msr-dry: msr:          0x277:ro (read-only)" "xen-lite-dom0: msr-dry: exit 0" \
		"xen-lite-dom0: msrs: exit 0" "xen-lite-dom0: msrplain: exit 0"
	expect_log_regex "cpu-policy: domain d[0-9]+: 0 rule\(s\) set, 3 MSR rule\(s\)"
	expect_log_regex "domain d[0-9]+ \(msrs\) starting on CPU 1, paused \(created so\)"
	# what the guests read and wrote: NB_CFG denied both ways, PAT read-only, EFER's NXE read as 0
	expect_log_regex "\(d[0-9]+ msrs\) cpuid-dump: msr 0xc001001f: #GP"
	expect_log_regex "\(d[0-9]+ msrs\) cpuid-dump: msr 0xc001001f write: #GP"
	expect_log_regex "\(d[0-9]+ msrs\) cpuid-dump: msr 0xc0000080 write: ok"
	expect_log_regex "\(d[0-9]+ msrs\) cpuid-dump: msr 0x277: 0x[0-9a-f]{16}"
	expect_log_regex "\(d[0-9]+ msrs\) cpuid-dump: msr 0x277 write: #GP"
	expect_log_regex "\(d[0-9]+ msrplain\) cpuid-dump: msr 0xc001001f: 0x0000400000000000"
	expect_log_regex "\(d[0-9]+ msrplain\) cpuid-dump: msr 0xc001001f write: ok"
	expect_log_regex "\(d[0-9]+ msrplain\) cpuid-dump: msr 0x277 write: ok"
	expect_log_regex "\(d[0-9]+ msrplain\) cpuid-dump: msr 0xc0000080 write: ok"
	expect_log_regex "\(d[0-9]+ msrs\) PASS: cpuid-dump: 1 leaves"
	expect_log_regex "\(d[0-9]+ msrplain\) PASS: cpuid-dump: 1 leaves"
	check_msr_dumps
	# xl-lite cpu-policy: the MSR rules after the (no) CPUID rules, and the key line
	expect_log "xen-lite-dom0: policy-msrs: domain 9 (msrs): 0 rules, 3 MSR rules" \
		"xen-lite-dom0: policy-msrs: 0xc001001f deny      -                  -" \
		"xen-lite-dom0: policy-msrs: 0xc0000080 mask      0xfffffffffffff7ff 0x0000000000000000" \
		"xen-lite-dom0: policy-msrs: 0x00000277 read-only -                  -" \
		"xen-lite-dom0: policy-msrs: msr = [ \"0xc001001f:deny\", \"0xc0000080:and=0xfffffffffffff7ff\", \"0x277:ro\" ]" \
		"\"msr_rules\":[{\"msr\":3221291039,\"action\":\"deny\""
	# a rule on FS_BASE, which the guest reads and writes natively: the module's reason, nothing left
	expect_log_regex "xen-lite-dom0: fsbase: xl-lite: hypervisor: cpu-policy: policy for d[0-9]+ refused: MSR 0xc0000100 is the guest's own \(its reads and writes do not reach the hypervisor\): a policy cannot reach it \(MSR rule 0\)"
	expect_log "xen-lite-dom0: fsbase: exit 1" "xen-lite-dom0: msr-unload: exit 0" "module: unloaded 'cpu-policy' (id 2)"
	expect_no_log_regex "xen-lite-dom0: list-msr: fsbase|\(d[0-9]+ fsbase\) "
	expect_log_regex "xen-lite-dom0: list-msr: msrs +9 "
	expect_no_log "PANIC" "FAIL" "gave up after" "stayed inside a module hook"
	expect_no_log_regex "domain d[0-9]+ \([a-z]+\) crashed"
	test_result
}

# dumped_leaf "dN NAME" LEAF.SUBLEAF: the registers a cpuid_dump guest printed first for
# that leaf, "EAX EBX ECX EDX" (0x...), or nothing
dumped_leaf() {
	grep -a "($1) cpuid-dump: $2: " "$LOG" | head -1 | tr -d '\r' |
		sed -n 's/.*: eax \(0x[0-9a-f]*\) ebx \(0x[0-9a-f]*\) ecx \(0x[0-9a-f]*\) edx \(0x[0-9a-f]*\).*/\1 \2 \3 \4/p'
}

# same_bits WHAT GOT WANT: GOT == WANT (numbers), or a failure naming WHAT
same_bits() {
	(($2 == $3)) || test_fail "$1: $(printf '%#x' "$2"), expected $(printf '%#x' "$3")"
}

# The EFER each MSR guest read: the one without rules has NXE (its start state), the one
# whose rule forces it to 0 reads the same without it.
check_msr_dumps() {
	local plain masked
	plain=$(grep -a "msrplain) cpuid-dump: msr 0xc0000080: 0x" "$LOG" | head -1 | tr -d '\r' |
		sed -n 's/.*cpuid-dump: msr 0xc0000080: \(0x[0-9a-f]*\).*/\1/p')
	masked=$(grep -a "msrs) cpuid-dump: msr 0xc0000080: 0x" "$LOG" | head -1 | tr -d '\r' |
		sed -n 's/.*cpuid-dump: msr 0xc0000080: \(0x[0-9a-f]*\).*/\1/p')
	if [ -z "$plain" ] || [ -z "$masked" ]; then
		test_fail "an MSR guest's EFER missing from the log"
		return
	fi
	(((plain & (1 << 11)) != 0)) || test_fail "the guest without MSR rules reads EFER $plain without NXE"
	same_bits "msrs: EFER" "$masked" $((plain & ~(1 << 11)))
}

# What the ELF guests of xl_test=cpu_policy saw against the guest without a policy (d3):
# each policy's bits, and every other bit of leaves 1 (but EBX: APIC id, CPU count),
# 7.0 and 0x80000001 the same; the guest's leaf 1 unchanged by its own refused SET
check_cpuid_dumps() {
	local hidden=$(((1 << 20) | (1 << 22) | (1 << 23) | (1 << 25))) p1 h1 f1 p7 h7 f7 pe he fe
	read -r -a p1 <<<"$(dumped_leaf "d3 plain" 0x00000001.0)"
	read -r -a h1 <<<"$(dumped_leaf "d1 hidden" 0x00000001.0)"
	read -r -a f1 <<<"$(dumped_leaf "d2 forced" 0x00000001.0)"
	read -r -a p7 <<<"$(dumped_leaf "d3 plain" 0x00000007.0)"
	read -r -a h7 <<<"$(dumped_leaf "d1 hidden" 0x00000007.0)"
	read -r -a f7 <<<"$(dumped_leaf "d2 forced" 0x00000007.0)"
	read -r -a pe <<<"$(dumped_leaf "d3 plain" 0x80000001.0)"
	read -r -a he <<<"$(dumped_leaf "d1 hidden" 0x80000001.0)"
	read -r -a fe <<<"$(dumped_leaf "d2 forced" 0x80000001.0)"
	if [ ${#p1[@]} -ne 4 ] || [ ${#h1[@]} -ne 4 ] || [ ${#f1[@]} -ne 4 ] || [ ${#p7[@]} -ne 4 ] ||
		[ ${#h7[@]} -ne 4 ] || [ ${#f7[@]} -ne 4 ] || [ ${#pe[@]} -ne 4 ] || [ ${#he[@]} -ne 4 ] ||
		[ ${#fe[@]} -ne 4 ]; then
		test_fail "a CPUID leaf of d1, d2 or d3 missing from the log"
		return
	fi
	(((p1[2] & hidden) == hidden)) ||
		test_fail "the guest without a policy lacks one of sse4_2, movbe, popcnt, aes (leaf 1 ECX ${p1[2]})"
	(((p1[2] & (1 << 2)) == 0)) || test_fail "the guest without a policy has DTES64 (leaf 1 ECX ${p1[2]})"
	same_bits "hidden: leaf 1 ECX" "${h1[2]}" $((p1[2] & ~hidden))
	same_bits "forced: leaf 1 ECX" "${f1[2]}" $(((p1[2] & ~(1 << 23)) | (1 << 2)))
	same_bits "forced: leaf 7.0 EBX" "${f7[1]}" $((p7[1] & ~1))
	for r in 0 3; do
		same_bits "hidden: leaf 1 register $r" "${h1[r]}" "${p1[r]}"
		same_bits "forced: leaf 1 register $r" "${f1[r]}" "${p1[r]}"
	done
	for r in 0 1 2 3; do
		same_bits "hidden: leaf 7.0 register $r" "${h7[r]}" "${p7[r]}"
		[ "$r" = 1 ] || same_bits "forced: leaf 7.0 register $r" "${f7[r]}" "${p7[r]}"
		same_bits "hidden: leaf 0x80000001 register $r" "${he[r]}" "${pe[r]}"
		same_bits "forced: leaf 0x80000001 register $r" "${fe[r]}" "${pe[r]}"
	done
	[ "$(grep -ao '(d1 hidden) cpuid-dump: 0x00000001.0: .*' "$LOG" | tr -d '\r' | sort -u | wc -l)" = 1 ] ||
		test_fail "hidden's leaf 1 changed after its own SET was refused"
}

# The Linux guest's compute window in $LOG (tests/linux-exit-rates.sh): the vCPU 1
# exit count dom0 sampled between "compute start" and "compute done" may grow by 2 at
# most (measured: 0; a stray timer event is not a failure); with MAX0 also vCPU 0's
# rate (exits/s) may be MAX0 at most; prints both vCPUs' rates.
check_linux_compute_exits() {
	local r max0=${1:-}
	if ! r=$(sh tests/linux-exit-rates.sh "$LOG"); then
		test_fail "fewer than 3 exit samples while the Linux guest computed"
		return
	fi
	# shellcheck disable=SC2086 # four numbers
	set -- $r
	echo "    measured over $1 s of computing: vCPU 0 $2 exits/s, vCPU 1 (computing) $3 exits/s"
	[ "$4" -le 2 ] || test_fail "the computing vCPU took $4 exits in $1 s"
	[ -z "$max0" ] || [ "$2" -le "$max0" ] ||
		test_fail "vCPU 0 took $2 exits/s while the guest computed (at most $max0 expected)"
}

# boot_linux_scenario NAME [SCENARIO]: dom0's xl_test=linux, or linux_shell
# (dom0-tools/initrd/init); each step has its own bound there, scaled like this one
boot_linux_scenario() {
	QEMU_TIMEOUT=150 qemu_boot "$1" -machine q35 -smp 4 -m 1G -kernel "$BUILD/xen-lite.elf" \
		-append "dom0_mem=512M" \
		-initrd "$BUILD/dom0/vmlinuz console=ttyS0 xl_test=${2:-linux} xl_linux_samples=80,$BUILD/dom0/initrd.cpio.gz"
}

# check_linux_scenario: what every run of xl_test=linux must show (but the exit rates)
check_linux_scenario() {
	expect_rc 0
	expect_log "xen-lite-dom0: linux: 1" "d1 (hpc-linux): Linux (protocol 2." \
		"(d2 hello) PASS: hello" "domain d3 (crasher) crashed: triple fault" \
		"xen-lite-guest: compute done 250 rounds" "domain d1 (hpc-linux): ACPI power off" \
		"domain d1 (hpc-linux) exits:"
	expect_log_regex "xen-lite-dom0: linux-sample [0-9]+ shutdown [0-9]+,[0-9]+"
	expect_log_regex "\(d1 hpc-linux\) \[ *[0-9.]+\] smpboot: Total of 2 processors activated"
	expect_log_regex "\(d1 hpc-linux\) \[ *[0-9.]+\] xen-lite-guest: init reached"
	expect_log_regex "\(d1 hpc-linux\) \[ *[0-9.]+\] xen-lite-guest: cpus 2"
	expect_log_regex "\(d1 hpc-linux\) \[ *[0-9.]+\] xen-lite-guest: memtotal [0-9]+ kB"
	# and nothing the Linux guests left in their APICs reached the hypervisor
	expect_no_log "hpc-linux) crashed" "IPI refused" "unexpected interrupt vector"
	# the crash came before the Linux guest finished: it kept running through it
	local crashed_at done_at
	crashed_at=$(grep -an 'crasher) crashed' "$LOG" | head -1 | cut -d: -f1)
	done_at=$(grep -an 'compute done' "$LOG" | head -1 | cut -d: -f1)
	if [ -z "$crashed_at" ] || [ -z "$done_at" ]; then
		test_fail "no crash of the crasher or no end of the computation in the log"
	elif [ "$crashed_at" -gt "$done_at" ]; then
		test_fail "the crashing guest ended after the Linux guest's computation"
	fi
}

# check_linux_shell_scenario: what every run of xl_test=linux_shell must show
check_linux_shell_scenario() {
	expect_rc 0
	# typed into a Linux guest's shell through xl-lite console, answered there; then
	# paused and unpaused, and xl-lite shutdown, which its module (running on the
	# guest's timers, so they survived the pause) turns into an orderly ACPI power off
	expect_log_regex "xen-lite-dom0: shell-out: .*typed: 42.?$" # the answer: a kernel log line
	expect_log "xen-lite-dom0: shell: created 1" \
		"xen-lite-dom0: shell: console exit 0" "xen-lite-dom0: pause: exit 0" \
		"xen-lite-dom0: unpause: exit 0" "xen-lite-dom0: shutdown: exit 0" \
		"xenlite_guest: dom0 asks this guest to shut down" "domain d1 (shell): ACPI power off"
	expect_log_regex "xen-lite-dom0: list: +shell +1 +[0-9]+ +[0-9]+ +shutdown "
	# a panicking Linux guest is marked crashed (its module reports the panic) and,
	# with on_crash=restart, built again from the kept images
	expect_log "xen-lite-dom0: panic: 2" \
		"domain d2 (panic) crashed: the guest reported a crash (code 0x50414e4943)" \
		"domain d2 (panic) restarted as d3 (on_crash=restart)"
	expect_log_regex "xen-lite-dom0: list: +panic +3 +[0-9]+ +[0-9]+ +running "
	expect_no_log "IPI refused" "unexpected interrupt vector"
}

test_dom0_linux_guest() {
	# from dom0: a Linux guest (Debian's kernel, busybox initramfs) on CPUs 1-2 and an ELF
	# guest on CPU 3 both print through their consoles; then a triple-faulting guest on
	# CPU 3 is contained while the Linux guest computes on its vCPU 1 without exits
	boot_linux_scenario dom0-linux
	check_linux_scenario
	# QEMU 7.2: xAPIC, whose every write exits, so vCPU 0's timer ticks are counted
	expect_log "lapic: xAPIC mode"
	expect_no_log "x2apic: enabled by BIOS"
	check_linux_compute_exits
	test_result
}

# A Linux guest's shell answers what dom0 types through xl-lite console, survives a
# pause and shuts down when dom0 asks; then a panicking guest is restarted
test_dom0_linux_guest_shell() {
	boot_linux_scenario dom0-linux-shell linux_shell
	check_linux_shell_scenario
	test_result
}

# xl-lite run: commands run inside a Linux guest through its console by xl-agent, with
# their output, exit status and words as given; the refusals; a guest that ends meanwhile
test_dom0_linux_guest_run() {
	boot_linux_scenario dom0-linux-run linux_run
	expect_rc 0
	expect_log_regex "xen-lite-dom0: run-uname: 6\.1\.[0-9]+-[0-9]+-amd64.?$"
	expect_log "xen-lite-dom0: run-uname: exit 0" "xen-lite-dom0: run-nproc: 2" \
		"xen-lite-dom0: run-status: it's 42" "xen-lite-dom0: run-status: to-stderr" \
		"xen-lite-dom0: run-status: exit 3" "xen-lite-dom0: run-words: a b|c'd|\$HOME||x|" \
		"xen-lite-dom0: run-words: exit 0" "xen-lite-dom0: run-missing: exit 127" \
		"xen-lite-dom0: run-second: second" "xen-lite-dom0: run-second: exit 0" \
		"xen-lite-dom0: run-first: exit 0" \
		"xen-lite-dom0: run-sha: /tmp/f: OK" "xen-lite-dom0: run-sha: exit 0" \
		"xen-lite-dom0: run-dom0: xl-lite: run: 'dom0' is dom0, not a guest" "xen-lite-dom0: run-dom0: exit 2" \
		"xen-lite-dom0: run-no-agent: xl-lite: run: domain 2 did not take the command within 15 s" \
		"xen-lite-dom0: run-no-agent: exit 255" \
		"xen-lite-dom0: run-lited: beside the daemon" "xen-lite-dom0: run-lited: exit 4" \
		"xen-lite-dom0: run-lited-log: 1" "xen-lite-dom0: run-lited: daemon exit 0" \
		"xen-lite-dom0: run-ends: xl-lite: run: domain 1 ended before the command did" \
		"xen-lite-dom0: run-ends: exit 255" "domain d1 (agent): ACPI power off"
	expect_log_regex "xen-lite-dom0: run-missing: .*no-such-command: not found"
	# --user drops to the ids (pid 1 is not theirs), --cwd, --env; bad values refused
	expect_log "xen-lite-dom0: run-user: ids 1000 1000 1000" "xen-lite-dom0: run-user: exit 1" \
		"xen-lite-dom0: run-user-gid: 1001" "xen-lite-dom0: run-user-gid: exit 0" \
		"xen-lite-dom0: run-cwd: /proc" "xen-lite-dom0: run-cwd: exit 0" \
		"xen-lite-dom0: run-no-cwd: xl-run: no directory /no/such in the guest: running in /" \
		"xen-lite-dom0: run-no-cwd: exit 0" "xen-lite-dom0: run-env: A=1 B=it's two" \
		"xen-lite-dom0: run-bad-user: xl-lite: run: --user '1000:x' must be UID or UID:GID" \
		"xen-lite-dom0: run-bad-user: exit 2" \
		"xen-lite-dom0: run-bad-env: xl-lite: run: --env '1A=x' NAME must start with a letter" \
		"xen-lite-dom0: run-bad-env: exit 2" "more than the 2048 a request holds" \
		"xen-lite-dom0: run-too-long: exit 2"
	expect_log_regex "xen-lite-dom0: run-user: cat: .*/proc/1/environ.*Permission denied"
	expect_log_regex "xen-lite-dom0: run-no-cwd: /.?$"
	# beside xl-lited two runs overlap: each saw the other's file within its 10 s
	expect_log "xen-lite-dom0: run-meet: one met two" "xen-lite-dom0: run-meet: two met one" \
		"xen-lite-dom0: run-meet-one: exit 0" "xen-lite-dom0: run-meet-two: exit 0"
	# every line of run-first's came to it: without the lock the second run, reading the
	# same console meanwhile, takes some of them (and drops them as not its own)
	local i
	for i in 1 2 3 4 5 6 7 8 9 10; do
		expect_log "xen-lite-dom0: run-first: first $i"
	done
	expect_no_log "PANIC" "gave up after" "console lost" "does not log domain"
	test_result
}

# The same on QEMU 10, whose CPU has x2APIC: the Linux guests' CPUs run in x2APIC mode
# (the hypervisor's stay in xAPIC mode, as dom0 needs), their timer and EOI writes do
# not exit, so the whole guest computes with (near) zero exits: vCPU 0 keeps only its
# module's once-a-second shutdown query (measured: 1 exit/s)
test_dom0_linux_guest_x2apic() {
	local -a QEMU_SYSTEM
	local QEMU_CPU
	use_qemu10 || return 1
	boot_linux_scenario dom0-linux-x2apic
	check_linux_scenario
	expect_log "lapic: xAPIC mode"
	expect_log_regex "\(d1 hpc-linux\) \[ *[0-9.]+\] x2apic: enabled by BIOS, switching to x2apic ops"
	expect_log_regex "\(d1 hpc-linux\) \[ *[0-9.]+\] Setting APIC routing to physical x2apic"
	expect_no_log "x2apic disabled"
	# nothing went through the xAPIC page, whose writes are nested page faults
	expect_log_regex "domain d1 \(hpc-linux\) exits: .*msr-write [0-9]+"
	expect_no_log_regex "domain d1 \(hpc-linux\) exits: .*npf"
	check_linux_compute_exits 3
	test_result
}

test_dom0_linux_guest_x2apic_shell() {
	local -a QEMU_SYSTEM
	local QEMU_CPU
	use_qemu10 || return 1
	boot_linux_scenario dom0-linux-x2apic-shell linux_shell
	check_linux_shell_scenario
	expect_log_regex "\(d1 shell\) \[ *[0-9.]+\] x2apic: enabled by BIOS, switching to x2apic ops"
	test_result
}

# A Linux guest rebooted, by dom0 (xl-lite reboot: its xenlite-guest module is asked and
# reboots the kernel, whose ACPI reset ends the domain with reason reboot) and from its
# own shell: each time on_reboot's default (restart) starts it again as a new domain on
# the same CPUs, without any request from dom0; vcpu-list shows each of its three vCPUs
# on its own CPU in the order of cpus = "3,1,2"; shut down, on_poweroff's default
# (destroy) frees it and the node is as before
test_dom0_linux_guest_reboot() {
	QEMU_TIMEOUT=420 qemu_boot dom0-linux-reboot -machine q35 -smp 4 -m 1G -kernel "$BUILD/xen-lite.elf" \
		-append "dom0_mem=512M" \
		-initrd "$BUILD/dom0/vmlinuz console=ttyS0 xl_test=linux_reboot,$BUILD/dom0/initrd.cpio.gz"
	expect_rc 0
	expect_log "xen-lite-dom0: rebooter: 1" "xenlite_guest: domain 1: dom0's shutdown and reboot requests are honoured" \
		"domain d1 (rebooter): reboot requested by dom0" "xenlite_guest: dom0 asks this guest to reboot" \
		"domain d1 (rebooter): ACPI reset" "xen-lite-dom0: reboot: exit 0" \
		"domain d1 (rebooter) restarted as d2 (on_reboot=restart)" \
		"domain d2 (rebooter): ACPI reset" "domain d2 (rebooter) restarted as d3 (on_reboot=restart)" \
		"xen-lite-dom0: shutdown: exit 0" "domain d3 (rebooter): ACPI power off" \
		"domain d3 (rebooter) destroyed (on_poweroff=destroy)" "xen-lite-dom0: linux-reboot: node unchanged"
	expect_log_regex "\(d3 rebooter\) .*xen-lite-guest: shell on the console"
	local id
	for id in 1 2; do
		local label=vcpu-list
		[ "$id" = 1 ] || label=vcpu-list-$id
		expect_log_regex "xen-lite-dom0: $label: +rebooter +$id +0 +3 +running "
		expect_log_regex "xen-lite-dom0: $label: +rebooter +$id +1 +1 +running "
		expect_log_regex "xen-lite-dom0: $label: +rebooter +$id +2 +2 +running +[0-9]+ +1-3.?$"
	done
	expect_log_regex "xen-lite-dom0: list: +rebooter +3 +[0-9]+ +3 +running "
	expect_no_log "PANIC" "rebooter) crashed" "gave up after" "node changed" "IPI refused"
	test_result
}

# A Linux guest larger than 3 GiB: RAM below the 3 GiB hole and from 4 GiB up, as its e820
# map and MemTotal say; destroyed, the node is as before (QEMU -m 8G: room for 1 GiB
# pages after dom0 and the hypervisor's own allocations)
test_dom0_linux_guest_above_4g() {
	local kb
	QEMU_TIMEOUT=120 qemu_boot dom0-bigmem -machine q35 -smp 2 -m 8G -kernel "$BUILD/xen-lite.elf" \
		-append "dom0_mem=512M" \
		-initrd "$BUILD/dom0/vmlinuz console=ttyS0 xl_test=bigmem,$BUILD/dom0/initrd.cpio.gz"
	expect_rc 0
	expect_log "xen-lite-dom0: bigmem: created 1" "domain d1 (big) memory: 3584 MiB in " \
		"xen-lite-dom0: destroy: exit 0" "xen-lite-dom0: bigmem: node unchanged"
	expect_log_regex "\(d1 big\) \[ *[0-9.]+\] BIOS-e820: \[mem 0x0000000000100000-0x00000000bfffffff\] usable"
	expect_log_regex "\(d1 big\) \[ *[0-9.]+\] BIOS-e820: \[mem 0x0000000100000000-0x000000011fffffff\] usable"
	expect_log_regex "xen-lite-dom0: list: +big +1 +3584 +1 +running "
	kb=$(sed -nE 's/.*\(d1 big\) .*xen-lite-guest: memtotal ([0-9]+) kB.*/\1/p' "$LOG" | head -1)
	# 3.5 GiB less what the kernel keeps for itself
	if [ "${kb:-0}" -lt 3400000 ] || [ "${kb:-0}" -gt 3670016 ]; then
		test_fail "the guest's MemTotal is '${kb:-none}' kB, expected about 3.5 GiB"
	fi
	expect_no_log "PANIC" "big) crashed"
	test_result
}

# Memory a guest gets reads as zero: a guest fills 640 MiB with 0xA5 and is destroyed, the
# next one on the same CPU finds only zeros - created from a config file (its memory
# zeroed in XL_DOMCTL_PREPARE steps of 256 MiB, then the rest at START), and with
# create-elf (CREATE_ELF, zeroed at once)
test_dom0_guest_memory_zeroed() {
	local name
	qemu_boot dom0-scrub -machine q35 -smp 2 -m 2G -kernel "$BUILD/xen-lite.elf" \
		-append "dom0_mem=512M" \
		-initrd "$BUILD/dom0/vmlinuz console=ttyS0 xl_test=scrub,$BUILD/dom0/initrd.cpio.gz"
	expect_rc 0
	for name in fill-config check-config fill-oneshot check-oneshot; do
		expect_log "xen-lite-dom0: $name: exit 0"
	done
	expect_log_regex "\(d1 fill-config\) PASS: zeroed: filled [0-9]+ words of 640 MiB"
	expect_log_regex "\(d3 fill-oneshot\) PASS: zeroed: filled [0-9]+ words of 640 MiB"
	expect_log_regex "\(d2 check-config\) PASS: zeroed: [0-9]+ words of 640 MiB all read 0"
	expect_log_regex "\(d4 check-oneshot\) PASS: zeroed: [0-9]+ words of 640 MiB all read 0"
	# PREPARE took it in three calls (256 + 256 + 128 MiB); CREATE_ELF in one
	expect_log "domain d2 (check-config) memory: 640 MiB in " "domain d4 (check-oneshot) memory: 640 MiB in "
	expect_log_regex "domain d2 \(check-config\) memory: .* pages, zeroed in 3 step\(s\)"
	expect_log_regex "domain d4 \(check-oneshot\) memory: .* pages, zeroed in 1 step\(s\)"
	expect_no_log "FAIL" "PANIC"
	test_result
}

# With x2apic=on the hypervisor's APICs are in x2APIC mode, where dom0's xAPIC page does
# not exist: dom0 is refused with the reason, and the hypervisor halts cleanly
test_dom0_refused_with_x2apic_on() {
	local -a QEMU_SYSTEM
	local QEMU_CPU
	use_qemu10 || return 1
	qemu_boot dom0-x2apic-on -machine q35 -smp 2 -m 1G -kernel "$BUILD/xen-lite.elf" \
		-append "dom0_mem=512M x2apic=on after_boot=halt debug_exit=0xf4" \
		-initrd "$BUILD/dom0/vmlinuz console=ttyS0 xl_test=poweroff,$BUILD/dom0/initrd.cpio.gz"
	expect_rc 1
	expect_log "lapic: x2APIC mode" \
		"dom0: it needs the local APIC in xAPIC mode: boot without x2apic=on" \
		"dom0: cannot start: no such device (-19)" "halting: nothing left to run"
	expect_no_log "PANIC" "(d0)"
	test_result
}

# A Linux guest in x2APIC mode writes its APIC's registers through /dev/cpu/0/msr
# (guest_test=x2apic in dom0-tools/guest-initrd/init): IPIs to CPUs it does not own and
# destinations the policy does not resolve are refused and logged, reserved ICR bits
# and the read-only APIC ID fault (#GP) in the guest, an ExtINT LINT0 is written
# masked; dom0 runs on. On QEMU 7.2 (xAPIC) every one of those MSRs faults.
check_x2apic_hostile_common() {
	expect_rc 0
	expect_log "xen-lite-dom0: x2apic: 1" "xen-lite-guest: x2apic done" \
		"domain d1 (x2apic): ACPI power off"
	expect_log_regex "xen-lite-dom0: list: +x2apic +1 +[0-9]+ +[0-9]+ +shutdown "
	expect_no_log "PANIC" "x2apic) crashed"
}

test_dom0_linux_guest_x2apic_hostile() {
	local -a QEMU_SYSTEM
	local QEMU_CPU what
	use_qemu10 || return 1
	qemu_boot dom0-x2apic-hostile -machine q35 -smp 4 -m 1G -kernel "$BUILD/xen-lite.elf" \
		-append "dom0_mem=512M" \
		-initrd "$BUILD/dom0/vmlinuz console=ttyS0 xl_test=x2apic,$BUILD/dom0/initrd.cpio.gz"
	check_x2apic_hostile_common
	expect_log "d1 (x2apic): IPI refused (ICR 0x00000000:000040ec, destination APIC id 0): the destination is a CPU the domain does not own" \
		"d1 (x2apic): IPI refused (ICR 0x00000000:00004400, destination APIC id 0): NMI and SMI are the hypervisor's" \
		"d1 (x2apic): IPI refused (ICR 0x03000000:00004500, destination APIC id 3): INIT and SIPI only go to the domain's own other CPUs" \
		"d1 (x2apic): IPI refused (ICR 0x00000001:000048ec, destination APIC id 1): logical destinations in x2APIC mode" \
		"d1 (x2apic): IPI refused (ICR 0xffffffff:000040ec, destination APIC id 4294967295): a destination beyond the domain's CPUs"
	for what in "fixed IPI to APIC id 0" "NMI to APIC id 0" "INIT to APIC id 3" \
		"logical destination" "broadcast destination" "ExtINT LINT0"; do
		expect_log "xen-lite-guest: x2apic $what: ok"
	done
	expect_log "xen-lite-guest: x2apic reserved ICR bits: failed" \
		"xen-lite-guest: x2apic APIC ID write: failed" "xen-lite-guest: x2apic LINT0 reads 00010700" \
		"xen-lite-guest: x2apic timer mode 3: failed" \
		"xen-lite-guest: x2apic TSC-deadline mode without TSC-deadline: failed"
	test_result
}

test_dom0_linux_guest_xapic_no_x2apic_msrs() {
	local what
	qemu_boot dom0-xapic-hostile -machine q35 -smp 4 -m 1G -kernel "$BUILD/xen-lite.elf" \
		-append "dom0_mem=512M" \
		-initrd "$BUILD/dom0/vmlinuz console=ttyS0 xl_test=x2apic,$BUILD/dom0/initrd.cpio.gz"
	check_x2apic_hostile_common
	for what in "fixed IPI to APIC id 0" "NMI to APIC id 0" "INIT to APIC id 3" \
		"logical destination" "broadcast destination" "reserved ICR bits" "APIC ID write" \
		"ExtINT LINT0" "timer mode 3" "TSC-deadline mode without TSC-deadline"; do
		expect_log "xen-lite-guest: x2apic $what: failed"
	done
	expect_no_log "IPI refused"
	test_result
}

# Shared memory segments and event channels from dom0 (Documentation/composition.md,
# xl_test=shm): two ELF guests given the 2M segment `ring` by their shm key, joined by
# xl-lite event-connect, ping-pong 100 messages through it in order; dom0 attaches it and
# reads the guests' last words, writes and reads back, and cannot detach it while a process
# (tests/dom0/shm-hold.c) maps it; a read-only attachment refuses
# dom0's write, and ends a guest that writes one (the segment keeps dom0's data); a guest's
# misuse of both hypercalls is refused; 50 guests created and destroyed with a segment each
# leave the node's memory and CPUs as they were
test_dom0_shm() {
	local a b
	QEMU_TIMEOUT=300 qemu_boot dom0-shm -machine q35 -smp 4 -m 1G -kernel "$BUILD/xen-lite.elf" \
		-append "dom0_mem=512M" \
		-initrd "$BUILD/dom0/vmlinuz console=ttyS0 xl_test=shm,$BUILD/dom0/initrd.cpio.gz"
	expect_rc 0
	expect_log "xen-lite-dom0: create-ring: exit 0" "xen-lite-dom0: peer-a: exit 0" \
		"xen-lite-dom0: peer-b: exit 0" "xen-lite-dom0: connect: exit 0" \
		"xen-lite-dom0: unpause-a: exit 0" "xen-lite-dom0: unpause-b: exit 0" \
		"shm: 'ring' created, 2048 KiB at 0x"
	a=$(tr -d '\r' <"$LOG" | sed -nE 's/.*xen-lite-dom0: peer-a: ([0-9]+)$/\1/p' | head -1)
	b=$(tr -d '\r' <"$LOG" | sed -nE 's/.*xen-lite-dom0: peer-b: ([0-9]+)$/\1/p' | head -1)
	if [ -z "$a" ] || [ -z "$b" ]; then
		test_fail "no domain ids for peer-a and peer-b"
	else
		expect_log "xen-lite-dom0: connect: d$a port 0 <-> d$b port 0" \
			"(d$a peer-a) PASS: shm-peer: ping: 100 messages answered in order" \
			"(d$a peer-a) shm-peer: port 0 connected to d$b port 0, vector 0x40"
		expect_log_regex "\(d$b peer-b\) PASS: shm-peer: pong: 100 messages in order, [0-9]+ interrupts"
		expect_log_regex "\(d$a peer-a\) shm-peer: segment 'ring', 2048 KiB at 0x[0-9a-f]+, read-write"
		expect_log_regex "shm: 'ring' attached to d$a read-write at 0x8000000000"
		expect_log "domain d$a: detached from 1 shared segment(s)" "domain d$a: 1 event channel(s) closed"
	fi
	# dom0's own view: the guests' last message, then its own; not detached while a process maps it
	expect_log_regex "xen-lite-dom0: hold: shm-hold: mapped 4096 bytes at 0x[0-9a-f]+: 'hello-from-dom0'"
	expect_log "xen-lite-dom0: attach-dom0: exit 0" "xen-lite-dom0: read-64: ping-pong done 100" \
		"xen-lite-dom0: write: exit 0" "xen-lite-dom0: read-15: hello-from-dom0" \
		"xen-lite-dom0: detach-held: exit 1" \
		"xen-lite-dom0: detach-held: xl-lite: shm-detach: a process in dom0 still maps 'ring' (/dev/xenlite): it must unmap it first" \
		"xen-lite-dom0: hold: shm-hold: done, 'hello-from-dom0'" \
		"xen-lite-dom0: detach-dom0: exit 0" "xen-lite-dom0: destroy-ring: exit 0" \
		"shm: 'ring' freed (2048 KiB)"
	# read-only: dom0's writable mapping refused by its driver; a guest's write ends the guest
	expect_log "xen-lite-dom0: write-ro: exit 1" \
		"xen-lite-dom0: write-ro: xl-lite: shm-write: dom0 has 'ro-seg' attached read-only: /dev/xenlite refused a writable mapping (EACCES)" \
		"xen-lite-dom0: ro-writer: exit 0" "xen-lite-dom0: read-ro2: seen-by-the-guest"
	expect_log_regex "\(d[0-9]+ ro-writer\) shm-peer: read 0x73 from the read-only segment; now writing it"
	expect_log_regex "domain d[0-9]+ \(ro-writer\) crashed: write at guest-physical 0x[0-9a-f]+ not permitted there"
	expect_no_log_regex "ro-writer\) FAIL"
	# dom0 takes a guest's notifications as interrupts of its own kernel (xenlite.ko's vector)
	expect_log "xen-lite-dom0: shm: dom0 answered 20 events" "xen-lite-dom0: event-close: exit 0" \
		"xen-lite-dom0: event-close-again: exit 1"
	expect_log_regex "xen-lite-dom0: event-close-again: xl-lite: event-close: dom0 has no port [0-9]+ open"
	expect_log_regex "xen-lite-dom0: dom0-channel: d[0-9]+ port 0 <-> d0 port [0-9]+"
	expect_log_regex "\(d[0-9]+ pinger\) PASS: shm-peer: ping: 20 notifications answered"
	expect_log_regex "xen-lite-dom0: kernel: xenlite: events: vector 0x[0-9a-f]+ on APIC id 0 \(irq [0-9]+\)"
	expect_log_regex "xen-lite-dom0: interrupts: [0-9]+: (2[0-9]|[3-9][0-9]|[1-9][0-9]{2,})[^0-9]"
	expect_log_regex "\(d[0-9]+ misuse\) PASS: shm-peer: hostile: [0-9]+ misuses refused"
	expect_log "xen-lite-dom0: shm: cycles done" "xen-lite-dom0: shm: node unchanged by the cycles" \
		"xen-lite-dom0: shm done"
	expect_no_log_regex "xen-lite-dom0: shm: cycle [0-9]+: "
	[ "$(grep -ac "shm: 'cycle-[0-9]*' freed (4096 KiB)" "$LOG")" = 50 ] ||
		test_fail "not every cycle's segment was freed with its guest"
	expect_no_log "(XL) PANIC" "unexpected exception"
	test_result
}

# A Linux guest's user space on a shared segment and an event channel (xl_test=shm_linux):
# Debian's kernel with xenlite-shm.ko; tests/linux-guest/xls-ping.c maps the segment its
# shm key attached, and exchanges 50 messages with an ELF guest (shm_peer.elf role=pong)
# over the channel dom0 connected, text and order checked, each answer taken as an
# interrupt of the Linux kernel (vector from the x86 vector domain, a fixed IPI from the
# hypervisor); the node as it was after both are destroyed
# A Linux guest's virtio-blk disk, served by dom0's xl-vblk from a file (Documentation/
# virtio.md): Debian's stock virtio_pci and virtio_blk in the guest, the transport in the
# hypervisor, the device in dom0; what the guest wrote is in dom0's file, byte for byte
# A Linux guest's NIC, served by dom0's xl-vnet through a TAP device dom0 addresses
# (Documentation/virtio.md): Debian's stock virtio_net; pings both ways and 16 MiB over TCP
# each way, checksummed (the same traffic as the assigned e1000e's in t-iommu.sh)
# 50 Linux guests, each with a disk, a NIC and a segment, created paused and destroyed
# without running: their devices are added and their back-ends started and ended; the
# node's memory and CPUs, dom0's back-end processes and TAP devices come back every time
test_dom0_virtio_cycles() {
	QEMU_TIMEOUT=600 qemu_boot dom0-virtio-cycles -machine q35 -smp 2 -m 1G -kernel "$BUILD/xen-lite.elf" \
		-append "dom0_mem=512M" \
		-initrd "$BUILD/dom0/vmlinuz console=ttyS0 xl_test=virtio_cycles,$BUILD/dom0/initrd.cpio.gz"
	expect_rc 0
	expect_log "xen-lite-dom0: virtio-cycles: node unchanged" "xen-lite-dom0: virtio-cycles done"
	expect_log_regex "xen-lite-dom0: virtio-cycles: before: .*, back-ends 0, TAP devices 0"
	expect_log_regex "xen-lite-dom0: virtio-cycles: 50 cycles; after: .*, back-ends 0, TAP devices 0"
	expect_no_log_regex "virtio-cycles: (create|destroy) [0-9]+ failed"
	expect_no_log "(XL) PANIC" "Kernel panic"
	test_result
}

test_dom0_virtio_net() {
	local sent back
	QEMU_TIMEOUT=600 qemu_boot dom0-virtio-net -machine q35 -smp 2 -m 1G -kernel "$BUILD/xen-lite.elf" \
		-append "dom0_mem=512M" \
		-initrd "$BUILD/dom0/vmlinuz console=ttyS0 xl_test=virtio_net,$BUILD/dom0/initrd.cpio.gz"
	expect_rc 0
	expect_log "xen-lite-dom0: virtio-net: created 1" "xen-lite-dom0: virtio-net done" \
		"xen-lite-dom0: virtio-net: node unchanged" "xen-lite-dom0: nic: received 16777216 bytes" \
		"xen-lite-guest: nic: sent back, exit 0"
	expect_log_regex "d1 \\(vnet\\): virtio device 0 \\(type 1, 2 queue\\(s\\)\\) is PCI function 00:01.0"
	expect_log_regex "xen-lite-dom0: vnet-n: vif: +xlt0 \\(MAC default\\), no bridge"
	expect_pings_answered "xen-lite-guest: nic: ping" "xen-lite-dom0: nic: dom0 ping"
	sent=$(grep -aoE "xen-lite-dom0: nic: sent md5 [0-9a-f]{32}" "$LOG" | awk '{ print $5 }')
	back=$(grep -aoE "xen-lite-dom0: nic: received 16777216 bytes, md5 [0-9a-f]{32}" "$LOG" | awk '{ print $7 }')
	[ -n "$sent" ] && [ "$sent" = "$back" ] || test_fail "dom0 sent ${sent:-nothing}, got ${back:-nothing} back"
	[ -n "$sent" ] && expect_log "xen-lite-guest: nic: received $sent"
	expect_log_regex "virtio-net: back-end: xl-vnet: d1: the guest is gone: received [1-9][0-9]* frames"
	grep -aoE "nic: guest exits during the transfers [0-9]+ in [0-9.]+ s|nic: dom0 to guest 16 MiB in [0-9.]+ s" \
		"$LOG" | sed 's/^/    /'
	expect_no_log "(XL) PANIC" "Kernel panic"
	test_result
}

# Two Linux guests and dom0 on one Linux bridge (xl_test=virtio_bridge): each guest's NIC
# a TAP device its xl-vnet puts on br0 (the vif key's bridge=); the second guest pings the
# first and dom0 and sends the first 4 MiB over TCP, which the first sends on to dom0:
# guest to guest and guest to dom0, checksummed end to end; TAP devices, bridge ports,
# back-ends and the node as before
test_dom0_virtio_bridge() {
	local sent got
	QEMU_TIMEOUT=900 qemu_boot dom0-virtio-bridge -machine q35 -smp 3 -m 1536M -kernel "$BUILD/xen-lite.elf" \
		-append "dom0_mem=512M" \
		-initrd "$BUILD/dom0/vmlinuz console=ttyS0 xl_test=virtio_bridge,$BUILD/dom0/initrd.cpio.gz"
	expect_rc 0
	expect_log "xen-lite-dom0: virtio-bridge: ports before: none" "xen-lite-dom0: virtio-bridge: ports after: none" \
		"xen-lite-dom0: virtio-bridge: TAP devices after: 0" "xen-lite-dom0: virtio-bridge: node unchanged" \
		"xen-lite-dom0: virtio-bridge done" "xen-lite-guest: nic: sent back, exit 0"
	expect_log_regex "xen-lite-dom0: virtio-bridge: ports: xlv1\\.0 xlv2\\.0"
	expect_log "xen-lite-dom0: virtio-bridge: addresses: br0 fe:ff:ff:ff:ff:ff, xlv1.0 fe:ff:ff:ff:ff:ff, xlv2.0 fe:ff:ff:ff:ff:ff"
	expect_pings_answered "xen-lite-guest: nic: ping" "xen-lite-guest: vnet-client: ping peer" \
		"xen-lite-guest: vnet-client: ping dom0" "xen-lite-dom0: virtio-bridge: dom0 ping a" \
		"xen-lite-dom0: virtio-bridge: dom0 ping b"
	expect_log_regex "xen-lite-guest: vnet-client: sent, exit 0, 4 MiB in"
	sent=$(grep -aoE "xen-lite-guest: vnet-client: sent md5 [0-9a-f]{32}" "$LOG" | awk '{ print $5 }')
	got=$(grep -aoE "xen-lite-dom0: virtio-bridge: received 4194304 bytes, md5 [0-9a-f]{32}" "$LOG" | awk '{ print $7 }')
	[ -n "$sent" ] && [ "$sent" = "$got" ] || test_fail "vnet-b sent ${sent:-nothing}, dom0 got ${got:-nothing}"
	[ -n "$sent" ] && expect_log "xen-lite-guest: nic: received $sent"
	expect_log_regex "virtio-bridge: back-end a: xl-vnet: d1: the guest is gone: received [1-9][0-9]* frames"
	expect_log_regex "virtio-bridge: back-end b: xl-vnet: d2: the guest is gone: received [1-9][0-9]* frames"
	grep -aoE "virtio-bridge: received [0-9]+ bytes, md5 [0-9a-f]+ in [0-9.]+ s|vnet-client: sent, exit 0, .*" \
		"$LOG" | sed 's/^/    /'
	expect_no_log "(XL) PANIC" "Kernel panic"
	test_result
}

# What `make run` offers (Documentation/virtio.md, "make run"): dom0's linux_io_prepare, as
# its shell runs it - br0 at 10.0.0.1/24, a 64 MiB ext2 image with a README - then the
# example /etc/xen-lite/linux-io.cfg created as shipped. The guest brings up its NIC (on br0),
# its disk (mounted on /mnt, the README read) and its segment by itself; dom0 pings it, its
# shell writes a file through xl-lite console, dom0 finds it in the image; destroyed, its
# back-ends, TAP device and segment go and the node is as it was
test_dom0_run_example() {
	local io="\\(d1 linux-io\\) .*xen-lite-guest:"
	QEMU_TIMEOUT=600 qemu_boot dom0-run-example -machine q35 -smp 2 -m 1G -kernel "$BUILD/xen-lite.elf" \
		-append "dom0_mem=512M" \
		-initrd "$BUILD/dom0/vmlinuz console=ttyS0 xl_test=run_example,$BUILD/dom0/initrd.cpio.gz"
	expect_rc 0
	expect_log "xen-lite-dom0: run-example: prepared: 0 port(s) on br0, 64 MiB image" \
		"xen-lite-dom0: create-n: exit 0" "xen-lite-dom0: run-example: created 1" \
		"xen-lite-dom0: run-example: br0's ports: xlv1.0 "
	expect_log_regex "d1 \\(linux-io\\): virtio device 0 \\(type 2, 1 queue\\(s\\)\\)"
	expect_log_regex "d1 \\(linux-io\\): virtio device 1 \\(type 1, 2 queue\\(s\\)\\)"
	# the guest's own account: its NIC addressed, its disk mounted and read, its segment bound
	expect_log_regex "$io eth0 10\\.0\\.0\\.2/24 up, /dev/vda 64 MiB mounted on /mnt, segment 'linux-io' 2048 KiB"
	expect_log_regex "$io /mnt/README: linux-io's disk: an ext2 filesystem dom0 made in /var/lib/xen-lite/linux-io\\.img"
	expect_log_regex "$io shell on the console"
	expect_pings_answered "xen-lite-dom0: run-example: ping"
	# its shell wrote the disk, and dom0's file has it
	expect_log "xen-lite-dom0: run-example: console exit 0" \
		"xen-lite-guest: note written by linux-io" \
		"xen-lite-dom0: run-example: the image's note: written by linux-io"
	expect_log "xen-lite-dom0: destroy: exit 0" \
		"xen-lite-dom0: run-example: after: back-ends 0, br0's ports 0, segments 0" \
		"xen-lite-dom0: run-example: node unchanged" "xen-lite-dom0: run-example done"
	expect_log_regex "run-example: back-end: xl-vblk: d1: the guest is gone: [1-9][0-9]* requests"
	expect_log_regex "run-example: back-end: xl-vnet: d1: the guest is gone: received [1-9][0-9]* frames"
	expect_no_log_regex "gave up after|timed out after"
	expect_no_log "(XL) PANIC" "Kernel panic" "linux-io) crashed"
	test_result
}

test_dom0_virtio_blk() {
	local wrote
	QEMU_TIMEOUT=600 qemu_boot dom0-virtio-blk -machine q35 -smp 2 -m 1G -kernel "$BUILD/xen-lite.elf" \
		-append "dom0_mem=512M" \
		-initrd "$BUILD/dom0/vmlinuz console=ttyS0 xl_test=virtio_blk,$BUILD/dom0/initrd.cpio.gz"
	expect_rc 0
	expect_log "xen-lite-dom0: virtio-blk: created 1" "xen-lite-dom0: virtio-blk done" \
		"xen-lite-dom0: virtio-blk: node unchanged"
	expect_log_regex "d1 \\(vblk\\): virtio device 0 \\(type 2, 1 queue\\(s\\)\\) is PCI function 00:01.0"
	expect_log_regex "\\(d1 vblk\\) .*virtio_blk virtio0: \\[vda\\] 16384 512-byte logical blocks"
	expect_log "xen-lite-dom0: create-n: disk:         /tmp/disk.img as xvda, read-write"
	expect_log_regex "\\(d1 vblk\\) .*xen-lite-guest: vblk: /dev/vda, 16384 sectors, serial xvda"
	expect_log_regex "\\(d1 vblk\\) .*xen-lite-guest: vblk: sector 5: xen-lite virtio-blk sector 5"
	expect_log_regex "virtio-blk: back-end: xl-vblk: d1: queue of [0-9]+ entries at 0x[0-9a-f]+, event index on"
	wrote=$(grep -ao 'vblk: wrote [0-9a-f]*, read back [0-9a-f]*' "$LOG" | tail -1)
	[[ "$wrote" =~ ^vblk:\ wrote\ ([0-9a-f]{32}),\ read\ back\ ([0-9a-f]{32})$ ]] &&
		[ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[2]}" ] ||
		test_fail "the guest did not read back what it wrote: '${wrote:-nothing}'"
	# dom0's file holds what the guest wrote
	[ -n "${BASH_REMATCH[1]:-}" ] && expect_log "xen-lite-dom0: virtio-blk: file at 2 MiB: ${BASH_REMATCH[1]}"
	expect_log "xen-lite-dom0: virtio-blk: file at sector 100: written by the guest"
	# the second disk: an ext2 filesystem dom0 made, mounted by the guest's ext4, written, and
	# mounted again in dom0
	expect_log_regex "\\(d1 vblk\\) .*xen-lite-guest: vblk: fs: hello: hello from dom0"
	expect_log_regex "\\(d1 vblk\\) .*xen-lite-guest: vblk: fs: unmounted"
	expect_log "xen-lite-dom0: virtio-blk: fs: note: written in the guest"
	wrote=$(grep -ao 'vblk: fs: blob [0-9a-f]*' "$LOG" | head -1 | cut -d' ' -f4)
	[ ${#wrote} -eq 32 ] && expect_log "xen-lite-dom0: virtio-blk: fs: blob $wrote" ||
		test_fail "no checksum of the guest's file: '${wrote:-nothing}'"
	expect_log_regex "d1 \\(vblk\\): virtio device 1 \\(type 2, 1 queue\\(s\\)\\) is PCI function 00:02.0"
	# the first disk's back-end killed while the guest paused, another took over and served
	# the rest (the guest's write and read back above went through it)
	expect_log_regex "xen-lite-dom0: virtio-blk: back-end [0-9]+ killed, and its worker [0-9]+"
	expect_log_regex "virtio-blk: back-end: xl-vblk: d1: taken over at request [1-9][0-9]*"
	expect_log_regex "virtio-blk: back-end: xl-vblk: d1: the guest is gone: [1-9][0-9]* requests \\([0-9]+ read, [1-9][0-9]* written"
	expect_log_regex "virtio-blk: back-end: xl-vblk: d1: the guest is gone: [1-9][0-9]* requests"
	expect_no_log_regex "xl-vblk: d1: .*(broken|failed|XL_IOCTL_GUEST_MAP)"
	expect_no_log "(XL) PANIC"
	test_result
}

# Back-ends that survive their own death (Documentation/virtio.md, "Supervision"): a Linux
# guest with a disk and a NIC from the keys; the disk's worker killed while the guest writes
# and reads back (checksums), the NIC's while dom0 pings it - both taken over, the I/O goes
# on -, then the disk's until its restarts are used up: the guest's read fails with an I/O
# error instead of waiting; the back-ends end with the guest; the node as it was
test_dom0_virtio_restart() {
	QEMU_TIMEOUT=900 qemu_boot dom0-virtio-restart -machine q35 -smp 2 -m 1G -kernel "$BUILD/xen-lite.elf" \
		-append "dom0_mem=512M" \
		-initrd "$BUILD/dom0/vmlinuz console=ttyS0 xl_test=virtio_restart,$BUILD/dom0/initrd.cpio.gz"
	expect_rc 0
	expect_log "xen-lite-dom0: virtio-restart: created 1" "xen-lite-dom0: virtio-restart done" \
		"xen-lite-dom0: virtio-restart: node unchanged"
	# the disk: its worker killed, another took the device over, the guest's rounds went on
	expect_log_regex "xen-lite-dom0: virtio-restart: disk worker [0-9]+ killed"
	expect_log_regex "disk: xl-vblk: d1: the back-end \\(pid [0-9]+\\) died \\(signal 9\\): restart 1 of 3, taking over device 0"
	expect_log_regex "disk: xl-vblk: d1: taken over at request [1-9][0-9]*"
	expect_log_regex "xen-lite-dom0: virtio-restart: disk rounds ok: [1-9][0-9]* before the restart, [1-9][0-9]* in all"
	expect_no_log_regex "vrestart: disk round [0-9]+ (MISMATCH|failed)"
	# the NIC: its worker killed while dom0 pinged, both queues taken over, the TAP device kept
	expect_log_regex "xen-lite-dom0: virtio-restart: nic worker [0-9]+ killed"
	expect_log_regex "nic: xl-vnet: d1: the back-end \\(pid [0-9]+\\) died \\(signal 9\\): restart 1 of 3, taking over device 1"
	expect_log_regex "nic: xl-vnet: d1: receive queue taken over at request [0-9]+"
	expect_log_regex "nic: xl-vnet: d1: transmit queue taken over at request [0-9]+"
	expect_log_regex "xen-lite-dom0: virtio-restart: ping during: 10 packets transmitted, [1-9][0-9]* (packets )?received"
	expect_log_regex "xen-lite-dom0: virtio-restart: ping after: 3 packets transmitted, 3 (packets )?received"
	expect_log "xen-lite-dom0: virtio-restart: xlt0 after: 10.0.0.1/24"
	# the disk's restarts used up: the failed state, the guest's read an I/O error, no hang
	expect_log_regex "disk: xl-vblk: d1: the back-end \\(pid [0-9]+\\) died \\(signal 9\\) after 3 restarts within 60 s: device 0 failed"
	expect_log_regex "vrestart\\) .*xen-lite-guest: vrestart: disk read failed: .*(I/O error|Input/output error)"
	expect_log_regex "vrestart\\) .*xen-lite-guest: vrestart: done"
	# both back-ends' last workers ended with the guest and closed dom0's ports; nothing left
	expect_log_regex "disk: xl-vblk: d1: the guest is gone: [0-9]+ requests .*[1-9][0-9]* refused in the failed state\\)"
	expect_log_regex "nic: xl-vnet: d1: the guest is gone: received [1-9][0-9]* frames"
	# dom0's ports: the next guest's three disks get ports 0, 1 and 2 (the lowest free port is
	# given), which the first guest's back-ends had: they were closed. create's clean-up after
	# its NIC failed: SIGTERM to each disk's supervisor, forwarded to its worker, which closes
	# its port as at a normal end
	expect_log_regex "xen-lite-dom0: virtio-restart: create with a missing bridge: exit [1-9]"
	for n in 0 1 2; do
		expect_log_regex "stopped disk: xl-vblk: d2: .*: virtio device $n, dom0 port $n[^0-9]*$"
	done
	[ "$(grep -ac "stopped disk: xl-vblk: d2: told to stop: 0 requests" "$LOG")" = 3 ] ||
		test_fail "not every disk's back-end of the failed create was told to stop"
	expect_log_regex "xen-lite-dom0: virtio-restart: after: .*, back-ends 0, TAP devices 0"
	expect_no_log_regex "xl-v(blk|net): d1: .*(closing dom0|no more back-ends|could not take)"
	expect_no_log "(XL) PANIC" "Kernel panic"
	test_result
}

test_dom0_shm_linux() {
	local n
	QEMU_TIMEOUT=600 qemu_boot dom0-shm-linux -machine q35 -smp 4 -m 1G -kernel "$BUILD/xen-lite.elf" \
		-append "dom0_mem=512M" \
		-initrd "$BUILD/dom0/vmlinuz console=ttyS0 xl_test=shm_linux,$BUILD/dom0/initrd.cpio.gz"
	expect_rc 0
	expect_log "xen-lite-dom0: create-ring: exit 0" "xen-lite-dom0: pong: exit 0" "xen-lite-dom0: lping: exit 0" \
		"xen-lite-dom0: connect: exit 0" "xen-lite-dom0: read-text: ping-pong done 50" \
		"xen-lite-dom0: shm-linux: node unchanged" "xen-lite-dom0: shm-linux done"
	expect_log_regex "\(d[0-9]+ lping\) .*xen-lite-guest: xls-ping: segment 'ring', 2048 KiB at 0x8000000000; port 0"
	expect_log_regex "\(d[0-9]+ lping\) .*xen-lite-guest: xls-ping: PASS: 50 messages answered in order, one-way [0-9]+ us"
	# found as a PCI function by the guest's kernel, driven by xenlite-shm.ko, its MSI the events'
	expect_log_regex "d[0-9]+ \(lping\): segment 'ring' is PCI function 00:01.0 \(registers at 0x7fffffc000\)"
	expect_log_regex "\(d[0-9]+ lping\) .*pci 0000:00:01.0: \[1234:584c\] type 00 class 0x050000"
	expect_log_regex "\(d[0-9]+ lping\) .*pci 0000:00:01.0: BAR 2 \[mem 0x8000000000-0x80001fffff 64bit pref\]"
	expect_log_regex "\(d[0-9]+ lping\) .*xenlite-shm 0000:00:01.0: segment 'ring', 2048 KiB at 0x8000000000"
	expect_log_regex "\(d[0-9]+ lping\) .*xenlite_shm: events: vector 0x[0-9a-f]+ on APIC id [0-9]+ \(irq [0-9]+\), MSI of 0000:00:01.0"
	# one interrupt an answer at most: one that comes before the last was taken coalesces with it
	n=$(grep -ao 'lping) .*xen-lite-guest: xls-ping interrupts: [0-9]*' "$LOG" | head -1 | sed 's/.*interrupts: //')
	[ -n "$n" ] && [ "$n" -ge 1 ] && [ "$n" -le 50 ] ||
		test_fail "the Linux guest took ${n:-no} interrupt(s) for 50 answers (1 to 50 expected)"
	expect_log_regex "\(d[0-9]+ pong\) PASS: shm-peer: pong: 50 messages in order"
	expect_no_log_regex "\((d[0-9]+ )?(lping|pong)\) .*FAIL"
	expect_no_log "(XL) PANIC"
	test_result
}

# dom0 as one end of a segment ping-pong (xl_test=shm_dom0): tests/dom0/shm-ping.c in dom0's
# user space attaches `ring` (which an ELF guest's shm key gave the guest), maps it through
# /dev/xenlite, connects a channel to the guest and sends 200 messages; the guest
# (shm_peer.elf role=pong) checks each one's text and order and answers, and shm-ping checks
# each answer's; the answers reach dom0 as interrupts of its kernel. Then two hostile
# answerers: an unprintable text without a NUL, reported cut and escaped, and an answer out
# of order, which ends the run; the segment is freed and the node is as it was
test_dom0_shm_dom0() {
	local id
	QEMU_TIMEOUT=300 qemu_boot dom0-shm-dom0 -machine q35 -smp 2 -m 1G -kernel "$BUILD/xen-lite.elf" \
		-append "dom0_mem=512M" \
		-initrd "$BUILD/dom0/vmlinuz console=ttyS0 xl_test=shm_dom0,$BUILD/dom0/initrd.cpio.gz"
	expect_rc 0
	expect_log "xen-lite-dom0: create-ring: exit 0" "xen-lite-dom0: pong: exit 0" \
		"xen-lite-dom0: pong: shm-ping exit 0" "xen-lite-dom0: destroy-pong: exit 0" \
		"xen-lite-dom0: destroy-ring: exit 0" "xen-lite-dom0: list-empty: exit 0" \
		"shm: 'ring' freed (2048 KiB)" "xen-lite-dom0: shm-dom0: node unchanged" "xen-lite-dom0: shm-dom0 done"
	id=$(tr -d '\r' <"$LOG" | sed -nE 's/.*xen-lite-dom0: pong: ([0-9]+)$/\1/p' | head -1)
	if [ -z "$id" ]; then
		test_fail "no domain id for pong"
	else
		expect_log_regex "xen-lite-dom0: pong: shm-ping: 'ring' at 0x[0-9a-f]+; d0 port [0-9]+ <-> d$id port 0"
		expect_log_regex "xen-lite-dom0: pong: shm-ping: 200 round trips with d$id through 'ring', one-way [1-9][0-9]* TSC cycles \([0-9]+ us by CLOCK_MONOTONIC\), 0 error\(s\)"
		expect_log_regex "xen-lite-dom0: pong: shm-ping: exits during the rounds: d$id [1-9][0-9]* \([0-9]+/s\), d0 [1-9][0-9]* \([0-9]+/s\), in [1-9][0-9]* us"
		expect_log "(d$id pong) shm-peer: port 0 connected to d0 port" \
			"(d$id pong) PASS: shm-peer: pong: 200 messages in order" \
			"domain d$id: detached from 1 shared segment(s)" "domain d$id: 1 event channel(s) closed"
	fi
	# the answers came as interrupts of dom0's kernel: at least one, at most one an answer
	expect_log_regex "xen-lite-dom0: interrupts: [0-9]+: ([1-9]|[1-9][0-9]|1[0-9][0-9]|200)[^0-9]"
	expect_no_log_regex "\((d[0-9]+ )?pong\) .*FAIL|xen-lite-dom0: pong: shm-ping: (message|answer|no answer)"
	# a text of 48 unprintable bytes: cut at the field's end, shown as '?', the rounds go on
	expect_log "xen-lite-dom0: liar: shm-ping: answer 5 reads '$(printf '?%.0s' $(seq 47))'" \
		"xen-lite-dom0: liar: shm-ping exit 1"
	expect_log_regex "xen-lite-dom0: liar: shm-ping: 10 round trips with d[0-9]+ through 'ring', .*, 1 error\(s\)"
	expect_log_regex "\(d[0-9]+ liar\) PASS: shm-peer: pong: 10 messages in order"
	# an answer out of order ends the run
	expect_log "xen-lite-dom0: jumper: shm-ping: message 3 answered as 1003" "xen-lite-dom0: jumper: shm-ping exit 1"
	expect_log_regex "xen-lite-dom0: jumper: shm-ping: 2 round trips with d[0-9]+ through 'ring', .*, 1 error\(s\)"
	expect_no_log "(XL) PANIC"
	test_result
}

# A hostile driver of a virtio-blk disk (Documentation/virtio.md): the guest's xenlite-hostile
# (action virtq, tests/kmod/README.md) drives the function by hand, without virtio_pci, and gives
# queue 0 one malformed chain after each reset; dom0's xl-vblk (from the disk key) must break
# the queue with the reason each is refused for (dom0-tools/backends/virtq.c), complete none,
# follow the resets and serve a valid read afterwards, and end with the guest; then an ELF guest
# runs and the node is as it was
test_dom0_virtio_hostile() {
	local c reason n
	QEMU_TIMEOUT=600 qemu_boot dom0-virtio-hostile -machine q35 -smp 2 -m 1G -kernel "$BUILD/xen-lite.elf" \
		-append "dom0_mem=512M" \
		-initrd "$BUILD/dom0/vmlinuz console=ttyS0 xl_test=virtio_hostile,$BUILD/dom0/initrd.cpio.gz"
	expect_rc 0
	expect_log "xen-lite-dom0: virtio-hostile: created 1" "xen-lite-dom0: virtio-hostile done" \
		"xen-lite-dom0: virtio-hostile: node unchanged"
	expect_log_regex "d1 \\(vhostile\\): virtio device 0 \\(type 2, 1 queue\\(s\\)\\) is PCI function 00:01.0"
	expect_log_regex "\\(d1 vhostile\\) .*xen-lite-hostile: virtq: 0000:00:01.0, BAR4 at 0x[0-9a-f]+, queue of 16 at 0x[0-9a-f]+"
	# nothing the device refused was completed: a broken queue returns nothing
	for c in loop next-out-of-range head-out-of-range outside-ram huge-length indirect \
		readable-after-writable avail-jump; do
		expect_log "xen-lite-hostile: virtq $c: used idx 0"
	done
	# each refusal, with virtq.c's reason (two cases each for two of them)
	for reason in "chain too long or looping" "descriptor index beyond the queue" \
		"buffer not in guest RAM" "indirect descriptor (not offered)" \
		"device-readable buffer after a writable one" "driver ring idx moved more than the queue size"; do
		expect_log "virtio-hostile: back-end: xl-vblk: d1: the queue is broken ($reason): no more requests taken"
	done
	# once a case: the queue, broken, is looked at again only after the next reset
	n=$(grep -ac "virtio-hostile: back-end: xl-vblk: d1: the queue is broken (" "$LOG")
	[ "$n" = 8 ] || test_fail "the back-end broke the queue $n time(s), 8 expected"
	grep -aoE "virtio-hostile: back-end: xl-vblk: d1: the queue is broken \\([^)]*\\)|virtq [a-z-]+: no sign of the device.*" \
		"$LOG" | sed 's/^/    /'
	expect_log_regex "virtio-hostile: back-end: xl-vblk: d1: queue of 16 entries at 0x[0-9a-f]+, event index off"
	# after the resets, a valid read served: sector 0 starts "xen-l"
	expect_log "xen-lite-hostile: virtq valid read: status 0, first bytes 78 65 6e 2d" "xen-lite-hostile: virtq done"
	expect_log_regex "virtio-hostile: back-end: xl-vblk: d1: the guest is gone: 1 requests \\(1 read, 0 written, 0 flushes, 0 errors\\)"
	expect_no_log_regex "xl-vblk: d1: .*(failed|XL_IOCTL_GUEST_MAP|the driver's queue)"
	expect_no_log "hostile: the module failed" "gave up after"
	# the node works on: an ELF guest after it
	expect_log "xen-lite-dom0: hello: exit 0" "xen-lite-dom0: destroy-hello: exit 0"
	expect_log_regex "\\(d[0-9]+ hello\\) PASS: hello"
	expect_no_log "(XL) PANIC" "Kernel panic"
	test_result
}
