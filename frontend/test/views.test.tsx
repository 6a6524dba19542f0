// The views against a fake reader: what each loads from the chain, and what it renders from that (to a
// string, with preact-render-to-string: no DOM, no node, no wallet).
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { test } from 'node:test';
import { renderToString } from 'preact-render-to-string';
import type { Address, Hex } from 'viem';
import { ZERO_ADDRESS, type Order, type Product } from '../src/chain/contract';
import type { ChainReader, ProfileLog, PurchasedLog, Reader, ShippedLog } from '../src/chain/reader';
import { parseConfig } from '../src/config';
import { parseVariant, type Doc, type DocumentSource } from '../src/docs';
import {
  DecryptionError,
  detailsOf,
  detailsOptions,
  fieldErrors,
  openMyNote,
  sealedSize,
  type AddressFields,
} from '../src/chain/order-data';
import type { CurrencyInfo } from '../src/format';
import { STATE } from '../src/orders';
import { parseRoute } from '../src/router';
import { createShop, type Deployment, type Shop } from '../src/state';
import { Catalog, loadCatalog } from '../src/views/catalog';
import { ShopContext } from '../src/views/common';
import { MyOrdersList, loadMyOrders } from '../src/views/orders';
import { myOrdersFromIndex, sellerFromIndex, stateWarnings } from '../src/indexer';
import { SellerDesk, loadSeller } from '../src/views/seller';
import { Disputes, loadArbiter } from '../src/views/arbiter';
import { ProductPage, loadProduct } from '../src/views/product';
import { loadProfile } from '../src/profiles';
import { digestToCid } from '../src/cid';

const SELLER: Address = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const BUYER: Address = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC';
const ARBITER: Address = '0x90F79bf6EB2c4f870365E785982E1f101E93b906';
const TUSD: Address = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const DIGEST: Hex = `0x${'11'.repeat(32)}`;

function product(id: number, changes: Partial<Product> = {}): Product {
  return {
    id: BigInt(id),
    seller: SELLER,
    currency: ZERO_ADDRESS,
    price: 2n * 10n ** 16n,
    stock: 10n,
    handlingTime: 3n * 86400n,
    escrowWindow: 14n * 86400n,
    arbiter: ZERO_ADDRESS,
    orderCount: 0n,
    termsVersion: 1n,
    ratingCount: 0n,
    ratingSum: 0n,
    metadataDigest: DIGEST,
    metadataCodec: 0,
    listed: true,
    ...changes,
  };
}

function order(p: Product, no: number, state: number, changes: Partial<Order> = {}): Order {
  return {
    productId: p.id,
    orderNo: BigInt(no),
    buyer: BUYER,
    currency: p.currency,
    quantity: 1n,
    unitPrice: p.price,
    amount: p.price,
    termsVersion: 1n,
    state,
    placedAt: 1000n,
    shippedAt: 0n,
    deadline: 5000n,
    offerBy: ZERO_ADDRESS,
    offerBuyerAmount: 0n,
    ...changes,
  };
}

/** A chain in memory: products, their orders, Purchased logs, credits. Counts what views ask. */
class FakeReader implements ChainReader {
  readonly tokens = new Map<string, CurrencyInfo>();
  calls: string[] = [];
  constructor(
    readonly all: Product[],
    readonly byProduct: Map<bigint, Order[]> = new Map(),
    readonly credits: Map<string, bigint> = new Map(),
    readonly time = 2000,
  ) {}
  async products() {
    this.calls.push('products');
    return this.all;
  }
  async product(id: bigint) {
    const p = this.all.find((x) => x.id === id);
    if (!p) throw new Error(`no product ${id}`);
    return p;
  }
  async orders(productId: bigint) {
    return this.byProduct.get(productId) ?? [];
  }
  async order(productId: bigint, orderNo: bigint) {
    const o = (this.byProduct.get(productId) ?? []).find((x) => x.orderNo === orderNo);
    if (!o) throw new Error('no order');
    return o;
  }
  async withdrawable(account: Address, currency: Address) {
    return this.credits.get(`${account}/${currency.toLowerCase()}`) ?? 0n;
  }
  async loadTokens(currencies: readonly string[]) {
    for (const c of currencies)
      if (c.toLowerCase() === TUSD.toLowerCase()) this.tokens.set(c.toLowerCase(), { symbol: 'tUSD', decimals: 6 });
    return this.tokens;
  }
  async purchases(buyer: Address): Promise<PurchasedLog[]> {
    const logs: PurchasedLog[] = [];
    for (const orders of this.byProduct.values()) {
      for (const o of orders) {
        const orderData = this.orderData.get(`${o.productId}-${o.orderNo}`);
        if (o.buyer === buyer) logs.push({ productId: o.productId, buyer, orderNo: o.orderNo, orderData });
      }
    }
    return logs;
  }
  orderData = new Map<string, Hex>();
  /** The block of each order's Purchased log (`productId-orderNo`). */
  blocks = new Map<string, bigint>();
  async purchaseIn(block: bigint, productId: bigint, orderNo: bigint): Promise<PurchasedLog | null> {
    this.calls.push('purchaseIn');
    const ref = `${productId}-${orderNo}`;
    const o = (this.byProduct.get(productId) ?? []).find((x) => x.orderNo === orderNo);
    if (!o || this.blocks.get(ref) !== block) return null;
    return { productId, buyer: o.buyer, orderNo, orderData: this.orderData.get(ref) ?? '0x' };
  }
  shipped: ShippedLog[] = [];
  async shipments(productIds: readonly bigint[]) {
    return this.shipped.filter((s) => productIds.includes(s.productId));
  }
  async sales(productIds: readonly bigint[]): Promise<PurchasedLog[]> {
    return [...this.byProduct.entries()]
      .filter(([id]) => productIds.includes(id))
      .flatMap(([, orders]) => orders.map((o) => ({ ...o, orderData: '0x' as Hex })));
  }
  async reviews() {
    return [];
  }
  profiles = new Map<string, ProfileLog>();
  async profile(seller: Address) {
    this.calls.push('profile');
    return this.profiles.get(seller.toLowerCase()) ?? null;
  }
  async now() {
    return this.time;
  }
}

