"""The transaction pipeline on a real anvil with keys only: the hash comes first, a send that fails in transit is
settled by asking the node, a refusal is named, and nothing is ever sent twice."""

from __future__ import annotations

from pathlib import Path

import pytest

from dapp.exceptions import (
    FeeTooLowError,
    InsufficientFundsError,
    NonceTakenError,
    SendUnconfirmedError,
)
from dapp.nodes import AnvilNode
from dapp.transactions import Simulated, TransactionPipeline, TxEvent, TxEventKind, TxRequest
from dapp.transactions.fees import FeeOverrides
from dapp.transactions.journal import TxState
from dapp.transactions.replace import replace_transaction
from tests.support.rpc_proxy import Fault, FlakyRpcProxy
from tests.transactions.conftest import PRICE, KeyedChain, Shop, key, make_pipeline, rpc_web3, send, transact

pytestmark = pytest.mark.anvil


def test_a_purchase_with_a_key_on_a_node_without_accounts(chain: KeyedChain, shop: Shop, tmp_path: Path) -> None:
    buyer = key(1)
    chain.fund(buyer.address)
    events: list[TxEvent] = []
    sender = make_pipeline(chain.url, buyer, tmp_path)
    sender.on_event = events.append
    receipt = transact(sender, shop.buy(2))
    assert receipt["status"] == 1
    tx_hash = "0x" + bytes(receipt["transactionHash"]).hex()
    assert [(e.kind, e.tx_hash) for e in events] == [
        (TxEventKind.SIGNED, tx_hash),
        (TxEventKind.SENT, tx_hash),
        (TxEventKind.MINED, tx_hash),
    ]
    (entry,) = sender.journal.entries()
    assert (entry.hash, entry.state, entry.nonce, entry.value, entry.block) == (
        tx_hash, TxState.MINED, 0, 2 * PRICE, receipt["blockNumber"]
    )  # fmt: skip
    assert shop.orders_by(buyer.address) == 1


def test_the_hash_is_journalled_before_the_send(chain: KeyedChain, shop: Shop, tmp_path: Path) -> None:
    """At the moment the hash is announced, the journal already holds it and the node does not."""
    buyer = key(1)
    chain.fund(buyer.address)
    sender = make_pipeline(chain.url, buyer, tmp_path)
    seen: list[tuple[TxState, int]] = []

    def on_event(event: TxEvent) -> None:
        if event.kind is TxEventKind.SIGNED:
            entry = sender.journal.get(event.tx_hash)
            assert entry is not None
            seen.append((entry.state, chain.nonce(buyer.address, "pending")))

    sender.on_event = on_event
    transact(sender, shop.buy())
    assert seen == [(TxState.SIGNED, 0)]


@pytest.mark.parametrize("fault", [Fault.ERROR_AFTER_FORWARD, Fault.DROP_AFTER_FORWARD, Fault.MALFORMED_AFTER_FORWARD])
def test_a_send_that_reached_the_node_is_reported_sent_once(
    chain: KeyedChain, shop: Shop, proxy: FlakyRpcProxy, tmp_path: Path, fault: Fault
) -> None:
    buyer = key(1)
    chain.fund(buyer.address)
    proxy.fail("eth_sendRawTransaction", fault, on=1)
    receipt = transact(make_pipeline(proxy.url, buyer, tmp_path), shop.buy())
    assert receipt["status"] == 1
    assert proxy.count("eth_sendRawTransaction") == 1  # found by hash: not even re-sent
    assert shop.orders_by(buyer.address) == 1
    assert chain.nonce(buyer.address) == 1


def test_a_send_lost_before_the_node_is_sent_again_with_the_same_bytes(
    chain: KeyedChain, shop: Shop, proxy: FlakyRpcProxy, tmp_path: Path
) -> None:
    buyer = key(1)
    chain.fund(buyer.address)
    proxy.fail("eth_sendRawTransaction", Fault.DROP_BEFORE_FORWARD, on=1)
    sender = make_pipeline(proxy.url, buyer, tmp_path)
    receipt = transact(sender, shop.buy())
    assert proxy.count("eth_sendRawTransaction") == 2
    (entry,) = sender.journal.entries()
    assert entry.hash == "0x" + bytes(receipt["transactionHash"]).hex()
    assert shop.orders_by(buyer.address) == 1


