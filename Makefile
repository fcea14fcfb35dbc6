# trufl-book: `make` sets up, builds, runs every chapter and regenerates the figures;
# `make test` runs the unit tests and checks every chapter against its committed outputs.
SHELL := /bin/bash
export PATH := $(PATH):/opt/swift/usr/bin
BIN := .build/release
BOOK := $(BIN)/book
PROFILE ?= quick
JOBS ?= 2
# The Debian packages the build needs (SwiftPM system libraries: cmark, OpenBLAS).
PACKAGES := libcmark-dev libopenblas-dev pkg-config

.PHONY: all deps build run test unit-test chapters bless render clean

all: run

deps:
	@missing=""; for p in $(PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  sudo=""; [ "$$(id -u)" -eq 0 ] || sudo=sudo; \
	  $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing; \
	fi

build: deps
	swift build -c release

run: build
	$(BOOK) run --profile $(PROFILE) -j $(JOBS)

# The unit tests run in release (their own scratch folder: `swift test` compiles with testable imports, which
# would otherwise rebuild the release products), in the book's arithmetic (`book arithmetic --env`).
unit-test: build
	env $$($(BOOK) arithmetic --env) swift test -c release --scratch-path .build/unit-tests

chapters: build
	$(BOOK) test --profile $(PROFILE) -j $(JOBS)

test: unit-test chapters

bless: build
	$(BOOK) bless --profile $(PROFILE) -j $(JOBS)

render: build
	$(BOOK) render

clean:
	rm -rf .build

include bench.mk
