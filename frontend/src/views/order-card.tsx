// One order as a card, for whoever looks at it (buyer, seller, arbiter): its state in words and only the
// actions the contract would accept now; the open settlement offer; the review, offer and split forms and the
// opened address (a lazy chunk: ./order-forms); the balances ready to withdraw.
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { Address, Hex } from 'viem';
import { act, readyWallet, refresh, said } from '../actions';
import { catalogCall, isZeroAddress, ZERO_ADDRESS, type Order, type Product } from '../chain/contract';
import type { ChainReader, ShippedLog } from '../chain/reader';
import type { Step } from '../chain/tx';
import { digestToCid, isEmptyDigest } from '../cid';
import { handOver } from '../handover';
import { formatDate, formatDeadline, shortAddress, type Money } from '../format';
import { STATE, allowedActions, offerSide, stateLabel, stateTone, type OrderAction, type Role } from '../orders';
import { money, type Shop } from '../state';
import { ImageBox, ProductName, SellerLink, useShop } from './common';

const ACTION_LABELS: Record<OrderAction, string> = {
  confirm: 'Confirm receipt',
  dispute: 'Open a dispute',
  cancel: 'Cancel for a full refund',
  review: 'Write a review',
  ship: 'Mark shipped',
  refund: 'Refund buyer',
  release: 'Release payment',
  resolve: 'Settle dispute',
  offer: 'Offer a settlement',
  accept: 'Accept the offer',
  withdrawOffer: 'Withdraw your offer',
};
const FORMS = ['review', 'resolve', 'offer'] as const;
type Form = (typeof FORMS)[number];

const NO_TRACKING = `0x${'0'.repeat(64)}` as const;

/** A button's words: confirming a disputed order withdraws the dispute and pays the seller. */
function actionLabel(action: OrderAction, order: Order, role: Role): string {
  if (action === 'confirm' && Number(order.state) === STATE.Disputed) return 'Withdraw dispute and pay seller';
  const side = offerSide(order, role);
  if (action === 'offer' && side) return side === 'mine' ? 'Change your offer' : 'Make a counter-offer';
  return ACTION_LABELS[action];
}

/** What an order's state means for whoever looks at it, in one sentence. */
export function stateNote(order: Order, product: Product, now: number, role: Role): string {
  const s = Number(order.state);
  const deadline = Number(order.deadline);
  const buyer = role === 'buyer';
  const review = buyer ? ' You can leave a review.' : '';
  if (s === STATE.Paid) {
    return now >= deadline
      ? `Not shipped by the handling deadline (${formatDate(deadline)}), so it can no longer ship: ${buyer ? 'you may cancel for a full refund' : 'the buyer may cancel for a full refund'}.`
      : `To be shipped by ${formatDate(deadline)} (${formatDeadline(deadline, now)}); after that it can no longer ship and ${buyer ? 'you' : 'the buyer'} may cancel.`;
  }
  if (s === STATE.Shipped) {
    return now < deadline
      ? `Shipped. ${buyer ? 'Confirm when it arrives, or dispute' : 'The buyer can confirm or dispute'} until ${formatDate(deadline)}.`
      : 'Shipped; the dispute window has closed, so anyone may release the payment to the seller.';
  }
  // A disputed order has no release time: it ends by a ruling, a refund, a withdrawn dispute or an agreement.
  if (s === STATE.Disputed) {
    return isZeroAddress(product.arbiter)
      ? 'Disputed. No arbiter: the payment stays frozen until the seller refunds, the buyer withdraws the dispute, or both agree on a settlement.'
      : `Disputed. The arbiter ${shortAddress(product.arbiter)} will split the payment, unless buyer and seller agree on a settlement first.`;
  }
  if (s === STATE.Completed) return buyer ? 'Completed. You can leave a review.' : 'Completed: the seller was paid.';
  if (s === STATE.Refunded) return 'Refunded in full to the buyer.';
  if (s === STATE.Cancelled) return 'Cancelled by the buyer: refunded in full.';
  if (s === STATE.Resolved) return `Resolved by the arbiter.${review}`;
  if (s === STATE.Settled) return `Settled by agreement between buyer and seller.${review}`;
  if (s === STATE.Reviewed) return 'Ended and reviewed.';
  return '';
}

