"""Fixtures and helpers for the Catalog contract tests on eth-tester (py-evm, in process).

One chain per session: the Catalog is deployed once, a snapshot is taken, and every test starts from
that snapshot (`revert_to_snapshot` costs ~4 ms; a fresh chain and deployment ~40 ms).

Transactions pass an explicit `gas`: eth-tester then mines them even when they revert (status 0,
no exception). `CatalogEnv.send` turns such a receipt into the revert it was, by replaying the call
on the state the transaction ran on, so tests see one kind of failure for calls and transactions.

`expect_revert(name, *args)` asserts a custom error by name and arguments. web3.py does not decode
custom errors (web3.py #3523): over HTTP it raises `ContractCustomError` whose `data` is the hex revert
data; with the eth-tester provider it raises eth-tester's `TransactionFailed`, whose message carries the
`repr` of the revert bytes ("execution reverted: b'...'"). Both are handled here; the product package
gets its own decoder later, this one stays local to the tests.
"""

from __future__ import annotations

import ast
import contextlib
import enum
import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import solcx
from eth_abi import decode as abi_decode
from eth_tester import EthereumTester, PyEVMBackend
from eth_tester.exceptions import TransactionFailed
from eth_utils import function_abi_to_4byte_selector, keccak, to_canonical_address, to_checksum_address
from hypothesis import HealthCheck, Phase, settings
from web3 import EthereumTesterProvider, Web3
from web3.contract import Contract
from web3.exceptions import ContractLogicError

from dapp.compile import compile_contracts, find_solc

