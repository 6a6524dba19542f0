"""Fixtures for the Brownie suite (`brownie test`, see README "Using Brownie").

Brownie's plugin provides `accounts`, `chain`, `fn_isolation` and a `Catalog` container built from
contracts/. The Catalog is deployed once per module; `fn_isolation` snapshots the chain before every test
and reverts to it afterwards, so each test starts from the fresh deployment whatever the previous one did.

Brownie's development networks send transactions with gas price 0, so ether balances change by exactly
the amounts the contract moves: the tests compare balances without subtracting gas.

tests/brownie/pytest.ini makes this folder pytest's rootdir, so the main suite's tests/conftest.py and
pyproject settings are not loaded here. The reliability tally (tests/support/reliability.py, plain pytest) is loaded
as a plugin instead: the attack tests carry `@pytest.mark.reliability("attack")`, and
`brownie test ... --reliability-out FILE` (Brownie hands its arguments to pytest) writes the counts.
`brownie test` puts the project root on sys.path, so `tests.support.reliability` imports.
"""

import time
import types

import brownie
import brownie.network.rpc
import eth_abi
import pytest

pytest_plugins = ["tests.support.reliability"]

# Brownie gives the node it launches 100 polls 0.1 s apart (~10 s) to answer, then kills it. Ganache takes
# longer than that to start on a busy 2-core machine (`make test` runs its suites side by side): here the
# polls are 0.6 s apart, ~60 s in all. That sleep is the only use of `time` in brownie.network.rpc.
brownie.network.rpc.time = types.SimpleNamespace(sleep=lambda seconds: time.sleep(6 * seconds))

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


# -- attacks (test_attack_*.py) ------------------------------------------------------------------------


@pytest.fixture
def make_attacker(Actor, catalog, deployer):
    """Deploys an Actor (contracts/test/Actor.sol) aimed at the Catalog, holding `funding` wei."""

    def deploy(funding=0):
        return Actor.deploy(catalog, {"from": deployer, "value": funding})

    return deploy


def as_contract(party, catalog, fn, *args, value=0, sender=None):
    """Call `catalog.fn(*args)` from a contract party (Actor, or ReentrantToken with the Catalog as
    target) through its `exec`, sent by `sender` (the accounts' deployer if not given)."""
    data = getattr(catalog, fn).encode_input(*args)
    # Actor.exec(data) calls its target; ReentrantToken.exec(target, data) calls any contract
    exec_args = (data,) if len(party.exec.abi["inputs"]) == 1 else (catalog, data)
    return party.exec(*exec_args, {"from": sender or brownie.accounts[0], "value": value})


def listed_by(party, catalog, price=PRICE, escrow_window=0, arbiter=ETH, currency=ETH):
    """List a product as a contract party; return its id."""
    handling = HANDLING_TIME if escrow_window else 0
    tx = as_contract(
        party, catalog, "listProduct", currency, price, STOCK, handling, escrow_window, arbiter, DIGEST, RAW
    )
    return tx.events["ProductListed"]["productId"]


def error_data(contract, name, *args):
    """The revert data of `contract`'s custom error `name(args)`: selector and ABI-encoded arguments."""
    abi = next(e for e in contract.abi if e["type"] == "error" and e["name"] == name)
    types = [i["type"] for i in abi["inputs"]]
    selector = brownie.web3.keccak(text=f"{name}({','.join(types)})")[:4]
    values = [a.address if hasattr(a, "address") else a for a in args]
    return bytes(selector) + eth_abi.encode(types, values)


def hook_results(party):
    """What each call of an attacker's last hook run gave: None for success, else its revert data."""
    return [None if party.hookOk(i) else bytes(party.hookReturn(i)) for i in range(party.hookCount())]


def assert_money_invariant(catalog, holders, token=None):
    """The Catalog holds exactly what it owes in a currency: every holder's credit plus the amount of every
    order still in escrow (Paid, Shipped, Disputed). `holders` must include everyone with a credit."""
    currency = token.address if token is not None else ETH
    owed = sum(catalog.withdrawable(h, currency) for h in holders)
    for product_id in range(1, catalog.productCount() + 1):
        for order in catalog.getOrders(product_id, 0, 2**32):
            if order["currency"] == currency and order["state"] in (PAID, SHIPPED, DISPUTED):
                owed += order["amount"]
    held = token.balanceOf(catalog) if token is not None else catalog.balance()
    assert held == owed
