"""Fixtures for the Catalog contract tests; the helpers themselves live in
`tests/support/catalog_env.py`.

One chain per session and kind: the Catalog is deployed once, a snapshot is taken, and every test starts
from that snapshot (a revert costs a few ms; a fresh chain and deployment ~40 ms). `env` is a real anvil
process of these tests' own (`anvil_env`), started on a port the OS chooses and stopped by PID (its
clock and snapshots are moved: no other test shares it); a test marked `eth_tester` gets eth-tester
(py-evm, in process; `tester_env`) instead. anvil runs these tests 10-16 times as fast as eth-tester,
which spends ~50-100 ms of this process's CPU on each transaction; eth-tester keeps the state machine's
quick run, so the tests that need no node process (`make check`) still drive it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

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

HERE = Path(__file__).resolve().parent

# Hypothesis profiles for the stateful Catalog test (test_invariants.py). `fuzz` is what `make fuzz` loads
# (registered in tests/conftest.py); the machine takes its own budgets from these. `contract-quick` runs it
# on eth-tester on every run (no shrinking, so a failure is reported in seconds, well inside pytest's
# timeout), derandomized: random seeds made it take 30-150 s from one make test to the next.
settings.register_profile(
    "contract-quick",
    max_examples=6,
    stateful_step_count=20,
    deadline=None,
    derandomize=True,  # the same examples every run: make test is deterministic, make fuzz explores
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
def tester_env(_session_env: tuple[CatalogEnv, int]) -> Iterator[CatalogEnv]:
    """The freshly deployed Catalog on eth-tester, with no product, no order and no credit; undone after
    the test."""
    session_env, snapshot = _session_env
    session_env.revert(snapshot)
    yield session_env
    session_env.revert(snapshot)


@pytest.fixture(scope="session")
def contract_anvil() -> Iterator[AnvilNode]:
    """An anvil of the contract tests' own (paris, like the compiled bytecode), stopped by PID. Its dev
    accounts hold 10^24 wei each, as eth-tester's do (anvil's default is 10^22): some tests pay prices
    above 2^64 wei."""
    with AnvilNode(extra_args=["--balance", "1000000"]) as node:
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
def env(request: pytest.FixtureRequest) -> CatalogEnv:
    """The freshly deployed Catalog, undone after the test: on anvil, or on eth-tester if the test is
    marked `eth_tester`."""
    on_tester = request.node.get_closest_marker("eth_tester") is not None
    env: CatalogEnv = request.getfixturevalue("tester_env" if on_tester else "anvil_env")
    return env


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects: `-m "not anvil"` must see the mark
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test on the contract tests' anvil carries the `anvil` mark, whichever fixture brought it there."""
    for item in items:
        names = getattr(item, "fixturenames", ())
        on_anvil = "anvil_env" in names or ("env" in names and item.get_closest_marker("eth_tester") is None)
        if on_anvil and item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.anvil)


@pytest.fixture
def catalog(env: CatalogEnv) -> Contract:
    return env.catalog


@pytest.fixture
def usd(env: CatalogEnv) -> Contract:
    """TestUSD, minted to the buyer and `other`, both approving the Catalog without limit."""
    return env.deploy_token("TestUSD", holders=[env.buyer, env.other])
