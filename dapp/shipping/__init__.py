"""Encrypted shipping details: the address a buyer seals for the seller and for themselves, stored on chain.

    from dapp.shipping import OrderContext, ShippingDetails, account_keypair, open_envelope, seal

    seller = account_keypair(seller_account, chain_id, catalog)    # or derive_keypair(wallet signature)
    buyer = account_keypair(buyer_account, chain_id, catalog)
    context = OrderContext(chain_id, catalog, product_id, buyer_account.address)
    details = ShippingDetails(name="Ada Lovelace", lines=("12 Rose St",), city="London",
                              postcode="N1 9GU", country="GB", options={"size": "M"})
    order_data = seal(details, seller.public_key, buyer.public_key, context)
    assert open_envelope(order_data, seller, context) == details

The page does the same in frontend/src/crypto/ with the same format (tests/shipping/ runs one against the
other). details.py: the fields and their text; keys.py: keys from wallet signatures; envelope.py: the
envelope; note.py: the seller's tracking note, encrypted to the buyer with the envelope's content key.
"""

from dapp.shipping.details import ShippingDetails, decode_details, encode_details
from dapp.shipping.envelope import OrderContext, content_key, envelope_size, open_envelope, seal
from dapp.shipping.keys import (
    ShippingKeyPair,
    account_keypair,
    derive_keypair,
    derive_keypair_checked,
    key_message,
    parse_public_key,
)
from dapp.shipping.note import check_note, open_note, seal_note

__all__ = [
    "OrderContext",
    "ShippingDetails",
    "ShippingKeyPair",
    "account_keypair",
    "check_note",
    "content_key",
    "decode_details",
    "derive_keypair",
    "derive_keypair_checked",
    "encode_details",
    "envelope_size",
    "key_message",
    "open_envelope",
    "open_note",
    "parse_public_key",
    "seal",
    "seal_note",
]
