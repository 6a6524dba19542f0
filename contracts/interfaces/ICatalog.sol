// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title ICatalog: the Catalog's types, events and errors
/// @notice Everything of the Catalog's ABI besides its functions: the enums and view structs its functions
/// return, one event per state change, and the custom errors it reverts with. Clients and indexers decode
/// logs and reverts against these; the Catalog (contracts/Catalog.sol) inherits them.
interface ICatalog {
    /*//////////////////////////////////////////////////////////////
                                 TYPES
    //////////////////////////////////////////////////////////////*/

    /// @notice How a digest becomes a CIDv1: multicodec raw (0x55) or dag-pb (0x70), sha2-256.
    enum Codec {
        Raw,
        DagPb
    }

    /// @notice Where an order stands. An order's state only ever moves forward: from Paid, Shipped or
    /// Disputed (escrowed) to one final state, and from Completed, Resolved or Settled to Reviewed.
    /// Paid: escrowed, not shipped. Shipped: escrowed, the window runs. Disputed: escrowed, until the
    /// arbiter rules, the seller refunds, the buyer confirms or both agree on a settlement. Completed: the
    /// seller was credited. Refunded: the seller gave the buyer the full amount back. Cancelled: the buyer
    /// took it back after the handling time passed unshipped. Resolved: the arbiter split it. Reviewed:
    /// completed, resolved or settled, and rated. Settled: buyer and seller agreed on a split. (Settled
    /// comes last so that the numbers of the others stay those of Catalog v2.)
    enum OrderState {
        None,
        Paid,
        Shipped,
        Disputed,
        Completed,
        Refunded,
        Cancelled,
        Resolved,
        Reviewed,
        Settled
    }

    /// @notice A product as the views return it.
    struct ProductView {
        uint256 id;
        address seller;
        address currency;
        uint256 price;
        uint256 stock;
        uint256 handlingTime;
        uint256 escrowWindow;
        address arbiter;
        uint256 orderCount;
        uint256 termsVersion;
        uint256 ratingCount;
        uint256 ratingSum;
        bytes32 metadataDigest;
        Codec metadataCodec;
        bool listed;
    }

    /// @notice An order as the views return it, with its amount and its next deadline resolved.
    struct OrderView {
        uint256 productId;
        uint256 orderNo;
        address buyer;
        address currency;
        uint256 quantity;
        uint256 unitPrice;
        uint256 amount;
        uint256 termsVersion;
        OrderState state;
        uint256 placedAt; // 0 once the order has shipped (storage keeps one timestamp)
        uint256 shippedAt; // 0 until shipped
        uint256 deadline; // Paid: ship before, cancel from; Shipped: dispute before, release from; else 0
        address offerBy; // the author of the open settlement offer (buyer or seller); address(0): none
        uint256 offerBuyerAmount; // what the open offer gives the buyer back (0 without an offer)
    }

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    /// @notice A product was listed with these terms. Its terms version starts at 0.
    /// @param productId The new product's id.
    /// @param seller The account that listed it and is paid for it.
    /// @param currency address(0) for ETH, else the ERC-20 token it is priced in (fixed for good).
    /// @param price Price of one unit in wei or token units.
    /// @param stock Units available.
    /// @param handlingTime Seconds the seller has to ship an escrowed order (0 for an immediate product).
    /// @param escrowWindow Seconds after shipping the buyer has to dispute; 0 settles purchases at once.
    /// @param arbiter The account that splits disputes, or address(0) for none.
    /// @param metadataDigest sha2-256 digest of the CIDv1 of the product's metadata document.
    /// @param metadataCodec CID codec of that document.
    event ProductListed(
        uint256 indexed productId,
        address indexed seller,
        address indexed currency,
        uint256 price,
        uint256 stock,
        uint256 handlingTime,
        uint256 escrowWindow,
        address arbiter,
        bytes32 metadataDigest,
        Codec metadataCodec
    );

