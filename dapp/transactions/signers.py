"""Who signs: a key we hold (signed here, so the hash is known before anything is sent) or a dev node's
unlocked account (the node signs as it accepts `eth_sendTransaction`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol
from weakref import WeakKeyDictionary

from eth_account.signers.local import LocalAccount
from web3 import Web3


@dataclass(frozen=True)
class SignedTx:
    tx_hash: str  # 0x-hex, lower case
    raw: bytes


class Signer(Protocol):
    @property
    def address(self) -> str: ...

    @property
    def node_signs(self) -> bool:
        """True for a dev node's unlocked account: the node signs, numbers and prices its transactions."""
        ...

    def sign(self, tx: dict[str, Any]) -> SignedTx | None:
        """The signed transaction, or None when the node signs it at send time."""
        ...


class LocalSigner:
    """Signs with a private key held in this process (from a keystore or $DAPP_PRIVATE_KEY)."""

    def __init__(self, account: LocalAccount) -> None:
        self._account = account

    @property
    def address(self) -> str:
        return str(self._account.address)

    @property
    def node_signs(self) -> bool:
        return False

    def sign(self, tx: dict[str, Any]) -> SignedTx:
        signed = self._account.sign_transaction({k: v for k, v in tx.items() if k != "from"})
        return SignedTx("0x" + bytes(signed.hash).hex(), bytes(signed.raw_transaction))


class NodeSigner:
    """A dev node's unlocked account: the node signs when the transaction is sent."""

    def __init__(self, address: str) -> None:
        self._address = Web3.to_checksum_address(address)

    @property
    def address(self) -> str:
        return str(self._address)

    @property
    def node_signs(self) -> bool:
        return True

    def sign(self, tx: dict[str, Any]) -> None:
        return None


def node_sign(w3: Web3, tx: dict[str, Any]) -> SignedTx | None:
    """Ask the node to sign without sending (eth_signTransaction), or None if it will not.

    Nodes sign deterministically (RFC 6979), so for a fully specified transaction this is the very
    transaction an ambiguous `eth_sendTransaction` may already have sent: its hash can be looked up."""
    try:
        response = w3.provider.make_request("eth_signTransaction", [rpc_tx(tx)])  # type: ignore[arg-type]
    except Exception:
        return None
    raw = response.get("result") if isinstance(response, dict) else None
    if not isinstance(raw, str) or not raw.startswith("0x"):
        return None
    data = bytes.fromhex(raw[2:])
    return SignedTx("0x" + Web3.keccak(data).hex().removeprefix("0x"), data)


def rpc_tx(tx: dict[str, Any]) -> dict[str, Any]:
    """A transaction as JSON-RPC wants it: quantities and bytes as 0x-hex."""
    out: dict[str, Any] = {}
    for key, value in tx.items():
        if isinstance(value, bool):
            continue
        if isinstance(value, int):
            out[key] = hex(value)
        elif isinstance(value, bytes):
            out[key] = "0x" + value.hex()
        else:
            out[key] = value
    return out


# The keys `dapp.accounts.sign_locally` installed, per Web3 and address: the pipeline signs with them itself.
_local_keys: WeakKeyDictionary[Web3, dict[str, LocalAccount]] = WeakKeyDictionary()


def remember_key(w3: Web3, account: LocalAccount) -> None:
    """Sign `account`'s transactions on this Web3 with its key (see `signer_for`)."""
    _local_keys.setdefault(w3, {})[str(account.address).lower()] = account


def signer_for(w3: Web3, address: str) -> Signer:
    """Who signs for `address` on this Web3: the key remembered for it, else the node itself."""
    local = _local_keys.get(w3, {}).get(address.lower())
    return LocalSigner(local) if local is not None else NodeSigner(address)
