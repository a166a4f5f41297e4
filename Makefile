# bale — build, try, test, measure, install.
#
#   make demo     install what is missing, build, run bale on samples/
#   make test     install what is missing, build, run every test
#   make bench    build for release and compare bale with pigz, gzip and tar
#                 (bench/run.sh: gzip; pack.sh: archives; recursive.sh: gzip -r;
#                 sum.sh: bale sum and pack --manifest)
#   make install  PREFIX=/usr/local

SWIFT  ?= swift
PREFIX ?= /usr/local
# What bale builds with: Debian's -dev packages, checked with dpkg.
LIBRARY_PACKAGES = zlib1g-dev libdeflate-dev libssl-dev pkg-config
# What its tests and benchmark compare against: command:package pairs,
# checked on the PATH (python3 may come from elsewhere than Debian).
TOOLS = gzip:gzip pigz:pigz bsdtar:libarchive-tools python3:python3 /usr/bin/time:time script:bsdutils b3sum:b3sum
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: setup build release demo test bench install clean

setup:
	@missing=""; \
	for package in $(LIBRARY_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$package 2>/dev/null | grep -q "ok installed" || missing="$$missing $$package"; \
	done; \
	for pair in $(TOOLS); do \
	  command -v $${pair%%:*} >/dev/null 2>&1 || missing="$$missing $${pair##*:}"; \
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

# gzip/gunzip against pigz and gzip; pack/unpack against tar with pigz and gzip;
# gzip -r against gzip -r, pigz -r and xargs gzip; sum against sha256sum and b3sum.
bench: setup
	bash bench/run.sh
	bash bench/pack.sh
	bash bench/recursive.sh
	bash bench/sum.sh
	bash bench/memory.sh

install: release
	$(SUDO) install -D -m 755 .build/release/bale $(DESTDIR)$(PREFIX)/bin/bale

clean:
	rm -rf .build bench/work