    /// @notice The unit price changed; purchases must now name the new price and terms version.
    /// @param productId The product.
    /// @param price The new price of one unit.
    /// @param termsVersion The product's new terms version.
    event PriceChanged(uint256 indexed productId, uint256 price, uint256 termsVersion);

    /// @notice The seller set the units available (does not change the terms version).
    /// @param productId The product.
    /// @param stock The new number of units available.
    event StockChanged(uint256 indexed productId, uint256 stock);

    /// @notice The product now points at another metadata document; purchases must name the new version.
    /// @param productId The product.
    /// @param metadataDigest sha2-256 digest of the new document's CIDv1.
    /// @param metadataCodec CID codec of that document.
    /// @param termsVersion The product's new terms version.
    event MetadataChanged(uint256 indexed productId, bytes32 metadataDigest, Codec metadataCodec, uint256 termsVersion);

    /// @notice The product is no longer for sale, for good; its stock is now 0. Open orders go on.
    /// @param productId The product.
    event ProductDelisted(uint256 indexed productId);

    /// @notice An order was placed and paid. Its currency is the product's; its amount is
    /// `quantity * unitPrice`; an order that is not escrowed is Completed and credited to the seller.
    /// @param productId The product.
    /// @param buyer The account that bought (and is refunded, if ever).
    /// @param orderNo The order's number within the product (1, 2, ...).
    /// @param quantity Units bought, taken from stock.
    /// @param unitPrice The price of one unit paid.
    /// @param escrowed True: the order is Paid and its funds wait in escrow. False: Completed.
    /// @param orderData The buyer's opaque order details (e.g. shipping details encrypted to the seller),
    /// at most MAX_ORDER_DATA bytes; empty for none. Only in this log: the Catalog does not store it.
    event Purchased(
        uint256 indexed productId,
        address indexed buyer,
        uint256 orderNo,
        uint256 quantity,
        uint256 unitPrice,
        bool escrowed,
        bytes orderData
    );

    /// @notice The seller shipped an escrowed order: the escrow window starts now.
    /// @param productId The product.
    /// @param orderNo The order.
    /// @param trackingDigest sha2-256 digest of a tracking document's CIDv1, or zero for none.
    /// @param trackingCodec CID codec of that document.
    event OrderShipped(uint256 indexed productId, uint256 indexed orderNo, bytes32 trackingDigest, Codec trackingCodec);

    /// @notice The buyer confirmed an order (or withdrew its dispute): its amount is credited to the seller.
    /// @param productId The product.
    /// @param orderNo The order.
    event OrderConfirmed(uint256 indexed productId, uint256 indexed orderNo);

    /// @notice The escrow window of a shipped order passed undisputed: its amount is credited to the seller.
    /// @param productId The product.
    /// @param orderNo The order.
    event OrderReleased(uint256 indexed productId, uint256 indexed orderNo);

    /// @notice The buyer disputed a shipped order: its funds stay in escrow until the arbiter rules, the
    /// seller refunds, the buyer confirms or both settle by agreement (an open offer stays open).
    /// @param productId The product.
    /// @param orderNo The order.
    event OrderDisputed(uint256 indexed productId, uint256 indexed orderNo);

    /// @notice The arbiter split a disputed order: `buyerAmount` to the buyer, `sellerAmount` to the seller.
    /// A disputed order has shipped: no units return to stock.
    /// @param productId The product.
    /// @param orderNo The order.
    /// @param buyerAmount Credited to the buyer.
    /// @param sellerAmount Credited to the seller; the two add up to the order's amount.
    event OrderResolved(uint256 indexed productId, uint256 indexed orderNo, uint256 buyerAmount, uint256 sellerAmount);

    /// @notice The seller refunded an order: its full amount is credited to the buyer. The units return to
    /// stock only if the order never shipped (the seller still has them) and the product is still listed.
    /// @param productId The product.
    /// @param orderNo The order.
    event OrderRefunded(uint256 indexed productId, uint256 indexed orderNo);

