# Mutation testing of the Catalog (`make mutation`, not part of `make test`: it takes hours on this
# machine), included by the top-level Makefile, which provides PY, VENV, SOLC_VERSION and the exported
# SOLCX_BINARY_PATH; toolchain/slither.mk provides the slither environment.
#
# slither-mutate (.venv-slither) rewrites each of MUTATION_TARGETS in place, one mutant at a time
# (revert, comment, operator, literal and condition replacements), compiles it and runs MUTATION_TEST
# against it: the contract suite, stopping at the first failure (-x), under MUTATION_TIMEOUT seconds.
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
# What is mutated: the Catalog and the three libraries that pack its words (file:contract; a library is
# not named after its file, so each is named to slither-mutate).
MUTATION_TARGETS ?= contracts/Catalog.sol:Catalog contracts/types/Sale.sol:SaleWord \
	contracts/types/Order.sol:OrderWord contracts/types/Offer.sol:OfferWord
# Empty: every mutator. A subset (e.g. MUTATORS=RR,CR) splits a campaign across two clones of the repo,
# one per core; mutation_report.py takes both logs.
MUTATORS ?=
# The contract suite in one process (12 s; two xdist workers took 27 s, each starting its own chain),
# stopping at the first failure: the every-event replay first, as it touches every function and view,
# then the gas of every action against bench/results/gas.json (2 s; it kills the mutants that change
# only gas, such as an `if` forced true that writes zero over zero), then the suites by concern. A
# mutant that passes them all also meets the random state machine (test_random_actions_quick, 14 s).
# Left out: the 1,000-product view-cost setup and the 9-16 minute random run on anvil. The mutant is
# compiled once first into build/cache (5 s with the wasm compiler).
MUTATION_PYTEST := $(CURDIR)/$(VENV)/bin/python -m pytest -x -q -p no:cacheprovider
MUTATION_SUITES := tests/contract/test_invariants.py::test_every_event_replayed_from_the_logs_alone \
	tests/contract/test_gas.py tests/contract/test_settlement.py tests/contract/test_offers.py \
	tests/contract/test_buy.py tests/contract/test_products.py tests/contract/test_withdraw.py \
	tests/contract/test_tokens.py tests/contract/test_forced_ether.py tests/contract/test_ownerless.py \
	tests/contract/test_contract_parties.py tests/contract/test_expect_revert.py
MUTATION_COMPILE := $(CURDIR)/$(VENV)/bin/python -c 'from dapp.compile import compile_contracts; compile_contracts()'
MUTATION_TESTS := $(MUTATION_PYTEST) $(MUTATION_SUITES) \
	&& $(MUTATION_PYTEST) tests/contract/test_invariants.py::test_random_actions_quick
MUTATION_TEST ?= $(MUTATION_COMPILE) && $(MUTATION_TESTS)
# slither-mutate's ROR stops at its first error on the Catalog and makes no mutant, so the relational
# operators get toolchain/ror_mutate.py instead (the boundary moved and the condition negated, as PIT
# does), with the same tests, into a log of the same format. Run with the rest when MUTATORS is empty.
ROR_LOG := $(MUTATION_DIR)/ror.log
ROR_TARGET ?= contracts/Catalog.sol

# Empty: every function. A narrower campaign, e.g.
#   make mutation MUTATION_FUNCTIONS="offerSettlement(uint256,uint256,uint256),..."
MUTATION_FUNCTIONS ?=

.PHONY: mutation mutation-report mutation-ror mutation-ror-run mutation-recheck

mutation: setup
	rm -rf $(MUTATION_DIR) && mkdir -p $(MUTATION_DIR)/bin
	ln -s $(SOLCX_BINARY_PATH)/solc-v$(SOLC_VERSION) $(MUTATION_DIR)/bin/solc
	set -o pipefail; start=$$(date +%s); \
	for target in $(MUTATION_TARGETS); do \
		file=$${target%%:*}; contract=$${target##*:}; \
		PATH="$(CURDIR)/$(MUTATION_DIR)/bin:$$PATH" $(SLITHER_VENV)/bin/slither-mutate $$file \
			--contract-names $$contract --test-cmd "$(MUTATION_TEST)" --timeout $(MUTATION_TIMEOUT) -v \
			$(if $(MUTATORS),--mutators-to-run "$(MUTATORS)") \
			$(if $(MUTATION_FUNCTIONS),--target-functions "$(MUTATION_FUNCTIONS)") \
			--output-dir $(MUTATION_DIR)/campaign-$$contract --solc $(SOLCX_BINARY_PATH)/solc-v$(SOLC_VERSION) \
			--solc-remaps "@openzeppelin=node_modules/@openzeppelin" --solc-args "$(SLITHER_SOLC_ARGS)" \
			2>&1 | tee -a $(MUTATION_LOG) || exit 1; \
	done; \
	echo "elapsed_s $$(( $$(date +%s) - start ))" >> $(MUTATION_LOG)
	$(if $(MUTATORS),,$(MAKE) --no-print-directory mutation-ror-run)
	$(MAKE) --no-print-directory mutation-report

# The relational operator mutants alone (a campaign split across clones runs this in one of them).
mutation-ror: setup
	$(MAKE) --no-print-directory mutation-ror-run
	$(MAKE) --no-print-directory mutation-report

mutation-ror-run:
	mkdir -p $(MUTATION_DIR) && rm -f $(ROR_LOG)
	$(PY) toolchain/ror_mutate.py $(ROR_TARGET) --compile "$(MUTATION_COMPILE)" --test "$(MUTATION_TESTS)" \
		--timeout $(MUTATION_TIMEOUT) --log $(ROR_LOG)

# The survivors noted as killed by a later test (toolchain/mutation_notes.json "killed_by"), re-run against
# the tests as they are now; mutation-report then marks each note confirmed, or counts it survived.
RECHECK_LOG := $(MUTATION_DIR)/recheck.log
mutation-recheck: setup
	mkdir -p $(MUTATION_DIR) && rm -f $(RECHECK_LOG)
	$(PY) toolchain/mutation_recheck.py bench/results/mutation.json --compile "$(MUTATION_COMPILE)" \
		--test "$(MUTATION_TESTS)" --timeout $(MUTATION_TIMEOUT) --log $(RECHECK_LOG)

# MUTATION_LOGS: the logs of a campaign split by MUTATORS across clones (default: this clone's).
MUTATION_LOGS ?= $(wildcard $(MUTATION_LOG) $(ROR_LOG) $(RECHECK_LOG))
mutation-report:
	$(PY) toolchain/mutation_report.py toolchain/mutation_notes.json bench/results/mutation.json $(MUTATION_LOGS)
