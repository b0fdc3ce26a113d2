# ---- the Linux KVM peer of the application benchmark (issue 16) -------------
#
# $(BUILD)/kvm-host/rootfs/              Debian's qemu-system-x86_64 (the host's
#                                        7.2) with the libraries it links and the
#                                        firmware it loads, downloaded and unpacked,
#                                        never installed (scripts/fetch-kvm-host.sh)
# $(KVM_PEER_HOST_INITRD)                the KVM host's initramfs: busybox,
#                                        tests/bench/kvm-host/init, Debian's kvm and
#                                        kvm_amd modules (with irqbypass, ccp), that tree
# $(KVM_PEER_DEV_GUEST)                  a development stand-in for the benchmark's
#                                        guest image (tests/bench/dev-guest/init)
#
# `make kvm-peer-images` builds the host's images; tests/bench/peer-kvm.sh boots
# build/dom0/vmlinuz with that initramfs and, appended to it, the guest to run.

# (mk/dom0.mk is read after this file: its names are not used here)
KVM_PEER_OUT := $(BUILD)/bench-kvm
KVM_PEER_HOST_INITRD := $(KVM_PEER_OUT)/host-initrd.cpio.gz
KVM_PEER_DEV_GUEST := $(KVM_PEER_OUT)/dev-guest.cpio.gz

.PHONY: kvm-peer-images bench-dev-guest
kvm-peer-images: $(BUILD)/dom0/vmlinuz $(KVM_PEER_HOST_INITRD)
bench-dev-guest: $(BUILD)/dom0/vmlinuz $(KVM_PEER_DEV_GUEST)

# no prerequisites: what was fetched is kept (rm -rf $(BUILD)/kvm-host to fetch again)
$(BUILD)/kvm-host/version:
	$(Q)BUILD=$(BUILD) sh scripts/fetch-kvm-host.sh

# QEMU and its libraries are ~50 MB: gzip -6 packs them nearly as well as -9, faster
$(KVM_PEER_HOST_INITRD): $(BUILD)/kvm-host/version $(BUILD)/dom0/vmlinuz tests/bench/kvm-host/init \
		scripts/mk-dom0-initrd.sh mk/bench-kvm.mk
	$(Q)BUILD=$(BUILD) DOM0_INITRD_MODULES="kvm_amd" XENLITE_KO="" XL_LITE="" \
		DOM0_INIT=tests/bench/kvm-host/init INITRD_TREES=$(BUILD)/kvm-host/rootfs \
		DOM0_INITRD_GZIP=6 INITRD_OUT=$@ INITRD_STAGE=$(KVM_PEER_OUT)/host-root \
		sh scripts/mk-dom0-initrd.sh

$(KVM_PEER_DEV_GUEST): $(BUILD)/dom0/vmlinuz tests/bench/dev-guest/init scripts/mk-dom0-initrd.sh \
		mk/bench-kvm.mk
	$(Q)BUILD=$(BUILD) DOM0_INITRD_MODULES="" XENLITE_KO="" XL_LITE="" \
		DOM0_INIT=tests/bench/dev-guest/init INITRD_OUT=$@ \
		INITRD_STAGE=$(KVM_PEER_OUT)/dev-guest-root sh scripts/mk-dom0-initrd.sh