    /// @notice The buyer cancelled an order the seller did not ship in time: its full amount is credited
    /// to the buyer. The order never shipped, so its units return to stock if the product is still listed.
    /// @param productId The product.
    /// @param orderNo The order.
    event OrderCancelled(uint256 indexed productId, uint256 indexed orderNo);

    /// @notice The buyer rated a completed, resolved or settled order and pointed at a review document.
    /// @param productId The product.
    /// @param reviewer The order's buyer.
    /// @param orderNo The order.
    /// @param rating Stars, 1 to 5.
    /// @param reviewDigest sha2-256 digest of the review document's CIDv1.
    /// @param reviewCodec CID codec of that document.
    event Reviewed(
        uint256 indexed productId,
        address indexed reviewer,
        uint256 orderNo,
        uint8 rating,
        bytes32 reviewDigest,
        Codec reviewCodec
    );

    /// @notice Buyer or seller offered to settle an escrowed order: `buyerAmount` back to the buyer, the
    /// rest to the seller. It replaces any earlier offer on the order, from either side.
    /// @param productId The product.
    /// @param orderNo The order.
    /// @param by The offer's author: the order's buyer or the product's seller.
    /// @param buyerAmount What the buyer would get back, at most the order's amount.
    event SettlementOffered(
        uint256 indexed productId, uint256 indexed orderNo, address indexed by, uint256 buyerAmount
    );

    /// @notice The author of the open settlement offer withdrew it; the order has no open offer now.
    /// @param productId The product.
    /// @param orderNo The order.
    /// @param by The offer's author.
    event SettlementWithdrawn(uint256 indexed productId, uint256 indexed orderNo, address indexed by);

    /// @notice The other party accepted the open settlement offer: `buyerAmount` is credited to the buyer,
    /// `sellerAmount` to the seller, and the order is Settled. The units return to stock only if the order
    /// never shipped and the product is still listed.
    /// @param productId The product.
    /// @param orderNo The order.
    /// @param buyerAmount Credited to the buyer.
    /// @param sellerAmount Credited to the seller; the two add up to the order's amount.
    event OrderSettled(uint256 indexed productId, uint256 indexed orderNo, uint256 buyerAmount, uint256 sellerAmount);

    /// @notice A seller pointed at its profile document (name, description, banner, public encryption key);
    /// the latest event of a seller wins. A zero digest clears the profile.
    /// @param seller The account the profile describes (the caller).
    /// @param digest sha2-256 digest of the profile document's CIDv1, or zero: no profile.
    /// @param codec CID codec of that document.
    event ProfileSet(address indexed seller, bytes32 digest, Codec codec);

    /// @notice `account` withdrew its whole balance in `currency`, sent to `to`.
    /// @param account Whose balance was emptied.
    /// @param currency address(0) for ETH, else the token.
    /// @param to Who received the funds.
    /// @param amount How much was sent.
    event Withdrawn(address indexed account, address indexed currency, address to, uint256 amount);

    /*//////////////////////////////////////////////////////////////
                              CUSTOM ERRORS
    //////////////////////////////////////////////////////////////*/

    /// @notice No product has this id.
    /// @param productId The id asked for.
    error CatalogUnknownProduct(uint256 productId);

    /// @notice Only the product's seller may do this.
    /// @param productId The product.
    /// @param caller Who tried.
    error CatalogNotSeller(uint256 productId, address caller);

    /// @notice The product is delisted: it cannot be bought or changed any more.
    /// @param productId The product.
    error CatalogProductDelisted(uint256 productId);

    /// @notice A price must be 1 .. 2^96-1 (wei or token units).
    /// @param price The price given.
    error CatalogInvalidPrice(uint256 price);

    /// @notice A stock must be at most 2^32-1 units.
    /// @param stock The stock given.
    error CatalogInvalidStock(uint256 stock);

    /// @notice An escrow window must be 0 (an immediate product) or MIN_ESCROW_WINDOW .. MAX_ESCROW_WINDOW.
    /// @param escrowWindow The window given.
    error CatalogInvalidEscrowWindow(uint256 escrowWindow);

