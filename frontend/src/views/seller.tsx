// Seller (`#/sell`), the artist's workspace: the orders to handle, the products (price and stock edits; the
// workspace edits description and photos) and the payments ready to withdraw. The order inbox (addresses
// decrypted, CSV, new orders live, ship with an encrypted tracking note) and the shop's profile with its
// encryption key come from ../workspace, a lazy chunk the desk waits for; without it (it failed to load, or a
// test renders to a string) the orders show as plain cards.
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { Address, Hex } from 'viem';
import { act } from '../actions';
import { catalogCall, type Order, type Product } from '../chain/contract';
import { parseUnits, plainAmount } from '../format';
import { handOver } from '../handover';
import { STATE } from '../orders';
import { money, type Shop } from '../state';
import { indexFor } from '../indexing';
import type { DeskAt, ListPage } from '../indexer';
import {
  ImageBox,
  IndexerWarnings,
  NeedWallet,
  ProductName,
  ScanNote,
  StockText,
  useChainData,
  useShop,
} from './common';
import { ViewError } from './error';
import { BalancesPanel, OrderCard, balancesFor, orderRef, type Balance } from './order-card';

const MAX_PRICE = 2n ** 96n - 1n; // the contract stores prices as uint96 and stock as uint32
const MAX_STOCK = 2n ** 32n - 1n;

export interface SellerData {
  products: readonly Product[];
  open: { order: Order; product: Product }[];
  balances: Balance[];
  now: number;
  /** Each order's orderData (the buyer's sealed shipping details) by `productId-orderNo`, from its Purchased log. */
  orderData: Record<string, Hex>;
  account: Address;
  /** With an indexer, a page of each list is shown: which rows, of how many, and where the others are. */
  pages?: { orders: ListPage; products: ListPage };
  warnings?: string[];
}

const PENDING: number[] = [STATE.Paid, STATE.Shipped, STATE.Disputed];

export async function loadSeller(shop: Shop, account: Address, at?: DeskAt): Promise<SellerData> {
  await shop.checked;
  const index = await indexFor(shop);
  if (index) {
    try {
      return await index.api.sellerFromIndex(shop, index.url, account, at);
    } catch (error) {
      if (!(error instanceof index.api.IndexerError)) throw error;
    }
  }
  const reader = shop.reader;
  const all = await reader.products();
  const mine = all.filter((p) => p.seller.toLowerCase() === account.toLowerCase());
  await reader.loadTokens(mine.map((p) => p.currency));
  const sold = mine.filter((p) => p.orderCount > 0n).map((p) => p.id);
  const [ordersPer, balances, now, sales] = await Promise.all([
    Promise.all(mine.map((p) => (p.orderCount > 0n ? reader.orders(p.id, p.orderCount) : []))),
    balancesFor(reader, account, mine),
    reader.now(),
    reader.sales(sold),
  ]);
  const orderData: Record<string, Hex> = {};
  // only orders that carry something: an empty orderData (`0x`) is an order without an address
  for (const sale of sales) {
    if (sale.orderData && sale.orderData !== '0x') orderData[`${sale.productId}-${sale.orderNo}`] = sale.orderData;
  }
  const open: SellerData['open'] = [];
  mine.forEach((product, i) => {
    for (const order of ordersPer[i] ?? []) if (PENDING.includes(Number(order.state))) open.push({ order, product });
  });
  // Orders to ship first, the nearest handling deadline on top.
  open.sort(
    (a, b) => Number(a.order.state) - Number(b.order.state) || Number(a.order.deadline) - Number(b.order.deadline),
  );
  return { products: mine, open, balances, now, orderData, account };
}

export function SellerView() {
  const account = useShop().account.value;
  if (!account) return <NeedWallet what="your shop" />;
  return <SellerPage key={account} account={account} />;
}

