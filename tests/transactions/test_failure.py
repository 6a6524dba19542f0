"""A mined failure is named from the transaction's own execution: the loser of a race for the last unit
gets CatalogInsufficientStock (the block - 1 replay said "out of gas or reverted"), out of gas is named,
and a node without the debug API says the reason is not available instead of guessing."""

from __future__ import annotations

from pathlib import Path

import pytest
from web3 import Web3

from dapp._utils.revert import ErrorDecoder
from dapp.exceptions import ContractRevert, OutOfGasError, TransactionFailedError
from dapp.nodes import GanacheNode
from dapp.transactions import TransactionPipeline
from dapp.transactions.fees import FeeOverrides
from dapp.transactions.journal import TxState
from dapp.types import ORDER_STATE_ENUMS
from tests.support.rpc_proxy import Fault, FlakyRpcProxy
from tests.transactions.conftest import (
    BUY_GAS,
    PRICE,
    KeyedChain,
    StartAnvil,
    key,
    make_pipeline,
    open_shop,
    open_shop_unlocked,
    rpc_web3,
    send,
    transact,
)

pytestmark = pytest.mark.anvil


def test_two_buyers_race_for_the_last_unit_in_one_block(start_anvil: StartAnvil, tmp_path: Path) -> None:
    chain = start_anvil(None, True)
    shop = open_shop(chain, stock=1)
    senders = []
    for index in (1, 2):
        chain.fund(key(index).address)
        senders.append(make_pipeline(chain.url, key(index), tmp_path))
    # Both simulate fine (one unit left) and are sent before the block that settles the race.
    entries = [send(sender, shop.buy(), gas=BUY_GAS) for sender in senders]
    chain.mine()
    outcomes: list[object] = []
    for sender, entry in zip(senders, entries, strict=True):
        try:
            outcomes.append(sender.wait(entry)["status"])
        except ContractRevert as exc:
            outcomes.append(exc)
    assert outcomes[0] == 1
    lost = outcomes[1]
    assert isinstance(lost, ContractRevert) and lost.name == "CatalogInsufficientStock"
    assert lost.args_by_name == {"productId": 1, "requested": 1, "available": 0}
    assert lost.tx_hash == entries[1].hash


def test_out_of_gas_is_named(chain: KeyedChain, tmp_path: Path) -> None:
    shop = open_shop(chain)
    chain.fund(key(1).address)
    sender = make_pipeline(chain.url, key(1), tmp_path, fees=FeeOverrides(gas_limit=30_000))  # --gas-limit
    with pytest.raises(OutOfGasError) as raised:
        transact(sender, shop.buy())
    assert str(raised.value).startswith("ran out of gas: it used its whole gas limit of 30000; raise --gas-limit")


def test_without_the_debug_api_the_reason_is_not_guessed(chain: KeyedChain, tmp_path: Path) -> None:
    shop = open_shop(chain)
    chain.fund(key(1).address)
    wrong_price = shop.buy(unit_price=PRICE + 1)  # reverts: CatalogPriceChanged
    with FlakyRpcProxy(chain.url) as proxy:
        proxy.fail("debug_traceTransaction", Fault.METHOD_NOT_FOUND)
        sender = make_pipeline(proxy.url, key(1), tmp_path)
        with pytest.raises(TransactionFailedError) as raised:
            sender.wait(send(sender, wrong_price, gas=BUY_GAS))  # sent without simulating: it reverts on chain
        assert str(raised.value).startswith(
            "the transaction reverted; the reason is not available from this node (it offers no debug_traceTransaction)"
        )
        with pytest.raises(OutOfGasError):  # a whole gas limit used needs no trace to be named
            sender.wait(send(sender, shop.buy(), gas=30_000))
    # The same transaction on a node that traces it is named:
    direct = make_pipeline(chain.url, key(1), tmp_path)
    with pytest.raises(ContractRevert) as named:
        direct.wait(send(direct, wrong_price, gas=BUY_GAS))
    assert named.value.name == "CatalogPriceChanged"


@pytest.mark.ganache
def test_a_revert_is_named_from_ganaches_trace_with_a_node_signed_account(tmp_path: Path) -> None:
    """Ganache answers debug_traceTransaction with struct logs whatever tracer is asked for; its unlocked
    accounts sign on the node (eth_sendTransaction)."""
    with GanacheNode() as node:
        w3 = Web3(Web3.HTTPProvider(node.url))
        seller, buyer = w3.eth.accounts[0], w3.eth.accounts[1]
        shop = open_shop_unlocked(w3, seller)
        errors = ErrorDecoder(shop.abi, enums=ORDER_STATE_ENUMS)
        sender = TransactionPipeline(rpc_web3(node.url), buyer, errors=errors, journal_root=tmp_path)
        wrong_price = shop.buy(unit_price=PRICE + 1)
        with pytest.raises(ContractRevert) as raised:
            sender.wait(send(sender, wrong_price, gas=BUY_GAS))
        assert raised.value.name == "CatalogPriceChanged"
        assert transact(sender, shop.buy())["status"] == 1
        # Numbered by the node (its unlocked account): the journal has each once, with its outcome.
        assert [(e.label, e.state, e.nonce) for e in sender.journal.entries()] == [
            ("buy", TxState.FAILED, None),
            ("buy", TxState.MINED, None),
        ]
