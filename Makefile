# bale — build, try, test, measure, install.
#
#   make demo     install what is missing, build, run bale on samples/
#   make test     install what is missing, build (and make dist), run every test
#   make bench    build for release and time each job beside the tool a user
#                 would pick (igzip, libdeflate-gzip, pigz, tar, xargs
#                 sha256sum, openssl speed) on two corpora: bench/run.sh
#                 writes bench/results.md (BENCH_QUICK=1: a one-minute try)
#   make fuzz     build the libFuzzer targets (Fuzz/) and run each for
#                 FUZZ_SECONDS (default 60); FUZZ_TARGETS picks some
#   make install  PREFIX=/usr/local: the binary, the man page (docs/bale.1)
#                 and bash, zsh and fish completions
#   make dist     dist/bale-VERSION-linux-x86_64.tar.gz: the self-contained
#                 binary, man page, completions, README, install.sh
#   make deb      build a self-contained release and package it as
#                 .build/deb/bale_VERSION_amd64.deb (packaging/deb.sh)
#   make man      regenerate docs/bale.1 from the commands' help

SWIFT  ?= swift
PREFIX ?= /usr/local
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?=
BENCH_QUICK ?= 0
# What bale builds with: Debian's -dev packages, checked with dpkg.
LIBRARY_PACKAGES = zlib1g-dev libisal-dev libssl-dev pkg-config
# What the tests mount: a FUSE file system whose closes fail (Tests/tools).
TEST_PACKAGES = python3-fusepy
# What its tests and benchmark compare against: command:package pairs,
# checked on the PATH (python3 may come from elsewhere than Debian).
TOOLS = cc:gcc ar:binutils gzip:gzip pigz:pigz bsdtar:libarchive-tools python3:python3 /usr/bin/time:time script:bsdutils b3sum:b3sum parallel:parallel man:man-db openssl:openssl strace:strace setpriv:util-linux getfattr:attr getfacl:acl setcap:libcap2-bin igzip:isal libdeflate-gzip:libdeflate-tools xz:xz-utils
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: setup version deflate build release demo test bench fuzz install install-files dist deb man clean

# bale's version, for `bale --version` and the dist tarball's name.
VERSION := $(shell git describe --tags --always --dirty 2>/dev/null || echo unknown)

