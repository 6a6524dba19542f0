"""listProduct, the seller's setters, delist, and the product views."""

from __future__ import annotations

import pytest
from web3.contract import Contract

from tests.support.catalog_env import (
    DAY,
    DIGEST,
    DIGEST2,
    ETH,
    MAX_ESCROW_WINDOW,
    MAX_HANDLING_TIME,
    MIN_ESCROW_WINDOW,
    MIN_HANDLING_TIME,
    UINT32_MAX,
    UINT96_MAX,
    CatalogEnv,
    Codec,
)

# -- listProduct ---------------------------------------------------------------------------------------


def test_list_product_ids_run_from_one(env: CatalogEnv) -> None:
    assert env.catalog.functions.productCount().call() == 0
    assert [env.list_product() for _ in range(3)] == [1, 2, 3]
    assert env.catalog.functions.productCount().call() == 3


def test_list_product_stores_every_field_and_emits(env: CatalogEnv, usd: Contract) -> None:
    fn = env.catalog.functions.listProduct(usd.address, 123_456, 77, 3_600, 86_400, env.arbiter, DIGEST2, Codec.DAG_PB)
    receipt = env.send(fn, env.seller)
    terms = {"price": 123_456, "stock": 77, "handlingTime": 3_600, "escrowWindow": 86_400, "arbiter": env.arbiter}
    assert env.events(receipt) == [
        (
            "ProductListed",
            {"productId": 1, "seller": env.seller, "currency": usd.address, **terms,
             "metadataDigest": DIGEST2, "metadataCodec": Codec.DAG_PB},
        )
    ]  # fmt: skip
    assert env.product(1) == {
        "id": 1,
        "seller": env.seller,
        "currency": usd.address,
        **terms,
        "orderCount": 0,
        "termsVersion": 0,
        "ratingCount": 0,
        "ratingSum": 0,
        "metadataDigest": DIGEST2,
        "metadataCodec": Codec.DAG_PB,
        "listed": True,
    }


def test_an_eth_product_without_arbiter_reads_as_zero_addresses(env: CatalogEnv) -> None:
    pid = env.list_product(escrow_window=0)
    product = env.product(pid)
    assert (product["currency"], product["arbiter"], product["handlingTime"]) == (ETH, ETH, 0)


def test_list_product_return_value_is_the_id(env: CatalogEnv) -> None:
    env.list_product()
    call = env.catalog.functions.listProduct(ETH, 1, 1, 0, 0, ETH, DIGEST, 0).call({"from": env.other})
    assert call == 2


def test_list_product_accepts_the_extremes(env: CatalogEnv) -> None:
    """Price and stock at their widths; escrow window and handling time at the bounds, which are the
    Catalog's public constants."""
    f = env.catalog.functions
    bounds = (f.MIN_ESCROW_WINDOW(), f.MAX_ESCROW_WINDOW(), f.MIN_HANDLING_TIME(), f.MAX_HANDLING_TIME())
    assert tuple(b.call() for b in bounds) == (
        MIN_ESCROW_WINDOW,
        MAX_ESCROW_WINDOW,
        MIN_HANDLING_TIME,
        MAX_HANDLING_TIME,
    )
    assert (DAY, 365 * DAY, 3_600) == (MIN_ESCROW_WINDOW, MAX_ESCROW_WINDOW, MIN_HANDLING_TIME)
    pid = env.list_product(
        price=UINT96_MAX, stock=UINT32_MAX, escrow_window=MAX_ESCROW_WINDOW, handling_time=MAX_HANDLING_TIME
    )
    product = env.product(pid)
    assert (product["price"], product["stock"]) == (UINT96_MAX, UINT32_MAX)
    assert (product["escrowWindow"], product["handlingTime"]) == (MAX_ESCROW_WINDOW, MAX_HANDLING_TIME)
    pid = env.list_product(price=1, stock=0, escrow_window=MIN_ESCROW_WINDOW, handling_time=MIN_HANDLING_TIME)
    product = env.product(pid)
    assert (product["price"], product["stock"]) == (1, 0)
    assert (product["escrowWindow"], product["handlingTime"]) == (MIN_ESCROW_WINDOW, MIN_HANDLING_TIME)


