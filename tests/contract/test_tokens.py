"""Products priced in an ERC-20 token: purchases, EIP-2612 permits, and every way a token misbehaves
(fee on transfer, no return value, reverting or returning false, reentering the Catalog)."""

from __future__ import annotations

from typing import Any

import pytest
from web3.contract import Contract
from web3.logs import DISCARD

from dapp._utils.permit import domain_separator
from tests.support.catalog_env import DIGEST, ETH, CatalogEnv, State

USD = 12_500_000  # 12.50 tUSD (6 decimals)
PRICE = 10**15  # wei, for the ETH products beside


def _order_event(env: CatalogEnv, receipt: Any) -> dict[str, Any]:
    ((name, args),) = env.events(receipt)
    assert name == "Purchased"
    return args


# -- a well-behaved token --------------------------------------------------------------------------------


def test_an_escrowed_token_purchase_pulls_exactly_the_amount(env: CatalogEnv, usd: Contract) -> None:
    pid = env.list_escrowed(price=USD, currency=usd.address)
    buyer_before = env.balance(env.buyer, usd.address)
    eth_before = env.balance(env.buyer)
    receipt = env.buy(pid, 3)
    assert _order_event(env, receipt) == {
        "productId": pid, "buyer": env.buyer, "orderNo": 1, "quantity": 3, "unitPrice": USD, "escrowed": True,
        "orderData": b"",
    }  # fmt: skip
    assert env.balance(env.buyer, usd.address) == buyer_before - 3 * USD
    assert env.balance(env.catalog.address, usd.address) == 3 * USD
    assert env.balance(env.buyer) == eth_before - env.gas_cost(receipt)  # no ether moved
    order = env.order(pid, 1)
    assert (order["currency"], order["amount"], order["state"]) == (usd.address, 3 * USD, State.PAID)
    env.assert_money_invariant(usd.address)
    env.assert_money_invariant(ETH)


