// One order as a card, for whoever looks at it (buyer, seller, arbiter): its state in words and only the
// actions the contract would accept now; the open settlement offer; the review, offer and split forms; the
// balances ready to withdraw.
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { Address, Hex } from 'viem';
import { act, readyWallet, refresh, said } from '../actions';
import { catalogCall, isZeroAddress, ZERO_ADDRESS, type Order, type Product } from '../chain/contract';
import type { ChainReader } from '../chain/reader';
import type { Step } from '../chain/tx';
import { digestToCid } from '../cid';
import { reviewDocument, sha256Hex } from '../docs';
import { formatDate, formatDeadline, parseUnits, plainAmount, shortAddress, type Money } from '../format';
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

export const orderRef = (order: Order): string => `${order.productId}-${order.orderNo}`;

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
}

export function OrderCard({ order, product, now, role, orderData, extra, shipForm, fresh }: OrderCardProps) {
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
          {form === 'review' ? <ReviewForm order={order} product={product} /> : null}
          {form === 'resolve' || form === 'offer' ? (
            <SplitControl key={form} order={order} product={product} mode={form} />
          ) : null}
        </div>
      </div>
    </article>
  );
}

type Opened =
  | { status: 'closed' | 'busy' }
  | { status: 'open'; details: import('../chain/order-data').ShippingDetails }
  | { status: 'error'; message: string };

