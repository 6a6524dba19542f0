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

.PHONY: help setup demo test check lint bench scale fuzz clean artifacts lock

help:
	@echo "make demo   - install what is missing, then run the store on a local anvil (Ctrl-C stops it)"
	@echo "make test   - install what is missing, then run every test (lint, unit, integration)"
	@echo "make check  - lint and the tests that need no node (no chain, IPFS or browser process)"
	@echo "make bench  - gas, read, page and network benchmarks, written to bench/results/"
	@echo "make scale  - 100,000 products and 1,000,000 orders with and without the indexer (long; SCALE=0.01 for 1/100, SCALE_DATABASE=postgres)"
	@echo "make fuzz   - long property tests, faults, attacks, bad inputs, load and slither: bench/results/reliability.json"
	@echo "make mutation - slither-mutate on the Catalog against the contract tests: bench/results/mutation.json (hours)"
	@echo "make mutation-recheck - re-run the survivors noted as killed by later tests, against the tests of today"
	@echo "make setup  - only install (idempotent)"

include toolchain/ipfs.mk
include toolchain/page.mk
include toolchain/slither.mk
include toolchain/mutation.mk
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

# `make test` runs every suite, side by side: lint, slither, the main pytest run, the Brownie suite on
# anvil and on Ganache, the client again under web3 7.16, the page's node tests. They share nothing: each
# pytest fixture starts its nodes on ports the OS picks, the two Brownie runs use their own two ports, and
# the main run writes only under pytest's temporary folders. Most of their time is spent waiting on node
# processes, so on 2 cores they overlap well. --output-sync prints each suite's output in one piece when
# it ends; -k runs them all even when one fails, and `make test` then fails.
TEST_SUITES := lint slither test-pytest test-brownie-anvil test-brownie-ganache test-client-web3-7 test-page
test: setup
	$(MAKE) --no-print-directory -k -j$(words $(TEST_SUITES)) --output-sync=target $(TEST_SUITES)

# The main pytest run on PYTEST_WORKERS pytest-xdist workers. Each worker starts the session's nodes it
# needs itself (on ports the OS picks); --dist loadfile keeps a file's tests on one worker (a module's nodes
# and deployments are set up once) except the long files of independent tests, which tests/conftest.py
# spreads. The tests mostly wait on node processes, so 5 workers overlap well on 2 cores. --durations lists
# the slowest tests, where the suite's time goes.
PYTEST_WORKERS ?= 5
.PHONY: test-pytest
test-pytest: setup
	$(VENV)/bin/pytest -n $(PYTEST_WORKERS) --dist loadfile --durations=30 $(call junit,pytest)

# `make check`: lint, and every test that needs no node process (no anvil, Ganache, Kubo, IPFS Cluster or
# Chromium): the rest of the main suite's unit tests, the contract state machine on eth-tester, and the
# page's node tests. What `make test` runs besides is selected by these same marks.
NO_NODE := not anvil and not ganache and not kubo and not cluster and not chromium and not ponder and not postgres
check: setup
	$(MAKE) --no-print-directory -k -j3 --output-sync=target lint test-page check-pytest

.PHONY: check-pytest
check-pytest: setup
	$(VENV)/bin/pytest -n 2 -m "$(NO_NODE)" $(call junit,check)

# bench/suite.py sets TEST_REPORTS to a folder: every run then writes a JUnit XML report there, which is
# how it counts the tests each runner ran.
TEST_REPORTS ?=
junit = $(if $(TEST_REPORTS),--junitxml=$(abspath $(TEST_REPORTS))/$(1).xml)

bench: setup
	$(PY) bench/run.py

# A store of 100,000 products and 1,000,000 orders, with and without the indexer, then the page on it in
# headless Chromium (long; not in `make test`). SCALE=0.01 runs it at 1/100 of that size;
# SCALE_DATABASE=postgres indexes into a throwaway PostgreSQL cluster instead of PGlite.
SCALE ?= 1
SCALE_DATABASE ?= pglite
scale: setup
	$(PY) bench/bench_scale.py --scale $(SCALE) --database $(SCALE_DATABASE)

# The wall times of `make test` and `make check` on fresh clones of HEAD: bench/results/suite.json.
.PHONY: bench-suite
bench-suite: setup
	$(PY) bench/suite.py

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

fuzz-brownie-anvil: brownie-compile
	$(call brownie_suite,anvil,-m reliability --reliability-out $(RELIABILITY)/brownie-anvil.json)

fuzz-brownie-ganache: brownie-compile
	$(call brownie_suite,ganache-cli,-m reliability --reliability-out $(RELIABILITY)/brownie-ganache.json)

# Rewrite the exact pins from the current environment (after changing pyproject dependencies).
lock:
	$(PY) -m pip freeze --exclude-editable | sort -f > requirements/main.lock

clean:
	rm -rf $(VENV) .venv-brownie .venv-slither node_modules frontend/node_modules frontend/dist $(SOLCX_BINARY_PATH) build .cache

include toolchain/brownie.mk
