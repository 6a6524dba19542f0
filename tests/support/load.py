"""The load: 20 accounts place 2,000 purchases at once through CatalogClient, while one private-key account
sends 500 more from 4 threads through one shared client; then each purchase is accounted for.

Used by tests/test_load.py (which also checks the chain against a model) and bench/bench_load.py (which
records the throughput). Nothing here starts a node: `run_load` takes the URL of an anvil.

Three sellers list six products: ETH and TestUSD, settled at once or escrowed (one with an arbiter), three
with ample stock and three that sell out during the run, so some purchases are legitimately refused
(CatalogInsufficientStock). Buyers are the node's unlocked dev accounts, each with its own Web3 and
client, as 20 users would be; their token purchases carry an EIP-2612 permit. The keyed account signs
locally (`sign_locally`, as `$DAPP_PRIVATE_KEY` does) and shares one client between its threads; it
approved the Catalog once, as a script would (concurrent permits from one account would race for the
token's permit nonce), and buys only products with ample stock, so all 500 of its purchases must mine.

Each purchase ends as exactly one of (`account_for`):
- mined: the client returned a Purchase whose hash has a status-1 receipt with exactly one Purchased
  event, for that buyer, product, quantity and order number;
- failed: the client raised CatalogInsufficientStock for this product and quantity, and the product's
  final stock is below the quantity (stock only falls here, so it was below then too); if the refusal
  came from a mined transaction (two buyers in one block for the last units), it has a status-0 receipt;
- lost: anything else (an unexpected error, a hash with no receipt, a receipt that says otherwise).
"""

from __future__ import annotations

import random
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from eth_account import Account
from eth_account.signers.local import LocalAccount
from web3 import Web3

from dapp._utils.abi import AbiEvent
from dapp.accounts import sign_locally
from dapp.client import CatalogClient
from dapp.compile import load_artifact
from dapp.demo import mint_request
from dapp.deploy import deploy_catalog, deploy_contract
from dapp.exceptions import ContractRevert
from dapp.ipfs.cid import Cid, Codec
from dapp.networks import http_web3
from dapp.registry import Deployment, Registry
from dapp.transactions import TransactionPipeline, TxEvent, TxEventKind
from dapp.transactions.status import find_receipt
from dapp.types import ETH, ListingTerms, Product, Purchase

SEED = 20261201
BUYERS = 20
PURCHASES_PER_BUYER = 100  # 20 x 100 = 2,000
KEYED_PURCHASES = 500
KEYED_THREADS = 4
DEPLOYER, SELLERS, ARBITER, FIRST_BUYER = 0, (1, 2, 3), 4, 5  # dev account indexes
DEV_ACCOUNTS = FIRST_BUYER + BUYERS  # anvil --accounts
BLOCK_TIME = 0.25  # anvil --block-time: several purchases share a block, as on a busy public chain
USD = 10**6
ETHER = 10**18
MINTED = 10_000 * USD  # each buyer's TestUSD; 100 purchases cost at most 3,750
KEYED_ALLOWANCE = 5_000 * USD  # approved once; 500 purchases cost at most 3,750
QUANTITIES = (1, 1, 1, 2, 3)
JOIN_TIMEOUT = 900.0  # seconds for all threads together; a run takes about a minute on a busy 2-core machine
ESCROW, HANDLING = 7 * 86_400, 2 * 86_400
DOCUMENT = Cid(bytes.fromhex("11" * 32), Codec.RAW)


@dataclass(frozen=True)
class Offer:
    """A product the test lists. A `stock` below the demand (about 530 units a product) sells out."""

    seller: int  # dev account index
    token: bool  # priced in TestUSD, else ETH
    price: int
    stock: int
    escrowed: bool
    arbiter: bool = False


AMPLE_STOCK = 100_000  # far above any demand: these products never sell out
OFFERS = (
    Offer(SELLERS[0], False, 10**15, AMPLE_STOCK, escrowed=False),
    Offer(SELLERS[0], True, 2_500_000, AMPLE_STOCK, escrowed=False),
    Offer(SELLERS[1], False, 3 * 10**15, 400, escrowed=True),
    Offer(SELLERS[1], True, 12_500_000, 350, escrowed=True, arbiter=True),
    Offer(SELLERS[2], False, 5 * 10**14, 300, escrowed=False),
    Offer(SELLERS[2], True, 1_250_000, AMPLE_STOCK, escrowed=True),
)
AMPLE = tuple(i + 1 for i, offer in enumerate(OFFERS) if offer.stock == AMPLE_STOCK)  # what the keyed account buys


def offers_at(fraction: float) -> tuple[Offer, ...]:
    """OFFERS for a load of `fraction` of the full size: the stocks that sell out shrink with the demand,
    so the smaller load still sells them out."""
    return tuple(o if o.stock == AMPLE_STOCK else replace(o, stock=max(1, round(o.stock * fraction))) for o in OFFERS)