def test_nonce_too_low_from_our_own_first_attempt_is_success(
    chain: KeyedChain, shop: Shop, proxy: FlakyRpcProxy, tmp_path: Path
) -> None:
    """The issue's case: the first send was mined but answered 500, and a retry hears 'nonce too low'.
    Here the lookup by hash is made to fail once, so the retry really happens."""
    buyer = key(1)
    chain.fund(buyer.address)
    proxy.fail("eth_sendRawTransaction", Fault.ERROR_AFTER_FORWARD, on=1)
    proxy.fail("eth_getTransactionByHash", Fault.METHOD_NOT_FOUND, on=1)
    receipt = transact(make_pipeline(proxy.url, buyer, tmp_path), shop.buy())
    assert receipt["status"] == 1
    assert proxy.count("eth_sendRawTransaction") == 2  # the second one heard "nonce too low"
    assert shop.orders_by(buyer.address) == 1


def test_when_the_node_cannot_be_asked_the_hash_is_kept_not_failed(
    chain: KeyedChain, shop: Shop, proxy: FlakyRpcProxy, tmp_path: Path
) -> None:
    buyer = key(1)
    chain.fund(buyer.address)
    proxy.fail("eth_sendRawTransaction", Fault.ERROR_AFTER_FORWARD)
    proxy.fail("eth_getTransactionByHash", Fault.ERROR_AFTER_FORWARD)
    sender = make_pipeline(proxy.url, buyer, tmp_path, read_attempts=2)
    events: list[TxEvent] = []
    sender.on_event = events.append
    with pytest.raises(SendUnconfirmedError) as raised:
        send(sender, shop.buy())
    (entry,) = sender.journal.entries()
    assert raised.value.tx_hash == entry.hash == events[0].tx_hash
    assert entry.state is TxState.SIGNED  # still open: not "failed"
    assert f"`dapp tx status {entry.hash}`" in str(raised.value)
    assert shop.orders_by(buyer.address) == 1  # it was in fact mined


