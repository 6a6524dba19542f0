# Two commands do everything on a fresh machine: `make demo` and `make test`.
# Both run `make setup` first, which installs only what is missing (stamp files keyed on the lock files).
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SOLC_VERSION := 0.8.30
# Project-local compiler dir so nothing lands in the user's home; dapp and Brownie read it from here.
export SOLCX_BINARY_PATH := $(CURDIR)/.solcx
export PATH := $(CURDIR)/node_modules/.bin:$(CURDIR)/$(VENV)/bin:$(PATH)

.PHONY: help setup demo test test-fast lint bench scale fuzz clean artifacts lock

help:
	@echo "make demo   - install what is missing, then run the store on a local anvil (Ctrl-C stops it)"
	@echo "make test   - install what is missing, then run every test (lint, unit, integration)"
	@echo "make bench  - gas, read, page and network benchmarks, written to bench/results/"
	@echo "make scale  - 100,000 products and 1,000,000 orders with and without the indexer (long; SCALE=0.01 for 1/100)"
	@echo "make fuzz   - long property tests, faults, attacks, bad inputs, load and slither: bench/results/reliability.json"
	@echo "make setup  - only install (idempotent)"

include toolchain/ipfs.mk
include toolchain/page.mk
include toolchain/slither.mk
include toolchain/indexer.mk

setup: $(VENV)/.stamp node_modules/.stamp $(SOLCX_BINARY_PATH)/solc-v$(SOLC_VERSION) setup-brownie setup-ipfs setup-page setup-slither setup-indexer

$(VENV)/.stamp: requirements/main.lock pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements/main.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

node_modules/.stamp: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# solc as py-solc-x expects it: an executable named solc-v<version> in SOLCX_BINARY_PATH.
$(SOLCX_BINARY_PATH)/solc-v$(SOLC_VERSION): toolchain/solc-shim.js node_modules/.stamp
	@mkdir -p $(SOLCX_BINARY_PATH)
	printf '#!/bin/sh\nexec node "%s" "$$@"\n' "$(CURDIR)/toolchain/solc-shim.js" > $@
	chmod +x $@
	@$@ --version | grep -q "Version: $(SOLC_VERSION)"

# Regenerate the shipped ABI + bytecode after editing contracts/ (tests fail if they are stale).
artifacts: setup
	$(PY) -m dapp compile --write-package-artifacts

demo: setup
	$(VENV)/bin/dapp up

lint: setup lint-page
	$(VENV)/bin/ruff check dapp tests bench scripts
	$(VENV)/bin/ruff format --check dapp tests bench scripts
	$(VENV)/bin/mypy

test: setup lint slither test-brownie test-page
	$(VENV)/bin/pytest

test-fast: setup
	$(VENV)/bin/pytest -m "not anvil and not ganache and not kubo and not cluster and not ponder and not postgres"

bench: setup
	$(PY) bench/run.py

# A store of 100,000 products and 1,000,000 orders, with and without the indexer (long; not in `make test`).
# SCALE=0.01 runs it at 1/100 of that size.
SCALE ?= 1
scale: setup
	$(PY) bench/bench_scale.py --scale $(SCALE)

# The long runs behind bench/results/reliability.json: slither; the Brownie suite's attacks on anvil and
# Ganache; and with pytest's `fuzz` profile, the property tests (the Catalog state machine on anvil for
# 10,000+ steps, random trees against Kubo) and every fault, attack, bad-input and load test. Each run
# writes its tally to build/reliability/. The tallies are summed even when a run failed (the file then
# shows the failure), and the target fails after.
RELIABILITY := build/reliability
fuzz: setup
	rm -rf $(RELIABILITY) && mkdir -p $(RELIABILITY)
	status=0; $(MAKE) --no-print-directory -k fuzz-runs || status=1; \
	$(PY) bench/reliability.py bench/results/reliability.json $(RELIABILITY)/*.json || status=1; \
	exit $$status

.PHONY: fuzz-runs fuzz-pytest fuzz-brownie-anvil fuzz-brownie-ganache
fuzz-runs: slither fuzz-brownie-anvil fuzz-brownie-ganache fuzz-pytest

fuzz-pytest:
	set -o pipefail; $(VENV)/bin/pytest tests -m "slow or reliability" --hypothesis-profile=fuzz -p no:cacheprovider \
		--hypothesis-show-statistics --reliability-out $(RELIABILITY)/pytest.json 2>&1 | tee bench/results/fuzz.txt

fuzz-brownie-anvil:
	$(call brownie_suite,anvil,-m reliability --reliability-out $(RELIABILITY)/brownie-anvil.json)

fuzz-brownie-ganache:
	$(call brownie_suite,ganache-cli,-m reliability --reliability-out $(RELIABILITY)/brownie-ganache.json)

# Rewrite the exact pins from the current environment (after changing pyproject dependencies).
lock:
	$(PY) -m pip freeze --exclude-editable | sort -f > requirements/main.lock

clean:
	rm -rf $(VENV) .venv-brownie .venv-slither node_modules frontend/node_modules frontend/dist $(SOLCX_BINARY_PATH) build .cache

include toolchain/brownie.mk
