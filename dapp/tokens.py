"""ERC-20 tokens as the Catalog's currencies: metadata (symbol, decimals) read once per token, amounts
written and read in the token's own units (`12.50 tUSD`), balances, allowances, approve, and EIP-2612
permits signed by the buyer's account.

The client takes a `Tokens` (one per connection) instead of growing ERC-20 code of its own. Reads are raw
eth_calls encoded with dapp._utils.abi, like the Catalog's; `approve` is a TxRequest for the caller's
transaction pipeline.

Permit signatures are asked of the connection with `eth_signTypedData_v4`: a dev node signs for its
unlocked accounts, and for a key we hold (`--keystore`, $DAPP_PRIVATE_KEY) dapp.accounts installs a
middleware that answers it locally. A token counts as a permit token only if it has `nonces(owner)` and a
`DOMAIN_SEPARATOR()` equal to the EIP-712 domain we would sign for (its name, version "1" or "2", this
chain, its address): a signature over any other domain would be refused on chain.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation, localcontext
from typing import Any

from web3 import Web3
from web3.types import RPCEndpoint

from dapp._utils.abi import AbiFunction
from dapp._utils.permit import PermitSignature, domain_separator
from dapp._utils.validate import UINT256_MAX, check_address, check_uint
from dapp.exceptions import DappValueError, NotATokenError, TokenDecimalsError
from dapp.transactions import TxRequest
from dapp.types import ETH

MAX_DECIMALS = 36  # more is no real token; 10**77 would not even fit a uint256


def _fn(name: str, inputs: list[str], outputs: list[str]) -> AbiFunction:
    abi = [
        {
            "type": "function",
            "name": name,
            "inputs": [{"name": f"a{i}", "type": t} for i, t in enumerate(inputs)],
            "outputs": [{"name": "", "type": t} for t in outputs],
        }
    ]
    return AbiFunction.from_abi(abi, name)


_TOTAL_SUPPLY = _fn("totalSupply", [], ["uint256"])
_BALANCE_OF = _fn("balanceOf", ["address"], ["uint256"])
_ALLOWANCE = _fn("allowance", ["address", "address"], ["uint256"])
_APPROVE = _fn("approve", ["address", "uint256"], ["bool"])
_DECIMALS = _fn("decimals", [], ["uint8"])
_SYMBOL = _fn("symbol", [], ["string"])
_SYMBOL_BYTES32 = _fn("symbol", [], ["bytes32"])  # MKR-era tokens
_NAME = _fn("name", [], ["string"])
_NONCES = _fn("nonces", ["address"], ["uint256"])
_DOMAIN_SEPARATOR = _fn("DOMAIN_SEPARATOR", [], ["bytes32"])

PERMIT_TYPES = {
    "EIP712Domain": [
        {"name": "name", "type": "string"},
        {"name": "version", "type": "string"},
        {"name": "chainId", "type": "uint256"},
        {"name": "verifyingContract", "type": "address"},
    ],
    "Permit": [
        {"name": "owner", "type": "address"},
        {"name": "spender", "type": "address"},
        {"name": "value", "type": "uint256"},
        {"name": "nonce", "type": "uint256"},
        {"name": "deadline", "type": "uint256"},
    ],
}


@dataclass(frozen=True)
class Token:
    """A currency: ETH or an ERC-20 token, with what it takes to show and type its amounts."""

    address: str  # ETH: the zero address
    symbol: str
    decimals: int
    name: str

    @property
    def is_eth(self) -> bool:
        return self.address == ETH

    def format(self, amount: int) -> str:
        """`12.50 tUSD`, `0.02 ETH`, `0.005 ETH`: exact, with at least two decimals (if the token has them)."""
        with localcontext(prec=120):
            text = f"{Decimal(amount).scaleb(-self.decimals):f}"
        whole, _, fraction = text.partition(".")
        fraction = fraction.rstrip("0").ljust(min(2, self.decimals), "0")
        return f"{whole}.{fraction} {self.symbol}" if fraction else f"{whole} {self.symbol}"

    def parse(self, text: str) -> int:
        """'12.5' -> base units (12_500_000 for 6 decimals). Nothing is rounded: a finer amount is refused."""
        raw = text.strip().replace("_", "")
        with localcontext(prec=120):
            try:
                value = Decimal(raw).scaleb(self.decimals)
            except InvalidOperation:
                raise DappValueError(f"not an amount: {text!r}") from None
            if not value.is_finite() or value < 0:
                raise DappValueError(f"not an amount: {text!r}")
            if value != value.to_integral_value():
                raise DappValueError(f"{text} {self.symbol} is finer than the token's {self.decimals} decimals")
        return int(value)

    def to_json(self) -> dict[str, Any]:
        return {"address": self.address, "symbol": self.symbol, "decimals": self.decimals, "name": self.name}


ETH_TOKEN = Token(ETH, "ETH", 18, "Ether")


@dataclass(frozen=True)
class PermitDomain:
    """The EIP-712 domain a token's permit checks, verified against its DOMAIN_SEPARATOR()."""

    name: str
    version: str
    chain_id: int
    token: str


