"""The HTTP JSON-RPC transport: kind to the endpoint, honest about what it does not know.

web3.py's HTTPProvider retries every method in its allow-list on any HTTP error, eth_sendRawTransaction
included, so a 500 returned *after* the node accepted a transaction comes back as "nonce too low" or
"already known" from the retry, and a purchase that went through looks failed. It also treats a 429 like
any other error. This provider instead:

- on 429 waits as long as `Retry-After` says (or backs off exponentially) and asks again, for every
  method: a rate limiter refuses before the node sees the request;
- on a transport failure (no connection, timeout, 5xx, malformed JSON) retries only reads, and raises
  `RpcUnavailableError` for a send at once: whether it arrived is a question for the transaction pipeline,
  which asks the node by hash (`dapp.transactions.broadcast`);
- counts as malformed, too, JSON that is not a JSON-RPC answer (neither `result` nor `error`) and a
  `result` of the wrong kind for the methods the package relies on (a chain id that is not a number, a
  receipt that is not an object, logs without topics): web3.py let these through to fail deep inside
  its formatters or our code, a traceback instead of a named error;
- does not retry a 4xx other than 429 (the endpoint refuses that very request: 413 too large, 403).

The connection check is the first eth_chainId, so it is retried like any read before a node is called
unreachable. Answers that cannot change (the chain id) are cached by dapp.middleware.ChainFacts.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from email.utils import parsedate_to_datetime
from typing import Any

import requests
from web3 import HTTPProvider
from web3.types import RPCEndpoint, RPCResponse

from dapp.exceptions import RateLimitedError, RpcUnavailableError

# Methods whose repetition can change what happens on chain: never retried after a transport failure.
SEND_METHODS = frozenset({"eth_sendRawTransaction", "eth_sendTransaction"})


class RpcProvider(HTTPProvider):
    """An HTTPProvider with 429 backoff and retries of reads only."""

    def __init__(
        self,
        endpoint_uri: str,
        *,
        timeout: float = 30.0,
        read_attempts: int = 4,
        retry_delay: float = 0.25,
        rate_limit_patience: float = 60.0,
        max_retry_after: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(endpoint_uri, request_kwargs={"timeout": timeout}, exception_retry_configuration=None)
        self.timeout = timeout
        self.read_attempts = read_attempts
        self.retry_delay = retry_delay
        self.rate_limit_patience = rate_limit_patience
        self.max_retry_after = max_retry_after
        self._sleep = sleep
        self._session = requests.Session()

    # web3 7 and 8 both route single requests through `_make_request(method, bytes) -> bytes`.
    def _make_request(self, method: RPCEndpoint, request_data: bytes) -> bytes:
        return self._post(str(method), request_data, retry_reads=str(method) not in SEND_METHODS)

    def is_connected(self, show_traceback: bool = False) -> bool:
        """One question, no retries: is anything answering right now?"""
        data = self.encode_rpc_request(RPCEndpoint("web3_clientVersion"), [])
        try:
            body = self._post("web3_clientVersion", data, retry_reads=False)
        except RpcUnavailableError:
            if show_traceback:
                raise
            return False
        return "result" in json.loads(body)

    def make_batch_request(self, batch_requests: list[tuple[RPCEndpoint, Any]]) -> list[RPCResponse] | RPCResponse:
        from web3._utils.batching import sort_batch_response_by_response_ids

        names = [str(method) for method, _ in batch_requests]
        reads_only = not SEND_METHODS.intersection(names)
        body = self._post("batch(" + ",".join(names) + ")", self.encode_batch_rpc_request(batch_requests), reads_only)
        response = self.decode_rpc_response(body)
        if not isinstance(response, list):
            return response
        return sort_batch_response_by_response_ids(response)  # type: ignore[arg-type]

    def _post(self, method: str, data: bytes, retry_reads: bool) -> bytes:
        """POST one request; wait out 429s, retry transport failures of reads, return the JSON body."""
        attempts = 0
        failures = 0
        waited = 0.0
        while True:
            attempts += 1
            not_json_rpc = False
            try:
                response = self._session.post(
                    str(self.endpoint_uri), data=data, headers=self.get_request_headers(), timeout=self.timeout
                )
            except requests.RequestException as exc:
                detail = _transport_detail(exc)
            else:
                if response.status_code == 429:
                    delay = self._rate_limit_delay(response, attempts)
                    if waited + delay > self.rate_limit_patience:
                        raise RateLimitedError(method, waited, attempts)
                    self._sleep(delay)
                    waited += delay
                    continue
                problem = _malformed(method, response.content) if response.ok else None
                if response.ok and problem is None:
                    return bytes(response.content)
                not_json_rpc = problem is not None and problem[1]
                if not response.ok:
                    status = response.status_code
                    detail = f"HTTP {status} {response.reason}"
                    # 4xx: the endpoint refuses this very request (413 too large, 403); asking again won't help.
                    if status < 500:
                        raise RpcUnavailableError(method, detail, attempts, status=status)
                elif problem is not None:
                    detail = problem[0]
            failures += 1
            if not retry_reads or failures >= self.read_attempts:
                raise RpcUnavailableError(method, detail, attempts, not_json_rpc=not_json_rpc)
            self._sleep(self.retry_delay * 2 ** (failures - 1))

    def _rate_limit_delay(self, response: requests.Response, attempt: int) -> float:
        """Seconds to wait after a 429: Retry-After (seconds or an HTTP date), else exponential with jitter."""
        header = response.headers.get("Retry-After", "").strip()
        delay: float | None = None
        if header:
            try:
                delay = float(header)
            except ValueError:
                try:
                    delay = parsedate_to_datetime(header).timestamp() - time.time()
                except (TypeError, ValueError):
                    delay = None
        if delay is None:
            delay = min(self.retry_delay * 2 ** (attempt - 1), 8.0) * (1 + random.random() / 4)
        return min(max(delay, 0.0), self.max_retry_after)


def _malformed(method: str, body: bytes) -> tuple[str, bool] | None:
    """Why a 200 answer to `method` is unusable, and whether it is no JSON-RPC answer at all (rather than a
    result of the wrong kind); None if it is a JSON-RPC answer of the right kind."""
    try:
        answer = json.loads(body)
    except ValueError:
        return "the reply is not JSON: " + _excerpt(body), True
    if method.startswith("batch("):
        return (
            None if isinstance(answer, list | dict) else ("the reply is not a JSON-RPC answer: " + _excerpt(body), True)
        )
    if not isinstance(answer, dict) or ("result" not in answer and "error" not in answer):
        return "the reply is not a JSON-RPC answer (neither result nor error): " + _excerpt(body), True
    if "error" in answer or method not in _RESULTS:
        return None
    kind, valid = _RESULTS[method]
    return None if valid(answer["result"]) else (f"the result is not {kind}: " + _excerpt(body), False)


def _excerpt(body: bytes) -> str:
    return body[:80].decode(errors="replace").replace("\n", " ")


def _hex(value: Any, digits: int | None = None) -> bool:
    if not isinstance(value, str) or not value.startswith("0x"):
        return False
    try:
        int(value[2:] or "0", 16)
    except ValueError:
        return False
    return digits is None or len(value) == 2 + digits


def _object(*keys: str) -> Callable[[Any], bool]:
    return lambda value: isinstance(value, dict) and all(key in value for key in keys)


def _or_null(check: Callable[[Any], bool]) -> Callable[[Any], bool]:
    return lambda value: value is None or check(value)


_LOG = _object("address", "topics", "data", "blockNumber", "transactionHash", "logIndex")
_QUANTITY = ("a hex number", _hex)
# The answers the package reads, and what each must be; other methods are left to web3.py.
_RESULTS: dict[str, tuple[str, Callable[[Any], bool]]] = {
    "eth_chainId": _QUANTITY,
    "eth_blockNumber": _QUANTITY,
    "eth_getBalance": _QUANTITY,
    "eth_getTransactionCount": _QUANTITY,
    "eth_estimateGas": _QUANTITY,
    "eth_gasPrice": _QUANTITY,
    "eth_call": ("hex data", _hex),
    "eth_getCode": ("hex data", _hex),
    "eth_sendRawTransaction": ("a transaction hash", lambda value: _hex(value, 64)),
    "eth_getTransactionReceipt": (
        "a receipt or null",
        _or_null(_object("transactionHash", "blockNumber", "status", "gasUsed", "logs")),
    ),
    "eth_getTransactionByHash": ("a transaction or null", _or_null(_object("hash", "from", "nonce"))),
    "eth_getBlockByNumber": ("a block or null", _or_null(_object("number", "hash", "timestamp"))),
    "eth_getLogs": ("a list of logs", lambda value: isinstance(value, list) and all(_LOG(log) for log in value)),
    "eth_feeHistory": ("a fee history", _object("baseFeePerGas")),
}


def _transport_detail(exc: requests.RequestException) -> str:
    if isinstance(exc, requests.Timeout):
        return "timed out"
    if isinstance(exc, requests.ConnectionError):
        return "connection failed or was dropped"
    return type(exc).__name__


def node_message(exc: BaseException) -> str | None:
    """The JSON-RPC error message an exception from web3.py carries, if the node answered with one."""
    response = getattr(exc, "rpc_response", None)
    if isinstance(response, dict):
        error = response.get("error")
        if isinstance(error, dict) and isinstance(error.get("message"), str):
            return str(error["message"])
    for arg in getattr(exc, "args", ()):
        if isinstance(arg, dict) and isinstance(arg.get("message"), str):
            return str(arg["message"])
    if type(exc).__name__ in ("Web3RPCError", "ValueError") and exc.args and isinstance(exc.args[0], str):
        return exc.args[0]
    return None
