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

.PHONY: help demo test install clean

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
test: $(STAMP) ## install if needed, then cargo test --workspace and pytest
	export LD_LIBRARY_PATH="$$($(PY) -c 'import sysconfig; print(sysconfig.get_config_var("LIBDIR"))')$${LD_LIBRARY_PATH:+:$$LD_LIBRARY_PATH}"; \
	status=0; \
	cargo test --workspace --no-fail-fast || status=$$?; \
	$(PY) -m pytest || status=$$?; \
	exit $$status

clean: ## remove .venv and the wheel build dir
	rm -rf $(VENV) $(WHEEL_TARGET)
