// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @dev An order, ONE word: buyer 160 | quantity 32 | at 40 | termsVersion 16 | status 8 (low bits first;
/// the layout a struct of these fields would have). A word rather than a struct for the same reason as
/// {Sale}: a struct literal written to storage is built in memory first, and each field read after a
/// branch is another SLOAD. `at` is the time the order was placed until it ships, then the time it
/// shipped (seconds; 40 bits last until year 36812); quantity <= stock < 2^32; status is the
/// ICatalog.OrderState in the low 7 bits and the Catalog's SHIPPED flag (bit 7) once the order has shipped.
type Order is uint256;

using OrderWord for Order global;

/// @title OrderWord: field access for {Order}
/// @dev Pure shifts and masks, inlined by the optimizer. The bit offsets below are the storage layout of
/// every order placed: changing one changes what existing slots mean.
library OrderWord {
    uint256 private constant QUANTITY = 160;
    uint256 private constant AT = 192;
    uint256 private constant TERMS_VERSION = 232;
    uint256 private constant STATUS = 248;

    /// @dev The word of a new order. Each value must fit its field.
    /// @param buyer_ Who placed it.
    /// @param quantity_ Units bought, < 2^32.
    /// @param at_ When it was placed (seconds), < 2^40.
    /// @param termsVersion_ The product's terms version it was placed at, < 2^16.
    /// @param status_ Its state (and flags).
    /// @return The packed word.
    function pack(address buyer_, uint256 quantity_, uint256 at_, uint256 termsVersion_, uint8 status_)
        internal
        pure
        returns (Order)
    {
        return Order.wrap(
            uint256(uint160(buyer_)) | (quantity_ << QUANTITY) | (at_ << AT) | (termsVersion_ << TERMS_VERSION)
                | (uint256(status_) << STATUS)
        );
    }

    /// @dev Who placed the order (and is refunded, if ever).
    function buyer(Order o) internal pure returns (address) {
        return address(uint160(Order.unwrap(o)));
    }

    /// @dev Units bought.
    function quantity(Order o) internal pure returns (uint256) {
        return uint32(Order.unwrap(o) >> QUANTITY);
    }

    /// @dev When the order was placed until it ships, then when it shipped (seconds).
    function at(Order o) internal pure returns (uint256) {
        return uint40(Order.unwrap(o) >> AT);
    }

    /// @dev The product's terms version the order was placed at: it names the unit price paid.
    function termsVersion(Order o) internal pure returns (uint16) {
        return uint16(Order.unwrap(o) >> TERMS_VERSION);
    }

    /// @dev The state byte: the order's state and flags; 0 for an order never placed.
    function status(Order o) internal pure returns (uint8) {
        return uint8(Order.unwrap(o) >> STATUS);
    }

    /// @dev `o` with another state byte.
    function withStatus(Order o, uint8 status_) internal pure returns (Order) {
        return Order.wrap((Order.unwrap(o) & ~(uint256(type(uint8).max) << STATUS)) | (uint256(status_) << STATUS));
    }

    /// @dev `o` with another time and state byte, in one step (shipping); `at_` < 2^40.
    function withAtAndStatus(Order o, uint256 at_, uint8 status_) internal pure returns (Order) {
        uint256 cleared = Order.unwrap(o) & ~((uint256(type(uint40).max) << AT) | (uint256(type(uint8).max) << STATUS));
        return Order.wrap(cleared | (at_ << AT) | (uint256(status_) << STATUS));
    }
}
