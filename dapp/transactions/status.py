"""Where a transaction is, asked of the node by hash: pending, mined, or gone (dropped or replaced).

"Gone" is told apart by the sender's nonce: if no transaction with our nonce was mined or is waiting in
the pool, the nonce is still free and the transaction was dropped (nothing spent, safe to send again);
if another transaction took the nonce, ours can never be mined (replaced).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from web3 import Web3
from web3.exceptions import TransactionNotFound
from web3.types import TxReceipt

from dapp.transactions.journal import JournalEntry, TxState


@dataclass(frozen=True)
class TxStatus:
    """What the node says about one transaction. `state` is SENT (pending), MINED, FAILED, DROPPED or
    REPLACED; `receipt` is set once mined."""

    tx_hash: str
    state: TxState
    receipt: TxReceipt | None = None
    detail: str = ""

    @property
    def block(self) -> int | None:
        return int(self.receipt["blockNumber"]) if self.receipt is not None else None


def find_transaction(w3: Web3, tx_hash: str) -> Any | None:
    """The transaction as the node knows it (pending or mined), or None."""
    try:
        return w3.eth.get_transaction(tx_hash)  # type: ignore[arg-type]
    except TransactionNotFound:
        return None


def find_receipt(w3: Web3, tx_hash: str) -> TxReceipt | None:
    try:
        return w3.eth.get_transaction_receipt(tx_hash)  # type: ignore[arg-type]
    except TransactionNotFound:
        return None


def mined(tx_hash: str, receipt: TxReceipt) -> TxStatus:
    state = TxState.MINED if receipt["status"] == 1 else TxState.FAILED
    return TxStatus(tx_hash, state, receipt, f"in block {receipt['blockNumber']}")


def transaction_status(w3: Web3, tx_hash: str, sender: str, nonce: int | None) -> TxStatus:
    """Pending, mined (with its receipt), dropped or replaced: 1 call when pending, 2 when mined, up to 4
    when the node no longer knows the hash. `nonce` None: the node numbered it and we never learnt how."""
    tx = find_transaction(w3, tx_hash)
    if tx is not None:
        if tx.get("blockNumber") is None:
            return TxStatus(tx_hash, TxState.SENT, None, "pending in the node's pool")
        receipt = find_receipt(w3, tx_hash)
        if receipt is not None:
            return mined(tx_hash, receipt)
        return TxStatus(tx_hash, TxState.SENT, None, f"in block {tx['blockNumber']}, receipt not yet served")
    return gone_status(w3, tx_hash, sender, nonce)


def gone_status(w3: Web3, tx_hash: str, sender: str, nonce: int | None) -> TxStatus:
    """The node does not know the hash: tell dropped (nonce free) from replaced (nonce taken)."""
    if nonce is None:
        receipt = find_receipt(w3, tx_hash)
        if receipt is not None:
            return mined(tx_hash, receipt)
        return TxStatus(tx_hash, TxState.DROPPED, None, "not in the pool, not mined")
    account = Web3.to_checksum_address(sender)
    if w3.eth.get_transaction_count(account, "latest") > nonce:
        # Some transaction with our nonce was mined. A node that indexes lazily may still find ours.
        receipt = find_receipt(w3, tx_hash)
        if receipt is not None:
            return mined(tx_hash, receipt)
        return TxStatus(tx_hash, TxState.REPLACED, None, f"nonce {nonce} was used by another mined transaction")
    if w3.eth.get_transaction_count(account, "pending") > nonce:
        return TxStatus(tx_hash, TxState.REPLACED, None, f"another transaction with nonce {nonce} is pending")
    return TxStatus(tx_hash, TxState.DROPPED, None, f"not in the pool, not mined, nonce {nonce} still free")


def entry_from_node(w3: Web3, tx_hash: str, chain_id: int) -> JournalEntry | None:
    """A journal entry for a transaction the node knows but the journal does not (another tool sent it, or
    a dev node's unlocked account and the command stopped before writing it down)."""
    tx: Any = find_transaction(w3, tx_hash)
    if tx is None:
        return None
    to = tx.get("to")
    dynamic = tx.get("maxFeePerGas") is not None
    return JournalEntry(
        hash=tx_hash.lower(),
        chain_id=chain_id,
        sender=str(tx["from"]),
        nonce=int(tx["nonce"]),
        to=Web3.to_checksum_address(to) if to else None,
        value=int(tx["value"]),
        data="0x" + bytes(tx["input"]).hex(),
        gas=int(tx["gas"]),
        max_fee=int(tx["maxFeePerGas"]) if dynamic else None,
        priority_fee=int(tx["maxPriorityFeePerGas"]) if dynamic else None,
        gas_price=None if dynamic else int(tx["gasPrice"]),
        label="",
        raw=None,
        state=TxState.SENT if tx.get("blockNumber") is None else TxState.MINED,
    )
