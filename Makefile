# bale — build, try, test, measure, install.
#
#   make demo     install what is missing, build, run bale on samples/
#   make test     install what is missing, build, run every test
#   make bench    build for release and compare bale with pigz and gzip
#   make install  PREFIX=/usr/local

SWIFT  ?= swift
PREFIX ?= /usr/local
# Debian packages bale builds with (zlib1g-dev, libdeflate-dev) and the tools its tests
# and benchmarks compare against (gzip, pigz, python3).
DEB_PACKAGES = zlib1g-dev libdeflate-dev pkg-config gzip pigz python3 time
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: setup build release demo test bench install clean

setup:
	@missing=""; \
	for package in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$package 2>/dev/null | grep -q "ok installed" || missing="$$missing $$package"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

build: setup
	$(SWIFT) build

release: setup
	$(SWIFT) build -c release

demo: release
	bash samples/demo.sh .build/release/bale

# The end-to-end tests run the built binary (.build/debug/bale), so build it first.
test: setup
	$(SWIFT) build
	$(SWIFT) test

bench: setup
	bash bench/run.sh

install: release
	$(SUDO) install -D -m 755 .build/release/bale $(DESTDIR)$(PREFIX)/bin/bale

clean:
	rm -rf .build bench/work
