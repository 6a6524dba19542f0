"""Every error the package raises on purpose: one root, one subclass per domain.

Callers catch `DappError` to handle anything of ours; the CLI turns it into one line on stderr and
exit code 2. Where a builtin is what a caller would expect (ValueError for bad input, TimeoutError for a
timeout), the class inherits it too.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from typing import Any


class DappError(Exception):
    """Root of every error this package raises on purpose."""


class DappValueError(DappError, ValueError):
    """An argument is malformed or out of range. Raised before anything is sent."""


class TokenError(DappValueError):
    """An address given as a currency is not an ERC-20 token this package can price in."""

    def __init__(self, address: str, message: str) -> None:
        self.address = address
        super().__init__(message)


class NotATokenError(TokenError):
    """No ERC-20 token at the address (no code, or it does not answer balanceOf/totalSupply)."""


class TokenDecimalsError(TokenError):
    """The token has no usable `decimals()`: its amounts can be neither shown nor typed."""


class ConfigError(DappError):
    """A configuration file, environment variable or option is wrong."""


class NetworkError(DappError):
    """The chain could not be reached, or a node could not be started."""


class RpcUnavailableError(NetworkError, ConnectionError):
    """The RPC endpoint gave no usable answer (no connection, timeout, HTTP 5xx, malformed JSON), even after
    the retries that are safe for this method."""

    def __init__(
        self, method: str, detail: str, attempts: int = 1, status: int | None = None, not_json_rpc: bool = False
    ) -> None:
        self.method = method
        self.attempts = attempts
        self.status = status  # the HTTP status, if the endpoint answered with one
        self.not_json_rpc = not_json_rpc  # it answered 200, but not in JSON-RPC (a web page, a REST API)
        tries = f" after {attempts} attempts" if attempts > 1 else ""
        super().__init__(f"the RPC gave no usable answer to {method}{tries}: {detail}")


class RateLimitedError(RpcUnavailableError):
    """The RPC kept answering 429 Too Many Requests for longer than we are willing to wait."""

    def __init__(self, method: str, waited: float, attempts: int) -> None:
        self.waited = waited
        super().__init__(method, f"rate limited (HTTP 429) for {waited:.0f} s; try again later", attempts)


class UnknownNetworkError(NetworkError, DappValueError):
    """A network name that is neither a known network nor a URL."""

    def __init__(self, name: str, known: Iterable[str]) -> None:
        self.name = name
        known = sorted(known)
        close = difflib.get_close_matches(name, known, n=1)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        super().__init__(f"unknown network '{name}': use one of {', '.join(known)} or an http(s):// RPC URL.{hint}")


class NetworkMismatchError(NetworkError):
    """The node reports a different chain than the one asked for."""

    def __init__(self, expected: int, actual: int) -> None:
        self.expected = expected
        self.actual = actual
        super().__init__(
            f"connected to chain id {actual}, expected {expected}: check --network/$DAPP_RPC_URL, "
            "or --chain-id/$DAPP_CHAIN_ID"
        )


class AccountError(DappError):
    """No usable signing account (missing key, bad keystore password, no unlocked accounts)."""


class CompilerError(DappError):
    """solc is missing or the contract did not compile."""


class DeploymentError(DappError):
    """Deploying failed, or the registry has no live deployment for this chain."""


class NotDeployedError(DeploymentError):
    """No contract code at the registered address on this chain.

    Deploying is advised only on a dev chain: on any other chain the likelier mistake is the network
    (a registry for chain 31337, an RPC URL of chain 5), so the message names the chains the registry has."""

    def __init__(self, chain_id: int, detail: str, *, dev_chain: bool = True, known_chains: Iterable[int] = ()) -> None:
        self.chain_id = chain_id
        if dev_chain:
            hint = "Run `dapp deploy` first."
        else:
            others = sorted(set(known_chains) - {chain_id})
            where = f" (the registry has a Catalog on chain {', '.join(map(str, others))})" if others else ""
            hint = f"Check --network / $DAPP_RPC_URL{where}, or pin the chain with --chain-id."
        super().__init__(f"Catalog is not deployed on chain {chain_id}: {detail}. {hint}")


class TransactionError(DappError):
    """A transaction was sent but failed, or its receipt did not arrive in time."""

    def __init__(self, message: str, tx_hash: str | None = None) -> None:
        self.tx_hash = tx_hash
        super().__init__(f"{message} (tx {tx_hash})" if tx_hash else message)


class ReceiptTimeout(TransactionError, TimeoutError):
    """The transaction was sent but no receipt arrived within the timeout; it may still be mined."""


class TransactionNotSentError(TransactionError):
    """The node refused the transaction: nothing was broadcast and nothing was spent."""


class InsufficientFundsError(TransactionNotSentError, DappValueError):
    """The account cannot pay what the transaction costs: the purchase itself (checked by the client before
    anything is sent), or value + gas limit x max fee (refused by the node)."""


class FeeTooLowError(TransactionNotSentError):
    """The max fee is below the chain's base fee, or a replacement does not outbid the transaction it replaces."""


