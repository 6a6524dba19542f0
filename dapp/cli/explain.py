"""Plain-language messages for the reverts a user provokes by timing or role (kept to one line).

Reverts not named here print as decoded, `CatalogInsufficientStock(productId=1, requested=5, ...)`.
"""

from __future__ import annotations

from datetime import UTC, datetime

from dapp.exceptions import ContractRevert


def when(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def explain(error: ContractRevert) -> str | None:
    """A sentence for the reverts a user hits by acting too early, too late or in the wrong role."""
    a = error.args_by_name
    order = f"{a.get('productId')}-{a.get('orderNo')}"
    if error.name == "CatalogHandlingTimeNotOver":
        return (
            f"order {order} cannot be cancelled yet: the seller has until {when(a['deadline'])} to ship it (chain time)"
        )
    if error.name == "CatalogDisputeWindowClosed":
        return f"order {order} can no longer be disputed: its escrow window closed at {when(a['deadline'])}"
    if error.name == "CatalogEscrowNotExpired":
        return f"order {order} cannot be released before {when(a['releasableAt'])}, when its escrow window ends"
    if error.name == "CatalogNotArbiter":
        return f"{a['caller']} is not the arbiter of product {a['productId']}: only its arbiter resolves disputes"
    if error.name == "CatalogArbiterIsParty":
        return f"order {order} was placed by the arbiter itself: it cannot be resolved, only refunded or confirmed"
    if error.name == "CatalogInvalidSplit":
        return f"the buyer's share {a['buyerAmount']} is more than the order's amount {a['amount']}"
    if error.name == "CatalogShipDeadlinePassed":
        return (
            f"order {order} can no longer be shipped: its handling time ended at {when(a['deadline'])}; the buyer "
            f"may cancel it (or you may both settle it: `dapp settle`)"
        )
    if error.name == "CatalogNotParty":
        return f"{a['caller']} is neither the buyer nor the seller of order {order}: only they can settle it"
    if error.name == "CatalogNoOffer":
        return f"order {order} has no open settlement offer (make one with `dapp settle {order} --buyer-amount X`)"
    if error.name == "CatalogOfferMismatch":
        return (
            f"the open offer on order {order} gives the buyer {a['offered']}, not {a['accepted']}: it changed, "
            f"read it again (`dapp orders`) before accepting"
        )
    if error.name == "CatalogOwnOffer":
        return f"the open offer on order {order} is your own: the other party accepts it (or you --withdraw it)"
    if error.name == "CatalogSellerIsBuyer":
        return f"you are the seller of product {a['productId']}: a seller cannot buy its own product"
    if error.name == "CatalogOrderDataTooLarge":
        return f"the order data is {a['size']} bytes; a purchase carries at most {a['max']}"
    if error.name == "CatalogWrongOrderState":
        return f"order {order} is {a['state']}: that action needs another state"
    return None