    /// @notice A handling time must be MIN_HANDLING_TIME .. MAX_HANDLING_TIME for an escrowed product and 0
    /// for an immediate one.
    /// @param handlingTime The handling time given.
    error CatalogInvalidHandlingTime(uint256 handlingTime);

    /// @notice A document reference needs a codec of 0 (raw) or 1 (dag-pb) and, except for tracking, a
    /// nonzero digest.
    /// @param digest The digest given.
    /// @param codec The codec given.
    error CatalogInvalidMetadata(bytes32 digest, uint8 codec);

    /// @notice A currency must be address(0) (ETH) or a contract (an ERC-20 token), not the Catalog.
    /// @param currency The currency given.
    error CatalogInvalidCurrency(address currency);

    /// @notice An arbiter must be neither the seller nor the Catalog, and an immediate product (no escrow)
    /// has none.
    /// @param arbiter The arbiter given.
    error CatalogInvalidArbiter(address arbiter);

    /// @notice The product's terms version reached 2^16-1: its price and metadata are fixed for good.
    /// @param productId The product.
    error CatalogTooManyTermsChanges(uint256 productId);

    /// @notice A seller cannot buy its own product (a purchase would let it rate itself).
    /// @param productId The product.
    error CatalogSellerIsBuyer(uint256 productId);

    /// @notice The order data is longer than MAX_ORDER_DATA bytes.
    /// @param size Its length in bytes.
    /// @param max MAX_ORDER_DATA.
    error CatalogOrderDataTooLarge(uint256 size, uint256 max);

    /// @notice A purchase must be of at least one unit.
    /// @param quantity The quantity given.
    error CatalogInvalidQuantity(uint256 quantity);

    /// @notice Not enough units in stock.
    /// @param productId The product.
    /// @param requested Units asked for.
    /// @param available Units in stock.
    error CatalogInsufficientStock(uint256 productId, uint256 requested, uint256 available);

    /// @notice The product is priced in another currency than the buyer named.
    /// @param productId The product.
    /// @param expected The currency the buyer named.
    /// @param actual The product's currency.
    error CatalogWrongCurrency(uint256 productId, address expected, address actual);

    /// @notice The unit price is not the one the buyer named.
    /// @param productId The product.
    /// @param expected The unit price the buyer named.
    /// @param actual The product's unit price.
    error CatalogPriceChanged(uint256 productId, uint256 expected, uint256 actual);

    /// @notice The terms (price or metadata) changed since the version the buyer named.
    /// @param productId The product.
    /// @param expected The terms version the buyer named.
    /// @param actual The product's terms version.
    error CatalogTermsChanged(uint256 productId, uint256 expected, uint256 actual);

    /// @notice An ETH purchase must send exactly quantity times the unit price.
    /// @param sent Wei sent.
    /// @param required Wei due.
    error CatalogWrongPayment(uint256 sent, uint256 required);

    /// @notice A token purchase must not send ETH.
    /// @param value Wei sent.
    error CatalogUnexpectedEth(uint256 value);

    /// @notice The Catalog's token balance grew by another amount than the price (a fee-on-transfer token,
    /// or a token that moved other funds during the transfer).
    /// @param token The token.
    /// @param received By how much the Catalog's balance grew (0 if it shrank).
    /// @param expected The amount due.
    error CatalogTokenShortfall(address token, uint256 received, uint256 expected);

    /// @notice The product has 2^32-1 orders: no more can be placed.
    /// @param productId The product.
    error CatalogTooManyOrders(uint256 productId);

    /// @notice No order has this number.
    /// @param productId The product.
    /// @param orderNo The order number asked for.
    error CatalogUnknownOrder(uint256 productId, uint256 orderNo);

    /// @notice Only the order's buyer may do this.
    /// @param productId The product.
    /// @param orderNo The order.
    /// @param caller Who tried.
    error CatalogNotBuyer(uint256 productId, uint256 orderNo, address caller);

    /// @notice Only the product's arbiter may do this.
    /// @param productId The product.
    /// @param caller Who tried.
    error CatalogNotArbiter(uint256 productId, address caller);

