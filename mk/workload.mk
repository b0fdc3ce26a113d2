# ---- a real workload: stress-ng in a Linux guest ---------------------------
#
# $(BUILD)/stress-ng/rootfs/           Debian's stress-ng with the libraries it links,
#                                      downloaded and unpacked, never installed
#                                      (scripts/fetch-stress-ng.sh)
# $(WORKLOAD_GUEST_INITRD)             the Linux guest initramfs ($(GUEST_LINUX_INITRD):
#                                      busybox, dom0-tools/guest-initrd/init, its modules)
#                                      plus that tree: guest_test=stress runs stress-ng
# $(WORKLOAD_DOM0_INITRD)              dom0's initramfs ($(DOM0_OUT)/initrd.cpio.gz) that also
#                                      carries it as /guests/workload-initrd.cpio.gz
#                                      (xl_test=workload, xl_test=soak)
#
# `make workload-images` builds them; tests/qemu/t-workload.sh and `make soak` (mk/soak.mk)
# boot them. The other tests' images are left as they are: stress-ng adds ~13 MB.

WORKLOAD_OUT := $(BUILD)/workload
WORKLOAD_GUEST_INITRD := $(WORKLOAD_OUT)/workload-initrd.cpio.gz
WORKLOAD_DOM0_INITRD := $(WORKLOAD_OUT)/dom0-initrd.cpio.gz

.PHONY: workload-images
workload-images: $(DOM0_OUT)/vmlinuz $(WORKLOAD_DOM0_INITRD)

# no prerequisites: what was fetched is kept (rm -rf $(BUILD)/stress-ng to fetch again)
$(BUILD)/stress-ng/version:
	$(Q)BUILD=$(BUILD) sh scripts/fetch-stress-ng.sh

$(WORKLOAD_GUEST_INITRD): $(BUILD)/stress-ng/version $(DOM0_OUT)/vmlinuz $(DOM0_OUT)/xenlite-guest.ko \
		dom0-tools/guest-initrd/init scripts/mk-dom0-initrd.sh mk/dom0.mk mk/workload.mk
	$(Q)BUILD=$(BUILD) DOM0_INITRD_MODULES="msr" XENLITE_KO=$(DOM0_OUT)/xenlite-guest.ko XL_LITE="" \
		DOM0_INIT=dom0-tools/guest-initrd/init INITRD_TREES=$(BUILD)/stress-ng/rootfs \
		INITRD_OUT=$@ INITRD_STAGE=$(WORKLOAD_OUT)/guest-initrd-root sh scripts/mk-dom0-initrd.sh

$(WORKLOAD_DOM0_INITRD): $(DOM0_OUT)/vmlinuz $(DOM0_OUT)/xenlite.ko $(DOM0_OUT)/xl-lite \
		$(DOM0_GUESTS) $(DOM0_GUEST_FILES) $(WORKLOAD_GUEST_INITRD) $(DOM0_CONFIGS) \
		$(DOM0_TEST_TOOLS) $$(MODULES) dom0-tools/initrd/init scripts/mk-dom0-initrd.sh mk/dom0.mk \
		mk/workload.mk
	$(Q)BUILD=$(BUILD) DOM0_INITRD_MODULES="$(DOM0_INITRD_MODULES)" DOM0_GUESTS="$(DOM0_GUESTS)" \
		XL_MODULES="$(MODULES)" \
		DOM0_TEST_TOOLS="$(DOM0_TEST_TOOLS)" \
		DOM0_GUEST_FILES="$(DOM0_GUEST_FILES) $(WORKLOAD_GUEST_INITRD)" \
		DOM0_CONFIGS="$(DOM0_CONFIGS)" DOM0_INITRD_GZIP=$(DOM0_INITRD_GZIP) \
		XENLITE_KO=$(DOM0_OUT)/xenlite.ko XL_LITE=$(DOM0_OUT)/xl-lite \
		INITRD_OUT=$@ INITRD_STAGE=$(WORKLOAD_OUT)/dom0-initrd-root sh scripts/mk-dom0-initrd.sh
