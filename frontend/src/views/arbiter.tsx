// Arbiter (`#/arbiter`): the disputed orders of the products the connected account arbitrates, each with a
// split control. None of the payment can go to the arbiter.
import type { Address } from 'viem';
import { isZeroAddress, type Order, type Product } from '../chain/contract';
import { STATE } from '../orders';
import type { Shop } from '../state';
import { indexFor, type Index } from '../indexing';
import { Empty, IndexerWarnings, NeedWallet, ScanNote, useChainData, useShop } from './common';
import { stateWarnings } from './orders';
import { ViewError } from './error';
import { OrderCard, orderRef } from './order-card';

export interface ArbiterData {
  arbitrated: number;
  disputed: { order: Order; product: Product }[];
  now: number;
  warnings?: string[];
}

/** The queue from the indexer; every order shown is read from the chain, which must say it is disputed. */
async function fromIndexer(shop: Shop, index: Index, account: Address): Promise<ArbiterData> {
  const reader = shop.reader;
  const queue = await index.api.arbiterQueue(index.url, account);
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

export async function loadArbiter(shop: Shop, account: Address): Promise<ArbiterData> {
  await shop.checked;
  const index = await indexFor(shop);
  if (index) {
    try {
      return await fromIndexer(shop, index, account);
    } catch (error) {
      if (!(error instanceof index.api.IndexerError)) throw error;
    }
  }
  const reader = shop.reader;
  const all = await reader.products();
  const mine = all.filter((p) => !isZeroAddress(p.arbiter) && p.arbiter.toLowerCase() === account.toLowerCase());
  await reader.loadTokens(mine.map((p) => p.currency));
  const [ordersPer, now] = await Promise.all([
    Promise.all(mine.map((p) => (p.orderCount > 0n ? reader.orders(p.id, p.orderCount) : []))),
    reader.now(),
  ]);
  const disputed: ArbiterData['disputed'] = [];
  mine.forEach((product, i) => {
    for (const order of ordersPer[i] ?? [])
      if (Number(order.state) === STATE.Disputed) disputed.push({ order, product });
  });
  return { arbitrated: mine.length, disputed, now };
}

export function ArbiterView() {
  const account = useShop().account.value;
  if (!account) return <NeedWallet what="the disputes you settle" />;
  return <ArbiterPage key={account} account={account} />;
}

function ArbiterPage({ account }: { account: Address }) {
  const shop = useShop();
  const state = useChainData(() => loadArbiter(shop, account));
  if (state.status === 'loading') {
    return (
      <>
        <h1>Disputes to settle</h1>
        <ScanNote what="the disputes" />
      </>
    );
  }
  if (state.status === 'error') return <ViewError error={state.error} />;
  return <Disputes {...state.data} />;
}

export function Disputes({ arbitrated, disputed, now, warnings = [] }: ArbiterData) {
  return (
    <>
      <h1>Disputes to settle</h1>
      <IndexerWarnings warnings={warnings} />
      <p class="muted">
        {`You arbitrate ${arbitrated} product${arbitrated === 1 ? '' : 's'}. Split each disputed payment between buyer and seller; none of it can go to you.`}
      </p>
      {disputed.length ? (
        <div class="orders">
          {disputed.map(({ order, product }) => (
            <OrderCard key={orderRef(order)} order={order} product={product} now={now} role="arbiter" />
          ))}
        </div>
      ) : (
        <Empty title="No open disputes">
          <p>Disputed orders of the products you arbitrate appear here.</p>
        </Empty>
      )}
    </>
  );
}
