// One handler per Catalog event, each applying exactly what tests/support/replay.py applies, so that
// the tables equal the contract's views. A handler registers only if the deployment's ABI has its event:
// the same app indexes older Catalogs, and a new event needs one handler here and nothing else.
import { ponder } from "ponder:registry";
import { balance, order, product, review, seller } from "ponder:schema";
import { settings } from "../ponder.config";
import { fetchProductDocument } from "./metadata";

const UINT32_MAX = 2n ** 32n - 1n;
const NO_OFFER = "0x0000000000000000000000000000000000000000";
const ZERO_DIGEST = `0x${"0".repeat(64)}`;
const enum State {
  Paid = 1,
  Shipped = 2,
  Disputed = 3,
  Completed = 4,
  Refunded = 5,
  Cancelled = 6,
  Resolved = 7,
  Reviewed = 8,
  Settled = 9,
}

const events = new Set(settings.abi.filter((item) => item.type === "event").map((item) => item.name));

// biome-ignore lint: the handler's argument types come from the ABI, which is data here
function on(name: string, handler: (args: { event: any; context: any }) => Promise<void>) {
  if (events.has(name)) (ponder.on as any)(`Catalog:${name}`, handler);
}

const position = (event: any) => event.block.number * 1_000_000n + BigInt(event.log.logIndex);

async function credit(context: any, account: `0x${string}`, currency: `0x${string}`, amount: bigint) {
  await context.db
    .insert(balance)
    .values({ account, currency, amount })
    .onConflictDoUpdate((row: any) => ({ amount: row.amount + amount }));
}

async function withDocument(digest: `0x${string}`, codec: number) {
  const doc = await fetchProductDocument(digest, codec);
  if (doc.status === "ok") {
    return {
      metadataStatus: "ok",
      metadataProblem: null,
      name: doc.name,
      description: doc.description,
      searchText: `${doc.name}\n${doc.description}`.toLowerCase(),
    };
  }
  return { metadataStatus: doc.status, metadataProblem: doc.problem, name: null, description: null, searchText: null };
}

on("ProductListed", async ({ event, context }) => {
  const a = event.args;
  await context.db.insert(product).values({
    id: a.productId,
    seller: a.seller,
    currency: a.currency,
    price: a.price,
    stock: a.stock,
    handlingTime: a.handlingTime,
    escrowWindow: a.escrowWindow,
    arbiter: a.arbiter,
    orderCount: 0n,
    termsVersion: 0n,
    ratingCount: 0n,
    ratingSum: 0n,
    rating: 0,
    metadataDigest: a.metadataDigest,
    metadataCodec: Number(a.metadataCodec),
    listed: true,
    listedAt: event.block.timestamp,
    position: position(event),
    ...(await withDocument(a.metadataDigest, Number(a.metadataCodec))),
  });
  await context.db
    .insert(seller)
    .values({ address: a.seller, productCount: 1, orderCount: 0 })
    .onConflictDoUpdate((row: any) => ({ productCount: row.productCount + 1 }));
});

on("PriceChanged", async ({ event, context }) => {
  await context.db.update(product, { id: event.args.productId }).set({
    price: event.args.price,
    termsVersion: event.args.termsVersion,
  });
});

on("StockChanged", async ({ event, context }) => {
  await context.db.update(product, { id: event.args.productId }).set({ stock: event.args.stock });
});

on("MetadataChanged", async ({ event, context }) => {
  const a = event.args;
  await context.db.update(product, { id: a.productId }).set({
    metadataDigest: a.metadataDigest,
    metadataCodec: Number(a.metadataCodec),
    termsVersion: a.termsVersion,
    ...(await withDocument(a.metadataDigest, Number(a.metadataCodec))),
  });
});

on("ProductDelisted", async ({ event, context }) => {
  await context.db.update(product, { id: event.args.productId }).set({ listed: false, stock: 0n });
});

on("Purchased", async ({ event, context }) => {
  const a = event.args;
  const p = await context.db.find(product, { id: a.productId });
  const now = event.block.timestamp;
  const amount = a.quantity * a.unitPrice;
  await context.db.update(product, { id: p.id }).set({ stock: p.stock - a.quantity, orderCount: p.orderCount + 1n });
  await context.db.insert(order).values({
    id: `${a.productId}-${a.orderNo}`,
    productId: a.productId,
    orderNo: a.orderNo,
    buyer: a.buyer,
    seller: p.seller,
    currency: p.currency,
    quantity: a.quantity,
    unitPrice: a.unitPrice,
    amount,
    termsVersion: p.termsVersion,
    state: a.escrowed ? State.Paid : State.Completed,
    placedAt: now,
    shippedAt: 0n,
    deadline: a.escrowed ? now + p.handlingTime : 0n,
    escrowed: a.escrowed,
    orderData: a.orderData ?? null,
    offerBy: NO_OFFER,
    offerBuyerAmount: 0n,
    position: position(event),
    blockNumber: event.block.number,
    txHash: event.transaction.hash,
    updatedAt: now,
  });
  await context.db.update(seller, { address: p.seller }).set((row: any) => ({ orderCount: row.orderCount + 1 }));
  if (!a.escrowed) await credit(context, p.seller, p.currency, amount);
});

