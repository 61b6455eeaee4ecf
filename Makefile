# SPDX-License-Identifier: GPL-2.0
#
# shadowk: the commands people type.  kbuild reads ./Kbuild; everything else
# builds under $(O).
#
#   make                 module, library and tool for $(KERNELRELEASE)
#   make check           dependencies, every build, host tests, the VM matrix
#   make demo            boot a VM, load the module, show what it does
#   make vm-test         the selftests on one kernel, quickly (PVH boot);
#                        ONLY=prog[:test] for one, PREEMPT=full to boot so
#   make vm-shell        an interactive shell in the VM, module loaded
#   make bench           instruction counts of the mechanism, as a table
#   make fuzz            10^6 random ioctls on the debug kernel (FUZZ_CALLS=N)
#   make debug-kernel    build (once; cached in ~/.cache/shadowk) the debug
#                        cell's kernel: KASAN, lockdep, kmemleak, ...
#   make install         module, tool, library, headers, man pages, udev rule
#                        and bash completion on this machine
#   make dkms-install    register the module's source with DKMS instead
#   make uninstall, make dkms-uninstall   take either back
#   make install-user    all of make install but the modules (with DKMS)

SHELL := /bin/bash
O ?= $(CURDIR)/build
VERSION := $(shell sed -n 's/^shadowk-version := //p' $(CURDIR)/Kbuild)

# Default kernel: the running one when its headers are installed, else the
# newest Debian headers installed here or unpacked by make deps.
ifeq ($(origin KERNELRELEASE),undefined)
KERNELRELEASE := $(shell kr=$$(uname -r); \
	if [ -d /lib/modules/$$kr/build ]; then echo $$kr; else \
	{ ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | \
	sed 's|.*/linux-headers-||'; $(CURDIR)/tools/kerneldir.sh --releases; } | \
	sort -V | tail -n 1; fi)
endif
# On the host, in make deps's unpacked headers, or in the Debian 13 build
# root (tools/kerneldir.sh, tools/kbuild.sh).
KERNELDIR ?= $(shell $(CURDIR)/tools/kerneldir.sh $(KERNELRELEASE))
KBUILD = $(CURDIR)/tools/kbuild.sh
# The kernels the VM matrix boots, some as RELEASE:CELL (see
# selftests/vm/kernels.sh), and just their releases.
KERNELS = $(shell $(CURDIR)/selftests/vm/kernels.sh)
KERNEL_RELEASES = $(foreach k,$(KERNELS),$(firstword $(subst :, ,$(k))))

PREFIX ?= /usr/local
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
DESTDIR ?=
CC ?= cc

KMOD_DIR = $(O)/kmod/$(1)
export CC O VERSION

.PHONY: all module test-modules lib tools selftests man deps check check-host check-vm demo \
	bench fuzz debug-kernel vm-test vm-shell install install-module install-user uninstall \
	dkms-src dkms-install dkms-uninstall clean \
	modules-all

all: module lib tools

deps:
	@$(CURDIR)/tools/deps.sh

# Build in a per-kernel copy of the sources so that several kernels can be
# built side by side without their objects colliding.
module:
	@test -n "$(KERNELRELEASE)" || { echo "no kernel headers found; run 'make deps'" >&2; exit 1; }
	@mkdir -p $(call KMOD_DIR,$(KERNELRELEASE))
	@cp -ru Kbuild module uapi $(call KMOD_DIR,$(KERNELRELEASE))/
	+$(KBUILD) $(KERNELDIR) $(call KMOD_DIR,$(KERNELRELEASE)) modules
	@echo "  built $(call KMOD_DIR,$(KERNELRELEASE))/shadowk.ko"

# The selftests' own kernel modules (a livepatch, an ftrace user), built
# beside shadowk.ko for the VM only; never installed.
test-modules:
	@test -n "$(KERNELRELEASE)" || { echo "no kernel headers found; run 'make deps'" >&2; exit 1; }
	$(MAKE) -C selftests/kmod KERNELRELEASE=$(KERNELRELEASE) KERNELDIR=$(KERNELDIR)

modules-all:
	@for kr in $(KERNEL_RELEASES); do \
		$(MAKE) --no-print-directory module test-modules KERNELRELEASE=$$kr KERNELDIR=$$($(CURDIR)/tools/kerneldir.sh $$kr) || exit 1; \
	done