@dataclass
class Attempt:
    """One purchase the test asked for, and what the client answered."""

    buyer: str
    product_id: int
    quantity: int
    purchase: Purchase | None = None
    error: BaseException | None = None

    @property
    def reverted_hash(self) -> str | None:
        """The hash of a refusal that was mined (status 0); None if it was refused while simulated."""
        tx_hash = getattr(self.error, "tx_hash", None)
        return tx_hash.lower() if tx_hash else None


class Hashes:
    """Hashes each pipeline reported signing and sending (TxEvent), per account, from any thread."""

    def __init__(self) -> None:
        self.signed: dict[str, list[str]] = defaultdict(list)
        self.sent: dict[str, list[str]] = defaultdict(list)
        self._lock = threading.Lock()

    def recorder(self, account: str) -> Any:
        def on_event(event: TxEvent) -> None:
            kinds = {TxEventKind.SIGNED: self.signed, TxEventKind.SENT: self.sent}
            if event.kind in kinds:
                with self._lock:
                    kinds[event.kind][account.lower()].append(event.tx_hash.lower())

        return on_event

    def clear(self) -> None:
        with self._lock:
            self.signed.clear()
            self.sent.clear()

    def all_sent(self) -> list[str]:
        return [h for hashes in self.sent.values() for h in hashes]


@dataclass
class LoadRun:
    """What was asked and answered, and the chain right after."""

    w3: Web3
    deployment: Deployment
    usd: str
    buyers: list[str]
    keyed: str
    attempts: list[Attempt]
    hashes: Hashes
    seconds: float  # the concurrent phase only
    keyed_setup_nonces: int  # transactions the keyed account sent before the load (its approve)
    nonces_before: dict[str, int]
    eth_before: dict[str, int]
    client: CatalogClient  # a reader
    offers: tuple[Offer, ...]  # listed as products 1..n
    keyed_purchases: int
    products: dict[int, Product] = field(default_factory=dict)
    receipts: dict[str, Any] = field(default_factory=dict)  # every hash sent -> its receipt, or None


@dataclass
class Accounting:
    mined: list[Attempt]
    failed: list[Attempt]
    lost: list[tuple[Attempt, str]]


def keyed_account() -> LocalAccount:
    account: LocalAccount = Account.from_key((0x10AD).to_bytes(32, "big"))
    return account


def nonce_of(w3: Web3, address: str) -> int:
    return int(w3.eth.get_transaction_count(Web3.to_checksum_address(address)))


def run_load(
    url: str,
    state: Path,
    *,
    buyers: int = BUYERS,
    fraction: float = 1.0,
    keyed_threads: int = KEYED_THREADS,
    seed: int = SEED,
    poll_interval: float = BLOCK_TIME / 2,
) -> LoadRun:
    """Set up the shop on the anvil at `url` (with DEV_ACCOUNTS dev accounts), run the load, and read back
    every product and every receipt. `state` holds the registry and the transaction journals. `fraction`
    scales the purchases (PURCHASES_PER_BUYER, KEYED_PURCHASES) and the stocks that sell out alike."""
    offers = offers_at(fraction)
    per_buyer = max(1, round(PURCHASES_PER_BUYER * fraction))
    keyed_purchases = max(KEYED_THREADS, round(KEYED_PURCHASES * fraction))
    w3 = http_web3(url)
    dev = [str(a) for a in w3.eth.accounts]
    abi = load_artifact().abi
    registry = Registry(state / "deployments")
    journals = state / "journals"
    deployment = deploy_catalog(w3, dev[DEPLOYER], registry, force=True).deployment
    usd = deploy_contract(w3, dev[DEPLOYER], registry, load_artifact("TestUSD"), force=True).deployment.address
    hashes = Hashes()

    def client(address: str, web3: Web3 | None = None) -> CatalogClient:
        return CatalogClient.from_deployment(
            web3 or http_web3(url), deployment, abi, account=address, journal_root=journals,
            poll_interval=poll_interval, on_event=hashes.recorder(address),
        )  # fmt: skip

    # --- setup: listings, TestUSD for every buyer, the keyed account funded and its allowance given ----
    for expected_id, offer in enumerate(offers, start=1):
        terms: dict[str, Any] = {"currency": usd if offer.token else ETH}
        if offer.escrowed:
            terms |= {"escrow_window": ESCROW, "handling_time": HANDLING}
            terms["arbiter"] = dev[ARBITER] if offer.arbiter else None
        listing = client(dev[offer.seller], w3).list_product(ListingTerms(offer.price, offer.stock, DOCUMENT, **terms))
        assert listing.product_id == expected_id
    keyed = keyed_account()
    buyer_accounts = [dev[FIRST_BUYER + i] for i in range(buyers)]
    faucet = TransactionPipeline(w3, dev[DEPLOYER], journal_root=journals, poll_interval=poll_interval)
    mints = [faucet.send(faucet.simulate(mint_request(usd, a, MINTED))) for a in [*buyer_accounts, keyed.address]]
    for entry in mints:
        faucet.wait(entry)
    w3.provider.make_request("anvil_setBalance", [keyed.address, hex(1_000 * ETHER)])  # type: ignore[arg-type]
    # One Web3 with the key installed, as `$DAPP_PRIVATE_KEY` gives the CLI; one client for all its threads.
    keyed_w3 = http_web3(url)
    sign_locally(keyed_w3, keyed)
    shared = client(keyed.address, keyed_w3)
    shared.transactions.execute(shared.tokens.approve_request(usd, deployment.address, KEYED_ALLOWANCE))
    keyed_setup_nonces = nonce_of(w3, keyed.address)
    hashes.clear()  # what counts from here on is the load itself

    rng = random.Random(seed)
    everyone = tuple(range(1, len(offers) + 1))
    by_buyer = {b: [Attempt(b, rng.choice(everyone), rng.choice(QUANTITIES)) for _ in range(per_buyer)]
                for b in buyer_accounts}  # fmt: skip
    keyed_plan = [Attempt(keyed.address, rng.choice(AMPLE), rng.choice(QUANTITIES)) for _ in range(keyed_purchases)]
    eth_before = {a: int(w3.eth.get_balance(a)) for a in [*buyer_accounts, keyed.address]}  # type: ignore[arg-type]
    nonces_before = {a: nonce_of(w3, a) for a in buyer_accounts}
    clients = {b: client(b) for b in buyer_accounts}

    # --- the load: every buyer and every keyed thread at once ------------------------------------------
    threads = [threading.Thread(target=_buy_all, args=(clients[b], by_buyer[b]), name=f"buyer-{i}")
               for i, b in enumerate(buyer_accounts)]  # fmt: skip
    threads += [threading.Thread(target=_buy_all, args=(shared, keyed_plan[i::keyed_threads]), name=f"keyed-{i}")
                for i in range(keyed_threads)]  # fmt: skip
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(0.0, started + JOIN_TIMEOUT - time.perf_counter()))
    seconds = time.perf_counter() - started
    running = [t.name for t in threads if t.is_alive()]
    if running:
        raise AssertionError(f"threads still running after {JOIN_TIMEOUT} s: {running}")

    run = LoadRun(
        w3, deployment, usd, buyer_accounts, keyed.address,
        [a for plan in by_buyer.values() for a in plan] + keyed_plan, hashes, seconds, keyed_setup_nonces,
        nonces_before, eth_before, shared, offers, keyed_purchases,
    )  # fmt: skip
    run.products = {p: shared.product(p) for p in everyone}
    for tx_hash in set(hashes.all_sent()):
        run.receipts[tx_hash] = find_receipt(w3, tx_hash)  # None: sent, never mined (lost, or replaced)
    return run