@pytest.mark.parametrize("price", [0, UINT96_MAX + 1, 2**256 - 1])
def test_list_product_invalid_price(env: CatalogEnv, price: int) -> None:
    with env.expect_revert("CatalogInvalidPrice", price):
        env.list_product(price=price)
    assert env.catalog.functions.productCount().call() == 0


@pytest.mark.parametrize("stock", [UINT32_MAX + 1, 2**256 - 1])
def test_list_product_invalid_stock(env: CatalogEnv, stock: int) -> None:
    with env.expect_revert("CatalogInvalidStock", stock):
        env.list_product(stock=stock)


@pytest.mark.parametrize(
    "window", [1, MIN_ESCROW_WINDOW - 1, MAX_ESCROW_WINDOW + 1, UINT32_MAX, UINT32_MAX + 1, 2**255]
)
def test_list_product_invalid_escrow_window(env: CatalogEnv, window: int) -> None:
    """An escrow window protects nobody below a day, and holds the seller's money too long above a year."""
    with env.expect_revert("CatalogInvalidEscrowWindow", window):
        env.list_product(escrow_window=window, handling_time=MIN_HANDLING_TIME)
    assert env.product_count() == 0


@pytest.mark.parametrize(
    ("window", "handling"),
    [
        (0, 1),
        (0, UINT32_MAX),
        (DAY, 0),
        (DAY, 1),
        (DAY, MIN_HANDLING_TIME - 1),
        (MAX_ESCROW_WINDOW, MAX_HANDLING_TIME + 1),
        (DAY, UINT32_MAX + 1),
        (MAX_ESCROW_WINDOW, 2**256 - 1),
    ],
)
def test_list_product_invalid_handling_time(env: CatalogEnv, window: int, handling: int) -> None:
    """An escrowed product needs a handling time (the buyer's way out if nothing ships); an immediate one
    has none."""
    with env.expect_revert("CatalogInvalidHandlingTime", handling):
        env.list_product(escrow_window=window, handling_time=handling)


def test_list_product_invalid_currency(env: CatalogEnv) -> None:
    """A currency is ETH or a contract: an account without code, or the Catalog itself, is refused."""
    for currency in (env.other, "0x000000000000000000000000000000000000dEaD", env.catalog.address):
        with env.expect_revert("CatalogInvalidCurrency", currency):
            env.list_product(currency=currency)
    assert env.catalog.functions.productCount().call() == 0


def test_list_product_invalid_arbiter(env: CatalogEnv) -> None:
    """The arbiter is neither the seller nor the Catalog, and an immediate product (nothing to dispute) has
    none."""
    with env.expect_revert("CatalogInvalidArbiter", env.seller):
        env.list_escrowed(arbiter=env.seller)
    with env.expect_revert("CatalogInvalidArbiter", env.arbiter):
        env.list_product(escrow_window=0, arbiter=env.arbiter)
    with env.expect_revert("CatalogInvalidArbiter", env.catalog.address):  # a contract that can never rule
        env.list_escrowed(arbiter=env.catalog.address)
    assert env.product_count() == 0
    pid = env.list_escrowed(arbiter=env.buyer)  # anyone else, even a future buyer (who then cannot rule)
    assert env.product(pid)["arbiter"] == env.buyer


@pytest.mark.parametrize(
    ("digest", "codec"),
    [(b"\x00" * 32, 0), (b"\x00" * 32, 1), (DIGEST, 2), (DIGEST, 255), (b"\x00" * 32, 7)],
)
def test_list_product_invalid_metadata(env: CatalogEnv, digest: bytes, codec: int) -> None:
    with env.expect_revert("CatalogInvalidMetadata", digest, codec):
        env.list_product(digest=digest, codec=codec)
    assert env.catalog.functions.productCount().call() == 0