lib:
	$(MAKE) -C lib

tools: lib
	$(MAKE) -C tools

selftests: lib
	$(MAKE) -C selftests

# shadowk(8) and libshadowk(3), rendered from Documentation/man/*.rst.
MANS := $(O)/man/shadowk.8 $(O)/man/libshadowk.3
# Every library function gets a man3 name that points at libshadowk(3).
LIB_FUNCS = $(shell sed -n 's/^[[:space:]]*\(shadowk_[a-z_]*\);/\1/p' lib/libshadowk.sym)

man: $(MANS)

$(O)/man/%: Documentation/man/%.rst
	@command -v rst2man >/dev/null || { echo "no rst2man: apt-get install python3-docutils, or make deps" >&2; exit 1; }
	@mkdir -p $(dir $@)
	rst2man --halt=warning $< > $@.tmp && mv $@.tmp $@

check-host: lib tools selftests man
	@$(CURDIR)/selftests/host/run.sh

check-vm: modules-all lib tools selftests
	@$(CURDIR)/selftests/vm/matrix.sh $(KERNELS)

# The README's test command: everything, from a fresh Debian 12 machine.
check: deps
	@$(MAKE) --no-print-directory check-build
	@SHADOWK_DEBUG_KR=$$(cat $(DEBUG_RELEASE)) $(CURDIR)/selftests/run-all.sh $(KERNELS)

check-build: modules-all debug-kernel lib tools selftests man

# The debug cell's kernel, built from Debian's source by the project's own
# script and cached outside the tree (a cold build is the longest step of
# a first "make check"), then shadowk and the test modules for it.  Its
# release is left in $(DEBUG_RELEASE) for the matrix.
DEBUG_RELEASE = $(O)/vm/debug-release
debug-kernel:
	@dir=$$($(CURDIR)/selftests/vm/debug-kernel.sh) || exit 1; \
	kr=$$(cat $$dir/release); \
	mkdir -p $(O)/vm/images/$$kr && ln -sfn $$dir/bzImage $(O)/vm/images/$$kr/vmlinuz && \
	$(MAKE) --no-print-directory module test-modules KERNELRELEASE=$$kr KERNELDIR=$$dir/obj && \
	echo $$kr > $(DEBUG_RELEASE)

# The fuzzer alone, long, on the debug kernel.
FUZZ_CALLS ?= 1000000
fuzz: debug-kernel lib tools selftests
	@kr=$$(cat $(DEBUG_RELEASE)); \
	$(CURDIR)/selftests/vm/run-vm.sh --la57 0 --pti off --preempt full --only fuzz --fuzz $(FUZZ_CALLS) \
		--timeout 10800 --name $$kr-fuzz $$kr

demo: deps
	@$(MAKE) --no-print-directory module test-modules lib tools selftests
	@$(CURDIR)/selftests/vm/demo.sh $(KERNELRELEASE)

vm-test: module test-modules lib tools selftests
	@$(CURDIR)/selftests/vm/run-vm.sh --pvh --timeout 900 $(if $(ONLY),--only $(ONLY)) \
		$(if $(PREEMPT),--preempt $(PREEMPT)) $(KERNELRELEASE)

# Instruction counts under QEMU -icount; prints a table, judges nothing.
bench: module test-modules lib tools selftests
	@$(CURDIR)/selftests/vm/bench.sh $(KERNELRELEASE)

vm-shell: module test-modules lib tools selftests
	@$(CURDIR)/selftests/vm/run-vm.sh --shell $(KERNELRELEASE)

# Signing is left to the administrator (a MOK key, or DKMS's own), so
# modules_install is told not to try the kernel's build-time key.  With
# DESTDIR (packaging) depmod is left to the package's scripts.
install: install-module install-user

# With the module, what another module needs to build against it: the
# kernel API header and this kernel's Module.symvers.
KAPI_DIR ?= $(DESTDIR)/usr/src/shadowk-devel-$(VERSION)
install-module: module
	$(MAKE) -C $(KERNELDIR) M=$(call KMOD_DIR,$(KERNELRELEASE)) \
		INSTALL_MOD_PATH=$(DESTDIR) INSTALL_MOD_DIR=updates \
		CONFIG_MODULE_SIG_ALL= modules_install
	$(if $(DESTDIR),,depmod -a $(KERNELRELEASE))
	install -D -m 0644 module/include/linux/shadowk.h $(KAPI_DIR)/include/linux/shadowk.h
	install -D -m 0644 $(call KMOD_DIR,$(KERNELRELEASE))/Module.symvers \
		$(KAPI_DIR)/$(KERNELRELEASE)/Module.symvers

