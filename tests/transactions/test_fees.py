"""Fee defaults with headroom and the user's overrides, read from a real anvil in one call."""

from __future__ import annotations

import pytest

from dapp.exceptions import DappValueError, FeeTooLowError
from dapp.transactions.fees import MIN_TIP, FeeOverrides, Fees, replacement_fees, suggest_fees
from tests.support.rpc_proxy import Fault, FlakyRpcProxy
from tests.transactions.conftest import KeyedChain, rpc_web3

pytestmark = pytest.mark.anvil
GWEI = 10**9


def test_defaults_double_the_next_base_fee_in_one_call(chain: KeyedChain, proxy: FlakyRpcProxy) -> None:
    chain.rpc("anvil_setNextBlockBaseFeePerGas", hex(7 * GWEI))
    chain.mine()  # this block's base fee is 7 gwei; it is empty, so the next one is 7 x 7/8
    fees = suggest_fees(rpc_web3(proxy.url))
    assert proxy.calls == ["eth_feeHistory"]
    next_base = 7 * GWEI * 7 // 8
    assert fees == Fees(max_fee=2 * next_base + MIN_TIP, priority_fee=MIN_TIP, base_fee=next_base)
    assert fees.params() == {"maxFeePerGas": 2 * next_base + MIN_TIP, "maxPriorityFeePerGas": MIN_TIP}


def test_user_overrides_win(chain: KeyedChain) -> None:
    w3 = rpc_web3(chain.url)
    base = suggest_fees(w3).base_fee
    assert base is not None
    assert suggest_fees(w3, FeeOverrides(priority_fee=3 * GWEI)) == Fees(2 * base + 3 * GWEI, 3 * GWEI, None, base)
    assert suggest_fees(w3, FeeOverrides(max_fee=5 * GWEI, priority_fee=2 * GWEI)).max_fee == 5 * GWEI
    with pytest.raises(FeeTooLowError, match=r"^--max-fee 0\.1 gwei is below the next block's base fee"):
        suggest_fees(w3, FeeOverrides(max_fee=GWEI // 10))


def test_bad_overrides_are_refused_before_any_call() -> None:
    with pytest.raises(DappValueError, match="priority fee 5 is above max fee 4"):
        FeeOverrides(max_fee=4, priority_fee=5)
    with pytest.raises(DappValueError, match="gas limit 100 is below 21000"):
        FeeOverrides(gas_limit=100)
    with pytest.raises(DappValueError, match="max fee must be a non-negative integer"):
        FeeOverrides(max_fee=-1)


def test_a_chain_without_fee_history_gets_a_gas_price(chain: KeyedChain, proxy: FlakyRpcProxy) -> None:
    proxy.fail("eth_feeHistory", Fault.METHOD_NOT_FOUND)
    fees = suggest_fees(rpc_web3(proxy.url))
    assert not fees.dynamic and fees.gas_price == chain.w3.eth.gas_price
    assert fees.params() == {"gasPrice": fees.gas_price}


def test_a_replacement_outbids_by_an_eighth_at_least() -> None:
    old = Fees(max_fee=100 * GWEI, priority_fee=2 * GWEI)
    assert replacement_fees(old, Fees(max_fee=10 * GWEI, priority_fee=GWEI)) == Fees(
        max_fee=112_500_000_000, priority_fee=2_250_000_000
    )
    # Today's defaults win when they are higher (the base fee rose since):
    assert replacement_fees(old, Fees(max_fee=300 * GWEI, priority_fee=GWEI, base_fee=149 * GWEI)) == Fees(
        max_fee=300 * GWEI, priority_fee=2_250_000_000, base_fee=149 * GWEI
    )
    assert replacement_fees(Fees(gas_price=9), Fees(gas_price=1)) == Fees(gas_price=11)  # rounded up
