"""Fixtures for the Catalog contract tests; the helpers themselves live in
`tests/support/catalog_env.py`.

One chain per session and kind: the Catalog is deployed once, a snapshot is taken, and every test starts
from that snapshot (`revert_to_snapshot` costs ~4 ms; a fresh chain and deployment ~40 ms). `env` is
eth-tester (py-evm, in process); `anvil_env` is a real anvil process of these tests' own, started on a
port the OS chooses and stopped by PID (its clock and snapshots are moved: no other test shares it).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from eth_tester import EthereumTester, PyEVMBackend
from hypothesis import HealthCheck, Phase, settings
from web3 import EthereumTesterProvider, Web3
from web3.contract import Contract

from dapp._utils.revert import ErrorDecoder
from dapp.compile import Artifact, compile_contracts
from dapp.nodes import AnvilNode
from tests.support.backends import AnvilChain, Chain, TesterChain
from tests.support.catalog_env import CatalogEnv, compile_test_contracts

# Hypothesis profiles for the stateful Catalog test (test_invariants.py). `fuzz` is what `make fuzz` loads
# (registered in tests/conftest.py); the machine takes its own budgets from these. `contract-quick` runs it
# on eth-tester on every run (no shrinking, so a failure is reported in seconds, well inside pytest's
# 300 s timeout).
settings.register_profile(
    "contract-quick",
    max_examples=6,
    stateful_step_count=20,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow],
)
# The same machine on anvil (test_random_actions_on_anvil): a short run in `make test` (~600 steps, ~10 s),
# and under `make fuzz` the long one, with shrinking. Hypothesis ends some examples early (its mutations
# can draw the stop), so an example averaged 46-53 steps of the 60 here: 280 examples give ~13,000-14,800
# steps, comfortably above the 10,000 the test asserts; 3-7 minutes on this shared 2-core machine.
settings.register_profile(
    "contract-anvil-quick",
    max_examples=20,
    stateful_step_count=30,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "contract-anvil-fuzz",
    max_examples=280,
    stateful_step_count=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@pytest.fixture(scope="session")
def artifacts() -> dict[str, Artifact]:
    """The Catalog, TestUSD and every test contract, by name."""
    return {
        "Catalog": compile_contracts(),
        "TestUSD": compile_contracts(name="TestUSD"),
        **compile_test_contracts(),
    }


def _deployed_env(chain: Chain, artifacts: dict[str, Artifact]) -> CatalogEnv:
    """A CatalogEnv on `chain` with a freshly deployed Catalog."""
    w3 = chain.w3
    catalog_artifact = artifacts["Catalog"]
    factory = w3.eth.contract(abi=catalog_artifact.abi, bytecode=catalog_artifact.bytecode)
    receipt = chain.transact(factory.constructor(), {"from": w3.eth.accounts[0], "gas": 8_000_000})
    catalog = w3.eth.contract(address=receipt["contractAddress"], abi=catalog_artifact.abi)
    # One decoder for every error a test can provoke: the Catalog's (with SafeERC20's) and the tokens'.
    abi = [entry for artifact in artifacts.values() for entry in artifact.abi]
    return CatalogEnv(chain=chain, w3=w3, catalog=catalog, artifacts=artifacts, decoder=ErrorDecoder(abi))


@pytest.fixture(scope="session")
def _session_env(artifacts: dict[str, Artifact]) -> tuple[CatalogEnv, int]:
    tester = EthereumTester(PyEVMBackend())
    env = _deployed_env(TesterChain(tester, Web3(EthereumTesterProvider(tester))), artifacts)
    return env, env.snapshot()


@pytest.fixture
def env(_session_env: tuple[CatalogEnv, int]) -> Iterator[CatalogEnv]:
    """The freshly deployed Catalog on eth-tester, with no product, no order and no credit; undone after
    the test."""
    session_env, snapshot = _session_env
    session_env.revert(snapshot)
    yield session_env
    session_env.revert(snapshot)


@pytest.fixture(scope="session")
def contract_anvil() -> Iterator[AnvilNode]:
    """An anvil of the contract tests' own (paris, like the compiled bytecode), stopped by PID."""
    with AnvilNode() as node:
        yield node


@pytest.fixture(scope="session")
def _anvil_session_env(contract_anvil: AnvilNode, artifacts: dict[str, Artifact]) -> Iterator[CatalogEnv]:
    chain = AnvilChain(contract_anvil.url)
    yield _deployed_env(chain, artifacts)
    chain.close()


@pytest.fixture
def anvil_env(_anvil_session_env: CatalogEnv) -> Iterator[CatalogEnv]:
    """The freshly deployed Catalog on anvil, with no product, no order and no credit; undone after the
    test (anvil forgets a snapshot once reverted to, so each test takes its own)."""
    env = _anvil_session_env
    snapshot = env.snapshot()
    yield env
    env.revert(snapshot)


@pytest.fixture
def catalog(env: CatalogEnv) -> Contract:
    return env.catalog


@pytest.fixture
def usd(env: CatalogEnv) -> Contract:
    """TestUSD, minted to the buyer and `other`, both approving the Catalog without limit."""
    return env.deploy_token("TestUSD", holders=[env.buyer, env.other])
