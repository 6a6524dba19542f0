// Our Ponder indexer (indexer/), read over its GraphQL API (one request per page, with its total count). A convenience, never a root of trust: it only says which
// products and orders to show and in what order; every value the user pays or signs for is read from the
// chain afterwards (views compare the two and warn). Before any use, `checkIndexer` confirms that what answers
// is our indexer, of this chain and this Catalog, and that it is not behind the chain's head, as
// dapp/indexer/reader.py does. A module of its own, loaded only when the page names an indexer.

import type { Address, Hex } from 'viem';
import type { Order, Product } from './chain/contract';
import type { ChainReader, PurchasedLog, ShippedLog } from './chain/reader';
import { STATE, stateLabel } from './orders';
import type { banner, refresh } from './actions';
import type { IndexApi, Shop } from './state';
import type { ArbiterData } from './views/arbiter';
import type { CatalogData, CatalogQuery as PageQuery } from './views/catalog';
import type { Balance } from './views/order-card';
import type { MyOrders } from './views/orders';
import type { SellerData } from './views/seller';

export const PROTOCOL = 'ownerless-store/catalog@1';
/** How far behind the chain's head an indexer may be and still be used (it polls every ~0.5 s). */
export const MAX_LAG = 5;
export const PAGE_SIZE = 24;

export type IndexerProblem = 'unreachable' | 'not-indexer' | 'chain' | 'catalog' | 'behind';
export type IndexerCheck =
  { ok: true; indexed: number } | { ok: false; problem: IndexerProblem; message: string; indexed?: number };

export class IndexerError extends Error {}

async function fetchJson(url: string, init?: RequestInit): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, { cache: 'no-store', ...init });
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  return { status: response.status, body };
}

/** Is `url` our indexer of `chainId`'s Catalog at `address`, no more than MAX_LAG blocks behind `head`? */
export async function checkIndexer(url: string, chainId: number, address: string, head: bigint): Promise<IndexerCheck> {
  let about;
  try {
    about = await fetchJson(`${url}/catalog`);
  } catch {
    return {
      ok: false,
      problem: 'unreachable',
      message: `The indexer at ${url} does not answer (or does not let web pages read it).`,
    };
  }
  const info = about.body as Record<string, unknown> | null;
  if (about.status !== 200 || !info || typeof info !== 'object' || info.indexer !== PROTOCOL) {
    return {
      ok: false,
      problem: 'not-indexer',
      message: `${url} is not an indexer of this store (GET /catalog answered HTTP ${about.status} without the ${PROTOCOL} description).`,
    };
  }
  if (Number(info.chainId) !== chainId) {
    return {
      ok: false,
      problem: 'chain',
      message: `The indexer at ${url} indexes chain ${String(info.chainId)}, but this store lives on chain ${chainId}.`,
    };
  }
  if (String(info.address).toLowerCase() !== address.toLowerCase()) {
    return {
      ok: false,
      problem: 'catalog',
      message: `The indexer at ${url} indexes the Catalog at ${String(info.address)}, not this store's ${address}.`,
    };
  }
  return checkHeight(url, head);
}

/** The indexer's last applied block (Ponder's /status) against the chain's head. */
export async function checkHeight(url: string, head: bigint): Promise<IndexerCheck> {
  let indexed = -1;
  try {
    const status = await fetchJson(`${url}/status`);
    const block = (status.body as { catalog?: { block?: { number?: unknown } } } | null)?.catalog?.block?.number;
    if (typeof block === 'number') indexed = block;
  } catch {
    return { ok: false, problem: 'unreachable', message: `The indexer at ${url} does not answer.` };
  }
  if (BigInt(indexed) + BigInt(MAX_LAG) < head) {
    const where = indexed < 0 ? 'has not indexed any block yet' : `has reached block ${indexed}`;
    return {
      ok: false,
      problem: 'behind',
      indexed,
      message: `The indexer at ${url} is behind the chain: it ${where}, the chain is at block ${head}.`,
    };
  }
  return { ok: true, indexed };
}

