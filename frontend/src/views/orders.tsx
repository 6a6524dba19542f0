// My orders (`#/orders`): every order the connected account placed, newest first, with what it may do now,
// and the refunds and settlements credited to it.
import type { Address } from 'viem';
import type { Order, Product } from '../chain/contract';
import type { PurchasedLog } from '../chain/reader';
import { indexFor } from '../indexing';
import { stateLabel } from '../orders';
import type { Shop } from '../state';
import { Empty, IndexerWarnings, NeedWallet, ScanNote, scanning, useChainData, useShop } from './common';
import { ViewError } from './error';
import { BalancesPanel, OrderCard, balancesFor, balancesIn, orderRef, type Balance } from './order-card';

export interface MyOrders {
  orders: { order: Order; product: Product }[];
  balances: Balance[];
  now: number;
  /** Where the indexer's answer differed from the chain's (the chain's is shown). */
  warnings?: string[];
}

/** Which orders `buyer` placed: from the indexer when it is usable, else from the chain's Purchased logs. */
async function purchases(
  shop: Shop,
  account: Address,
): Promise<{ refs: PurchasedLog[]; states: Map<string, number>; currencies?: string[] }> {
  const index = await indexFor(shop);
  if (index) {
    try {
      const rows = await index.api.buyerOrders(index.url, account);
      return {
        refs: rows.map((r) => ({ productId: r.productId, orderNo: r.orderNo, buyer: account })),
        states: new Map(rows.map((r) => [`${r.productId}-${r.orderNo}`, r.state])),
        currencies: [...new Set(rows.map((r) => r.currency))],
      };
    } catch (error) {
      if (!(error instanceof index.api.IndexerError)) throw error;
    }
  }
  return { refs: await shop.reader.purchases(account, scanning(shop)), states: new Map() };
}

/** Orders whose state the indexer has otherwise than the chain (which decides what may be done). */
export function stateWarnings(orders: readonly Order[], states: ReadonlyMap<string, number>): string[] {
  const warnings: string[] = [];
  for (const order of orders) {
    const said = states.get(`${order.productId}-${order.orderNo}`);
    if (said !== undefined && said !== Number(order.state)) {
      warnings.push(
        `The indexer has order ${orderRef(order)} as “${stateLabel(said)}”, but the chain says “${stateLabel(order.state)}”: the chain's state is shown and acted on.`,
      );
    }
  }
  return warnings;
}

export async function loadMyOrders(shop: Shop, account: Address): Promise<MyOrders> {
  await shop.checked;
  const reader = shop.reader;
  const { refs, states, currencies } = await purchases(shop, account);
  const productIds = [...new Set(refs.map((r) => r.productId))];
  // With the indexer's currencies, the credits and token symbols ride in the same JSON-RPC batch as the
  // orders (a rate-limited RPC penalises requests in quick succession); any currency it left out after.
  const [orders, products, now, early] = await Promise.all([
    Promise.all(refs.map((r) => reader.order(r.productId, r.orderNo))),
    Promise.all(productIds.map((id) => reader.product(id))),
    reader.now(),
    currencies ? balancesIn(reader, account, currencies) : null,
    currencies ? reader.loadTokens(currencies) : null,
  ]);
  const byId = new Map(products.map((p) => [p.id, p]));
  await reader.loadTokens(products.map((p) => p.currency));
  const covered = early && products.every((p) => early.some((b) => b.currency === p.currency.toLowerCase()));
  const balances = covered ? early : await balancesFor(reader, account, products);
  return {
    orders: orders.reverse().map((order) => ({ order, product: byId.get(order.productId)! })),
    balances,
    now,
    warnings: stateWarnings(orders, states),
  };
}

export function OrdersView() {
  const account = useShop().account.value;
  if (!account) return <NeedWallet what="your orders" />;
  return <MyOrdersPage key={account} account={account} />;
}

function MyOrdersPage({ account }: { account: Address }) {
  const shop = useShop();
  const state = useChainData(() => loadMyOrders(shop, account));
  if (state.status === 'loading') {
    return (
      <>
        <h1>My orders</h1>
        <ScanNote what="your orders" />
      </>
    );
  }
  if (state.status === 'error') return <ViewError error={state.error} />;
  return <MyOrdersList {...state.data} />;
}

export function MyOrdersList({ orders, balances, now, warnings = [] }: MyOrders) {
  return (
    <>
      <h1>My orders</h1>
      <IndexerWarnings warnings={warnings} />
      <BalancesPanel balances={balances} caption="Refunds and settlements credited to you" />
      {orders.length ? (
        <div class="orders">
          {orders.map(({ order, product }) => (
            <OrderCard key={orderRef(order)} order={order} product={product} now={now} role="buyer" />
          ))}
        </div>
      ) : (
        <Empty title="No orders yet">
          <p>
            <a href="#/">Browse the shop</a>
          </p>
        </Empty>
      )}
    </>
  );
}