# Everything but the modules: with DKMS, "make dkms-install install-user".
install-user: lib tools man
	$(MAKE) -C lib install
	$(MAKE) -C tools install
	install -D -m 0644 uapi/linux/shadowk.h $(DESTDIR)$(PREFIX)/include/linux/shadowk.h
	install -D -m 0644 tools/udev/60-shadowk.rules \
		$(DESTDIR)/etc/udev/rules.d/60-shadowk.rules
	install -D -m 0644 $(O)/man/shadowk.8 $(DESTDIR)$(MANDIR)/man8/shadowk.8
	install -D -m 0644 $(O)/man/libshadowk.3 $(DESTDIR)$(MANDIR)/man3/libshadowk.3
	for f in $(LIB_FUNCS); do \
		echo '.so man3/libshadowk.3' > $(DESTDIR)$(MANDIR)/man3/$$f.3 || exit 1; \
	done
	install -D -m 0644 tools/completion/shadowk $(DESTDIR)$(BASHCOMPDIR)/shadowk

uninstall:
	rm -f $(DESTDIR)/lib/modules/$(KERNELRELEASE)/updates/shadowk.ko* \
		$(DESTDIR)/lib/modules/$(KERNELRELEASE)/updates/shadowk_detrand.ko*
	$(if $(DESTDIR),,depmod -a $(KERNELRELEASE))
	rm -f $(KAPI_DIR)/include/linux/shadowk.h $(KAPI_DIR)/$(KERNELRELEASE)/Module.symvers
	-rmdir $(KAPI_DIR)/include/linux $(KAPI_DIR)/include $(KAPI_DIR)/$(KERNELRELEASE) \
		$(KAPI_DIR) 2>/dev/null
	$(MAKE) -C lib uninstall
	$(MAKE) -C tools uninstall
	rm -f $(DESTDIR)$(PREFIX)/include/linux/shadowk.h
	rm -f $(DESTDIR)/etc/udev/rules.d/60-shadowk.rules
	rm -f $(DESTDIR)$(MANDIR)/man8/shadowk.8 $(DESTDIR)$(MANDIR)/man3/libshadowk.3 \
		$(foreach f,$(LIB_FUNCS),$(DESTDIR)$(MANDIR)/man3/$(f).3)
	rm -f $(DESTDIR)$(BASHCOMPDIR)/shadowk

DKMS_SRC ?= $(DESTDIR)/usr/src/shadowk-$(VERSION)
# The sources DKMS builds from; the host tests build them with dkms too.
dkms-src:
	install -d $(DKMS_SRC)/module/examples $(DKMS_SRC)/module/selftest $(DKMS_SRC)/uapi/linux
	install -m 0644 Kbuild dkms.conf $(DKMS_SRC)/
	install -m 0644 module/*.c module/*.h module/*.S $(DKMS_SRC)/module/
	install -m 0644 module/examples/*.c $(DKMS_SRC)/module/examples/
	install -m 0644 module/selftest/*.c $(DKMS_SRC)/module/selftest/
	install -D -m 0644 module/include/linux/shadowk.h $(DKMS_SRC)/module/include/linux/shadowk.h
	install -m 0644 uapi/linux/shadowk.h $(DKMS_SRC)/uapi/linux/

dkms-install:
	@command -v dkms >/dev/null || { echo "dkms is not installed (apt-get install dkms)" >&2; exit 1; }
	$(MAKE) --no-print-directory dkms-src
	dkms add shadowk/$(VERSION)
	dkms build shadowk/$(VERSION)
	dkms install shadowk/$(VERSION)

# Everything dkms-install put there: the modules of every kernel DKMS built
# them for, DKMS's record of them, and the sources.
dkms-uninstall:
	@command -v dkms >/dev/null || { echo "dkms is not installed (apt-get install dkms)" >&2; exit 1; }
	if dkms status shadowk/$(VERSION) | grep -q .; then \
		dkms remove shadowk/$(VERSION) --all; fi
	rm -rf $(DKMS_SRC)

clean:
	rm -rf $(O)
