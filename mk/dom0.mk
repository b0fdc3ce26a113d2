# ---- dom0 images: Debian's stock kernel and a busybox initramfs -------------
#
# $(BUILD)/dom0/vmlinuz          Debian's kernel (the image package behind
#                                linux-image-amd64), fetched with apt-get download
#                                and unpacked under $(BUILD)/dom0/kernel-root/,
#                                never installed (scripts/fetch-kernel.sh)
# $(BUILD)/dom0/kernel-version   its release string, e.g. 6.1.0-56-amd64
# $(BUILD)/dom0/initrd.cpio.gz   busybox-static, /init (dom0-tools/initrd/init) and
#                                the modules in DOM0_INITRD_MODULES with their
#                                dependencies (scripts/mk-dom0-initrd.sh)
#
# The kernel is fetched once: rm -rf $(BUILD)/dom0 to fetch the current one again.
# `make dom0-images` builds both; tests/qemu/t-dom0-native.sh boots them without
# the hypervisor and tests/bench/bench-linux-boot.sh times that boot natively and as dom0.

DOM0_OUT := $(BUILD)/dom0
DOM0_INITRD_MODULES ?= ahci sd_mod virtio_blk virtio_pci
DOM0_INITRD_GZIP ?= 9

.PHONY: dom0-images
dom0-images: $(DOM0_OUT)/vmlinuz $(DOM0_OUT)/initrd.cpio.gz

# no prerequisites: an existing kernel is kept (the script would skip anyway)
$(DOM0_OUT)/vmlinuz:
	$(Q)BUILD=$(BUILD) sh scripts/fetch-kernel.sh

$(DOM0_OUT)/initrd.cpio.gz: $(DOM0_OUT)/vmlinuz dom0-tools/initrd/init scripts/mk-dom0-initrd.sh \
		mk/dom0.mk
	$(Q)BUILD=$(BUILD) DOM0_INITRD_MODULES="$(DOM0_INITRD_MODULES)" \
		DOM0_INITRD_GZIP=$(DOM0_INITRD_GZIP) sh scripts/mk-dom0-initrd.sh
