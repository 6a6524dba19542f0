"""Transaction fees: defaults with headroom, the user's overrides, and the bump a replacement needs.

EIP-1559 defaults come from one `eth_feeHistory` call (the next block's base fee and the tips recent
blocks paid): max fee = 2 x next base fee + tip. The base fee can rise 12.5% a block, so doubling it
covers about six full blocks in a row before a transaction is priced out; the user pays only base fee +
tip, whatever the max. Chains without a base fee get `eth_gasPrice`.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import Any

from web3 import Web3

from dapp.exceptions import DappValueError, FeeTooLowError, RpcUnavailableError

BASE_FEE_HEADROOM = 2
HISTORY_BLOCKS = 5
TIP_PERCENTILE = 50
# 0.001 gwei: the lowest tip geth-based pools (and the OP stack's suggestion) accept; tips are tiny on L2s.
MIN_TIP = 10**6
# Nodes refuse a replacement that does not raise both fees by 10% (geth's txpool.pricebump); a margin.
REPLACEMENT_BUMP = (9, 8)


@dataclass(frozen=True)
class FeeOverrides:
    """What the user set with --max-fee, --priority-fee and --gas-limit (None: our default)."""

    max_fee: int | None = None
    priority_fee: int | None = None
    gas_limit: int | None = None

    def __post_init__(self) -> None:
        for name in ("max_fee", "priority_fee", "gas_limit"):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
                raise DappValueError(f"{name.replace('_', ' ')} must be a non-negative integer, got {value!r}")
        if self.max_fee is not None and self.priority_fee is not None and self.priority_fee > self.max_fee:
            raise DappValueError(f"priority fee {self.priority_fee} is above max fee {self.max_fee}")
        if self.gas_limit is not None and self.gas_limit < 21_000:
            raise DappValueError(f"gas limit {self.gas_limit} is below 21000, the cost of any transaction")


@dataclass(frozen=True)
class Fees:
    """Fee fields of one transaction: EIP-1559 (`max_fee` and `priority_fee`) or legacy (`gas_price`)."""

    max_fee: int | None = None
    priority_fee: int | None = None
    gas_price: int | None = None
    base_fee: int | None = None  # the next block's base fee when these were chosen (None on legacy chains)

    @property
    def dynamic(self) -> bool:
        return self.max_fee is not None

    @property
    def cap(self) -> int:
        """The most the sender can pay per gas."""
        value = self.max_fee if self.max_fee is not None else self.gas_price
        assert value is not None
        return value

    def params(self) -> dict[str, Any]:
        if self.dynamic:
            return {"maxFeePerGas": self.max_fee, "maxPriorityFeePerGas": self.priority_fee}
        return {"gasPrice": self.gas_price}


def suggest_fees(w3: Web3, overrides: FeeOverrides | None = None) -> Fees:
    """Fees for a transaction sent now: one RPC call (eth_feeHistory; eth_gasPrice on legacy chains)."""
    overrides = overrides or FeeOverrides()
    history = _fee_history(w3)
    if history is None:
        price = overrides.max_fee if overrides.max_fee is not None else int(w3.eth.gas_price)
        return Fees(gas_price=price)
    base_fee, tips = history
    tip = overrides.priority_fee
    if tip is None:
        tip = max(int(statistics.median(tips)) if tips else 0, MIN_TIP)
        if overrides.max_fee is not None:
            tip = min(tip, overrides.max_fee)
    max_fee = overrides.max_fee if overrides.max_fee is not None else BASE_FEE_HEADROOM * base_fee + tip
    if max_fee < base_fee:
        raise FeeTooLowError(
            f"--max-fee {_gwei(max_fee)} is below the next block's base fee {_gwei(base_fee)}: it cannot be mined now"
        )
    return Fees(max_fee=max_fee, priority_fee=tip, base_fee=base_fee)


def replacement_fees(old: Fees, current: Fees) -> Fees:
    """Fees that outbid `old` (each raised by 12.5%, rounded up) and are at least today's defaults."""
    num, den = REPLACEMENT_BUMP
    if old.dynamic and current.dynamic:
        assert old.max_fee is not None and old.priority_fee is not None
        assert current.max_fee is not None and current.priority_fee is not None
        tip = max(-(-old.priority_fee * num // den), current.priority_fee, 1)
        max_fee = max(-(-old.max_fee * num // den), current.max_fee, tip)
        return Fees(max_fee=max_fee, priority_fee=tip, base_fee=current.base_fee)
    price = max(-(-old.cap * num // den), current.cap, 1)
    if current.dynamic:  # a legacy transaction replaced on a chain that has since gained a base fee
        return Fees(max_fee=price, priority_fee=price, base_fee=current.base_fee)
    return Fees(gas_price=price)


def _fee_history(w3: Web3) -> tuple[int, list[int]] | None:
    """(next block's base fee, recent tips at the median), or None if the chain has no base fee."""
    try:
        history = w3.eth.fee_history(HISTORY_BLOCKS, "latest", [TIP_PERCENTILE])
    except RpcUnavailableError:
        raise
    except Exception:
        return None  # eth_feeHistory not offered: a pre-London chain
    base_fees = history.get("baseFeePerGas") or []
    if not base_fees or not base_fees[-1]:
        return None
    tips = [int(row[0]) for row in history.get("reward") or [] if row]
    return int(base_fees[-1]), tips


def _gwei(wei: int) -> str:
    return f"{wei / 10**9:.9g} gwei"
