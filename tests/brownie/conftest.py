"""Fixtures for the Brownie suite (`brownie test`, see README "Using Brownie").

Brownie's plugin provides `accounts`, `chain`, `fn_isolation` and a `Catalog` container built from
contracts/. The Catalog is deployed once per module; `fn_isolation` snapshots the chain before every test
and reverts to it afterwards, so each test starts from the fresh deployment whatever the previous one did.

Brownie's development networks send transactions with gas price 0, so ether balances change by exactly
the amounts the contract moves: the tests compare balances without subtracting gas.

tests/brownie/pytest.ini makes this folder pytest's rootdir, so the main suite's tests/conftest.py and
pyproject settings are not loaded here.
"""

import brownie
import pytest

DAY = 24 * 3600
PRICE = 10**16  # 0.01 ether per unit
STOCK = 10
ESCROW_WINDOW = 7 * DAY
HANDLING_TIME = 3 * DAY
ETH = "0x0000000000000000000000000000000000000000"  # the currency of an ether-priced product
USD = 12_500_000  # 12.50 tUSD (TestUSD has 6 decimals)
DIGEST = "0x" + "ab" * 32  # any nonzero sha2-256 digest of a metadata document's CID
RAW, DAG_PB = 0, 1  # Codec: the metadata document's CID codec
# OrderState as the contract numbers it
PAID, SHIPPED, DISPUTED, COMPLETED, REFUNDED, CANCELLED, RESOLVED, REVIEWED = range(1, 9)


@pytest.fixture(autouse=True)
def isolation(fn_isolation):
    pass


@pytest.fixture(scope="module")
def deployer(accounts):
    return accounts[0]


@pytest.fixture(scope="module")
def seller(accounts):
    return accounts[1]


@pytest.fixture(scope="module")
def buyer(accounts):
    return accounts[2]


@pytest.fixture(scope="module")
def stranger(accounts):
    return accounts[3]


@pytest.fixture(scope="module")
def arbiter(accounts):
    return accounts[4]


@pytest.fixture(scope="module")
def catalog(Catalog, deployer):
    return Catalog.deploy({"from": deployer})


@pytest.fixture(scope="module")
def usd(TestUSD, deployer, buyer, stranger, catalog):
    """The demo stablecoin (contracts/test/TestUSD.sol), minted to the buyer and the stranger, both of
    whom approve the Catalog without limit."""
    token = TestUSD.deploy({"from": deployer})
    for holder in (buyer, stranger):
        token.mint(holder, 1_000 * 10**6, {"from": holder})
        token.approve(catalog, 2**256 - 1, {"from": holder})
    return token


def list_product(catalog, seller, price=PRICE, stock=STOCK, escrow_window=ESCROW_WINDOW, currency=ETH, arbiter=ETH):
    """List a product as `seller` (handling time HANDLING_TIME if escrowed) and return its id."""
    handling = HANDLING_TIME if escrow_window else 0
    tx = catalog.listProduct(currency, price, stock, handling, escrow_window, arbiter, DIGEST, RAW, {"from": seller})
    return tx.return_value


def buy(catalog, buyer, product_id, quantity=1, price=PRICE, terms=0, currency=ETH):
    """Buy `quantity` units at `price` and terms version `terms`, paying exactly; return the order number."""
    value = quantity * price if currency == ETH else 0
    tx = catalog.buy(product_id, quantity, currency, price, terms, {"from": buyer, "value": value})
    return tx.return_value


@pytest.fixture
def escrowed_product(catalog, seller):
    """A product whose orders wait ESCROW_WINDOW for the buyer's confirmation."""
    return list_product(catalog, seller)


@pytest.fixture
def instant_product(catalog, seller):
    """A product whose orders pay the seller at once (escrow window 0)."""
    return list_product(catalog, seller, escrow_window=0)


@pytest.fixture
def escrowed_order(catalog, buyer, escrowed_product):
    """(productId, orderNo) of one unit bought by `buyer`, paid into escrow, not shipped."""
    return escrowed_product, buy(catalog, buyer, escrowed_product)


@pytest.fixture
def shipped_order(catalog, seller, escrowed_order):
    """The escrowed order, shipped: its escrow window runs."""
    catalog.ship(*escrowed_order, DIGEST, RAW, {"from": seller})
    return escrowed_order


def _as_brownie_shows(value):
    if hasattr(value, "address"):  # an Account or Contract
        value = value.address
    if isinstance(value, str) and value.startswith("0x") and len(value) == 42:
        return value.lower()
    return str(value)  # bytes32 appears as a Python bytes literal


def reverts_with(error, *args):
    """`brownie.reverts` for one custom error and its arguments, as Brownie decodes them from the ABI:
    "CatalogWrongPayment: 1, 10", addresses in lower case, bytes32 as Python bytes."""
    return brownie.reverts(f"{error}: {', '.join(_as_brownie_shows(a) for a in args)}")
