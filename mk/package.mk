# ---- installing and packaging (Documentation/install.md) ----------------------
# make install DESTDIR=... [PREFIX=/usr]   the hypervisor's images under /boot, its behaviour
#                                          modules under PREFIX/lib/xen-lite/modules, xl-lite,
#                                          the supervisor xl-lited and xen-lite.service,
#                                          dom0's control device as DKMS source, the docs
# make deb                                 Debian packages in $(BUILD)/pkg (packaging/mk-debs.sh)
# make debian-image                        a Debian 12 node's disk with them installed,
#                                          $(BUILD)/debian-image/disk.raw (as root;
#                                          scripts/mk-debian-image.sh, Documentation/testing.md)
# xl-lite for a package: linked against the system's libc, hardened as Debian builds
# its own (the static one in $(BUILD)/dom0 is for the busybox initramfs).
PREFIX ?= /usr
XEN_LITE_RELEASE := $(shell sed -n 's/^\#define XEN_LITE_VERSION "\(.*\)"/\1/p' include/xen-lite/version.h)
PKG_XL_LITE_CFLAGS := -std=c11 -D_DEFAULT_SOURCE -O2 -Wall -Wextra -Werror -g0 -s \
	-fstack-protector-strong -D_FORTIFY_SOURCE=2 -fPIE -pie -Wl,-z,relro,-z,now \
	-Ipv-drivers/xenlite -Ihypercalls

$(BUILD)/pkg/xl-lite: $(XL_LITE_SRCS) $(XL_LITE_HDRS) mk/package.mk
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(PKG_XL_LITE_CFLAGS) -o $@ $(XL_LITE_SRCS)

# the virtio-blk back-end that xl-lite create starts, next to it (Documentation/virtio.md)
$(BUILD)/pkg/xl-vblk: $(VBLK_SRCS) dom0-tools/backends/virtq.h dom0-tools/backends/guest-view.h dom0-tools/backends/virtio-blk.h dom0-tools/backends/supervise.h \
		dom0-tools/libxl-lite.h pv-drivers/xenlite/xenlite-ioctl.h hypercalls/xen-lite-abi.h mk/package.mk
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(PKG_XL_LITE_CFLAGS) -o $@ $(VBLK_SRCS)

# the virtio-net back-end, next to it
$(BUILD)/pkg/xl-vnet: $(VNET_SRCS) $(VNET_HDRS) mk/package.mk
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(PKG_XL_LITE_CFLAGS) -pthread -o $@ $(VNET_SRCS)

# the supervisor (xen-lite.service)
$(BUILD)/pkg/xl-lited: $(XL_LITED_SRCS) $(XL_LITED_HDRS) mk/package.mk
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(PKG_XL_LITE_CFLAGS) -o $@ $(XL_LITED_SRCS)

# Slurm's SPANK plugin (Documentation/slurm.md), against the header of Debian's Slurm
$(BUILD)/slurm-dev/root/usr/include/slurm/spank.h: scripts/fetch-slurm-dev.sh
	$(Q)BUILD=$(BUILD) sh scripts/fetch-slurm-dev.sh
$(BUILD)/pkg/xen-lite-spank.so: dom0-tools/slurm/xen-lite-spank.c $(BUILD)/slurm-dev/root/usr/include/slurm/spank.h mk/package.mk
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) -std=c11 -D_DEFAULT_SOURCE -O2 -Wall -Wextra -Werror -g0 -s -fPIC -shared \
		-fstack-protector-strong -D_FORTIFY_SOURCE=2 -Wl,-z,relro,-z,now \
		-I$(BUILD)/slurm-dev/root/usr/include -o $@ dom0-tools/slurm/xen-lite-spank.c

# (MODULES: mk/modules.mk, read before this file)
PKG_INPUTS := $(BUILD)/xen-lite.elf $(BUILD)/xen-lite.efi $(BUILD)/pkg/xl-lite $(BUILD)/pkg/xl-vblk $(BUILD)/pkg/xl-vnet \
	$(BUILD)/pkg/xl-lited $(BUILD)/pkg/xen-lite-spank.so dom0-tools/slurm/prolog dom0-tools/slurm/epilog dom0-tools/slurm/relay $(MODULES)

.PHONY: install deb debian-image
install: $(PKG_INPUTS)
	$(Q)test -n "$(DESTDIR)" || { echo "make install: give DESTDIR=DIR (files go under DIR$(PREFIX) and DIR/boot)"; exit 2; }
	$(Q)BUILD=$(BUILD) VERSION=$(XEN_LITE_RELEASE) PREFIX=$(PREFIX) XL_MODULES="$(MODULES)" \
		sh packaging/install.sh all "$(DESTDIR)"

deb: $(PKG_INPUTS)
	$(Q)BUILD=$(BUILD) VERSION=$(XEN_LITE_RELEASE) XL_MODULES="$(MODULES)" sh packaging/mk-debs.sh

# the base (debootstrap, cached) and a disk booting GRUB -> xen-lite -> Debian as dom0;
# tests/qemu/t-debian.sh makes its own with its test unit added
debian-image: deb
	$(Q)BUILD=$(BUILD) sh scripts/mk-debian-image.sh base
	$(Q)BUILD=$(BUILD) sh scripts/mk-debian-image.sh disk $(BUILD)/debian-image/disk.raw $(BUILD)/pkg