function SellerPage({ account }: { account: Address }) {
  const shop = useShop();
  const [at, go] = useState<DeskAt>();
  const state = useChainData(() => loadSeller(shop, account, at), [at]);
  // The desk waits for the workspace chunk too (it loads beside the chain reads): swapping the plain list for
  // the workspace's inbox later would re-mount every order card and drop a form the seller had opened.
  const ws = useWorkspace();
  if (state.status === 'loading' || ws === undefined) {
    return (
      <>
        <h1>Your shop</h1>
        <ScanNote what="your products and orders" />
      </>
    );
  }
  if (state.status === 'error') return <ViewError error={state.error} />;
  return <SellerDesk {...state.data} workspace={ws} go={go} />;
}

type Workspace = typeof import('../workspace');
let workspaceModule: Promise<Workspace> | undefined;

/** The workspace chunk, loaded once, after the page handed it the Preact and transaction code it shares:
 * undefined while it loads, null if it failed (the desk then still lists the orders and ships them). */
function useWorkspace(): Workspace | null | undefined {
  const [ws, setWs] = useState<Workspace | null | undefined>(undefined);
  useEffect(() => {
    let live = true;
    workspaceModule ??= (async () => {
      handOver();
      return import('../workspace');
    })();
    workspaceModule.then(
      (m) => live && setWs(() => m),
      () => {
        workspaceModule = undefined; // the next visit tries again
        if (live) setWs(null);
      },
    );
    return () => {
      live = false;
    };
  }, []);
  return ws;
}

export function SellerDesk({
  products,
  open,
  balances,
  now,
  orderData,
  account,
  pages,
  warnings = [],
  workspace,
  go,
}: SellerData & { workspace?: Workspace | null; go?: (at: DeskAt) => void }) {
  const shop = useShop();
  const openCount = pages?.orders.total ?? open.length;
  const productCount = pages?.products.total ?? products.length;
  // With an indexer and the workspace, each list pages (the workspace's pager); without, it says how much is shown.
  const pager = (list: 'orders' | 'products') =>
    workspace && pages && go ? <workspace.DeskPager list={list} pages={pages} go={go} /> : null;
  return (
    <>
      <h1>Your shop</h1>
      {workspace ? null : (
        <p class="muted small">
          {'Listing a new product from this page needs its workspace; from the command line: '}
          <code>dapp list-product</code>
        </p>
      )}
      <BalancesPanel balances={balances} caption="Payments for completed orders" />
      <IndexerWarnings warnings={warnings} />
      <section class="inbox" data-workspace={workspace ? 'ready' : undefined}>
        <h2>Orders to handle ({openCount.toLocaleString('en-US')})</h2>
        {pager('orders') ??
          (openCount > open.length ? <p class="small muted">{`The ${open.length} oldest are shown first.`}</p> : null)}
        {workspace ? (
          // Mounted even while empty: it watches for new blocks, so the first order appears without a reload.
          <workspace.Inbox
            shop={shop}
            account={account}
            open={open}
            orderData={orderData}
            now={now}
            Card={OrderCard}
            page={pages?.orders}
          />
        ) : !open.length ? (
          <p class="muted">Nothing to ship or settle.</p>
        ) : (
          <div class="orders">
            {open.map(({ order, product }) => (
              <OrderCard key={orderRef(order)} order={order} product={product} now={now} role="seller" />
            ))}
          </div>
        )}
        {pager('orders')}
      </section>
      <section>
        <h2>Products ({productCount.toLocaleString('en-US')})</h2>
        {pager('products') ??
          (productCount > products.length ? (
            <p class="small muted">{`The ${products.length} newest are shown.`}</p>
          ) : null)}
        {products.length ? (
          <div class="seller-products">
            {products.map((p) => (
              <ProductRow
                key={String(p.id)}
                product={p}
                edit={workspace && <workspace.EditDocument shop={shop} product={p} products={products} />}
              />
            ))}
          </div>
        ) : (
          <p class="muted">You have not listed anything yet.</p>
        )}
        {pager('products')}
      </section>
      {workspace ? <workspace.ListingPanel shop={shop} account={account} products={products} /> : null}
      {workspace ? <workspace.ProfilePanel shop={shop} account={account} /> : null}
    </>
  );
}

