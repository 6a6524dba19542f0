"""Nonces per (chain, account) across threads and processes: with one key, every sender gets its own
nonce, and every purchase is placed exactly once."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from dapp.transactions.journal import JournalEntry, TxState
from dapp.transactions.nonces import NonceManager
from tests.support.rpc_proxy import Fault, FlakyRpcProxy
from tests.transactions.conftest import KeyedChain, Shop, StartAnvil, key, make_pipeline, open_shop, send, transact

pytestmark = pytest.mark.anvil


def test_four_threads_sharing_one_sender(chain: KeyedChain, shop: Shop, tmp_path: Path) -> None:
    buyer = key(1)
    chain.fund(buyer.address)
    sender = make_pipeline(chain.url, buyer, tmp_path)
    errors: list[BaseException] = []

    def buy_five() -> None:
        try:
            for _ in range(5):
                assert transact(sender, shop.buy())["status"] == 1
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=buy_five) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert sorted(e.nonce for e in sender.journal.entries()) == list(range(20))
    assert shop.orders_by(buyer.address) == 20


def test_two_processes_with_one_key(chain: KeyedChain, shop: Shop, tmp_path: Path) -> None:
    buyer = key(1)
    chain.fund(buyer.address)
    script = textwrap.dedent(
        f"""
        from pathlib import Path
        from tests.transactions.conftest import key, make_pipeline, transact
        from dapp.transactions import TxRequest
        request = {shop.buy()!r}
        sender = make_pipeline({chain.url!r}, key(1), Path({str(tmp_path)!r}))
        for _ in range(8):
            assert transact(sender, request)["status"] == 1
        """
    )
    procs = [subprocess.Popen([sys.executable, "-c", script], stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [(p.wait(timeout=120), p.communicate()[1]) for p in procs]
    assert results == [(0, ""), (0, "")]
    assert shop.orders_by(buyer.address) == 16
    assert chain.nonce(buyer.address) == 16


def _journalled(nonce: int, tx_hash: str, state: TxState = TxState.SENT) -> JournalEntry:
    return JournalEntry(
        hash=tx_hash, chain_id=31337, sender=key(1).address, nonce=nonce, to=None, value=0, data="0x",
        gas=21_000, max_fee=1, priority_fee=1, gas_price=None, label="", raw=None, state=state,
    )  # fmt: skip


def test_a_journalled_transaction_the_node_lost_frees_its_nonce(chain: KeyedChain, tmp_path: Path) -> None:
    """The journal says nonce 0 is in flight; the node has never heard of it: nonce 0 is handed out again
    (a gap would strand every later transaction), and the entry is marked dropped."""
    sender = make_pipeline(chain.url, key(1), tmp_path)
    lost = sender.journal.record(_journalled(0, "0x" + "ab" * 32))
    with NonceManager(sender.w3, sender.journal).reserve() as nonce:
        assert nonce == 0
    dropped = sender.journal.get(lost.hash)
    assert dropped is not None and dropped.state is TxState.DROPPED


def test_a_pending_transaction_a_lagging_node_does_not_count_keeps_its_nonce(
    start_anvil: StartAnvil, tmp_path: Path
) -> None:
    """A load-balanced RPC: the backend answering eth_getTransactionCount has not seen our pending
    transaction yet. The journal has it and the node finds it by hash, so its nonce is not handed out again
    (which would replace our own purchase)."""
    chain = start_anvil(None, True)
    shop = open_shop(chain)
    buyer = key(1)
    chain.fund(buyer.address)
    with FlakyRpcProxy(chain.url) as proxy:
        sender = make_pipeline(proxy.url, buyer, tmp_path)
        first = send(sender, shop.buy())
        proxy.fail("eth_getTransactionCount", Fault.CANNED_RESULT, on=1, result="0x0")
        second = send(sender, shop.buy())
        assert (first.nonce, second.nonce) == (0, 1)
        chain.mine()
        assert [sender.wait(e)["status"] for e in (first, second)] == [1, 1]
    assert shop.orders_by(buyer.address) == 2


def test_a_mined_transaction_a_lagging_node_does_not_count_costs_one_refusal_not_a_duplicate(
    chain: KeyedChain, shop: Shop, proxy: FlakyRpcProxy, tmp_path: Path
) -> None:
    """Mined transactions are not consulted (a restarted dev chain reuses the chain id, and trusting old
    entries would leave a nonce gap): the stale nonce is refused as 'nonce too low', certainly not sent,
    and signed again with the next one."""
    buyer = key(1)
    chain.fund(buyer.address)
    sender = make_pipeline(proxy.url, buyer, tmp_path)
    transact(sender, shop.buy())
    proxy.fail("eth_getTransactionCount", Fault.CANNED_RESULT, on=1, result="0x0")
    receipt = transact(sender, shop.buy())
    assert [(e.nonce, e.state) for e in sender.journal.entries()] == [
        (0, TxState.MINED), (0, TxState.NOT_SENT), (1, TxState.MINED)
    ]  # fmt: skip
    assert receipt["status"] == 1 and shop.orders_by(buyer.address) == 2