type Row = Record<string, unknown>;
interface Connection {
  items: Row[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  totalCount?: number;
}

/** The `data` of one GraphQL query; an IndexerError names what went wrong. */
export async function query<T = Record<string, Connection>>(
  url: string,
  text: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  let reply;
  try {
    reply = await fetchJson(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: text, variables }),
    });
  } catch {
    throw new IndexerError(`The indexer at ${url} does not answer.`);
  }
  const body = reply.body as { data?: unknown; errors?: { message?: string }[] } | null;
  if (reply.status !== 200 || !body || body.errors || !body.data || typeof body.data !== 'object') {
    const why = body?.errors?.[0]?.message ?? `HTTP ${reply.status}`;
    throw new IndexerError(`The indexer at ${url} refused a query (${why}).`);
  }
  return body.data as T;
}

const big = (value: unknown): bigint => BigInt(String(value));
const PAGE_INFO = 'pageInfo { hasNextPage hasPreviousPage startCursor endCursor }';
const MAX_PAGE = 1000; // Ponder's GraphQL limit

/** Every row of `table` matching `where`, in event order (a page of 1,000 per request); `typed` maps each
 * variable to its GraphQL type and value. */
async function every(
  url: string,
  table: string,
  fields: string,
  where: string,
  typed: Record<string, [string, unknown]>,
) {
  const declared = Object.entries(typed)
    .map(([name, [kind]]) => `, $${name}: ${kind}`)
    .join('');
  const variables = Object.fromEntries(Object.entries(typed).map(([name, [, value]]) => [name, value]));
  const text = `query Rows($after: String${declared}) { ${table}(where: ${where}, orderBy: "position", limit: ${MAX_PAGE}, after: $after) { items { ${fields} } ${PAGE_INFO} } }`;
  const rows: Row[] = [];
  let after: string | null = null;
  for (;;) {
    const page: Connection = (await query(url, text, { ...variables, after }))[table]!;
    rows.push(...page.items);
    if (!page.pageInfo.hasNextPage) return rows;
    after = page.pageInfo.endCursor;
  }
}

// --- the catalog ---------------------------------------------------------------------------------

export type Sort = 'id-asc' | 'newest' | 'price-asc' | 'price-desc' | 'rating';
export interface CatalogQuery {
  text: string;
  sort: Sort;
  /** A currency's address, lower-case, or '' for any. */
  currency: string;
  inStock: boolean;
  /** A seller's address, lower-case, or '' for any. */
  seller: string;
  /** The page after this cursor (Next), or before that one (Previous); neither: the first page. */
  after?: string | null;
  before?: string | null;
}
export interface CatalogPage {
  /** The products to show, in order: ids and the indexer's price (compared with the chain's). */
  rows: { id: bigint; price: bigint }[];
  total: number;
  next: string | null;
  previous: string | null;
}

const ORDER: Record<Sort, [string, 'asc' | 'desc']> = {
  'id-asc': ['id', 'asc'],
  newest: ['id', 'desc'],
  'price-asc': ['price', 'asc'],
  'price-desc': ['price', 'desc'],
  rating: ['rating', 'desc'],
};

/** One page of the listed products matching `q`: search over verified names and descriptions, any case. */
export async function catalogPage(url: string, q: CatalogQuery, size = PAGE_SIZE): Promise<CatalogPage> {
  const where: string[] = ['listed: true'];
  const variables: Record<string, unknown> = { after: q.after ?? null, before: q.before ?? null };
  const text = q.text.trim().toLowerCase();
  if (text) {
    variables.text = text;
    where.push('searchText_contains: $text');
  }
  if (q.currency) {
    variables.currency = q.currency;
    where.push('currency: $currency');
  }
  if (q.seller) {
    variables.seller = q.seller;
    where.push('seller: $seller');
  }
  if (q.inStock) where.push('stock_gt: "0"');
  const declared = ['text', 'currency', 'seller'].filter((k) => k in variables).map((k) => `, $${k}: String!`);
  const [by, direction] = ORDER[q.sort];
  const found = await query(
    url,
    `query Catalog($after: String, $before: String${declared.join('')}) { products(where: {${where.join(', ')}}, ` +
      `orderBy: "${by}", orderDirection: "${direction}", limit: ${size}, after: $after, before: $before) ` +
      `{ items { id price } ${PAGE_INFO} totalCount } }`,
    variables,
  );
  const page = found.products!;
  return {
    rows: page.items.map((r) => ({ id: big(r.id), price: big(r.price) })),
    total: page.totalCount ?? 0,
    next: page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null,
    previous: page.pageInfo.hasPreviousPage ? page.pageInfo.startCursor : null,
  };
}

