"""What every Web3 that `dapp` makes carries: facts about the node asked once, and node quirks handled
where they belong (in the connection), so the client, deploy, the demo and scripts never think of them.

- `ChainFacts`: eth_chainId, web3_clientVersion and net_version are answered from memory after the first
  ask. web3.py's validation asks eth_chainId before every eth_call, eth_estimateGas and
  eth_sendTransaction: 4 of the 8 round trips a write made, 6 of deploy's 16.
- `LeanFees`: web3.py's gas-price middleware fetches the latest block before every eth_sendTransaction,
  even when it fills in nothing (no fee field given, or every fee given; no strategy set). This one
  fetches it only when a fee has to be derived from it.
- `GanacheGas`: Ganache 7's eth_estimateGas takes ~0.65 s a call (100 purchases: 66-79 s instead of ~6 s).
  On Ganache it is answered with an eth_call, which still reverts with the contract's error, and a fixed
  limit that covers any Catalog write (or a deployment). Ganache is recognised on its default chain id,
  1337 (a Ganache started with another id is only slower).
- `RequestCounter`: counts the requests that reach the provider (tests and benchmarks).
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from web3.middleware import Web3Middleware
from web3.middleware.gas_price_strategy import GasPriceStrategyMiddleware

if TYPE_CHECKING:
    from web3 import Web3
    from web3.types import MakeRequestFn, RPCEndpoint, RPCResponse

# Ganache's answers instead of estimating. Generous on purpose: the limit only bounds a transaction, the
# sender pays for gas used. The worst Catalog write measured is ~100k; the Catalog deploys with ~2.4M.
# With the pipeline's 20% headroom the deploy limit stays under Ganache's 6,721,975 block gas limit.
GANACHE_CHAIN_ID = 1337  # Ganache's default (ganache-cli, Ganache UI, Brownie's ganache-cli network)
GANACHE_CALL_GAS = 400_000
GANACHE_CREATE_GAS = 5_000_000


class ChainFacts(Web3Middleware):
    """Answer the requests whose result cannot change under an open connection from memory."""

    CACHED = frozenset({"eth_chainId", "web3_clientVersion", "net_version"})

    def __init__(self, w3: Web3, answers: dict[str, RPCResponse]) -> None:
        super().__init__(w3)
        self._answers = answers

    @classmethod
    def build(cls) -> Callable[[Web3], ChainFacts]:
        # web3 re-creates middleware objects whenever the onion changes (e.g. a signer is added); the
        # answers live in the closure so they survive that.
        return functools.partial(cls, answers={})

    def wrap_make_request(self, make_request: MakeRequestFn) -> MakeRequestFn:
        def middleware(method: RPCEndpoint, params: Any) -> RPCResponse:
            if method not in self.CACHED:
                return make_request(method, params)
            answer = self._answers.get(method)
            if answer is None:
                answer = make_request(method, params)
                if "result" in answer:
                    self._answers[method] = answer
            return answer

        return middleware


class LeanFees(GasPriceStrategyMiddleware):
    """web3.py's GasPriceStrategyMiddleware, minus the block fetch when there is nothing to fill."""

    def request_processor(self, method: RPCEndpoint, params: Any) -> Any:
        if method == "eth_sendTransaction":
            tx = params[0]
            priced = any(key in tx for key in ("gasPrice", "maxFeePerGas", "maxPriorityFeePerGas"))
            # Fully priced (the transaction pipeline always is): the block would only fill a missing max fee.
            complete = "gasPrice" in tx or ("maxFeePerGas" in tx and "maxPriorityFeePerGas" in tx)
            if (complete or not priced) and self._w3.eth.generate_gas_price(tx) is None:
                return method, params
        return super().request_processor(method, params)


class GanacheGas(Web3Middleware):
    """On Ganache, eth_estimateGas becomes an eth_call (reverts keep their data) and a fixed limit."""

    def wrap_make_request(self, make_request: MakeRequestFn) -> MakeRequestFn:
        is_ganache: bool | None = None

        def middleware(method: RPCEndpoint, params: Any) -> RPCResponse:
            nonlocal is_ganache
            if method != "eth_estimateGas":
                return make_request(method, params)
            if is_ganache is None:
                w3 = cast("Web3", self._w3)
                # Only a chain with Ganache's chain id is asked who it is: one request less everywhere else.
                try:
                    is_ganache = w3.eth.chain_id == GANACHE_CHAIN_ID and "ganache" in w3.client_version.lower()
                except Exception:
                    is_ganache = False
            if not is_ganache:
                return make_request(method, params)
            tx = params[0]
            block = params[1] if len(params) > 1 else "latest"
            answer = make_request(cast("RPCEndpoint", "eth_call"), [tx, block])
            if "error" in answer:
                return answer
            gas = GANACHE_CALL_GAS if tx.get("to") else GANACHE_CREATE_GAS
            return cast("RPCResponse", {**answer, "result": hex(gas)})

        return middleware


class RequestCounter(Web3Middleware):
    """Counts every request by method, as it leaves for the provider (install it innermost)."""

    def __init__(self, w3: Web3, counts: Counter[str]) -> None:
        super().__init__(w3)
        self._counts = counts

    def wrap_make_request(self, make_request: MakeRequestFn) -> MakeRequestFn:
        def middleware(method: RPCEndpoint, params: Any) -> RPCResponse:
            self._counts[method] += 1
            return make_request(method, params)

        return middleware


def count_requests(w3: Web3) -> Counter[str]:
    """Start counting the JSON-RPC requests `w3` sends to its node; returns the live counter."""
    counts: Counter[str] = Counter()
    # layer 0 is the innermost: what this layer sees is what goes on the wire
    counter: Any = functools.partial(RequestCounter, counts=counts)  # web3 types layers as classes only
    if "request_counter" in w3.middleware_onion:  # a new count replaces the previous one
        w3.middleware_onion.remove("request_counter")
    w3.middleware_onion.inject(counter, name="request_counter", layer=0)
    return counts


def tune(w3: Web3) -> Web3:
    """Install dapp's middleware on a Web3 (connect() and http_web3() do it for you)."""
    onion: Any = w3.middleware_onion  # typed for classes, takes any w3 -> middleware callable
    if "chain_facts" not in onion:
        onion.add(ChainFacts.build(), name="chain_facts")  # outermost, though every layer's own asks come
    if "gas_price_strategy" in onion:  # back in at the top anyway
        onion.replace("gas_price_strategy", LeanFees)
    if "ganache_gas" not in onion:
        onion.inject(GanacheGas, name="ganache_gas", layer=0)  # innermost: sees the request as sent
    return w3
