"""Gas used by each Catalog action on a real anvil, against the goals of issue 16 (Catalog v3).

Each figure is the receipt's gasUsed for one transaction in a steady state (the counters and balances
it touches already exist, as for every purchase after a shop's first); first-time costs, which pay
for fresh storage slots, are reported beside them. Token figures use TestUSD (OpenZeppelin's ERC20,
6 decimals) with an unlimited approval, or an EIP-2612 permit for exactly the amount.

The contract is driven with bare web3.py calls, not dapp's client, so the figures are the contract's own.
"""

from __future__ import annotations

import json
import random
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from eth_account import Account
from web3 import Web3
from web3.contract import Contract

from dapp._utils.permit import domain_separator, sign_permit
from dapp.compile import Artifact, load_artifact
from dapp.networks import http_web3
from dapp.nodes import DEV_MNEMONIC, AnvilNode

RESULTS = Path(__file__).resolve().parent / "results" / "gas.json"
GOALS = {"buy_escrow": 56_000, "buy_escrow_order_data": 62_000, "buy": 62_000, "buy_erc20": 76_000,
         "buy_erc20_permit": 110_000, "ship": 35_000, "list_product": 100_000, "confirm": 40_000,
         "review": 40_000, "withdraw": 35_000, "offer_settlement": 45_000, "accept_settlement": 45_000,
         "set_profile": 30_000}  # fmt: skip
ORDER_DATA = bytes(random.Random(16).randrange(1, 256) for _ in range(300))  # the page's typical size, nonzero
DIGEST = bytes.fromhex("ab" * 32)
PRICE = 10**16  # wei
TOKEN_PRICE = 12_500_000  # 12.50 tUSD
ETH = "0x0000000000000000000000000000000000000000"
DAY = 86_400


class Bench:
    def __init__(self, w3: Web3, artifacts: Mapping[str, Artifact] | None = None) -> None:
        """`artifacts`: the Catalog and TestUSD to deploy (default: the packaged ones)."""
        self.w3 = w3
        self.artifacts = artifacts
        self.accounts = [str(a) for a in w3.eth.accounts]
        self.deployer, self.seller, self.buyer, self.other = self.accounts[:4]
        self.deploy_gas: dict[str, int] = {}
        self.catalog = self._deploy("Catalog")
        self.token = self._deploy("TestUSD")

    def _deploy(self, name: str) -> Contract:
        artifact = self.artifacts[name] if self.artifacts is not None else load_artifact(name)
        factory = self.w3.eth.contract(abi=artifact.abi, bytecode=artifact.bytecode)
        receipt = self.w3.eth.wait_for_transaction_receipt(factory.constructor().transact({"from": self.deployer}))
        self.deploy_gas[name] = int(receipt["gasUsed"])
        return self.w3.eth.contract(address=receipt["contractAddress"], abi=artifact.abi)

    def gas(self, call: Any, sender: str, value: int = 0) -> int:
        receipt = self.w3.eth.wait_for_transaction_receipt(call.transact({"from": sender, "value": value}))
        assert receipt["status"] == 1, receipt
        return int(receipt["gasUsed"])

    def list(self, currency: str = ETH, price: int = PRICE, escrow: int = 0, arbiter: str = ETH) -> tuple[int, int]:
        """(product id, gas)"""
        handling = 2 * DAY if escrow else 0
        f = self.catalog.functions.listProduct(currency, price, 1000, handling, escrow, arbiter, DIGEST, 0)
        count = self.catalog.functions.productCount().call()
        return count + 1, self.gas(f, self.seller)

    def buy(
        self, pid: int, buyer: str | None = None, currency: str = ETH, price: int = PRICE, order_data: bytes = b""
    ) -> int:
        f = self.catalog.functions.buy(pid, 1, currency, price, 0, order_data)
        return self.gas(f, buyer or self.buyer, value=price if currency == ETH else 0)


