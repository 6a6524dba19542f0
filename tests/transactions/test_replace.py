"""Speedup and cancel on a real anvil: the same nonce with higher fees, one of the two mined, never both."""

from __future__ import annotations

from pathlib import Path

import pytest

from dapp.exceptions import FeeTooLowError, TransactionError
from dapp.transactions.fees import FeeOverrides
from dapp.transactions.journal import TxState
from dapp.transactions.replace import replace_transaction
from tests.transactions.conftest import (
    BUY_GAS,
    KeyedChain,
    Shop,
    key,
    make_pipeline,
    send,
    transact,
)

pytestmark = pytest.mark.anvil


def test_speedup_replaces_and_the_purchase_happens_once(manual: KeyedChain, manual_shop: Shop, tmp_path: Path) -> None:
    sender = make_pipeline(manual.url, key(1), tmp_path)
    original = send(sender, manual_shop.buy())
    faster = replace_transaction(sender, original.hash)
    assert (faster.nonce, faster.to, faster.data, faster.value) == (0, original.to, original.data, original.value)
    assert original.max_fee is not None and original.priority_fee is not None
    assert faster.max_fee is not None and faster.priority_fee is not None
    assert faster.max_fee >= original.max_fee * 9 / 8 and faster.priority_fee >= original.priority_fee * 9 / 8
    manual.mine()
    assert sender.wait(faster)["status"] == 1
    states = {e.hash: e.state for e in sender.journal.entries()}
    assert states == {original.hash: TxState.REPLACED, faster.hash: TxState.MINED}
    assert manual_shop.orders_by(key(1).address) == 1


def test_waiting_on_the_original_returns_the_speedups_receipt(
    manual: KeyedChain, manual_shop: Shop, tmp_path: Path
) -> None:
    sender = make_pipeline(manual.url, key(1), tmp_path)
    original = send(sender, manual_shop.buy())
    faster = replace_transaction(sender, original.hash)
    manual.mine()
    receipt = sender.wait(original)
    assert "0x" + bytes(receipt["transactionHash"]).hex() == faster.hash


def test_cancel_sends_nothing_to_the_shop(manual: KeyedChain, manual_shop: Shop, tmp_path: Path) -> None:
    sender = make_pipeline(manual.url, key(1), tmp_path)
    original = send(sender, manual_shop.buy())
    cancel = replace_transaction(sender, original.hash, cancel=True)
    assert (cancel.to, cancel.value, cancel.data, cancel.gas) == (key(1).address, 0, "0x", 21_000)
    manual.mine()
    assert sender.wait(cancel)["status"] == 1
    assert manual_shop.orders_by(key(1).address) == 0
    saved = sender.journal.get(original.hash)
    assert saved is not None and saved.state is TxState.REPLACED


def test_a_dropped_transaction_can_be_sped_up(manual: KeyedChain, manual_shop: Shop, tmp_path: Path) -> None:
    sender = make_pipeline(manual.url, key(1), tmp_path)
    original = send(sender, manual_shop.buy())
    manual.rpc("anvil_dropTransaction", original.hash)
    again = replace_transaction(sender, original.hash)
    manual.mine()
    assert sender.wait(again)["status"] == 1
    assert manual_shop.orders_by(key(1).address) == 1


def test_the_users_fees_must_outbid_and_are_checked_before_sending(
    manual: KeyedChain, manual_shop: Shop, tmp_path: Path
) -> None:
    sender = make_pipeline(manual.url, key(1), tmp_path)
    original = send(sender, manual_shop.buy())
    assert original.max_fee is not None
    with pytest.raises(FeeTooLowError, match=r"a replacement must raise both fees by 12\.5%"):
        replace_transaction(sender, original.hash, overrides=FeeOverrides(max_fee=original.max_fee + 1))
    assert len(sender.journal.entries()) == 1
    chosen = replace_transaction(
        sender, original.hash, overrides=FeeOverrides(max_fee=original.max_fee * 3, priority_fee=original.max_fee)
    )
    assert (chosen.max_fee, chosen.priority_fee) == (original.max_fee * 3, original.max_fee)


def test_a_mined_transaction_cannot_be_replaced(chain: KeyedChain, shop: Shop, tmp_path: Path) -> None:
    chain.fund(key(1).address)
    sender = make_pipeline(chain.url, key(1), tmp_path)
    receipt = transact(sender, shop.buy())
    tx_hash = "0x" + bytes(receipt["transactionHash"]).hex()
    with pytest.raises(TransactionError, match=f"already mined in block {receipt['blockNumber']}"):
        replace_transaction(sender, tx_hash)


def test_a_transaction_sent_by_another_tool_is_read_from_the_node(
    manual: KeyedChain, manual_shop: Shop, tmp_path: Path
) -> None:
    buyer = key(1)
    request = manual_shop.buy()
    signed = buyer.sign_transaction(
        {"to": request.to, "data": request.data, "value": request.value, "gas": BUY_GAS,
         "maxFeePerGas": 10**10, "maxPriorityFeePerGas": 10**9, "nonce": 0, "chainId": 31337}
    )  # fmt: skip
    manual.w3.eth.send_raw_transaction(signed.raw_transaction)
    sender = make_pipeline(manual.url, buyer, tmp_path)
    faster = replace_transaction(sender, "0x" + bytes(signed.hash).hex())
    assert (faster.nonce, faster.max_fee, faster.priority_fee) == (0, 11_250_000_000, 1_125_000_000)
    manual.mine()
    assert sender.wait(faster)["status"] == 1
    assert manual_shop.orders_by(buyer.address) == 1
