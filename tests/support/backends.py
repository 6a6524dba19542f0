"""The two chains the contract tests run on, behind one small interface used by `CatalogEnv`.

- `TesterChain`: eth-tester (py-evm in this process). No ports, deterministic; ~50-100 ms a transaction.
  The unit tests run here.
- `AnvilChain`: a real anvil process (paris hardfork, the EVM we compile for), spoken to in raw JSON-RPC
  over one keep-alive HTTP session, with web3.py's request pipeline (fee and nonce filling, receipt
  formatting) left out of the hot path. The long property test and the view-cost test run here.

What differs between them, and how each is done:
- views: eth-tester's `call`, or a raw `eth_call`; a revert raises an exception carrying the revert data
  (TransactionFailed, or web3's ContractLogicError), which dapp._utils.revert reads on both;
- a transaction's revert: eth-tester replays the call on the block before; anvil returns the revert data
  of the transaction itself through `debug_traceTransaction`'s callTracer, so a revert that depends on
  the exact second is seen in the block it happened in;
- snapshots: `take_snapshot`/`revert_to_snapshot`, or `evm_snapshot`/`evm_revert` (anvil forgets a
  snapshot once reverted to, and every later one: take a new one each time);
- time: `time_travel`, or `evm_setNextBlockTimestamp`. anvil runs with a block timestamp interval of one
  second (`anvil_setBlockTimestampInterval`), so its clock never follows the wall clock: the next block is
  the last one plus one second unless a test moves it, as on eth-tester, and a run replays exactly;
- dev keys (for permits) and raw storage writes (for counters out of reach of real transactions).
"""

from __future__ import annotations

import http.client
import json
import socket
import time
import urllib.parse
from collections.abc import Sequence
from typing import Any, Protocol

from eth_account import Account
from eth_tester import EthereumTester
from eth_utils import to_canonical_address, to_checksum_address
from web3 import Web3
from web3.exceptions import ContractLogicError

from dapp.nodes import DEV_MNEMONIC

RECEIPT_TIMEOUT = 30.0  # seconds; anvil automines, so a receipt is normally there in a millisecond or two


class Chain(Protocol):
    """What CatalogEnv needs from a chain besides web3.py."""

    name: str
    w3: Web3

    def keys(self, accounts: Sequence[str]) -> dict[str, bytes]: ...

    def call(self, tx: dict[str, Any]) -> bytes: ...

    def calls(self, txs: Sequence[dict[str, Any]]) -> list[bytes]: ...

    def transact(self, fn: Any, tx: dict[str, Any]) -> dict[str, Any]: ...

    def snapshot(self) -> Any: ...

    def revert(self, snapshot: Any) -> None: ...

    def pending_timestamp(self) -> int: ...

    def set_next_timestamp(self, timestamp: int) -> None: ...

    def block_timestamp(self, number: int) -> int: ...

    def get_storage(self, address: str, slot: int) -> int: ...

    def set_storage(self, address: str, slot: int, word: int) -> None: ...


class TesterChain:
    """eth-tester with py-evm, in this process."""

    name = "eth-tester"

    def __init__(self, tester: EthereumTester, w3: Web3) -> None:
        self.tester = tester
        self.w3 = w3

    def keys(self, accounts: Sequence[str]) -> dict[str, bytes]:
        return {a: k.to_bytes() for a, k in zip(accounts, self.tester.backend.account_keys, strict=False)}

    def call(self, tx: dict[str, Any]) -> bytes:
        raw = self.tester.call(tx)  # a revert raises eth-tester's TransactionFailed with the revert data
        return bytes.fromhex(raw[2:]) if isinstance(raw, str) else bytes(raw)

    def calls(self, txs: Sequence[dict[str, Any]]) -> list[bytes]:
        return [self.call(tx) for tx in txs]

    def transact(self, fn: Any, tx: dict[str, Any]) -> dict[str, Any]:
        """Send; a reverted transaction is replayed as a call on the state of the block before it (each
        transaction is mined in its own block here), which raises eth-tester's TransactionFailed with the
        revert data. The replay runs with that block's timestamp, one second earlier: a revert that
        depends on the exact second (release at the deadline) is tested from both sides."""
        receipt = dict(self.w3.eth.get_transaction_receipt(fn.transact(tx)))
        if receipt["status"] != 1:
            if not hasattr(fn, "call"):
                raise AssertionError(f"deployment reverted: {receipt}")
            fn.call(tx, block_identifier=receipt["blockNumber"] - 1)
            raise AssertionError(f"transaction reverted on chain but its replay did not: {receipt}")
        return receipt

    def snapshot(self) -> Any:
        return self.tester.take_snapshot()

    def revert(self, snapshot: Any) -> None:
        self.tester.revert_to_snapshot(snapshot)

    def pending_timestamp(self) -> int:
        return int(self.w3.eth.get_block("pending")["timestamp"])

    def set_next_timestamp(self, timestamp: int) -> None:
        """py-evm stamps a new pending block with max(parent + 1, wall clock): a target less than a second
        or two ahead of the wall clock may be overtaken."""
        self.tester.time_travel(timestamp)

    def block_timestamp(self, number: int) -> int:
        return int(self.w3.eth.get_block(number)["timestamp"])

    def _state(self) -> Any:
        chain = self.tester.backend.chain
        return chain, chain.get_vm(chain.header).state

    def get_storage(self, address: str, slot: int) -> int:
        return int(self._state()[1].get_storage(to_canonical_address(address), slot))

    def set_storage(self, address: str, slot: int, word: int) -> None:
        chain, state = self._state()
        state.set_storage(to_canonical_address(address), slot, word)
        state.persist()
        chain.header = chain.header.copy(state_root=state.state_root)
        self.tester.mine_blocks()