class NonceTakenError(TransactionNotSentError):
    """Another transaction already holds this nonce (sent by another wallet using the same key)."""


class SendUnconfirmedError(TransactionError):
    """The send request failed in transit and the node could not be asked whether it arrived.

    The signed transaction is in the journal: `dapp tx status HASH` finds out later. It is never reported
    as failed, because it may have been mined."""


class TransactionDroppedError(TransactionError):
    """The node no longer has the transaction: not in its pool, not mined, and its nonce is still free.

    Nothing was spent; sending again is safe."""


class TransactionReplacedError(TransactionError):
    """The transaction's nonce was used by another transaction (a speedup, a cancel, another wallet)."""


class OutOfGasError(TransactionError):
    """The transaction was mined but ran out of gas: it used its whole gas limit."""


class TransactionFailedError(TransactionError):
    """The transaction was mined and reverted, and the node cannot tell why (no debug_traceTransaction)."""


class ContractRevert(DappError):
    """The contract reverted with one of its custom errors, decoded by name.

    The raised object is an instance of a subclass named after the Solidity error, created on first use
    and cached (`revert_class`): catch `ContractRevert` and match on `.name`, or catch
    `revert_class("CatalogInsufficientStock")`. The decoded arguments are in `.args_by_name`.
    """

    def __init__(self, name: str, args: Mapping[str, Any], tx_hash: str | None = None) -> None:
        self.name = name
        self.args_by_name = dict(args)
        self.tx_hash = tx_hash
        rendered = ", ".join(f"{k}={v!r}" for k, v in self.args_by_name.items())
        super().__init__(f"{name}({rendered})")


class UnknownRevert(ContractRevert):
    """A revert whose data matches no error in the ABI (or carries no data at all)."""

    def __init__(self, data: bytes, tx_hash: str | None = None) -> None:
        self.data = data
        super().__init__("UnknownRevert", {"data": "0x" + data.hex()}, tx_hash)


class IpfsError(DappError):
    """The IPFS node could not be reached or refused a request."""


class KuboPortInUseError(IpfsError):
    """Kubo could not listen on a port it was given: another process took it (a caller that chose the
    port itself may choose another and start again)."""


class CidMismatchError(IpfsError):
    """Content does not hash to the CID it claims (or Kubo disagrees with our importer)."""

    def __init__(self, expected: str, actual: str, what: str = "content") -> None:
        self.expected = expected
        self.actual = actual
        super().__init__(f"{what} has CID {actual}, expected {expected}")


class MetadataError(IpfsError, ValueError):
    """A product or review document fetched from IPFS is not valid JSON of the expected schema."""


class PinServiceError(IpfsError):
    """A pinning endpoint refused a pin, could not be reached, or reported it failed. `endpoint` names it
    (never its token)."""

    def __init__(self, endpoint: str, message: str) -> None:
        self.endpoint = endpoint
        super().__init__(f"pinning endpoint {endpoint}: {message}")


