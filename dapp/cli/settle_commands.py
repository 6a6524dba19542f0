"""`dapp settle`: end an order by agreement. Either party offers a split, the other accepts it."""

from __future__ import annotations

from collections.abc import Callable

import click

from dapp.cli.common import session
from dapp.cli.options import NetworkArgs, TxArgs, network_options, tx_options
from dapp.cli.output import echo_err, emit, progress
from dapp.cli.paramtypes import split_amount
from dapp.exceptions import DappValueError
from dapp.types import Order, OrderRef, SettlementOffer

SETTLE_RULES = (
    "A settlement ends the order for good: the buyer gets the agreed amount back, the seller the rest "
    "(both withdraw it). Units go back on sale only if the order never shipped."
)


def _role(order: Order, account: str | None) -> str:
    if account is not None and account.lower() == order.buyer.lower():
        return "buyer"
    return "seller"


def describe_offer(offer: SettlementOffer, format_amount: Callable[[int], str]) -> str:
    """'the seller offers 4.75 tUSD back to the buyer and 4.75 tUSD to the seller'."""
    return (
        f"the {offer.author} offers {format_amount(offer.buyer_amount)} back to the buyer and "
        f"{format_amount(offer.seller_amount)} to the seller"
    )


@click.command("settle")
@click.argument("order")
@click.option(
    "--buyer-amount",
    help="Offer (or, with --accept, name) the buyer's share in the order's currency (4.75tUSD, 0.01ether, "
    "'all' or 'none'); the seller gets the rest.",
)
@click.option("--accept", is_flag=True, help="Accept the other party's open offer (the amount it names now).")
@click.option("--withdraw", "withdraw_offer", is_flag=True, help="Withdraw your own open offer.")
@network_options
@tx_options
def settle(
    order: str, buyer_amount: str | None, accept: bool, withdraw_offer: bool, net: NetworkArgs, tx: TxArgs
) -> None:
    """Buyer or seller: end a paid, shipped or disputed ORDER by agreement.

    `--buyer-amount X` offers a split (replacing any open offer); the other party accepts it with
    `--accept`, which names the same amount, so an offer changed meanwhile cannot be accepted by mistake;
    `--withdraw` takes your offer back."""
    ref = OrderRef.parse(order)
    if accept and withdraw_offer:
        raise DappValueError("give one of --accept and --withdraw, not both")
    if withdraw_offer and buyer_amount is not None:
        raise DappValueError("--withdraw takes back your open offer: it takes no --buyer-amount")
    if not (accept or withdraw_offer or buyer_amount is not None):
        raise DappValueError(
            "give --buyer-amount X to offer a split, --accept to accept the open offer, or --withdraw to take "
            "back your own"
        )
    if buyer_amount is not None and buyer_amount.strip().lower() not in ("all", "none"):
        split_amount(buyer_amount)  # the amount's form is checked before connecting
    with session(net, tx=tx) as s:
        client = s.client()
        current = client.order(ref)
        token = client.token(current.currency)
        if withdraw_offer:
            progress(f"withdrawing your settlement offer on order {ref}")
            done = client.withdraw_settlement(ref)
            emit(
                net.as_json,
                {"order": str(ref), "action": "withdraw", "tx": done.tx_hash},
                f"order {ref}: your settlement offer is withdrawn (tx {done.tx_hash})",
            )
            return
        share: int | None = None
        if buyer_amount is not None:
            word = buyer_amount.strip().lower()
            if word in ("all", "none"):
                share = current.amount if word == "all" else 0
            else:
                share = s.price(client, buyer_amount, token.address)[1]
        if accept:
            offer = current.offer
            if share is None:
                # No amount named: accept the offer as read now, said in words before sending. If it changes
                # before this is mined, the contract refuses (CatalogOfferMismatch); with no offer at all it
                # says so by name (CatalogNoOffer).
                share = offer.buyer_amount if offer is not None else 0
            if offer is not None:
                echo_err(f"order {ref}: {describe_offer(offer, token.format)}. {SETTLE_RULES}")
            progress(f"accepting the settlement of order {ref}: {token.format(share)} back to the buyer")
            settled = client.accept_settlement(ref, share)
            emit(
                net.as_json,
                {
                    "order": str(ref),
                    "action": "accept",
                    "buyerAmount": str(settled.buyer_amount),
                    "sellerAmount": str(settled.seller_amount),
                    "tx": settled.tx.tx_hash,
                },
                f"order {ref} settled: {token.format(settled.buyer_amount)} to the buyer, "
                f"{token.format(settled.seller_amount)} to the seller (withdraw with `dapp withdraw`)",
            )
            return
        assert share is not None
        other = "seller" if _role(current, s.account) == "buyer" else "buyer"
        echo_err(
            f"order {ref}: offering {token.format(share)} back to the buyer and "
            f"{token.format(max(current.amount - share, 0))} to the seller; it takes effect when the {other} "
            f"accepts it (`dapp settle {ref} --accept`). {SETTLE_RULES}"
        )
        progress(f"offering a settlement of order {ref}")
        offered = client.offer_settlement(ref, share)
    emit(
        net.as_json,
        {
            "order": str(ref),
            "action": "offer",
            "by": offered.by,
            "buyerAmount": str(offered.buyer_amount),
            "sellerAmount": str(current.amount - offered.buyer_amount),
            "tx": offered.tx.tx_hash,
        },
        f"order {ref}: offered {token.format(offered.buyer_amount)} back to the buyer, "
        f"{token.format(current.amount - offered.buyer_amount)} to the seller; waiting for the {other} to accept",
    )
