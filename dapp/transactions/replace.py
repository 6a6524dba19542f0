"""Speed up or cancel a stuck transaction: the same nonce, higher fees.

A speedup re-sends the same call; a cancel sends 0 ETH to oneself with 21,000 gas. Either way the node
keeps whichever of the two pays more, and only one can ever be mined. The transaction comes from the
journal, or from the node if it was sent by another tool (it must still be pending).
"""

from __future__ import annotations

from dapp.exceptions import DappValueError, FeeTooLowError, TransactionError
from dapp.transactions.fees import FeeOverrides, Fees, replacement_fees, suggest_fees
from dapp.transactions.journal import JournalEntry, TxState
from dapp.transactions.pipeline import Simulated, TransactionPipeline, TxRequest
from dapp.transactions.status import entry_from_node, transaction_status

CANCEL_GAS = 21_000


def replace_transaction(
    pipeline: TransactionPipeline, tx_hash: str, *, cancel: bool = False, overrides: FeeOverrides | None = None
) -> JournalEntry:
    """Send the speedup (or the cancel) of pending transaction `tx_hash`; returns its journal entry.
    `overrides` default to the pipeline's own fee options."""
    tx_hash = tx_hash.lower()
    original = pipeline.journal.get(tx_hash) or entry_from_node(pipeline.w3, tx_hash, pipeline.journal.chain_id)
    if original is None:
        raise DappValueError(f"{tx_hash} is neither in this account's journal nor known to the node")
    if original.sender.lower() != pipeline.signer.address.lower():
        raise DappValueError(f"{tx_hash} was sent by {original.sender}, not by {pipeline.signer.address}")
    status = transaction_status(pipeline.w3, tx_hash, original.sender, original.nonce)
    if status.state in (TxState.MINED, TxState.FAILED):
        raise TransactionError(f"already mined in block {status.block}: there is nothing to replace", tx_hash)
    if status.state is TxState.REPLACED:
        raise TransactionError(f"cannot be replaced: {status.detail}", tx_hash)
    overrides = overrides or pipeline.fees
    old = Fees(max_fee=original.max_fee, priority_fee=original.priority_fee, gas_price=original.gas_price)
    fees = _outbidding(old, suggest_fees(pipeline.w3, overrides), overrides)
    if cancel:
        request = TxRequest(f"cancel {tx_hash}", original.sender, b"", 0)
        gas = CANCEL_GAS
    else:
        data = bytes.fromhex(original.data.removeprefix("0x"))
        request = TxRequest(original.label or f"speedup {tx_hash}", original.to, data, original.value)
        gas = overrides.gas_limit or original.gas
    simulated = Simulated(request, original.sender, gas)
    nonce = original.nonce if original.nonce is not None else _nonce_of(pipeline, tx_hash)
    return pipeline.send_replacement(simulated, fees, nonce, replaces=tx_hash)


def _nonce_of(pipeline: TransactionPipeline, tx_hash: str) -> int:
    """The nonce the node gave a transaction it signed (the journal does not know it)."""
    found = entry_from_node(pipeline.w3, tx_hash, pipeline.journal.chain_id)
    if found is None or found.nonce is None:
        raise DappValueError(f"{tx_hash} is no longer known to the node: there is nothing to replace")
    return found.nonce


def _outbidding(old: Fees, current: Fees, overrides: FeeOverrides) -> Fees:
    """Fees that outbid `old`; the user's own fees are checked, not silently raised."""
    needed = replacement_fees(old, current)
    if overrides.max_fee is None and overrides.priority_fee is None:
        return needed
    if needed.dynamic:
        assert needed.max_fee is not None and needed.priority_fee is not None
        max_fee = overrides.max_fee if overrides.max_fee is not None else needed.max_fee
        tip = overrides.priority_fee if overrides.priority_fee is not None else min(needed.priority_fee, max_fee)
        if max_fee < needed.max_fee or tip < needed.priority_fee:
            raise FeeTooLowError(
                f"a replacement must raise both fees by 12.5%: at least --max-fee {needed.max_fee} "
                f"--priority-fee {needed.priority_fee} (wei)"
            )
        return Fees(max_fee=max_fee, priority_fee=tip, base_fee=needed.base_fee)
    price = overrides.max_fee if overrides.max_fee is not None else needed.cap
    if price < needed.cap:
        raise FeeTooLowError(f"a replacement must raise the gas price by 12.5%: at least --max-fee {needed.cap} (wei)")
    return Fees(gas_price=price)