class Tokens:
    """ERC-20 reads and writes on one connection; metadata and permit domains are cached per token."""

    def __init__(self, w3: Web3) -> None:
        self.w3 = w3
        self._info: dict[str, Token] = {ETH: ETH_TOKEN}
        self._domains: dict[str, PermitDomain | None] = {}

    def _call(self, token: str, fn: AbiFunction, *args: Any) -> Any:
        raw = self.w3.eth.call({"to": Web3.to_checksum_address(token), "data": fn.encode_hex(args)})
        return fn.decode(bytes(raw))

    def _try(self, token: str, fn: AbiFunction, *args: Any) -> Any:
        """The call's result, or None if it reverts or returns something that does not decode."""
        try:
            return self._call(token, fn, *args)
        except Exception:  # a revert, no such function, or short/garbled return data: "does not have it"
            return None

    def info(self, address: str) -> Token:
        """Symbol, decimals and name of the token at `address` (ETH for the zero address), read once.

        Raises NotATokenError when there is no ERC-20 there (no code, or no totalSupply/balanceOf), and
        TokenDecimalsError when it has no decimals() (amounts could not be shown or typed)."""
        token = check_address("currency", address)
        known = self._info.get(token)
        if known is not None:
            return known
        if not bytes(self.w3.eth.get_code(Web3.to_checksum_address(token))):
            raise NotATokenError(token, f"{token} is not a token: there is no contract at that address")
        if self._try(token, _TOTAL_SUPPLY) is None or self._try(token, _BALANCE_OF, token) is None:
            raise NotATokenError(token, f"{token} is not an ERC-20 token: it does not answer totalSupply/balanceOf")
        decimals = self._try(token, _DECIMALS)
        if decimals is None or decimals > MAX_DECIMALS:
            raise TokenDecimalsError(
                token, f"token {token} has no usable decimals(): its amounts can be neither shown nor typed"
            )
        symbol = self._try(token, _SYMBOL)
        if not isinstance(symbol, str) or not symbol.strip():
            raw = self._try(token, _SYMBOL_BYTES32)
            symbol = raw.rstrip(b"\0").decode("utf-8", "replace") if isinstance(raw, bytes) else ""
        symbol = symbol.strip() or token[:8] + "…"  # symbol() is optional in ERC-20
        name = self._try(token, _NAME)
        info = Token(token, symbol, int(decimals), name if isinstance(name, str) else symbol)
        self._info[token] = info
        return info

    def balance_of(self, token: str, owner: str) -> int:
        if token == ETH:
            return int(self.w3.eth.get_balance(Web3.to_checksum_address(owner)))
        return int(self._call(token, _BALANCE_OF, owner))

    def allowance(self, token: str, owner: str, spender: str) -> int:
        return int(self._call(token, _ALLOWANCE, owner, spender))

    @staticmethod
    def approve_request(token: str, spender: str, amount: int) -> TxRequest:
        check_uint("allowance", amount, UINT256_MAX)
        data = _APPROVE.encode([check_address("spender", spender), amount])
        return TxRequest(label="approve", to=check_address("token", token), data=data)

    def permit_domain(self, token: str) -> PermitDomain | None:
        """The token's EIP-2612 domain, or None if it has no permit we can sign for."""
        if token in self._domains:
            return self._domains[token]
        found: PermitDomain | None = None
        separator = self._try(token, _DOMAIN_SEPARATOR)
        name = self._try(token, _NAME)
        if isinstance(separator, bytes) and isinstance(name, str) and self._try(token, _NONCES, token) is not None:
            chain_id = int(self.w3.eth.chain_id)
            for version in ("1", "2"):  # OpenZeppelin's ERC20Permit uses "1"; USDC uses "2"
                if domain_separator(name, version, chain_id, token) == separator:
                    found = PermitDomain(name, version, chain_id, token)
                    break
        self._domains[token] = found
        return found

    def nonce(self, token: str, owner: str) -> int:
        return int(self._call(token, _NONCES, owner))

    def sign_permit(
        self, domain: PermitDomain, owner: str, spender: str, value: int, deadline: int
    ) -> PermitSignature | None:
        """`owner`'s permit for `spender` to pull `value` until `deadline`, signed through the connection
        (eth_signTypedData_v4); None if nothing on the connection can sign for `owner`."""
        typed = {
            "types": PERMIT_TYPES,
            "primaryType": "Permit",
            "domain": {
                "name": domain.name,
                "version": domain.version,
                "chainId": domain.chain_id,
                "verifyingContract": domain.token,
            },
            # uint256 values as decimal strings: a JSON number loses precision past 2^53 in JavaScript nodes
            "message": {
                "owner": owner,
                "spender": spender,
                "value": str(value),
                "nonce": str(self.nonce(domain.token, owner)),
                "deadline": str(deadline),
            },
        }
        try:  # as an object: Ganache refuses the JSON string MetaMask takes; anvil takes both
            signature = self.w3.manager.request_blocking(RPCEndpoint("eth_signTypedData_v4"), [owner, typed])
        except Exception:  # the node cannot sign for this account (e.g. eth-tester), or has no such method
            return None
        raw = bytes.fromhex(str(signature).removeprefix("0x")) if isinstance(signature, str) else bytes(signature)
        if len(raw) != 65:
            return None
        v = raw[64] if raw[64] >= 27 else raw[64] + 27
        return PermitSignature(v=v, r=raw[:32], s=raw[32:64])