/** The currencies products are sold in (the filter's choices; a store has a handful). */
export async function currencies(url: string): Promise<string[]> {
  const found = new Set<string>();
  // Distinct values by hopping over each currency's products: one request per currency (at most 20).
  for (let i = 0; i < 20; i++) {
    const where: string = found.size
      ? `{listed: true, currency_not_in: ${JSON.stringify([...found])}}`
      : '{listed: true}';
    const page: Connection = (
      await query(url, `{ products(where: ${where}, orderBy: "currency", limit: 1) { items { currency } } }`)
    ).products!;
    const row = page.items[0];
    if (!row) break;
    found.add(String(row.currency));
  }
  return [...found].sort();
}

// --- histories -----------------------------------------------------------------------------------

/** An order as the indexer has it: which order, and the state to compare with the chain's. */
export interface OrderRow {
  productId: bigint;
  orderNo: bigint;
  state: number;
  currency: string;
}

/** An order with the indexer's orderData (null: none) and the block it says the purchase is in (null: none
 * given), where the page reads the chain's own orderData (`verifyOrderData`). */
export type SealedRow = OrderRow & { orderData: Hex | null; block: bigint | null };

const ORDER_FIELDS = 'productId orderNo state currency';
const HEX = /^0x(?:[0-9a-fA-F]{2})*$/;
const orderRow = (r: Row): OrderRow => ({
  productId: big(r.productId),
  orderNo: big(r.orderNo),
  state: Number(r.state),
  currency: String(r.currency),
});

const hexOrNull = (value: unknown): Hex | null =>
  typeof value === 'string' && HEX.test(value) ? (value as Hex) : null;
const blockOrNull = (value: unknown): bigint | null => {
  try {
    const block = big(value);
    return block >= 0n ? block : null;
  } catch {
    return null;
  }
};
const sealedRow = (r: Row): SealedRow => ({
  ...orderRow(r),
  orderData: hexOrNull(r.orderData),
  block: blockOrNull(r.blockNumber),
});

/** An order of the buyer's with its orderData and, once shipped, the tracking document it names. */
export type BuyerOrderRow = SealedRow & { tracking: ShippedLog | null };

/** Every order `buyer` placed, oldest first. */
export async function buyerOrders(url: string, buyer: string): Promise<BuyerOrderRow[]> {
  const fields = `${ORDER_FIELDS} orderData blockNumber trackingDigest trackingCodec`;
  const rows = await every(url, 'orders', fields, '{buyer: $who}', { who: ['String!', buyer.toLowerCase()] });
  return rows.map((r) => {
    const row = sealedRow(r);
    const digest = hexOrNull(r.trackingDigest);
    const tracking =
      digest && digest.length === 66
        ? {
            productId: row.productId,
            orderNo: row.orderNo,
            trackingDigest: digest,
            trackingCodec: Number(r.trackingCodec),
          }
        : null;
    return { ...row, tracking };
  });
}

/** A page of the seller's inbox or products. */
export const DESK_PAGE = 50;

/** Where a seller's list is: its first page (no cursor), or the page after `after` or before `before`;
 * `from`: the number of that page's first row, counted by the page (a cursor carries no offset). */
export interface ListAt {
  after?: string;
  before?: string;
  from: number;
}
/** Where the seller's desk is in each of its lists (none: the first page). */
export interface DeskAt {
  orders?: ListAt;
  products?: ListAt;
}
/** One page of a seller's list: rows `from`..`to` of `total`, and where its neighbours are (null: none). */
export interface ListPage {
  at: ListAt;
  from: number;
  to: number;
  total: number;
  next: ListAt | null;
  previous: ListAt | null;
}

/**
 * Which rows a page of `count` rows fetched at `at` holds, and its neighbours' cursors. Exact on the first
 * and last pages (the first counts from 1, the last back from the total); in between it counts from where
 * the seller came from, so rows that left the list meanwhile shift it by as many (a lying indexer can only
 * mislabel pages, never change a row: each is read from the chain).
 */
