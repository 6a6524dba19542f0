"""The Catalog test environment: the chain, the deployed Catalog, the test tokens and contract accounts,
and the helpers every contract test shares. The chain is eth-tester (py-evm, in process) for the unit
tests, or a real anvil process for the long property test and the view-cost test (`tests/support/backends.py`).

Transactions pass an explicit `gas`: both chains then mine them even when they revert (status 0,
no exception). `CatalogEnv.send` turns such a receipt into the revert it was (`Chain.transact`), so
tests see one kind of failure for calls and transactions.

`expect_revert(name, *args)` asserts a custom error by name and arguments, decoded by the package's own
decoder (dapp._utils.revert), the one the client uses: the tests check it on every revert they provoke.
"""

from __future__ import annotations

import contextlib
import enum
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest
from eth_tester.exceptions import TransactionFailed
from eth_utils import keccak
from web3 import Web3
from web3.contract import Contract
from web3.exceptions import ContractLogicError
from web3.logs import DISCARD

from dapp._utils.abi import AbiFunction, abi_type
from dapp._utils.permit import PermitSignature, domain_separator, sign_permit
from dapp._utils.revert import ErrorDecoder, revert_data
from dapp.compile import REPO_ROOT, Artifact, compile_file, compiler_settings
from dapp.exceptions import ContractRevert
from tests.support.backends import Chain

GAS = 1_000_000  # explicit gas: estimation doubles the cost of every transaction
ETH = "0x0000000000000000000000000000000000000000"
DIGEST = b"\x11" * 32
DIGEST2 = b"\x22" * 32
UINT96_MAX = 2**96 - 1
UINT32_MAX = 2**32 - 1
UINT16_MAX = 2**16 - 1
DAY = 86_400
HANDLING = 2 * DAY  # default handling time of an escrowed test product
WINDOW = 7 * DAY  # default escrow window of an escrowed test product
# The test contracts these tests deploy; contracts/test is their one home, which Brownie compiles too.
TEST_CONTRACTS = ("Actor.sol", "Tokens.sol", "ForceSend.sol", "Lens.sol")


class State(enum.IntEnum):
    """ICatalog.OrderState (an enum is a uint8 in the ABI); the numeric order is "forward"."""

    NONE = 0
    PAID = 1
    SHIPPED = 2
    DISPUTED = 3
    COMPLETED = 4
    REFUNDED = 5
    CANCELLED = 6
    RESOLVED = 7
    REVIEWED = 8


ESCROWED = frozenset({State.PAID, State.SHIPPED, State.DISPUTED})  # the funds are still in the Catalog


class Codec(enum.IntEnum):
    RAW = 0
    DAG_PB = 1


def compile_test_contracts() -> dict[str, Artifact]:
    """Every contract of TEST_CONTRACTS, by name (cached in build/cache by source hash)."""
    settings = compiler_settings(optimizer_runs=200)
    artifacts: dict[str, Artifact] = {}
    for name in TEST_CONTRACTS:
        artifacts |= compile_file(REPO_ROOT / "contracts" / "test" / name, settings=settings)
    return artifacts


def _names(abi: Sequence[dict[str, Any]], fn: str) -> list[str]:
    entry = next(e for e in abi if e["type"] == "function" and e["name"] == fn)
    return [c["name"] for c in entry["outputs"][0]["components"]]


def _plain(value: Any) -> Any:
    """An expected error argument as the package's decoder renders it (bytes as 0x-hex)."""
    if isinstance(value, bytes | bytearray):
        return "0x" + bytes(value).hex()
    return value


