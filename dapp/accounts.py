"""Which account signs: a private key from the environment, an encrypted keystore, or a dev node's
unlocked accounts. Keys are held by eth-account and never printed, logged or put in an error message.

Precedence: `--keystore FILE` (password from $DAPP_KEYSTORE_PASSWORD or a prompt), then
$DAPP_PRIVATE_KEY, then the node's unlocked account number `--account N` (default 0). The caller passes
the key and the password (the CLI reads them through dapp.settings).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eth_account import Account
from eth_account.signers.local import LocalAccount
from web3 import Web3
from web3.middleware import SignAndSendRawMiddlewareBuilder, Web3Middleware

from dapp import settings
from dapp.exceptions import AccountError
from dapp.transactions.signers import remember_key

if TYPE_CHECKING:
    from web3.types import MakeRequestFn, RPCEndpoint, RPCResponse


def load_keystore(path: Path, password: str | None = None, prompt: Callable[[], str] | None = None) -> LocalAccount:
    try:
        keyfile = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise AccountError(f"keystore file not found: {path}") from None
    except (OSError, ValueError) as exc:
        raise AccountError(f"keystore file {path} is not a JSON keystore: {exc}") from None
    if password is None:
        if prompt is None:
            raise AccountError(f"keystore {path} needs a password: set {settings.KEYSTORE_PASSWORD}")
        password = prompt()
    try:
        key = Account.decrypt(keyfile, password)
    except ValueError:
        raise AccountError(f"wrong password for keystore {path}") from None
    account: LocalAccount = Account.from_key(key)
    return account


def parse_private_key(raw: str | None) -> LocalAccount | None:
    """The account of a hex private key (as $DAPP_PRIVATE_KEY holds it), or None for none."""
    if not raw:
        return None
    try:
        account: LocalAccount = Account.from_key(raw.strip())
    except Exception:
        # Never echo the value: it may be a real key with a typo.
        raise AccountError(f"{settings.PRIVATE_KEY} is set but is not a valid 32-byte hex private key") from None
    return account


class TypedDataSigner(Web3Middleware):
    """Answers eth_signTypedData_v4 for a key we hold (EIP-2612 permits), as a dev node does for its
    unlocked accounts; requests for any other account go on to the node."""

    def __init__(self, w3: Web3, account: LocalAccount) -> None:
        super().__init__(w3)
        self._account = account

    def wrap_make_request(self, make_request: MakeRequestFn) -> MakeRequestFn:
        def middleware(method: RPCEndpoint, params: Any) -> RPCResponse:
            if method != "eth_signTypedData_v4" or str(params[0]).lower() != self._account.address.lower():
                return make_request(method, params)
            message = json.loads(params[1]) if isinstance(params[1], str) else params[1]
            signed = self._account.sign_typed_data(full_message=_integers(message))
            return {"jsonrpc": "2.0", "id": 0, "result": "0x" + bytes(signed.signature).hex()}

        return middleware


def _integers(typed: dict[str, Any]) -> dict[str, Any]:
    """Typed data with its (u)int fields as Python ints: callers send them as decimal strings, which
    JavaScript nodes need and eth-account does not take."""
    fields = {f["name"]: f["type"] for f in typed["types"].get(typed["primaryType"], [])}
    message = {
        key: int(value, 0) if isinstance(value, str) and "int" in fields.get(key, "") else value
        for key, value in typed["message"].items()
    }
    domain = dict(typed["domain"])
    if isinstance(domain.get("chainId"), str):
        domain["chainId"] = int(domain["chainId"], 0)
    return {**typed, "domain": domain, "message": message}


def sign_locally(w3: Web3, account: LocalAccount) -> None:
    """Sign `account`'s transactions and typed data (permits) in this process, with its key.

    The key is remembered for this Web3 (`dapp.transactions.signers.signer_for`): the transaction pipeline
    signs with it itself, so the hash is known, and journalled, before anything is sent. web3's signing
    middleware is installed too, for callers who use `w3.eth.send_transaction` directly."""
    remember_key(w3, account)
    w3.middleware_onion.inject(SignAndSendRawMiddlewareBuilder.build(account), layer=0)
    signer: Any = functools.partial(TypedDataSigner, account=account)  # web3 types layers as classes only
    w3.middleware_onion.inject(signer, name="typed_data_signer", layer=0)


def use_account(
    w3: Web3,
    *,
    private_key: str | None = None,
    keystore: Path | None = None,
    password: str | None = None,
    index: int | None = None,
    password_prompt: Callable[[], str] | None = None,
) -> str:
    """Pick the signing account (`keystore` opened with `password` or `password_prompt`, else the hex
    `private_key`, else the node's unlocked account `index`), install local signing if it is a key we
    hold (`sign_locally`), and return its address."""
    local = load_keystore(keystore, password, password_prompt) if keystore else parse_private_key(private_key)
    if local is not None:
        sign_locally(w3, local)
        w3.eth.default_account = local.address
        return str(local.address)
    try:
        unlocked = list(w3.eth.accounts)
    except Exception:
        unlocked = []
    if not unlocked:
        raise AccountError(
            f"no account to sign with: set {settings.PRIVATE_KEY}, pass --keystore FILE, or use a dev network"
        )
    i = index or 0
    if not 0 <= i < len(unlocked):
        raise AccountError(f"--account {i} is out of range: the node has {len(unlocked)} unlocked accounts")
    address = str(unlocked[i])
    w3.eth.default_account = unlocked[i]
    return address
