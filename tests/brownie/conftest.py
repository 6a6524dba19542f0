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
DIGEST = "0x" + "ab" * 32  # any nonzero sha2-256 digest of a metadata document's CID
RAW, DAG_PB = 0, 1  # Codec: the metadata document's CID codec
# OrderState as the contract numbers it
ESCROWED, COMPLETED, REFUNDED, REVIEWED = 1, 2, 3, 4


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
def catalog(Catalog, deployer):
    return Catalog.deploy({"from": deployer})


def list_product(catalog, seller, price=PRICE, stock=STOCK, escrow_window=ESCROW_WINDOW):
    """List a product as `seller` and return its id."""
    tx = catalog.listProduct(price, stock, escrow_window, DIGEST, RAW, {"from": seller})
    return tx.return_value


def buy(catalog, buyer, product_id, quantity=1, price=PRICE):
    """Buy `quantity` units at `price`, paying exactly; return the order number."""
    tx = catalog.buy(product_id, quantity, price, {"from": buyer, "value": quantity * price})
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
    """(productId, orderNo) of one unit bought by `buyer`, held in escrow."""
    return escrowed_product, buy(catalog, buyer, escrowed_product)


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
