"""Waiting for receipts on real anvils: polls paced to the block time, a dropped or replaced transaction
named as soon as the node shows it, a base-fee spike within the fee headroom survived, 429s waited out."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from dapp._utils.process import wait_until
from dapp.exceptions import ReceiptTimeout, TransactionDroppedError, TransactionReplacedError
from dapp.transactions import TxRequest
from dapp.transactions.journal import TxState
from dapp.transactions.receipts import Pacer, WaitTarget, block_time, wait_for_receipt
from tests.support.rpc_proxy import Fault, FlakyRpcProxy
from tests.transactions.conftest import (
    KeyedChain,
    Shop,
    StartAnvil,
    key,
    make_pipeline,
    rpc_web3,
    send,
    transact,
)

pytestmark = pytest.mark.anvil


def _mine_after_first_poll(proxy: FlakyRpcProxy, chain: KeyedChain) -> None:
    assert wait_until(lambda: proxy.count("eth_getTransactionReceipt") >= 1, timeout=60)
    chain.rpc("evm_setIntervalMining", 1)


def test_polls_are_paced_to_the_block_time(start_anvil: StartAnvil, tmp_path: Path) -> None:
    chain = start_anvil(1)
    buyer = key(1)
    chain.fund(buyer.address)
    while chain.w3.eth.block_number < 3:  # three interval-mined blocks to measure
        time.sleep(0.05)
    with FlakyRpcProxy(chain.url) as proxy:
        w3 = rpc_web3(proxy.url)
        assert block_time(w3) == pytest.approx(1.0, abs=0.35)
        sender = make_pipeline(proxy.url, buyer, tmp_path, poll_interval=None)
        # Nothing is mined between the send and the wait's first poll, however slow the machine: mining
        # resumes (a block a second) once that poll has found no receipt.
        chain.rpc("evm_setIntervalMining", 0)
        entry = send(sender, TxRequest("transfer", buyer.address, b"", 1), gas=21_000)
        proxy.reset_counts()
        resume = threading.Thread(target=_mine_after_first_poll, args=(proxy, chain))
        resume.start()
        sender.wait(entry)
        resume.join()
        # One poll at once, two headers to learn the pace, then a poll every half block: a block is at
        # most 1 s away, so at most 1 + 2 + 1 s / 0.5 s (+1 for scheduling) polls. Before: 20 a second.
        assert proxy.count("eth_getBlockByNumber") == 2
        assert proxy.count("eth_getTransactionReceipt") <= 4


@pytest.mark.reliability("fault")
def test_a_dropped_transaction_is_named_not_waited_for(manual: KeyedChain, manual_shop: Shop, tmp_path: Path) -> None:
    buyer = key(1)
    sender = make_pipeline(manual.url, buyer, tmp_path, timeout=60)
    entry = send(sender, manual_shop.buy())
    manual.rpc("anvil_dropTransaction", entry.hash)
    with pytest.raises(TransactionDroppedError) as raised:
        sender.wait(entry)
    assert str(raised.value) == (
        "dropped by the node (not in the pool, not mined, nonce 0 still free): nothing was spent, sending again "
        f"is safe; `dapp tx status {entry.hash}` asks the node again (tx {entry.hash})"
    )
    assert raised.value.tx_hash == entry.hash
    saved = sender.journal.get(entry.hash)
    assert saved is not None and saved.state is TxState.DROPPED


@pytest.mark.reliability("fault")
def test_a_transaction_dropped_while_waiting_is_named_at_the_timeout(
    manual: KeyedChain, manual_shop: Shop, tmp_path: Path
) -> None:
    """The node drops the purchase during the first pause between polls; the wait gives up at its timeout
    (1 s on a clock the test drives, before any presence check) and says dropped, with the hash."""
    buyer = key(1)
    entry = send(make_pipeline(manual.url, buyer, tmp_path), manual_shop.buy())
    now = [0.0]

    def pause(seconds: float) -> None:
        if now[0] == 0.0:
            manual.rpc("anvil_dropTransaction", entry.hash)
        now[0] += seconds

    w3 = rpc_web3(manual.url)
    target = WaitTarget(entry.hash, buyer.address, entry.nonce)
    with pytest.raises(TransactionDroppedError) as raised:
        wait_for_receipt(w3, target, timeout=1.0, pacer=Pacer(w3, 0.5), clock=lambda: now[0], sleep=pause)
    assert now[0] == 1.0  # two pauses of half a second: it waited out the timeout, no longer
    assert raised.value.tx_hash == entry.hash and entry.hash in str(raised.value)
    assert "nonce 0 still free" in str(raised.value)
    manual.mine()
    assert manual_shop.orders_by(buyer.address) == 0


def test_a_base_fee_rise_within_the_headroom_does_not_strand_the_purchase(
    manual: KeyedChain, manual_shop: Shop, tmp_path: Path
) -> None:
    buyer = key(1)
    sender = make_pipeline(manual.url, buyer, tmp_path)
    entry = send(sender, manual_shop.buy())
    assert entry.max_fee is not None
    manual.rpc("anvil_setNextBlockBaseFeePerGas", hex(entry.max_fee * 9 // 10))  # ~1.8x the base fee
    manual.mine()
    assert sender.wait(entry)["status"] == 1
    assert manual_shop.orders_by(buyer.address) == 1


def test_a_base_fee_spike_beyond_the_headroom_is_named_dropped(
    manual: KeyedChain, manual_shop: Shop, tmp_path: Path
) -> None:
    """The issue's case: anvil drops a transaction the base fee has outgrown; the client kept polling
    for 120 s. Now it says so at the first check."""
    buyer = key(1)
    sender = make_pipeline(manual.url, buyer, tmp_path, timeout=60)
    entry = send(sender, manual_shop.buy())
    assert entry.max_fee is not None
    manual.rpc("anvil_setNextBlockBaseFeePerGas", hex(entry.max_fee * 3 // 2))  # ~3x the base fee
    manual.mine()
    with pytest.raises(TransactionDroppedError, match="nonce 0 still free"):
        sender.wait(entry)
    assert manual_shop.orders_by(buyer.address) == 0


def test_a_transaction_replaced_by_another_wallet_is_named(
    manual: KeyedChain, manual_shop: Shop, tmp_path: Path
) -> None:
    buyer = key(1)
    sender = make_pipeline(manual.url, buyer, tmp_path, timeout=60)
    entry = send(sender, manual_shop.buy())
    assert entry.max_fee is not None
    other = buyer.sign_transaction(
        {"to": buyer.address, "value": 0, "gas": 21_000, "maxFeePerGas": entry.max_fee * 2,
         "maxPriorityFeePerGas": entry.max_fee, "nonce": 0, "chainId": 31337}
    )  # fmt: skip
    manual.w3.eth.send_raw_transaction(other.raw_transaction)
    with pytest.raises(TransactionReplacedError, match="another transaction with nonce 0 is pending"):
        sender.wait(entry)
    manual.mine()
    with pytest.raises(TransactionReplacedError, match="nonce 0 was used by another mined transaction"):
        sender.wait(entry)
    saved = sender.journal.get(entry.hash)
    assert saved is not None and saved.state is TxState.REPLACED


def test_a_timeout_says_still_pending_and_what_to_do(manual: KeyedChain, manual_shop: Shop, tmp_path: Path) -> None:
    buyer = key(1)
    sender = make_pipeline(manual.url, buyer, tmp_path, timeout=0.3)
    entry = send(sender, manual_shop.buy())
    with pytest.raises(ReceiptTimeout) as raised:
        sender.wait(entry)
    assert str(raised.value) == (
        f"no receipt within 0.3 s; still pending (pending in the node's pool): `dapp tx wait {entry.hash}` keeps "
        f"waiting, `dapp tx speedup {entry.hash}` outbids it (tx {entry.hash})"
    )
    saved = sender.journal.get(entry.hash)
    assert saved is not None and saved.state.in_flight  # still open: not failed
    manual.mine()
    assert sender.wait(entry)["status"] == 1  # `dapp tx wait` later


def test_429_on_receipt_polls_is_waited_out(
    chain: KeyedChain, shop: Shop, proxy: FlakyRpcProxy, tmp_path: Path
) -> None:
    """The issue's case: a 429 on every receipt poll ended in a traceback with no hash."""
    buyer = key(1)
    chain.fund(buyer.address)
    waits: list[float] = []
    sender = make_pipeline(proxy.url, buyer, tmp_path, sleep=waits.append)
    proxy.fail("eth_getTransactionReceipt", Fault.RATE_LIMIT, on=range(1, 6), retry_after="2")
    assert transact(sender, shop.buy())["status"] == 1
    assert waits == [2.0] * 5
    assert shop.orders_by(buyer.address) == 1


def test_wait_for_receipt_of_a_mined_transaction_asks_once(chain: KeyedChain, shop: Shop, tmp_path: Path) -> None:
    buyer = key(1)
    chain.fund(buyer.address)
    receipt = transact(make_pipeline(chain.url, buyer, tmp_path), shop.buy())
    with FlakyRpcProxy(chain.url) as proxy:
        tx_hash = "0x" + bytes(receipt["transactionHash"]).hex()
        again = wait_for_receipt(rpc_web3(proxy.url), WaitTarget(tx_hash, buyer.address, 0), timeout=5)
        assert again["blockNumber"] == receipt["blockNumber"]
        assert proxy.calls == ["eth_getTransactionReceipt"]
