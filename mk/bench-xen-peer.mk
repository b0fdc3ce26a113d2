# ---- stock Xen as a peer of the application benchmark (issue 16) -------------
#
# $(BUILD)/xen-tools/rootfs/        Debian's xl, xenstored, xenconsoled and their
#                                   libraries, fetched and unpacked, never installed
#                                   (scripts/fetch-xen-tools.sh)
# $(BUILD)/xen-peer/dom0-initrd.cpio.gz  dom0's initramfs: busybox, those tools, the
#                                   Xen modules of Debian's kernel, tests/bench/xen-dom0/init
# $(BUILD)/xen-peer/iso-tree/       what every run's GRUB ISO holds but the guest:
#                                   xen.gz, dom0's kernel, tests/bench/grub-xen-peer.cfg
# $(BUILD)/xen-peer/dev-guest.cpio.gz  a stand-in guest initramfs for developing the
#                                   peer (tests/bench/xen-dom0/dev-guest-init)
#
# `make xen-peer-images` builds them; tests/bench/peer-xen.sh OUTDIR KERNEL INITRD
# CMDLINE appends the guest to dom0's initramfs and boots the ISO. The tools are
# fetched once: rm -rf $(BUILD)/xen-tools to fetch them again.

XEN_PEER_OUT := $(BUILD)/xen-peer
XEN_PEER_MODULES := xen-evtchn xen-gntdev xen-gntalloc xen-privcmd xenfs

.PHONY: xen-peer-images xen-peer-dev-guest
xen-peer-images: $(XEN_PEER_OUT)/dom0-initrd.cpio.gz $(XEN_PEER_OUT)/iso-tree/boot/grub/grub.cfg
xen-peer-dev-guest: $(XEN_PEER_OUT)/dev-guest.cpio.gz

# no prerequisites: an existing tree is kept (the script would skip anyway)
$(BUILD)/xen-tools/version:
	$(Q)BUILD=$(BUILD) sh scripts/fetch-xen-tools.sh

$(XEN_PEER_OUT)/dom0-initrd.cpio.gz: $(BUILD)/dom0/vmlinuz $(BUILD)/xen-tools/version \
		tests/bench/xen-dom0/init scripts/mk-dom0-initrd.sh mk/bench-xen-peer.mk
	$(Q)BUILD=$(BUILD) DOM0_INIT=tests/bench/xen-dom0/init XENLITE_KO= XL_LITE= \
		DOM0_INITRD_MODULES="$(XEN_PEER_MODULES)" INITRD_TREES=$(BUILD)/xen-tools/rootfs \
		INITRD_OUT=$@ INITRD_STAGE=$(XEN_PEER_OUT)/dom0-initrd-root \
		sh scripts/mk-dom0-initrd.sh

$(XEN_PEER_OUT)/iso-tree/boot/grub/grub.cfg: tests/bench/grub-xen-peer.cfg $(BUILD)/xen/xen.gz \
		$(BUILD)/dom0/vmlinuz
	@mkdir -p $(@D)
	$(Q)cp $(BUILD)/xen/xen.gz $(BUILD)/dom0/vmlinuz $(XEN_PEER_OUT)/iso-tree/boot/
	$(Q)cp tests/bench/grub-xen-peer.cfg $@

$(XEN_PEER_OUT)/dev-guest.cpio.gz: $(BUILD)/dom0/vmlinuz tests/bench/xen-dom0/dev-guest-init \
		scripts/mk-dom0-initrd.sh
	$(Q)BUILD=$(BUILD) DOM0_INIT=tests/bench/xen-dom0/dev-guest-init XENLITE_KO= XL_LITE= \
		DOM0_INITRD_MODULES= INITRD_OUT=$@ INITRD_STAGE=$(XEN_PEER_OUT)/dev-guest-root \
		sh scripts/mk-dom0-initrd.sh
