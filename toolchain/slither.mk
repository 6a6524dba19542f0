# Slither static analysis (`make slither`, part of `make test`), included by the top-level Makefile, which
# provides PYTHON, PY (the main environment's python), SOLC_VERSION and the exported SOLCX_BINARY_PATH.
#
# slither-analyzer 0.11.6 requires web3 7 (the main environment has web3 8), so it gets its own
# environment, .venv-slither. It compiles through crytic-compile's `solc` platform with the wasm shim
# `make setup` installs (slither needs `--combined-json`, which the shim emulates), with the settings of
# dapp/compile.py: OpenZeppelin remapped into node_modules, paris, the optimizer at the same runs.
#
# Gate: zero high and zero medium findings. A low or informational finding is either fixed or accepted at
# the line it points to, with a `// slither-disable-next-line <detector>` under a comment saying why;
# findings inside OpenZeppelin (node_modules) are theirs and filtered out. The counts after those
# suppressions go to build/reliability/slither.json.

SLITHER_VENV := .venv-slither
SLITHER_PY := $(SLITHER_VENV)/bin/python
SLITHER := $(SLITHER_VENV)/bin/slither
# The Catalog, and TestUSD (the demo token `dapp up` deploys; cheap, ~10 s).
SLITHER_SOURCES := contracts/Catalog.sol contracts/test/TestUSD.sol
SLITHER_REPORTS := $(patsubst %.sol,build/slither/%.json,$(SLITHER_SOURCES))
SLITHER_COUNTS := build/reliability/slither.json
# dapp.compile: OPTIMIZER_RUNS (2^32 - 1) and EVM_VERSION.
SLITHER_SOLC_ARGS := --optimize --optimize-runs 4294967295 --evm-version paris

.PHONY: setup-slither slither lock-slither

setup-slither: $(SLITHER_VENV)/.stamp node_modules/.stamp $(SOLCX_BINARY_PATH)/solc-v$(SOLC_VERSION)

$(SLITHER_VENV)/.stamp: requirements/slither.lock
	@test -x $(SLITHER_PY) || $(PYTHON) -m venv $(SLITHER_VENV)
	$(SLITHER_PY) -m pip install --quiet --disable-pip-version-check -r requirements/slither.lock
	$(SLITHER_PY) -m pip check
	@touch $@

# Rewrite the exact pins from the current slither environment (after changing what it needs).
lock-slither:
	{ sed -n '/^#/p' requirements/slither.lock; $(SLITHER_PY) -m pip freeze | sort -f; } \
		> requirements/slither.lock.tmp && mv requirements/slither.lock.tmp requirements/slither.lock

# One report per source, redone only when its inputs change: the source and the files it imports from
# contracts/ (listed below), OpenZeppelin (node_modules), slither's environment, the shim or these
# settings. slither analyses every file the source imports, so the Catalog's report covers its types and
# interface too. slither refuses to overwrite a --json file and exits nonzero whenever it finds anything,
# so it writes a fresh temporary file with --fail-none, and the gate is slither_counts.py's.
build/slither/%.json: %.sol $(SLITHER_VENV)/.stamp node_modules/.stamp $(SOLCX_BINARY_PATH)/solc-v$(SOLC_VERSION) \
		toolchain/slither.mk
	@mkdir -p $(@D)
	@rm -f $@.tmp
	$(SLITHER) $< --compile-force-framework solc --solc $(SOLCX_BINARY_PATH)/solc-v$(SOLC_VERSION) \
		--solc-remaps "@openzeppelin=node_modules/@openzeppelin" --solc-args "$(SLITHER_SOLC_ARGS)" \
		--filter-paths node_modules --show-ignored-findings --fail-none --json $@.tmp
	@mv $@.tmp $@

# The Catalog's own imports (TestUSD imports only OpenZeppelin).
build/slither/contracts/Catalog.json: $(wildcard contracts/types/*.sol contracts/interfaces/*.sol)

slither: $(SLITHER_REPORTS) $(VENV)/.stamp
	$(PY) toolchain/slither_counts.py --out $(SLITHER_COUNTS) $(SLITHER_REPORTS)