/** The address the buyer sent with the order, decrypted in the page on demand with the buyer's own key. */
function SentAddress({ order, orderData }: { order: Order; orderData: Hex }) {
  const shop = useShop();
  const [state, setState] = useState<Opened>({ status: 'closed' });
  const show = async () => {
    const wallet = await readyWallet(shop);
    if (!wallet) return;
    setState({ status: 'busy' });
    const kit = await import('../chain/order-data');
    try {
      setState({ status: 'open', details: await kit.openMyOrderData(shop, wallet, order.productId, orderData) });
    } catch (error) {
      const message =
        error instanceof kit.DecryptionError
          ? `This address cannot be read with your key: ${error.reason}.`
          : error instanceof kit.NondeterministicSignerError
            ? `${error.message}.`
            : said(error).kind === 'rejected'
              ? 'You declined to sign, so your key could not be made: the address stays encrypted.'
              : said(error).message;
      setState({ status: 'error', message });
    }
  };
  if (state.status === 'open') {
    const d = state.details;
    const place = [d.city, d.region, d.postcode].filter(Boolean).join(', ');
    const options = Object.entries(d.options).map(([k, v]) => `${k}: ${v}`);
    return (
      <div class="sent-address" data-open="true">
        <p class="small muted">Sent with this order, encrypted for the seller and you:</p>
        <address>
          {[d.name, ...d.lines, place, d.country].map((line, i) => (
            <span key={i}>
              {line}
              <br />
            </span>
          ))}
        </address>
        {d.email || d.phone ? <p class="small">{[d.email, d.phone].filter(Boolean).join(' · ')}</p> : null}
        {options.length ? <p class="small sent-options">{options.join(' · ')}</p> : null}
        {d.note ? <p class="small sent-note">{`Note: ${d.note}`}</p> : null}
        <button class="link small" type="button" onClick={() => setState({ status: 'closed' })}>
          Hide
        </button>
      </div>
    );
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

async function publishReview(ipfsApi: string, bytes: Uint8Array<ArrayBuffer>, cid: string): Promise<string> {
  const body = new FormData();
  body.append('file', new Blob([bytes]), 'review.json');
  const url = `${ipfsApi}/api/v0/add?cid-version=1&raw-leaves=true&pin=true`;
  const response = await fetch(url, { method: 'POST', body });
  if (!response.ok) throw new Error(`The IPFS node refused the upload (${response.status}).`);
  const added = (await response.json()) as { Hash?: string };
  if (added.Hash !== cid) throw new Error(`The IPFS node stored the review under ${added.Hash}, not ${cid}.`);
  return cid;
}

function ReviewForm({ order, product }: { order: Order; product: Product }) {
  const shop = useShop();
  const [rating, setRating] = useState(5);
  const [text, setText] = useState('');
  const [download, setDownload] = useState<{ url: string; cid: string } | null>(null);
  const submit = async () => {
    const bytes = reviewDocument(rating, text.trim());
    const digest = await sha256Hex(bytes);
    const cid = digestToCid(digest, 0);
    const ipfsApi = shop.config.ipfsApi;
    const steps: Step[] = [];
    if (ipfsApi) {
      steps.push({
        label: 'Put the review text on IPFS',
        waiting: 'uploading',
        doneNote: cid.slice(0, 16) + '…',
        send: () => publishReview(ipfsApi, bytes, cid),
      });
    }
    const store = shop.config.address;
    const args = [order.productId, order.orderNo, BigInt(rating), digest, 0] as const;
    steps.push({
      label: `Review with ${rating} star${rating > 1 ? 's' : ''}`,
      call: () => catalogCall(store, 'review', args),
    });
    const ok = await act(shop, `Review order ${orderRef(order)}`, product.currency, () => steps);
    if (ok && !ipfsApi) {
      setDownload({ url: URL.createObjectURL(new Blob([bytes], { type: 'application/json' })), cid });
    }
  };
  return (
    <div class="review-form">
      <div class="star-pick">
        {[1, 2, 3, 4, 5].map((n) => (
          <button
            key={n}
            class={`star${n <= rating ? ' on' : ''}`}
            type="button"
            aria-label={`${n} stars`}
            data-n={n}
            onClick={() => setRating(n)}
          >
            ★
          </button>
        ))}
      </div>
      <textarea
        rows={3}
        maxLength={10000}
        placeholder="How was it? (optional)"
        aria-label="Review text"
        value={text}
        onInput={(e) => setText(e.currentTarget.value)}
      />
      <div class="actions">
        <button class="btn" type="button" onClick={submit}>
          Publish review
        </button>
      </div>
      <p class="small muted">
        {download ? (
          <>
            {'Your rating is on chain. Its text appears once this document is on IPFS: '}
            <a href={download.url} download={`review-${download.cid}.json`}>
              download it
            </a>
            {` and add it with \`ipfs add --cid-version=1\` (CID ${download.cid}).`}
          </>
        ) : null}
      </p>
    </div>
  );
}

/** The split of an order's amount: the arbiter's ruling (`resolve`), or a party's settlement offer. */
function SplitControl({ order, product, mode }: { order: Order; product: Product; mode: 'resolve' | 'offer' }) {
  const shop = useShop();
  const fmt = money(shop, product.currency);
  const info = fmt.info;
  const amount = order.amount;
  const [percent, setPercent] = useState(50);
  // The typed amount while it is being typed; null once the slider moved last. Settle never sends an
  // amount other than the one shown: a typed text that is not one refuses instead.
  const [typed, setTyped] = useState<string | null>(null);
  const [refused, setRefused] = useState(false);
  let buyerAmount: bigint | null = (amount * BigInt(percent)) / 100n;
  if (typed !== null) {
    try {
      const value = parseUnits(typed, info.decimals);
      buyerAmount = value <= amount ? value : null;
    } catch {
      buyerAmount = null;
    }
  }
  const invalid = buyerAmount === null || refused;
  const summary = invalid
    ? `Enter an amount from 0 to ${fmt.amount(amount)}.`
    : `Buyer gets ${fmt.amount(buyerAmount!)}, seller gets ${fmt.amount(amount - buyerAmount!)}.`;
  const sliderValue = typed !== null && buyerAmount !== null ? Number((buyerAmount * 100n) / (amount || 1n)) : percent;
  const settle = () => {
    if (buyerAmount === null) return setRefused(true);
    const share = buyerAmount;
    const store = shop.config.address;
    const ref = [order.productId, order.orderNo, share] as const;
    if (mode === 'resolve') {
      void act(shop, `Settle order ${orderRef(order)}`, product.currency, () => [
        { label: 'Settle dispute', call: () => catalogCall(store, 'resolve', ref) },
      ]);
      return;
    }
    const label = `Offer: buyer gets ${fmt.amount(share)}, seller ${fmt.amount(amount - share)}`;
    void act(shop, `Settlement offer · order ${orderRef(order)}`, product.currency, () => [
      { label, call: () => catalogCall(store, 'offerSettlement', ref) },
    ]);
  };
  return (
    <div class="split">
      <div class="split-row">
        <span class="small">Seller</span>
        <input
          class="split-range"
          type="range"
          min={0}
          max={100}
          value={sliderValue}
          aria-label="Buyer share in percent"
          onInput={(e) => {
            setPercent(Number(e.currentTarget.value));
            setTyped(null);
            setRefused(false);
          }}
        />
        <span class="small">Buyer</span>
      </div>
      <label class="small">
        {'Buyer amount '}
        <input
          class="split-amount"
          type="text"
          inputMode="decimal"
          aria-label={`Buyer amount in ${info.symbol}`}
          value={typed ?? plainAmount((amount * BigInt(percent)) / 100n, info)}
          onInput={(e) => {
            setTyped(e.currentTarget.value);
            setRefused(false);
          }}
        />
        {` ${info.symbol}`}
      </label>
      <p class={`small${invalid ? ' warn-text' : ''}`}>{summary}</p>
      <div class="actions">
        <button class="btn" type="button" onClick={settle}>
          {mode === 'resolve' ? 'Settle' : 'Send offer'}
        </button>
      </div>
    </div>
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