class RpcError(Exception):
    """A JSON-RPC error that is not a revert."""


class RpcConnection:
    """JSON-RPC over one keep-alive HTTP/1.1 connection, each request written in a single send.

    requests (as web3.py uses it) costs ~2 ms a request more on this 2-core machine: it looks up proxy
    settings in the environment every time, and it (like http.client) writes headers and body in two
    sends, so anvil wakes up twice. The property test makes ~6 requests a step, so that was most of a
    step's time."""

    def __init__(self, url: str) -> None:
        parts = urllib.parse.urlsplit(url)
        self._address = (parts.hostname or "127.0.0.1", parts.port or 80)
        self._head = f"POST {parts.path or '/'} HTTP/1.1\r\nHost: {parts.netloc}\r\nContent-Type: application/json\r\n"
        self._sock: socket.socket | None = None
        self._id = 0

    def _connect(self) -> socket.socket:
        sock = socket.create_connection(self._address, timeout=600)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock

    def post(self, body: Any) -> Any:
        data = json.dumps(body).encode()
        request = f"{self._head}Content-Length: {len(data)}\r\n\r\n".encode() + data
        for attempt in (1, 2):  # the node may close an idle keep-alive connection: reconnect once
            if self._sock is None:
                self._sock = self._connect()
            try:
                self._sock.sendall(request)
                response = http.client.HTTPResponse(self._sock)
                response.begin()
                reply = response.read()
                if response.will_close:
                    self.close()
                break
            except (OSError, http.client.HTTPException):
                self.close()
                if attempt == 2:
                    raise
        if response.status != 200:
            raise RpcError(f"HTTP {response.status}: {reply[:200]!r}")
        return json.loads(reply)

    def request(self, method: str, params: Sequence[Any]) -> Any:
        self._id += 1
        return self.post({"jsonrpc": "2.0", "id": self._id, "method": method, "params": list(params)})

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None


def _raise(method: str, error: dict[str, Any]) -> None:
    data = error.get("data")
    if isinstance(data, str) and data.startswith("0x") and "revert" in error.get("message", ""):
        raise ContractLogicError(error["message"], data=data)
    raise RpcError(f"{method}: {error}")


