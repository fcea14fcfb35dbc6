# Benchmarks side by side with PyTorch (issue 6). Included from the Makefile.
#   make bench-deps   a virtual environment bench/.venv with the CPU build of torch
#   make bench        release build, then the engine and PyTorch alternated row by row (bench/run.py)
# BENCH_ARGS passes options to bench/run.py, e.g. BENCH_ARGS="--pairs 9 --rows sgemm-1024,lstm-made".
BENCH_VENV := bench/.venv
BENCH_PYTHON := $(BENCH_VENV)/bin/python
# The CPU wheel (PyPI's default torch is a CUDA build). This machine's pip finds it through its find-links
# directory; elsewhere point BENCH_PIP_ARGS at an index that serves the +cpu wheels.
BENCH_TORCH ?= torch==2.13.0+cpu
BENCH_PIP_ARGS ?=
BENCH_ARGS ?=

.PHONY: bench bench-deps

bench-deps:
	@test -x $(BENCH_PYTHON) || python3 -m venv $(BENCH_VENV)
	$(BENCH_PYTHON) -m pip install --quiet $(BENCH_PIP_ARGS) '$(BENCH_TORCH)'
	@$(BENCH_PYTHON) -c 'import torch; print("torch", torch.__version__, "in $(BENCH_VENV)")'

# Row 9 reads the ZINC molecules, hence `data`.
# The engine runs in the book's arithmetic (`book arithmetic --env`: OpenBLAS's Haswell kernel, one thread), the
# one every chapter runs in; a second engine in the native arithmetic (this CPU's fastest OpenBLAS kernel) gives
# the table of what reproducibility costs. Both are set before libopenblas loads.
bench: build data
	python3 bench/run.py --engine $(BIN)/trufl-bench --python $(BENCH_PYTHON) \
	  --engine-env "$$($(BOOK) arithmetic --env)" \
	  --native-env "$$(TRUFL_ARITHMETIC=native $(BOOK) arithmetic --env)" $(BENCH_ARGS)
