// The Catalog's state rebuilt from its events, as tests/support/replay.py does, plus what the views
// cannot answer: who bought what, a seller's inbox, reviews in order, and product search.
// Amounts are numeric(78) (uint256); `position` orders rows by the event that created them
// (block * 1e6 + log index), the order a log scan returns them in.
import { index, onchainTable, primaryKey } from "ponder";

export const product = onchainTable(
  "product",
  (t) => ({
    id: t.bigint().primaryKey(),
    seller: t.hex().notNull(),
    currency: t.hex().notNull(),
    price: t.bigint().notNull(),
    stock: t.bigint().notNull(),
    handlingTime: t.bigint().notNull(),
    escrowWindow: t.bigint().notNull(),
    arbiter: t.hex().notNull(),
    orderCount: t.bigint().notNull(),
    termsVersion: t.bigint().notNull(),
    ratingCount: t.bigint().notNull(),
    ratingSum: t.bigint().notNull(),
    rating: t.integer().notNull(), // the average rating x 100, rounded down (0: unrated): the page sorts on it
    metadataDigest: t.hex().notNull(),
    metadataCodec: t.integer().notNull(),
    listed: t.boolean().notNull(),
    listedAt: t.bigint().notNull(),
    position: t.bigint().notNull(),
    // The metadata document, fetched through the gateway and checked against the digest on chain:
    // "ok" (name and description hold its text), "missing" (not fetched) or "invalid" (never trusted).
    metadataStatus: t.text().notNull(),
    metadataProblem: t.text(),
    name: t.text(),
    description: t.text(),
    searchText: t.text(), // lower-case name and description: search with searchText_contains
  }),
  (table) => ({
    sellerIdx: index().on(table.seller),
    nameIdx: index().on(table.name),
    priceIdx: index().on(table.price),
    ratingIdx: index().on(table.rating),
  }),
);

export const order = onchainTable(
  "order",
  (t) => ({
    id: t.text().primaryKey(), // "7-2": order 2 of product 7
    productId: t.bigint().notNull(),
    orderNo: t.bigint().notNull(),
    buyer: t.hex().notNull(),
    seller: t.hex().notNull(),
    currency: t.hex().notNull(),
    quantity: t.bigint().notNull(),
    unitPrice: t.bigint().notNull(),
    amount: t.bigint().notNull(),
    termsVersion: t.bigint().notNull(),
    state: t.integer().notNull(), // Catalog.OrderState: 1 paid .. 8 reviewed, 9 settled
    placedAt: t.bigint().notNull(),
    shippedAt: t.bigint().notNull(),
    deadline: t.bigint().notNull(),
    escrowed: t.boolean().notNull(),
    orderData: t.hex(), // the purchase's orderData bytes ("0x" for none; null from a Catalog before v3)
    // The tracking document named when it shipped (null until then): the page verifies its bytes and opens
    // an encrypted note with the order's key, so the indexer only says where to look.
    trackingDigest: t.hex(),
    trackingCodec: t.integer(),
    // The open settlement offer: its author (the zero address: none is open) and what it gives the buyer.
    offerBy: t.hex().notNull(),
    offerBuyerAmount: t.bigint().notNull(),
    position: t.bigint().notNull(),
    blockNumber: t.bigint().notNull(),
    txHash: t.hex().notNull(),
    updatedAt: t.bigint().notNull(),
  }),
  (table) => ({
    buyerIdx: index().on(table.buyer, table.position),
    sellerIdx: index().on(table.seller, table.position),
    productIdx: index().on(table.productId, table.orderNo),
  }),
);

export const review = onchainTable(
  "review",
  (t) => ({
    productId: t.bigint().notNull(),
    orderNo: t.bigint().notNull(),
    reviewer: t.hex().notNull(),
    rating: t.integer().notNull(),
    reviewDigest: t.hex().notNull(),
    reviewCodec: t.integer().notNull(),
    position: t.bigint().notNull(),
    blockNumber: t.bigint().notNull(),
    txHash: t.hex().notNull(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.productId, table.orderNo] }),
    productIdx: index().on(table.productId, table.position),
  }),
);

// What each account can withdraw in each currency (Catalog.withdrawable).
export const balance = onchainTable(
  "balance",
  (t) => ({
    account: t.hex().notNull(),
    currency: t.hex().notNull(),
    amount: t.bigint().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.account, table.currency] }) }),
);

// One row per seller: counts for the seller's views, and the profile document once the Catalog emits one.
export const seller = onchainTable("seller", (t) => ({
  address: t.hex().primaryKey(),
  productCount: t.integer().notNull(),
  orderCount: t.integer().notNull(),
  profileDigest: t.hex(),
  profileCodec: t.integer(),
}));
