// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @dev A settlement offer on an order, ONE word: buyerAmount 128 | bySeller 1 | open 1 (low bits first,
/// flags in bits 254 and 255). buyerAmount <= the order's amount = quantity * unitPrice < 2^32 * 2^96.
/// The word is kept per order, apart from the order's own word, so that a purchase and every action
/// without an offer never touch it. An offer is open only while the word says so AND the order is still
/// escrowed (Paid, Shipped or Disputed): an order that ends any other way leaves a stale word behind that
/// no function reads as open, so confirm, refund, cancel, release and resolve need not clear it.
type Offer is uint256;

using OfferWord for Offer global;

/// @title OfferWord: field access for {Offer}
/// @dev Pure shifts and masks, inlined by the optimizer.
library OfferWord {
    uint256 private constant BY_SELLER = 1 << 254;
    uint256 private constant OPEN = 1 << 255;

    /// @dev The word of an open offer.
    /// @param bySeller_ True: the seller made it; false: the buyer.
    /// @param buyerAmount_ What the buyer gets back, < 2^128.
    /// @return The packed word.
    function pack(bool bySeller_, uint256 buyerAmount_) internal pure returns (Offer) {
        return Offer.wrap(OPEN | (bySeller_ ? BY_SELLER : 0) | buyerAmount_);
    }

    /// @dev Whether the word holds an offer (open unless the order has left escrow).
    function isOpen(Offer o) internal pure returns (bool) {
        return Offer.unwrap(o) & OPEN != 0;
    }

    /// @dev True: the seller made the offer; false: the buyer.
    function bySeller(Offer o) internal pure returns (bool) {
        return Offer.unwrap(o) & BY_SELLER != 0;
    }

    /// @dev What the offer gives the buyer back.
    function buyerAmount(Offer o) internal pure returns (uint256) {
        return uint128(Offer.unwrap(o));
    }
}
