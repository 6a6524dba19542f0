"""Fixtures for the real-network tests: anvil with no unlocked accounts (`--accounts 0`, keys we hold),
in automine, interval (`--block-time`) or manual (`--no-mining`) mode; a Catalog with one product on it;
a flaky proxy in front; and a TxSender for a key.

Setup goes around our transaction code on purpose: the seller is impersonated (`anvil_impersonateAccount`)
and its transactions mined with `evm_mine`, so a bug in the code under test cannot hide in a fixture.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from eth_account import Account
from eth_account.signers.local import LocalAccount
from web3 import Web3
from web3.types import TxReceipt

from dapp._utils.revert import ErrorDecoder
from dapp.compile import load_artifact
from dapp.deploy import register_deployment
from dapp.middleware import tune
from dapp.nodes import AnvilNode
from dapp.rpc import RpcProvider
from dapp.transactions import Simulated, TransactionPipeline, TxRequest
from dapp.transactions.fees import FeeOverrides
from dapp.transactions.journal import JournalEntry
from dapp.transactions.signers import LocalSigner
from dapp.types import ETH, ORDER_STATE_ENUMS, Order, Product
from tests.support.rpc_proxy import FlakyRpcProxy

PRICE = 10**15
ETHER = 10**18
BUY_GAS = 150_000  # a buy uses ~55-70k; fixed so racing transactions need no simulation

pytestmark = pytest.mark.anvil


def key(index: int) -> LocalAccount:
    """A fixed test key (index 1, 2, ...), the same in every run and process."""
    account: LocalAccount = Account.from_key((0xA11CE + index).to_bytes(32, "big"))
    return account


@dataclass
class KeyedChain:
    """A real anvil that has no unlocked accounts, and the test's side door into it."""

    node: AnvilNode
    w3: Web3 = field(init=False)

    def __post_init__(self) -> None:
        self.w3 = Web3(Web3.HTTPProvider(self.node.url))

    @property
    def url(self) -> str:
        return self.node.url

    def rpc(self, method: str, *params: Any) -> Any:
        response = self.w3.provider.make_request(method, list(params))  # type: ignore[arg-type]
        if "error" in response:
            raise AssertionError(f"{method}: {response['error']}")
        return response.get("result")

    def mine(self, blocks: int = 1) -> None:
        for _ in range(blocks):
            self.rpc("evm_mine")

    def fund(self, address: str, wei: int = 100 * ETHER) -> None:
        self.rpc("anvil_setBalance", address, hex(wei))

    def base_fee(self) -> int:
        return int(self.w3.eth.get_block("latest")["baseFeePerGas"])

    def nonce(self, address: str, block: str = "latest") -> int:
        return int(self.w3.eth.get_transaction_count(Web3.to_checksum_address(address), block))  # type: ignore[arg-type]

    def impersonated(self, sender: str, tx: dict[str, Any]) -> Any:
        """Send as `sender` without its key, mine, and return the receipt."""
        self.rpc("anvil_impersonateAccount", sender)
        tx_hash = self.rpc("eth_sendTransaction", {"from": sender, **tx})
        if self.node.block_time:  # keep the chain's rhythm: the block time is measured from its blocks
            receipt = self.w3.eth.wait_for_transaction_receipt(tx_hash, timeout=60, poll_latency=0.1)
        else:
            self.mine()
            receipt = self.w3.eth.get_transaction_receipt(tx_hash)
        assert receipt["status"] == 1, receipt
        return receipt


StartAnvil = Callable[..., KeyedChain]


@pytest.fixture
def start_anvil() -> Iterator[StartAnvil]:
    """start_anvil(block_time=None, no_mining=False, *extra, chain_id=31337): a fresh keyed anvil, stopped after
    the test."""
    nodes: list[AnvilNode] = []

    def start(
        block_time: float | None = None, no_mining: bool = False, *extra: str, chain_id: int = 31337
    ) -> KeyedChain:
        args = ["--accounts", "0", *(["--no-mining"] if no_mining else []), *extra]
        node = AnvilNode(block_time=block_time, extra_args=args, chain_id=chain_id)
        nodes.append(node)
        node.start()
        return KeyedChain(node)

    yield start
    for node in nodes:
        node.stop()


@pytest.fixture
def chain(start_anvil: StartAnvil) -> KeyedChain:
    """An automining keyed anvil of this test's own."""
    return start_anvil()