export function listPage(
  at: ListAt | undefined,
  count: number,
  info: Connection['pageInfo'],
  total: number,
  size: number,
): ListPage {
  const first = !at || !(at.after || at.before) || (Boolean(at.before) && !info.hasPreviousPage);
  let from = first ? 1 : !info.hasNextPage && count ? total - count + 1 : at.from;
  from = Math.max(1, from);
  const to = from + count - 1;
  const next = info.hasNextPage && info.endCursor ? { after: info.endCursor, from: to + 1 } : null;
  const previous =
    from === 1 && !info.hasPreviousPage
      ? null
      : count && info.startCursor
        ? { before: info.startCursor, from: Math.max(1, from - size) }
        : { from: 1 };
  return { at: at ?? { from: 1 }, from, to, total: Math.max(total, count && to), next, previous };
}

/** The page at `at` of the `table` connection that `text` asks for (its variables: `who` and the cursors). */
async function listRows(
  url: string,
  table: string,
  text: string,
  who: string,
  at: ListAt | undefined,
  size: number,
): Promise<{ items: Row[]; page: ListPage }> {
  const found = (
    await query(url, text, { who: who.toLowerCase(), after: at?.after ?? null, before: at?.before ?? null })
  )[table]!;
  return { items: found.items, page: listPage(at, found.items.length, found.pageInfo, found.totalCount ?? 0, size) };
}

/** A page of a seller's open orders (paid, shipped, disputed), oldest first, with each one's orderData (the
 * buyer's sealed shipping details; null when the indexer has none). */
export async function sellerInbox(
  url: string,
  seller: string,
  size = DESK_PAGE,
  at?: ListAt,
): Promise<{ rows: SealedRow[]; page: ListPage }> {
  const found = await listRows(
    url,
    'orders',
    `query Inbox($who: String!, $after: String, $before: String) { orders(where: {seller: $who, state_in: [1, 2, 3]}, ` +
      `orderBy: "position", limit: ${size}, after: $after, before: $before) ` +
      `{ items { ${ORDER_FIELDS} orderData blockNumber } ${PAGE_INFO} totalCount } }`,
    seller,
    at,
    size,
  );
  return { rows: found.items.map(sealedRow), page: found.page };
}

/** A page of a seller's products, newest first: their ids and the currencies they sell in. */
export async function sellerProducts(
  url: string,
  seller: string,
  size = DESK_PAGE,
  at?: ListAt,
): Promise<{ ids: bigint[]; currencies: string[]; page: ListPage }> {
  const found = await listRows(
    url,
    'products',
    `query Mine($who: String!, $after: String, $before: String) { products(where: {seller: $who}, orderBy: "id", ` +
      `orderDirection: "desc", limit: ${size}, after: $after, before: $before) { items { id currency } ${PAGE_INFO} totalCount } }`,
    seller,
    at,
    size,
  );
  return {
    ids: found.items.map((r) => big(r.id)),
    currencies: [...new Set(found.items.map((r) => String(r.currency)))],
    page: found.page,
  };
}

/** The disputed orders of the products `arbiter` arbitrates, and how many products that is. */
export async function arbiterQueue(url: string, arbiter: string): Promise<{ rows: OrderRow[]; products: number }> {
  const products = await every(url, 'products', 'id', '{arbiter: $who}', { who: ['String!', arbiter.toLowerCase()] });
  const ids = products.map((r) => String(r.id));
  const rows: Row[] = [];
  for (let i = 0; i < ids.length; i += MAX_PAGE) {
    rows.push(
      ...(await every(url, 'orders', ORDER_FIELDS, '{productId_in: $ids, state: 3}', {
        ids: ['[BigInt!]', ids.slice(i, i + MAX_PAGE)],
      })),
    );
  }
  return { rows: rows.map(orderRow), products: ids.length };
}

export interface ReviewRow {
  productId: bigint;
  reviewer: string;
  orderNo: bigint;
  rating: number;
  reviewDigest: string;
  reviewCodec: number;
}

/** A product's reviews, oldest first. */
export async function reviews(url: string, productId: bigint): Promise<ReviewRow[]> {
  const rows = await every(
    url,
    'reviews',
    'productId reviewer orderNo rating reviewDigest reviewCodec',
    '{productId: $id}',
    {
      id: ['BigInt!', String(productId)],
    },
  );
  return rows.map((r) => ({
    productId: big(r.productId),
    reviewer: String(r.reviewer),
    orderNo: big(r.orderNo),
    rating: Number(r.rating),
    reviewDigest: String(r.reviewDigest),
    reviewCodec: Number(r.reviewCodec),
  }));
}

