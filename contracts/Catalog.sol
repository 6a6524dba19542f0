// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

import {ICatalog} from "./interfaces/ICatalog.sol";
import {Offer, OfferWord} from "./types/Offer.sol";
import {Order, OrderWord} from "./types/Order.sol";
import {Sale, SaleWord} from "./types/Sale.sol";

/// @title Catalog: an ownerless store with buyer protection
/// @notice Anyone lists products, priced in ETH or in one ERC-20 token; anyone buys them. Nobody, not even
/// the deployer, can pause, upgrade, seize funds or take a cut: every function is a view, open to anyone,
/// or restricted to the party it belongs to (a product's seller, an order's buyer, a product's arbiter).
///
/// A purchase names the terms the buyer saw (currency, unit price, terms version) and reverts if any
/// changed. An escrowed order is paid into the contract and moves through a state machine (README,
/// "Buyer protection"): the seller ships within the handling time or the buyer may cancel; the buyer
/// confirms or disputes within the escrow window after shipping, after which anyone may release the
/// funds to the seller; a dispute is split by the product's arbiter, who can never receive any of it.
/// Until an order ends, buyer and seller may also agree on any split of it (a settlement): one offers,
/// the other accepts the same amount. Money is pulled: every outcome credits a balance per (account,
/// currency) that `withdraw` sends.
///
/// @dev Storage is packed for the hot paths (slot numbers relative to the product's base slot):
/// - Product slot 0 {seller 160, ratingCount 32, ratingSum 40, metadataCodec 8} = 240 bits.
/// - Product slot 1 {price 96, stock 32, orderCount 32, termsVersion 16, escrowWindow 32, handlingTime 32,
///   listed 1, inToken 1, sellerTag 14} = 256 bits: everything an ETH purchase reads and writes is in this
///   one slot, including enough of the seller's address to refuse its own purchase without slot 0.
/// - Product slot 2 {metadataDigest}; slot 3 {currency}, written only for a token listing; slot 4
///   {arbiter}, written only when an arbiter is named. An ETH listing without arbiter writes 3 slots.
/// - An order is ONE slot {buyer 160, quantity 32, at 40, termsVersion 16, status 8} = 256 bits, keyed by
///   (productId, orderNo) with orderNo counted per product, so a purchase writes one new slot and updates
///   the product slot it already read. `at` is the order's ship deadline until it ships, then the
///   time it shipped. The amount is not stored: it is quantity times the price of the order's terms
///   version; bumping the version archives the old price first (only if an order may refer to it).
/// - A settlement offer is ONE slot per order {buyerAmount 128, bySeller 1, open 1}, written only by
///   `offerSettlement` (see {Offer}). The order data of a purchase is only logged, never stored.
/// - No reentrancy guard: every state change is made before the only external calls (the token pull at
///   the end of a purchase, the transfer at the end of a withdrawal), and balances are kept per currency,
///   so a token that misbehaves can only ever affect balances in that token (tests attack it).
contract Catalog is ICatalog {
    using SafeERC20 for IERC20;

    /*//////////////////////////////////////////////////////////////
                                 TYPES
    //////////////////////////////////////////////////////////////*/

    /// @dev A product in storage: five slots, of which an ETH listing without arbiter writes three.
    struct Product {
        // slot 0: 160 + 32 + 40 + 8 = 240 bits (16 spare). Read by immediate purchases, settlements and
        // seller checks; written at listing, by reviews and by setMetadata.
        address seller;
        uint32 ratingCount; // <= orderCount < 2^32: one rating per order
        uint40 ratingSum; // <= 5 * (2^32 - 1) < 2^35
        Codec metadataCodec;
        // slot 1: everything a purchase reads and writes, one word (see {Sale})
        Sale sale;
        // slot 2: read by views only
        bytes32 metadataDigest;
        // slot 3: zero (never written) for an ETH product
        address currency;
        // slot 4: zero (never written) without an arbiter
        address arbiter;
    }

    /*//////////////////////////////////////////////////////////////
                                CONSTANTS
    //////////////////////////////////////////////////////////////*/

    /// @dev Order.status bit set by `ship`: tells the views whether `at` is the placed or the shipped time
    /// of an order that has left the Paid/Shipped/Disputed states.
    uint8 private constant SHIPPED = 0x80;
    /// @dev Order.status bits holding the OrderState.
    uint8 private constant STATE_MASK = 0x7f;

    /// @notice The longest `orderData` a purchase may carry, in bytes.
    uint256 public constant MAX_ORDER_DATA = 1024;
    /// @notice The shortest escrow window of an escrowed product: time for a buyer to look at the goods.
    uint256 public constant MIN_ESCROW_WINDOW = 1 days;
    /// @notice The longest escrow window: the seller's money waits no longer than this after shipping.
    uint256 public constant MAX_ESCROW_WINDOW = 365 days;
    /// @notice The shortest handling time of an escrowed product.
    uint256 public constant MIN_HANDLING_TIME = 1 hours;
    /// @notice The longest handling time: the buyer's money waits no longer than this for a shipment.
    uint256 public constant MAX_HANDLING_TIME = 365 days;

    /*//////////////////////////////////////////////////////////////
                                 STORAGE
    //////////////////////////////////////////////////////////////*/

    /// @notice Number of products ever listed; ids run from 1 to productCount.
    uint256 public productCount;

    mapping(uint256 productId => Product) private _products;
    mapping(uint256 productId => mapping(uint256 orderNo => Order)) private _orders;
    /// @dev Prices of earlier terms versions, written when the version bumps; the current price is in
    /// product slot 1.
    mapping(uint256 productId => mapping(uint256 termsVersion => uint256)) private _pastPrices;
    /// @dev What each account can withdraw, per currency (address(0) = ETH).
    mapping(address account => mapping(address currency => uint256)) private _balances;
    /// @dev The latest settlement offer of each order (open only while the order is escrowed).
    mapping(uint256 productId => mapping(uint256 orderNo => Offer)) private _offers;

    /*//////////////////////////////////////////////////////////////
                            SELLER FUNCTIONS
    //////////////////////////////////////////////////////////////*/

    /// @notice List a product for sale; the caller becomes its seller.
    /// @dev Requirements:
    /// - `price` is 1 .. 2^96-1, `stock` at most 2^32-1.
    /// - `escrowWindow` is 0 (immediate) or MIN_ESCROW_WINDOW .. MAX_ESCROW_WINDOW (1 to 365 days).
    /// - with an escrow window, `handlingTime` is MIN_HANDLING_TIME .. MAX_HANDLING_TIME (1 hour to 365
    ///   days); without one, it is 0.
    /// - `currency` is address(0) (ETH) or a contract other than the Catalog.
    /// - `arbiter` is address(0), or on an escrowed product an account other than the caller and the
    ///   Catalog (neither could ever rule).
    /// - `metadataDigest` is nonzero and `metadataCodec` is 0 (raw) or 1 (dag-pb).
    /// Currency, handling time, escrow window and arbiter are fixed for the product's life.
    /// Emits a {ProductListed} event.
    /// @param currency address(0) for ETH, else the ERC-20 token the product is priced in.
    /// @param price Price of one unit in wei or token units.
    /// @param stock Units available.
    /// @param handlingTime Seconds the seller has to ship an escrowed order before the buyer may cancel.
    /// @param escrowWindow Seconds after shipping the buyer has to dispute; 0 settles purchases at once.
    /// @param arbiter Who splits disputes, or address(0): disputes then wait for a refund or a confirm.
    /// @param metadataDigest sha2-256 digest of the CIDv1 of the product's metadata JSON on IPFS.
    /// @param metadataCodec CID codec of that document: 0 raw, 1 dag-pb.
    /// @return productId The new product's id.
    function listProduct(
        address currency,
        uint256 price,
        uint256 stock,
        uint256 handlingTime,
        uint256 escrowWindow,
        address arbiter,
        bytes32 metadataDigest,
        uint8 metadataCodec
    ) external returns (uint256 productId) {
        if (price == 0 || price > type(uint96).max) revert CatalogInvalidPrice(price);
        if (stock > type(uint32).max) revert CatalogInvalidStock(stock);
        if (escrowWindow != 0 && (escrowWindow < MIN_ESCROW_WINDOW || escrowWindow > MAX_ESCROW_WINDOW)) {
            revert CatalogInvalidEscrowWindow(escrowWindow);
        }
        if (
            escrowWindow == 0
                ? handlingTime != 0
                : handlingTime < MIN_HANDLING_TIME || handlingTime > MAX_HANDLING_TIME
        ) {
            revert CatalogInvalidHandlingTime(handlingTime);
        }
        bool inToken = currency != address(0);
        if (inToken && (currency.code.length == 0 || currency == address(this))) {
            revert CatalogInvalidCurrency(currency);
        }
        if (arbiter != address(0) && (arbiter == msg.sender || arbiter == address(this) || escrowWindow == 0)) {
            revert CatalogInvalidArbiter(arbiter);
        }
        Codec codec = _checkedCodec(metadataDigest, metadataCodec);

        productId = ++productCount;
        Product storage product = _products[productId];
        // Slot by slot, never the whole struct: slots 3 and 4 stay unwritten when they stay zero.
        product.seller = msg.sender;
        product.metadataCodec = codec;
        // all fit: checked above (both times are at most 365 days < 2^32 seconds)
        product.sale = SaleWord.pack(price, stock, escrowWindow, handlingTime, inToken, msg.sender);
        product.metadataDigest = metadataDigest;
        if (inToken) product.currency = currency;
        if (arbiter != address(0)) product.arbiter = arbiter;
        emit ProductListed(
            productId, msg.sender, currency, price, stock, handlingTime, escrowWindow, arbiter, metadataDigest, codec
        );
    }

    /// @notice Change the price of one unit; bumps the terms version. Orders already placed keep the price
    /// they paid.
    /// @dev Requirements: caller is the seller; the product is listed; `price` is 1 .. 2^96-1; the terms
    /// version is below 2^16-1.
    /// Emits a {PriceChanged} event.
    /// @param productId The product.
    /// @param price New price of one unit.
    function setPrice(uint256 productId, uint256 price) external {
        Product storage product = _sellerProduct(productId);
        if (price == 0 || price > type(uint96).max) revert CatalogInvalidPrice(price);
        (Sale sale, uint256 version) = _bumpTerms(productId, product);
        product.sale = sale.withPrice(price); // fits: checked above
        emit PriceChanged(productId, price, version);
    }

    /// @notice Set the units available. Does not change the terms version.
    /// @dev Requirements: caller is the seller; the product is listed; `stock` at most 2^32-1.
    /// Emits a {StockChanged} event.
    /// @param productId The product.
    /// @param stock New number of units available.
    function setStock(uint256 productId, uint256 stock) external {
        Product storage product = _sellerProduct(productId);
        if (stock > type(uint32).max) revert CatalogInvalidStock(stock);
        product.sale = product.sale.withStock(stock); // fits: checked above
        emit StockChanged(productId, stock);
    }

    /// @notice Point the product at a new metadata document; bumps the terms version, so a purchase signed
    /// against the old description reverts.
    /// @dev Requirements: caller is the seller; the product is listed; digest nonzero; codec 0 or 1; the
    /// terms version is below 2^16-1.
    /// Emits a {MetadataChanged} event.
    /// @param productId The product.
    /// @param metadataDigest sha2-256 digest of the new document's CIDv1.
    /// @param metadataCodec CID codec of that document: 0 raw, 1 dag-pb.
    function setMetadata(uint256 productId, bytes32 metadataDigest, uint8 metadataCodec) external {
        Product storage product = _sellerProduct(productId);
        Codec codec = _checkedCodec(metadataDigest, metadataCodec);
        (Sale sale, uint256 version) = _bumpTerms(productId, product);
        product.sale = sale;
        product.metadataDigest = metadataDigest;
        product.metadataCodec = codec;
        emit MetadataChanged(productId, metadataDigest, codec, version);
    }

    /// @notice Stop selling a product, for good; its stock becomes 0. Open orders can still be shipped,
    /// confirmed, disputed, released, resolved, refunded and cancelled.
    /// @dev Requirements: caller is the seller; the product is listed.
    /// Emits a {ProductDelisted} event.
    /// @param productId The product.
    function delist(uint256 productId) external {
        Product storage product = _sellerProduct(productId);
        product.sale = product.sale.delisted();
        emit ProductDelisted(productId);
    }

    /// @notice Mark a paid order shipped: the escrow window starts now. Only before the handling time ends:
    /// from then on the buyer may cancel, and a late shipment cannot take that away.
    /// @dev Requirements: caller is the product's seller (listed or not); the order is Paid;
    /// `block.timestamp < placedAt + handlingTime`; `trackingCodec` is 0 or 1 (`trackingDigest` may be
    /// zero: no tracking document). An open settlement offer stays open.
    /// Emits an {OrderShipped} event.
    /// @param productId The product.
    /// @param orderNo The order.
    /// @param trackingDigest sha2-256 digest of a tracking document's CIDv1 on IPFS, or zero.
    /// @param trackingCodec CID codec of that document: 0 raw, 1 dag-pb.
    function ship(uint256 productId, uint256 orderNo, bytes32 trackingDigest, uint8 trackingCodec) external {
        Order order = _knownOrder(productId, orderNo);
        _onlySeller(productId);
        _requireState(productId, orderNo, order.status(), OrderState.Paid);
        uint256 deadline = order.at(); // placedAt + handlingTime, while Paid
        // Accepted timestamp use: the terms are deadlines on the chain's clock; a proposer can move it by
        // seconds, nothing next to a handling time of an hour or more.
        // slither-disable-next-line timestamp
        if (block.timestamp >= deadline) revert CatalogShipDeadlinePassed(productId, orderNo, deadline);
        if (trackingCodec > uint8(type(Codec).max)) revert CatalogInvalidMetadata(trackingDigest, trackingCodec);
        _orders[productId][orderNo] =
            order.withAtAndStatus(uint40(block.timestamp), SHIPPED | uint8(OrderState.Shipped));
        emit OrderShipped(productId, orderNo, trackingDigest, Codec(trackingCodec));
    }

    /// @notice Refund an order in full to its buyer. The units return to stock only if the order never
    /// shipped and the product is listed.
    /// @dev Requirements: caller is the product's seller (listed or not); the order is Paid, Shipped or
    /// Disputed. An open settlement offer ends with it.
    /// Emits an {OrderRefunded} event.
    /// @param productId The product.
    /// @param orderNo The order.
    function refund(uint256 productId, uint256 orderNo) external {
        Order order = _knownOrder(productId, orderNo);
        Product storage product = _onlySeller(productId);
        uint8 status = order.status();
        _requireEscrowed(productId, orderNo, status);
        if (status & SHIPPED == 0) _restock(product, order.quantity());
        _settle(productId, orderNo, product, order, OrderState.Refunded, order.buyer());
        emit OrderRefunded(productId, orderNo);
    }

    /*//////////////////////////////////////////////////////////////
                             BUYER FUNCTIONS
    //////////////////////////////////////////////////////////////*/

    /// @notice Buy `quantity` units at the terms the buyer saw: `currency`, `unitPrice`, `termsVersion`.
    /// @dev Requirements, checked in this order:
    /// - `orderData` is at most MAX_ORDER_DATA bytes;
    /// - the product exists and is listed;
    /// - the caller is not its seller;
    /// - its currency, unit price and terms version are the ones named (any change between signing and
    ///   mining reverts);
    /// - `quantity` is 1 .. stock;
    /// - ETH: `msg.value == quantity * unitPrice`. Token: no ETH sent, and the caller has approved the
    ///   Catalog for `quantity * unitPrice`; the Catalog's balance must grow by exactly that.
    /// With an escrow window of 0 the order is Completed and the seller credited at once; otherwise the
    /// order is Paid and its funds wait in escrow.
    /// Emits a {Purchased} event, carrying `orderData`.
    /// @param productId The product.
    /// @param quantity Units to buy.
    /// @param currency The product's currency as the buyer saw it (address(0) for ETH).
    /// @param unitPrice The unit price the buyer agreed to.
    /// @param termsVersion The product's terms version the buyer saw.
    /// @param orderData Opaque details for the seller (e.g. encrypted shipping details), empty for none;
    /// logged in the {Purchased} event, not stored.
    /// @return orderNo The order's number within this product (orders are keyed by productId, orderNo).
    function buy(
        uint256 productId,
        uint256 quantity,
        address currency,
        uint256 unitPrice,
        uint256 termsVersion,
        bytes calldata orderData
    ) external payable returns (uint256 orderNo) {
        uint256 amount;
        (orderNo, amount) = _placeOrder(productId, quantity, currency, unitPrice, termsVersion, orderData);
        if (currency != address(0)) _pull(currency, amount);
    }

    /// @notice Buy with a token that supports EIP-2612: the permit and the purchase in one transaction.
    /// @dev As {buy}, for a token product, after `permit(msg.sender, Catalog, quantity * unitPrice,
    /// deadline, v, r, s)` on the token. A failing permit is ignored (someone may have submitted it
    /// first); the pull then needs the allowance, however it was given.
    /// Emits a {Purchased} event.
    /// @param productId The product.
    /// @param quantity Units to buy.
    /// @param currency The product's token as the buyer saw it (not address(0)).
    /// @param unitPrice The unit price the buyer agreed to.
    /// @param termsVersion The product's terms version the buyer saw.
    /// @param deadline The permit's deadline.
    /// @param v The permit signature's v.
    /// @param r The permit signature's r.
    /// @param s The permit signature's s.
    /// @param orderData As for {buy}.
    /// @return orderNo The order's number within this product.
    function buyWithPermit(
        uint256 productId,
        uint256 quantity,
        address currency,
        uint256 unitPrice,
        uint256 termsVersion,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s,
        bytes calldata orderData
    ) external returns (uint256 orderNo) {
        if (currency == address(0)) revert CatalogInvalidCurrency(currency);
        uint256 amount;
        (orderNo, amount) = _placeOrder(productId, quantity, currency, unitPrice, termsVersion, orderData);
        // A permit front-run from the mempool makes this call fail, but has set the same allowance.
        try IERC20Permit(currency).permit(msg.sender, address(this), amount, deadline, v, r, s) {} catch {}
        _pull(currency, amount);
    }

    /// @notice Confirm an order: its funds go to the seller. From Disputed, this withdraws the dispute.
    /// @dev Requirements: caller is the order's buyer; the order is Paid, Shipped or Disputed. An open
    /// settlement offer ends with it.
    /// Emits an {OrderConfirmed} event.
    /// @param productId The product.
    /// @param orderNo The order.
    function confirm(uint256 productId, uint256 orderNo) external {
        Order order = _buyerOrder(productId, orderNo);
        _requireEscrowed(productId, orderNo, order.status());
        Product storage product = _products[productId];
        _settle(productId, orderNo, product, order, OrderState.Completed, product.seller);
        emit OrderConfirmed(productId, orderNo);
    }

    /// @notice Cancel an order the seller did not ship within the handling time: full refund to the buyer.
    /// The order never shipped, so the units return to stock if the product is listed.
    /// @dev Requirements: caller is the order's buyer; the order is Paid;
    /// `block.timestamp >= placedAt + handlingTime` (from that second on the seller can no longer ship).
    /// An open settlement offer ends with it.
    /// Emits an {OrderCancelled} event.
    /// @param productId The product.
    /// @param orderNo The order.
    function cancel(uint256 productId, uint256 orderNo) external {
        Order order = _buyerOrder(productId, orderNo);
        _requireState(productId, orderNo, order.status(), OrderState.Paid);
        Product storage product = _products[productId];
        uint256 deadline = order.at(); // placedAt + handlingTime, while Paid
        // Accepted timestamp use: the terms are deadlines on the chain's clock; a proposer can move it by
        // seconds, nothing next to a handling time or escrow window of days.
        // slither-disable-next-line timestamp
        if (block.timestamp < deadline) revert CatalogHandlingTimeNotOver(productId, orderNo, deadline);
        _restock(product, order.quantity());
        _settle(productId, orderNo, product, order, OrderState.Cancelled, msg.sender);
        emit OrderCancelled(productId, orderNo);
    }

    /// @notice Dispute a shipped order within the escrow window: its funds stay in escrow until the
    /// arbiter rules, the seller refunds, the buyer confirms or both agree on a settlement.
    /// @dev Requirements: caller is the order's buyer; the order is Shipped;
    /// `block.timestamp < shippedAt + escrowWindow`. An open settlement offer stays open.
    /// Emits an {OrderDisputed} event.
    /// @param productId The product.
    /// @param orderNo The order.
    function dispute(uint256 productId, uint256 orderNo) external {
        Order order = _buyerOrder(productId, orderNo);
        _requireState(productId, orderNo, order.status(), OrderState.Shipped);
        uint256 deadline = order.at() + _products[productId].sale.escrowWindow();
        // Accepted timestamp use: the terms are deadlines on the chain's clock; a proposer can move it by
        // seconds, nothing next to a handling time or escrow window of days.
        // slither-disable-next-line timestamp
        if (block.timestamp >= deadline) revert CatalogDisputeWindowClosed(productId, orderNo, deadline);
        _orders[productId][orderNo] = order.withStatus(SHIPPED | uint8(OrderState.Disputed));
        emit OrderDisputed(productId, orderNo);
    }

    /// @notice Rate an order (1 to 5) and point at a review document on IPFS. Once per order. An order that
    /// ended in a ruling or a settlement can be rated too; a refunded or cancelled one cannot.
    /// @dev Requirements: caller is the order's buyer; the order is Completed, Resolved or Settled;
    /// `rating` is 1..5; the review digest is nonzero and `reviewCodec` is 0 or 1.
    /// Emits a {Reviewed} event.
    /// @param productId The product.
    /// @param orderNo The order.
    /// @param rating Stars, 1 to 5.
    /// @param reviewDigest sha2-256 digest of the review document's CIDv1.
    /// @param reviewCodec CID codec of that document: 0 raw, 1 dag-pb.
    function review(uint256 productId, uint256 orderNo, uint256 rating, bytes32 reviewDigest, uint8 reviewCodec)
        external
    {
        Order order = _buyerOrder(productId, orderNo);
        uint8 status = order.status();
        OrderState state = _state(status);
        if (state != OrderState.Completed && state != OrderState.Resolved && state != OrderState.Settled) {
            revert CatalogOrderNotReviewable(productId, orderNo, state);
        }
        if (rating == 0 || rating > 5) revert CatalogInvalidRating(rating);
        Codec codec = _checkedCodec(reviewDigest, reviewCodec);

        _orders[productId][orderNo] = order.withStatus((status & SHIPPED) | uint8(OrderState.Reviewed));
        Product storage product = _products[productId];
        unchecked {
            // cannot overflow: one review per order, at most 2^32-1 orders, each adding at most 5 (< 2^35)
            product.ratingCount += 1;
            product.ratingSum += uint40(rating);
        }
        emit Reviewed(productId, msg.sender, orderNo, uint8(rating), reviewDigest, codec);
    }

    /*//////////////////////////////////////////////////////////////
                          RELEASE AND DISPUTES
    //////////////////////////////////////////////////////////////*/

    /// @notice Release a shipped, undisputed order's funds to the seller once the escrow window has passed.
    /// Anyone may call it; the funds only ever go to the seller.
    /// @dev Requirements: the order is Shipped; `block.timestamp >= shippedAt + escrowWindow`.
    /// Emits an {OrderReleased} event.
    /// @param productId The product.
    /// @param orderNo The order.
    function release(uint256 productId, uint256 orderNo) external {
        Order order = _knownOrder(productId, orderNo);
        _requireState(productId, orderNo, order.status(), OrderState.Shipped);
        Product storage product = _products[productId];
        uint256 releasableAt = order.at() + product.sale.escrowWindow();
        // Accepted timestamp use: the terms are deadlines on the chain's clock; a proposer can move it by
        // seconds, nothing next to a handling time or escrow window of days.
        // slither-disable-next-line timestamp
        if (block.timestamp < releasableAt) revert CatalogEscrowNotExpired(productId, orderNo, releasableAt);
        _settle(productId, orderNo, product, order, OrderState.Completed, product.seller);
        emit OrderReleased(productId, orderNo);
    }

    /// @notice Split a disputed order: `buyerAmount` to the buyer, the rest to the seller. The arbiter
    /// receives nothing: it is never the seller (checked at listing) and may not rule on its own order.
    /// A disputed order has shipped: no units return to stock.
    /// @dev Requirements: caller is the product's arbiter; the order is Disputed; its buyer is not the
    /// arbiter; `buyerAmount` is at most the order's amount. An open settlement offer ends with it.
    /// Emits an {OrderResolved} event.
    /// @param productId The product.
    /// @param orderNo The order.
    /// @param buyerAmount The buyer's share, in the product's currency.
    function resolve(uint256 productId, uint256 orderNo, uint256 buyerAmount) external {
        Order order = _knownOrder(productId, orderNo);
        Product storage product = _products[productId];
        if (product.arbiter != msg.sender) revert CatalogNotArbiter(productId, msg.sender);
        _requireState(productId, orderNo, order.status(), OrderState.Disputed);
        address buyer = order.buyer();
        if (buyer == msg.sender) revert CatalogArbiterIsParty(productId, orderNo);
        uint256 amount = _amount(productId, product, order);
        if (buyerAmount > amount) revert CatalogInvalidSplit(buyerAmount, amount);
        uint256 sellerAmount = _split(productId, orderNo, product, order, OrderState.Resolved, amount, buyerAmount);
        emit OrderResolved(productId, orderNo, buyerAmount, sellerAmount);
    }

    /*//////////////////////////////////////////////////////////////
                               SETTLEMENT
    //////////////////////////////////////////////////////////////*/

    /// @notice Offer to settle an escrowed order: `buyerAmount` back to the buyer, the rest to the seller,
    /// once the other party accepts this amount. Replaces any earlier offer on the order, from either
    /// side. The offer lasts until it is accepted, replaced or withdrawn, or the order ends another way.
    /// @dev Requirements: caller is the order's buyer or the product's seller; the order is Paid, Shipped
    /// or Disputed; `buyerAmount` is at most the order's amount.
    /// Emits a {SettlementOffered} event.
    /// @param productId The product.
    /// @param orderNo The order.
    /// @param buyerAmount What the buyer gets back, in the product's currency.
    function offerSettlement(uint256 productId, uint256 orderNo, uint256 buyerAmount) external {
        Order order = _knownOrder(productId, orderNo);
        Product storage product = _products[productId];
        bool bySeller = _party(productId, orderNo, product, order);
        _requireEscrowed(productId, orderNo, order.status());
        uint256 amount = _amount(productId, product, order);
        if (buyerAmount > amount) revert CatalogInvalidSplit(buyerAmount, amount);
        _offers[productId][orderNo] = OfferWord.pack(bySeller, buyerAmount); // fits: amount < 2^128
        emit SettlementOffered(productId, orderNo, msg.sender, buyerAmount);
    }

    /// @notice Accept the other party's open offer: the order is Settled, `buyerAmount` credited to the
    /// buyer and the rest to the seller. The units return to stock only if the order never shipped and
    /// the product is listed. Naming the amount means a replaced offer is never accepted by mistake.
    /// @dev Requirements: caller is the order's buyer or the product's seller; the order is Paid, Shipped
    /// or Disputed; it has an open offer, made by the other party, for exactly `buyerAmount`.
    /// Emits an {OrderSettled} event.
    /// @param productId The product.
    /// @param orderNo The order.
    /// @param buyerAmount The open offer's amount for the buyer.
    function acceptSettlement(uint256 productId, uint256 orderNo, uint256 buyerAmount) external {
        Order order = _knownOrder(productId, orderNo);
        Product storage product = _products[productId];
        bool bySeller = _party(productId, orderNo, product, order);
        uint8 status = order.status();
        _requireEscrowed(productId, orderNo, status);
        Offer offer = _offers[productId][orderNo];
        if (!offer.isOpen()) revert CatalogNoOffer(productId, orderNo);
        if (offer.bySeller() == bySeller) revert CatalogOwnOffer(productId, orderNo);
        uint256 offered = offer.buyerAmount();
        if (offered != buyerAmount) revert CatalogOfferMismatch(productId, orderNo, offered, buyerAmount);

        _offers[productId][orderNo] = Offer.wrap(0);
        if (status & SHIPPED == 0) _restock(product, order.quantity());
        // buyerAmount <= amount: checked when the offer was made, and an order's amount never changes
        uint256 amount = _amount(productId, product, order);
        uint256 sellerAmount = _split(productId, orderNo, product, order, OrderState.Settled, amount, buyerAmount);
        emit OrderSettled(productId, orderNo, buyerAmount, sellerAmount);
    }

    /// @notice Withdraw the caller's open settlement offer; the order goes on as before.
    /// @dev Requirements: caller is the order's buyer or the product's seller; the order is Paid, Shipped
    /// or Disputed; its open offer is the caller's.
    /// Emits a {SettlementWithdrawn} event.
    /// @param productId The product.
    /// @param orderNo The order.
    function withdrawSettlement(uint256 productId, uint256 orderNo) external {
        Order order = _knownOrder(productId, orderNo);
        bool bySeller = _party(productId, orderNo, _products[productId], order);
        _requireEscrowed(productId, orderNo, order.status());
        Offer offer = _offers[productId][orderNo];
        if (!offer.isOpen() || offer.bySeller() != bySeller) revert CatalogNoOffer(productId, orderNo);
        _offers[productId][orderNo] = Offer.wrap(0);
        emit SettlementWithdrawn(productId, orderNo, msg.sender);
    }

    /*//////////////////////////////////////////////////////////////
                                PROFILES
    //////////////////////////////////////////////////////////////*/

    /// @notice Point at the caller's seller profile document on IPFS (name, description, banner, public
    /// encryption key for order data). Only an event: the latest one of an account wins.
    /// @dev Requirements: `codec` is 0 (raw) or 1 (dag-pb). A zero `digest` clears the profile.
    /// Emits a {ProfileSet} event.
    /// @param digest sha2-256 digest of the profile document's CIDv1, or zero to clear it.
    /// @param codec CID codec of that document: 0 raw, 1 dag-pb.
    function setProfile(bytes32 digest, uint8 codec) external {
        if (codec > uint8(type(Codec).max)) revert CatalogInvalidMetadata(digest, codec);
        emit ProfileSet(msg.sender, digest, Codec(codec));
    }

    /*//////////////////////////////////////////////////////////////
                               WITHDRAWALS
    //////////////////////////////////////////////////////////////*/

    /// @notice Send the caller's whole balance in `currency` (sales, releases, refunds, splits) to `to`.
    /// @dev Requirements: `to` is not address(0) nor the Catalog; the caller's balance in `currency` is
    /// nonzero; the transfer succeeds (an ETH recipient that reverts, or a token that fails, reverts the
    /// withdrawal and keeps the balance).
    /// No reentrancy guard, on purpose: the balance is zeroed and the event emitted before the only
    /// external call, so a reentrant call sees a settled state (tests attack it).
    /// Emits a {Withdrawn} event.
    /// @param currency address(0) for ETH, else the token.
    /// @param to Who receives the funds (the caller itself, or any other address).
    function withdraw(address currency, address to) external {
        if (to == address(0) || to == address(this)) revert CatalogInvalidRecipient(to);
        uint256 amount = _balances[msg.sender][currency];
        if (amount == 0) revert CatalogNothingToWithdraw(msg.sender);
        _balances[msg.sender][currency] = 0;
        emit Withdrawn(msg.sender, currency, to, amount);
        if (currency == address(0)) {
            // Accepted low-level call: a plain ETH send that forwards all gas (contract wallets need more
            // than transfer's 2300), checked below; the balance is already zero, so reentry finds nothing.
            // slither-disable-next-line low-level-calls
            (bool ok,) = to.call{value: amount}("");
            if (!ok) revert CatalogWithdrawFailed(to, amount);
        } else {
            IERC20(currency).safeTransfer(to, amount);
        }
    }

    /*//////////////////////////////////////////////////////////////
                                  VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @notice What `account` can withdraw in `currency` now.
    /// @param account The account.
    /// @param currency address(0) for ETH, else the token.
    /// @return The balance.
    function withdrawable(address account, address currency) external view returns (uint256) {
        return _balances[account][currency];
    }

    /// @notice One product.
    /// @dev Requirements: the product exists.
    /// @param productId The product.
    /// @return The product.
    function getProduct(uint256 productId) external view returns (ProductView memory) {
        if (productId == 0 || productId > productCount) revert CatalogUnknownProduct(productId);
        return _productView(productId);
    }

    /// @notice Products `offset + 1` .. `offset + limit` (fewer at the end; empty past it).
    /// @param offset Number of products to skip.
    /// @param limit Most products to return.
    /// @return page The products, by id.
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
    /// @return The order.
    function getOrder(uint256 productId, uint256 orderNo) external view returns (OrderView memory) {
        _knownOrder(productId, orderNo);
        return _orderView(productId, orderNo);
    }

    /// @notice Orders `offset + 1` .. `offset + limit` of one product (fewer at the end; empty past it).
    /// @dev Requirements: the product exists.
    /// @param productId The product.
    /// @param offset Number of orders to skip.
    /// @param limit Most orders to return.
    /// @return page The orders, by number.
    function getOrders(uint256 productId, uint256 offset, uint256 limit)
        external
        view
        returns (OrderView[] memory page)
    {
        if (productId == 0 || productId > productCount) revert CatalogUnknownProduct(productId);
        uint256 count = _products[productId].sale.orderCount();
        uint256 n = offset >= count ? 0 : _min(limit, count - offset);
        page = new OrderView[](n);
        for (uint256 i = 0; i < n; ++i) {
            page[i] = _orderView(productId, offset + i + 1);
        }
    }

    /*//////////////////////////////////////////////////////////////
                                INTERNALS
    //////////////////////////////////////////////////////////////*/

    /// @dev Checks a purchase against the terms and stock, records the order and, for an immediate
    /// product, credits the seller. Returns the order number and the amount due; a token purchase still
    /// has to pull that amount (the interaction comes last).
    // Accepted complexity: every check of a purchase in one place, in the documented order of {buy}.
    // slither-disable-next-line cyclomatic-complexity
    function _placeOrder(
        uint256 productId,
        uint256 quantity,
        address currency,
        uint256 unitPrice,
        uint256 termsVersion,
        bytes calldata orderData
    ) private returns (uint256 orderNo, uint256 amount) {
        if (orderData.length > MAX_ORDER_DATA) revert CatalogOrderDataTooLarge(orderData.length, MAX_ORDER_DATA);
        Product storage product = _products[productId];
        Sale sale = product.sale; // the one read of the hot slot
        if (!sale.listed()) {
            if (product.seller == address(0)) revert CatalogUnknownProduct(productId);
            revert CatalogProductDelisted(productId);
        }
        // slot 0 only when the caller's low address bits match the seller's (see {Sale})
        if (sale.maybeSeller(msg.sender) && product.seller == msg.sender) revert CatalogSellerIsBuyer(productId);
        bool inToken = sale.inToken();
        if (inToken ? currency != product.currency : currency != address(0)) {
            revert CatalogWrongCurrency(productId, currency, _currency(product));
        }
        // From here on unitPrice is the product's price and termsVersion its terms version. (Scoped
        // blocks: the legacy code generator runs out of stack slots otherwise.)
        if (unitPrice != sale.price()) revert CatalogPriceChanged(productId, unitPrice, sale.price());
        if (termsVersion != sale.termsVersion()) {
            revert CatalogTermsChanged(productId, termsVersion, sale.termsVersion());
        }
        {
            uint256 stock = sale.stock();
            if (quantity == 0) revert CatalogInvalidQuantity(quantity);
            if (quantity > stock) revert CatalogInsufficientStock(productId, quantity, stock);
            unchecked {
                amount = quantity * unitPrice; // cannot overflow: quantity <= stock < 2^32, price < 2^96
            }
            if (inToken) {
                if (msg.value != 0) revert CatalogUnexpectedEth(msg.value);
            } else if (msg.value != amount) {
                revert CatalogWrongPayment(msg.value, amount);
            }
            unchecked {
                orderNo = sale.orderCount() + 1; // cannot overflow: orderCount < 2^32
            }
            if (orderNo > type(uint32).max) revert CatalogTooManyOrders(productId);
            unchecked {
                // cannot underflow: quantity <= stock, checked above; orderNo fits 32 bits, checked above
                product.sale = sale.withStockAndOrderCount(stock - quantity, orderNo);
            }
        }
        bool escrowed = sale.escrowWindow() != 0;
        // fit: quantity <= stock < 2^32; termsVersion equals the product's 16-bit version, checked above;
        // the ship deadline is now + at most 365 days (0 for an immediate product)
        _orders[productId][orderNo] = OrderWord.pack(
            msg.sender,
            quantity,
            uint40(block.timestamp + sale.handlingTime()),
            termsVersion,
            escrowed ? uint8(OrderState.Paid) : uint8(OrderState.Completed)
        );
        if (!escrowed) _balances[product.seller][currency] += amount;
        emit Purchased(productId, msg.sender, orderNo, quantity, unitPrice, escrowed, orderData);
    }

    /// @dev Pulls `amount` of `token` from the caller and checks the Catalog's balance grew by exactly that
    /// (a fee-on-transfer token, or one that moves other funds of the Catalog meanwhile, is refused).
    function _pull(address token, uint256 amount) private {
        uint256 before = _selfBalance(token);
        IERC20(token).safeTransferFrom(msg.sender, address(this), amount);
        uint256 balance = _selfBalance(token);
        uint256 received;
        unchecked {
            received = balance > before ? balance - before : 0; // cannot underflow: balance > before
        }
        if (received != amount) revert CatalogTokenShortfall(token, received, amount);
    }

    /// @dev `IERC20(token).balanceOf(address(this))`, the one inline assembly in the Catalog. Measured on
    /// buy_erc20: the high-level call costs 252 gas more per purchase (two calls: memory allocation and
    /// return-data checks), `abi.encodeCall` with a low-level `staticcall` 988 more (it copies the return
    /// data to new memory). Without this block the purchase missed v2's 75,000 goal; v3's 76,000 it misses
    /// by 369 even with it. The block writes only the scratch space 0x00-0x3f (which Solidity leaves to such
    /// use; the free memory pointer at 0x40 is untouched), reverts like SafeERC20 if the call fails or
    /// returns less than a word, and has no other effect.
    function _selfBalance(address token) private view returns (uint256 held) {
        bytes4 selector = IERC20.balanceOf.selector;
        bool ok;
        // Accepted assembly: the gas and the memory use are reasoned above.
        // slither-disable-next-line assembly
        assembly ("memory-safe") {
            mstore(0x00, selector) // bytes 0x00-0x03: the selector (the rest of the word is overwritten next)
            mstore(0x04, address()) // bytes 0x04-0x23: the argument, address(this)
            // the 32-byte answer lands in 0x00-0x1f; a shorter one (or none, as from an account without code)
            // fails the returndatasize check (Yul evaluates the staticcall, the last argument, first)
            ok := and(gt(returndatasize(), 0x1f), staticcall(gas(), token, 0x00, 0x24, 0x00, 0x20))
            held := mload(0x00)
        }
        if (!ok) revert SafeERC20.SafeERC20FailedOperation(token);
    }

    /// @dev Bumps the product's terms version, archiving the current price under the old version if an
    /// order may refer to it. Returns the product's sale word with the new version (the caller writes it,
    /// with its own change, in one store) and the new version.
    function _bumpTerms(uint256 productId, Product storage product) private returns (Sale, uint256) {
        Sale sale = product.sale;
        uint16 version = sale.termsVersion();
        if (version == type(uint16).max) revert CatalogTooManyTermsChanges(productId);
        if (sale.orderCount() != 0) _pastPrices[productId][version] = sale.price();
        unchecked {
            ++version; // cannot overflow: checked against type(uint16).max above
        }
        return (sale.withTermsVersion(version), version);
    }

    /// @dev Moves an escrowed order's amount to `payee` (seller or buyer) and sets its final state.
    function _settle(
        uint256 productId,
        uint256 orderNo,
        Product storage product,
        Order order,
        OrderState outcome,
        address payee
    ) private {
        uint256 amount = _amount(productId, product, order);
        _orders[productId][orderNo] = order.withStatus((order.status() & SHIPPED) | uint8(outcome));
        _balances[payee][_currency(product)] += amount;
    }

    /// @dev Credits `buyerAmount` of an escrowed order's `amount` to its buyer and the rest to the seller,
    /// and sets its final state; returns the seller's share. `buyerAmount` <= `amount` (the caller checks).
    function _split(
        uint256 productId,
        uint256 orderNo,
        Product storage product,
        Order order,
        OrderState outcome,
        uint256 amount,
        uint256 buyerAmount
    ) private returns (uint256 sellerAmount) {
        _orders[productId][orderNo] = order.withStatus((order.status() & SHIPPED) | uint8(outcome));
        address currency = _currency(product);
        unchecked {
            sellerAmount = amount - buyerAmount; // cannot underflow: buyerAmount <= amount (see above)
        }
        if (buyerAmount != 0) _balances[order.buyer()][currency] += buyerAmount;
        if (sellerAmount != 0) _balances[product.seller][currency] += sellerAmount;
    }

    /// @dev Units of an order that ends before it shipped (refunded, cancelled, settled) go back on sale if
    /// the product is still listed: the seller still has them. Units that shipped never come back.
    /// Saturating rather than reverting: a refund must never be blocked by a seller's stock setting.
    function _restock(Product storage product, uint256 quantity) private {
        Sale sale = product.sale;
        if (sale.listed()) product.sale = sale.withStock(_min(sale.stock() + quantity, type(uint32).max));
    }

    /// @dev What the order paid: its quantity times the unit price of its terms version.
    function _amount(uint256 productId, Product storage product, Order order) private view returns (uint256) {
        return order.quantity() * _unitPrice(productId, product, order.termsVersion());
    }

    /// @dev The unit price of a terms version: the current one, or the one archived when it was bumped.
    function _unitPrice(uint256 productId, Product storage product, uint16 version) private view returns (uint256) {
        Sale sale = product.sale;
        return version == sale.termsVersion() ? sale.price() : _pastPrices[productId][version];
    }

    /// @dev The product's currency: address(0) for ETH, else its token (slot 3 is read only for a token).
    function _currency(Product storage product) private view returns (address) {
        return product.sale.inToken() ? product.currency : address(0);
    }

    /// @dev The product, if the caller is its seller and it is still listed; reverts otherwise.
    function _sellerProduct(uint256 productId) private view returns (Product storage product) {
        product = _onlySeller(productId);
        if (!product.sale.listed()) revert CatalogProductDelisted(productId);
    }

    /// @dev The product, if the caller is its seller (listed or not); reverts otherwise, naming an unknown
    /// product as such.
    function _onlySeller(uint256 productId) private view returns (Product storage product) {
        product = _products[productId];
        address seller = product.seller;
        if (seller != msg.sender) {
            if (seller == address(0)) revert CatalogUnknownProduct(productId);
            revert CatalogNotSeller(productId, msg.sender);
        }
    }

    /// @dev The order's word, if it was ever placed; reverts otherwise.
    function _knownOrder(uint256 productId, uint256 orderNo) private view returns (Order order) {
        order = _orders[productId][orderNo];
        if (order.status() == 0) revert CatalogUnknownOrder(productId, orderNo);
    }

    /// @dev Whether the caller is the order's seller (true) or its buyer (false); reverts if neither. The
    /// seller is read only if the caller is not the buyer (a seller never buys its own product).
    function _party(uint256 productId, uint256 orderNo, Product storage product, Order order)
        private
        view
        returns (bool bySeller)
    {
        if (msg.sender == order.buyer()) return false;
        if (msg.sender != product.seller) revert CatalogNotParty(productId, orderNo, msg.sender);
        return true;
    }

    /// @dev The order's word, if it exists and the caller is its buyer; reverts otherwise.
    function _buyerOrder(uint256 productId, uint256 orderNo) private view returns (Order order) {
        order = _knownOrder(productId, orderNo);
        if (order.buyer() != msg.sender) revert CatalogNotBuyer(productId, orderNo, msg.sender);
    }

    /// @dev The order state in a status byte (without the SHIPPED flag).
    function _state(uint8 status) private pure returns (OrderState) {
        return OrderState(status & STATE_MASK);
    }

    /// @dev Reverts unless the status byte's state is `wanted`.
    function _requireState(uint256 productId, uint256 orderNo, uint8 status, OrderState wanted) private pure {
        OrderState state = _state(status);
        if (state != wanted) revert CatalogWrongOrderState(productId, orderNo, state);
    }

    /// @dev Paid, Shipped or Disputed: the funds are still in escrow.
    function _requireEscrowed(uint256 productId, uint256 orderNo, uint8 status) private pure {
        OrderState state = _state(status);
        if (state == OrderState.None || state > OrderState.Disputed) {
            revert CatalogWrongOrderState(productId, orderNo, state);
        }
    }

    /// @dev `codec` as a Codec, if it is one and `digest` is nonzero; reverts otherwise.
    function _checkedCodec(bytes32 digest, uint8 codec) private pure returns (Codec) {
        if (digest == bytes32(0) || codec > uint8(type(Codec).max)) revert CatalogInvalidMetadata(digest, codec);
        return Codec(codec);
    }

    /// @dev A product as the views return it, decoded from its slots.
    function _productView(uint256 productId) private view returns (ProductView memory) {
        Product storage p = _products[productId];
        Sale sale = p.sale;
        return ProductView({
            id: productId,
            seller: p.seller,
            currency: _currency(p),
            price: sale.price(),
            stock: sale.stock(),
            handlingTime: sale.handlingTime(),
            escrowWindow: sale.escrowWindow(),
            arbiter: p.arbiter,
            orderCount: sale.orderCount(),
            termsVersion: sale.termsVersion(),
            ratingCount: p.ratingCount,
            ratingSum: p.ratingSum,
            metadataDigest: p.metadataDigest,
            metadataCodec: p.metadataCodec,
            listed: sale.listed()
        });
    }

    /// @dev An order as the views return it: its amount, currency and next deadline resolved from its
    /// product, its one timestamp split into placedAt or shippedAt, and its open settlement offer.
    function _orderView(uint256 productId, uint256 orderNo) private view returns (OrderView memory view_) {
        Order o = _orders[productId][orderNo];
        Product storage p = _products[productId];
        uint8 status = o.status();
        OrderState state = _state(status);
        uint256 unitPrice = _unitPrice(productId, p, o.termsVersion());
        view_.productId = productId;
        view_.orderNo = orderNo;
        view_.buyer = o.buyer();
        view_.currency = _currency(p);
        view_.quantity = o.quantity();
        view_.unitPrice = unitPrice;
        view_.amount = o.quantity() * unitPrice;
        view_.termsVersion = o.termsVersion();
        view_.state = state;
        if (status & SHIPPED != 0) {
            view_.shippedAt = o.at();
            // a Disputed order has no release time: it waits for a ruling, a refund, a confirm or a settlement
            if (state == OrderState.Shipped) view_.deadline = o.at() + p.sale.escrowWindow();
        } else {
            view_.placedAt = o.at() - p.sale.handlingTime(); // `at` is the ship deadline while unshipped
            if (state == OrderState.Paid) view_.deadline = o.at();
        }
        if (state >= OrderState.Paid && state <= OrderState.Disputed) {
            Offer offer = _offers[productId][orderNo];
            if (offer.isOpen()) {
                view_.offerBy = offer.bySeller() ? p.seller : o.buyer();
                view_.offerBuyerAmount = offer.buyerAmount();
            }
        }
    }

    /// @dev The smaller of `a` and `b`.
    function _min(uint256 a, uint256 b) private pure returns (uint256) {
        return a < b ? a : b;
    }
}
