"""The transaction pipeline: simulate -> send -> wait for the receipt -> name the failure.

It knows nothing about the Catalog: a write is a `TxRequest` (target, calldata, value, a label for
messages), so the client and `deploy_catalog` share it, and a new contract version changes only the
domain API above it. Arguments are validated by whoever builds the request (the client checks ranges,
`AbiFunction` checks types); the pipeline checks there is a sender.

Each step is one method, and the only place its kind of work happens:

- `simulate`: eth_estimateGas, which is both the simulation (a revert is raised by name, nothing is
  sent) and the gas limit. On Ganache the connection answers it with an eth_call (dapp.middleware).
- `send`: the only place a transaction leaves. A journal of sent transactions, a nonce manager and fee
  options belong here.
- `wait`: the only receipt poll loop. Pacing to the block time and backoff belong here.
- `failure`: names what a mined, failed transaction hit.

Round trips per write on a dev node with unlocked accounts: eth_estimateGas, eth_sendTransaction and
eth_getTransactionReceipt (again only while the block is not yet visible). Through web3.py's
`ContractFunction.transact()` the same write took 8 (eth_chainId 4 times, the latest block for fees the
node fills itself); figures in bench/results/reads.json (`client_overhead`).
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from web3 import Web3
from web3.exceptions import TransactionNotFound
from web3.types import TxParams, TxReceipt, Wei

from dapp._utils.revert import ErrorDecoder, as_dapp_error
from dapp.exceptions import ContractRevert, DappValueError, ReceiptTimeout, TransactionError
from dapp.types import TxResult

GAS_HEADROOM = 1.2  # state can change between the estimate and the block; unused gas is not charged
GAS_EXTRA = 10_000


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


class TransactionPipeline:
    """Sends writes for one sender on one connection. Reverts come out as ContractRevert subclasses named
    by `errors` (the target contract's ABI); any other failure is a DappError."""

    def __init__(
        self,
        w3: Web3,
        sender: str | None,
        *,
        errors: ErrorDecoder | None = None,
        receipt_timeout: float = 120.0,
        poll_interval: float = 0.05,
    ) -> None:
        self.w3 = w3
        self.sender = sender
        self.errors = errors
        self.receipt_timeout = receipt_timeout
        self.poll_interval = poll_interval

    def execute(self, request: TxRequest) -> Mined:
        """Simulate, send and wait: a revert found while simulating is raised by name and nothing is sent."""
        simulated = self.simulate(request)
        tx_hash = self.send(simulated)
        receipt = self.wait(tx_hash)
        result = TxResult(tx_hash=tx_hash, block_number=int(receipt["blockNumber"]), gas_used=int(receipt["gasUsed"]))
        if receipt["status"] != 1:
            raise self.failure(simulated, receipt, tx_hash)
        created = receipt.get("contractAddress")
        return Mined(tx=result, logs=list(receipt["logs"]), contract_address=str(created) if created else None)

    def simulate(self, request: TxRequest) -> Simulated:
        """Run the write without sending it: its revert by name, else the gas limit to send it with."""
        sender = self.require_sender()
        probe = Simulated(request, sender, 0).params()
        del probe["gas"]
        try:
            estimate = int(self.w3.eth.estimate_gas(probe))
        except Exception as exc:
            raise as_dapp_error(exc, self.errors) from None
        return Simulated(request, sender, int(estimate * GAS_HEADROOM) + GAS_EXTRA)

    def send(self, simulated: Simulated) -> str:
        """Hand the transaction to the node (which signs for its unlocked accounts, or web3's signing
        middleware for a key we hold); returns the hash."""
        try:
            tx_hash = self.w3.eth.send_transaction(simulated.params())
        except Exception as exc:
            raise as_dapp_error(exc, self.errors) from None
        return "0x" + bytes(tx_hash).hex()

    def wait(self, tx_hash: str) -> TxReceipt:
        """Poll for the receipt until `receipt_timeout`."""
        deadline = time.monotonic() + self.receipt_timeout
        while True:
            try:
                return self.w3.eth.get_transaction_receipt(tx_hash)  # type: ignore[arg-type]
            except TransactionNotFound:
                pass
            except Exception as exc:
                raise as_dapp_error(exc, self.errors, tx_hash) from None
            if time.monotonic() >= deadline:
                raise ReceiptTimeout(
                    f"no receipt within {self.receipt_timeout:.0f} s; the transaction may still be mined", tx_hash
                )
            time.sleep(self.poll_interval)

    def failure(self, simulated: Simulated, receipt: TxReceipt, tx_hash: str) -> Exception:
        """Re-run a failed transaction as a call on the state before its block to learn which error it hit."""
        replay = simulated.params()
        del replay["gas"]
        try:
            self.w3.eth.call(replay, block_identifier=int(receipt["blockNumber"]) - 1)
        except Exception as exc:
            found = as_dapp_error(exc, self.errors, tx_hash)
            if isinstance(found, ContractRevert):
                return found
        return TransactionError(
            f"{simulated.request.label} failed (out of gas or reverted): gas used {receipt['gasUsed']}", tx_hash
        )

    def require_sender(self) -> str:
        if not self.sender:
            raise DappValueError("no account selected: pass account= or set w3.eth.default_account")
        return self.sender