setup:
	@missing=""; \
	for package in $(LIBRARY_PACKAGES) $(TEST_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$package 2>/dev/null | grep -q "ok installed" || missing="$$missing $$package"; \
	done; \
	for pair in $(TOOLS); do \
	  command -v $${pair%%:*} >/dev/null 2>&1 || missing="$$missing $${pair##*:}"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

# Writes the version into Sources/CSystem/BuildVersion.h (ignored by git)
# when it changed, and touches BuildVersion.c, the one file that includes
# it, so that only that file recompiles (see there).
version:
	@printf '#define BALE_BUILD_VERSION "%s"\n' "$(VERSION)" > .build-version.tmp
	@cmp -s .build-version.tmp Sources/CSystem/BuildVersion.h || \
	  { cp .build-version.tmp Sources/CSystem/BuildVersion.h && touch Sources/CSystem/BuildVersion.c; }
	@rm -f .build-version.tmp

# libdeflate 1.25, bale's copy (Sources/CDeflate/include/CDeflate.h says
# why): its compressor, decompressor and CRC-32, compiled with the system's
# C compiler as libdeflate's own Makefile does: SwiftPM's clang makes this
# code ~5% slower. Package.swift links the archive (module.modulemap).
CC ?= cc
DEFLATE_DIR = Sources/CDeflate
DEFLATE_LIB = .build/cdeflate/libbaledeflate.a
STATIC_LIBS_STAMP = .build/static-libs/linked
# The files of the copy compiled, each Sources/CDeflate/<unit>Source.c.
DEFLATE_UNITS = Compressor Allocator Decompressor CRC32 X86Features ArmFeatures
# What links the archives, removed when one changes.
LINKED_PRODUCTS = .build/debug/bale .build/release/bale .build/debug/balePackageTests.xctest
DEFLATE_SOURCES = $(wildcard $(DEFLATE_DIR)/*.c $(DEFLATE_DIR)/*.h $(DEFLATE_DIR)/libdeflate/*.h $(DEFLATE_DIR)/libdeflate/lib/*.[ch] $(DEFLATE_DIR)/libdeflate/lib/*/*.[ch])
deflate: $(DEFLATE_LIB) $(STATIC_LIBS_STAMP)
$(DEFLATE_LIB): $(DEFLATE_SOURCES)
	@mkdir -p $(@D)
	for unit in $(DEFLATE_UNITS); do \
	  $(CC) -O2 -fomit-frame-pointer -c $(DEFLATE_DIR)/$${unit}Source.c -o $(@D)/$$unit.o || exit 1; \
	done
	rm -f $@ && ar rcs $@ $(DEFLATE_UNITS:%=$(@D)/%.o)
	@# SwiftPM does not see this archive change: drop what links it, so the next build relinks.
	rm -f $(LINKED_PRODUCTS)

# libstdc++'s static archive where the link finds it before the shared
# one (Package.swift, BaleCore's linker settings, says why).
# The archive itself, and libcrypto's and zlib's, are prerequisites: when a
# Debian update changes one (an OpenSSL security fix), the binaries that
# link them are dropped and relinked, as SwiftPM does not see the change.
STATIC_ARCHIVES := $(shell for a in libstdc++.a libcrypto.a libz.a; do $(CC) -print-file-name=$$a 2>/dev/null; done)
# (A stamp, not the link, is the target: make would see the link's target's
# time.)
$(STATIC_LIBS_STAMP): $(filter /%,$(STATIC_ARCHIVES))
	@mkdir -p $(@D)
	@path="$$($(CC) -print-file-name=libstdc++.a)"; \
	  case "$$path" in /*) [ -f "$$path" ] ;; *) false ;; esac || \
	  { echo "make: no libstdc++.a for $(CC) (Debian: libstdc++-12-dev)" >&2; exit 1; }; \
	  ln -sf "$$path" $(@D)/libstdc++.a
	rm -f $(LINKED_PRODUCTS)
	touch $@

build: setup version deflate
	$(SWIFT) build

# Self-contained: the Swift runtime, libdeflate (bale's copy:
# Sources/CDeflate), libcrypto, zlib and libstdc++ linked in (Package.swift
# says why), so the binary runs on batch nodes without a Swift toolchain;
# only libc, libm, libgcc_s and libisal stay dynamic, and the dist tarball
# carries libisal (see dist).
# --disable-local-rpath: SwiftPM puts $$ORIGIN first in the RUNPATH, and the
# binary then loaded libisal.so.2 from its own directory before anything
# else (a binary in /tmp or a group-writable tools directory ran whatever
# library someone put beside it). Its one RUNPATH is $$ORIGIN/../lib/bale.
release: setup version deflate
	$(SWIFT) build -c release --static-swift-stdlib --disable-local-rpath

demo: release
	bash samples/demo.sh .build/release/bale

# The end-to-end tests run the built binary (.build/debug/bale), so build it first.
# SelfContainedTests also runs the release binary from the dist tarball, and
# DebianPackageTests installs and removes the .deb (make deb).
test: setup deflate dist deb
	$(SWIFT) build
	$(SWIFT) test

# Issue 18's table, for two corpora side by side, in one report. The deeper
# studies (bench/pack.sh, recursive.sh, sum.sh, memory.sh) run by hand.
bench: setup version deflate
	BENCH_QUICK=$(BENCH_QUICK) bash bench/run.sh

# The gzip header parser, bale members through both codecs (and the
# streaming decoder), the tar reader and the worker frames, each for
# FUZZ_SECONDS; stops at the first finding (Fuzz/run.sh, README "Fuzzing").
fuzz: setup deflate
	FUZZ_SECONDS=$(FUZZ_SECONDS) SWIFT=$(SWIFT) bash Fuzz/run.sh $(FUZZ_TARGETS)

install: release
	$(MAKE) install-files BIN=.build/release/bale

# What install copies, from any built binary (the tests install the debug
# one into a scratch PREFIX). The completion scripts are generated by the
# binary itself (swift-argument-parser), so they always match its options.
BIN ?= .build/release/bale
INSTALL_SUDO := $(shell [ -w "$(DESTDIR)$(PREFIX)" ] || [ ! -e "$(DESTDIR)$(PREFIX)" -a -w "$$(dirname "$(DESTDIR)$(PREFIX)")" ] || echo $(SUDO))
install-files:
	$(INSTALL_SUDO) install -D -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/bale
	$(INSTALL_SUDO) install -D -m 644 docs/bale.1 $(DESTDIR)$(PREFIX)/share/man/man1/bale.1
	$(INSTALL_SUDO) mkdir -p $(DESTDIR)$(PREFIX)/share/bash-completion/completions \
	  $(DESTDIR)$(PREFIX)/share/zsh/site-functions $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
	$(BIN) --generate-completion-script bash | $(INSTALL_SUDO) tee $(DESTDIR)$(PREFIX)/share/bash-completion/completions/bale > /dev/null
	$(BIN) --generate-completion-script zsh | $(INSTALL_SUDO) tee $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_bale > /dev/null
	$(BIN) --generate-completion-script fish | $(INSTALL_SUDO) tee $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/bale.fish > /dev/null
	@# The notices of what is linked into the binary (dist-files/THIRD-PARTY).
	{ cat dist-files/THIRD-PARTY; echo "--- libdeflate: COPYING"; cat $(DEFLATE_DIR)/libdeflate/COPYING; \
	  echo; echo "--- Apache License 2.0 (OpenSSL, Swift)"; cat /usr/share/common-licenses/Apache-2.0 2>/dev/null; } \
	  | $(INSTALL_SUDO) install -D -m 644 /dev/stdin $(DESTDIR)$(PREFIX)/share/doc/bale/THIRD-PARTY

# The release tarball for machines without Swift (batch nodes):
# dist/bale-VERSION-linux-x86_64.tar.gz holds the self-contained binary,
# the man page and completions laid out as under a prefix (install-files),
# README.md and install.sh (dist-files/), which copies them into a prefix
# without root, ~/.local by default.
#
# And lib/bale/ the shared libraries in BUNDLED_LIBRARIES, which a node may
# lack: ISA-L, which Debian ships only as libisal.so.2 (libisal2), no static
# archive to link in. The binary looks for its libraries in ../lib/bale
# beside its own directory before the system's (its RUNPATH, Package.swift),
# so the tarball, wherever install.sh puts it, runs with the copy it carries.
# lib/bale rather than lib: in a prefix such as /usr/local, lib/ is on the
# system's search path, and a copy there would stand in for other programs'.
#
# install.sh is given the newest glibc symbol version the binary needs
# (objdump -T), so that on an older system it can say so before it
# installs anything, rather than leave a binary that fails to start.
DIST_NAME = bale-$(VERSION)-linux-x86_64
BUNDLED_LIBRARIES = libisal.so.2
dist: release
	rm -rf dist/$(DIST_NAME) dist/$(DIST_NAME).tar.gz
	$(MAKE) -s install-files BIN=.build/release/bale PREFIX=/ DESTDIR=$(CURDIR)/dist/$(DIST_NAME) INSTALL_SUDO=
	mkdir -p dist/$(DIST_NAME)/lib/bale
	for library in $(BUNDLED_LIBRARIES); do \
	  path=$$(ldd .build/release/bale | awk -v name=$$library '$$1 == name && $$3 ~ /^\// { print $$3 }'); \
	  [ -n "$$path" ] || { echo "dist: .build/release/bale does not load $$library" >&2; exit 1; }; \
	  install -m 644 "$$(readlink -f "$$path")" dist/$(DIST_NAME)/lib/bale/$$library || exit 1; \
	done
	cp README.md dist/$(DIST_NAME)/
	glibc=$$(objdump -T .build/release/bale | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -n 1); \
	[ -n "$$glibc" ] || { echo "dist: no glibc version found in .build/release/bale" >&2; exit 1; }; \
	sed "s/@GLIBC_VERSION@/$$glibc/" dist-files/install.sh > dist/$(DIST_NAME)/install.sh
	chmod 755 dist/$(DIST_NAME)/install.sh
	tar -C dist -czf dist/$(DIST_NAME).tar.gz $(DIST_NAME)
	rm -rf dist/$(DIST_NAME)
	@echo dist/$(DIST_NAME).tar.gz

# The Debian package: the release build with the Swift runtime linked in
# (so it depends only on system libraries), staged with install-files and
# packed by packaging/deb.sh, which computes Depends from what it loads.
deb: release
	bash packaging/deb.sh .build/release/bale .build/deb

# The man page is generated from the commands' help by swift-argument-parser's
# plugin and kept in docs/ (a test checks it names every command and option).
man:
	$(SWIFT) package --allow-writing-to-package-directory generate-manual
	# mdoc wants .Pp, not blank lines; the generator's EXIT STATUS is mdoc's
	# generic one ("0 on success, >0 if an error occurs"): bale's, in short.
	mkdir -p docs && sed -e 's/^$$/.Pp/' \
	  -e 's/^\.Ex -std$$/bale exits 0 when everything was done, 1 on an error (an input not processed, left as it was), 2 for warnings only (something skipped), 64 for a usage error, 141 when standard output was closed by its reader, and 128 plus the number of a signal that ended it (129, 130, 143); each is told in full under exit-codes above (bale help exit-codes)./' \
	  .build/plugins/GenerateManual/outputs/bale/bale.1 > docs/bale.1

clean:
	rm -rf .build bench/work Fuzz/.build dist
