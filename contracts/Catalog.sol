// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title Catalog: an ownerless store
/// @notice Anyone lists products; anyone buys them. Nobody, not even the deployer, can pause, upgrade,
/// seize funds or take a cut: every function is a view, open to anyone, or restricted to the party it
/// belongs to (a product's seller, an order's buyer).
/// @dev Storage is packed for the hot paths:
/// - A product is three slots: {seller, ratings}, {price, stock, window, counters, codec, listed},
///   {metadata digest}. An escrowed purchase touches the second one only.
/// - An order is ONE slot {buyer, quantity, createdAt, priceVersion, state}, keyed by (productId,
///   orderNo) with orderNo counted per product, so a purchase writes one new slot and updates the product
///   slot it already read, with no global counter. The amount paid is not stored: it is quantity times
///   the price of the order's price version, and a price change archives the old price first.
/// - Payments are pulled: sales, releases and refunds credit `withdrawable`, and `withdraw` sends it.
/// Room for ERC-20 prices: slot 1 of a product has 32 spare bits for a currency id, and `withdrawable`
/// would become keyed by (account, currency). Not built yet.
contract Catalog {
    /*//////////////////////////////////////////////////////////////
                                 TYPES
    //////////////////////////////////////////////////////////////*/

    /// @notice How the metadata digest becomes a CIDv1: multicodec raw (0x55) or dag-pb (0x70), sha2-256.
    enum Codec {
        Raw,
        DagPb
    }

    /// @notice Escrowed: paid, funds held. Completed: seller credited. Refunded: buyer credited.
    /// Reviewed: completed and reviewed (a review needs a completed order, once).
    enum OrderState {
        None,
        Escrowed,
        Completed,
        Refunded,
        Reviewed
    }

    struct Product {
        // slot 0: who is paid, and the ratings reviews add to (24 bits spare)
        address seller;
        uint32 ratingCount;
        uint40 ratingSum;
        // slot 1: all an escrowed purchase reads and writes (32 bits spare: room for a currency id)
        uint96 price;
        uint32 stock;
        uint32 escrowWindow;
        uint32 orderCount;
        uint16 priceVersion;
        Codec metadataCodec;
        bool listed;
        // slot 2: read by views only
        bytes32 metadataDigest;
    }

    struct Order {
        address buyer;
        uint32 quantity;
        uint40 createdAt;
        uint16 priceVersion;
        OrderState state;
    }

    /// @notice A product as the views return it.
    struct ProductView {
        uint256 id;
        address seller;
        uint256 price;
        uint256 stock;
        uint256 escrowWindow;
        uint256 orderCount;
        uint256 ratingCount;
        uint256 ratingSum;
        bytes32 metadataDigest;
        Codec metadataCodec;
        bool listed;
    }

    /// @notice An order as the views return it, with the amount paid and the escrow deadline resolved.
    struct OrderView {
        uint256 productId;
        uint256 orderNo;
        address buyer;
        uint256 quantity;
        uint256 amount;
        uint256 createdAt;
        uint256 releasableAt;
        OrderState state;
    }

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    /// @notice A product was listed; its terms are readable through `getProduct`.
    event ProductListed(uint256 indexed productId, address indexed seller);
    event PriceChanged(uint256 indexed productId, uint256 price, uint256 priceVersion);
    event StockChanged(uint256 indexed productId, uint256 stock);
    event MetadataChanged(uint256 indexed productId, bytes32 metadataDigest, Codec metadataCodec);
    event ProductDelisted(uint256 indexed productId);
    /// @notice An order was placed; `escrowed` says whether its funds wait for confirmation.
    event Purchased(
        uint256 indexed productId, address indexed buyer, uint256 orderNo, uint256 quantity, bool escrowed
    );
    event OrderConfirmed(uint256 indexed productId, uint256 indexed orderNo);
    event OrderReleased(uint256 indexed productId, uint256 indexed orderNo);
    event OrderRefunded(uint256 indexed productId, uint256 indexed orderNo);
    event Reviewed(
        uint256 indexed productId,
        address indexed reviewer,
        uint256 orderNo,
        uint8 rating,
        bytes32 reviewDigest,
        Codec reviewCodec
    );
    event Withdrawn(address indexed account, uint256 amount);

    /*//////////////////////////////////////////////////////////////
                              CUSTOM ERRORS
    //////////////////////////////////////////////////////////////*/

    error CatalogUnknownProduct(uint256 productId);
    error CatalogNotSeller(uint256 productId, address caller);
    error CatalogProductDelisted(uint256 productId);
    error CatalogInvalidPrice(uint256 price);
    error CatalogInvalidStock(uint256 stock);
    error CatalogInvalidEscrowWindow(uint256 escrowWindow);
    error CatalogInvalidMetadata(bytes32 digest, uint8 codec);
    error CatalogTooManyPriceChanges(uint256 productId);
    error CatalogInvalidQuantity(uint256 quantity);
    error CatalogInsufficientStock(uint256 productId, uint256 requested, uint256 available);
    error CatalogPriceChanged(uint256 productId, uint256 expected, uint256 actual);
    error CatalogWrongPayment(uint256 sent, uint256 required);
    error CatalogTooManyOrders(uint256 productId);
    error CatalogUnknownOrder(uint256 productId, uint256 orderNo);
    error CatalogNotBuyer(uint256 productId, uint256 orderNo, address caller);
    error CatalogOrderNotEscrowed(uint256 productId, uint256 orderNo, OrderState state);
    error CatalogEscrowNotExpired(uint256 productId, uint256 orderNo, uint256 releasableAt);
    error CatalogOrderNotReviewable(uint256 productId, uint256 orderNo, OrderState state);
    error CatalogInvalidRating(uint256 rating);
    error CatalogNothingToWithdraw(address account);
    error CatalogWithdrawFailed(address account, uint256 amount);

    /*//////////////////////////////////////////////////////////////
                                 STORAGE
    //////////////////////////////////////////////////////////////*/

    /// @notice Number of products ever listed; ids run from 1 to productCount.
    uint256 public productCount;

    mapping(uint256 productId => Product) private _products;
    mapping(uint256 productId => mapping(uint256 orderNo => Order)) private _orders;
    /// @dev Prices of earlier price versions, written when a price changes; the current one lives in slot 0.
    mapping(uint256 productId => mapping(uint256 priceVersion => uint256)) private _pastPrices;

    /// @notice Wei each account can withdraw now: seller proceeds and buyer refunds.
    mapping(address account => uint256) public withdrawable;

    /*//////////////////////////////////////////////////////////////
                            SELLER FUNCTIONS
    //////////////////////////////////////////////////////////////*/

    /// @notice List a product for sale; the caller becomes its seller.
    /// @dev Requirements:
    /// - `price` is 1 .. 2^96-1 wei, `stock` at most 2^32-1, `escrowWindow` at most 2^32-1 seconds.
    /// - `metadataDigest` is nonzero and `metadataCodec` is 0 (raw) or 1 (dag-pb).
    /// Emits a {ProductListed} event.
    /// @param price Price of one unit in wei.
    /// @param stock Units available.
    /// @param escrowWindow Seconds the buyer has to confirm before the seller may release; 0 settles at once.
    /// @param metadataDigest sha2-256 digest of the CIDv1 of the product's metadata JSON on IPFS.
    /// @param metadataCodec CID codec of that document: 0 raw, 1 dag-pb.
    /// @return productId The new product's id.
    function listProduct(
        uint256 price,
        uint256 stock,
        uint256 escrowWindow,
        bytes32 metadataDigest,
        uint8 metadataCodec
    ) external returns (uint256 productId) {
        if (price == 0 || price > type(uint96).max) revert CatalogInvalidPrice(price);
        if (stock > type(uint32).max) revert CatalogInvalidStock(stock);
        if (escrowWindow > type(uint32).max) revert CatalogInvalidEscrowWindow(escrowWindow);
        Codec codec = _checkedCodec(metadataDigest, metadataCodec);

        productId = ++productCount;
        _products[productId] = Product({
            seller: msg.sender,
            ratingCount: 0,
            ratingSum: 0,
            price: uint96(price),
            stock: uint32(stock),
            escrowWindow: uint32(escrowWindow),
            orderCount: 0,
            priceVersion: 0,
            metadataCodec: codec,
            listed: true,
            metadataDigest: metadataDigest
        });
        emit ProductListed(productId, msg.sender);
    }

    /// @notice Change the price of one unit. Orders already placed keep the price they paid.
    /// @dev Requirements: caller is the seller; the product is listed; `price` is 1 .. 2^96-1.
    /// Emits a {PriceChanged} event.
    /// @param productId The product.
    /// @param price New price in wei.
    function setPrice(uint256 productId, uint256 price) external {
        Product storage product = _sellerProduct(productId);
        if (price == 0 || price > type(uint96).max) revert CatalogInvalidPrice(price);
        uint16 version = product.priceVersion;
        if (version == type(uint16).max) revert CatalogTooManyPriceChanges(productId);
        // Archive the old price only if an order refers to it: otherwise no one will ask for it.
        if (product.orderCount != 0) _pastPrices[productId][version] = product.price;
        unchecked {
            ++version; // cannot overflow: checked against type(uint16).max above
        }
        product.price = uint96(price);
        product.priceVersion = version;
        emit PriceChanged(productId, price, version);
    }

    /// @notice Set the units available.
    /// @dev Requirements: caller is the seller; the product is listed; `stock` at most 2^32-1.
    /// Emits a {StockChanged} event.
    /// @param productId The product.
    /// @param stock New number of units available.
    function setStock(uint256 productId, uint256 stock) external {
        Product storage product = _sellerProduct(productId);
        if (stock > type(uint32).max) revert CatalogInvalidStock(stock);
        product.stock = uint32(stock);
        emit StockChanged(productId, stock);
    }

    /// @notice Point the product at a new metadata document.
    /// @dev Requirements: caller is the seller; the product is listed; digest nonzero; codec 0 or 1.
    /// Emits a {MetadataChanged} event.
    /// @param productId The product.
    /// @param metadataDigest sha2-256 digest of the new document's CIDv1.
    /// @param metadataCodec CID codec of that document: 0 raw, 1 dag-pb.
    function setMetadata(uint256 productId, bytes32 metadataDigest, uint8 metadataCodec) external {
        Product storage product = _sellerProduct(productId);
        Codec codec = _checkedCodec(metadataDigest, metadataCodec);
        product.metadataDigest = metadataDigest;
        product.metadataCodec = codec;
        emit MetadataChanged(productId, metadataDigest, codec);
    }

    /// @notice Stop selling a product, for good. Open orders can still be confirmed, released or refunded.
    /// @dev Requirements: caller is the seller; the product is listed.
    /// Emits a {ProductDelisted} event.
    /// @param productId The product.
    function delist(uint256 productId) external {
        Product storage product = _sellerProduct(productId);
        product.listed = false;
        product.stock = 0;
        emit ProductDelisted(productId);
    }

    /*//////////////////////////////////////////////////////////////
                             BUYER FUNCTIONS
    //////////////////////////////////////////////////////////////*/

    /// @notice Buy `quantity` units, paying exactly `quantity * expectedUnitPrice` wei.
    /// @dev Requirements:
    /// - the product exists and is listed; `quantity` is 1 .. stock.
    /// - the current price equals `expectedUnitPrice` (a price change between signing and mining reverts).
    /// - `msg.value == quantity * price`.
    /// With an escrow window of 0 the seller is credited at once; otherwise the funds wait in escrow.
    /// Emits a {Purchased} event.
    /// @param productId The product.
    /// @param quantity Units to buy.
    /// @param expectedUnitPrice The unit price the buyer agreed to, in wei.
    /// @return orderNo The order's number within this product (orders are keyed by productId, orderNo).
    function buy(uint256 productId, uint256 quantity, uint256 expectedUnitPrice)
        external
        payable
        returns (uint256 orderNo)
    {
        // Reads slot 0 (seller) only to credit an immediate sale or to name an error.
        Product storage product = _products[productId];
        if (!product.listed) {
            if (product.seller == address(0)) revert CatalogUnknownProduct(productId);
            revert CatalogProductDelisted(productId);
        }
        uint256 stock = product.stock;
        uint256 price = product.price;
        if (quantity == 0) revert CatalogInvalidQuantity(quantity);
        if (quantity > stock) revert CatalogInsufficientStock(productId, quantity, stock);
        if (expectedUnitPrice != price) revert CatalogPriceChanged(productId, expectedUnitPrice, price);
        uint256 amount = quantity * price; // cannot overflow: < 2^32 * 2^96
        if (msg.value != amount) revert CatalogWrongPayment(msg.value, amount);
        orderNo = uint256(product.orderCount) + 1;
        if (orderNo > type(uint32).max) revert CatalogTooManyOrders(productId);

        bool escrowed = product.escrowWindow != 0;
        // cannot underflow: quantity <= stock; orderNo fits: checked above
        product.stock = uint32(stock - quantity);
        product.orderCount = uint32(orderNo);
        _orders[productId][orderNo] = Order({
            buyer: msg.sender,
            quantity: uint32(quantity),
            createdAt: uint40(block.timestamp),
            priceVersion: product.priceVersion,
            state: escrowed ? OrderState.Escrowed : OrderState.Completed
        });
        if (!escrowed) withdrawable[product.seller] += amount;
        emit Purchased(productId, msg.sender, orderNo, quantity, escrowed);
    }

    /// @notice Confirm receipt of an escrowed order: its funds go to the seller.
    /// @dev Requirements: caller is the order's buyer; the order is escrowed.
    /// Emits an {OrderConfirmed} event.
    /// @param productId The product.
    /// @param orderNo The order's number within the product.
    function confirm(uint256 productId, uint256 orderNo) external {
        Order storage order = _escrowedOrder(productId, orderNo);
        if (order.buyer != msg.sender) revert CatalogNotBuyer(productId, orderNo, msg.sender);
        _settle(productId, order, OrderState.Completed);
        emit OrderConfirmed(productId, orderNo);
    }

    /// @notice Rate a completed order (1 to 5) and point at a review document on IPFS. Once per order.
    /// @dev Requirements: caller is the order's buyer; the order is completed and not yet reviewed;
    /// `rating` is 1..5; the review digest is nonzero and `reviewCodec` is 0 or 1.
    /// Emits a {Reviewed} event.
    /// @param productId The product.
    /// @param orderNo The order's number within the product.
    /// @param rating Stars, 1 to 5.
    /// @param reviewDigest sha2-256 digest of the review document's CIDv1.
    /// @param reviewCodec CID codec of that document: 0 raw, 1 dag-pb.
    function review(uint256 productId, uint256 orderNo, uint256 rating, bytes32 reviewDigest, uint8 reviewCodec)
        external
    {
        Order storage order = _orders[productId][orderNo];
        Order memory o = order;
        if (o.state == OrderState.None) revert CatalogUnknownOrder(productId, orderNo);
        if (o.buyer != msg.sender) revert CatalogNotBuyer(productId, orderNo, msg.sender);
        if (o.state != OrderState.Completed) revert CatalogOrderNotReviewable(productId, orderNo, o.state);
        if (rating == 0 || rating > 5) revert CatalogInvalidRating(rating);
        Codec codec = _checkedCodec(reviewDigest, reviewCodec);

        order.state = OrderState.Reviewed;
        Product storage product = _products[productId];
        unchecked {
            // cannot overflow: one review per order and at most 2^32-1 orders, each adding at most 5
            product.ratingCount += 1;
            product.ratingSum += uint40(rating);
        }
        emit Reviewed(productId, msg.sender, orderNo, uint8(rating), reviewDigest, codec);
    }

    /*//////////////////////////////////////////////////////////////
                               SETTLEMENT
    //////////////////////////////////////////////////////////////*/

    /// @notice Release an escrowed order's funds to the seller once its escrow window has passed.
    /// @dev Requirements: caller is the product's seller; the order is escrowed;
    /// `block.timestamp >= createdAt + escrowWindow`.
    /// Emits an {OrderReleased} event.
    /// @param productId The product.
    /// @param orderNo The order's number within the product.
    function release(uint256 productId, uint256 orderNo) external {
        Order storage order = _escrowedOrder(productId, orderNo);
        Product storage product = _products[productId];
        if (product.seller != msg.sender) revert CatalogNotSeller(productId, msg.sender);
        uint256 releasableAt = uint256(order.createdAt) + product.escrowWindow;
        if (block.timestamp < releasableAt) revert CatalogEscrowNotExpired(productId, orderNo, releasableAt);
        _settle(productId, order, OrderState.Completed);
        emit OrderReleased(productId, orderNo);
    }

    /// @notice Refund an escrowed order in full to its buyer; the units return to stock.
    /// @dev Requirements: caller is the product's seller; the order is escrowed. Allowed at any time,
    /// also after the product is delisted (then the units do not return to sale).
    /// Emits an {OrderRefunded} event.
    /// @param productId The product.
    /// @param orderNo The order's number within the product.
    function refund(uint256 productId, uint256 orderNo) external {
        Order storage order = _escrowedOrder(productId, orderNo);
        Product storage product = _products[productId];
        if (product.seller != msg.sender) revert CatalogNotSeller(productId, msg.sender);
        if (product.listed) {
            // Saturate rather than revert: a refund must never be blocked by a seller's stock setting.
            product.stock = uint32(_min(uint256(product.stock) + order.quantity, type(uint32).max));
        }
        _settle(productId, order, OrderState.Refunded);
        emit OrderRefunded(productId, orderNo);
    }

    /// @notice Send the caller everything credited to it (sales, releases, refunds).
    /// @dev Requirements: the caller has a nonzero balance; the transfer to it succeeds.
    /// No reentrancy guard, on purpose: the balance is zeroed and the event emitted before the only
    /// external call, so a reentrant call sees a settled state (tests attack it); a guard would add
    /// ~2.3k gas to every withdrawal.
    /// Emits a {Withdrawn} event.
    function withdraw() external {
        uint256 amount = withdrawable[msg.sender];
        if (amount == 0) revert CatalogNothingToWithdraw(msg.sender);
        withdrawable[msg.sender] = 0;
        emit Withdrawn(msg.sender, amount);
        (bool ok,) = msg.sender.call{value: amount}("");
        if (!ok) revert CatalogWithdrawFailed(msg.sender, amount);
    }

    /*//////////////////////////////////////////////////////////////
                                  VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @notice One product.
    /// @dev Requirements: the product exists.
    /// @param productId The product.
    function getProduct(uint256 productId) external view returns (ProductView memory) {
        if (productId == 0 || productId > productCount) revert CatalogUnknownProduct(productId);
        return _productView(productId);
    }

    /// @notice Products `offset + 1` .. `offset + limit` (fewer at the end; empty past it).
    /// @param offset Number of products to skip.
    /// @param limit Most products to return.
    function getProducts(uint256 offset, uint256 limit) external view returns (ProductView[] memory page) {
        uint256 count = productCount;
        uint256 n = offset >= count ? 0 : _min(limit, count - offset);
        page = new ProductView[](n);
        for (uint256 i = 0; i < n; ++i) {
            page[i] = _productView(offset + i + 1);
        }
    }

    /// @notice One order.
    /// @dev Requirements: the order exists.
    /// @param productId The product.
    /// @param orderNo The order's number within the product.
    function getOrder(uint256 productId, uint256 orderNo) external view returns (OrderView memory) {
        if (_orders[productId][orderNo].state == OrderState.None) revert CatalogUnknownOrder(productId, orderNo);
        return _orderView(productId, orderNo);
    }

    /// @notice Orders `offset + 1` .. `offset + limit` of one product (fewer at the end; empty past it).
    /// @dev Requirements: the product exists.
    /// @param productId The product.
    /// @param offset Number of orders to skip.
    /// @param limit Most orders to return.
    function getOrders(uint256 productId, uint256 offset, uint256 limit)
        external
        view
        returns (OrderView[] memory page)
    {
        if (productId == 0 || productId > productCount) revert CatalogUnknownProduct(productId);
        uint256 count = _products[productId].orderCount;
        uint256 n = offset >= count ? 0 : _min(limit, count - offset);
        page = new OrderView[](n);
        for (uint256 i = 0; i < n; ++i) {
            page[i] = _orderView(productId, offset + i + 1);
        }
    }

    /*//////////////////////////////////////////////////////////////
                                INTERNALS
    //////////////////////////////////////////////////////////////*/

    function _sellerProduct(uint256 productId) private view returns (Product storage product) {
        product = _products[productId];
        if (product.seller != msg.sender) {
            if (product.seller == address(0)) revert CatalogUnknownProduct(productId);
            revert CatalogNotSeller(productId, msg.sender);
        }
        if (!product.listed) revert CatalogProductDelisted(productId);
    }

    function _escrowedOrder(uint256 productId, uint256 orderNo) private view returns (Order storage order) {
        order = _orders[productId][orderNo];
        OrderState state = order.state;
        if (state == OrderState.None) revert CatalogUnknownOrder(productId, orderNo);
        if (state != OrderState.Escrowed) revert CatalogOrderNotEscrowed(productId, orderNo, state);
    }

    /// @dev Moves an escrowed order's funds to the seller (Completed) or back to the buyer (Refunded).
    function _settle(uint256 productId, Order storage order, OrderState outcome) private {
        Product storage product = _products[productId];
        uint256 amount = order.quantity * _priceAt(productId, product, order.priceVersion);
        order.state = outcome;
        address payee = outcome == OrderState.Completed ? product.seller : order.buyer;
        withdrawable[payee] += amount;
    }

    function _priceAt(uint256 productId, Product storage product, uint16 version) private view returns (uint256) {
        return version == product.priceVersion ? product.price : _pastPrices[productId][version];
    }

    function _checkedCodec(bytes32 digest, uint8 codec) private pure returns (Codec) {
        if (digest == bytes32(0) || codec > uint8(type(Codec).max)) revert CatalogInvalidMetadata(digest, codec);
        return Codec(codec);
    }

    function _productView(uint256 productId) private view returns (ProductView memory) {
        Product storage p = _products[productId];
        return ProductView({
            id: productId,
            seller: p.seller,
            price: p.price,
            stock: p.stock,
            escrowWindow: p.escrowWindow,
            orderCount: p.orderCount,
            ratingCount: p.ratingCount,
            ratingSum: p.ratingSum,
            metadataDigest: p.metadataDigest,
            metadataCodec: p.metadataCodec,
            listed: p.listed
        });
    }

    function _orderView(uint256 productId, uint256 orderNo) private view returns (OrderView memory) {
        Order storage o = _orders[productId][orderNo];
        Product storage p = _products[productId];
        return OrderView({
            productId: productId,
            orderNo: orderNo,
            buyer: o.buyer,
            quantity: o.quantity,
            amount: uint256(o.quantity) * _priceAt(productId, p, o.priceVersion),
            createdAt: o.createdAt,
            releasableAt: uint256(o.createdAt) + p.escrowWindow,
            state: o.state
        });
    }

    function _min(uint256 a, uint256 b) private pure returns (uint256) {
        return a < b ? a : b;
    }
}
