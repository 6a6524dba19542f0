"""Shared fixtures: real chains (eth-tester in process, anvil and Ganache processes on 127.0.0.1) and a
freshly deployed Catalog with one client per dev account.

Nodes are started once per session on ports the OS chooses and stopped by PID; each test deploys its own
Catalog (~20 ms on anvil), so tests never see each other's products.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from dapp.client import CatalogClient
from dapp.compile import load_artifact
from dapp.deploy import deploy_catalog, deploy_contract
from dapp.networks import embedded_web3, http_web3
from dapp.nodes import AnvilNode, GanacheNode, LocalNode
from dapp.registry import Deployment, Registry
from tests.support.fixtures import Chain, ClientFor, deploy_no_decimals_token

# The tests send Ctrl-C's SIGINT to the processes they start (`dapp up`, `dapp orders --watch`, a journal
# writer) and expect what a terminal's Ctrl-C does. A runner started with SIGINT ignored (a background job
# of a non-interactive shell is) would pass that on to every child, which then never sees it: restore it.
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

# The reliability tally (markers and the `reliability` fixture); see tests/support/reliability.py.
pytest_plugins = ["tests.support.reliability", "pytester"]

# `make fuzz` runs `pytest tests -m "slow or reliability" --hypothesis-profile=fuzz`. Hypothesis loads the profile when
# pytest configures, before the subfolders' conftests are imported, so it is registered here, once.
settings.register_profile(
    "fuzz",
    max_examples=300,
    stateful_step_count=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


# How pytest-xdist shares the tests out (`make test`: `--dist loadfile`). A file's tests stay together on one
# worker, so its module fixtures (a store, a browser, an indexer) are set up once, except in SPREAD: files of
# long tests that share no module fixture, each test sent to any free worker (a worker then starts its own
# session nodes, seconds, where one file would keep one worker busy for ten minutes). Work is handed out in
# collection order, so the longest go first (LONGEST_FIRST, from the slowest tests `make test` prints): a long
# file collected last would run alone while the others sit idle.
SPREAD = (
    "tests/test_cli.py",
    "tests/transactions/test_cli_networks.py",
    "tests/transactions/test_node_killed.py",
    "tests/ipfs/test_cli_metadata.py",
    "tests/test_demo_seed.py",
    "tests/test_client.py",
)
LONGEST_FIRST = (
    "tests/indexer/test_indexer.py",
    "tests/page/test_indexer_page.py",
    "tests/ipfs/test_release.py",
    "tests/page/test_workspace.py",
    "tests/contract/test_invariants.py",
    "tests/page/test_bad_input.py",
    "tests/page/test_build.py",
    "tests/page/test_release.py",
    "tests/test_cli_merch.py",
    "tests/test_load.py",
    "tests/test_demo_seed.py",
    *SPREAD[:3],
    "tests/ipfs/test_cli_metadata.py",
    "tests/test_bad_input_cli.py",
    "tests/ipfs/test_unixfs.py",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    root = Path(str(config.rootpath))
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}

    def name(item: pytest.Item) -> str:
        return item.path.relative_to(root).as_posix() if item.path.is_relative_to(root) else str(item.path)

    items.sort(key=lambda item: rank.get(name(item), len(rank)))  # stable: each file's tests keep their order


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist's own scheduler for `--dist loadfile`
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """`--dist loadfile`, except that each test of a SPREAD file is a unit of its own. (pytest-xdist's
    `loadgroup` would say the same with marks, but pytest 9.2 ignores the node ids it rewrites.)"""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class FilesAndSpread(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            return nodeid if path in SPREAD else path

    return FilesAndSpread(config, log)


@pytest.fixture(scope="session", autouse=True)
def dapp_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The transaction journal and node records of every test go to a temporary folder, not ./.dapp."""
    home = tmp_path_factory.mktemp("dapp-home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DAPP_HOME", str(home))
        yield home


@pytest.fixture(scope="session")
def anvil_node() -> Iterator[AnvilNode]:
    with AnvilNode() as node:
        yield node


@pytest.fixture(scope="session")
def ganache_node() -> Iterator[GanacheNode]:
    with GanacheNode() as node:
        yield node


def _chain(kind: str, request: pytest.FixtureRequest) -> Chain:
    if kind == "embedded":
        return Chain(kind, embedded_web3(), None)
    node: LocalNode = request.getfixturevalue(f"{kind}_node")
    return Chain(kind, http_web3(node.url), node)


@pytest.fixture(
    params=[
        "embedded",
        pytest.param("anvil", marks=pytest.mark.anvil),
        pytest.param("ganache", marks=pytest.mark.ganache),
    ]
)
def chain(request: pytest.FixtureRequest) -> Chain:
    """The same test on every chain the client must work with."""
    return _chain(request.param, request)


@pytest.fixture
def anvil_chain(request: pytest.FixtureRequest) -> Chain:
    return _chain("anvil", request)


@pytest.fixture
def registry(tmp_path: Path) -> Registry:
    return Registry(tmp_path / "deployments")


@pytest.fixture
def deployed(chain: Chain, registry: Registry) -> tuple[Deployment, list[dict[str, Any]]]:
    deployer = str(chain.w3.eth.accounts[0])
    result = deploy_catalog(chain.w3, deployer, registry, force=True)
    return result.deployment, load_artifact().abi


@pytest.fixture
def client_for(chain: Chain, deployed: tuple[Deployment, list[dict[str, Any]]]) -> ClientFor:
    """client_for(i): a CatalogClient signing as dev account i."""
    deployment, abi = deployed

    def make(index: int) -> CatalogClient:
        account = str(chain.w3.eth.accounts[index])
        return CatalogClient.from_deployment(chain.w3, deployment, abi, account=account)

    return make


USD = 10**6
BUYER_FUNDS = 1_000 * USD


@pytest.fixture
def usd(chain: Chain, registry: Registry) -> str:
    """A fresh TestUSD (6 decimals, permit), registered; dev accounts 2 and 3 hold 1,000 tUSD each."""
    from dapp.demo import mint_request
    from dapp.transactions import TransactionPipeline

    deployer = str(chain.w3.eth.accounts[0])
    token = deploy_contract(chain.w3, deployer, registry, load_artifact("TestUSD"), force=True).deployment.address
    faucet = TransactionPipeline(chain.w3, deployer)
    for index in (2, 3):
        faucet.execute(mint_request(token, str(chain.w3.eth.accounts[index]), BUYER_FUNDS))
    return token


@pytest.fixture
def no_decimals_token(chain: Chain) -> str:
    """A contract with balanceOf, totalSupply and symbol but no decimals()."""
    return deploy_no_decimals_token(chain.w3)
