"""The test helper itself: `expect_revert` must fail whenever the revert is not exactly the one named, and
the package's revert decoder it uses must read every form a revert arrives in."""

from __future__ import annotations

import pytest
from eth_abi import encode
from eth_tester.exceptions import TransactionFailed
from eth_utils import function_signature_to_4byte_selector
from web3.exceptions import ContractCustomError

from dapp._utils.revert import revert_data
from tests.support.catalog_env import ETH, CatalogEnv, State

NOT_BUYER = function_signature_to_4byte_selector("CatalogNotBuyer(uint256,uint256,address)")


def _not_buyer(env: CatalogEnv) -> bytes:
    return NOT_BUYER + encode(["uint256", "uint256", "address"], [3, 4, env.other])


def test_passes_on_the_exact_error(env: CatalogEnv) -> None:
    with env.expect_revert("CatalogUnknownProduct", 0) as check:
        env.product(0)
    assert check.decoded is not None
    assert (check.decoded.name, check.decoded.args_by_name) == ("CatalogUnknownProduct", {"productId": 0})


def test_fails_when_nothing_reverts(env: CatalogEnv) -> None:
    with pytest.raises(pytest.fail.Exception, match="nothing reverted"), env.expect_revert("CatalogUnknownProduct", 1):
        env.list_product()


def test_fails_on_another_error(env: CatalogEnv) -> None:
    with pytest.raises(AssertionError, match="got CatalogUnknownProduct"), env.expect_revert("CatalogNotSeller", 0):
        env.product(0)


def test_fails_on_other_arguments(env: CatalogEnv) -> None:
    expected = r"expected CatalogUnknownProduct\(1,\)"
    with pytest.raises(AssertionError, match=expected), env.expect_revert("CatalogUnknownProduct", 1):
        env.product(0)
    with pytest.raises(AssertionError), env.expect_revert("CatalogUnknownProduct"):
        env.product(0)


def test_fails_on_a_mined_transaction_with_another_error(env: CatalogEnv) -> None:
    pid = env.list_product(price=5)
    with pytest.raises(AssertionError, match="CatalogWrongPayment"), env.expect_revert("CatalogWrongPayment", 4, 6):
        env.send(env.catalog.functions.buy(pid, 1, ETH, 5, 0), env.buyer, value=4)


def test_decodes_contract_custom_error_data(env: CatalogEnv) -> None:
    """The HTTP providers' form: ContractCustomError with the data as hex."""
    data = _not_buyer(env)
    with env.expect_revert("CatalogNotBuyer", 3, 4, env.other):
        raise ContractCustomError("0x" + data.hex(), data="0x" + data.hex())


def test_decodes_eth_tester_transaction_failed(env: CatalogEnv) -> None:
    """eth-tester's forms: the raw bytes, their repr, and web3's "execution reverted: b'...'" rewrap."""
    data = _not_buyer(env)
    for exc in (
        TransactionFailed(data),
        TransactionFailed(repr(data)),
        TransactionFailed(f"execution reverted: {data!r}"),
    ):
        assert revert_data(exc) == data
        with env.expect_revert("CatalogNotBuyer", 3, 4, env.other):
            raise exc


def test_enum_arguments_compare_as_ints(env: CatalogEnv) -> None:
    pid = env.list_product(escrow_window=0)
    env.buy(pid)
    with env.expect_revert("CatalogWrongOrderState", pid, 1, 4):
        env.send(env.catalog.functions.confirm(pid, 1), env.buyer)
    with env.expect_revert("CatalogWrongOrderState", pid, 1, State.COMPLETED):
        env.send(env.catalog.functions.confirm(pid, 1), env.buyer)


def test_unknown_selector_and_missing_data_fail(env: CatalogEnv) -> None:
    with pytest.raises(AssertionError, match="UnknownRevert"), env.expect_revert("CatalogUnknownProduct", 0):
        raise TransactionFailed(b"\xde\xad\xbe\xef" + bytes(32))
    with pytest.raises(AssertionError, match="without data"), env.expect_revert("CatalogUnknownProduct", 0):
        raise TransactionFailed("execution reverted: out of gas")


def test_other_exceptions_pass_through(env: CatalogEnv) -> None:
    with pytest.raises(KeyError), env.expect_revert("CatalogUnknownProduct", 0):
        raise KeyError("not a revert")
