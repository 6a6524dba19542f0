// Arbiter (`#/arbiter`): the disputed orders of the products the connected account arbitrates, each with a
// split control. None of the payment can go to the arbiter.
import type { Address } from 'viem';
import { isZeroAddress, type Order, type Product } from '../chain/contract';
import { STATE } from '../orders';
import type { Shop } from '../state';
import { indexFor } from '../indexing';
import { Empty, IndexerWarnings, NeedWallet, ScanNote, useChainData, useShop } from './common';
import { ViewError } from './error';
import { OrderCard, orderRef } from './order-card';

export interface ArbiterData {
  arbitrated: number;
  disputed: { order: Order; product: Product }[];
  now: number;
  warnings?: string[];
}

export async function loadArbiter(shop: Shop, account: Address): Promise<ArbiterData> {
  await shop.checked;
  const index = await indexFor(shop);
  if (index) {
    try {
      return await index.api.arbiterFromIndex(shop, index.url, account);
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
