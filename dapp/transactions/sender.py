"""Send one transaction so that it is never lost, never doubled and never misreported.

    fees (1 call) -> nonce under lock (1 call) -> sign -> journal -> send, settle ambiguity (1 call)
    -> receipt at the chain's pace -> on status 0, the reason from the transaction's own trace

The hash reaches `on_event` (the CLI prints it) as soon as the transaction is signed, before it is sent,
and the journal holds it from then on. A send is signed anew only after the node said for certain that
the old one was not taken (another transaction holds the nonce); everything else re-sends the same bytes
or asks the node by hash.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from web3 import Web3
from web3.types import TxReceipt

from dapp._utils.revert import ErrorDecoder
from dapp.exceptions import (
    NonceTakenError,
    TransactionDroppedError,
    TransactionNotSentError,
    TransactionReplacedError,
)
from dapp.transactions.broadcast import broadcast, broadcast_unsigned
from dapp.transactions.failure import explain_failure
from dapp.transactions.fees import FeeOverrides, Fees, suggest_fees
from dapp.transactions.journal import Journal, JournalEntry, TxState
from dapp.transactions.nonces import NonceManager
from dapp.transactions.receipts import Pacer, WaitTarget, wait_for_receipt
from dapp.transactions.signers import Signer
from dapp.transactions.status import transaction_status

NONCE_RETRIES = 2  # re-signs with a fresh nonce after "nonce taken by another transaction"
DEFAULT_TIMEOUT = 120.0


@dataclass(frozen=True)
class TxRequest:
    """What to send: `to` None creates a contract. `gas` is the limit (from the simulation or the user)."""

    to: str | None
    data: bytes
    value: int
    gas: int
    label: str


class TxEventKind(StrEnum):
    SIGNED = "signed"  # the hash exists; nothing sent yet
    SENT = "sent"  # the node has it
    MINED = "mined"


@dataclass(frozen=True)
class TxEvent:
    kind: TxEventKind
    tx_hash: str
    nonce: int
    label: str


OnEvent = Callable[[TxEvent], None]


class TxSender:
    """Sends for one account on one chain, journalled under `journal_root` (the CLI's state folder)."""

    def __init__(
        self,
        w3: Web3,
        signer: Signer,
        *,
        chain_id: int,
        journal_root: Path,
        fees: FeeOverrides | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        poll_interval: float | None = None,
        on_event: OnEvent | None = None,
    ) -> None:
        self.w3 = w3
        self.signer = signer
        self.chain_id = chain_id
        self.journal = Journal(journal_root, chain_id, signer.address)
        self.nonces = NonceManager(w3, self.journal)
        self.fee_overrides = fees or FeeOverrides()
        self.timeout = timeout
        self.pacer = Pacer(w3, poll_interval)
        self.on_event = on_event or (lambda event: None)

    # --- sending --------------------------------------------------------------------------------

    def send(self, request: TxRequest, fees: Fees | None = None) -> JournalEntry:
        """Sign, journal and send; returns the journal entry once the node has the transaction."""
        fees = fees or suggest_fees(self.w3, self.fee_overrides)
        for attempt in range(NONCE_RETRIES + 1):
            try:
                with self.nonces.reserve() as nonce:
                    return self._send_with_nonce(request, fees, nonce)
            except NonceTakenError:
                if attempt == NONCE_RETRIES:
                    raise
        raise AssertionError("unreachable")

    def send_replacement(self, request: TxRequest, fees: Fees, nonce: int, replaces: str) -> JournalEntry:
        """Send `request` with the nonce of the pending transaction `replaces` (a speedup or cancel)."""
        with self.nonces.locked():
            entry = self._send_with_nonce(request, fees, nonce, replaces=replaces)
        self.journal.update(replaces, note=f"replacement {entry.hash} sent")
        return entry

    def _send_with_nonce(self, request: TxRequest, fees: Fees, nonce: int, replaces: str | None = None) -> JournalEntry:
        tx = self._build(request, fees, nonce)
        signed = self.signer.sign(tx)
        replacing = replaces is not None
        entry = JournalEntry(
            hash="",
            chain_id=self.chain_id,
            sender=self.signer.address,
            nonce=nonce,
            to=request.to,
            value=request.value,
            data="0x" + request.data.hex(),
            gas=request.gas,
            max_fee=fees.max_fee,
            priority_fee=fees.priority_fee,
            gas_price=fees.gas_price,
            label=request.label,
            raw=None,
            replaces=replaces,
        )
        if signed is None:  # the node signs: the hash exists once it accepted the transaction
            tx_hash = broadcast_unsigned(self.w3, tx, nonce=nonce, replacing=replacing)
            entry = self.journal.record(replace(entry, hash=tx_hash, state=TxState.SENT))
            self.on_event(TxEvent(TxEventKind.SIGNED, entry.hash, nonce, request.label))
        else:
            entry = self.journal.record(replace(entry, hash=signed.tx_hash, raw="0x" + signed.raw.hex()))
            self.on_event(TxEvent(TxEventKind.SIGNED, entry.hash, nonce, request.label))
            try:
                broadcast(self.w3, signed, nonce=nonce, replacing=replacing)
            except TransactionNotSentError as exc:
                self.journal.update(entry.hash, state=TxState.NOT_SENT, note=str(exc))
                raise
            # Not written back: SIGNED and SENT are both "in flight" to every reader, and a write costs
            # 1-3 ms here (the rename); the outcome is written once the receipt is in.
            entry = replace(entry, state=TxState.SENT)
        self.on_event(TxEvent(TxEventKind.SENT, entry.hash, nonce, request.label))
        return entry

    def _build(self, request: TxRequest, fees: Fees, nonce: int) -> dict[str, Any]:
        tx: dict[str, Any] = {
            "from": self.signer.address,
            "chainId": self.chain_id,
            "nonce": nonce,
            "value": request.value,
            "data": request.data,
            "gas": request.gas,
            **fees.params(),
        }
        if request.to is not None:
            tx["to"] = Web3.to_checksum_address(request.to)
        tx["type"] = 2 if fees.dynamic else 0
        return tx

    # --- waiting --------------------------------------------------------------------------------

    def wait(self, entry: JournalEntry, decoder: ErrorDecoder | None = None, timeout: float | None = None) -> TxReceipt:
        """The receipt of a sent transaction (or of the one it replaced, if that won the race); a failed
        one raises its named error. Records the outcome in the journal."""
        timeout = self.timeout if timeout is None else timeout
        target = WaitTarget(entry.hash, entry.sender, entry.nonce)
        try:
            receipt = wait_for_receipt(self.w3, target, timeout=timeout, pacer=self.pacer)
        except TransactionReplacedError as exc:
            winner = self._replaced_by_own(entry)
            if winner is None:
                self.journal.update(entry.hash, state=TxState.REPLACED, note=str(exc))
                raise
            entry, receipt = winner
        except TransactionDroppedError as exc:
            self.journal.update(entry.hash, state=TxState.DROPPED, note=str(exc))
            raise
        return self._settle(entry, receipt, decoder)

    def _replaced_by_own(self, entry: JournalEntry) -> tuple[JournalEntry, TxReceipt] | None:
        """If a journalled transaction with the same nonce (the original or another replacement) was
        mined, that one is the outcome."""
        for other in self.journal.entries():
            if other.nonce != entry.nonce or other.hash == entry.hash:
                continue
            status = transaction_status(self.w3, other.hash, other.sender, other.nonce)
            if status.receipt is not None:
                self.journal.update(entry.hash, state=TxState.REPLACED, note=f"{other.hash} was mined instead")
                return other, status.receipt
        return None

    def _settle(self, entry: JournalEntry, receipt: TxReceipt, decoder: ErrorDecoder | None) -> TxReceipt:
        block = int(receipt["blockNumber"])
        if receipt["status"] == 1:
            self.journal.update(entry.hash, state=TxState.MINED, block=block)
            if entry.replaces:
                self.journal.update(entry.replaces, state=TxState.REPLACED, note=f"replaced by {entry.hash}")
            self.on_event(TxEvent(TxEventKind.MINED, entry.hash, entry.nonce, entry.label))
            return receipt
        error = explain_failure(self.w3, receipt, entry.gas, decoder)
        self.journal.update(entry.hash, state=TxState.FAILED, block=block, note=str(error))
        raise error

    def transact(self, request: TxRequest, decoder: ErrorDecoder | None = None) -> TxReceipt:
        """send() then wait()."""
        return self.wait(self.send(request), decoder)
