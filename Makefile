# trufl-book: `make` sets up, builds, runs every chapter and regenerates the figures;
# `make test` runs the unit tests and checks every chapter against its committed outputs.
SHELL := /bin/bash
export PATH := $(PATH):/opt/swift/usr/bin
BIN := .build/release
BOOK := $(BIN)/book
PROFILE ?= quick
JOBS ?= 2
# The Debian packages the build needs (SwiftPM system libraries: cmark, OpenBLAS; RDKit and the Boost headers its
# own headers include, for the CRDKit target).
PACKAGES := libcmark-dev libopenblas-dev pkg-config librdkit-dev libboost-dev

.PHONY: all deps build run test unit-test chapters cluster-test bless render clean data

all: run

# Data sets live in a cache outside the tree (scripts/data/*.sh say where); `make data` fetches what is missing.
# The molecules of chapter 09: 5,000 ZINC250k SMILES from poli-core, checked against scripts/data/zinc.sha256.
.PHONY: data-zinc
data: data-zinc
data-zinc:
	scripts/data/zinc.sh
unit-test chapters: data

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

# Then the switch of the book's arithmetic: these chapters again with the engine's kernels forced to AVX2 must
# print the same bytes (README, "One arithmetic").
SWITCH_CHAPTERS := 04-rejection-sampling
chapters: build
	$(BOOK) test --profile $(PROFILE) -j $(JOBS)
	TRUFL_ARITHMETIC=avx2 $(BOOK) test --profile $(PROFILE) -j $(JOBS) $(SWITCH_CHAPTERS)

test: unit-test chapters cluster-test

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

bless: build
	$(BOOK) bless --profile $(PROFILE) -j $(JOBS)

render: build
	$(BOOK) render

clean:
	rm -rf .build

include bench.mk