// --- the views' data from the indexer (here, so that none of it is in the page's initial JS) ---------------

const ZERO_ADDRESS: Address = '0x0000000000000000000000000000000000000000'; // not chain/contract's: the ABI
const PENDING: number[] = [STATE.Paid, STATE.Shipped, STATE.Disputed];

export async function catalogFromIndex(
  shop: Shop,
  url: string,
  seller: Address | null,
  query: PageQuery,
): Promise<CatalogData> {
  const ask = {
    ...query,
    sort: query.sort === 'listed' ? ('id-asc' as const) : query.sort,
    seller: seller?.toLowerCase() ?? '',
  };
  const [deployment, page] = await Promise.all([shop.checked, catalogPage(url, ask, PAGE_SIZE)]);
  if (deployment.status === 'bad') return { closed: deployment.reason };
  // The chain's own values for what the indexer picked: one JSON-RPC batch.
  const chain = await Promise.all(page.rows.map((row) => shop.reader.product(row.id).catch(() => null)));
  const disagree = new Map<bigint, string>();
  const products: Product[] = [];
  page.rows.forEach((row, i) => {
    const product = chain[i];
    if (!product || !product.listed) {
      disagree.set(row.id, `The indexer lists product #${row.id}, which the chain does not offer.`);
      return;
    }
    if (product.price !== row.price) {
      disagree.set(row.id, "The indexer showed another price for this product: the price shown is the chain's.");
    }
    products.push(product);
  });
  await shop.reader.loadTokens(products.map((p) => p.currency));
  return {
    products,
    total: page.total,
    source: 'indexer',
    disagree,
    currencies: [], // the filter asks the indexer for them after the first render
    next: page.next,
    previous: page.previous,
  };
}

/** My orders: which ones from the indexer, each read from the chain, with the credits in the same batch. */
export async function myOrdersFromIndex(shop: Shop, url: string, account: Address): Promise<MyOrders> {
  const reader = shop.reader;
  const rows = await buyerOrders(url, account);
  const states = new Map(rows.map((r) => [`${r.productId}-${r.orderNo}`, r.state]));
  const currencies = [...new Set(rows.map((r) => r.currency))];
  const productIds = [...new Set(rows.map((r) => r.productId))];
  // The credits and token symbols ride in the same JSON-RPC batch as the orders (a rate-limited RPC
  // penalises requests in quick succession); a currency the indexer left out is read after.
  const [orders, products, now, early, , logs] = await Promise.all([
    Promise.all(rows.map((r) => reader.order(r.productId, r.orderNo))),
    Promise.all(productIds.map((id) => reader.product(id))),
    reader.now(),
    credits(reader, account, currencies),
    reader.loadTokens(currencies),
    purchasesOf(reader, rows),
  ]);
  const sealed = verifyOrderData(rows, logs);
  const byId = new Map(products.map((p) => [p.id, p]));
  await reader.loadTokens(products.map((p) => p.currency));
  const covered = products.every((p) => early.some((b) => b.currency === p.currency.toLowerCase()));
  const balances = covered
    ? early
    : await credits(
        reader,
        account,
        products.map((p) => p.currency),
      );
  return {
    // orderData is the chain's (verifyOrderData); the tracking document only says what the page then checks:
    // the note opens only with the buyer's key, bound to this order, and its bytes must hash to its CID.
    // orders[i] is rows[i] read from the chain (the same ids, in the same order).
    orders: orders
      .map((order, i) => ({
        order,
        product: byId.get(order.productId)!,
        ...(sealed.orderData[i] ? { orderData: sealed.orderData[i] } : {}),
        ...(rows[i]!.tracking ? { tracking: rows[i]!.tracking! } : {}),
      }))
      .reverse(),
    balances,
    now,
    warnings: [...stateWarnings([...orders].reverse(), states), ...sealed.warnings.reverse()],
  };
}

/** Each row's Purchased log, read from the chain in the block the indexer names (null: not there); one
 * single-block eth_getLogs each, made in the same tick as the caller's other reads: one JSON-RPC batch. */
