# Mutation testing of the Catalog (`make mutation`, not part of `make test`: it takes hours on this
# machine), included by the top-level Makefile, which provides PY, VENV, SOLC_VERSION and the exported
# SOLCX_BINARY_PATH; toolchain/slither.mk provides the slither environment.
#
# slither-mutate (.venv-slither) rewrites contracts/Catalog.sol in place, one mutant at a time (revert,
# comment, operator, literal and condition replacements), compiles it and runs MUTATION_TEST against
# it: the contract suite on anvil, stopping at the first failure (-x), under MUTATION_TIMEOUT seconds.
# A mutant the tests pass on survived. Do not edit contracts/ while it runs; it restores the file at the
# end (and on Ctrl-C). crytic-compile, which checks that each mutant compiles, calls `solc` from PATH:
# build/mutation/bin/solc is the wasm shim under that name.
#
# toolchain/mutation_report.py then writes bench/results/mutation.json from the log: mutants, killed,
# equivalent, survived, and each survivor with its line and either the test that now kills it or the
# reason it cannot change behaviour (toolchain/mutation_notes.json).

MUTATION_DIR := build/mutation
MUTATION_LOG := $(MUTATION_DIR)/mutate.log
MUTATION_TIMEOUT ?= 300
# The contract suite minus its long runs (the 1,000-product view-cost setup and the two random state
# machines; the scripted every-event replay stays), two workers, stop at the first failure. The
# survivors are then run against the whole suite by hand (see toolchain/mutation_notes.json).
MUTATION_TEST ?= $(CURDIR)/$(VENV)/bin/python -m pytest tests/contract -x -q -n 2 -p no:cacheprovider \
	--ignore tests/contract/test_view_cost.py \
	--deselect tests/contract/test_invariants.py::test_random_actions_quick \
	--deselect tests/contract/test_invariants.py::test_random_actions_on_anvil

.PHONY: mutation mutation-report

mutation: setup
	rm -rf $(MUTATION_DIR) && mkdir -p $(MUTATION_DIR)/bin
	ln -s $(SOLCX_BINARY_PATH)/solc-v$(SOLC_VERSION) $(MUTATION_DIR)/bin/solc
	start=$$(date +%s); \
	PATH="$(CURDIR)/$(MUTATION_DIR)/bin:$$PATH" $(SLITHER_VENV)/bin/slither-mutate contracts/Catalog.sol \
		--test-cmd "$(MUTATION_TEST)" --timeout $(MUTATION_TIMEOUT) -v \
		--output-dir $(MUTATION_DIR)/campaign --solc $(SOLCX_BINARY_PATH)/solc-v$(SOLC_VERSION) \
		--solc-remaps "@openzeppelin=node_modules/@openzeppelin" --solc-args "$(SLITHER_SOLC_ARGS)" \
		2>&1 | tee $(MUTATION_LOG); \
	echo "elapsed_s $$(( $$(date +%s) - start ))" >> $(MUTATION_LOG)
	$(MAKE) --no-print-directory mutation-report

mutation-report:
	$(PY) toolchain/mutation_report.py $(MUTATION_LOG) toolchain/mutation_notes.json bench/results/mutation.json
