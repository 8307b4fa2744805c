# The two commands of the README quick start:
#   make demo   create .venv (if absent), install the package with its test extras, run the demo
#   make test   the same install if anything changed, then every Rust and Python test
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.ecociv-installed
# The wheel is built in its own target dir so it never invalidates cargo test's pyo3 build
# (STACK G1: pyo3's build script reruns when maturin's environment changes).
WHEEL_TARGET := target/pip

RUST_SOURCES   := Cargo.toml Cargo.lock python/Cargo.toml $(shell find core -type f 2>/dev/null) \
                  $(shell find python/src -name '*.rs' 2>/dev/null)
PYTHON_SOURCES := python/pyproject.toml README.md \
                  $(shell find python/ecociv -type f \( -name '*.py' -o -name '*.pyi' -o -name 'py.typed' \) 2>/dev/null)

.PHONY: help demo test install clean chromium

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(PY):
	python3 -m venv $(VENV)

$(STAMP): $(RUST_SOURCES) $(PYTHON_SOURCES) | $(PY)
	CARGO_TARGET_DIR=$(WHEEL_TARGET) $(PY) -m pip install --progress-bar off "./python[test]"
	touch $@

install: $(STAMP) ## (re)install the package into .venv when a Rust or Python source changed

demo: $(STAMP) ## install if needed, then run the main job (ecociv demo)
	$(VENV)/bin/ecociv demo

# cargo does not put libpython's directory on the loader path of the pyo3 crate's test
# binaries (STACK G5), so take it from the interpreter. Both suites always run (cargo with
# --no-fail-fast); the target fails if either did.
# The HTML report is checked in headless Chromium (tests/python/test_report_chromium.py):
# install Debian's chromium and a CJK font when missing — as root (CI) or with password-less
# sudo; otherwise say so, and that test is skipped.
CHROMIUM_PACKAGES := chromium fonts-wqy-zenhei

chromium: ## install Debian's chromium (and a CJK font) for the report test, if missing
	@if command -v chromium >/dev/null 2>&1 && fc-list :lang=zh 2>/dev/null | grep -q .; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then apt_get="apt-get"; \
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then apt_get="sudo apt-get"; \
	else echo "make: chromium is missing and cannot be installed here (not root, no sudo):" \
	          "the Chromium report test will be skipped"; exit 0; fi; \
	echo "make: installing $(CHROMIUM_PACKAGES) for the Chromium report test"; \
	$$apt_get update -qq && $$apt_get install -y -qq --no-install-recommends $(CHROMIUM_PACKAGES)

test: $(STAMP) chromium ## install if needed, then cargo test --workspace and pytest
	export LD_LIBRARY_PATH="$$($(PY) -c 'import sysconfig; print(sysconfig.get_config_var("LIBDIR"))')$${LD_LIBRARY_PATH:+:$$LD_LIBRARY_PATH}"; \
	status=0; \
	cargo test --workspace --no-fail-fast || status=$$?; \
	$(PY) -m pytest || status=$$?; \
	exit $$status

clean: ## remove .venv and the wheel build dir
	rm -rf $(VENV) $(WHEEL_TARGET)

# Benchmarks (README "Benchmarks"): the benchmark kit's baselines (../shared/bench: numpy,
# polars, DuckDB, pandas) and ecociv on the kit's M dataset in one run, then the store against
# sqlite3. The kit's data are generated into $(PERF_DATA_DIR) when absent (never into the kit).
PERF_DATA_DIR ?= /tmp/kit
BENCH_STAMP := $(VENV)/.ecociv-bench-installed
.PHONY: bench

$(BENCH_STAMP): $(STAMP)
	CARGO_TARGET_DIR=$(WHEEL_TARGET) $(PY) -m pip install --progress-bar off "./python[test,bench]"
	touch $@

bench: $(BENCH_STAMP) ## the Python benchmarks at M: evaluation vs the kit's tools, store vs sqlite3
	PERF_DATA_DIR=$(PERF_DATA_DIR) $(PY) benches/python/bench_eval.py --scale M L
	PERF_DATA_DIR=$(PERF_DATA_DIR) $(PY) benches/python/bench_store.py --scale M
