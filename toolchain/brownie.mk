# Brownie support (see "Using Brownie" in README.md), included by the top-level Makefile, which provides
# PYTHON, SOLC_VERSION, the exported SOLCX_BINARY_PATH (Brownie finds the solc shim there) and PATH with
# node_modules/.bin (Brownie launches `anvil` and `ganache-cli` from PATH).
#
# eth-brownie 1.22.2 pins ~80 exact versions (web3 7.16, pytest 9.1, hypothesis 6.27) and its pytest
# plugin takes over any pytest run in a Brownie-shaped folder, so it lives in its own environment,
# .venv-brownie. dapp is installed there too (editable, same sources): scripts/deploy.py registers
# deployments through it, and the client's tests run there a second time to prove web3 7.16 works.

BROWNIE_VENV := .venv-brownie
BROWNIE_PY := $(BROWNIE_VENV)/bin/python
BROWNIE := $(BROWNIE_VENV)/bin/brownie
# Brownie keeps its data (network-config.yaml, a decoded-errors cache, hypothesis examples) in
# $HOME/.brownie and has no setting to move it. Test runs get a project-local HOME: they then start from
# Brownie's own default network list whatever an older Brownie left in ~/.brownie, and write nothing
# into the user's home. Interactive use (README) keeps the real home.
BROWNIE_HOME := $(CURDIR)/.cache/brownie-home
# The tests that run again under web3 7.16 (`make test-client-web3-7`): those whose subject is one of dapp's
# modules that call web3.py (client, deploy and tokens; transactions: pipeline, fees, nonces, receipts,
# broadcast, signers; networks, rpc and middleware; accounts; _utils.logs and revert; the registry's
# staleness checks), in the main environment run with web3 8. Not the other tests: the CLI's (the same
# client and pipeline behind click: what differs there is click, not web3; tests/transactions/
# test_cli_networks.py included), tests/contract (raw JSON-RPC and eth-tester, no dapp client), tests/ipfs
# (no web3), tests/page (the browser drives the page; Playwright is in the main environment only), the
# packaging, compiler and process tests, and not the `slow` ones (the load run and the fuzzing, which
# needs a newer hypothesis than the 6.27 eth-brownie pins). Every one of them runs in the main pass.
# Of the node-kill faults, one moment each: the moments differ in the pipeline's logic, which web3 does not
# change; what web3 does change (the error a dead node raises, the calls after a restart) each one covers.
WEB3_7_DESELECT := $(addprefix tests/transactions/,\
	test_node_killed.py::test_anvil_killed_mid_deploy[before_send] \
	test_node_killed.py::test_anvil_killed_mid_deploy[after_send] \
	test_node_killed.py::test_anvil_killed_mid_purchase_and_restarted_without_it[before_send] \
	test_node_killed.py::test_anvil_killed_mid_purchase_and_restarted_without_it[while_waiting] \
	test_node_restarted.py::test_a_restarted_node_gets_no_transaction_for_a_stale_entry[same])
WEB3_7_TESTS := tests/test_client.py tests/test_bad_input_client.py tests/test_accounts.py tests/test_logs.py \
	tests/test_registry.py tests/transactions
WEB3_7_IGNORE := tests/transactions/test_cli_networks.py
WEB3_7_MARKERS := not slow

# Port of a Brownie network, read from brownie-config.yaml so the port lives in one place.
brownie_port = $(shell $(BROWNIE_PY) -c 'import yaml; print(yaml.safe_load(open("brownie-config.yaml"))["networks"]["$(1)"]["cmd_settings"]["port"])')

.PHONY: setup-brownie brownie-compile test-brownie test-brownie-anvil test-brownie-ganache test-client-web3-7 lock-brownie

setup-brownie: $(BROWNIE_VENV)/.stamp node_modules/.stamp $(SOLCX_BINARY_PATH)/solc-v$(SOLC_VERSION)

$(BROWNIE_VENV)/.stamp: requirements/brownie.lock pyproject.toml
	@test -x $(BROWNIE_PY) || $(PYTHON) -m venv $(BROWNIE_VENV)
	$(BROWNIE_PY) -m pip install --quiet --disable-pip-version-check -r requirements/brownie.lock
	$(BROWNIE_PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	$(BROWNIE_PY) -m pip check
	@touch $@

# Rewrite the exact pins from the current Brownie environment (after changing what it needs).
lock-brownie:
	{ sed -n '/^#/p' requirements/brownie.lock; $(BROWNIE_PY) -m pip freeze --exclude-editable | sort -f; } \
		> requirements/brownie.lock.tmp && mv requirements/brownie.lock.tmp requirements/brownie.lock

test-brownie: test-brownie-anvil test-brownie-ganache test-client-web3-7

# Brownie attaches without a word to any node already on its port and would test against (and leave
# state in) someone else's chain, so refuse to run if the port answers. Brownie stops the node it
# launched; the check afterwards proves it did not leave one behind. $(2): more arguments for pytest.
define brownie_suite
	@port=$(call brownie_port,$(1)); \
	if $(BROWNIE_PY) -c 'import socket, sys; sys.exit(socket.socket().connect_ex(("127.0.0.1", int(sys.argv[1]))) != 0)' $$port; then \
		echo "ERROR: 127.0.0.1:$$port (network $(1) in brownie-config.yaml) is in use. Brownie would attach to"; \
		echo "       that node instead of starting its own. Stop it (e.g. your own node for deployments) and retry."; \
		exit 1; \
	fi; \
	mkdir -p $(BROWNIE_HOME) && \
	HOME=$(BROWNIE_HOME) $(BROWNIE) test --network $(1) $(2) $(call junit,brownie-$(1)) && \
	if $(BROWNIE_PY) -c 'import socket, sys; sys.exit(socket.socket().connect_ex(("127.0.0.1", int(sys.argv[1]))) != 0)' $$port; then \
		echo "ERROR: a node still listens on 127.0.0.1:$$port after brownie test --network $(1)"; exit 1; \
	fi
endef

# Both suites (run side by side by `make test`) read one build, made here before either starts. Every project
# load deletes the artifacts of contracts nothing uses (OpenZeppelin's IERC721Errors and IERC1155Errors, which
# a compile writes): two suites loading a fresh build at once both delete them, and one fails. So the build is
# loaded twice here (the second load prunes them and compiles nothing); the suites' loads then change nothing.
.PHONY: brownie-compile
brownie-compile: setup-brownie
	mkdir -p $(BROWNIE_HOME) && HOME=$(BROWNIE_HOME) $(BROWNIE) compile && HOME=$(BROWNIE_HOME) $(BROWNIE) compile

test-brownie-anvil: brownie-compile
	$(call brownie_suite,anvil)

test-brownie-ganache: brownie-compile
	$(call brownie_suite,ganache-cli)

# dapp under eth-brownie's web3 7.16 (the main environment has web3 8): pyproject.toml declares
# web3>=7.16,<9 and this run is what backs the lower bound. -p no:pytest-brownie keeps Brownie's plugin
# from taking over the run (it would compile and launch a node for a "Brownie project").
test-client-web3-7: setup-brownie
	$(BROWNIE_PY) -m pytest -p no:pytest-brownie -n 2 --dist loadfile -m "$(WEB3_7_MARKERS)" \
		$(addprefix --ignore=,$(WEB3_7_IGNORE)) $(patsubst %,--deselect='%',$(WEB3_7_DESELECT)) $(call junit,web3-7) \
		$(WEB3_7_TESTS)