const docs: DocumentSource = {
  imageUrl: (cid) => `http://gw/ipfs/${cid}`,
  load: async (): Promise<Doc> => ({ status: 'none' }),
  loadCid: async (): Promise<Doc> => ({ status: 'none' }),
};

function shopWith(reader: ChainReader, deployment: Deployment = { status: 'ok' }): Shop {
  const config = parseConfig({
    chainId: 31337,
    address: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
    deploymentBlock: 1,
    codeHash: `0x${'ab'.repeat(32)}`,
    rpcUrl: 'http://127.0.0.1:8545',
  });
  // Views read through `reader`; `node` is for transactions, which these tests never send.
  const shop = createShop({
    config,
    reader,
    node: null as unknown as Reader,
    docs,
    checked: Promise.resolve(deployment),
  });
  shop.deployment.value = deployment;
  return shop;
}

const html = (shop: Shop, view: preact.ComponentChildren) =>
  renderToString(<ShopContext.Provider value={shop}>{view}</ShopContext.Provider>);

test('the catalog lists what is for sale, of one seller when asked, in the product currency', async () => {
  const other: Address = '0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65';
  const reader = new FakeReader([
    product(1),
    product(2, { currency: TUSD, price: 27_500_000n, stock: 2n }),
    product(3, { listed: false }),
    product(4, { seller: other, stock: 0n, escrowWindow: 0n }),
  ]);
  const shop = shopWith(reader);
  const all = await loadCatalog(shop, null);
  if (all.closed !== undefined) assert.fail(all.closed);
  assert.deepEqual(
    all.products.map((p) => p.id),
    [1n, 2n, 4n],
  );
  const own = await loadCatalog(shop, SELLER);
  if (own.closed !== undefined) assert.fail(own.closed);
  assert.equal(own.products.length, 2);
  const page = html(shop, <Catalog seller={null} products={all.products} />);
  assert.match(page, /data-count="3"/);
  assert.match(page, /<a class="card" href="#\/product\/2" data-product="2">/);
  assert.match(page, /27\.50 tUSD/);
  assert.match(page, /Only 2 left/);
  assert.match(page, /Sold out/);
  assert.match(page, /badge direct/);
  assert.match(page, /3 products\./);
});

test('without an indexer: search looks at the names loaded so far (and says so), sort and pages work', async () => {
  const names = new Map<bigint, string>([
    [2n, 'Blue Mug'],
    [3n, 'Red Mug'],
  ]);
  const all = Array.from({ length: 30 }, (_, i) =>
    product(i + 1, { price: BigInt(100 - i), metadataDigest: `0x${(i + 1).toString(16).padStart(64, '0')}` as Hex }),
  );
  const shop = shopWith(new FakeReader(all));
  const loaded = {
    ...docs,
    loaded: (digest: Hex): Doc | undefined => {
      const name = names.get(BigInt(digest));
      return name ? { status: 'ok', cid: 'x', data: { name, description: '', images: [] } as never } : undefined;
    },
  };
  const withDocs = { ...shop, docs: loaded };
  const base = { text: '', sort: 'listed' as const, currency: '', inStock: false, page: 0 };
  const first = await loadCatalog(withDocs, null, base);
  if (first.closed !== undefined) assert.fail(first.closed);
  assert.equal(first.products.length, 24);
  assert.equal(first.total, 30);
  assert.equal(first.source, 'chain');
  const second = await loadCatalog(withDocs, null, { ...base, page: 1 });
  if (second.closed !== undefined) assert.fail(second.closed);
  assert.deepEqual(
    second.products.map((p) => p.id),
    [25n, 26n, 27n, 28n, 29n, 30n],
  );
  const cheap = await loadCatalog(withDocs, null, { ...base, sort: 'price-asc' });
  if (cheap.closed !== undefined) assert.fail(cheap.closed);
  assert.equal(cheap.products[0]!.id, 30n);
  const found = await loadCatalog(withDocs, null, { ...base, text: 'mug' });
  if (found.closed !== undefined) assert.fail(found.closed);
  assert.deepEqual(
    found.products.map((p) => p.id),
    [2n, 3n],
  );
  assert.deepEqual(found.searched, { named: 2, of: 30 });
  const page = html(
    withDocs,
    <Catalog
      seller={null}
      products={found.products}
      result={found}
      query={{ ...base, text: 'mug' }}
      onQuery={() => {}}
    />,
  );
  assert.match(page, /Without an indexer, search covers only the product names loaded so far on this page \(2 of 30\)/);
});

