# The README's commands. `make test` needs only python3 (3.10+) on the PATH: it builds .venv
# from the pinned requirements files, then lints, type-checks and runs the tests.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: test lint typecheck unit venv clean bench

venv: $(STAMP)

# Bytecode is cached inside .venv (pycache/), for .venv's packages and this repo's modules alike, so
# the tree stays clean, and it is cached even where PYTHONDONTWRITEBYTECODE is set: the suite starts
# a few hundred Python processes (provider hosts, moto servers), and without a cache each compiles the
# same modules again (measured: the engine tests' CPU 196 s instead of 209 to 217 s).
unexport PYTHONDONTWRITEBYTECODE
export PYTHONPYCACHEPREFIX := $(CURDIR)/$(VENV)/pycache

# --no-compile: pip would byte-compile every installed module (pulumi_aws alone is ~3,000 files), a
# minute of the build; Python compiles the few hundred a run imports, once, when it first imports them.
$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --no-compile --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

lint: $(STAMP)
	$(PY) -m ruff check .

typecheck: $(STAMP)
	$(PY) -m mypy

# Two workers (the build machines have 2 cores): each has its own moto server and mocks.
unit: $(STAMP)
	$(PY) -m pytest -n 2

test: lint typecheck unit

# Throughput and cost against the alternatives (docs/performance.md); not part of `make test`.
# Its tools (the AWS CLI, py-spy) live in bench/.venv; if they cannot be installed, the bench
# still runs and says which path it skipped.
BENCH_STAMP := bench/.venv/.installed

$(BENCH_STAMP): bench/requirements.txt
	-$(PYTHON) -m venv bench/.venv && bench/.venv/bin/python -m pip install --quiet --disable-pip-version-check \
		-r bench/requirements.txt && touch $(BENCH_STAMP)

bench: $(STAMP) $(BENCH_STAMP)
	$(PY) -m bench.bench
	$(PY) -m bench.selection

# The stack against a local AWS emulator (docs/stack.md, "Run the stack locally"): scripts/local.py.
# The Pulumi CLI is checked first, in make itself (no Python start-up: a machine without the
# CLI is told at once, before .venv is built), with the same sentence as the script's check.
STACK_GOALS := $(filter up preview destroy down,$(MAKECMDGOALS))
ifneq ($(STACK_GOALS),)
ifeq ($(shell command -v pulumi 2>/dev/null),)
$(error The Pulumi CLI is not installed (no `pulumi` on PATH); install it from https://www.pulumi.com/docs/install/, then run make $(firstword $(STACK_GOALS)) again)
endif
endif

.PHONY: up preview destroy down

up preview destroy down: $(STAMP)
	@$(PY) scripts/local.py $@

clean:
	rm -rf $(VENV) bench/.venv .pytest_cache .mypy_cache .ruff_cache