def measure(w3: Web3, artifacts: Mapping[str, Artifact] | None = None, bench: type[Bench] = Bench) -> dict[str, Any]:
    """{"steady": action -> gas, "first": action -> gas} on a chain whose accounts hold ETH (the page's
    dev accounts, including the mnemonic's sixth for the permit buyer). `bench`: a Bench subclass that
    also looks at each transaction (bench/gas_trace.py)."""
    b = bench(w3, artifacts)
    f, token = b.catalog.functions, b.token.functions
    first: dict[str, int] = {}
    steady: dict[str, int] = {"deploy": b.deploy_gas["Catalog"]}

    _, first["list_product"] = b.list()
    instant, steady["list_product"] = b.list()
    escrow, _ = b.list(escrow=7 * DAY)
    token_escrow, steady["list_product_erc20"] = b.list(currency=b.token.address, price=TOKEN_PRICE, escrow=7 * DAY)
    arbitrated, steady["list_product_arbiter"] = b.list(escrow=7 * DAY, arbiter=b.other)

    first["buy"] = b.buy(instant)  # the seller's ETH balance slot is still empty
    steady["buy"] = b.buy(instant)
    first["buy_escrow"] = b.buy(escrow)
    steady["buy_escrow"] = b.buy(escrow)
    steady["buy_escrow_order_data"] = b.buy(escrow, order_data=ORDER_DATA)

    for who in (b.buyer, b.other):
        b.gas(token.mint(who, 10**12), who)
        b.gas(token.approve(b.catalog.address, 2**256 - 1), who)
    first["buy_erc20"] = b.buy(token_escrow, currency=b.token.address, price=TOKEN_PRICE)  # Catalog held no tUSD
    steady["buy_erc20"] = b.buy(token_escrow, b.other, currency=b.token.address, price=TOKEN_PRICE)

    # A permit buyer: a fresh account with tUSD and no allowance; its first permit also creates its nonce.
    Account.enable_unaudited_hdwallet_features()
    key = Account.from_mnemonic(DEV_MNEMONIC, account_path="m/44'/60'/0'/0/5").key
    permit_buyer = Account.from_key(key).address
    b.gas(token.mint(permit_buyer, 10**12), permit_buyer)
    separator = domain_separator("Test USD", "1", w3.eth.chain_id, b.token.address)
    for label in ("first", "steady"):
        nonce = token.nonces(permit_buyer).call()
        sig = sign_permit(key, separator, b.catalog.address, TOKEN_PRICE, nonce, 2**48)
        call = f.buyWithPermit(token_escrow, 1, b.token.address, TOKEN_PRICE, 0, 2**48, sig.v, sig.r, sig.s, b"")
        (first if label == "first" else steady)["buy_erc20_permit"] = b.gas(call, permit_buyer)

    for _ in range(4):
        b.buy(escrow)
    steady["ship"] = b.gas(f.ship(escrow, 1, DIGEST, 0), b.seller)
    b.gas(f.ship(escrow, 2, DIGEST, 0), b.seller)
    steady["confirm"] = b.gas(f.confirm(escrow, 1), b.buyer)  # from Shipped; the seller has an ETH balance
    steady["confirm_paid"] = b.gas(f.confirm(escrow, 3), b.buyer)
    steady["dispute"] = b.gas(f.dispute(escrow, 2), b.buyer)
    steady["refund"] = b.gas(f.refund(escrow, 2), b.seller)  # from Disputed; the buyer's balance was empty

    arbitrated_order = 1
    b.buy(arbitrated)
    b.gas(f.ship(arbitrated, arbitrated_order, DIGEST, 0), b.seller)
    b.gas(f.dispute(arbitrated, arbitrated_order), b.buyer)
    steady["resolve"] = b.gas(f.resolve(arbitrated, arbitrated_order, PRICE // 2), b.other)

    # settlement: orders 1 and 2 of a fresh escrowed product, shipped; both parties already hold ETH credit
    settled, _ = b.list(escrow=7 * DAY)
    for order_no in (1, 2):
        b.buy(settled)
        b.gas(f.ship(settled, order_no, DIGEST, 0), b.seller)
    steady["offer_settlement"] = b.gas(f.offerSettlement(settled, 1, PRICE // 2), b.seller)
    steady["offer_settlement_replace"] = b.gas(f.offerSettlement(settled, 1, PRICE // 3), b.buyer)
    steady["accept_settlement"] = b.gas(f.acceptSettlement(settled, 1, PRICE // 3), b.seller)
    b.gas(f.offerSettlement(settled, 2, PRICE // 4), b.buyer)
    steady["withdraw_settlement"] = b.gas(f.withdrawSettlement(settled, 2), b.buyer)
    steady["set_profile"] = b.gas(f.setProfile(DIGEST, 1), b.seller)

    first["review"] = b.gas(f.review(instant, 1, 5, DIGEST, 0), b.buyer)
    steady["review"] = b.gas(f.review(instant, 2, 4, DIGEST, 0), b.buyer)
    steady["withdraw"] = b.gas(f.withdraw(ETH, b.seller), b.seller)
    b.gas(f.confirm(token_escrow, 1), b.buyer)
    steady["withdraw_erc20"] = b.gas(f.withdraw(b.token.address, b.seller), b.seller)
    b.buy(instant, b.other)
    steady["set_price"] = b.gas(f.setPrice(instant, 2 * PRICE), b.seller)
    unsold, _ = b.list()
    steady["set_price_unsold"] = b.gas(f.setPrice(unsold, 2 * PRICE), b.seller)

    # full rulings: everything to the seller, or everything back to the buyer (one balance credited)
    for order_no, (name, share) in enumerate((("resolve_to_seller", 0), ("resolve_to_buyer", PRICE)), start=2):
        b.buy(arbitrated)
        b.gas(f.ship(arbitrated, order_no, DIGEST, 0), b.seller)
        b.gas(f.dispute(arbitrated, order_no), b.buyer)
        steady[name] = b.gas(f.resolve(arbitrated, order_no, share), b.other)
    return {"steady": steady, "first": first}


def main() -> int:
    with AnvilNode() as node:
        figures = measure(http_web3(node.url))
    steady = figures["steady"]
    rows = []
    for name, gas in steady.items():
        goal = GOALS.get(name)
        verdict = "" if goal is None else ("meets" if gas <= goal else f"MISSES by {gas - goal:,}")
        rows.append({"action": name, "gas": gas, "goal": goal, "verdict": verdict})
    result = {
        "chain": "anvil 1.7.1, hardfork paris",
        "compiler": load_artifact().settings,
        "actions": rows,
        "firstTime": figures["first"],
        "notes": {
            "list_product": "ETH, immediate, no arbiter; second and later listings (the first also creates "
            "productCount)",
            "list_product_erc20": "escrowed, priced in tUSD: also writes the currency slot",
            "list_product_arbiter": "escrowed, ETH, with an arbiter: also writes the arbiter slot",
            "buy": "ETH, immediate settlement, the seller already has an ETH balance",
            "buy_escrow": "ETH, escrowed, empty orderData: one new order slot + the product slot it read",
            "buy_escrow_order_data": "as buy_escrow with 300 random nonzero bytes of orderData (logged only)",
            "offer_settlement": "the seller's first offer on a shipped order: writes the order's new offer slot "
            "(20,000 gas for a zero slot alone; with the 21,000 of any transaction, 45,000 cannot be met)",
            "offer_settlement_replace": "the buyer's counter-offer replacing it (the offer slot is nonzero)",
            "accept_settlement": "the seller accepts the buyer's offer on a shipped order; both parties' ETH "
            "balances nonzero; the offer slot is cleared (refund)",
            "withdraw_settlement": "the buyer withdraws its offer (slot cleared)",
            "set_profile": "an event only",
            "buy_erc20": "escrowed, tUSD (OpenZeppelin ERC20), unlimited approval, the Catalog already holds tUSD",
            "buy_erc20_permit": "as buy_erc20 with an EIP-2612 permit for exactly the amount, buyer's nonce nonzero",
            "ship": "with a tracking digest",
            "confirm": "from Shipped, the seller already has an ETH balance",
            "confirm_paid": "from Paid",
            "refund": "from Disputed, the buyer's ETH balance was empty",
            "resolve": "a split, both parties' balances nonzero",
            "review": "product already reviewed once (first review: firstTime.review)",
            "withdraw": "ETH to the caller, gasUsed after the refund for zeroing the balance",
            "withdraw_erc20": "tUSD to the caller, whose token balance was empty",
            "set_price": "a product with orders: the old price is archived for them",
            "set_price_unsold": "a product never bought: no order can name the old price, so none is archived",
            "resolve_to_seller": "a ruling giving the buyer nothing: only the seller's balance (nonzero) is credited",
            "resolve_to_buyer": "a ruling giving the buyer everything: only the buyer's balance (nonzero) is credited",
        },
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(f"{'action':<22}{'gas':>10}{'goal':>10}  verdict")
    for row in rows:
        goal = f"{row['goal']:,}" if row["goal"] else "-"
        print(f"{row['action']:<22}{row['gas']:>10,}{goal:>10}  {row['verdict']}")
    print("first-time:", ", ".join(f"{k} {v:,}" for k, v in figures["first"].items()))
    print(f"wrote {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