def test_list_product_check_order(env: CatalogEnv) -> None:
    """Every argument wrong: price, then stock, window, handling time, currency, arbiter, metadata."""
    f = env.catalog.functions.listProduct
    expected = [
        ("CatalogInvalidPrice", 0),
        ("CatalogInvalidStock", 2**40),
        ("CatalogInvalidEscrowWindow", 2**40),
        ("CatalogInvalidHandlingTime", 0),
        ("CatalogInvalidCurrency", env.other),
        ("CatalogInvalidArbiter", env.seller),
        ("CatalogInvalidMetadata", b"\x00" * 32, 9),
    ]
    # (currency, price, stock, handlingTime, escrowWindow, arbiter, digest, codec), all wrong
    args: list[object] = [env.other, 0, 2**40, 0, 2**40, env.seller, b"\x00" * 32, 9]
    good: list[object] = [ETH, 1, 1, MIN_HANDLING_TIME, MIN_ESCROW_WINDOW, ETH, DIGEST, 0]
    fixes = [[1], [2], [4], [3], [0], [5], [6, 7]]  # what each error names, in check order
    for error, fix in zip(expected, fixes, strict=True):
        with env.expect_revert(*error):
            env.send(f(*args), env.seller)
        for i in fix:
            args[i] = good[i]
    env.send(f(*args), env.seller)


# -- setPrice --------------------------------------------------------------------------------------------


def test_set_price_updates_and_emits_versions(env: CatalogEnv) -> None:
    pid = env.list_product(price=100)
    receipt = env.send(env.catalog.functions.setPrice(pid, 250), env.seller)
    assert env.events(receipt) == [("PriceChanged", {"productId": pid, "price": 250, "termsVersion": 1})]
    receipt = env.send(env.catalog.functions.setPrice(pid, UINT96_MAX), env.seller)
    assert env.events(receipt) == [("PriceChanged", {"productId": pid, "price": UINT96_MAX, "termsVersion": 2})]
    assert env.product(pid)["price"] == UINT96_MAX


@pytest.mark.parametrize("price", [0, UINT96_MAX + 1])
def test_set_price_invalid(env: CatalogEnv, price: int) -> None:
    pid = env.list_product(price=100)
    with env.expect_revert("CatalogInvalidPrice", price):
        env.send(env.catalog.functions.setPrice(pid, price), env.seller)
    assert env.product(pid)["price"] == 100


def test_set_price_too_many_changes(env: CatalogEnv) -> None:
    """The version is a uint16: the 65535th change is the last (reached by writing the counter)."""
    pid = env.list_product(price=100)
    env.buy(pid)
    env.poke_sale_slot(pid, termsVersion=2**16 - 2)
    receipt = env.send(env.catalog.functions.setPrice(pid, 300), env.seller)
    assert env.events(receipt) == [("PriceChanged", {"productId": pid, "price": 300, "termsVersion": 2**16 - 1})]
    with env.expect_revert("CatalogTooManyTermsChanges", pid):
        env.send(env.catalog.functions.setPrice(pid, 400), env.seller)
    with env.expect_revert("CatalogTooManyTermsChanges", pid):
        env.send(env.catalog.functions.setMetadata(pid, DIGEST2, 0), env.seller)
    assert env.product(pid)["price"] == 300
    env.buy(pid)  # buying still works at the last price
    assert env.order(pid, 2)["amount"] == 300


def test_a_terms_version_past_a_byte_boundary(env: CatalogEnv) -> None:
    """Version 511 to 512 changes bits above the low byte: the whole 16-bit field is replaced, not OR-ed
    into (reached by writing the counter), and the price of version 511 stays what its orders paid."""
    pid = env.list_product(price=100)
    env.buy(pid)
    env.poke_sale_slot(pid, termsVersion=511)
    receipt = env.send(env.catalog.functions.setPrice(pid, 300), env.seller)
    assert env.events(receipt) == [("PriceChanged", {"productId": pid, "price": 300, "termsVersion": 512})]
    assert env.product(pid)["termsVersion"] == 512
    env.send(env.buy_call(pid, unit_price=300, terms=512), env.buyer, value=300)
    assert env.order(pid, 2)["amount"] == 300


# -- setStock --------------------------------------------------------------------------------------------


def test_set_stock_updates_and_emits(env: CatalogEnv) -> None:
    pid = env.list_product(stock=5)
    for stock in (0, UINT32_MAX, 9):
        receipt = env.send(env.catalog.functions.setStock(pid, stock), env.seller)
        assert env.events(receipt) == [("StockChanged", {"productId": pid, "stock": stock})]
        assert env.product(pid)["stock"] == stock


def test_set_stock_invalid(env: CatalogEnv) -> None:
    pid = env.list_product(stock=5)
    with env.expect_revert("CatalogInvalidStock", UINT32_MAX + 1):
        env.send(env.catalog.functions.setStock(pid, UINT32_MAX + 1), env.seller)
    assert env.product(pid)["stock"] == 5


