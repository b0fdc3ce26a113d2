# ---- dom0 images: Debian's stock kernel and a busybox initramfs -------------
#
# $(BUILD)/dom0/vmlinuz          Debian's kernel (the image package behind
#                                linux-image-amd64), fetched with apt-get download
#                                and unpacked under $(BUILD)/dom0/kernel-root/,
#                                never installed (scripts/fetch-kernel.sh)
# $(BUILD)/dom0/kernel-version   its release string, e.g. 6.1.0-56-amd64
# $(BUILD)/dom0/xenlite.ko       the control driver (pv-drivers/xenlite), built with
#                                kbuild against the kernel's headers (Debian's
#                                linux-headers-VERSION, installed by
#                                scripts/kernel-headers.sh) from a copy of its
#                                sources under $(BUILD)/dom0/kmod/
# $(BUILD)/dom0/xl-lite          the control tool (dom0-tools), static glibc
# $(BUILD)/dom0/initrd.cpio.gz   busybox-static, /init (dom0-tools/initrd/init),
#                                xenlite.ko, /bin/xl-lite and the modules in
#                                DOM0_INITRD_MODULES with their dependencies
#                                (scripts/mk-dom0-initrd.sh); the hypervisor's
#                                behaviour modules ($(MODULES), mk/modules.mk) at
#                                /lib/xen-lite/modules/
#
# The kernel is fetched once: rm -rf $(BUILD)/dom0 to fetch the current one again.
# `make dom0-images` builds them all (`make dom0-tools` just the driver and the
# tool); tests/qemu/t-dom0-native.sh boots them without the hypervisor and
# tests/bench/bench-linux-boot.sh times that boot natively and as dom0.

DOM0_OUT := $(BUILD)/dom0
DOM0_INITRD_MODULES ?= ahci sd_mod virtio_blk virtio_pci nvme e1000e loop ext4 crc32c_generic tun bridge
DOM0_INITRD_GZIP ?= 9

.PHONY: dom0-images
dom0-images: $(DOM0_OUT)/vmlinuz $(DOM0_OUT)/initrd.cpio.gz

# no prerequisites: an existing kernel is kept (the script would skip anyway)
$(DOM0_OUT)/vmlinuz:
	$(Q)BUILD=$(BUILD) sh scripts/fetch-kernel.sh