def test_token_orders_settle_and_withdraw_in_the_token(env: CatalogEnv, usd: Contract) -> None:
    pid = env.list_escrowed(price=USD, currency=usd.address, arbiter=env.arbiter)
    for _ in range(3):
        env.buy(pid, 2)
    f = env.catalog.functions
    env.send(f.confirm(pid, 1), env.buyer)
    env.send(f.refund(pid, 2), env.seller)
    env.send(f.ship(pid, 3, DIGEST, 0), env.seller)
    env.send(f.dispute(pid, 3), env.buyer)
    env.send(f.resolve(pid, 3, USD // 2), env.arbiter)
    assert env.withdrawable(env.seller, usd.address) == 2 * USD + 2 * USD - USD // 2
    assert env.withdrawable(env.buyer, usd.address) == 2 * USD + USD // 2
    assert env.withdrawable(env.seller) == env.withdrawable(env.buyer) == env.withdrawable(env.arbiter) == 0
    env.assert_money_invariant(usd.address)
    env.send(f.withdraw(usd.address, env.seller), env.seller)
    env.send(f.withdraw(usd.address, env.other), env.buyer)
    assert env.balance(env.catalog.address, usd.address) == 0
    assert env.balance(env.arbiter, usd.address) == 0


def test_an_immediate_token_purchase_credits_the_seller_in_the_token(env: CatalogEnv, usd: Contract) -> None:
    pid = env.list_product(price=USD, currency=usd.address, escrow_window=0)
    env.buy(pid, 2)
    assert env.order(pid, 1)["state"] == State.COMPLETED
    assert (env.withdrawable(env.seller, usd.address), env.withdrawable(env.seller)) == (2 * USD, 0)


def test_a_token_purchase_must_not_send_ether(env: CatalogEnv, usd: Contract) -> None:
    pid = env.list_escrowed(price=USD, currency=usd.address)
    with env.expect_revert("CatalogUnexpectedEth", 1):
        env.buy(pid, value=1)
    assert env.balance(env.catalog.address) == 0


def test_a_token_purchase_needs_the_allowance(env: CatalogEnv, usd: Contract) -> None:
    """The token's own error comes back by name (SafeERC20 bubbles it)."""
    pid = env.list_escrowed(price=USD, currency=usd.address)
    env.send(usd.functions.approve(env.catalog.address, USD), env.buyer)
    with env.expect_revert("ERC20InsufficientAllowance", env.catalog.address, USD, 2 * USD):
        env.buy(pid, 2)
    assert env.product(pid)["orderCount"] == 0


def test_a_token_purchase_needs_the_balance(env: CatalogEnv, usd: Contract) -> None:
    pid = env.list_escrowed(price=USD, currency=usd.address)
    env.send(usd.functions.approve(env.catalog.address, 2**256 - 1), env.arbiter)
    with env.expect_revert("ERC20InsufficientBalance", env.arbiter, 0, USD):
        env.buy(pid, buyer=env.arbiter)


# -- EIP-2612 permit -------------------------------------------------------------------------------------


def _buy_with_permit(env: CatalogEnv, token: Contract, pid: int, buyer: str, quantity: int = 1, **kw: Any) -> Any:
    product = env.product(pid)
    amount = quantity * product["price"]
    sig = env.permit(token, buyer, kw.pop("value", amount), deadline=kw.pop("deadline", 2**48))
    fn = env.catalog.functions.buyWithPermit(
        pid, quantity, product["currency"], product["price"], product["termsVersion"], 2**48, sig.v, sig.r, sig.s, b""
    )
    return fn, sig


def test_buy_with_permit_needs_no_approval(env: CatalogEnv) -> None:
    usd = env.deploy_token("TestUSD")
    env.send(usd.functions.mint(env.buyer, 10 * USD), env.buyer)  # minted, never approved
    pid = env.list_escrowed(price=USD, currency=usd.address)
    fn, _ = _buy_with_permit(env, usd, pid, env.buyer, quantity=2)
    receipt = env.send(fn, env.buyer)
    assert _order_event(env, receipt)["quantity"] == 2
    assert env.balance(env.catalog.address, usd.address) == 2 * USD
    assert usd.functions.allowance(env.buyer, env.catalog.address).call() == 0  # exactly the amount, spent
    assert usd.functions.nonces(env.buyer).call() == 1


def test_testusd_describes_its_permit_domain(env: CatalogEnv, usd: Contract) -> None:
    """ERC-5267: a client builds the permit's EIP-712 domain from the token itself."""
    fields, name, version, chain_id, verifying, _salt, extensions = usd.functions.eip712Domain().call()
    assert (fields, name, version, chain_id, verifying, extensions) == (
        b"\x0f",
        "Test USD",
        "1",
        env.w3.eth.chain_id,
        usd.address,
        [],
    )
    assert (usd.functions.decimals().call(), usd.functions.symbol().call()) == (6, "tUSD")
    separator = domain_separator(name, version, chain_id, verifying)
    assert usd.functions.DOMAIN_SEPARATOR().call() == separator


def test_a_front_run_permit_does_not_block_the_purchase(env: CatalogEnv) -> None:
    """Someone copies the permit from the mempool and submits it first: the allowance is there, the
    Catalog's own permit call fails (nonce used) and is ignored."""
    usd = env.deploy_token("TestUSD")
    env.send(usd.functions.mint(env.buyer, 10 * USD), env.buyer)
    pid = env.list_escrowed(price=USD, currency=usd.address)
    fn, sig = _buy_with_permit(env, usd, pid, env.buyer)
    env.send(usd.functions.permit(env.buyer, env.catalog.address, USD, 2**48, sig.v, sig.r, sig.s), env.other)
    env.send(fn, env.buyer)
    assert env.order(pid, 1)["buyer"] == env.buyer


def test_a_bad_permit_falls_back_to_the_allowance(env: CatalogEnv) -> None:
    """A permit signed by someone else (or expired) is ignored; without an allowance the pull then fails
    with the token's error, with one it goes through."""
    usd = env.deploy_token("TestUSD")
    env.send(usd.functions.mint(env.buyer, 10 * USD), env.buyer)
    pid = env.list_escrowed(price=USD, currency=usd.address)
    forged = env.permit(usd, env.other, USD)  # other's signature, used for the buyer's tokens
    fn = env.catalog.functions.buyWithPermit(pid, 1, usd.address, USD, 0, 2**48, forged.v, forged.r, forged.s, b"")
    with env.expect_revert("ERC20InsufficientAllowance", env.catalog.address, 0, USD):
        env.send(fn, env.buyer)
    env.send(usd.functions.approve(env.catalog.address, USD), env.buyer)
    env.send(fn, env.buyer)
    assert env.balance(env.catalog.address, usd.address) == USD


def test_buy_with_permit_checks_the_terms_first(env: CatalogEnv, usd: Contract) -> None:
    pid = env.list_escrowed(price=USD, currency=usd.address)
    eth_pid = env.list_product(price=PRICE)
    sig = env.permit(usd, env.buyer, USD)
    permit = (2**48, sig.v, sig.r, sig.s)
    f = env.catalog.functions
    with env.expect_revert("CatalogInvalidCurrency", ETH):
        env.send(f.buyWithPermit(eth_pid, 1, ETH, PRICE, 0, *permit, b""), env.buyer)
    with env.expect_revert("CatalogWrongCurrency", eth_pid, usd.address, ETH):
        env.send(f.buyWithPermit(eth_pid, 1, usd.address, PRICE, 0, *permit, b""), env.buyer)
    with env.expect_revert("CatalogPriceChanged", pid, USD - 1, USD):
        env.send(f.buyWithPermit(pid, 1, usd.address, USD - 1, 0, *permit, b""), env.buyer)
    with env.expect_revert("CatalogTermsChanged", pid, 1, 0):
        env.send(f.buyWithPermit(pid, 1, usd.address, USD, 1, *permit, b""), env.buyer)


def test_buy_with_permit_on_a_token_without_permit_uses_the_allowance(env: CatalogEnv) -> None:
    token = env.deploy_token("NoReturnToken", holders=[env.buyer])
    pid = env.list_escrowed(price=USD, currency=token.address)
    fn = env.catalog.functions.buyWithPermit(pid, 1, token.address, USD, 0, 2**48, 27, b"\x01" * 32, b"\x02" * 32, b"")
    env.send(fn, env.buyer)
    assert env.balance(env.catalog.address, token.address) == USD


# -- tokens that misbehave -------------------------------------------------------------------------------


def test_a_fee_on_transfer_token_is_refused_by_name(env: CatalogEnv) -> None:
    fee = env.deploy_token("FeeToken", holders=[env.buyer])
    pid = env.list_escrowed(price=1_000, currency=fee.address)
    with env.expect_revert("CatalogTokenShortfall", fee.address, 2_000 - 21, 2_000):
        env.buy(pid, 2)
    assert env.product(pid)["orderCount"] == 0
    assert env.balance(env.catalog.address, fee.address) == 0


def test_a_token_that_returns_no_bool_works(env: CatalogEnv) -> None:
    """USDT-style: transfer and transferFrom return nothing; SafeERC20 accepts that from a contract."""
    token = env.deploy_token("NoReturnToken", holders=[env.buyer])
    pid = env.list_escrowed(price=USD, currency=token.address)
    env.buy(pid, 2)
    env.send(env.catalog.functions.confirm(pid, 1), env.buyer)
    receipt = env.send(env.catalog.functions.withdraw(token.address, env.arbiter), env.seller)
    assert env.events(receipt)[0][1]["amount"] == 2 * USD
    assert env.balance(env.arbiter, token.address) == 2 * USD
    assert env.balance(env.catalog.address, token.address) == 0


@pytest.mark.reliability("attack")
def test_a_token_that_fails_blocks_only_its_own_purchases_and_withdrawals(env: CatalogEnv, usd: Contract) -> None:
    """A token that starts reverting (or returning false) stops purchases and withdrawals in that token;
    ETH and every other token go on, and nothing in the broken token is lost once it works again."""
    bad = env.deploy_token("RevertingToken", holders=[env.buyer, env.other])
    bad_pid = env.list_product(price=100, currency=bad.address, escrow_window=0)
    usd_pid = env.list_escrowed(price=USD, currency=usd.address)
    eth_pid = env.list_product(price=PRICE, escrow_window=0)
    env.buy(bad_pid, 3)  # the seller has 300 BRK to withdraw
    env.send(bad.functions.setMode(1), env.deployer)
    with env.expect_revert("RevertingTokenBroken"):
        env.buy(bad_pid)
    with env.expect_revert("RevertingTokenBroken"):
        env.send(env.catalog.functions.withdraw(bad.address, env.seller), env.seller)
    env.send(bad.functions.setMode(2), env.deployer)
    with env.expect_revert("SafeERC20FailedOperation", bad.address):
        env.buy(bad_pid)
    with env.expect_revert("SafeERC20FailedOperation", bad.address):
        env.send(env.catalog.functions.withdraw(bad.address, env.seller), env.seller)
    # everyone else goes on
    env.buy(usd_pid, 2, buyer=env.other)
    env.send(env.catalog.functions.confirm(usd_pid, 1), env.other)
    env.buy(eth_pid, 1, buyer=env.other)
    env.send(env.catalog.functions.withdraw(usd.address, env.seller), env.seller)
    env.send(env.catalog.functions.withdraw(ETH, env.seller), env.seller)
    assert (env.balance(env.seller, usd.address), env.withdrawable(env.seller, bad.address)) == (2 * USD, 300)
    env.send(bad.functions.setMode(0), env.deployer)
    env.send(env.catalog.functions.withdraw(bad.address, env.seller), env.seller)
    assert env.balance(env.seller, bad.address) == 300


@pytest.mark.reliability("attack")
def test_a_token_whose_balance_cannot_be_read_is_refused_by_name(env: CatalogEnv) -> None:
    """The fee-on-transfer check reads the Catalog's balance before and after the pull: a token whose
    balanceOf reverts fails the purchase with SafeERC20FailedOperation(token), not with a shortfall computed
    from whatever the failed call left in memory; once the token works again, so does the purchase."""
    bad = env.deploy_token("RevertingToken", holders=[env.buyer])
    pid = env.list_escrowed(price=100, currency=bad.address)
    env.send(bad.functions.setMode(3), env.deployer)
    with env.expect_revert("SafeERC20FailedOperation", bad.address):
        env.buy(pid)
    env.send(bad.functions.setMode(0), env.deployer)
    env.buy(pid)
    assert env.balance(env.catalog.address, bad.address) == 100


# -- a token that reenters the Catalog -------------------------------------------------------------------


@pytest.fixture
def evil(env: CatalogEnv) -> Contract:
    """ReentrantToken, held and approved by the buyer and `other`; it sells an ETH product itself, so it
    has ether in the Catalog to play with, and everyone else's money sits beside it."""
    token = env.deploy_token("ReentrantToken", holders=[env.buyer, env.other])
    token_pid = _as(env, token, "listProduct", ETH, PRICE, 10, 0, 0, ETH, DIGEST, 0)
    env.buy(token_pid, 2)  # the token's ETH balance: 2 PRICE
    rich = env.list_escrowed(price=10 * PRICE, stock=100)
    env.buy(rich, 3, buyer=env.other)
    env.send(env.catalog.functions.confirm(rich, 1), env.other)  # the seller's: 30 PRICE
    return token


def _as(env: CatalogEnv, token: Contract, fn: str, *args: Any) -> int:
    """Call the Catalog as the token; return the product id if it listed one."""
    receipt = env.send(token.functions.exec(env.catalog.address, env.calldata(fn, *args)), env.deployer)
    listed = env.catalog.events.ProductListed().process_receipt(receipt, errors=DISCARD)  # skip Transfer
    return int(listed[0]["args"]["productId"]) if listed else 0


def _arm(env: CatalogEnv, token: Contract, calls: list[bytes], swallow: bool) -> None:
    env.send(token.functions.arm([env.catalog.address] * len(calls), calls, swallow), env.deployer)


def _hook_errors(env: CatalogEnv, token: Contract) -> list[tuple[str, tuple[Any, ...]] | None]:
    results = []
    for i in range(token.functions.hookCount().call()):
        if token.functions.hookOk(i).call():
            results.append(None)
        else:
            error = env.decoder.decode(token.functions.hookReturn(i).call())
            results.append((error.name, tuple(error.args_by_name.values())))
    return results


def _everyone(env: CatalogEnv, evil: Contract, usd: Contract | None = None) -> None:
    for currency in (ETH, evil.address, *([usd.address] if usd else [])):
        env.assert_money_invariant(currency)


@pytest.mark.reliability("attack")
def test_reentering_withdraw_of_its_own_ether_during_a_purchase_is_harmless(env: CatalogEnv, evil: Contract) -> None:
    """The hook takes the token's own ETH balance, once: a legitimate withdrawal that happens to run inside
    a purchase. The purchase itself is accounted exactly."""
    pid = env.list_escrowed(price=USD, currency=evil.address)
    _arm(env, evil, [env.calldata("withdraw", ETH, evil.address)] * 2, swallow=True)
    env.buy(pid, 2)
    assert _hook_errors(env, evil) == [None, ("CatalogNothingToWithdraw", (evil.address,))]
    assert env.balance(evil.address) == 2 * PRICE
    assert env.withdrawable(env.seller) == 30 * PRICE
    assert env.balance(env.catalog.address, evil.address) == 2 * USD
    _everyone(env, evil)


@pytest.mark.reliability("attack")
@pytest.mark.parametrize("reentry", ["withdraw", "buy"])
def test_moving_the_token_inside_a_purchase_is_refused(env: CatalogEnv, evil: Contract, reentry: str) -> None:
    """The hook withdraws the token's own balance in itself, or nests a second purchase in the same token:
    the outer purchase then sees the Catalog's balance move by another amount than its price and reverts
    whole (nothing double-counted, nothing paid out)."""
    pid = env.list_escrowed(price=USD, currency=evil.address)
    env.buy(pid)  # the Catalog holds USD of the token
    seller_pid = _as(env, evil, "listProduct", evil.address, 5, 10, 0, 0, ETH, DIGEST, 0)
    env.buy(seller_pid, 3)  # the token's own balance in itself: 15
    env.send(evil.functions.mint(evil.address, 10**9), env.deployer)
    env.send(evil.functions.exec(evil.address, evil.encode_abi("approve", [env.catalog.address, 2**255])), env.deployer)
    hook = {
        "withdraw": env.calldata("withdraw", evil.address, evil.address),
        "buy": env.calldata("buy", pid, 1, evil.address, USD, 0, b""),
    }[reentry]
    _arm(env, evil, [hook], swallow=False)
    held = env.balance(env.catalog.address, evil.address)
    expected_received = USD - 15 if reentry == "withdraw" else 2 * USD
    with env.expect_revert("CatalogTokenShortfall", evil.address, expected_received, USD):
        env.buy(pid, buyer=env.other)
    assert env.balance(env.catalog.address, evil.address) == held
    assert env.product(pid)["orderCount"] == 1
    assert env.withdrawable(evil.address, evil.address) == 15
    _everyone(env, evil)


@pytest.mark.reliability("attack")
def test_a_purchase_that_shrinks_the_catalogs_balance_reports_nothing_received(env: CatalogEnv, evil: Contract) -> None:
    """The hook withdraws more of the token from the Catalog than the purchase brings in, so the balance
    after the pull is below the one before: the shortfall names 0 received (not a wrapped difference), and
    the purchase reverts whole."""
    pid = env.list_escrowed(price=USD, currency=evil.address)
    env.buy(pid)  # the Catalog holds USD of the token
    seller_pid = _as(env, evil, "listProduct", evil.address, USD, 10, 0, 0, ETH, DIGEST, 0)
    env.buy(seller_pid, 2)  # the token's own balance in itself: 2 USD, more than one purchase brings in
    _arm(env, evil, [env.calldata("withdraw", evil.address, evil.address)], swallow=False)
    held = env.balance(env.catalog.address, evil.address)
    with env.expect_revert("CatalogTokenShortfall", evil.address, 0, USD):
        env.buy(pid, buyer=env.other)
    assert env.balance(env.catalog.address, evil.address) == held
    assert env.withdrawable(evil.address, evil.address) == 2 * USD
    _everyone(env, evil)


@pytest.mark.reliability("attack")
def test_reentering_withdraw_during_a_withdrawal_pays_once(env: CatalogEnv, evil: Contract) -> None:
    pid = _as(env, evil, "listProduct", evil.address, USD, 10, 0, 0, ETH, DIGEST, 0)
    env.buy(pid, 2)  # the token sold 2 units for itself
    _arm(env, evil, [env.calldata("withdraw", evil.address, evil.address)] * 3, swallow=True)
    _as(env, evil, "withdraw", evil.address, env.arbiter)
    assert _hook_errors(env, evil) == [("CatalogNothingToWithdraw", (evil.address,))] * 3
    assert env.balance(env.arbiter, evil.address) == 2 * USD
    assert env.balance(env.catalog.address, evil.address) == 0
    _everyone(env, evil)


@pytest.mark.reliability("attack")
def test_reentering_other_peoples_orders_is_refused(env: CatalogEnv, evil: Contract, usd: Contract) -> None:
    """From inside a transfer, the token tries the parties' actions on orders in other currencies."""
    usd_pid = env.list_escrowed(price=USD, currency=usd.address)
    env.buy(usd_pid)
    eth_pid = env.list_escrowed(price=PRICE)
    env.buy(eth_pid)
    pid = env.list_escrowed(price=USD, currency=evil.address)
    calls = [
        env.calldata("confirm", usd_pid, 1),
        env.calldata("refund", eth_pid, 1),
        env.calldata("cancel", eth_pid, 1),
        env.calldata("release", usd_pid, 1),
        env.calldata("withdraw", usd.address, evil.address),
    ]
    _arm(env, evil, calls, swallow=True)
    env.buy(pid)
    assert _hook_errors(env, evil) == [
        ("CatalogNotBuyer", (usd_pid, 1, evil.address)),
        ("CatalogNotSeller", (eth_pid, evil.address)),
        ("CatalogNotBuyer", (eth_pid, 1, evil.address)),
        ("CatalogWrongOrderState", (usd_pid, 1, State.PAID)),
        ("CatalogNothingToWithdraw", (evil.address,)),
    ]
    assert env.order(usd_pid, 1)["state"] == env.order(eth_pid, 1)["state"] == State.PAID
    _everyone(env, evil, usd)


@pytest.mark.reliability("attack")
def test_a_reverting_hook_blocks_only_that_tokens_purchases(env: CatalogEnv, evil: Contract, usd: Contract) -> None:
    pid = env.list_escrowed(price=USD, currency=evil.address)
    usd_pid = env.list_escrowed(price=USD, currency=usd.address)
    _arm(env, evil, [env.calldata("confirm", usd_pid, 1)], swallow=False)
    with env.expect_revert("CatalogUnknownOrder", usd_pid, 1):
        env.buy(pid)
    env.buy(usd_pid)  # other currencies are untouched by the armed token
    env.send(env.catalog.functions.withdraw(ETH, env.seller), env.seller)
    _everyone(env, evil, usd)
