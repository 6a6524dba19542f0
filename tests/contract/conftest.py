"""Fixtures for the Catalog contract tests on eth-tester; the helpers themselves live in `helpers.py`.

One chain per session: the Catalog is deployed once, a snapshot is taken, and every test starts from
that snapshot (`revert_to_snapshot` costs ~4 ms; a fresh chain and deployment ~40 ms).
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

from .helpers import CatalogEnv, compile_test_contracts

# Hypothesis profiles. `fuzz` is what `make fuzz` loads (`pytest tests -m slow --hypothesis-profile=fuzz`,
# registered in tests/conftest.py). The stateful Catalog test takes its own budgets from `contract-quick`
# (every run: no shrinking, so a failure is reported in seconds, well inside pytest's 300 s timeout) and,
# when the `fuzz` profile is loaded, `contract-fuzz` (long, with shrinking).
settings.register_profile(
    "contract-quick",
    max_examples=6,
    stateful_step_count=20,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "contract-fuzz",
    max_examples=150,
    stateful_step_count=50,
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


@pytest.fixture(scope="session")
def _session_env(artifacts: dict[str, Artifact]) -> Iterator[tuple[CatalogEnv, int]]:
    tester = EthereumTester(PyEVMBackend())
    w3 = Web3(EthereumTesterProvider(tester))
    catalog_artifact = artifacts["Catalog"]
    factory = w3.eth.contract(abi=catalog_artifact.abi, bytecode=catalog_artifact.bytecode)
    receipt = w3.eth.get_transaction_receipt(
        factory.constructor().transact({"from": w3.eth.accounts[0], "gas": 8_000_000})
    )
    assert receipt["status"] == 1
    catalog = w3.eth.contract(address=receipt["contractAddress"], abi=catalog_artifact.abi)
    # One decoder for every error a test can provoke: the Catalog's (with SafeERC20's) and the tokens'.
    abi = [entry for artifact in artifacts.values() for entry in artifact.abi]
    env = CatalogEnv(tester=tester, w3=w3, catalog=catalog, artifacts=artifacts, decoder=ErrorDecoder(abi))
    yield env, tester.take_snapshot()


@pytest.fixture
def env(_session_env: tuple[CatalogEnv, int]) -> Iterator[CatalogEnv]:
    """The freshly deployed Catalog, with no product, no order and no credit; undone after the test."""
    session_env, snapshot = _session_env
    session_env.tester.revert_to_snapshot(snapshot)
    session_env.reset()
    yield session_env
    session_env.tester.revert_to_snapshot(snapshot)
    session_env.reset()


@pytest.fixture
def catalog(env: CatalogEnv) -> Contract:
    return env.catalog


@pytest.fixture
def usd(env: CatalogEnv) -> Contract:
    """TestUSD, minted to the buyer and `other`, both approving the Catalog without limit."""
    return env.deploy_token("TestUSD", holders=[env.buyer, env.other])
