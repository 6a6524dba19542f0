// What an order card opens: the buyer's review, the arbiter's ruling, a party's settlement offer, and the
// address the buyer sent, decrypted. A lazy chunk: the page hands it its Preact and the page code it calls (../handover.ts, ../workspace/kit.ts).
import { useState } from 'preact/hooks';
import type { Hex } from 'viem';
import type { Order, Product } from '../chain/contract';
import type { ShippingDetails, openMyOrderData } from '../chain/order-data';
import type { Step } from '../chain/tx';
import { parseUnits, plainAmount } from '../format';
import type { Shop } from '../state';
import { kit as page } from '../workspace/kit';

const orderRef = (order: Order): string => `${order.productId}-${order.orderNo}`;

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

export function ReviewForm({ shop, order, product }: { shop: Shop; order: Order; product: Product }) {
  const { act, catalogCall, reviewDocument, sha256Hex, digestToCid } = page();
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
export function SplitControl({
  shop,
  order,
  product,
  mode,
}: {
  shop: Shop;
  order: Order;
  product: Product;
  mode: 'resolve' | 'offer';
}) {
  const { act, catalogCall, money } = page();
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

/** Decrypt the address sent with `order` with the buyer's own key; a failure said in words. */
export async function openAddress(
  shop: Shop,
  wallet: Parameters<typeof openMyOrderData>[1],
  order: Order,
  orderData: Hex,
): Promise<{ status: 'open'; details: ShippingDetails } | { status: 'error'; message: string }> {
  const { loadOrderData, said } = page();
  const kit = await loadOrderData();
  try {
    return { status: 'open', details: await kit.openMyOrderData(shop, wallet, order.productId, orderData) };
  } catch (error) {
    const message =
      error instanceof kit.DecryptionError
        ? `This address cannot be read with your key: ${error.reason}.`
        : error instanceof kit.NondeterministicSignerError
          ? `${error.message}.`
          : said(error).kind === 'rejected'
            ? 'You declined to sign, so your key could not be made: the address stays encrypted.'
            : said(error).message;
    return { status: 'error', message };
  }
}

export function OpenedAddress({ details: d, onHide }: { details: ShippingDetails; onHide: () => void }) {
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
      <button class="link small" type="button" onClick={onHide}>
        Hide
      </button>
    </div>
  );
}