@dataclass
class CatalogEnv:
    """The chain, the deployed Catalog, named accounts and the helpers the tests share."""

    chain: Chain
    w3: Web3
    catalog: Contract
    artifacts: dict[str, Artifact]
    decoder: ErrorDecoder
    actors: list[str] = field(default_factory=list)
    tokens: list[Contract] = field(default_factory=list)
    lens: Contract | None = None

    def __post_init__(self) -> None:
        accounts = self.w3.eth.accounts
        self.deployer, self.seller, self.buyer, self.other, self.arbiter = accounts[:5]
        self.accounts: list[str] = list(accounts)
        self.keys = self.chain.keys(self.accounts)
        self._views = {
            name: AbiFunction.from_abi(self.catalog.abi, name)
            for name in ("getProduct", "getProducts", "getOrder", "getOrders", "withdrawable", "productCount")
        }
        self._balance_of = AbiFunction.from_abi(self.artifacts["TestUSD"].abi, "balanceOf")
        self._lens_balances = AbiFunction.from_abi(self.artifacts["Lens"].abi, "balances")
        self._product_fields = _names(self.catalog.abi, "getProduct")
        self._order_fields = _names(self.catalog.abi, "getOrder")
        self._event_names = {
            keccak(text=f"{e['name']}({','.join(abi_type(i) for i in e['inputs'])})"): e["name"]
            for e in self.catalog.abi
            if e["type"] == "event"
        }

    def reset(self) -> None:
        """Forget the contracts deployed since the snapshot the chain was just reverted to."""
        self.actors.clear()
        self.tokens.clear()
        self.lens = None

    # -- transactions ---------------------------------------------------------------------------------

    def send(self, fn: Any, sender: str, value: int = 0, gas: int = GAS) -> Any:
        """Send a contract function call as a transaction; return its receipt, or raise its revert
        (how the revert data is recovered depends on the chain: `Chain.transact`)."""
        return self.chain.transact(fn, {"from": sender, "value": value, "gas": gas})

    def list_product(
        self,
        price: int = 10**15,
        stock: int = 10,
        escrow_window: int = 0,
        handling_time: int | None = None,
        currency: str = ETH,
        arbiter: str = ETH,
        digest: bytes = DIGEST,
        codec: int = 0,
        seller: str | None = None,
    ) -> int:
        """List a product (handling time HANDLING if escrowed, else 0, unless given); return its id."""
        if handling_time is None:
            handling_time = HANDLING if escrow_window else 0
        fn = self.catalog.functions.listProduct(
            currency, price, stock, handling_time, escrow_window, arbiter, digest, codec
        )
        receipt = self.send(fn, seller or self.seller)
        (event,) = self.catalog.events.ProductListed().process_receipt(receipt)
        return int(event["args"]["productId"])

    def list_escrowed(self, **kwargs: Any) -> int:
        return self.list_product(**{"escrow_window": WINDOW, **kwargs})

    def buy_call(
        self,
        product_id: int,
        quantity: int = 1,
        currency: str | None = None,
        unit_price: int | None = None,
        terms: int | None = None,
    ) -> Any:
        """The `buy` call at the terms the views show now, unless given."""
        product = self.product(product_id) if None in (currency, unit_price, terms) else {}
        return self.catalog.functions.buy(
            product_id,
            quantity,
            product["currency"] if currency is None else currency,
            product["price"] if unit_price is None else unit_price,
            product["termsVersion"] if terms is None else terms,
        )

    def buy(
        self,
        product_id: int,
        quantity: int = 1,
        buyer: str | None = None,
        unit_price: int | None = None,
        value: int | None = None,
    ) -> Any:
        """Buy at the current terms, paying exactly (ETH, or a token the buyer has approved); the receipt."""
        product = self.product(product_id)
        price = product["price"] if unit_price is None else unit_price
        if value is None:
            value = quantity * price if product["currency"] == ETH else 0
        return self.send(self.buy_call(product_id, quantity, unit_price=price), buyer or self.buyer, value=value)

    def order_no(self, receipt: Any) -> int:
        (event,) = self.catalog.events.Purchased().process_receipt(receipt, errors=DISCARD)  # a token's Transfer
        return int(event["args"]["orderNo"])

    def events(self, receipt: Any) -> list[tuple[str, dict[str, Any]]]:
        """The Catalog's logs of the receipt, decoded as (event name, args). Logs of other contracts (a
        token's Transfer) are skipped; a Catalog log the ABI does not know fails the test."""
        return [self.decode_log(log) for log in receipt["logs"] if log["address"] == self.catalog.address]

    def decode_log(self, log: Any) -> tuple[str, dict[str, Any]]:
        """A Catalog log as (event name, args); a log the ABI does not know fails the test."""
        name = self._event_names.get(bytes(log["topics"][0]))
        if name is None:
            raise AssertionError(f"unexpected log: {log}")
        return name, dict(self.catalog.events[name]().process_log(log)["args"])

    def gas_cost(self, receipt: Any) -> int:
        return int(receipt["gasUsed"]) * int(receipt["effectiveGasPrice"])

    # -- views ----------------------------------------------------------------------------------------

    def view(self, name: str, *args: Any, to: str | None = None) -> Any:
        """A Catalog view (or a token's `balanceOf`), called straight on the chain and decoded with the
        package's AbiFunction: ~1 ms instead of web3.py's ~20 ms per call, which the invariant checks
        after every random step would otherwise spend."""
        fn = self._balance_of if name == "balanceOf" else self._views[name]
        call = {"from": self.deployer, "to": to or self.catalog.address, "data": fn.encode_hex(args)}
        return fn.decode(self.chain.call(call))  # a revert raises an exception carrying the revert data

    def views(self, calls: Sequence[tuple[str, Sequence[Any]]]) -> list[Any]:
        """Many Catalog views at once (one HTTP request on anvil), decoded, in order."""
        fns = [self._views[name] for name, _ in calls]
        txs = [
            {"from": self.deployer, "to": self.catalog.address, "data": fn.encode_hex(args)}
            for fn, (_, args) in zip(fns, calls, strict=True)
        ]
        return [fn.decode(raw) for fn, raw in zip(fns, self.chain.calls(txs), strict=True)]

    def as_product(self, view: Any) -> dict[str, Any]:
        return dict(zip(self._product_fields, view, strict=True))

    def as_order(self, view: Any) -> dict[str, Any]:
        return dict(zip(self._order_fields, view, strict=True))

    def product(self, product_id: int) -> dict[str, Any]:
        return dict(zip(self._product_fields, self.view("getProduct", product_id), strict=True))

    def products(self, offset: int, limit: int) -> list[dict[str, Any]]:
        return [dict(zip(self._product_fields, p, strict=True)) for p in self.view("getProducts", offset, limit)]

    def order(self, product_id: int, order_no: int) -> dict[str, Any]:
        return dict(zip(self._order_fields, self.view("getOrder", product_id, order_no), strict=True))

    def orders(self, product_id: int, offset: int, limit: int) -> list[dict[str, Any]]:
        page = self.view("getOrders", product_id, offset, limit)
        return [dict(zip(self._order_fields, o, strict=True)) for o in page]

    def withdrawable(self, account: str, currency: str = ETH) -> int:
        return int(self.view("withdrawable", account, currency))

    def balances(
        self, accounts: Sequence[str], currencies: Sequence[str]
    ) -> tuple[dict[tuple[str, str], int], dict[str, int]]:
        """Every (account, currency) balance in the Catalog and the Catalog's holdings per currency, in one
        eth_call through the Lens test contract (deployed on first use)."""
        if self.lens is None:
            self.lens = self.deploy("Lens")
        fn = self._lens_balances
        call = {
            "from": self.deployer,
            "to": self.lens.address,
            "data": fn.encode_hex([self.catalog.address, accounts, currencies]),
        }
        values = fn.decode(self.chain.call(call))
        n = len(accounts) * len(currencies)
        owed = {
            (a, c): values[i * len(currencies) + j] for i, a in enumerate(accounts) for j, c in enumerate(currencies)
        }
        return owed, dict(zip(currencies, values[n:], strict=True))

    def product_count(self) -> int:
        return int(self.view("productCount"))

    def balance(self, account: str, currency: str = ETH) -> int:
        """Ether or token balance of any account."""
        if currency == ETH:
            return int(self.w3.eth.get_balance(account))
        return int(self.view("balanceOf", account, to=currency))

    # -- the money invariant --------------------------------------------------------------------------

    def parties(self) -> list[str]:
        """Every account that may hold a balance in the Catalog: accounts, Actors and tokens (a reentrant
        token can be a party too)."""
        return [*self.accounts, *self.actors, *(t.address for t in self.tokens)]

    def escrowed_total(self, currency: str = ETH) -> int:
        """The amounts of every order in `currency` whose funds are still in escrow, from the views."""
        total = 0
        for product_id in range(1, self.product_count() + 1):
            for order in self.orders(product_id, 0, 2**32):
                if order["currency"] == currency and order["state"] in ESCROWED:
                    total += order["amount"]
        return total

    def assert_money_invariant(self, currency: str = ETH, forced: int = 0) -> None:
        """The Catalog holds exactly the escrowed order amounts plus every account's balance, per currency
        (plus ether forced in by a self-destruct, which nothing owes anyone)."""
        owed, held = self.balances(self.parties(), [currency])
        assert held[currency] == self.escrowed_total(currency) + sum(owed.values()) + forced

    # -- tokens and contract accounts -----------------------------------------------------------------

    def deploy(self, name: str, *args: Any, value: int = 0) -> Contract:
        """Deploy TestUSD or a test contract (contracts/test)."""
        artifact = self.artifacts[name]
        factory = self.w3.eth.contract(abi=artifact.abi, bytecode=artifact.bytecode)
        tx = {"from": self.deployer, "gas": 5_000_000, "value": value}
        receipt = self.chain.transact(factory.constructor(*args), tx)
        return self.w3.eth.contract(address=receipt["contractAddress"], abi=artifact.abi)

    def deploy_token(self, name: str = "TestUSD", holders: Sequence[str] = (), amount: int = 10**12) -> Contract:
        """A token, minted to `holders`, each approving the Catalog for an unlimited amount."""
        token = self.deploy(name)
        self.tokens.append(token)
        for holder in holders:
            self.send(token.functions.mint(holder, amount), holder)
            self.send(token.functions.approve(self.catalog.address, 2**256 - 1), holder)
        return token

    def token_at(self, address: str) -> Contract:
        return next(t for t in self.tokens if t.address == address)

    def deploy_actor(self, funding: int = 0) -> Contract:
        """A fresh Actor (contracts/test/Actor.sol) aimed at the Catalog."""
        actor = self.deploy("Actor", self.catalog.address, value=funding)
        self.actors.append(actor.address)
        return actor

    def calldata(self, fn_name: str, *args: Any) -> bytes:
        return bytes.fromhex(self.catalog.encode_abi(fn_name, args=list(args))[2:])

    def permit(self, token: Contract, owner: str, value: int, deadline: int = 2**48) -> PermitSignature:
        """`owner`'s EIP-2612 signature letting the Catalog spend `value` of `token` (TestUSD's domain)."""
        separator = domain_separator("Test USD", "1", self.w3.eth.chain_id, token.address)
        nonce = token.functions.nonces(owner).call()
        return sign_permit(self.keys[owner], separator, self.catalog.address, value, nonce, deadline)

    # -- time and storage -----------------------------------------------------------------------------

    def snapshot(self) -> Any:
        return self.chain.snapshot()

    def revert(self, snapshot: Any) -> None:
        """Back to `snapshot` (on anvil, a snapshot is gone once reverted to: take a new one)."""
        self.chain.revert(snapshot)
        self.reset()

    def pending_timestamp(self) -> int:
        return self.chain.pending_timestamp()

    def block_timestamp(self, receipt: Any) -> int:
        return self.chain.block_timestamp(int(receipt["blockNumber"]))

    def next_block_at(self, timestamp: int) -> None:
        """Make the next mined block (the next transaction's) have exactly `timestamp`.

        On eth-tester, py-evm stamps a new pending block with max(parent + 1, wall clock): a target less
        than a second or two ahead of the wall clock may be overtaken (use `advance_to` for those)."""
        self.chain.set_next_timestamp(timestamp)
        assert self.pending_timestamp() == timestamp

    def advance_to(self, timestamp: int) -> int:
        """Make the next block's timestamp at least `timestamp`; return the one it got."""
        pending = self.pending_timestamp()
        if pending < timestamp:
            self.chain.set_next_timestamp(timestamp)
            pending = self.pending_timestamp()
        assert pending >= timestamp
        return pending

    def poke_sale_slot(self, product_id: int, **fields: int) -> None:
        """Overwrite fields of a product's packed sale slot (product slot 1) directly in the state, for the
        counters that would take 2^16 or 2^32 transactions to reach. Layout, low bits first: price uint96,
        stock uint32, orderCount uint32, termsVersion uint16, escrowWindow uint32, handlingTime uint32,
        listed, inToken. `_products` is the Catalog's storage slot 1 (after productCount)."""
        layout = {"price": (0, 96), "stock": (96, 32), "orderCount": (128, 32), "termsVersion": (160, 16)}
        slot = int.from_bytes(keccak(product_id.to_bytes(32, "big") + (1).to_bytes(32, "big")), "big") + 1
        word = self.chain.get_storage(self.catalog.address, slot)
        for name, value in fields.items():
            shift, bits = layout[name]
            word = (word & ~(((1 << bits) - 1) << shift)) | (value << shift)
        self.chain.set_storage(self.catalog.address, slot, word)

    # -- reverts --------------------------------------------------------------------------------------

    def decode(self, exc: BaseException) -> ContractRevert:
        """The package's decoding of a revert raised by web3.py or eth-tester."""
        data = revert_data(exc)
        if not data:
            raise AssertionError(f"a revert without data: {exc!r}") from exc
        return self.decoder.decode(data)

    @contextlib.contextmanager
    def expect_revert(self, name: str, *args: Any) -> Iterator[RevertCheck]:
        """Assert that the block raises the custom error `name` with exactly `args`.

        Addresses compare as checksummed strings, bytes32 as bytes, enums as ints (State/Codec are
        IntEnums).
        """
        check = RevertCheck()
        try:
            yield check
        except (ContractLogicError, TransactionFailed) as exc:
            check.decoded = self.decode(exc)
        else:
            pytest.fail(f"expected revert {name}{args!r}, but nothing reverted")
        got = check.decoded
        expected = tuple(_plain(a) for a in args)
        assert (got.name, tuple(got.args_by_name.values())) == (name, expected), (
            f"expected {name}{expected!r}, got {got}"
        )


class RevertCheck:
    """What `expect_revert` yields: after the block, `.decoded` holds the error that was raised."""

    decoded: ContractRevert