function purchasesOf(reader: ChainReader, rows: readonly SealedRow[]): Promise<(PurchasedLog | null)[]> {
  return Promise.all(
    rows.map((r) => (r.block === null ? null : reader.purchaseIn(r.block, r.productId, r.orderNo).catch(() => null))),
  );
}

/**
 * The orderData of each row as the chain has it (undefined: none to show), and a warning for each row whose
 * orderData the indexer has otherwise or whose purchase is not in the block it names. An indexer's bytes are
 * never used: HPKE base mode does not authenticate the sender and the seller's key is public, so an indexer
 * could hand the seller a forged address sealed to it and bound to the right order.
 */
export function verifyOrderData(
  rows: readonly SealedRow[],
  logs: readonly (PurchasedLog | null)[],
): { orderData: (Hex | undefined)[]; warnings: string[] } {
  const warnings: string[] = [];
  const orderData = rows.map((row, i) => {
    const log = logs[i];
    const ref = `${row.productId}-${row.orderNo}`;
    if (!log) {
      warnings.push(
        `The indexer's details for order ${ref} do not match the chain (its purchase is not in the block the indexer names): no shipping details are shown.`,
      );
      return undefined;
    }
    const chain = (log.orderData ?? '0x').toLowerCase() as Hex; // none in a Catalog before v3
    if ((row.orderData ?? '0x').toLowerCase() !== chain) {
      warnings.push(`The indexer's details for order ${ref} do not match the chain; the chain's are shown.`);
    }
    return chain === '0x' ? undefined : chain;
  });
  return { orderData, warnings };
}

/** What `account` may withdraw in ETH and each of `currencies` (order-card's balancesFor, by currency). */
async function credits(reader: ChainReader, account: Address, currencies: readonly string[]): Promise<Balance[]> {
  const all = [...new Set([ZERO_ADDRESS, ...currencies.map((c) => c.toLowerCase() as Address)])];
  const amounts = await Promise.all(all.map((c) => reader.withdrawable(account, c)));
  return all.map((currency, i) => ({ currency, amount: amounts[i] ?? 0n }));
}

/** A page of the inbox and one of the products (`at`; none: the first of each) from the indexer; every order
 * and product on them is then read from the chain, in one JSON-RPC batch. */
export async function sellerFromIndex(
  shop: Shop,
  url: string,
  account: Address,
  at: DeskAt = {},
  size = DESK_PAGE,
): Promise<SellerData> {
  const reader = shop.reader;
  const [mine, inbox] = await Promise.all([
    sellerProducts(url, account, size, at.products),
    sellerInbox(url, account, size, at.orders),
  ]);
  const ids = [...new Set([...mine.ids, ...inbox.rows.map((r) => r.productId)])];
  const currencies = [...new Set([...mine.currencies, ...inbox.rows.map((r) => r.currency)])];
  // One JSON-RPC batch: the credits and token symbols ride with the orders and products.
  const [products, orders, now, early, , logs] = await Promise.all([
    Promise.all(ids.map((id) => reader.product(id))),
    Promise.all(inbox.rows.map((r) => reader.order(r.productId, r.orderNo))),
    reader.now(),
    credits(reader, account, currencies),
    reader.loadTokens(currencies),
    purchasesOf(reader, inbox.rows),
  ]);
  const sealed = verifyOrderData(inbox.rows, logs);
  const byId = new Map(products.map((p) => [p.id, p]));
  const own = (p: Product | undefined) => p && p.seller.toLowerCase() === account.toLowerCase();
  const listed = mine.ids.map((id) => byId.get(id)).filter(own) as Product[];
  await reader.loadTokens(products.map((p) => p.currency));
  const sold = products.filter(own);
  const covered = sold.every((p) => early.some((b) => b.currency === p.currency.toLowerCase()));
  const balances = covered
    ? early
    : await credits(
        reader,
        account,
        sold.map((p) => p.currency),
      );
  const states = new Map(inbox.rows.map((r) => [`${r.productId}-${r.orderNo}`, r.state]));
  const orderData: Record<string, Hex> = {};
  // the chain's, of orders that carry something (`0x`: an order without an address)
  inbox.rows.forEach((r, i) => {
    const data = sealed.orderData[i];
    if (data) orderData[`${r.productId}-${r.orderNo}`] = data;
  });
  const open = orders
    .filter((order) => PENDING.includes(Number(order.state)) && own(byId.get(order.productId)))
    .map((order) => ({ order, product: byId.get(order.productId)! }));
  return {
    products: listed,
    open,
    balances,
    now,
    orderData,
    account,
    pages: { orders: inbox.page, products: mine.page },
    warnings: [...stateWarnings(orders, states), ...sealed.warnings],
  };
}

