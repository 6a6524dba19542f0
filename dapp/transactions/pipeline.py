"""The transaction pipeline: simulate -> send -> wait for the receipt -> name the failure.

It knows nothing about the Catalog: a write is a `TxRequest` (target, calldata, value, a label for
messages), so the client and `deploy_catalog` share it, and a new contract version changes only the
domain API above it. Arguments are validated by whoever builds the request (the client checks ranges,
`AbiFunction` checks types); the pipeline checks there is a sender.

Each step is one method, and the only place its kind of work happens:

- `simulate`: eth_estimateGas, which is both the simulation (a revert is raised by name, nothing is
  sent) and the gas limit (unless the user set one). On Ganache the connection answers it with an
  eth_call (dapp.middleware).
- `send`: the only place a transaction leaves, and built so a purchase is never lost, never doubled:
  fees with headroom (one eth_feeHistory, `fees`), a nonce under a lock shared by threads and processes
  (`nonces`), the transaction signed here and written to the journal before it is sent (`journal`; the
  hash goes to `on_event` at that moment), and a send that fails in transit settled by asking the node for
  the hash (`broadcast`). Only a certain "not sent" is ever signed again. A dev node's unlocked account
  is the exception: the node numbers, prices and signs, as for web3.py's transact(), and an answer lost
  in transit is reported unconfirmed (the hash is the node's to give).
- `wait`: the only receipt poll loop, paced to the block time, and quick to notice a transaction the
  node dropped or another one replaced (`receipts`).
- `failure`: names what a mined, failed transaction hit, from its own trace (`failure`).

Round trips per write with a key: eth_estimateGas, eth_feeHistory, eth_getTransactionCount,
eth_sendRawTransaction and eth_getTransactionReceipt (again only while the block is not yet visible; two
block headers to learn the pace the first time a poll misses, cached for an hour). With a dev node's
unlocked account: eth_estimateGas, eth_sendTransaction and the receipt.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from web3 import Web3
from web3.types import TxParams, TxReceipt, Wei

from dapp import settings
from dapp._utils.revert import ErrorDecoder, as_dapp_error
from dapp.exceptions import (
    DappValueError,
    NonceTakenError,
    TransactionDroppedError,
    TransactionNotSentError,
    TransactionReplacedError,
)
from dapp.rpc import node_message
from dapp.transactions.broadcast import broadcast, broadcast_by_node, broadcast_unsigned
from dapp.transactions.failure import explain_failure
from dapp.transactions.fees import FeeOverrides, Fees, suggest_fees
from dapp.transactions.journal import Journal, JournalEntry, TxState
from dapp.transactions.nonces import NonceManager
from dapp.transactions.receipts import Pacer, WaitTarget, wait_for_receipt
from dapp.transactions.rejections import refusal
from dapp.transactions.signers import Signer, signer_for
from dapp.transactions.status import transaction_status
from dapp.types import TxResult

GAS_HEADROOM = 1.2  # state can change between the estimate and the block; unused gas is not charged
GAS_EXTRA = 10_000
NONCE_RETRIES = 2  # signed anew with a fresh nonce after "nonce taken by another transaction"
DEFAULT_TIMEOUT = 120.0


@dataclass(frozen=True)
class TxRequest:
    """One write, as the node sees it. `to=None` creates a contract (data is the init code)."""

    label: str  # what the message names: "buy", "deploy Catalog"
    to: str | None
    data: bytes
    value: int = 0


@dataclass(frozen=True)
class Simulated:
    """A request that ran without reverting, with the sender and gas limit to send it with."""

    request: TxRequest
    sender: str
    gas: int

    def params(self) -> TxParams:
        params: TxParams = {
            "from": Web3.to_checksum_address(self.sender),
            "data": self.request.data,
            "value": Wei(self.request.value),
            "gas": self.gas,
        }
        if self.request.to is not None:
            params["to"] = Web3.to_checksum_address(self.request.to)
        return params


@dataclass(frozen=True)
class Mined:
    """A successful transaction: its result, its raw logs (decode with dapp._utils.abi.AbiEvent) and the
    contract it created, if any."""

    tx: TxResult
    logs: Sequence[Mapping[str, Any]]
    contract_address: str | None


class TxEventKind(StrEnum):
    SIGNED = "signed"  # the hash exists and is in the journal; nothing sent yet
    SENT = "sent"  # the node has it
    MINED = "mined"


@dataclass(frozen=True)
class TxEvent:
    kind: TxEventKind
    tx_hash: str
    nonce: int | None  # None: a dev node numbers its unlocked accounts' transactions itself
    label: str


OnEvent = Callable[[TxEvent], None]


class TransactionPipeline:
    """Sends writes for one sender on one connection. Reverts come out as ContractRevert subclasses named
    by `errors` (the target contract's ABI); any other failure is a DappError.

    `signer` defaults to the key `dapp.accounts.use_account` installed for `sender` on this Web3, else the
    node's own signing (a dev node's unlocked account). `fees` are the user's overrides; `journal_root`
    is where the journal lives (default: the state folder, `$DAPP_HOME` or `.dapp`). `poll_interval`
    fixes the receipt poll interval (default: half the chain's block time)."""

    def __init__(
        self,
        w3: Web3,
        sender: str | None,
        *,
        signer: Signer | None = None,
        errors: ErrorDecoder | None = None,
        receipt_timeout: float = DEFAULT_TIMEOUT,
        poll_interval: float | None = None,
        fees: FeeOverrides | None = None,
        journal_root: Path | None = None,
        on_event: OnEvent | None = None,
    ) -> None:
        self.w3 = w3
        self.sender = sender
        self.errors = errors
        self.receipt_timeout = receipt_timeout
        self.fees = fees or FeeOverrides()
        self.on_event = on_event
        self._poll_interval = poll_interval
        self._pacer: Pacer | None = None
        self._signer = signer
        self._journal_root = journal_root
        self._journal: Journal | None = None
        self._nonces: NonceManager | None = None

    # --- the whole write ------------------------------------------------------------------------

    def execute(self, request: TxRequest) -> Mined:
        """Simulate, send and wait: a revert found while simulating is raised by name and nothing is sent."""
        return self.outcome(self.wait(self.send(self.simulate(request))))

    def outcome(self, receipt: TxReceipt) -> Mined:
        tx_hash = "0x" + bytes(receipt["transactionHash"]).hex()
        result = TxResult(tx_hash=tx_hash, block_number=int(receipt["blockNumber"]), gas_used=int(receipt["gasUsed"]))
        created = receipt.get("contractAddress")
        return Mined(tx=result, logs=list(receipt["logs"]), contract_address=str(created) if created else None)

    # --- simulate -------------------------------------------------------------------------------

    def simulate(self, request: TxRequest) -> Simulated:
        """Run the write without sending it: its revert by name, else the gas limit to send it with."""
        sender = self.require_sender()
        probe = Simulated(request, sender, 0).params()
        del probe["gas"]
        try:
            estimate = int(self.w3.eth.estimate_gas(probe))
        except Exception as exc:
            message = node_message(exc)
            refused = refusal(message) if message else None
            if refused is not None:  # e.g. the value alone exceeds the balance
                raise refused from None
            raise as_dapp_error(exc, self.errors) from None
        gas = self.fees.gas_limit or int(estimate * GAS_HEADROOM) + GAS_EXTRA
        return Simulated(request, sender, gas)

    # --- send -----------------------------------------------------------------------------------

    @property
    def signer(self) -> Signer:
        if self._signer is None:
            self._signer = signer_for(self.w3, self.require_sender())
        return self._signer

    @property
    def journal(self) -> Journal:
        if self._journal is None:
            root = self._journal_root if self._journal_root is not None else settings.load().home
            self._journal = Journal(root, int(self.w3.eth.chain_id), self.signer.address)
        return self._journal

    @property
    def pacer(self) -> Pacer:
        if self._pacer is None:
            cache = None if self._poll_interval is not None else self.journal.path.parent / "poll-interval"
            self._pacer = Pacer(self.w3, self._poll_interval, cache)
        return self._pacer

    @property
    def nonces(self) -> NonceManager:
        if self._nonces is None:
            self._nonces = NonceManager(self.w3, self.journal)
        return self._nonces

    def send(self, simulated: Simulated, fees: Fees | None = None) -> JournalEntry:
        """Sign, journal and send; returns the journal entry once the node has the transaction."""
        if self.signer.node_signs and fees is None:
            return self._send_by_node(simulated)
        fees = fees or suggest_fees(self.w3, self.fees)
        for attempt in range(NONCE_RETRIES + 1):
            try:
                with self.nonces.reserve() as nonce:
                    return self._send_with_nonce(simulated, fees, nonce)
            except NonceTakenError:
                if attempt == NONCE_RETRIES:
                    raise
        raise AssertionError("unreachable")

    def send_replacement(self, simulated: Simulated, fees: Fees, nonce: int, replaces: str) -> JournalEntry:
        """Send with the nonce of the pending transaction `replaces` (a speedup or a cancel)."""
        with self.nonces.locked():
            entry = self._send_with_nonce(simulated, fees, nonce, replaces=replaces)
        self.journal.update(replaces, note=f"replacement {entry.hash} sent")
        return entry

    def _send_with_nonce(
        self, simulated: Simulated, fees: Fees, nonce: int, replaces: str | None = None
    ) -> JournalEntry:
        request = simulated.request
        tx = {**simulated.params(), "chainId": self.journal.chain_id, "nonce": nonce, **fees.params()}
        tx["type"] = 2 if fees.dynamic else 0
        signed = self.signer.sign(tx)
        entry = JournalEntry(
            hash="",
            chain_id=self.journal.chain_id,
            sender=self.signer.address,
            nonce=nonce,
            to=request.to,
            value=request.value,
            data="0x" + request.data.hex(),
            gas=simulated.gas,
            max_fee=fees.max_fee,
            priority_fee=fees.priority_fee,
            gas_price=fees.gas_price,
            label=request.label,
            raw=None,
            replaces=replaces,
        )
        replacing = replaces is not None
        if signed is None:  # the node signs: the hash exists once it has accepted the transaction
            tx_hash = broadcast_unsigned(self.w3, tx, nonce=nonce, replacing=replacing)
            entry = self.journal.record(replace(entry, hash=tx_hash, state=TxState.SENT))
            self._event(TxEventKind.SIGNED, entry)
        else:
            entry = self.journal.record(replace(entry, hash=signed.tx_hash, raw="0x" + signed.raw.hex()))
            self._event(TxEventKind.SIGNED, entry)
            try:
                broadcast(self.w3, signed, nonce=nonce, replacing=replacing)
            except TransactionNotSentError as exc:
                self.journal.update(entry.hash, state=TxState.NOT_SENT, note=str(exc))
                raise
            # Not written back: SIGNED and SENT are both "in flight" to every reader, and a write costs
            # 1-3 ms here (the rename); the outcome is written once the receipt is in.
            entry = replace(entry, state=TxState.SENT)
        self._event(TxEventKind.SENT, entry)
        return entry

    def _send_by_node(self, simulated: Simulated) -> JournalEntry:
        """A dev node's unlocked account: the node numbers, prices and signs (the user's fees, if any, are
        passed on). As lean as web3.py's own transact(): the journal gets it once, with its outcome."""
        request = simulated.request
        fees = suggest_fees(self.w3, self.fees) if self.fees.max_fee or self.fees.priority_fee else None
        tx: dict[str, Any] = {**simulated.params(), **(fees.params() if fees else {})}
        tx_hash = broadcast_by_node(self.w3, tx)
        entry = JournalEntry(
            hash=tx_hash,
            chain_id=self.journal.chain_id,
            sender=self.signer.address,
            nonce=None,
            to=request.to,
            value=request.value,
            data="0x" + request.data.hex(),
            gas=simulated.gas,
            max_fee=fees.max_fee if fees else None,
            priority_fee=fees.priority_fee if fees else None,
            gas_price=fees.gas_price if fees else None,
            label=request.label,
            raw=None,
            state=TxState.SENT,
        )
        self._event(TxEventKind.SENT, entry)  # the node signed it as it took it
        return entry

    def _event(self, kind: TxEventKind, entry: JournalEntry) -> None:
        if self.on_event is not None:
            self.on_event(TxEvent(kind, entry.hash, entry.nonce, entry.label))

    # --- wait -----------------------------------------------------------------------------------

    def wait(self, entry: JournalEntry, timeout: float | None = None) -> TxReceipt:
        """The receipt of a sent transaction (or of the journalled one with its nonce that was mined
        instead: a speedup, or the original it replaced); a failed one raises its named error. The outcome
        goes into the journal."""
        timeout = self.receipt_timeout if timeout is None else timeout
        target = WaitTarget(entry.hash, entry.sender, entry.nonce)
        try:
            receipt = wait_for_receipt(self.w3, target, timeout=timeout, pacer=self.pacer)
        except TransactionReplacedError as exc:
            winner = self._mined_instead(entry)
            if winner is None:
                self.journal.record(replace(entry, state=TxState.REPLACED, note=str(exc)))
                raise
            entry, receipt = winner
        except TransactionDroppedError as exc:
            self.journal.record(replace(entry, state=TxState.DROPPED, note=str(exc)))
            raise
        return self._settle(entry, receipt)

    def _mined_instead(self, entry: JournalEntry) -> tuple[JournalEntry, TxReceipt] | None:
        if entry.nonce is None:
            return None
        for other in self.journal.entries():
            if other.nonce != entry.nonce or other.hash == entry.hash:
                continue
            status = transaction_status(self.w3, other.hash, other.sender, other.nonce)
            if status.receipt is not None:
                self.journal.update(entry.hash, state=TxState.REPLACED, note=f"{other.hash} was mined instead")
                return other, status.receipt
        return None

    def _settle(self, entry: JournalEntry, receipt: TxReceipt) -> TxReceipt:
        block = int(receipt["blockNumber"])
        if receipt["status"] == 1:
            # record, not update: a node-signed transaction is written down here for the first time
            self.journal.record(replace(entry, state=TxState.MINED, block=block))
            if entry.replaces:
                self.journal.update(entry.replaces, state=TxState.REPLACED, note=f"replaced by {entry.hash}")
            self._event(TxEventKind.MINED, entry)
            return receipt
        error = self.failure(receipt, entry.gas)
        self.journal.record(replace(entry, state=TxState.FAILED, block=block, note=str(error)))
        raise error

    # --- failure --------------------------------------------------------------------------------

    def failure(self, receipt: TxReceipt, gas_limit: int) -> Exception:
        """What a mined, failed transaction hit, from its own trace (dapp.transactions.failure)."""
        return explain_failure(self.w3, receipt, gas_limit, self.errors)

    def require_sender(self) -> str:
        if not self.sender:
            raise DappValueError("no account selected: pass account= or set w3.eth.default_account")
        return self.sender
