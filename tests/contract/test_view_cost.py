"""The paged views stay under 10,000,000 gas per eth_call at the page size the client and the page use.

Public RPC endpoints cap the gas of an eth_call (10M-50M is common, and 10M the cautious figure), so a
page of `getProducts` or `getOrders` that costs more would fail there however cheap it is locally. With
1,000 products listed, and 1,000 orders on one product, every page the Python client (dapp.client
PAGE_SIZE) and the shop page (frontend/src/chain.js PAGE) read is measured with `eth_estimateGas` on a
real anvil, and so is the largest page that would still fit, for the figures.

The state is the expensive kind on purpose: everything is priced in a token (a product view then reads
the token address too), and the price changed after the orders were placed (an order view then reads the
archived price of its terms version).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from dapp.client import PAGE_SIZE
from tests.support.backends import AnvilChain, RpcError
from tests.support.catalog_env import DIGEST, HANDLING, WINDOW, CatalogEnv

GAS_CAP = 10_000_000
ITEMS = 1_000
FRONTEND_CHAIN = Path(__file__).resolve().parents[2] / "frontend" / "src" / "chain.js"


def page_sizes() -> dict[str, int]:
    """The page size of each reader: the Python client's constant and the shop page's."""
    match = re.search(r"^const PAGE = (\d+)n;", FRONTEND_CHAIN.read_text(), re.MULTILINE)
    assert match, f"no `const PAGE = <n>n;` in {FRONTEND_CHAIN}"
    return {"client": PAGE_SIZE, "page": int(match[1])}


def _send_all(chain: AnvilChain, txs: Sequence[dict[str, Any]]) -> None:
    """Send every transaction in one batched request with automine off, then mine blocks until the pool
    is empty: ~2,000 transactions in seconds rather than one block and one round trip each."""
    nonces: dict[str, int] = {}
    numbered = []
    for tx in txs:
        sender = tx["from"]
        if sender not in nonces:
            nonces[sender] = int(chain.rpc("eth_getTransactionCount", sender, "pending"), 16)
        numbered.append({**tx, "nonce": hex(nonces[sender])})
        nonces[sender] += 1
    chain.rpc("evm_setAutomine", False)
    try:
        hashes = chain.batch([("eth_sendTransaction", (tx,)) for tx in numbered])
        while int(chain.rpc("txpool_status")["pending"], 16):
            chain.rpc("evm_mine")
    finally:
        chain.rpc("evm_setAutomine", True)
    receipts = chain.batch([("eth_getTransactionReceipt", (h,)) for h in hashes])
    failed = [r["transactionHash"] for r in receipts if r is None or int(r["status"], 16) != 1]
    assert not failed, f"{len(failed)} of {len(txs)} setup transactions failed, first {failed[0]}"


def _tx(env: CatalogEnv, fn: Any, sender: str, gas: int) -> dict[str, Any]:
    return {"from": sender, "to": fn.address, "data": fn._encode_transaction_data(), "gas": hex(gas)}


def _gas(chain: AnvilChain, env: CatalogEnv, fn: Any) -> int | None:
    """eth_estimateGas of a view call, or None if it does not fit in a block at all."""
    try:
        tx = {"from": env.deployer, "to": fn.address, "data": fn._encode_transaction_data()}
        return int(chain.rpc("eth_estimateGas", tx, "latest"), 16)
    except RpcError:  # anvil refuses an estimate above the block gas limit
        return None


def _largest_page(chain: AnvilChain, env: CatalogEnv, page: Any) -> int:
    """The largest limit (up to ITEMS) whose call from offset 0 costs less than GAS_CAP."""
    low, high = 0, ITEMS
    while low < high:
        mid = (low + high + 1) // 2
        gas = _gas(chain, env, page(mid))
        if gas is not None and gas < GAS_CAP:
            low = mid
        else:
            high = mid - 1
    return low


@pytest.mark.anvil
@pytest.mark.timeout(900)
def test_paged_views_stay_under_the_rpc_gas_cap(anvil_env: CatalogEnv, capsys: pytest.CaptureFixture[str]) -> None:
    env = anvil_env
    chain = env.chain
    assert isinstance(chain, AnvilChain)
    f = env.catalog.functions
    seller, arbiter = env.seller, env.arbiter
    buyers = env.accounts[5:10]
    usd = env.deploy_token("TestUSD", holders=buyers, amount=10**15)

    listing = f.listProduct(usd.address, 10**6, ITEMS, HANDLING, WINDOW, arbiter, DIGEST, 0)
    _send_all(chain, [_tx(env, listing, seller, 300_000)] * ITEMS)
    assert env.product_count() == ITEMS
    product = env.product_count()  # the last one takes the orders
    order = f.buy(product, 1, usd.address, 10**6, 0)
    _send_all(chain, [_tx(env, order, buyers[i % len(buyers)], 300_000) for i in range(ITEMS)])
    env.send(f.setPrice(product, 2 * 10**6), seller)  # every order now reads its archived price
    assert env.product(product)["orderCount"] == ITEMS
    assert len(env.orders(product, 0, ITEMS)) == ITEMS

    sizes = page_sizes()
    lines = []
    views = {
        "getProducts": lambda offset, limit: f.getProducts(offset, limit),
        "getOrders": lambda offset, limit: f.getOrders(product, offset, limit),
    }
    for view, call in views.items():
        measured = {}
        for size in sorted(set(sizes.values())):
            pages = [_gas(chain, env, call(offset, size)) for offset in range(0, ITEMS, size)]
            assert None not in pages, f"a {view} page of {size} does not fit in a block"
            measured[size] = max(p for p in pages if p is not None)
        largest = _largest_page(chain, env, lambda limit, call=call: call(0, limit))
        whole = _gas(chain, env, call(0, ITEMS))
        lines.append(
            f"{view}: "
            + ", ".join(f"page of {size}: {gas:,} gas" for size, gas in measured.items())
            + f"; all {ITEMS} at once: {'over the block gas limit' if whole is None else f'{whole:,} gas'}"
            + f"; largest page under {GAS_CAP:,}: {largest if largest < ITEMS else f'>= {ITEMS} (all)'}"
        )
        for size, gas in measured.items():
            readers = [name for name, s in sizes.items() if s == size]
            assert gas < GAS_CAP, f"{view} at the page size of the {' and '.join(readers)} ({size}) costs {gas:,} gas"
    with capsys.disabled():
        print(f"\nview cost with {ITEMS} products and {ITEMS} orders on one product (page sizes {sizes}):")
        for line in lines:
            print("  " + line)
