"""What a node's error message means for a transaction, in the dialects of geth, anvil, Ganache, Erigon,
Nethermind, Besu and the hosted providers built on them.

Only refusals that say for certain the transaction was not accepted become `TransactionNotSentError`s;
"already known" and "nonce too low" are ambiguous (our own earlier attempt may be the reason), and
anything unrecognised is treated as ambiguous too: the caller asks the node by hash before it reports.
"""

from __future__ import annotations

from enum import Enum

from dapp.exceptions import (
    FeeTooLowError,
    InsufficientFundsError,
    NonceTakenError,
    TransactionNotSentError,
)


class Meaning(Enum):
    INSUFFICIENT_FUNDS = "insufficient funds"
    FEE_TOO_LOW = "fee too low"
    REPLACEMENT_UNDERPRICED = "replacement underpriced"
    ALREADY_KNOWN = "already known"
    NONCE_TOO_LOW = "nonce too low"
    REFUSED = "refused"  # a definite refusal of another kind (bad gas limit, chain id, signature, size)
    UNKNOWN = "unknown"


_PATTERNS: list[tuple[Meaning, tuple[str, ...]]] = [
    (Meaning.REPLACEMENT_UNDERPRICED, ("replacement transaction underpriced", "replacement fee too low",
                                       "replacementnotallowed", "replacement transaction")),
    (Meaning.ALREADY_KNOWN, ("already known", "already imported", "known transaction", "alreadyknown",
                             "already exists", "already in the pool", "already in mempool")),
    (Meaning.NONCE_TOO_LOW, ("nonce too low", "nonce is too low", "oldnonce", "nonce has already been used",
                             "nonce too small", "invalid nonce")),
    (Meaning.INSUFFICIENT_FUNDS, ("insufficient funds", "insufficient balance", "insufficientfunds",
                                  "not enough funds", "exceeds balance")),
    (Meaning.FEE_TOO_LOW, ("less than block base fee", "less than the block's basefee", "fee cap less than",
                           "feecap too low", "max fee per gas too low", "transaction underpriced",
                           "gas price too low", "underpriced", "feetoolow", "fee too low", "mintipcap",
                           "tip too low", "gas tip cap")),
    (Meaning.REFUSED, ("intrinsic gas too low", "gas limit reached", "exceeds block gas limit",
                       "invalid chain id", "invalid sender", "invalid signature", "oversized data",
                       "transaction type not supported", "tx type not supported", "gas limit too low",
                       "max priority fee per gas higher than max fee per gas", "tip higher than")),
]  # fmt: skip


def meaning(message: str) -> Meaning:
    text = message.lower()
    for found, needles in _PATTERNS:
        if any(needle in text for needle in needles):
            return found
    return Meaning.UNKNOWN


def refusal(message: str, *, replacing: bool = False) -> TransactionNotSentError | None:
    """The named error for a definite refusal, or None when the message leaves the outcome open."""
    found = meaning(message)
    short = message.strip().splitlines()[0][:200] if message.strip() else "(no message)"
    if found is Meaning.INSUFFICIENT_FUNDS:
        return InsufficientFundsError(f"insufficient funds for value + gas limit x max fee: the node said '{short}'")
    if found is Meaning.FEE_TOO_LOW:
        return FeeTooLowError(f"fee too low: the node said '{short}'; raise --max-fee / --priority-fee")
    if found is Meaning.REPLACEMENT_UNDERPRICED and replacing:
        return FeeTooLowError(f"the replacement does not outbid the pending transaction: the node said '{short}'")
    if found is Meaning.REFUSED:
        return TransactionNotSentError(f"the node refused the transaction: '{short}'")
    return None


def nonce_taken(nonce: int, message: str) -> NonceTakenError:
    return NonceTakenError(f"nonce {nonce} is already used by another transaction (the node said '{message}')")