# ---- kernel modules: kbuild on a copy of their sources, so that no object
# lands in the source tree; the copy keeps the relative path to hypercalls/.
# The environment is cleared of this make's flags (CC=clang, V=, BUILD=, -j)
# so kbuild uses the kernel's own compiler and settings. Debug info is
# stripped, as in Debian's own modules.
# pv-drivers/NAME/ or tests/kmod/NAME/ -> $(DOM0_OUT)/NAME.ko, built in $(DOM0_OUT)/kmod-NAME
$(DOM0_OUT)/%.ko: $(DOM0_OUT)/vmlinuz hypercalls/xen-lite-abi.h scripts/kernel-headers.sh mk/dom0.mk
	$(Q)kdir=$$(BUILD=$(BUILD) sh scripts/kernel-headers.sh) && \
	src=$$(dirname $$(ls pv-drivers/$*/Kbuild tests/kmod/$*/Kbuild 2>/dev/null | head -1)) && \
	kmod=$(DOM0_OUT)/kmod-$* && rm -rf $$kmod && \
	mkdir -p $$kmod/$$src $$kmod/hypercalls && \
	cp $$src/Kbuild $$src/*.c $$kmod/$$src/ && \
	if ls $$src/*.h >/dev/null 2>&1; then cp $$src/*.h $$kmod/$$src/; fi && \
	cp hypercalls/xen-lite-abi.h $$kmod/hypercalls/ && \
	if ! env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u BUILD -u CC -u V make -C "$$kdir" \
		M=$$(cd $$kmod && pwd)/$$src modules >$(DOM0_OUT)/$*-build.log 2>&1; then \
		cat $(DOM0_OUT)/$*-build.log >&2; exit 1; \
	fi && \
	if grep -i 'warning' $(DOM0_OUT)/$*-build.log >&2; then \
		echo "$*.ko: the build must be warning-free ($(DOM0_OUT)/$*-build.log)" >&2; \
		exit 1; \
	fi && \
	strip --strip-debug -o $@ $$kmod/$$src/$*.ko

# the dom0 control device, and the Linux guests' module (dom0's shutdown requests)
$(DOM0_OUT)/xenlite.ko: pv-drivers/xenlite/Kbuild pv-drivers/xenlite/xenlite.c \
	pv-drivers/xenlite/xenlite-ioctl.h
$(DOM0_OUT)/xenlite-guest.ko: pv-drivers/xenlite-guest/Kbuild pv-drivers/xenlite-guest/xenlite-guest.c
# a Linux guest's shared segments and events (the driver of its shared-memory PCI functions)
$(DOM0_OUT)/xenlite-shm.ko: pv-drivers/xenlite-shm/Kbuild pv-drivers/xenlite-shm/xenlite-shm.c \
	pv-drivers/xenlite-shm/xenlite-shm-ioctl.h
# the tests' hostile Linux guest (tests/kmod/README.md)
$(DOM0_OUT)/xenlite-hostile.ko: tests/kmod/xenlite-hostile/Kbuild tests/kmod/xenlite-hostile/xenlite-hostile.c

# ---- the control tool: static, so the busybox initramfs needs no libc
XL_LITE_SRCS := dom0-tools/xl-lite.c dom0-tools/xl-args.c dom0-tools/xl-lite-fmt.c dom0-tools/xl-list-fmt.c \
	dom0-tools/libxl-lite.c dom0-tools/libxl-lite-shm.c dom0-tools/xl-shm-args.c dom0-tools/xl-shm-fmt.c dom0-tools/xl-shm.c dom0-tools/xl-cfg.c dom0-tools/xl-cfg-syntax.c dom0-tools/xl-cfg-disk.c dom0-tools/xl-cfg-vif.c dom0-tools/xl-create.c dom0-tools/xl-create-check.c \
	dom0-tools/xl-backend.c dom0-tools/xl-disk.c dom0-tools/xl-vif.c \
	dom0-tools/xl-console.c dom0-tools/xl-console-log.c dom0-tools/xl-lited-rules.c dom0-tools/xl-lited-pid.c dom0-tools/xl-run.c dom0-tools/xl-run-proto.c dom0-tools/xl-run-command.c dom0-tools/xl-wait.c dom0-tools/xl-end.c \
	dom0-tools/xl-pci.c dom0-tools/xl-module.c dom0-tools/xl-module-fmt.c dom0-tools/xl-profile.c \
	dom0-tools/xl-prof-data.c dom0-tools/xl-prof-fmt.c \
	dom0-tools/xl-cfg-cpuid.c dom0-tools/xl-cfg-msr.c dom0-tools/xl-cpuid-features.c dom0-tools/xl-cpu-policy.c \
	dom0-tools/xl-cpu-policy-wire.c dom0-tools/xl-cpu-policy-fmt.c modules/cpu-policy/policy_rules.c \
	dom0-tools/xl-introspect.c dom0-tools/xl-intro-args.c dom0-tools/xl-intro-data.c dom0-tools/xl-intro-fmt.c \
	dom0-tools/xl-inject.c dom0-tools/xl-fi-campaign.c dom0-tools/xl-fi-plan.c dom0-tools/xl-fi-wire.c \
	dom0-tools/xl-fi-lines.c dom0-tools/xl-fi-classify.c dom0-tools/xl-fi-domains.c dom0-tools/xl-fi-health.c \
	dom0-tools/xl-fi-fmt.c dom0-tools/xl-fi-node.c
XL_LITE_HDRS := dom0-tools/xl-lited-rules.h dom0-tools/xl-lited-pid.h dom0-tools/xl-console-log.h dom0-tools/xl-lite-fmt.h dom0-tools/xl-args.h dom0-tools/xl-list-fmt.h dom0-tools/libxl-lite.h \
	dom0-tools/xl-cfg.h dom0-tools/xl-cfg-syntax.h dom0-tools/xl-cfg-disk.h dom0-tools/xl-cfg-vif.h dom0-tools/xl-backend.h dom0-tools/xl-cmds.h dom0-tools/xl-shm-args.h dom0-tools/xl-shm-fmt.h dom0-tools/xl-create-check.h dom0-tools/xl-run-proto.h dom0-tools/xl-run-command.h dom0-tools/xl-wait.h dom0-tools/xl-end.h dom0-tools/xl-pci.h \
	dom0-tools/xl-module-fmt.h dom0-tools/xl-prof-data.h dom0-tools/xl-prof-fmt.h \
	dom0-tools/xl-cfg-cpuid.h dom0-tools/xl-cfg-msr.h dom0-tools/xl-cpuid-features.h dom0-tools/xl-cpu-policy-wire.h \
	dom0-tools/xl-cpu-policy-fmt.h modules/cpu-policy/cpu_policy_abi.h modules/cpu-policy/policy_rules.h \
	dom0-tools/xl-intro-args.h dom0-tools/xl-intro-data.h dom0-tools/xl-intro-fmt.h \
	modules/exit-profiler/exit_profiler_abi.h modules/introspection/introspection_abi.h \
	modules/fault-injector/fault_injector_abi.h dom0-tools/xl-fi-campaign.h dom0-tools/xl-fi-plan.h \
	dom0-tools/xl-fi-wire.h dom0-tools/xl-fi-lines.h dom0-tools/xl-fi-classify.h dom0-tools/xl-fi-domains.h \
	dom0-tools/xl-fi-health.h dom0-tools/xl-fi-fmt.h dom0-tools/xl-fi-node.h \
	pv-drivers/xenlite/xenlite-ioctl.h hypercalls/xen-lite-abi.h
XL_LITE_CFLAGS := -std=c11 -D_DEFAULT_SOURCE -static -O2 -Wall -Wextra -Werror -s \
	-Ihypercalls

$(DOM0_OUT)/xl-lite: $(XL_LITE_SRCS) $(XL_LITE_HDRS) mk/dom0.mk
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(XL_LITE_CFLAGS) -o $@ $(XL_LITE_SRCS)

.PHONY: dom0-tools
dom0-tools: $(DOM0_OUT)/xenlite.ko $(DOM0_OUT)/xl-lite

# the dom0 supervisor (Documentation/tools.md, "xl-lited"): the configuration parser for
# the auto guests' names, xl-backend.c's search for the xl-lite it runs
XL_LITED_SRCS := dom0-tools/xl-lited.c dom0-tools/xl-lited-say.c dom0-tools/xl-lited-guests.c \
	dom0-tools/xl-lited-auto.c dom0-tools/xl-lited-backends.c dom0-tools/xl-lited-stop.c dom0-tools/xl-lited-rules.c dom0-tools/xl-lited-pid.c dom0-tools/xl-wait.c \
	dom0-tools/xl-backend.c dom0-tools/libxl-lite.c dom0-tools/xl-cfg.c dom0-tools/xl-cfg-syntax.c \
	dom0-tools/xl-cfg-disk.c dom0-tools/xl-cfg-vif.c dom0-tools/xl-cfg-cpuid.c dom0-tools/xl-cfg-msr.c \
	dom0-tools/xl-cpuid-features.c modules/cpu-policy/policy_rules.c dom0-tools/xl-shm-args.c
XL_LITED_HDRS := dom0-tools/xl-lited-say.h dom0-tools/xl-lited-guests.h dom0-tools/xl-lited-auto.h dom0-tools/xl-lited-backends.h \
	dom0-tools/xl-lited-stop.h dom0-tools/xl-lited-rules.h $(XL_LITE_HDRS)

$(DOM0_OUT)/xl-lited: $(XL_LITED_SRCS) $(XL_LITED_HDRS) mk/dom0.mk
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(XL_LITE_CFLAGS) -o $@ $(XL_LITED_SRCS)

# the virtio back-ends (dom0-tools/backends/, Documentation/virtio.md): static, as xl-lite
VBLK_SRCS := dom0-tools/backends/xl-vblk.c dom0-tools/backends/guest-view.c dom0-tools/backends/virtq.c dom0-tools/backends/virtio-blk.c \
	dom0-tools/backends/supervise.c \
	dom0-tools/libxl-lite.c dom0-tools/libxl-lite-shm.c dom0-tools/xl-shm-args.c
$(DOM0_OUT)/xl-vblk: $(VBLK_SRCS) dom0-tools/backends/virtq.h dom0-tools/backends/guest-view.h dom0-tools/backends/virtio-blk.h dom0-tools/backends/supervise.h \
		dom0-tools/libxl-lite.h pv-drivers/xenlite/xenlite-ioctl.h hypercalls/xen-lite-abi.h mk/dom0.mk
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(XL_LITE_CFLAGS) -o $@ $(VBLK_SRCS)

# its network sibling: a TAP device in dom0, a thread per queue's port (-pthread)
VNET_SRCS := dom0-tools/backends/xl-vnet.c dom0-tools/backends/guest-view.c dom0-tools/backends/virtq.c dom0-tools/backends/virtio-net.c \
	dom0-tools/backends/supervise.c \
	dom0-tools/backends/tap.c dom0-tools/libxl-lite.c dom0-tools/libxl-lite-shm.c dom0-tools/xl-shm-args.c
VNET_HDRS := dom0-tools/backends/virtq.h dom0-tools/backends/guest-view.h dom0-tools/backends/virtio-net.h dom0-tools/backends/tap.h \
	dom0-tools/backends/supervise.h \
	dom0-tools/libxl-lite.h pv-drivers/xenlite/xenlite-ioctl.h hypercalls/xen-lite-abi.h
$(DOM0_OUT)/xl-vnet: $(VNET_SRCS) $(VNET_HDRS) mk/dom0.mk
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(XL_LITE_CFLAGS) -pthread -o $@ $(VNET_SRCS)

# test programs carried in dom0's initrd (tests/dom0/, run by dom0-tools/initrd/init)
DOM0_TEST_TOOLS := $(DOM0_OUT)/domctl-probe $(DOM0_OUT)/uart-race $(DOM0_OUT)/edu-dma $(DOM0_OUT)/shm-hold \
	$(DOM0_OUT)/shm-ping $(DOM0_OUT)/timer-gap $(DOM0_OUT)/guest-peek $(DOM0_OUT)/xl-vblk $(DOM0_OUT)/xl-vnet \
	$(DOM0_OUT)/xl-lited

$(DOM0_OUT)/domctl-probe: tests/dom0/domctl-probe.c dom0-tools/libxl-lite.c $(XL_LITE_HDRS) mk/dom0.mk
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(XL_LITE_CFLAGS) -Idom0-tools -o $@ tests/dom0/domctl-probe.c dom0-tools/libxl-lite.c

$(DOM0_OUT)/edu-dma: tests/dom0/edu-dma.c mk/dom0.mk
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(XL_LITE_CFLAGS) -o $@ tests/dom0/edu-dma.c

$(DOM0_OUT)/shm-hold: tests/dom0/shm-hold.c mk/dom0.mk
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(XL_LITE_CFLAGS) -o $@ tests/dom0/shm-hold.c

# dom0's end of the segment ping-pong: libxl-lite's segment and event calls
SHM_PING_SRCS := tests/dom0/shm-ping.c dom0-tools/libxl-lite.c dom0-tools/libxl-lite-shm.c dom0-tools/xl-shm-args.c
$(DOM0_OUT)/shm-ping: $(SHM_PING_SRCS) tests/shm-ring.h dom0-tools/libxl-lite.h dom0-tools/xl-shm-args.h \
		pv-drivers/xenlite/xenlite-ioctl.h hypercalls/xen-lite-abi.h mk/dom0.mk
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(XL_LITE_CFLAGS) -Idom0-tools -o $@ $(SHM_PING_SRCS)

$(DOM0_OUT)/guest-peek: tests/dom0/guest-peek.c pv-drivers/xenlite/xenlite-ioctl.h hypercalls/xen-lite-abi.h \
		mk/dom0.mk
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(XL_LITE_CFLAGS) -o $@ tests/dom0/guest-peek.c

$(DOM0_OUT)/timer-gap: tests/dom0/timer-gap.c mk/dom0.mk
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(XL_LITE_CFLAGS) -o $@ tests/dom0/timer-gap.c

$(DOM0_OUT)/uart-race: tests/dom0/uart-race.c mk/dom0.mk
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(XL_LITE_CFLAGS) -pthread -o $@ tests/dom0/uart-race.c

# test guests carried in dom0's initrd for `xl-lite create-elf` (tests/qemu/t-dom0-tools.sh)
DOM0_GUESTS := $(BUILD)/guests/hello.elf $(BUILD)/guests/spin.elf $(BUILD)/guests/echo.elf \
	$(BUILD)/guests/triple_fault.elf $(BUILD)/guests/obliging.elf $(BUILD)/guests/zeroed.elf \
	$(BUILD)/guests/flood.elf $(BUILD)/guests/edu_dma.elf $(BUILD)/guests/module_probe.elf \
	$(BUILD)/guests/cpuid_dump.elf $(BUILD)/guests/introspect_target.elf $(BUILD)/guests/bystander.elf \
	$(BUILD)/guests/shm_peer.elf

# Linux guests: the same kernel as dom0's, and a busybox initramfs with
# dom0-tools/guest-initrd/init; both carried in dom0's initrd under /guests/
GUEST_LINUX_OUT := $(BUILD)/guest-linux
GUEST_LINUX_INITRD := $(GUEST_LINUX_OUT)/linux-initrd.cpio.gz
DOM0_GUEST_FILES := $(DOM0_OUT)/vmlinuz $(GUEST_LINUX_INITRD)
DOM0_CONFIGS := $(wildcard dom0-tools/examples/*.cfg)

# test programs carried in a Linux guest's initrd (tests/linux-guest/)
GUEST_LINUX_TOOLS := $(DOM0_OUT)/xls-ping dom0-tools/guest-initrd/xl-agent $(DOM0_OUT)/xl-run-as

# xl-lite run --user's end in the guest (dom0-tools/xl-run-command.h)
$(DOM0_OUT)/xl-run-as: dom0-tools/guest-initrd/xl-run-as.c mk/dom0.mk
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(XL_LITE_CFLAGS) -o $@ dom0-tools/guest-initrd/xl-run-as.c

$(DOM0_OUT)/xls-ping: tests/linux-guest/xls-ping.c tests/shm-ring.h pv-drivers/xenlite-shm/xenlite-shm-ioctl.h \
		hypercalls/xen-lite-abi.h mk/dom0.mk
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(XL_LITE_CFLAGS) -o $@ tests/linux-guest/xls-ping.c

$(GUEST_LINUX_INITRD): $(DOM0_OUT)/vmlinuz $(DOM0_OUT)/xenlite-guest.ko $(DOM0_OUT)/xenlite-hostile.ko \
		$(DOM0_OUT)/xenlite-shm.ko $(GUEST_LINUX_TOOLS) \
		dom0-tools/guest-initrd/init scripts/mk-dom0-initrd.sh mk/dom0.mk
	$(Q)BUILD=$(BUILD) DOM0_INITRD_MODULES="msr nvme e1000e virtio_pci virtio_blk virtio_net ext4 crc32c_generic" XENLITE_KO=$(DOM0_OUT)/xenlite-guest.ko XL_LITE="" \
		EXTRA_KOS="$(DOM0_OUT)/xenlite-hostile.ko $(DOM0_OUT)/xenlite-shm.ko" \
		DOM0_TEST_TOOLS="$(GUEST_LINUX_TOOLS)" \
		DOM0_INIT=dom0-tools/guest-initrd/init \
		INITRD_OUT=$@ INITRD_STAGE=$(GUEST_LINUX_OUT)/initrd-root sh scripts/mk-dom0-initrd.sh

# ($$(MODULES): mk/modules.mk is read after this file; the second expansion sees it)
$(DOM0_OUT)/initrd.cpio.gz: $(DOM0_OUT)/vmlinuz $(DOM0_OUT)/xenlite.ko $(DOM0_OUT)/xenlite-hostile.ko $(DOM0_OUT)/xl-lite \
		$(DOM0_GUESTS) $(DOM0_GUEST_FILES) $(DOM0_CONFIGS) $(DOM0_TEST_TOOLS) dom0-tools/initrd/init \
		$$(MODULES) $$(TEST_MODULES) scripts/mk-dom0-initrd.sh mk/dom0.mk
	$(Q)BUILD=$(BUILD) DOM0_INITRD_MODULES="$(DOM0_INITRD_MODULES)" DOM0_GUESTS="$(DOM0_GUESTS)" \
		XL_MODULES="$(MODULES)" XL_TEST_MODULES="$(TEST_MODULES)" \
		DOM0_TEST_TOOLS="$(DOM0_TEST_TOOLS)" DOM0_GUEST_FILES="$(DOM0_GUEST_FILES)" \
		DOM0_CONFIGS="$(DOM0_CONFIGS)" \
		DOM0_INITRD_GZIP=$(DOM0_INITRD_GZIP) XENLITE_KO=$(DOM0_OUT)/xenlite.ko \
		EXTRA_KOS=$(DOM0_OUT)/xenlite-hostile.ko \
		XL_LITE=$(DOM0_OUT)/xl-lite sh scripts/mk-dom0-initrd.sh