    /// @notice The arbiter bought this order, so it may not rule on it (it stays frozen like a dispute
    /// without an arbiter).
    /// @param productId The product.
    /// @param orderNo The order.
    error CatalogArbiterIsParty(uint256 productId, uint256 orderNo);

    /// @notice The order is not in a state that allows this.
    /// @param productId The product.
    /// @param orderNo The order.
    /// @param state The order's state.
    error CatalogWrongOrderState(uint256 productId, uint256 orderNo, OrderState state);

    /// @notice The seller still has time to ship: the buyer may cancel from `deadline` on.
    /// @param productId The product.
    /// @param orderNo The order.
    /// @param deadline placedAt + handlingTime.
    error CatalogHandlingTimeNotOver(uint256 productId, uint256 orderNo, uint256 deadline);

    /// @notice The handling time ended at `deadline`: the order can no longer be shipped, only cancelled
    /// (or refunded or settled).
    /// @param productId The product.
    /// @param orderNo The order.
    /// @param deadline placedAt + handlingTime.
    error CatalogShipDeadlinePassed(uint256 productId, uint256 orderNo, uint256 deadline);

    /// @notice The escrow window closed at `deadline`: the order can no longer be disputed.
    /// @param productId The product.
    /// @param orderNo The order.
    /// @param deadline shippedAt + escrowWindow.
    error CatalogDisputeWindowClosed(uint256 productId, uint256 orderNo, uint256 deadline);

    /// @notice The escrow window is still open: the order can be released from `releasableAt` on.
    /// @param productId The product.
    /// @param orderNo The order.
    /// @param releasableAt shippedAt + escrowWindow.
    error CatalogEscrowNotExpired(uint256 productId, uint256 orderNo, uint256 releasableAt);

    /// @notice The buyer's share of a split cannot exceed the order's amount.
    /// @param buyerAmount The share given.
    /// @param amount The order's amount.
    error CatalogInvalidSplit(uint256 buyerAmount, uint256 amount);

    /// @notice Only the order's buyer or the product's seller may do this.
    /// @param productId The product.
    /// @param orderNo The order.
    /// @param caller Who tried.
    error CatalogNotParty(uint256 productId, uint256 orderNo, address caller);

    /// @notice The order has no open settlement offer the caller may act on: none to accept, or none of
    /// the caller's own to withdraw.
    /// @param productId The product.
    /// @param orderNo The order.
    error CatalogNoOffer(uint256 productId, uint256 orderNo);

    /// @notice The amount accepted is not the one of the open offer (it was replaced meanwhile).
    /// @param productId The product.
    /// @param orderNo The order.
    /// @param offered The open offer's amount for the buyer.
    /// @param accepted The amount the caller named.
    error CatalogOfferMismatch(uint256 productId, uint256 orderNo, uint256 offered, uint256 accepted);

    /// @notice The open offer is the caller's own: only the other party can accept it.
    /// @param productId The product.
    /// @param orderNo The order.
    error CatalogOwnOffer(uint256 productId, uint256 orderNo);

    /// @notice Only a Completed, Resolved or Settled order can be reviewed, once.
    /// @param productId The product.
    /// @param orderNo The order.
    /// @param state The order's state.
    error CatalogOrderNotReviewable(uint256 productId, uint256 orderNo, OrderState state);

    /// @notice A rating is 1 to 5 stars.
    /// @param rating The rating given.
    error CatalogInvalidRating(uint256 rating);

    /// @notice The caller's balance in this currency is zero.
    /// @param account The caller.
    error CatalogNothingToWithdraw(address account);

    /// @notice Funds cannot be sent to address(0) or to the Catalog itself.
    /// @param to The recipient given.
    error CatalogInvalidRecipient(address to);

    /// @notice The recipient refused the ETH; the balance is kept.
    /// @param account The recipient (the `to` of the withdrawal).
    /// @param amount The amount it refused.
    error CatalogWithdrawFailed(address account, uint256 amount);
}