def test_insufficient_funds_is_named_and_nothing_is_sent(chain: KeyedChain, shop: Shop, tmp_path: Path) -> None:
    buyer = key(1)
    chain.fund(buyer.address, PRICE // 2)  # not even the price: the simulation says so, nothing is signed
    sender = make_pipeline(chain.url, buyer, tmp_path)
    with pytest.raises(InsufficientFundsError) as raised:
        send(sender, shop.buy())
    assert "\n" not in str(raised.value)
    assert sender.journal.entries() == []
    chain.fund(buyer.address, PRICE)  # the price but not the gas: the node refuses the signed transaction
    with pytest.raises(InsufficientFundsError, match=r"^insufficient funds for value \+ gas limit x max fee"):
        send(sender, shop.buy())
    (entry,) = sender.journal.entries()
    assert entry.state is TxState.NOT_SENT
    assert chain.nonce(buyer.address, "pending") == 0


def test_a_max_fee_below_the_base_fee_is_named(chain: KeyedChain, shop: Shop, tmp_path: Path) -> None:
    buyer = key(1)
    chain.fund(buyer.address)
    sender = make_pipeline(chain.url, buyer, tmp_path, fees=FeeOverrides(max_fee=chain.base_fee() // 4))
    with pytest.raises(FeeTooLowError, match=r"^--max-fee .* gwei is below the next block's base fee .* gwei"):
        send(sender, shop.buy())
    assert sender.journal.entries() == []  # refused before signing


def test_a_nonce_taken_by_another_wallet_is_signed_again(
    chain: KeyedChain, shop: Shop, proxy: FlakyRpcProxy, tmp_path: Path
) -> None:
    """Another wallet with the same key uses nonce 0 between our nonce read and our send: ours is refused
    ('nonce too low'), certainly not sent, so it is signed again with nonce 1."""
    buyer = key(1)
    chain.fund(buyer.address)
    other = buyer.sign_transaction(
        {"to": buyer.address, "value": 0, "gas": 21_000, "maxFeePerGas": 10**10, "maxPriorityFeePerGas": 1,
         "nonce": 0, "chainId": 31337}
    )  # fmt: skip
    sender = make_pipeline(proxy.url, buyer, tmp_path)

    def other_wallet_sends_first(event: TxEvent) -> None:
        if event.kind is TxEventKind.SIGNED and event.nonce == 0:
            chain.w3.eth.send_raw_transaction(other.raw_transaction)

    sender.on_event = other_wallet_sends_first
    receipt = transact(sender, shop.buy())
    entries = sender.journal.entries()
    assert [(e.nonce, e.state) for e in entries] == [(0, TxState.NOT_SENT), (1, TxState.MINED)]
    assert "nonce 0 is already used by another transaction" in entries[0].note
    assert receipt["status"] == 1 and shop.orders_by(buyer.address) == 1


def test_nonce_taken_every_time_gives_up_with_a_named_error(chain: KeyedChain, shop: Shop, tmp_path: Path) -> None:
    buyer = key(1)
    chain.fund(buyer.address)
    sender = make_pipeline(chain.url, buyer, tmp_path)

    def always_first(event: TxEvent) -> None:
        if event.kind is TxEventKind.SIGNED:
            other = buyer.sign_transaction(
                {"to": buyer.address, "value": 0, "gas": 21_000, "maxFeePerGas": 10**10,
                 "maxPriorityFeePerGas": 1, "nonce": event.nonce, "chainId": 31337}
            )  # fmt: skip
            chain.w3.eth.send_raw_transaction(other.raw_transaction)

    sender.on_event = always_first
    with pytest.raises(NonceTakenError):
        send(sender, shop.buy())
    assert shop.orders_by(buyer.address) == 0


def test_a_dev_accounts_send_lost_in_transit_is_unconfirmed_never_failed(tmp_path: Path) -> None:
    """A dev node's unlocked account: the node numbers, prices and signs (as fast as web3.py's transact),
    so a lost answer has no hash to look up. It is reported unconfirmed, and never sent twice."""
    with AnvilNode() as node, FlakyRpcProxy(node.url) as proxy:
        w3 = rpc_web3(proxy.url)
        buyer = str(w3.eth.accounts[1])
        sender = TransactionPipeline(w3, buyer, journal_root=tmp_path, poll_interval=0.05)
        proxy.fail("eth_sendTransaction", Fault.ERROR_AFTER_FORWARD, on=1)
        with pytest.raises(SendUnconfirmedError, match=r"its answer was lost .* before sending again"):
            sender.send(Simulated(TxRequest("transfer", buyer, b"", 1), buyer, 21_000))
        assert proxy.count("eth_sendTransaction") == 1
        assert w3.eth.get_transaction_count(buyer, "pending") == 1  # type: ignore[arg-type]
        assert proxy.calls.count("eth_getTransactionCount") == 1  # ours, just now: the send asked no nonce


@pytest.mark.parametrize("fault", [Fault.ERROR_AFTER_FORWARD, Fault.DROP_BEFORE_FORWARD])
def test_a_dev_accounts_speedup_lost_in_transit_is_found_by_its_hash(tmp_path: Path, fault: Fault) -> None:
    """A speedup of a dev account's transaction pins nonce and fees; when the node's answer is lost, it is
    asked to sign the identical transaction (eth_signTransaction, deterministic): same hash, looked up."""
    with AnvilNode(extra_args=["--no-mining"]) as node, FlakyRpcProxy(node.url) as proxy:
        w3 = rpc_web3(proxy.url)
        buyer = str(w3.eth.accounts[1])
        sender = TransactionPipeline(w3, buyer, journal_root=tmp_path, poll_interval=0.05)
        first = sender.send(Simulated(TxRequest("transfer", buyer, b"", 1), buyer, 21_000))
        proxy.fail("eth_sendTransaction", fault, on=1)
        faster = replace_transaction(sender, first.hash)
        assert faster.nonce == 0 and proxy.count("eth_signTransaction") == 1
        w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]
        receipt = sender.wait(faster)
        assert "0x" + bytes(receipt["transactionHash"]).hex() == faster.hash
        assert w3.eth.get_transaction_count(buyer) == 1  # type: ignore[arg-type]