class AnvilChain:
    """A running anvil, in raw JSON-RPC. `w3` (web3.py over the same URL) serves the rest: logs, blocks,
    balances, contract objects."""

    name = "anvil"

    def __init__(self, url: str, accounts: int = 10) -> None:
        self.url = url
        self.w3 = Web3(Web3.HTTPProvider(url))
        self._rpc = RpcConnection(url)
        self._accounts = accounts
        self.rpc("anvil_setBlockTimestampInterval", 1)

    def rpc(self, method: str, *params: Any) -> Any:
        reply = self._rpc.request(method, params)
        if "error" in reply:
            _raise(method, reply["error"])
        return reply["result"]

    def batch(self, calls: Sequence[tuple[str, Sequence[Any]]]) -> list[Any]:
        """Many requests in one HTTP request, results in order; the first error (a revert too) raises."""
        if not calls:
            return []
        body = [
            {"jsonrpc": "2.0", "id": i, "method": method, "params": list(params)}
            for i, (method, params) in enumerate(calls)
        ]
        replies = sorted(self._rpc.post(body), key=lambda r: int(r["id"]))
        for (method, _), reply in zip(calls, replies, strict=True):
            if "error" in reply:
                _raise(method, reply["error"])
        return [r["result"] for r in replies]

    def keys(self, accounts: Sequence[str]) -> dict[str, bytes]:
        """anvil's dev accounts are the first ones of the dev mnemonic's standard derivation path."""
        Account.enable_unaudited_hdwallet_features()
        keys = {}
        for i in range(self._accounts):
            account = Account.from_mnemonic(DEV_MNEMONIC, account_path=f"m/44'/60'/0'/0/{i}")
            keys[account.address] = bytes(account.key)
        assert set(accounts) <= set(keys), "anvil's accounts are not the dev mnemonic's"
        return {a: keys[a] for a in accounts}

    def call(self, tx: dict[str, Any]) -> bytes:
        return bytes.fromhex(self.rpc("eth_call", _hexed(tx), "latest")[2:])

    def calls(self, txs: Sequence[dict[str, Any]]) -> list[bytes]:
        """Many eth_calls in one HTTP request."""
        results = self.batch([("eth_call", (_hexed(tx), "latest")) for tx in txs])
        return [bytes.fromhex(r[2:]) for r in results]

    def send(self, tx: dict[str, Any]) -> str:
        """eth_sendTransaction without waiting: the transaction hash."""
        return str(self.rpc("eth_sendTransaction", _hexed(tx)))

    def receipt(self, tx_hash: str) -> dict[str, Any]:
        """The receipt, polled for (anvil may answer eth_sendTransaction before the block is visible)."""
        deadline = time.monotonic() + RECEIPT_TIMEOUT
        while (receipt := self.rpc("eth_getTransactionReceipt", tx_hash)) is None:
            if time.monotonic() > deadline:
                raise TimeoutError(f"no receipt for {tx_hash} after {RECEIPT_TIMEOUT} s")
            time.sleep(0.001)
        return _receipt(receipt)

    def transact(self, fn: Any, tx: dict[str, Any]) -> dict[str, Any]:
        """Send `fn` (a web3.py contract function or constructor) and wait for its receipt; a reverted
        transaction (with explicit gas, anvil mines it, status 0) raises ContractLogicError with the revert
        data the transaction itself returned."""
        if hasattr(fn, "data_in_transaction"):  # a constructor: a deployment
            tx = {**tx, "data": fn.data_in_transaction}
        else:  # web3.py would fill fees and nonce with three more requests; anvil does it itself
            tx = {**tx, "to": fn.address, "data": fn._encode_transaction_data()}
        tx_hash = self.send(tx)
        receipt = self.receipt(tx_hash)
        if receipt["status"] != 1:
            trace = self.rpc("debug_traceTransaction", tx_hash, {"tracer": "callTracer"})
            raise ContractLogicError(f"execution reverted: {trace.get('error')}", data=trace.get("output", "0x"))
        return receipt

    def close(self) -> None:
        self._rpc.close()

    def snapshot(self) -> Any:
        return self.rpc("evm_snapshot")

    def revert(self, snapshot: Any) -> None:
        assert self.rpc("evm_revert", snapshot) is True, f"anvil has no snapshot {snapshot}"

    def pending_timestamp(self) -> int:
        return int(self.rpc("eth_getBlockByNumber", "pending", False)["timestamp"], 16)

    def set_next_timestamp(self, timestamp: int) -> None:
        self.rpc("evm_setNextBlockTimestamp", timestamp)

    def block_timestamp(self, number: int) -> int:
        return int(self.rpc("eth_getBlockByNumber", hex(number), False)["timestamp"], 16)

    def get_storage(self, address: str, slot: int) -> int:
        return int(self.rpc("eth_getStorageAt", address, hex(slot), "latest"), 16)

    def set_storage(self, address: str, slot: int, word: int) -> None:
        self.rpc("anvil_setStorageAt", address, hex(slot), "0x" + word.to_bytes(32, "big").hex())
        self.rpc("evm_mine")


def _hexed(tx: dict[str, Any]) -> dict[str, Any]:
    """A transaction dict as JSON-RPC wants it: quantities in hex, data as 0x-hex."""
    out: dict[str, Any] = {}
    for key, value in tx.items():
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, int):
            out[key] = hex(value)
        elif isinstance(value, bytes | bytearray):
            out[key] = "0x" + bytes(value).hex()
        else:
            out[key] = value
    return out


def _receipt(raw: dict[str, Any]) -> dict[str, Any]:
    """The fields of a raw receipt the tests read, in web3.py's types (ints, checksummed addresses, logs
    with bytes topics), so receipts from both chains decode alike."""
    address = raw.get("contractAddress")
    return {
        "transactionHash": raw["transactionHash"],
        "status": int(raw["status"], 16),
        "blockNumber": int(raw["blockNumber"], 16),
        "gasUsed": int(raw["gasUsed"], 16),
        "effectiveGasPrice": int(raw["effectiveGasPrice"], 16),
        "contractAddress": to_checksum_address(address) if address else None,
        "logs": [_log(log) for log in raw["logs"]],
    }


def _log(raw: dict[str, Any]) -> dict[str, Any]:
    return {
        "address": to_checksum_address(raw["address"]),
        "topics": [bytes.fromhex(t[2:]) for t in raw["topics"]],
        "data": bytes.fromhex(raw["data"][2:]),
        "blockNumber": int(raw["blockNumber"], 16),
        "transactionHash": raw["transactionHash"],
        "transactionIndex": int(raw["transactionIndex"], 16),
        "blockHash": raw["blockHash"],
        "logIndex": int(raw["logIndex"], 16),
    }
