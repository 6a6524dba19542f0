// My orders (`#/orders`): every order the connected account placed, newest first, with what it may do now,
// and the refunds and settlements credited to it.
import type { Address, Hex } from 'viem';
import type { Order, Product } from '../chain/contract';
import type { ShippedLog } from '../chain/reader';
import { indexFor } from '../indexing';
import type { Shop } from '../state';
import { Empty, IndexerWarnings, NeedWallet, ScanNote, scanning, useChainData, useShop } from './common';
import { ViewError } from './error';
import { BalancesPanel, OrderCard, balancesFor, orderRef, type Balance } from './order-card';

export interface MyOrders {
  orders: { order: Order; product: Product; orderData?: Hex; tracking?: ShippedLog }[];
  balances: Balance[];
  now: number;
  /** Where the indexer's answer differed from the chain's (the chain's is shown). */
  warnings?: string[];
}

export async function loadMyOrders(shop: Shop, account: Address): Promise<MyOrders> {
  await shop.checked;
  const index = await indexFor(shop);
  if (index) {
    try {
      return await index.api.myOrdersFromIndex(shop, index.url, account);
    } catch (error) {
      if (!(error instanceof index.api.IndexerError)) throw error;
    }
  }
  const reader = shop.reader;
  const refs = await reader.purchases(account, scanning(shop));
  const productIds = [...new Set(refs.map((r) => r.productId))];
  const [orders, products, now, shipped] = await Promise.all([
    Promise.all(refs.map((r) => reader.order(r.productId, r.orderNo))),
    Promise.all(productIds.map((id) => reader.product(id))),
    reader.now(),
    reader.shipments(productIds),
  ]);
  const tracking = new Map(shipped.map((s) => [orderRef(s), s]));
  const byId = new Map(products.map((p) => [p.id, p]));
  await reader.loadTokens(products.map((p) => p.currency));
  const balances = await balancesFor(reader, account, products);
  return {
    orders: orders
      .map((order, i) => ({
        order,
        product: byId.get(order.productId)!,
        orderData: refs[i]!.orderData,
        tracking: tracking.get(orderRef(order)),
      }))
      .reverse(),
    balances,
    now,
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
          {orders.map(({ order, product, orderData, tracking }) => (
            <OrderCard
              key={orderRef(order)}
              order={order}
              product={product}
              now={now}
              role="buyer"
              orderData={orderData}
              tracking={tracking}
            />
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