@dataclass
class Shop:
    """A Catalog with product 1 listed at PRICE in ETH, and how to build calls to it (by function name and
    arguments, so the ABI can change under it; the views are read through dapp.types)."""

    w3: Web3
    address: str
    abi: list[dict[str, Any]]
    seller: str
    deploy_tx: str = ""

    def register(self, registry_dir: Path) -> None:
        """Write the deployment registry the CLI reads (as `dapp deploy` would)."""
        register_deployment(self.w3, self.address, self.deploy_tx, tool="test", registry_dir=registry_dir)

    @property
    def contract(self) -> Any:
        return self.w3.eth.contract(address=Web3.to_checksum_address(self.address), abi=self.abi)

    def request(self, function: str, *args: Any, value: int = 0) -> TxRequest:
        data = bytes.fromhex(self.contract.encode_abi(function, args=list(args))[2:])
        return TxRequest(function, self.address, data, value)

    def buy(self, quantity: int = 1, product_id: int = 1, unit_price: int = PRICE) -> TxRequest:
        """buy on the terms listed (ETH, PRICE, the product's terms version), without order data; another unit
        price reverts."""
        terms = self.product(product_id).terms_version
        return self.request("buy", product_id, quantity, ETH, unit_price, terms, b"", value=quantity * unit_price)

    def product(self, product_id: int = 1) -> Product:
        return Product.from_view(self.contract.functions.getProduct(product_id).call())

    def order_count(self, product_id: int = 1) -> int:
        return self.product(product_id).order_count

    def orders(self, product_id: int = 1) -> list[Order]:
        count = self.order_count(product_id)
        views = self.contract.functions.getOrders(product_id, 0, count).call() if count else []
        return [Order.from_view(view) for view in views]

    def orders_by(self, buyer: str, product_id: int = 1) -> int:
        return sum(1 for order in self.orders(product_id) if order.buyer.lower() == buyer.lower())


def listing(stock: int) -> list[Any]:
    """listProduct's arguments: PRICE in ETH, settled at once (no handling time, escrow or arbiter)."""
    return [ETH, PRICE, stock, 0, 0, ETH, b"\x11" * 32, 1]


def open_shop(chain: KeyedChain, stock: int = 100) -> Shop:
    artifact = load_artifact()
    seller = key(0).address
    chain.fund(seller)
    receipt = chain.impersonated(seller, {"data": artifact.bytecode, "gas": hex(5_000_000)})
    shop = Shop(
        chain.w3, str(receipt["contractAddress"]), artifact.abi, seller, "0x" + bytes(receipt["transactionHash"]).hex()
    )
    data = shop.contract.encode_abi("listProduct", args=listing(stock))
    chain.impersonated(seller, {"to": shop.address, "data": data, "gas": hex(300_000)})
    return shop


def open_shop_unlocked(w3: Web3, seller: str, stock: int = 100) -> Shop:
    """open_shop on a node with unlocked accounts (Ganache): the seller signs on the node."""
    artifact = load_artifact()
    tx = w3.eth.send_transaction({"from": seller, "data": artifact.bytecode, "gas": 5_000_000})  # type: ignore[typeddict-item]
    shop = Shop(w3, str(w3.eth.wait_for_transaction_receipt(tx)["contractAddress"]), artifact.abi, seller)
    tx = shop.contract.functions.listProduct(*listing(stock)).transact({"from": seller, "gas": 300_000})
    w3.eth.wait_for_transaction_receipt(tx)
    return shop


@pytest.fixture
def shop(chain: KeyedChain) -> Shop:
    return open_shop(chain)


@pytest.fixture
def manual(start_anvil: StartAnvil) -> KeyedChain:
    """anvil --no-mining: blocks only when the test mines one."""
    return start_anvil(None, True)


@pytest.fixture
def manual_shop(manual: KeyedChain) -> Shop:
    """A Catalog on `manual`, and the buyer (key 1) funded: where the receipt and replacement tests start."""
    shop = open_shop(manual)
    manual.fund(key(1).address)
    return shop


@pytest.fixture
def proxy(chain: KeyedChain) -> Iterator[FlakyRpcProxy]:
    with FlakyRpcProxy(chain.url) as flaky:
        yield flaky


def rpc_web3(url: str, **provider_options: Any) -> Web3:
    """What dapp.networks.http_web3 makes (our transport, our middleware), with fast retries and rate-limit
    waits unless a test says otherwise."""
    options = {"retry_delay": 0.01, **provider_options}
    return tune(Web3(RpcProvider(url, **options)))


def make_pipeline(
    url: str,
    account: LocalAccount,
    journal_root: Path,
    *,
    timeout: float = 30.0,
    poll_interval: float | None = 0.05,
    fees: FeeOverrides | None = None,
    **provider_options: Any,
) -> TransactionPipeline:
    """The transaction pipeline for a key, naming the Catalog's errors."""
    return TransactionPipeline(
        rpc_web3(url, **provider_options),
        account.address,
        signer=LocalSigner(account),
        errors=ErrorDecoder(load_artifact().abi, enums=ORDER_STATE_ENUMS),
        receipt_timeout=timeout,
        poll_interval=poll_interval,
        fees=fees,
        journal_root=journal_root,
    )


def unsimulated(pipeline: TransactionPipeline, request: TxRequest, gas: int = BUY_GAS) -> Simulated:
    """A request sent without simulating it first (racing transactions, a gas limit set by hand)."""
    return Simulated(request, pipeline.require_sender(), gas)


def send(pipeline: TransactionPipeline, request: TxRequest, gas: int | None = None) -> JournalEntry:
    """Simulate (unless `gas` is given) and send; the journal entry of the sent transaction."""
    return pipeline.send(pipeline.simulate(request) if gas is None else unsimulated(pipeline, request, gas))


def transact(pipeline: TransactionPipeline, request: TxRequest) -> TxReceipt:
    """Simulate, send and wait; the receipt (a failure raises its named error)."""
    return pipeline.wait(send(pipeline, request))
