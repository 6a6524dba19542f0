"""Every party can be a contract (a multisig, a smart account): the Catalog asks who called it (msg.sender),
never who signed the transaction (tx.origin). Here Actor contracts (contracts/test/Actor.sol) sell, buy and
arbitrate, and ONE externally owned account drives them all, so a check made against tx.origin would see
the same signer behind every party: every identity check, credit and event below would then go wrong."""

from __future__ import annotations

from typing import Any

from web3.contract import Contract

from tests.support.catalog_env import DIGEST, ETH, HANDLING, WINDOW, CatalogEnv, State

PRICE = 10**15


def _as(env: CatalogEnv, actor: Contract, fn_name: str, *args: Any, value: int = 0) -> Any:
    """`actor` calls the Catalog (the driver, env.deployer, signs and pays the transaction)."""
    return env.send(actor.functions.exec(env.calldata(fn_name, *args)), env.deployer, value=value)


def _event(env: CatalogEnv, receipt: Any, name: str) -> dict[str, Any]:
    (args,) = [args for event, args in env.events(receipt) if event == name]
    return args


def test_contracts_list_buy_ship_settle_arbitrate_review_and_withdraw(env: CatalogEnv) -> None:
    seller, buyer, arbiter = (env.deploy_actor() for _ in range(3))
    driver = env.deployer

    # Listing: the seller is the calling contract, and it cannot be its own arbiter.
    with env.expect_revert("CatalogInvalidArbiter", seller.address):
        _as(env, seller, "listProduct", ETH, PRICE, 10, HANDLING, WINDOW, seller.address, DIGEST, 0)
    listed = _as(env, seller, "listProduct", ETH, PRICE, 10, HANDLING, WINDOW, arbiter.address, DIGEST, 0)
    assert _event(env, listed, "ProductListed")["seller"] == seller.address
    pid = int(_event(env, listed, "ProductListed")["productId"])
    assert env.product(pid)["seller"] == seller.address and env.product(pid)["arbiter"] == arbiter.address
    with env.expect_revert("CatalogSellerIsBuyer", pid):
        _as(env, seller, "buy", pid, 1, ETH, PRICE, 0, b"", value=PRICE)

    # Five orders of the buyer contract.
    for no in range(1, 6):
        bought = _as(env, buyer, "buy", pid, 1, ETH, PRICE, 0, b"", value=PRICE)
        assert _event(env, bought, "Purchased")["buyer"] == buyer.address
        assert env.order(pid, no)["buyer"] == buyer.address
    # 1: shipped by the seller (not by the buyer: the error names the calling contract), confirmed and
    # reviewed by the buyer.
    with env.expect_revert("CatalogNotSeller", pid, buyer.address):
        _as(env, buyer, "ship", pid, 1, DIGEST, 0)
    _as(env, seller, "ship", pid, 1, DIGEST, 0)
    _as(env, buyer, "confirm", pid, 1)
    reviewed = _as(env, buyer, "review", pid, 1, 5, DIGEST, 0)
    assert _event(env, reviewed, "Reviewed")["reviewer"] == buyer.address
    # 2: shipped, disputed by the buyer, split by the arbiter (only by it: each error names the calling
    # contract).
    _as(env, seller, "ship", pid, 2, DIGEST, 0)
    with env.expect_revert("CatalogNotBuyer", pid, 2, seller.address):
        _as(env, seller, "dispute", pid, 2)
    _as(env, buyer, "dispute", pid, 2)
    with env.expect_revert("CatalogNotArbiter", pid, seller.address):
        _as(env, seller, "resolve", pid, 2, PRICE)
    _as(env, arbiter, "resolve", pid, 2, PRICE // 4)
    assert env.order(pid, 2)["state"] == State.RESOLVED
    # 3: the seller offers, the buyer accepts; the arbiter is no party to a settlement.
    with env.expect_revert("CatalogNotParty", pid, 3, arbiter.address):
        _as(env, arbiter, "offerSettlement", pid, 3, 0)
    offered = _as(env, seller, "offerSettlement", pid, 3, PRICE // 2)
    assert _event(env, offered, "SettlementOffered")["by"] == seller.address
    _as(env, buyer, "acceptSettlement", pid, 3, PRICE // 2)
    assert env.order(pid, 3)["state"] == State.SETTLED
    # 4: the buyer offers and withdraws its offer.
    _as(env, buyer, "offerSettlement", pid, 4, PRICE)
    withdrawn = _as(env, buyer, "withdrawSettlement", pid, 4)
    assert _event(env, withdrawn, "SettlementWithdrawn")["by"] == buyer.address
    # 4 and 5: never shipped; past the handling time the buyer cancels 4 (credited to the buyer contract).
    env.advance_to(int(env.order(pid, 5)["deadline"]))
    _as(env, buyer, "cancel", pid, 4)
    assert env.order(pid, 4)["state"] == State.CANCELLED

    # The arbiter contract as a buyer: it cannot rule on its own order.
    _as(env, arbiter, "buy", pid, 1, ETH, PRICE, 0, b"", value=PRICE)
    own = env.product(pid)["orderCount"]
    _as(env, seller, "ship", pid, own, DIGEST, 0)
    _as(env, arbiter, "dispute", pid, own)
    with env.expect_revert("CatalogArbiterIsParty", pid, own):
        _as(env, arbiter, "resolve", pid, own, 0)

    profile = _as(env, seller, "setProfile", DIGEST, 0)
    assert _event(env, profile, "ProfileSet")["seller"] == seller.address

    # Every credit is the contracts'; the driver is owed nothing, and each contract withdraws its own.
    owed = {
        seller.address: PRICE + 3 * PRICE // 4 + PRICE // 2,
        buyer.address: PRICE // 4 + PRICE // 2 + PRICE,
        arbiter.address: 0,
    }
    assert {who: env.withdrawable(who) for who in owed} == owed
    assert env.withdrawable(driver) == 0
    for actor in (seller, buyer):
        paid = _as(env, actor, "withdraw", ETH, actor.address)
        assert _event(env, paid, "Withdrawn")["account"] == actor.address
        assert env.balance(actor.address) == owed[actor.address] and env.withdrawable(actor.address) == 0
    with env.expect_revert("CatalogNothingToWithdraw", arbiter.address):
        _as(env, arbiter, "withdraw", ETH, arbiter.address)
    env.assert_money_invariant()


def test_a_contract_pays_in_tokens_and_the_signers_permit_is_not_used(env: CatalogEnv) -> None:
    """The token is pulled from the buying contract. A permit the driving account signed for the Catalog
    does not stand in for the contract's: the Catalog asks the token for a permit of msg.sender (which
    fails, and is ignored), then pulls with the allowance the contract gave."""
    token = env.deploy_token()
    seller, buyer = env.deploy_actor(), env.deploy_actor()
    listed = _as(env, seller, "listProduct", token.address, PRICE, 10, HANDLING, WINDOW, ETH, DIGEST, 0)
    pid = int(_event(env, listed, "ProductListed")["productId"])
    env.send(token.functions.mint(buyer.address, 3 * PRICE), env.deployer)
    approve = token.encode_abi("approve", args=[env.catalog.address, PRICE])
    env.send(buyer.functions.callOther(token.address, bytes.fromhex(approve[2:])), env.deployer)
    signed = env.permit(token, env.deployer, PRICE)
    _as(env, buyer, "buyWithPermit", pid, 1, token.address, PRICE, 0, 2**48, signed.v, signed.r, signed.s, b"")
    assert env.balance(buyer.address, token.address) == 2 * PRICE
    assert env.balance(env.deployer, token.address) == 0
    assert token.functions.allowance(env.deployer, env.catalog.address).call() == 0
    assert env.order(pid, 1)["buyer"] == buyer.address
    env.assert_money_invariant(token.address)
