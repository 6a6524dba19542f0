// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @dev The two Catalog functions a load generator needs, as the Catalog declares them.
interface ICatalog {
    function listProduct(
        address currency,
        uint256 price,
        uint256 stock,
        uint256 handlingTime,
        uint256 escrowWindow,
        address arbiter,
        bytes32 metadataDigest,
        uint8 metadataCodec
    ) external returns (uint256 productId);

    function buy(
        uint256 productId,
        uint256 quantity,
        address currency,
        uint256 unitPrice,
        uint256 termsVersion,
        bytes calldata orderData
    )
        external
        payable
        returns (uint256 orderNo);
}

/// @title Buyer: one buyer address of a load test, buying only when its BatchStore says so.
/// @notice A TEST helper (bench/ and tests/indexer/): never deploy it anywhere that matters.
contract Buyer {
    address private immutable store;

    /// @notice Only the BatchStore that created this buyer may make it buy.
    error BuyerNotItsStore(address caller);

    constructor() {
        store = msg.sender;
    }

    /// @dev Buys `quantity` of an ETH product at terms version 0 with the ETH sent.
    /// Requirements: called by the BatchStore that created this buyer.
    /// @param catalog The Catalog.
    /// @param productId The product.
    /// @param quantity Units.
    /// @param unitPrice The unit price (msg.value = quantity * unitPrice).
    function buy(ICatalog catalog, uint256 productId, uint256 quantity, uint256 unitPrice) external payable {
        if (msg.sender != store) revert BuyerNotItsStore(msg.sender);
        catalog.buy{value: msg.value}(productId, quantity, address(0), unitPrice, 0, "");
    }
}

/// @title BatchStore: lists products and places orders in batches through the real Catalog, so a
/// benchmark or test can seed a large store with the real events in few transactions.
/// @notice A TEST helper: it is the seller of everything it lists, and its buyers are contracts it creates.
contract BatchStore {
    /// @notice The buyer addresses created so far, by index.
    Buyer[] public buyers;

    /// @notice The three arrays of a batch differ in length.
    error BatchStoreLengthMismatch();

    /// @dev Creates `count` more buyers.
    /// @param count How many.
    function addBuyers(uint256 count) external {
        for (uint256 i = 0; i < count; ++i) {
            buyers.push(new Buyer());
        }
    }

    /// @dev The number of buyers created.
    function buyerCount() external view returns (uint256) {
        return buyers.length;
    }

    /// @dev Lists one ETH product per digest (raw codec), all with the same terms; this contract is the seller.
    /// @param catalog The Catalog.
    /// @param digests The metadata digests, one per product.
    /// @param price Unit price in wei.
    /// @param stock Units of each.
    /// @param handlingTime Seconds to ship (0 with no escrow).
    /// @param escrowWindow Seconds to dispute (0: settles at once).
    function listMany(
        ICatalog catalog,
        bytes32[] calldata digests,
        uint256 price,
        uint256 stock,
        uint256 handlingTime,
        uint256 escrowWindow
    ) external {
        for (uint256 i = 0; i < digests.length; ++i) {
            catalog.listProduct(address(0), price, stock, handlingTime, escrowWindow, address(0), digests[i], 0);
        }
    }

    /// @dev One purchase of one unit per entry: buyer `buyerIndexes[i]` buys product `productIds[i]`.
    /// Requirements: msg.value = entries * unitPrice; every product priced `unitPrice` in ETH at terms 0.
    /// @param catalog The Catalog.
    /// @param buyerIndexes Index into `buyers` per purchase.
    /// @param productIds Product per purchase.
    /// @param unitPrice The products' unit price.
    function buyMany(
        ICatalog catalog,
        uint256[] calldata buyerIndexes,
        uint256[] calldata productIds,
        uint256 unitPrice
    ) external payable {
        if (buyerIndexes.length != productIds.length) revert BatchStoreLengthMismatch();
        for (uint256 i = 0; i < productIds.length; ++i) {
            buyers[buyerIndexes[i]].buy{value: unitPrice}(catalog, productIds[i], 1, unitPrice);
        }
    }
}