/** The open settlement offer, in words, for `role`. */
function offerNote(order: Order, role: Role, fmt: Money): string {
  const side = offerSide(order, role);
  if (!side) return '';
  const back = order.offerBuyerAmount;
  const rest = fmt.amount(order.amount - back);
  const split =
    role === 'buyer'
      ? `you get ${fmt.amount(back)} back and the seller ${rest}`
      : `the buyer gets ${fmt.amount(back)} back and you keep ${rest}`;
  const other = role === 'buyer' ? 'seller' : 'buyer';
  return side === 'mine'
    ? `You offered a settlement: ${split}. It ends the order once the ${other} accepts it.`
    : `The ${other} offers a settlement: ${split}. Accepting ends the order on these terms.`;
}

export const orderRef = (order: Pick<Order, 'productId' | 'orderNo'>): string => `${order.productId}-${order.orderNo}`;

/** The plain one-call actions; review and resolve open a form first. */
function simpleAction(shop: Shop, action: OrderAction, order: Order, product: Product): void {
  const ref = [order.productId, order.orderNo] as const;
  const store = shop.config.address;
  const title = `${ACTION_LABELS[action]} · order ${orderRef(order)}`;
  const step = (call: Step['call']): Step[] => [{ label: ACTION_LABELS[action], call: call! }];
  let steps: Step[];
  if (action === 'ship') steps = step(() => catalogCall(store, 'ship', [...ref, NO_TRACKING, 0]));
  else if (action === 'confirm') steps = step(() => catalogCall(store, 'confirm', ref));
  else if (action === 'dispute') steps = step(() => catalogCall(store, 'dispute', ref));
  else if (action === 'cancel') steps = step(() => catalogCall(store, 'cancel', ref));
  else if (action === 'refund') steps = step(() => catalogCall(store, 'refund', ref));
  else if (action === 'release') steps = step(() => catalogCall(store, 'release', ref));
  else if (action === 'withdrawOffer') steps = step(() => catalogCall(store, 'withdrawSettlement', ref));
  else return;
  void act(shop, title, product.currency, () => steps);
}

const SECONDARY = new Set<OrderAction>(['dispute', 'refund', 'cancel', 'offer', 'withdrawOffer']);

/** Accept the other side's offer, as shown: the chain is read again before the wallet is asked. */
async function acceptOffer(shop: Shop, order: Order, product: Product): Promise<void> {
  const wallet = await readyWallet(shop);
  if (!wallet) return;
  const { acceptOffer: accept } = await import('../chain/checkout');
  await accept(shop, wallet, order, money(shop, product.currency), () => refresh(shop));
}

export interface OrderCardProps {
  order: Order;
  product: Product;
  now: number;
  role: Role;
  /** What the purchase carried (the buyer's view reads it from the Purchased event). */
  orderData?: Hex | undefined;
  /** Shown under the order's state (the seller's inbox: the decrypted address). */
  extra?: ComponentChildren;
  /** When given, "Mark shipped" opens this form (a tracking note) instead of shipping at once. */
  shipForm?: ComponentChildren;
  /** Marked new (it arrived while the seller's inbox was open, or since the last visit). */
  fresh?: boolean;
  /** Its OrderShipped event (the buyer's view): the seller's tracking document. */
  tracking?: ShippedLog | undefined;
}

