"""Where the gas of an action goes: bench_gas's sequence again, on an anvil that records every step
(`--steps-tracing`), and for each action named here its gasUsed split into the transaction's 21,000,
calldata, storage reads and writes, logs, hashing, calls out (a token's own code included), the
Catalog's own code, and the refund. Writes bench/results/gas_trace.json.

This is how the README's floors for the missed goals are computed: what the storage, calldata and logs
of an action cost before any of the Catalog's own code runs.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from web3 import Web3

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.bench_gas import Bench, measure  # noqa: E402
from dapp.networks import http_web3  # noqa: E402
from dapp.nodes import AnvilNode  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "gas_trace.json"
# action -> the Catalog function it calls (bench_gas's names)
ACTIONS = {"buy_escrow": "buy", "buy_erc20": "buy", "offer_settlement": "offerSettlement",
           "accept_settlement": "acceptSettlement"}  # fmt: skip
KINDS = {"SLOAD": "storage_reads", "SSTORE": "storage_writes", "KECCAK256": "hashing", "CALL": "calls_out",
         "STATICCALL": "calls_out", "DELEGATECALL": "calls_out"}  # fmt: skip


class TracingBench(Bench):
    """Bench that remembers every transaction it measures: (function, gasUsed, hash). On the class, since
    measure() makes the instance; anvil mines each transaction alone in a block, the latest."""

    sent: list[tuple[str, int, bytes]] = []

    def gas(self, call: Any, sender: str, value: int = 0) -> int:
        used = super().gas(call, sender, value)
        self.sent.append((call.fn_name, used, bytes(self.w3.eth.get_block("latest")["transactions"][-1])))
        return used


def split(w3: Web3, tx_hash: bytes) -> dict[str, int]:
    """The gasUsed of one transaction by kind, from its step trace. Each top-level step is charged what the
    gas left dropped by until the next top-level step, so a call is charged with everything it ran."""
    trace = w3.provider.make_request("debug_traceTransaction", [Web3.to_hex(tx_hash), {}])  # type: ignore[arg-type]
    steps = [s for s in trace["result"]["structLogs"] if s["depth"] == 1]
    used = Counter[str]()
    for here, after in zip(steps, [*steps[1:], None], strict=True):
        consumed = here["gas"] - after["gas"] if after else here["gasCost"]
        op = here["op"]
        used["logs" if op.startswith("LOG") else KINDS.get(op, "catalog_code")] += consumed
    data = bytes(w3.eth.get_transaction(tx_hash)["input"])  # type: ignore[arg-type]
    calldata = sum(4 if b == 0 else 16 for b in data)
    gas_used = int(w3.eth.get_transaction_receipt(tx_hash)["gasUsed"])  # type: ignore[arg-type]
    refund = 21_000 + calldata + sum(used.values()) - gas_used
    return {"gas_used": gas_used, "transaction": 21_000, "calldata": calldata, **dict(sorted(used.items())),
            "refund": -refund}  # fmt: skip


def main() -> int:
    with AnvilNode(extra_args=["--steps-tracing"]) as node:
        w3 = http_web3(node.url)
        steady = measure(w3, bench=TracingBench)["steady"]
        result: dict[str, Any] = {}
        for action, fn in ACTIONS.items():
            # the action's transaction: the last one of its function with its measured gas
            tx = [h for name, gas, h in TracingBench.sent if name == fn and gas == steady[action]][-1]
            parts = split(w3, tx)
            assert sum(v for k, v in parts.items() if k != "gas_used") == parts["gas_used"], parts
            result[action] = parts
    RESULTS.write_text(json.dumps({"chain": "anvil 1.7.1 --steps-tracing", "actions": result}, indent=2) + "\n")
    for action, parts in result.items():
        print(f"{action}: " + ", ".join(f"{k} {v:,}" for k, v in parts.items()))
    print(f"wrote {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