const orderId = (event: any) => `${event.args.productId}-${event.args.orderNo}`;

// The order moves to `state`; an order that ends (any state but Shipped) loses its open offer with it.
async function settle(event: any, context: any, state: State, fields: Record<string, unknown> = {}) {
  const id = orderId(event);
  const o = await context.db.find(order, { id });
  const ends = state !== State.Shipped ? { offerBy: NO_OFFER, offerBuyerAmount: 0n } : {};
  await context.db
    .update(order, { id })
    .set({ state, deadline: 0n, updatedAt: event.block.timestamp, ...ends, ...fields });
  return o;
}

// Units of an order that ends unshipped go back on sale, if the product is still listed.
async function restock(event: any, context: any, o: any) {
  const p = await context.db.find(product, { id: event.args.productId });
  if (o.shippedAt === 0n && p.listed) {
    const restocked = p.stock + o.quantity;
    await context.db.update(product, { id: p.id }).set({ stock: restocked < UINT32_MAX ? restocked : UINT32_MAX });
  }
}

on("OrderShipped", async ({ event, context }) => {
  const p = await context.db.find(product, { id: event.args.productId });
  const now = event.block.timestamp;
  await settle(event, context, State.Shipped, {
    placedAt: 0n,
    shippedAt: now,
    deadline: now + p.escrowWindow,
    trackingDigest: event.args.trackingDigest,
    trackingCodec: Number(event.args.trackingCodec),
  });
});

// A disputed order has no release time; its open offer stays.
on("OrderDisputed", async ({ event, context }) => {
  await context.db
    .update(order, { id: orderId(event) })
    .set({ state: State.Disputed, deadline: 0n, updatedAt: event.block.timestamp });
});

for (const name of ["OrderConfirmed", "OrderReleased"]) {
  on(name, async ({ event, context }) => {
    const o = await settle(event, context, State.Completed);
    await credit(context, o.seller, o.currency, o.amount);
  });
}

for (const name of ["OrderRefunded", "OrderCancelled"]) {
  on(name, async ({ event, context }) => {
    const o = await settle(event, context, name === "OrderRefunded" ? State.Refunded : State.Cancelled);
    await credit(context, o.buyer, o.currency, o.amount);
    await restock(event, context, o);
  });
}

on("OrderResolved", async ({ event, context }) => {
  const o = await settle(event, context, State.Resolved);
  await credit(context, o.buyer, o.currency, event.args.buyerAmount);
  await credit(context, o.seller, o.currency, event.args.sellerAmount);
});

on("OrderSettled", async ({ event, context }) => {
  const o = await settle(event, context, State.Settled);
  await credit(context, o.buyer, o.currency, event.args.buyerAmount);
  await credit(context, o.seller, o.currency, event.args.sellerAmount);
  await restock(event, context, o);
});

on("SettlementOffered", async ({ event, context }) => {
  await context.db
    .update(order, { id: orderId(event) })
    .set({ offerBy: event.args.by, offerBuyerAmount: event.args.buyerAmount, updatedAt: event.block.timestamp });
});

on("SettlementWithdrawn", async ({ event, context }) => {
  await context.db
    .update(order, { id: orderId(event) })
    .set({ offerBy: NO_OFFER, offerBuyerAmount: 0n, updatedAt: event.block.timestamp });
});

// The seller's profile document; the latest event wins and a zero digest clears it.
on("ProfileSet", async ({ event, context }) => {
  const a = event.args;
  const cleared = a.digest === ZERO_DIGEST;
  const profile = { profileDigest: cleared ? null : a.digest, profileCodec: cleared ? null : Number(a.codec) };
  await context.db
    .insert(seller)
    .values({ address: a.seller, productCount: 0, orderCount: 0, ...profile })
    .onConflictDoUpdate(profile);
});

on("Reviewed", async ({ event, context }) => {
  const a = event.args;
  await settle(event, context, State.Reviewed);
  const p = await context.db.find(product, { id: a.productId });
  const count = p.ratingCount + 1n;
  const sum = p.ratingSum + BigInt(a.rating);
  await context.db.update(product, { id: p.id }).set({
    ratingCount: count,
    ratingSum: sum,
    rating: Number((sum * 100n) / count),
  });
  await context.db.insert(review).values({
    productId: a.productId,
    orderNo: a.orderNo,
    reviewer: a.reviewer,
    rating: Number(a.rating),
    reviewDigest: a.reviewDigest,
    reviewCodec: Number(a.reviewCodec),
    position: position(event),
    blockNumber: event.block.number,
    txHash: event.transaction.hash,
  });
});

on("Withdrawn", async ({ event, context }) => {
  await credit(context, event.args.account, event.args.currency, -event.args.amount);
});
