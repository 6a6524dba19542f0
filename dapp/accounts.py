"""Which account signs: a private key from the environment, an encrypted keystore, or a dev node's
unlocked accounts. Keys are held by eth-account and never printed, logged or put in an error message.

Precedence: `--keystore FILE` (password from $DAPP_KEYSTORE_PASSWORD or a prompt), then
$DAPP_PRIVATE_KEY, then the node's unlocked account number `--account N` (default 0).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from weakref import WeakKeyDictionary

from eth_account import Account
from eth_account.signers.local import LocalAccount
from web3 import Web3
from web3.middleware import SignAndSendRawMiddlewareBuilder

from dapp.exceptions import AccountError
from dapp.transactions.signers import LocalSigner, NodeSigner, Signer

PRIVATE_KEY_ENV = "DAPP_PRIVATE_KEY"
KEYSTORE_PASSWORD_ENV = "DAPP_KEYSTORE_PASSWORD"


def load_keystore(path: Path, password: str | None = None, prompt: Callable[[], str] | None = None) -> LocalAccount:
    try:
        keyfile = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise AccountError(f"keystore file not found: {path}") from None
    except (OSError, ValueError) as exc:
        raise AccountError(f"keystore file {path} is not a JSON keystore: {exc}") from None
    if password is None:
        password = os.environ.get(KEYSTORE_PASSWORD_ENV)
    if password is None:
        if prompt is None:
            raise AccountError(f"keystore {path} needs a password: set {KEYSTORE_PASSWORD_ENV}")
        password = prompt()
    try:
        key = Account.decrypt(keyfile, password)
    except ValueError:
        raise AccountError(f"wrong password for keystore {path}") from None
    account: LocalAccount = Account.from_key(key)
    return account


def key_from_env() -> LocalAccount | None:
    raw = os.environ.get(PRIVATE_KEY_ENV)
    if not raw:
        return None
    try:
        account: LocalAccount = Account.from_key(raw.strip())
    except Exception:
        # Never echo the value: it may be a real key with a typo.
        raise AccountError(f"{PRIVATE_KEY_ENV} is set but is not a valid 32-byte hex private key") from None
    return account


def use_account(
    w3: Web3,
    *,
    keystore: Path | None = None,
    index: int | None = None,
    password_prompt: Callable[[], str] | None = None,
) -> str:
    """Pick the signing account, install local signing if it is a key we hold, and return its address.

    A key is remembered for this Web3 (`signer_for`): the transaction pipeline signs with it itself, so the
    hash is known, and journalled, before anything is sent. web3's signing middleware is installed too, for
    callers who use `w3.eth.send_transaction` directly."""
    local = load_keystore(keystore, prompt=password_prompt) if keystore else key_from_env()
    if local is not None:
        w3.middleware_onion.inject(SignAndSendRawMiddlewareBuilder.build(local), layer=0)
        w3.eth.default_account = local.address
        _local_keys.setdefault(w3, {})[str(local.address).lower()] = local
        return str(local.address)
    try:
        unlocked = list(w3.eth.accounts)
    except Exception:
        unlocked = []
    if not unlocked:
        raise AccountError(
            f"no account to sign with: set {PRIVATE_KEY_ENV}, pass --keystore FILE, or use a dev network"
        )
    i = index or 0
    if not 0 <= i < len(unlocked):
        raise AccountError(f"--account {i} is out of range: the node has {len(unlocked)} unlocked accounts")
    address = str(unlocked[i])
    w3.eth.default_account = unlocked[i]
    return address


_local_keys: WeakKeyDictionary[Web3, dict[str, LocalAccount]] = WeakKeyDictionary()


def signer_for(w3: Web3, address: str) -> Signer:
    """Who signs for `address` on this Web3: the key `use_account` loaded for it, else the node itself."""
    local = _local_keys.get(w3, {}).get(address.lower())
    return LocalSigner(local) if local is not None else NodeSigner(address)