/** A product's price and stock, editable. A field the seller typed in keeps what they typed across
 * re-renders; a field nobody touched shows the chain's current value. `edit`: the workspace's description
 * and photos editor. */
function ProductRow({ product, edit }: { product: Product; edit?: ComponentChildren }) {
  const shop = useShop();
  const fmt = money(shop, product.currency);
  const [price, setPrice] = useState<string | null>(null);
  const [stock, setStock] = useState<string | null>(null);
  const [error, setError] = useState('');
  const priceText = price ?? plainAmount(product.price, fmt.info);
  const stockText = stock ?? String(product.stock);
  const store = shop.config.address;
  const savePrice = () => {
    let value;
    try {
      value = parseUnits(priceText, fmt.info.decimals);
    } catch (e) {
      return setError(`Price: ${(e as Error).message}`);
    }
    // The contract's limits, said before the wallet is asked (a uint96 price, never zero).
    if (value === 0n) return setError('Price: must be more than 0');
    if (value > MAX_PRICE) return setError(`Price: at most ${fmt.amount(MAX_PRICE)}`);
    setError('');
    const label = `Set price to ${fmt.amount(value)}`;
    void act(shop, `New price ${fmt.amount(value)}`, product.currency, () => [
      { label, call: () => catalogCall(store, 'setPrice', [product.id, value]) },
    ]);
  };
  const saveStock = () => {
    const typed = stockText.trim();
    if (!/^\d+$/.test(typed)) return setError('Stock: a whole number');
    const units = BigInt(typed);
    if (units > MAX_STOCK) return setError(`Stock: at most ${MAX_STOCK}`);
    setError('');
    void act(shop, `Stock ${units}`, product.currency, () => [
      { label: `Set stock to ${units}`, call: () => catalogCall(store, 'setStock', [product.id, units]) },
    ]);
  };
  const delist = () => {
    // Delisting is final for this listing (a new one is listed again): asked before the wallet is.
    if (!confirm(`Delist #${product.id}? It can no longer be bought; open orders go on as they are.`)) return;
    void act(shop, `Delist #${product.id}`, product.currency, () => [
      { label: 'Delist', call: () => catalogCall(store, 'delist', [product.id]) },
    ]);
  };
  return (
    <article class="seller-product" data-product={String(product.id)}>
      <a class="order-thumb" href={`#/product/${product.id}`}>
        <ImageBox product={product} cls="media small" />
      </a>
      <div class="order-body">
        <div class="order-head">
          <ProductName product={product} tag="strong" />
          {product.listed ? <StockText product={product} /> : <span class="stock off">Delisted</span>}
        </div>
        <p class="small muted">{`#${product.id} · ${product.orderCount} order${product.orderCount === 1n ? '' : 's'}`}</p>
        {product.listed ? (
          <div class="edit-row">
            <label class="small">
              {'Price '}
              <input
                type="text"
                inputMode="decimal"
                value={priceText}
                aria-label="New price"
                onInput={(e) => setPrice(e.currentTarget.value)}
              />
              {` ${fmt.info.symbol} `}
              <button class="btn secondary" type="button" data-action="set-price" onClick={savePrice}>
                Save
              </button>
            </label>
            <label class="small">
              {'Stock '}
              <input
                type="number"
                min={0}
                value={stockText}
                aria-label="New stock"
                onInput={(e) => setStock(e.currentTarget.value)}
              />{' '}
              <button class="btn secondary" type="button" data-action="set-stock" onClick={saveStock}>
                Save
              </button>
            </label>
            <button class="btn ghost" type="button" data-action="delist" onClick={delist}>
              Delist
            </button>
          </div>
        ) : null}
        {edit}
        <p class="small warn-text">{error}</p>
      </div>
    </article>
  );
}
