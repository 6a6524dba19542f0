// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @dev Product slot 1, everything a purchase reads and writes, as ONE word: price 96 | stock 32 |
/// orderCount 32 | termsVersion 16 | escrowWindow 32 | handlingTime 32 | listed 8 | inToken 8 (low bits
/// first; the layout a struct of these fields would have). A word rather than a struct because the legacy
/// code generator re-reads a storage struct's slot for each field read after a branch and masks each field
/// write separately: a purchase loaded this slot 7 times. Read once into a local, decode with shifts,
/// write back once. Every setter takes a value that already fits its field (checked by the caller).
type Sale is uint256;

using SaleWord for Sale global;

/// @title SaleWord: field access for {Sale}
/// @dev Pure shifts and masks, inlined by the optimizer. The bit offsets below are the storage layout of
/// every listed product: changing one changes what existing slots mean.
library SaleWord {
    uint256 private constant STOCK = 96;
    uint256 private constant ORDER_COUNT = 128;
    uint256 private constant TERMS_VERSION = 160;
    uint256 private constant ESCROW_WINDOW = 176;
    uint256 private constant HANDLING_TIME = 208;
    uint256 private constant LISTED = 240;
    uint256 private constant IN_TOKEN = 248;

    /// @dev The word of a new listing: orderCount 0, termsVersion 0, listed. Each value must fit its field.
    /// @param price_ Price of one unit, < 2^96.
    /// @param stock_ Units available, < 2^32.
    /// @param escrowWindow_ Seconds, < 2^32.
    /// @param handlingTime_ Seconds, < 2^32.
    /// @param inToken_ Priced in an ERC-20 token (the product's currency slot), else in ETH.
    /// @return The packed word.
    function pack(
        uint256 price_,
        uint256 stock_,
        uint256 escrowWindow_,
        uint256 handlingTime_,
        bool inToken_
    ) internal pure returns (Sale) {
        return Sale.wrap(
            price_ | (stock_ << STOCK) | (escrowWindow_ << ESCROW_WINDOW) | (handlingTime_ << HANDLING_TIME)
                | (uint256(1) << LISTED) | ((inToken_ ? uint256(1) : 0) << IN_TOKEN)
        );
    }

    /// @dev Price of one unit at the current terms version, in wei or token units.
    function price(Sale s) internal pure returns (uint256) {
        return uint96(Sale.unwrap(s));
    }

    /// @dev Units available.
    function stock(Sale s) internal pure returns (uint256) {
        return uint32(Sale.unwrap(s) >> STOCK);
    }

    /// @dev Orders ever placed; the last order's number.
    function orderCount(Sale s) internal pure returns (uint256) {
        return uint32(Sale.unwrap(s) >> ORDER_COUNT);
    }

    /// @dev The terms version a purchase must name; bumped by a price or metadata change.
    function termsVersion(Sale s) internal pure returns (uint16) {
        return uint16(Sale.unwrap(s) >> TERMS_VERSION);
    }

    /// @dev Seconds after shipping the buyer has to dispute; 0 for an immediate product.
    function escrowWindow(Sale s) internal pure returns (uint256) {
        return uint32(Sale.unwrap(s) >> ESCROW_WINDOW);
    }

    /// @dev Seconds the seller has to ship an escrowed order.
    function handlingTime(Sale s) internal pure returns (uint256) {
        return uint32(Sale.unwrap(s) >> HANDLING_TIME);
    }

    /// @dev Still for sale (false once delisted; a product that was never listed has a zero word).
    function listed(Sale s) internal pure returns (bool) {
        return uint8(Sale.unwrap(s) >> LISTED) != 0;
    }

    /// @dev Priced in an ERC-20 token (the product's currency slot), else in ETH.
    function inToken(Sale s) internal pure returns (bool) {
        return uint8(Sale.unwrap(s) >> IN_TOKEN) != 0;
    }

    /// @dev `s` with another price; `price_` < 2^96.
    function withPrice(Sale s, uint256 price_) internal pure returns (Sale) {
        return Sale.wrap((Sale.unwrap(s) & ~uint256(type(uint96).max)) | price_);
    }

    /// @dev `s` with another stock; `stock_` < 2^32.
    function withStock(Sale s, uint256 stock_) internal pure returns (Sale) {
        return Sale.wrap((Sale.unwrap(s) & ~(uint256(type(uint32).max) << STOCK)) | (stock_ << STOCK));
    }

    /// @dev `s` with the two fields a purchase writes, in one step; `stock_` and `orderCount_` < 2^32.
    function withStockAndOrderCount(Sale s, uint256 stock_, uint256 orderCount_) internal pure returns (Sale) {
        return Sale.wrap(
            (Sale.unwrap(s) & ~(uint256(type(uint64).max) << STOCK)) | (stock_ << STOCK) | (orderCount_ << ORDER_COUNT)
        );
    }

    /// @dev `s` with another terms version.
    function withTermsVersion(Sale s, uint16 version) internal pure returns (Sale) {
        return Sale.wrap(
            (Sale.unwrap(s) & ~(uint256(type(uint16).max) << TERMS_VERSION)) | (uint256(version) << TERMS_VERSION)
        );
    }

    /// @dev `s` not listed any more, with stock 0.
    function delisted(Sale s) internal pure returns (Sale) {
        uint256 fields = (uint256(type(uint8).max) << LISTED) | (uint256(type(uint32).max) << STOCK);
        return Sale.wrap(Sale.unwrap(s) & ~fields);
    }
}