def test_set_stock_keeps_the_terms_version(env: CatalogEnv) -> None:
    pid = env.list_product(stock=5)
    env.send(env.catalog.functions.setStock(pid, 6), env.seller)
    assert env.product(pid)["termsVersion"] == 0
    env.buy(pid)  # a buyer who saw version 0 still buys


# -- setMetadata -----------------------------------------------------------------------------------------


def test_set_metadata_updates_and_emits(env: CatalogEnv) -> None:
    pid = env.list_product(digest=DIGEST, codec=Codec.RAW)
    receipt = env.send(env.catalog.functions.setMetadata(pid, DIGEST2, Codec.DAG_PB), env.seller)
    assert env.events(receipt) == [
        (
            "MetadataChanged",
            {"productId": pid, "metadataDigest": DIGEST2, "metadataCodec": Codec.DAG_PB, "termsVersion": 1},
        )
    ]
    product = env.product(pid)
    assert (product["metadataDigest"], product["metadataCodec"], product["termsVersion"]) == (DIGEST2, 1, 1)


def test_price_and_metadata_changes_share_one_terms_version_and_stock_does_not_bump_it(env: CatalogEnv) -> None:
    pid = env.list_product(price=100)
    f = env.catalog.functions
    env.send(f.setPrice(pid, 200), env.seller)
    env.send(f.setMetadata(pid, DIGEST2, 1), env.seller)
    env.send(f.setStock(pid, 3), env.seller)
    env.send(f.setPrice(pid, 200), env.seller)  # the same price again is still a change of terms
    assert env.product(pid)["termsVersion"] == 3


@pytest.mark.parametrize(("digest", "codec"), [(b"\x00" * 32, 0), (DIGEST2, 2)])
def test_set_metadata_invalid(env: CatalogEnv, digest: bytes, codec: int) -> None:
    pid = env.list_product()
    with env.expect_revert("CatalogInvalidMetadata", digest, codec):
        env.send(env.catalog.functions.setMetadata(pid, digest, codec), env.seller)
    assert env.product(pid)["metadataDigest"] == DIGEST


# -- delist ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("stock", [8, UINT32_MAX])
def test_delist_zeroes_stock_and_emits(env: CatalogEnv, stock: int) -> None:
    """Every bit of the stock field is cleared, the high ones too (a 16-bit mask would leave 65,535 * 2^16)."""
    pid = env.list_product(stock=stock)
    receipt = env.send(env.catalog.functions.delist(pid), env.seller)
    assert env.events(receipt) == [("ProductDelisted", {"productId": pid})]
    product = env.product(pid)
    assert (product["listed"], product["stock"]) == (False, 0)
    assert product["seller"] == env.seller  # still known, still viewable


# -- who may call the seller functions --------------------------------------------------------------------

SELLER_CALLS = {
    "setPrice": lambda pid: ("setPrice", pid, 5),
    "setStock": lambda pid: ("setStock", pid, 5),
    "setMetadata": lambda pid: ("setMetadata", pid, DIGEST2, 1),
    "delist": lambda pid: ("delist", pid),
}


@pytest.mark.reliability("attack")
@pytest.mark.parametrize("call", SELLER_CALLS)
def test_seller_functions_reject_others(env: CatalogEnv, call: str) -> None:
    pid = env.list_product(price=100, stock=3)
    before = env.product(pid)
    name, *args = SELLER_CALLS[call](pid)
    for caller in (env.buyer, env.other, env.deployer):
        with env.expect_revert("CatalogNotSeller", pid, caller):
            env.send(getattr(env.catalog.functions, name)(*args), caller)
    assert env.product(pid) == before


@pytest.mark.parametrize("call", SELLER_CALLS)
@pytest.mark.parametrize("pid", [0, 2, 2**256 - 1])
def test_seller_functions_unknown_product(env: CatalogEnv, call: str, pid: int) -> None:
    env.list_product()
    name, *args = SELLER_CALLS[call](pid)
    with env.expect_revert("CatalogUnknownProduct", pid):
        env.send(getattr(env.catalog.functions, name)(*args), env.seller)