def _buy_all(client: CatalogClient, attempts: list[Attempt]) -> None:
    """Place `attempts` in order; every outcome, expected or not, is kept for the accounting."""
    for attempt in attempts:
        try:
            attempt.purchase = client.buy(attempt.product_id, attempt.quantity)
        except Exception as exc:  # sorted afterwards: failed or lost (an attempt with neither is lost)
            attempt.error = exc


def account_for(run: LoadRun) -> Accounting:
    """Sort every attempt into mined, failed or lost (see the module docstring)."""
    purchased = AbiEvent.from_abi(run.client.abi, "Purchased")
    accounting = Accounting([], [], [])
    for attempt in run.attempts:
        problem = _problem(run, purchased, attempt)
        if problem is not None:
            accounting.lost.append((attempt, problem))
        elif attempt.purchase is not None:
            accounting.mined.append(attempt)
        else:
            accounting.failed.append(attempt)
    return accounting


def _problem(run: LoadRun, purchased: AbiEvent, attempt: Attempt) -> str | None:
    """None if the attempt is accounted for; else why it counts as lost."""
    if attempt.purchase is not None:
        tx_hash = attempt.purchase.tx.tx_hash.lower()
        receipt = run.receipts.get(tx_hash)
        if receipt is None or receipt["status"] != 1:
            return f"no successful receipt for {tx_hash}"
        catalog = run.deployment.address.lower()
        events = purchased.decode_all([log for log in receipt["logs"] if str(log["address"]).lower() == catalog])
        expected = [(attempt.product_id, attempt.buyer.lower(), attempt.quantity, attempt.purchase.order.order_no)]
        found = [(e["productId"], str(e["buyer"]).lower(), e["quantity"], e["orderNo"]) for e in events]
        return None if found == expected else f"receipt {tx_hash} holds {found}, expected {expected}"
    error = attempt.error
    if not isinstance(error, ContractRevert) or error.name != "CatalogInsufficientStock":
        return f"unexpected outcome {error!r}"
    if (error.args_by_name["productId"], error.args_by_name["requested"]) != (attempt.product_id, attempt.quantity):
        return f"refused for another purchase: {error}"
    final_stock = run.products[attempt.product_id].stock
    if not final_stock < attempt.quantity <= run.offers[attempt.product_id - 1].stock:
        return f"refused though the final stock {final_stock} covers it: {error}"
    if attempt.reverted_hash is not None:
        receipt = run.receipts.get(attempt.reverted_hash)
        if receipt is None or receipt["status"] != 0:
            return f"refused, yet {attempt.reverted_hash} has no failed receipt"
    return None