# Hypothesis profiles. `fuzz` is what `make fuzz` loads (`pytest tests -m slow --hypothesis-profile=fuzz`);
# profiles are global and the last registration wins, so it is registered identically in
# tests/ipfs/conftest.py. The stateful Catalog test takes its own budgets from `contract-quick` (every
# run: no shrinking, so a failure is reported in seconds, well inside pytest's 300 s timeout) and, when
# the `fuzz` profile is loaded, `contract-fuzz` (long, with shrinking).
settings.register_profile(
    "contract-quick",
    max_examples=8,
    stateful_step_count=16,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "contract-fuzz",
    max_examples=150,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

HERE = Path(__file__).resolve().parent
GAS = 1_000_000  # explicit gas: estimation doubles the cost of every transaction
DIGEST = b"\x11" * 32
DIGEST2 = b"\x22" * 32
UINT96_MAX = 2**96 - 1
UINT32_MAX = 2**32 - 1
UINT16_MAX = 2**16 - 1


class State(enum.IntEnum):
    """Catalog.OrderState (an enum is a uint8 in the ABI)."""

    NONE = 0
    ESCROWED = 1
    COMPLETED = 2
    REFUNDED = 3
    REVIEWED = 4


class Codec(enum.IntEnum):
    RAW = 0
    DAG_PB = 1


# ---------------------------------------------------------------------------------------------------
# Revert decoding
# ---------------------------------------------------------------------------------------------------


def _abi_type(param: dict[str, Any]) -> str:
    if param["type"].startswith("tuple"):
        inner = ",".join(_abi_type(c) for c in param["components"])
        return f"({inner}){param['type'][5:]}"
    return param["type"]


def error_table(*abis: Sequence[dict[str, Any]]) -> dict[bytes, tuple[str, list[str]]]:
    """4-byte selector -> (error name, argument types) for every `error` entry of the ABIs."""
    table: dict[bytes, tuple[str, list[str]]] = {}
    for abi in abis:
        for entry in abi:
            if entry["type"] == "error":
                table[function_abi_to_4byte_selector(entry)] = (
                    entry["name"],
                    [_abi_type(p) for p in entry["inputs"]],
                )
    return table


def _as_bytes(value: Any) -> bytes | None:
    if isinstance(value, bytes | bytearray):
        return bytes(value)
    if isinstance(value, dict):  # some providers nest it: {"data": "0x..."}
        return _as_bytes(value.get("data"))
    if not isinstance(value, str):
        return None
    text = value.strip()
    if text.startswith("execution reverted:"):
        text = text[len("execution reverted:") :].strip()
    if text.startswith(("b'", 'b"')):  # the repr of the bytes, as eth-tester's TransactionFailed has it
        try:
            literal = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            return None
        return literal if isinstance(literal, bytes) else None
    if text.startswith("0x"):
        try:
            return bytes.fromhex(text[2:])
        except ValueError:
            return None
    return None


def revert_data(exc: BaseException) -> bytes | None:
    """The raw revert data an exception from web3.py or eth-tester carries, if any."""
    if isinstance(exc, ContractLogicError):
        return _as_bytes(exc.data)
    if isinstance(exc, TransactionFailed):
        for arg in exc.args:
            data = revert_data(arg) if isinstance(arg, BaseException) else _as_bytes(arg)
            if data is not None:
                return data
    return None


@dataclass(frozen=True)
class DecodedRevert:
    name: str
    args: tuple[Any, ...]

    def __str__(self) -> str:
        return f"{self.name}{self.args!r}"


def decode_revert(data: bytes, errors: dict[bytes, tuple[str, list[str]]]) -> DecodedRevert:
    if len(data) < 4 or data[:4] not in errors:
        raise AssertionError(f"revert data matches no error of the ABI: 0x{data.hex()}")
    name, types = errors[data[:4]]
    args = abi_decode(types, data[4:], strict=True)
    return DecodedRevert(
        name, tuple(to_checksum_address(a) if _is_address(t) else a for t, a in zip(types, args, strict=True))
    )


def _is_address(abi_type: str) -> bool:
    return abi_type == "address"


class RevertCheck:
    """What `expect_revert` yields: after the block, `.decoded` holds the error that was raised."""

    decoded: DecodedRevert | None = None


# ---------------------------------------------------------------------------------------------------
# The environment
# ---------------------------------------------------------------------------------------------------


def _names(abi: Sequence[dict[str, Any]], fn: str) -> list[str]:
    entry = next(e for e in abi if e["type"] == "function" and e["name"] == fn)
    return [c["name"] for c in entry["outputs"][0]["components"]]


@dataclass
class CatalogEnv:
    """The chain, the deployed Catalog, named accounts and the helpers the tests share."""

    tester: EthereumTester
    w3: Web3
    catalog: Contract
    errors: dict[bytes, tuple[str, list[str]]]
    actor_artifact: dict[str, Any] | None = None
    actors: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        accounts = self.w3.eth.accounts
        self.deployer, self.seller, self.buyer, self.other = accounts[:4]
        self.accounts: list[str] = list(accounts)
        self._product_fields = _names(self.catalog.abi, "getProduct")
        self._order_fields = _names(self.catalog.abi, "getOrder")
        self._event_abis = {
            keccak(text=f"{e['name']}({','.join(_abi_type(i) for i in e['inputs'])})"): e["name"]
            for e in self.catalog.abi
            if e["type"] == "event"
        }

    # -- transactions ---------------------------------------------------------------------------------

    def send(self, fn: Any, sender: str, value: int = 0, gas: int = GAS) -> Any:
        """Send a contract function call as a transaction; return its receipt, or raise its revert.

        A reverted transaction is replayed as a call on the state of the block before it (each
        transaction is mined in its own block here), which raises eth-tester's TransactionFailed with
        the revert data. The replay runs with that block's timestamp, one second earlier: a revert
        that depends on the exact second (release at the deadline) is tested from both sides.
        """
        tx = {"from": sender, "value": value, "gas": gas}
        receipt = self.w3.eth.get_transaction_receipt(fn.transact(tx))
        if receipt["status"] != 1:
            fn.call(tx, block_identifier=receipt["blockNumber"] - 1)
            raise AssertionError(f"transaction reverted on chain but its replay did not: {receipt}")
        return receipt

    def list_product(
        self,
        price: int = 10**15,
        stock: int = 10,
        escrow_window: int = 0,
        digest: bytes = DIGEST,
        codec: int = 0,
        seller: str | None = None,
    ) -> int:
        receipt = self.send(
            self.catalog.functions.listProduct(price, stock, escrow_window, digest, codec),
            seller or self.seller,
        )
        (event,) = self.catalog.events.ProductListed().process_receipt(receipt)
        return int(event["args"]["productId"])

    def buy(self, product_id: int, quantity: int = 1, buyer: str | None = None, unit_price: int | None = None) -> Any:
        """Buy at the current price, paying exactly; return the receipt."""
        if unit_price is None:
            unit_price = self.product(product_id)["price"]
        return self.send(
            self.catalog.functions.buy(product_id, quantity, unit_price),
            buyer or self.buyer,
            value=quantity * unit_price,
        )

    def order_no(self, receipt: Any) -> int:
        (event,) = self.catalog.events.Purchased().process_receipt(receipt)
        return int(event["args"]["orderNo"])

    def events(self, receipt: Any) -> list[tuple[str, dict[str, Any]]]:
        """Every log of the receipt, decoded as (event name, args); any log the Catalog ABI does not
        know, or from another address, fails the test."""
        decoded = []
        for log in receipt["logs"]:
            name = self._event_abis.get(bytes(log["topics"][0]))
            if name is None or log["address"] != self.catalog.address:
                raise AssertionError(f"unexpected log: {log}")
            event = self.catalog.events[name]().process_log(log)
            decoded.append((name, dict(event["args"])))
        return decoded

    def gas_cost(self, receipt: Any) -> int:
        return int(receipt["gasUsed"]) * int(receipt["effectiveGasPrice"])

    # -- views ----------------------------------------------------------------------------------------

    def product(self, product_id: int) -> dict[str, Any]:
        return dict(zip(self._product_fields, self.catalog.functions.getProduct(product_id).call(), strict=True))

    def products(self, offset: int, limit: int) -> list[dict[str, Any]]:
        page = self.catalog.functions.getProducts(offset, limit).call()
        return [dict(zip(self._product_fields, p, strict=True)) for p in page]

    def order(self, product_id: int, order_no: int) -> dict[str, Any]:
        raw = self.catalog.functions.getOrder(product_id, order_no).call()
        return dict(zip(self._order_fields, raw, strict=True))

    def orders(self, product_id: int, offset: int, limit: int) -> list[dict[str, Any]]:
        page = self.catalog.functions.getOrders(product_id, offset, limit).call()
        return [dict(zip(self._order_fields, o, strict=True)) for o in page]

    def withdrawable(self, account: str) -> int:
        return int(self.catalog.functions.withdrawable(account).call())

    def balance(self, account: str) -> int:
        return int(self.w3.eth.get_balance(account))

    # -- the money invariant --------------------------------------------------------------------------

    def escrowed_total(self) -> int:
        total = 0
        for product_id in range(1, self.catalog.functions.productCount().call() + 1):
            for order in self.orders(product_id, 0, 2**32):
                if order["state"] == State.ESCROWED:
                    total += order["amount"]
        return total

    def assert_money_invariant(self) -> None:
        """The Catalog holds exactly the escrowed order amounts plus every account's credit."""
        credits = sum(self.withdrawable(a) for a in [*self.accounts, *self.actors])
        assert self.balance(self.catalog.address) == self.escrowed_total() + credits

    # -- time and storage -----------------------------------------------------------------------------

    def pending_timestamp(self) -> int:
        return int(self.w3.eth.get_block("pending")["timestamp"])

    def next_block_at(self, timestamp: int) -> None:
        """Make the next mined block (the next transaction's) have exactly `timestamp`.

        py-evm stamps a new pending block with max(parent + 1, wall clock): a target less than a
        second or two ahead of the wall clock may be overtaken (use `advance_to` for those)."""
        self.tester.time_travel(timestamp)
        assert self.pending_timestamp() == timestamp

    def advance_to(self, timestamp: int) -> int:
        """Make the next block's timestamp at least `timestamp`; return the one it got."""
        if self.pending_timestamp() < timestamp:
            self.tester.time_travel(timestamp)
        pending = self.pending_timestamp()
        assert pending >= timestamp
        return pending

    def poke_product_slot1(self, product_id: int, **fields: int) -> None:
        """Overwrite fields of a product's packed slot 1 directly in the state (for the counters that
        would take 2^16 or 2^32 transactions to reach). Layout, low bits first: price uint96,
        stock uint32, escrowWindow uint32, orderCount uint32, priceVersion uint16, codec uint8, listed."""
        layout = {"price": (0, 96), "stock": (96, 32), "escrowWindow": (128, 32), "orderCount": (160, 32)}
        layout |= {"priceVersion": (192, 16)}
        slot = int.from_bytes(keccak(product_id.to_bytes(32, "big") + (1).to_bytes(32, "big")), "big") + 1
        chain = self.tester.backend.chain
        vm = chain.get_vm(chain.header)
        address = to_canonical_address(self.catalog.address)
        word = vm.state.get_storage(address, slot)
        for name, value in fields.items():
            shift, bits = layout[name]
            word = (word & ~(((1 << bits) - 1) << shift)) | (value << shift)
        vm.state.set_storage(address, slot, word)
        vm.state.persist()
        chain.header = chain.header.copy(state_root=vm.state.state_root)
        self.tester.mine_blocks()

    # -- contract accounts ----------------------------------------------------------------------------

    def deploy_actor(self, funding: int = 0) -> Contract:
        """A fresh Actor (tests/contract/contracts/Actor.sol) aimed at the Catalog."""
        assert self.actor_artifact is not None
        factory = self.w3.eth.contract(abi=self.actor_artifact["abi"], bytecode=self.actor_artifact["bytecode"])
        receipt = self.w3.eth.get_transaction_receipt(
            factory.constructor(self.catalog.address).transact(
                {"from": self.deployer, "gas": 3_000_000, "value": funding}
            )
        )
        assert receipt["status"] == 1
        actor = self.w3.eth.contract(address=receipt["contractAddress"], abi=self.actor_artifact["abi"])
        self.actors.append(actor.address)
        return actor

    def calldata(self, fn_name: str, *args: Any) -> bytes:
        return bytes.fromhex(self.catalog.encode_abi(fn_name, args=list(args))[2:])

    # -- reverts --------------------------------------------------------------------------------------

    @contextlib.contextmanager
    def expect_revert(self, name: str, *args: Any) -> Iterator[RevertCheck]:
        """Assert that the block raises the custom error `name` with exactly `args`.

        Addresses compare as checksummed strings, enums as ints (State/Codec are IntEnums).
        """
        check = RevertCheck()
        try:
            yield check
        except (ContractLogicError, TransactionFailed) as exc:
            data = revert_data(exc)
            if data is None:
                raise AssertionError(f"expected {name}{args!r}, got a revert without data: {exc!r}") from exc
            check.decoded = decode_revert(data, self.errors)
        else:
            pytest.fail(f"expected revert {name}{args!r}, but nothing reverted")
        got = check.decoded
        assert (got.name, got.args) == (name, tuple(args)), f"expected {name}{tuple(args)!r}, got {got}"


# ---------------------------------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def catalog_artifact() -> Any:
    return compile_contracts()


def _compile_actor(cache: pytest.Cache | None) -> dict[str, Any]:
    source = (HERE / "contracts" / "Actor.sol").read_text(encoding="utf-8")
    compiler_settings = {
        "evmVersion": "paris",
        "optimizer": {"enabled": True, "runs": 200},
        "outputSelection": {"*": {"*": ["abi", "evm.bytecode.object"]}},
    }
    key = hashlib.sha256(json.dumps([source, compiler_settings], sort_keys=True).encode()).hexdigest()[:16]
    cached = cache.get(f"contract-tests/actor/{key}", None) if cache else None
    if cached:
        return dict(cached)
    output = solcx.compile_standard(
        {"language": "Solidity", "sources": {"Actor.sol": {"content": source}}, "settings": compiler_settings},
        solc_binary=find_solc(),
    )
    errors = [e["formattedMessage"] for e in output.get("errors", []) if e["severity"] == "error"]
    assert not errors, errors
    contract = output["contracts"]["Actor.sol"]["Actor"]
    artifact = {"abi": contract["abi"], "bytecode": "0x" + contract["evm"]["bytecode"]["object"]}
    if cache:
        cache.set(f"contract-tests/actor/{key}", artifact)
    return artifact


@pytest.fixture(scope="session")
def actor_artifact(request: pytest.FixtureRequest) -> dict[str, Any]:
    return _compile_actor(getattr(request.config, "cache", None))  # None under -p no:cacheprovider


@pytest.fixture(scope="session")
def _session_env(catalog_artifact: Any, actor_artifact: dict[str, Any]) -> Iterator[tuple[CatalogEnv, int]]:
    tester = EthereumTester(PyEVMBackend())
    w3 = Web3(EthereumTesterProvider(tester))
    factory = w3.eth.contract(abi=catalog_artifact.abi, bytecode=catalog_artifact.bytecode)
    receipt = w3.eth.get_transaction_receipt(
        factory.constructor().transact({"from": w3.eth.accounts[0], "gas": 5_000_000})
    )
    assert receipt["status"] == 1
    catalog = w3.eth.contract(address=receipt["contractAddress"], abi=catalog_artifact.abi)
    env = CatalogEnv(
        tester=tester,
        w3=w3,
        catalog=catalog,
        errors=error_table(catalog_artifact.abi, actor_artifact["abi"]),
        actor_artifact=actor_artifact,
    )
    yield env, tester.take_snapshot()


@pytest.fixture
def env(_session_env: tuple[CatalogEnv, int]) -> Iterator[CatalogEnv]:
    """The freshly deployed Catalog, with no product, no order and no credit; undone after the test."""
    session_env, snapshot = _session_env
    session_env.tester.revert_to_snapshot(snapshot)
    session_env.actors.clear()
    yield session_env
    session_env.tester.revert_to_snapshot(snapshot)
    session_env.actors.clear()


@pytest.fixture
def catalog(env: CatalogEnv) -> Contract:
    return env.catalog


@pytest.fixture
def seller(env: CatalogEnv) -> str:
    return env.seller


@pytest.fixture
def buyer(env: CatalogEnv) -> str:
    return env.buyer


@pytest.fixture
def other(env: CatalogEnv) -> str:
    return env.other