export function OrderCard({ order, product, now, role, orderData, extra, shipForm, fresh, tracking }: OrderCardProps) {
  const shop = useShop();
  const fmt = money(shop, product.currency);
  const actions = allowedActions(order, product, role, now);
  // The form the user opened on this order (a review, a split, an offer, shipping) stays open across
  // re-renders while the order still allows it.
  const [opened, setOpened] = useState<Form | 'ship' | null>(null);
  const form = opened && actions.includes(opened) ? opened : null;
  const onAction = (action: OrderAction) => {
    if ((FORMS as readonly string[]).includes(action)) setOpened(action as Form);
    else if (action === 'ship' && shipForm) setOpened('ship');
    else if (action === 'accept') void acceptOffer(shop, order, product);
    else simpleAction(shop, action, order, product);
  };
  const offer = offerNote(order, role, fmt);
  return (
    <article
      class="order"
      data-order={orderRef(order)}
      data-state={String(order.state)}
      data-new={fresh ? 'true' : undefined}
    >
      <a class="order-thumb" href={`#/product/${product.id}`}>
        <ImageBox product={product} cls="media small" />
      </a>
      <div class="order-body">
        <div class="order-head">
          <a href={`#/product/${product.id}`}>
            <ProductName product={product} tag="strong" />
          </a>
          <span class="order-tags">
            {fresh ? <span class="new-tag">New</span> : null}
            <span class={`state ${stateTone(order.state)}`} data-state={String(order.state)}>
              {stateLabel(order.state)}
            </span>
          </span>
        </div>
        <p class="small muted">
          {`Order ${orderRef(order)} · ${order.quantity} × ${fmt.amount(order.unitPrice)} = `}
          <strong>{fmt.amount(order.amount)}</strong>
          {role === 'buyer' ? (
            <>
              {' · seller '}
              <SellerLink address={product.seller} />
            </>
          ) : (
            <>
              {' · buyer '}
              <span class="mono addr">{shortAddress(order.buyer)}</span>
            </>
          )}
        </p>
        <p class="note">{stateNote(order, product, now, role)}</p>
        {role === 'buyer' && orderData && orderData !== '0x' ? (
          <SentAddress order={order} orderData={orderData} />
        ) : null}
        {role === 'buyer' && tracking && !isEmptyDigest(tracking.trackingDigest) ? (
          <SellerNote order={order} orderData={orderData} tracking={tracking} />
        ) : null}
        {extra}
        {offer ? (
          <p class="offer small" data-offer={offerSide(order, role)} data-amount={String(order.offerBuyerAmount)}>
            {offer}
          </p>
        ) : null}
        {actions.length ? (
          <div class="actions">
            {actions.map((action) => (
              <button
                key={action}
                class={`btn ${SECONDARY.has(action) ? 'secondary' : 'primary'}`}
                type="button"
                data-action={action}
                onClick={() => onAction(action)}
              >
                {actionLabel(action, order, role)}
              </button>
            ))}
          </div>
        ) : null}
        <div class="order-form">
          {form === 'ship' ? shipForm : null}
          {form === 'review' ? <OrderForm kind="review" order={order} product={product} /> : null}
          {form === 'resolve' || form === 'offer' ? (
            <OrderForm key={form} kind={form} order={order} product={product} />
          ) : null}
        </div>
      </div>
    </article>
  );
}

type Opened =
  | { status: 'closed' | 'busy' }
  | { status: 'open'; details: import('../chain/order-data').ShippingDetails; forms: Forms }
  | { status: 'error'; message: string };

type Kit = typeof import('../chain/order-data');

/** Why the buyer's key could not open `what`, in words. */
function failure(kit: Kit, error: unknown, what: string, it: string): string {
  return error instanceof kit.DecryptionError
    ? `${what} cannot be read: ${error.reason}.`
    : error instanceof kit.NondeterministicSignerError
      ? `${error.message}.`
      : said(error).kind === 'rejected'
        ? `You declined to sign, so your key could not be made: ${it} stays encrypted.`
        : said(error).message;
}

/** The seller's tracking document: an encrypted note (an order with sealed details), opened on demand with
 * the buyer's key, shown as text; a plain document, as its link. */
function SellerNote({
  order,
  orderData,
  tracking,
}: {
  order: Order;
  orderData?: Hex | undefined;
  tracking: ShippedLog;
}) {
  const shop = useShop();
  // [status, the note's text or what went wrong]
  const [[status, text], setState] = useState<[string, string]>(['closed', '']);
  const cid = digestToCid(tracking.trackingDigest, tracking.trackingCodec);
  const url = shop.docs.imageUrl(cid)!;
  const show = async () => {
    const wallet = await readyWallet(shop);
    if (!wallet) return;
    setState(['busy', '']);
    const kit = await import('../chain/order-data');
    try {
      const note = await kit.openMyNote(
        shop,
        wallet,
        order.productId,
        order.orderNo,
        orderData!,
        tracking.trackingDigest,
        url,
      );
      setState(note === null ? ['plain', ''] : ['open', note]);
    } catch (error) {
      setState(['error', failure(kit, error, "The seller's note", 'the note')]);
    }
  };
  if (!orderData || orderData === '0x' || Number(tracking.trackingCodec) || status === 'plain') {
    return (
      <p class="small seller-note" data-note="plain">
        {'Tracking document: '}
        <a class="mono" href={url} target="_blank" rel="noopener">
          {cid}
        </a>
      </p>
    );
  }
  return status === 'open' ? (
    <div class="seller-note" data-note="open">
      <p class="small muted">The seller's note, encrypted for you and the seller:</p>
      <p class="note-text">{text}</p>
    </div>
  ) : (
    <div class="seller-note">
      <button class="btn secondary" type="button" data-action="show-note" disabled={status === 'busy'} onClick={show}>
        {status === 'busy' ? 'Sign in your wallet…' : "Show the seller's note"}
      </button>
      {status === 'error' ? (
        <p class="small warn-text" role="alert" data-note="error">
          {text}
        </p>
      ) : null}
    </div>
  );
}