@pytest.mark.parametrize("call", SELLER_CALLS)
def test_seller_functions_after_delist(env: CatalogEnv, call: str) -> None:
    pid = env.list_product(price=100, stock=3)
    env.send(env.catalog.functions.delist(pid), env.seller)
    before = env.product(pid)
    name, *args = SELLER_CALLS[call](pid)
    with env.expect_revert("CatalogProductDelisted", pid):
        env.send(getattr(env.catalog.functions, name)(*args), env.seller)
    # another account still gets NotSeller, not Delisted: authorisation is checked first
    with env.expect_revert("CatalogNotSeller", pid, env.other):
        env.send(getattr(env.catalog.functions, name)(*args), env.other)
    assert env.product(pid) == before


def test_invalid_argument_from_a_stranger_is_not_seller(env: CatalogEnv) -> None:
    pid = env.list_product()
    with env.expect_revert("CatalogNotSeller", pid, env.other):
        env.send(env.catalog.functions.setPrice(pid, 0), env.other)


# -- views -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("pid", [0, 1, 2**256 - 1])
def test_get_product_unknown(env: CatalogEnv, pid: int) -> None:
    with env.expect_revert("CatalogUnknownProduct", pid):
        env.product(pid)


def test_get_product_just_past_the_end(env: CatalogEnv) -> None:
    env.list_product()
    with env.expect_revert("CatalogUnknownProduct", 2):
        env.product(2)


def test_get_products_pagination(env: CatalogEnv) -> None:
    sellers = [env.seller, env.other, env.buyer, env.seller, env.other]
    for i, seller in enumerate(sellers):
        env.list_product(price=100 + i, seller=seller)

    def ids(offset: int, limit: int) -> list[int]:
        return [p["id"] for p in env.products(offset, limit)]

    assert ids(0, 10) == [1, 2, 3, 4, 5]
    assert ids(0, 2) == [1, 2]
    assert ids(2, 2) == [3, 4]
    assert ids(3, 100) == [4, 5]  # limit larger than what remains
    assert ids(4, 1) == [5]
    assert ids(5, 1) == []  # at the end
    assert ids(6, 3) == []  # past the end
    assert ids(2**256 - 1, 2**256 - 1) == []
    assert ids(1, 2**256 - 1) == [2, 3, 4, 5]
    assert ids(0, 0) == []
    assert ids(3, 0) == []
    # pages carry the same data as getProduct
    assert env.products(0, 5) == [env.product(i) for i in range(1, 6)]
    assert [p["seller"] for p in env.products(0, 5)] == sellers


def test_get_products_empty_catalog(env: CatalogEnv) -> None:
    assert env.products(0, 10) == []


def test_get_orders_pagination(env: CatalogEnv) -> None:
    pid = env.list_product(price=7, stock=100)
    empty = env.list_product()
    for quantity in range(1, 6):
        env.buy(pid, quantity)

    def nos(offset: int, limit: int) -> list[int]:
        return [o["orderNo"] for o in env.orders(pid, offset, limit)]

    assert nos(0, 10) == [1, 2, 3, 4, 5]
    assert nos(1, 3) == [2, 3, 4]
    assert nos(2, 50) == [3, 4, 5]
    assert nos(5, 1) == []
    assert nos(9, 9) == []
    assert nos(2**256 - 1, 1) == []
    assert nos(0, 0) == []
    assert env.orders(pid, 0, 5) == [env.order(pid, n) for n in range(1, 6)]
    assert [o["quantity"] for o in env.orders(pid, 0, 5)] == [1, 2, 3, 4, 5]
    assert env.orders(empty, 0, 10) == []


@pytest.mark.parametrize("pid", [0, 3])
def test_get_orders_unknown_product(env: CatalogEnv, pid: int) -> None:
    env.list_product()
    env.list_product()
    with env.expect_revert("CatalogUnknownProduct", pid):
        env.orders(pid, 0, 10)


@pytest.mark.parametrize(("pid", "order_no"), [(0, 0), (0, 1), (1, 0), (1, 2), (2, 1), (2**256 - 1, 1)])
def test_get_order_unknown(env: CatalogEnv, pid: int, order_no: int) -> None:
    env.list_product()
    env.buy(1)
    with env.expect_revert("CatalogUnknownOrder", pid, order_no):
        env.order(pid, order_no)