/** The queue from the indexer; every order shown is read from the chain, which must say it is disputed. */
export async function arbiterFromIndex(shop: Shop, url: string, account: Address): Promise<ArbiterData> {
  const reader = shop.reader;
  const queue = await arbiterQueue(url, account);
  const ids = [...new Set(queue.rows.map((r) => r.productId))];
  const [products, orders, now] = await Promise.all([
    Promise.all(ids.map((id) => reader.product(id))),
    Promise.all(queue.rows.map((r) => reader.order(r.productId, r.orderNo))),
    reader.now(),
  ]);
  const byId = new Map(products.map((p) => [p.id, p]));
  await reader.loadTokens(products.map((p) => p.currency));
  const mine = (order: Order) => byId.get(order.productId)?.arbiter.toLowerCase() === account.toLowerCase();
  const states = new Map(queue.rows.map((r) => [`${r.productId}-${r.orderNo}`, r.state]));
  return {
    arbitrated: queue.products,
    disputed: orders
      .filter((order) => Number(order.state) === STATE.Disputed && mine(order))
      .map((order) => ({ order, product: byId.get(order.productId)! })),
    now,
    warnings: stateWarnings(orders, states),
  };
}

/** Orders whose state the indexer has otherwise than the chain (which decides what may be done). */
export function stateWarnings(orders: readonly Order[], states: ReadonlyMap<string, number>): string[] {
  const warnings: string[] = [];
  for (const order of orders) {
    const said = states.get(`${order.productId}-${order.orderNo}`);
    if (said !== undefined && said !== Number(order.state)) {
      warnings.push(
        `The indexer has order ${`${order.productId}-${order.orderNo}`} as “${stateLabel(said)}”, but the chain says “${stateLabel(order.state)}”: the chain's state is shown and acted on.`,
      );
    }
  }
  return warnings;
}

/** How often an indexer that is behind the chain (or down) is checked again. */
const RECHECK_MS = 4000;

/** What the page hands the watch (this chunk is standalone: build.mjs). */
export interface PageHooks {
  banner: typeof banner;
  refresh: typeof refresh;
}

const headOf = (shop: Shop): Promise<bigint> => shop.node.rpc<string>('eth_blockNumber', []).then(BigInt);

/**
 * Check the indexer at `url` (fully the first time, `head` given; only its height after that), set the
 * shop's indexer state, say in a banner why it is not used, and re-check one that is behind until it
 * catches up. `api` is this module as the page loaded it.
 */
export async function watchIndexer(
  shop: Shop,
  url: string,
  api: IndexApi,
  head: Promise<bigint> | null,
  hooks: PageHooks,
): Promise<void> {
  const { chainId, address } = shop.config;
  const first = head !== null;
  let result;
  try {
    result = first ? await checkIndexer(url, chainId, address, await head) : await checkHeight(url, await headOf(shop));
  } catch {
    result = { ok: false as const, problem: 'unreachable' as const, message: `The chain node did not answer.` };
  }
  if (result.ok) {
    shop.indexer.value = { status: 'ready', url, api };
    hooks.banner(shop, 'indexer', null);
    if (!first) hooks.refresh(shop); // the views now on screen re-read from the indexer
    return;
  }
  const waiting = result.problem === 'behind' || (result.problem === 'unreachable' && !first);
  shop.indexer.value = waiting
    ? { status: 'behind', url, message: result.message }
    : { status: 'off', url, message: result.message };
  hooks.banner(shop, 'indexer', {
    title: waiting ? 'The indexer is behind the chain' : 'The indexer is not used',
    text: waiting
      ? `${result.message} Until it catches up, products and orders are read from the chain (slower; search covers only what is loaded).`
      : `${result.message} Products and orders are read from the chain instead (slower; search covers only what is loaded).`,
  });
  // Only an indexer of this store that is behind is waited for; one of another store never becomes usable.
  if (waiting) setTimeout(() => void watchIndexer(shop, url, api, null, hooks), RECHECK_MS);
}