class PinTimeoutError(PinServiceError, TimeoutError):
    """A pin was accepted but did not reach `pinned` in time (`status` is the last one reported)."""

    def __init__(self, endpoint: str, cid: str, status: str, timeout: float) -> None:
        self.cid = cid
        self.status = status
        super().__init__(endpoint, f"{cid} still {status!r} after {timeout:g} s (the endpoint may need longer: "
                         "raise --pin-timeout, or check it can fetch from this node)")  # fmt: skip


class ReleaseError(DappError):
    """`dapp page release` refused to publish: nothing was pinned or published under the name."""


class NameKeyError(ReleaseError):
    """The IPNS name's key cannot be read, imported, or does not match the one Kubo holds."""


class NotReproducibleError(ReleaseError):
    """Two builds of the same checkout and config gave different pages: a release nobody can verify."""

    def __init__(self, first: str, second: str, differing: list[str]) -> None:
        self.first = first
        self.second = second
        self.differing = differing
        files = ", ".join(differing[:5]) + (" ..." if len(differing) > 5 else "")
        super().__init__(
            f"the page build is not reproducible: two builds gave {first} and {second} (files that differ: "
            f"{files or 'none; the directory layout differs'}); nothing was published"
        )


class UnknownReleaseError(ReleaseError, DappValueError):
    """A CID given to --rollback is not a verified release in this chain's record."""


class PageBuildError(DappError):
    """The shop page could not be built (no checkout, Node or its npm packages missing, a build error)."""


class ShippingError(DappError):
    """Encrypted shipping details: their fields, the keys that seal them, the envelope stored on chain."""


class ShippingDetailsError(ShippingError, DappValueError):
    """A shipping address is incomplete or malformed. `field` names the field at fault."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"shipping details: {field} {problem}")


class ShippingKeyError(ShippingError, DappValueError):
    """A shipping key cannot be made or used: a malformed wallet signature, or a public key that is not an
    X25519 key (a seller without one gets no address)."""


class NondeterministicSignerError(ShippingKeyError):
    """The wallet signed the key message twice and gave two different signatures, so the key derived from
    it would change every time and nothing sealed to it could be read again."""

    def __init__(self) -> None:
        super().__init__(
            "this wallet does not sign deterministically (two signatures of the same message differ), so it "
            "cannot hold a shipping key: use a wallet whose signatures are deterministic (RFC 6979), as most "
            "are, or the dapp CLI"
        )


class DecryptionError(ShippingError):
    """An order's shipping details (or its seller's tracking note) cannot be read with this key. The message
    says why as far as it can be known: an AEAD cannot tell a wrong key from an altered ciphertext or one
    copied from another order."""

    def __init__(self, reason: str, what: str = "the shipping details") -> None:
        self.reason = reason
        self.what = what
        super().__init__(f"cannot decrypt {what}: {reason}")


_revert_classes: dict[str, type[ContractRevert]] = {}


def revert_class(name: str) -> type[ContractRevert]:
    """The ContractRevert subclass for a custom error name, created once and cached."""
    cls = _revert_classes.get(name)
    if cls is None:
        cls = type(name, (ContractRevert,), {"__doc__": f"The contract reverted with {name}."})
        _revert_classes[name] = cls
    return cls


class IndexerError(DappError):
    """The indexer could not be started, reached or used. The client then reads the chain itself."""


class IndexerMismatchError(IndexerError):
    """The indexer answers, but for something else: another chain, another Catalog, or not a Catalog
    indexer at all. Nothing it says about this deployment can be used."""


class IndexerBehindError(IndexerError):
    """The indexer's last indexed block is behind the chain's head: its answers would miss recent events."""

    def __init__(self, indexed: int, head: int, waited: float) -> None:
        self.indexed = indexed
        self.head = head
        super().__init__(
            f"the indexer is {head - indexed} blocks behind the chain (block {indexed} of {head}, "
            f"after waiting {waited:g} s)"
        )