test('an order state the indexer has otherwise than the chain is named, with the chain’s', () => {
  const shirt = product(1);
  const warnings = stateWarnings(
    [order(shirt, 1, 8), order(shirt, 2, 1)],
    new Map([
      ['1-1', 1],
      ['1-2', 1],
    ]),
  );
  assert.deepEqual(warnings, [
    "The indexer has order 1-1 as “Awaiting shipment”, but the chain says “Reviewed”: the chain's state is shown and acted on.",
  ]);
});

test("an indexer's orderData is never used: each order's comes from its Purchased log, in the block named", async () => {
  const shirt = product(1, { orderCount: 4n });
  const orders = [1, 2, 3, 4].map((no) => order(shirt, no, STATE.Paid));
  const reader = new FakeReader([shirt], new Map([[1n, orders]]));
  const real: Hex = '0x01aa';
  for (const no of [1, 2, 3, 4]) {
    reader.orderData.set(`1-${no}`, real);
    reader.blocks.set(`1-${no}`, BigInt(10 + no));
  }
  // The indexer: 1-1 true, 1-2 another sealed address, 1-3 none, 1-4 in a block without its purchase.
  const rows = [
    { orderData: real, blockNumber: '11' },
    { orderData: '0x01bb', blockNumber: '12' },
    { orderData: null, blockNumber: '13' },
    { orderData: '0x01cc', blockNumber: '99' },
  ].map((r, i) => ({ productId: '1', orderNo: String(i + 1), state: 1, currency: ZERO_ADDRESS, ...r }));
  const asked: { table: string; after: unknown; before: unknown }[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const { query: text, variables } = JSON.parse(body) as { query: string; variables: Record<string, unknown> };
      const table = text.includes('products(') ? 'products' : 'orders';
      asked.push({ table, after: variables.after, before: variables.before });
      const items = table === 'products' ? [{ id: '1', currency: ZERO_ADDRESS }] : rows;
      const page = { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null };
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ data: { [table]: { items, pageInfo: page, totalCount: items.length } } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  try {
    const shop = shopWith(reader);
    const expected = [
      "The indexer's details for order 1-2 do not match the chain; the chain's are shown.",
      "The indexer's details for order 1-3 do not match the chain; the chain's are shown.",
      "The indexer's details for order 1-4 do not match the chain (its purchase is not in the block the indexer names): no shipping details are shown.",
    ];
    const seller = await sellerFromIndex(shop, url, SELLER);
    assert.deepEqual(seller.orderData, { '1-1': real, '1-2': real, '1-3': real });
    assert.deepEqual(seller.warnings, expected);
    assert.deepEqual(seller.pages?.orders, { at: { from: 1 }, from: 1, to: 4, total: 4, next: null, previous: null });
    assert.ok(asked.every((a) => a.after === null && a.before === null));
    // A page of the inbox further on: its cursor goes to the orders' query only.
    asked.length = 0;
    const later = await sellerFromIndex(shop, url, SELLER, { orders: { after: 'c50', from: 51 } });
    assert.deepEqual(
      asked.sort((a, b) => a.table.localeCompare(b.table)),
      [
        { table: 'orders', after: 'c50', before: null },
        { table: 'products', after: null, before: null },
      ],
    );
    assert.deepEqual(later.pages?.orders.at, { after: 'c50', from: 51 }); // where the desk is, kept for the pager
    const page = html(shop, <SellerDesk {...seller} />);
    assert.match(page, /order 1-2 do not match the chain; the chain's are shown/);
    assert.doesNotMatch(page, /01bb|01cc/);
    const mine = await myOrdersFromIndex(shop, url, BUYER);
    assert.deepEqual(
      mine.orders.map((o) => [`${o.order.productId}-${o.order.orderNo}`, o.orderData]),
      [
        ['1-4', undefined],
        ['1-3', real],
        ['1-2', real],
        ['1-1', real],
      ],
    );
    assert.deepEqual(mine.warnings, [...expected].reverse());
    assert.equal(reader.calls.filter((c) => c === 'purchaseIn').length, 12); // one per order and view
  } finally {
    server.close();
  }
});

test('a store whose contract is not the one the page was built for is closed', async () => {
  const shop = shopWith(new FakeReader([product(1)]), { status: 'bad', reason: 'Not the contract.' });
  assert.deepEqual(await loadCatalog(shop, null), { closed: 'Not the contract.' });
});

test('my orders: newest first, with the actions each state allows, and the credits to withdraw', async () => {
  const shirt = product(1, { orderCount: 2n, arbiter: ARBITER });
  const mug = product(2, { currency: TUSD, price: 12_000_000n, orderCount: 1n });
  const reader = new FakeReader(
    [shirt, mug],
    new Map([
      [1n, [order(shirt, 1, STATE.Shipped), order(shirt, 2, STATE.Completed)]],
      [2n, [order(mug, 1, STATE.Paid, { deadline: 1500n })]],
    ]),
    new Map([[`${BUYER}/${TUSD.toLowerCase()}`, 4_000_000n]]),
  );
  // 1-1 shipped with an encrypted note (the order carries sealed details), 1-2 with a plain document.
  const [noteDigest, plainDigest] = [`0x${'ab'.repeat(32)}`, `0x${'cd'.repeat(32)}`] as const;
  reader.orderData.set('1-1', '0x01ff');
  reader.shipped = [
    { productId: 1n, orderNo: 1n, trackingDigest: noteDigest, trackingCodec: 0 },
    { productId: 1n, orderNo: 2n, trackingDigest: plainDigest, trackingCodec: 0 },
  ];
  const shop = shopWith(reader);
  const data = await loadMyOrders(shop, BUYER);
  assert.deepEqual(
    data.orders.map(({ order: o }) => `${o.productId}-${o.orderNo}`),
    ['2-1', '1-2', '1-1'],
  );
  const page = html(shop, <MyOrdersList {...data} />);
  const card = (ref: string) => page.slice(page.indexOf(`data-order="${ref}"`)).split('</article>')[0]!;
  assert.match(card('1-1'), /data-action="confirm"/);
  assert.match(card('1-1'), /data-action="dispute"/);
  assert.match(card('1-2'), /data-action="review"/);
  assert.match(card('2-1'), /data-action="cancel"/); // the handling deadline passed
  assert.match(card('2-1'), /Not shipped by the handling deadline/);
  assert.match(card('1-1'), /data-action="show-note"/);
  assert.doesNotMatch(card('1-1'), /Tracking document/);
  const plain = digestToCid(plainDigest, 0);
  assert.match(card('1-2'), new RegExp(`Tracking document: <a class="mono" href="http://gw/ipfs/${plain}"`));
  assert.doesNotMatch(card('1-2'), /show-note/);
  assert.doesNotMatch(card('2-1'), /show-note|Tracking document/);
  assert.match(page, /Ready to withdraw/);
  assert.match(page, /4\.00 tUSD/);
});

test('the seller desk puts orders to ship first, and the arbiter sees only disputes', async () => {
  const a = product(1, { orderCount: 3n, arbiter: ARBITER });
  const b = product(2, { orderCount: 1n, listed: false });
  const reader = new FakeReader(
    [a, b, product(3, { seller: BUYER })],
    new Map([
      [1n, [order(a, 1, STATE.Disputed), order(a, 2, STATE.Paid, { deadline: 9000n }), order(a, 3, STATE.Completed)]],
      [2n, [order(b, 1, STATE.Paid, { deadline: 8000n })]],
    ]),
  );
  const shop = shopWith(reader);
  const desk = await loadSeller(shop, SELLER);
  assert.deepEqual(
    desk.open.map(({ order: o }) => `${o.productId}-${o.orderNo}`),
    ['2-1', '1-2', '1-1'],
  );
  const page = html(shop, <SellerDesk {...desk} />);
  assert.match(page, /Orders to handle \(3\)/);
  assert.match(page, /Products \(2\)/);
  assert.match(page, /Delisted/);
  assert.match(page, /value="0.02" aria-label="New price"/);

  const disputes = await loadArbiter(shop, ARBITER);
  assert.equal(disputes.arbitrated, 1);
  assert.deepEqual(
    disputes.disputed.map(({ order: o }) => o.orderNo),
    [1n],
  );
  assert.match(html(shop, <Disputes {...disputes} />), /data-action="resolve"/);
});

test('routes: every view, and a nearly right link says what is wrong', () => {
  assert.deepEqual(parseRoute(''), { view: 'catalog', seller: null });
  assert.deepEqual(parseRoute('#/product/7'), { view: 'product', id: 7n });
  assert.deepEqual(parseRoute('#/orders'), { view: 'orders' });
  assert.deepEqual(parseRoute(`#/seller/${SELLER}`), { view: 'catalog', seller: SELLER });
  const typo = parseRoute(`#/seller/${SELLER.replace('C8', 'c8')}`); // the checksum fails
  assert.equal(typo.view, 'notFound');
  const word = parseRoute('#/product/abc');
  assert.ok(word.view === 'notFound' && word.reason?.includes('is not a product number'));
  assert.equal(parseRoute(`#/product/${2n ** 256n}`).view, 'notFound');
  assert.deepEqual(parseRoute('#/nowhere'), { view: 'notFound', reason: null });
});

test('settlement offers on the order card, for both sides; settled, disputed and late orders', async () => {
  const shirt = product(1, { orderCount: 4n });
  const offered = order(shirt, 1, STATE.Shipped, { offerBy: SELLER, offerBuyerAmount: 5n * 10n ** 15n });
  const reader = new FakeReader(
    [shirt],
    new Map([
      [
        1n,
        [
          offered,
          order(shirt, 2, STATE.Settled),
          order(shirt, 3, STATE.Disputed, { deadline: 0n }),
          order(shirt, 4, STATE.Paid, { deadline: 2000n }),
        ],
      ],
    ]),
  );
  const shop = shopWith(reader);
  const card = (page: string, ref: string) => page.slice(page.indexOf(`data-order="${ref}"`)).split('</article>')[0]!;

  const mine = html(shop, <MyOrdersList {...await loadMyOrders(shop, BUYER)} />);
  const theirs = card(mine, '1-1');
  assert.match(theirs, /data-offer="theirs"/);
  assert.match(theirs, /The seller offers a settlement: you get 0\.005 ETH back and the seller 0\.015 ETH/);
  assert.match(theirs, /data-action="accept"/);
  assert.match(theirs, /Make a counter-offer/);
  assert.doesNotMatch(theirs, /withdrawOffer/);
  assert.match(card(mine, '1-2'), /Settled by agreement between buyer and seller\. You can leave a review\./);
  assert.match(card(mine, '1-2'), /data-action="review"/);
  const disputed = card(mine, '1-3');
  assert.match(disputed, /Disputed\. No arbiter/);
  assert.doesNotMatch(disputed, /1970|release/i); // no release time for a disputed order

  const desk = html(shop, <SellerDesk {...await loadSeller(shop, SELLER)} />);
  const own = card(desk, '1-1');
  assert.match(own, /data-offer="mine"/);
  assert.match(own, /You offered a settlement: the buyer gets 0\.005 ETH back and you keep 0\.015 ETH/);
  assert.match(own, /data-action="withdrawOffer"/);
  assert.match(own, /Change your offer/);
  assert.doesNotMatch(own, /data-action="accept"/);
  const late = card(desk, '1-4'); // the handling deadline (2000) is now: no shipping any more
  assert.doesNotMatch(late, /data-action="ship"/);
  assert.match(late, /can no longer ship: the buyer may cancel/);
  assert.match(late, /data-action="refund"/);
});

test('a seller is not offered Buy on its own product; a buyer reads the rules first', () => {
  const shirt = product(1, { arbiter: ARBITER });
  const shop = shopWith(new FakeReader([shirt]));
  const doc: Doc = { status: 'none' };
  const page = () => html(shop, <ProductPage product={shirt} doc={doc} />);
  shop.account.value = BUYER;
  const buyer = page();
  assert.match(buyer, /Buy now/);
  assert.match(buyer, /From then on it can no longer ship, and you can cancel for a full refund/);
  assert.match(buyer, /settle by agreement/);
  assert.match(buyer, /Disputes are decided by/);
  shop.account.value = SELLER;
  const seller = page();
  assert.doesNotMatch(seller, /Buy now/);
  assert.match(seller, /This is your product: sellers cannot buy their own products\./);
});

test("profiles: the seller's latest ProfileSet wins; the build-time document only without one", async () => {
  const GOOD: Hex = `0x${'22'.repeat(32)}`;
  const BAD: Hex = `0x${'33'.repeat(32)}`;
  const EMPTY: Hex = `0x${'00'.repeat(32)}`;
  const profileDocs: DocumentSource = {
    imageUrl: (cid) => `http://gw/ipfs/${cid}`,
    load: async (digest): Promise<Doc> => {
      if (digest === EMPTY) return { status: 'none' };
      if (digest === BAD) return { status: 'unavailable', cid: 'bafkbad', reason: 'content does not match its digest' };
      return { status: 'ok', cid: 'bafkgood', data: { ...blank, name: 'On-chain Shop' } };
    },
    loadCid: async (cid): Promise<Doc> => ({ status: 'ok', cid, data: { ...blank, name: 'Build-time Shop' } }),
  };
  const blank = {
    name: '',
    description: '',
    text: '',
    rating: null,
    images: [],
    banner: null,
    variant: null,
    encryptionKey: null,
  };
  const other: Address = '0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65';
  const make = (logs: [Address, Hex][]) => {
    const reader = new FakeReader([]);
    for (const [seller, digest] of logs) reader.profiles.set(seller.toLowerCase(), { seller, digest, codec: 0 });
    const config = parseConfig({
      chainId: 31337,
      address: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
      deploymentBlock: 1,
      codeHash: `0x${'ab'.repeat(32)}`,
      rpcUrl: 'http://127.0.0.1:8545',
      seller: SELLER,
      sellerDocument: digestToCid(DIGEST, 0),
    });
    const checked = Promise.resolve<Deployment>({ status: 'ok' });
    return createShop({ config, reader, node: null as unknown as Reader, docs: profileDocs, checked });
  };
  const never = await loadProfile(make([]), SELLER);
  assert.ok(never.status === 'ok' && never.source === 'build' && never.name === 'Build-time Shop');
  const set = await loadProfile(make([[SELLER, GOOD]]), SELLER);
  assert.ok(set.status === 'ok' && set.source === 'chain' && set.name === 'On-chain Shop');
  assert.deepEqual(await loadProfile(make([[SELLER, EMPTY]]), SELLER), { status: 'none' }); // cleared
  const bad = await loadProfile(make([[SELLER, BAD]]), SELLER);
  assert.ok(bad.status === 'unavailable' && bad.source === 'chain');
  // Any seller's storefront reads its own profile; a build-time document is the page's own seller's only.
  assert.deepEqual(await loadProfile(make([]), other), { status: 'none' });
  const theirs = await loadProfile(make([[other, GOOD]]), other);
  assert.ok(theirs.status === 'ok' && theirs.name === 'On-chain Shop');
});

// --- options (MERCH-SPEC §1) and the checkout's checks --------------------------------------------------

const TEE_CHOICES = { size: ['S', 'M', 'L', 'XL'] };
const tee = (size: string, group = 'tour-tee-2026', choices: Record<string, string[]> = TEE_CHOICES) => ({
  group,
  options: { size },
  choices,
});
const digestOf = (n: number): Hex => `0x${n.toString(16).padStart(64, '0')}`;

/** Documents by digest: product n's document is docsBy.get(n). */
function variantDocs(byId: Map<number, unknown>): DocumentSource {
  return {
    imageUrl: (cid) => `http://gw/ipfs/${cid}`,
    load: async (digest): Promise<Doc> => {
      const id = Number(BigInt(digest));
      const variant = byId.get(id);
      const base = { description: '', text: '', rating: null, images: [], banner: null, encryptionKey: null };
      const parsed = variant === undefined ? null : parseVariant(variant);
      if (variant !== undefined && !parsed) return { status: 'unavailable', cid: `bafk${id}`, reason: 'invalid' };
      return { status: 'ok', cid: `bafk${id}`, data: { ...base, name: `Tee ${id}`, variant: parsed } };
    },
    loadCid: async (): Promise<Doc> => ({ status: 'none' }),
  };
}

test('a product document\'s "variant" is taken only as MERCH-SPEC §1 allows it', () => {
  assert.deepEqual(parseVariant(tee('M')), tee('M'));
  const colours = { size: ['S', 'M'], colour: ['navy', 'sand'] };
  assert.ok(parseVariant({ group: 'g-1', options: { size: 'S', colour: 'sand' }, choices: colours }));
  // As dapp.ipfs.metadata: inner spaces and any printable text (an emoji joined by ZWJ) are values.
  assert.ok(parseVariant(tee('Kids M', 'g', { size: ['Kids M', '👩‍👩‍👧'] })));
  const bad: [string, unknown][] = [
    ['not an object', 'M'],
    ['group with capitals', tee('M', 'Tour')],
    ['group too long', tee('M', 'a'.repeat(65))],
    ['a value not among the choices', tee('XXL')],
    ['options naming other keys', { group: 'g', options: { colour: 'M' }, choices: TEE_CHOICES }],
    ['an option missing', { group: 'g', options: {}, choices: TEE_CHOICES }],
    ['an extra key', { ...tee('M'), price: 1 }],
    ['an option name with capitals', { group: 'g', options: { Size: 'M' }, choices: { Size: ['M'] } }],
    [
      'four option names',
      { group: 'g', options: { a: '1', b: '1', c: '1', d: '1' }, choices: { a: ['1'], b: ['1'], c: ['1'], d: ['1'] } },
    ],
    ['21 values', tee('1', 'g', { size: Array.from({ length: 21 }, (_, i) => String(i)) })],
    ['a value of 21 characters', tee('x'.repeat(21), 'g', { size: ['x'.repeat(21)] })],
    ['an empty value', tee('', 'g', { size: [''] })],
    ['a control character', tee('M\n', 'g', { size: ['M\n'] })],
    ['a surrounding space', tee(' M', 'g', { size: [' M'] })],
    ['a blank value', tee('\u3000', 'g', { size: ['\u3000'] })],
    ['a repeated value', tee('M', 'g', { size: ['M', 'M'] })],
    ['a value that is not text', tee('M', 'g', { size: ['M', 3 as unknown as string] })],
  ];
  for (const [why, variant] of bad) assert.equal(parseVariant(variant), null, why);
});

test('the catalog shows one card per group: same seller, same group id, same choices', () => {
  const other: Address = '0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65';
  const products = [1, 2, 3, 4, 5, 6, 7].map((n) =>
    product(n, { metadataDigest: digestOf(n), seller: n === 5 ? other : SELLER, stock: n === 1 ? 0n : 4n }),
  );
  const variants = new Map(
    [
      [1n, tee('S')],
      [2n, tee('M')],
      [3n, tee('L')],
      [5n, tee('XL')], // another seller's product in a group of the same name
      [6n, tee('M', 'tour-tee-2026', { size: ['M', 'L'] })], // choices that disagree with the group's first
    ].map(([id, v]) => [id as bigint, parseVariant(v)!]),
  );
  const page = html(
    shopWith(new FakeReader(products)),
    <Catalog seller={null} products={products} variants={variants} />,
  );
  assert.match(page, /data-count="5"/);
  assert.match(page, /data-product="1" data-group="1 2 3"/);
  assert.doesNotMatch(page, /data-product="2"/);
  assert.doesNotMatch(page, /data-product="3"/);
  for (const id of [4, 5, 6, 7]) assert.match(page, new RegExp(`data-product="${id}">`));
  assert.match(page, /Size: S, M, L, XL/);
  assert.doesNotMatch(page, /from 0\./); // one price for the group
  const dearer = products.map((p) => (p.id === 3n ? { ...p, price: 3n * 10n ** 16n } : p));
  const from = html(shopWith(new FakeReader(dearer)), <Catalog seller={null} products={dearer} variants={variants} />);
  assert.match(from, /data-group="1 2 3".*?from 0\.02 ETH/s);
  // The group's card counts every option's stock: product 1 (S) is sold out, the group is not.
  assert.match(page, /data-group="1 2 3".*?8 in stock/s);
});

test('the product page offers a picker: each size its own product, with its stock in words', async () => {
  const stock: Record<number, bigint> = { 1: 0n, 2: 2n, 3: 9n, 4: 5n };
  const products = [1, 2, 3, 4, 5].map((n) =>
    product(n, { metadataDigest: digestOf(n), stock: stock[n] ?? 1n, price: BigInt(n) * 10n ** 16n }),
  );
  const docsBy = new Map<number, unknown>([
    [1, tee('S')],
    [2, tee('M')],
    [3, tee('L')],
    [4, tee('XL', 'another-group')],
    [5, tee('XL', 'tour-tee-2026', { size: ['M', 'XL'] })],
  ]);
  const reader = new FakeReader(products);
  const shop = shopWith(reader);
  (shop as { docs: DocumentSource }).docs = variantDocs(docsBy);
  const data = await loadProduct(shop, 3n);
  if (data.closed !== undefined) assert.fail(data.closed);
  assert.deepEqual(
    data.group?.map((m) => m.product.id),
    [1n, 2n, 3n],
  );
  const page = html(shop, <ProductPage product={data.product} doc={data.doc} group={data.group} />);
  assert.match(page, /<legend>Size: <strong>L<\/strong><\/legend>/);
  assert.match(page, /href="#\/product\/1"[^>]*data-state="sold-out"[^>]*>.*?S.*?sold out/s);
  assert.match(page, /href="#\/product\/2"[^>]*data-state="low"/);
  assert.match(page, /aria-current="true" data-value="L"/);
  assert.match(page, /data-value="XL" data-state="missing"/);
  assert.match(page, /Only 2 left in M/);
  assert.match(page, /0\.03 ETH/); // L's own price, read from the chain
  // Choices that disagree with the group's first product's: shown on its own, without a picker.
  const odd = await loadProduct(shop, 5n);
  if (odd.closed !== undefined) assert.fail(odd.closed);
  assert.equal(odd.group, null);
  assert.doesNotMatch(
    html(shop, <ProductPage product={odd.product} doc={odd.doc} group={odd.group} />),
    /class="options"/,
  );
  // Alone in its group: a group of one (its picker offers only its own values); an invalid "variant" leaves the
  // document untrusted.
  const lone = await loadProduct(shop, 4n);
  if (lone.closed !== undefined) assert.fail(lone.closed);
  assert.deepEqual(
    lone.group?.map((m) => m.product.id),
    [4n],
  );
  docsBy.set(6, { group: 'BAD' });
  reader.all.push(product(6, { metadataDigest: digestOf(6) }));
  const invalid = await loadProduct(shop, 6n);
  if (invalid.closed !== undefined) assert.fail(invalid.closed);
  assert.equal(invalid.doc.status, 'unavailable');
  assert.equal(invalid.group, null);
});

test('the picker has a row per option name; a combination not offered leads to one that is, and says so', async () => {
  // Two options (as the documents' canonical JSON orders them: colour, then size); M/White and L/Black are
  // not offered, no product has XL, S/White is sold out.
  const choices = { colour: ['Black', 'White'], size: ['S', 'M', 'L', 'XL'] };
  const shirt = (colour: string, size: string) => ({ group: 'tour-tee-2026', options: { colour, size }, choices });
  const stock: Record<number, bigint> = { 1: 3n, 2: 0n, 3: 5n, 4: 2n };
  const products = [1, 2, 3, 4].map((n) => product(n, { metadataDigest: digestOf(n), stock: stock[n]! }));
  const docsBy = new Map<number, unknown>([
    [1, shirt('Black', 'S')],
    [2, shirt('White', 'S')],
    [3, shirt('Black', 'M')],
    [4, shirt('White', 'L')],
  ]);
  const shop = shopWith(new FakeReader(products));
  (shop as { docs: DocumentSource }).docs = variantDocs(docsBy);
  const render = async (id: bigint) => {
    const data = await loadProduct(shop, id);
    if (data.closed !== undefined) assert.fail(data.closed);
    return html(shop, <ProductPage product={data.product} doc={data.doc} group={data.group} />);
  };
  const first = await render(1n);
  assert.match(first, /data-option="colour".*data-option="size"/s); // one row per name
  assert.match(first, /<legend>Colour: <strong>Black<\/strong><\/legend>/);
  assert.match(first, /<legend>Size: <strong>S<\/strong><\/legend>/);
  assert.match(first, /href="#\/product\/2"[^>]*data-value="White" data-state="sold-out"/);
  assert.match(first, /href="#\/product\/3"[^>]*data-value="M" data-state="ok"/);
  // L/Black is not offered: L leads to L/White, and says the colour changes
  assert.match(
    first,
    /class="choice low other" href="#\/product\/4" aria-label="Size L, with White"[^>]*>.*?L.*?with White/s,
  );
  // From M/Black, White is offered only with S (sold out) and L: the one in stock
  const middle = await render(3n);
  assert.match(middle, /href="#\/product\/4" aria-label="Colour White, with L" data-value="White"/);
  assert.match(middle, /href="#\/product\/1"[^>]*data-value="S" data-state="low"/);
  assert.match(middle, /<span class="choice missing" aria-disabled="true" data-value="XL"[^>]*>.*?not offered/s);
});

test('the checkout form says what is wrong with each field, by the rules of the shipping details', () => {
  const fields: AddressFields = {
    name: '',
    line1: '',
    line2: '',
    city: '  ',
    region: '',
    postcode: '',
    country: 'GB',
    email: 'not-an-email',
    phone: 'call me',
    note: 'x'.repeat(281),
  };
  assert.deepEqual(fieldErrors(fields), {
    name: 'Full name is missing.',
    line1: 'Address is missing.',
    city: 'Town or city is missing.',
    postcode: 'Postcode is missing.',
    email: 'Email is not an email address.',
    phone: 'Phone may hold only digits, a leading +, spaces and ( ) - .',
    note: 'Note is too long (281 bytes, at most 280).',
  });
  const good = {
    ...fields,
    name: 'Zoë',
    line1: '1 Rose St',
    city: 'London',
    postcode: 'N1 9GU',
    email: '',
    phone: '',
    note: '',
  };
  assert.deepEqual(fieldErrors(good, { size: 'M' }), {});
  // Countries without postcodes need none; an unknown country is named.
  assert.deepEqual(fieldErrors({ ...good, postcode: '', country: 'AE' }), {});
  assert.deepEqual(fieldErrors({ ...good, country: '' }), { country: 'Country is missing.' });
  const details = detailsOf(good, detailsOptions({ 'pack size': '3' }));
  assert.deepEqual(details.options, { 'pack-size': '3' });
  assert.equal(sealedSize(details) % 32, 177 % 32);
});

test("the buyer's note is checked against its digest on chain before any key is asked for", async () => {
  // A gateway on 127.0.0.1 that serves a plain JSON document, and another block in place of a note.
  const plain = new TextEncoder().encode('{"carrier":"DHL","tracking":"00340434161094042557"}');
  const swapped = Uint8Array.of(1, ...new Array<number>(40).fill(7));
  const server = createServer((request, response) => {
    response.end(request.url === '/ipfs/plain' ? plain : swapped);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}/ipfs`;
  const sha = async (bytes: Uint8Array<ArrayBuffer>) =>
    `0x${Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)), (b) => b.toString(16).padStart(2, '0')).join('')}` as Hex;
  // No key is needed to tell these apart: a wallet that would fail if asked to sign.
  const wallet = { account: BUYER } as never;
  const shop = shopWith(new FakeReader([]));
  try {
    const open = (digest: Hex, url: string) => openMyNote(shop, wallet, 1n, 1n, '0x01', digest, url);
    assert.equal(await open(await sha(plain), `${base}/plain`), null); // not a note: the card shows its link
    await assert.rejects(open(await sha(plain), `${base}/note`), (error: unknown) => {
      assert.ok(error instanceof DecryptionError);
      assert.match(error.reason, /not the one named on chain/);
      return true;
    });
    await assert.rejects(open(await sha(plain), 'http://127.0.0.1:1/ipfs/none'), /could not be fetched/);
  } finally {
    server.close();
  }
});
