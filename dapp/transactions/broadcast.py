"""Send a signed transaction and find out, for certain, whether the node has it.

A send can fail after it arrived: an HTTP 500 or a dropped connection after the node accepted it, a
timeout, a load balancer's retry answered "already known" or "nonce too low". None of these says the
transaction was not sent, so before anything is reported the node is asked for it by hash. Re-sending
the same signed bytes is always safe (same hash, same nonce: it can be mined once at most); signing
anew is done only by the caller, and only after a definite "not sent".

Outcomes: the hash (the node has it), `TransactionNotSentError` and its subclasses (certainly not sent),
or `SendUnconfirmedError` (the node could not be asked; the journal keeps the transaction for later).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from web3 import Web3

from dapp.exceptions import RpcUnavailableError, SendUnconfirmedError
from dapp.rpc import node_message
from dapp.transactions.rejections import Meaning, meaning, nonce_taken, refusal
from dapp.transactions.signers import SignedTx, node_sign
from dapp.transactions.status import find_transaction

SEND_ATTEMPTS = 3


def broadcast(
    w3: Web3,
    signed: SignedTx,
    *,
    nonce: int,
    replacing: bool = False,
    attempts: int = SEND_ATTEMPTS,
    retry_delay: float = 0.5,
    sleep: Callable[[float], None] = time.sleep,
) -> str:
    """Send `signed` until the node has it; returns its hash. See the module docstring for the outcomes."""
    last = "no answer"
    for attempt in range(attempts):
        if attempt:
            sleep(retry_delay * 2 ** (attempt - 1))
        try:
            w3.eth.send_raw_transaction(signed.raw)
            return signed.tx_hash
        except RpcUnavailableError as exc:
            last = str(exc)
        except Exception as exc:
            message = node_message(exc)
            if message is None:
                raise
            last = f"the node said '{message}'"
            rejected = refusal(message, replacing=replacing)
            if rejected is not None:
                raise rejected from None
            found = meaning(message)
            if found is Meaning.NONCE_TOO_LOW or (found is Meaning.REPLACEMENT_UNDERPRICED and not replacing):
                ours = _nonce_is_ours(w3, signed.tx_hash, retry_delay, sleep)
                if ours:
                    return signed.tx_hash
                if ours is False:
                    raise nonce_taken(nonce, message) from None
        # Ambiguous: did the node get it after all? (A failed lookup is no answer: ask again next round.)
        try:
            if find_transaction(w3, signed.tx_hash) is not None:
                return signed.tx_hash
        except Exception as exc:
            last = f"{last}; looking it up: {node_message(exc) or exc}"
    raise SendUnconfirmedError(
        f"could not confirm the node received the transaction ({last}); it is in the journal: "
        f"`dapp tx status {signed.tx_hash}` asks again",
        signed.tx_hash,
    )


def broadcast_by_node(w3: Web3, tx: dict[str, Any]) -> str:
    """Send through a dev node's own signer, which also numbers and prices the transaction (as web3.py
    does for unlocked accounts: no nonce or fee request of ours). Its hash exists only once the node
    answers, so an answer lost in transit cannot be looked up: SendUnconfirmedError, never "failed"."""
    try:
        return "0x" + bytes(w3.eth.send_transaction(tx)).hex()  # type: ignore[arg-type]
    except RpcUnavailableError as exc:
        raise SendUnconfirmedError(
            f"the node signs for {tx.get('from')} and its answer was lost ({exc}): check the account's "
            "transactions (`dapp orders`) before sending again"
        ) from None
    except Exception as exc:
        message = node_message(exc)
        if message is None:
            raise
        rejected = refusal(message)
        if rejected is not None:
            raise rejected from None
        raise SendUnconfirmedError(
            f"the node answered '{message}' and signs for {tx.get('from')} itself: check the account's "
            "transactions (`dapp orders`) before sending again"
        ) from None


def broadcast_unsigned(
    w3: Web3,
    tx: dict[str, Any],
    *,
    nonce: int,
    replacing: bool = False,
    retry_delay: float = 0.5,
    sleep: Callable[[float], None] = time.sleep,
) -> str:
    """Send a fully specified transaction (nonce and fees set: a speedup or cancel of a dev node's account)
    through the node's signer; returns the hash the node gives.

    If the answer is lost, the node is asked to sign the identical transaction (eth_signTransaction): the
    same signature, so the same hash, which is then looked up and re-sent like any signed transaction."""
    try:
        return "0x" + bytes(w3.eth.send_transaction(tx)).hex()  # type: ignore[arg-type]
    except RpcUnavailableError as exc:
        last = str(exc)
    except Exception as exc:
        message = node_message(exc)
        if message is None:
            raise
        last = f"the node said '{message}'"
        rejected = refusal(message, replacing=replacing)
        if rejected is not None:
            raise rejected from None
    signed = node_sign(w3, tx)
    if signed is None:
        raise SendUnconfirmedError(
            f"could not confirm the node received the transaction with nonce {nonce} ({last}), and this node "
            "will not sign it again to tell: check the account's transactions before sending again"
        )
    return broadcast(w3, signed, nonce=nonce, replacing=replacing, retry_delay=retry_delay, sleep=sleep)


def _nonce_is_ours(w3: Web3, tx_hash: str, retry_delay: float, sleep: Callable[[float], None]) -> bool | None:
    """After "nonce too low": is the transaction holding our nonce this very one (an earlier attempt went
    through)? Asked twice, a moment apart, in case the node serving reads lags behind the one that took it.
    None if the node cannot be asked: only a certain "no" lets the caller sign anew."""
    for check in range(2):
        if check:
            sleep(retry_delay)
        try:
            if find_transaction(w3, tx_hash) is not None:
                return True
        except Exception:
            return None
    return False
