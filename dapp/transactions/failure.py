"""Why a mined transaction failed, from its own execution.

The old client replayed a failed transaction as a call at block - 1. That misses every transaction
mined before it in the same block: two buyers racing for the last unit, the loser's replay still saw the
unit in stock and reported "out of gas or reverted". Here the node is asked to trace the transaction
itself (`debug_traceTransaction`); its revert data is decoded by name against the ABI, and running out
of gas is named as such. A node without the debug API (most public RPCs) gets no guess: the error says
the reason is not available from this node.
"""

from __future__ import annotations

from typing import Any

from web3 import Web3
from web3.types import TxReceipt

from dapp._utils.revert import ErrorDecoder
from dapp.exceptions import (
    ContractRevert,
    OutOfGasError,
    RpcUnavailableError,
    TransactionError,
    TransactionFailedError,
    UnknownRevert,
)

_OUT_OF_GAS = ("out of gas", "outofgas", "gas uint64 overflow")


def explain_failure(
    w3: Web3, receipt: TxReceipt, gas_limit: int, decoder: ErrorDecoder | None = None
) -> ContractRevert | TransactionError:
    """The exception that names why the mined transaction `receipt` failed (status 0)."""
    tx_hash = "0x" + bytes(receipt["transactionHash"]).hex()
    gas_used = int(receipt["gasUsed"])
    trace = _trace(w3, tx_hash)
    if trace is None:
        if gas_used >= gas_limit:
            return _out_of_gas(gas_limit, tx_hash)
        return TransactionFailedError(
            "the transaction reverted; the reason is not available from this node (it offers no "
            "debug_traceTransaction)",
            tx_hash,
        )
    error, output = trace
    if error is not None and any(marker in error.lower() for marker in _OUT_OF_GAS):
        return _out_of_gas(gas_limit, tx_hash)
    if output:
        return decoder.decode(output, tx_hash) if decoder is not None else UnknownRevert(output, tx_hash)
    if gas_used >= gas_limit:
        return _out_of_gas(gas_limit, tx_hash)
    return TransactionFailedError(f"the transaction failed without revert data ({error or 'no error given'})", tx_hash)


def _out_of_gas(gas_limit: int, tx_hash: str) -> OutOfGasError:
    return OutOfGasError(f"ran out of gas: it used its whole gas limit of {gas_limit}; raise --gas-limit", tx_hash)


def _trace(w3: Web3, tx_hash: str) -> tuple[str | None, bytes] | None:
    """(error, revert output) from the node's trace of the transaction, or None if it will not trace."""
    try:
        response: Any = w3.provider.make_request(
            "debug_traceTransaction",  # type: ignore[arg-type]
            [tx_hash, {"tracer": "callTracer", "tracerConfig": {"onlyTopCall": True}, "disableStorage": True}],
        )
    except RpcUnavailableError:
        return None
    result = response.get("result") if isinstance(response, dict) else None
    if not isinstance(result, dict):
        return None
    if "structLogs" in result:  # Ganache: the default struct logger, whatever tracer is asked for
        return _from_struct_logs(result["structLogs"])
    error = result.get("error")
    return (str(error) if error is not None else None), _hex_bytes(result.get("output"))


def _from_struct_logs(logs: Any) -> tuple[str | None, bytes]:
    """(error, revert data) from the last step of a struct-log trace: a REVERT at the top level returns
    memory[offset : offset + size], with offset on top of the stack and size below it."""
    if not isinstance(logs, list) or not logs or not isinstance(logs[-1], dict):
        return None, b""
    last = logs[-1]
    error = str(last.get("error") or "") or None
    stack, memory = last.get("stack") or [], last.get("memory") or []
    if last.get("op") != "REVERT" or last.get("depth") != 1 or len(stack) < 2:
        return error, b""
    offset, size = int(stack[-1], 16), int(stack[-2], 16)
    return error, _hex_bytes("".join(memory))[offset : offset + size]


def _hex_bytes(value: Any) -> bytes:
    if not isinstance(value, str):
        return b""
    text = value.removeprefix("0x")
    try:
        return bytes.fromhex(text)
    except ValueError:
        return b""