/** The address the buyer sent with the order, decrypted in the page on demand with the buyer's own key. */
function SentAddress({ order, orderData }: { order: Order; orderData: Hex }) {
  const shop = useShop();
  const [state, setState] = useState<Opened>({ status: 'closed' });
  const show = async () => {
    const wallet = await readyWallet(shop);
    if (!wallet) return;
    setState({ status: 'busy' });
    try {
      const forms = await loadForms();
      const opened = await forms.openAddress(shop, wallet, order, orderData);
      setState(opened.status === 'open' ? { ...opened, forms } : opened);
    } catch (error) {
      setState({ status: 'error', message: said(error).message });
    }
  };
  if (state.status === 'open') {
    return <state.forms.OpenedAddress details={state.details} onHide={() => setState({ status: 'closed' })} />;
  }
  return (
    <div class="sent-address">
      <button
        class="btn secondary"
        type="button"
        data-action="show-address"
        disabled={state.status === 'busy'}
        onClick={show}
      >
        {state.status === 'busy' ? 'Sign in your wallet…' : 'Show my address'}
      </button>
      {state.status === 'error' ? (
        <p class="small warn-text" role="alert">
          {state.message}
        </p>
      ) : null}
    </div>
  );
}

type Forms = typeof import('./order-forms');
let formsModule: Promise<Forms> | undefined;
const loadForms = () => (formsModule ??= (handOver(), import('./order-forms')));

/** The review, ruling and offer forms: a lazy chunk (./order-forms), loaded when one is first opened. */
function OrderForm({ kind, order, product }: { kind: 'review' | 'resolve' | 'offer'; order: Order; product: Product }) {
  const shop = useShop();
  const [forms, setForms] = useState<Forms | null>(null);
  const [failed, setFailed] = useState('');
  useEffect(() => {
    let live = true;
    loadForms().then(
      (m) => live && setForms(() => m),
      (error: unknown) => live && setFailed(said(error).message),
    );
    return () => {
      live = false;
    };
  }, []);
  if (failed) return <p class="small warn-text">{`This form could not be loaded: ${failed}`}</p>;
  if (!forms) return <p class="small muted">Loading the form…</p>;
  return kind === 'review' ? (
    <forms.ReviewForm shop={shop} order={order} product={product} />
  ) : (
    <forms.SplitControl shop={shop} order={order} product={product} mode={kind} />
  );
}

// --- balances -------------------------------------------------------------------------------------

export interface Balance {
  currency: Address;
  amount: bigint;
}

/** What `account` may withdraw in ETH and in each currency of `products`. */
export function balancesFor(reader: ChainReader, account: Address, products: readonly Product[]): Promise<Balance[]> {
  return balancesIn(
    reader,
    account,
    products.map((p) => p.currency),
  );
}

/** What `account` may withdraw in ETH and each of `currencies`. */
export async function balancesIn(
  reader: ChainReader,
  account: Address,
  currencies_: readonly string[],
): Promise<Balance[]> {
  const currencies = [...new Set([ZERO_ADDRESS, ...currencies_.map((c) => c.toLowerCase() as Address)])];
  const amounts = await Promise.all(currencies.map((c) => reader.withdrawable(account, c)));
  return currencies.map((currency, i) => ({ currency, amount: amounts[i] ?? 0n }));
}

export function BalancesPanel({ balances, caption }: { balances: readonly Balance[]; caption: string }) {
  const shop = useShop();
  const due = balances.filter((b) => b.amount > 0n);
  if (due.length === 0) return null;
  return (
    <section class="balances">
      <h2>Ready to withdraw</h2>
      <p class="small muted">{caption}</p>
      <ul>
        {due.map((b) => {
          const label = `Withdraw ${money(shop, b.currency).amount(b.amount)}`;
          const store = shop.config.address;
          const withdraw = () =>
            act(shop, label, b.currency, (wallet) => [
              { label, call: () => catalogCall(store, 'withdraw', [b.currency, wallet.account]) },
            ]);
          return (
            <li key={b.currency} data-currency={b.currency}>
              <strong class="amount">{money(shop, b.currency).amount(b.amount)}</strong>
              <button class="btn secondary" type="button" data-action="withdraw" onClick={withdraw}>
                Withdraw
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
