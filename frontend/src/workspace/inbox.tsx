// The seller's order inbox (`#/sell`, a lazy chunk with the seller view): the shop key derived once per page
// session from two personal_sign signatures, each order's sealed address decrypted (or a clear "cannot
// decrypt"), Copy address, a CSV of the orders to ship, new orders marked as they arrive, an optional
// browser notification, and Mark shipped with a tracking note encrypted to the buyer (MERCH-SPEC §2).
// The crypto code (../crypto, HPKE) is a chunk of its own, loaded with the first click that needs it.
import { signal } from '@preact/signals';
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Address, Hex } from 'viem';
import type { Order, Product } from '../chain/contract';
import type { ListPage } from '../indexer';
import type { ShippingDetails, ShippingKeyPair } from '../crypto';
import { STATE } from '../orders';
import type { Shop } from '../state';
import { kit } from './kit';
import { apiUrl, putBlock, rawBlock } from './ipfs';

type Crypto = typeof import('../crypto');
let cryptoModule: Promise<Crypto> | undefined;
/** The crypto chunk, loaded once, on the first click that needs it. */
export const loadCrypto = (): Promise<Crypto> => (cryptoModule ??= kit().loadCrypto());

// Shop keys by catalog and account, for this page session only: derived from the wallet's signatures when
// the seller asks, kept in memory (never stored), gone on reload.
const keys = new Map<string, ShippingKeyPair>();
/** Bumped when a key is derived: what shows addresses re-renders. */
export const keysChanged = signal(0);
const keyId = (shop: Shop, account: string) => `${shop.config.address}:${account}`.toLowerCase();

export function sessionKey(shop: Shop, account: string): ShippingKeyPair | undefined {
  void keysChanged.value; // subscribe
  return keys.get(keyId(shop, account));
}

/** The connected seller's shop key: the one derived this session, or derived now (two signatures). */
export async function deriveSessionKey(shop: Shop): Promise<ShippingKeyPair | null> {
  const wallet = await kit().readyWallet(shop);
  if (!wallet) return null;
  const known = keys.get(keyId(shop, wallet.account));
  if (known) return known;
  const { deriveKeyPairChecked } = await loadCrypto();
  const pair = await deriveKeyPairChecked((text) => wallet.signMessage(text), shop.config.chainId, shop.config.address);
  keys.set(keyId(shop, wallet.account), pair);
  keysChanged.value++;
  return pair;
}

/** A signing failure in words: declined, a wallet that cannot hold a key, or what the wallet said. */
export function keyProblem(error: unknown): string {
  const name = (error as Error | null)?.name;
  if (name === 'NondeterministicSignerError' || name === 'ShippingKeyError') return (error as Error).message;
  const said = kit().said(error);
  if (said.kind === 'rejected') return 'You declined the signature in your wallet, so the addresses stay encrypted.';
  return `Your wallet could not sign: ${said.message}`;
}

/** Why the addresses stay encrypted (the last unlock's failure), shown in the inbox bar. */
export const unlockProblem = signal('');
export const unlocking = signal(false);

/** "Show addresses": derive the session key; a failure is said in the inbox bar, never thrown. */
export async function unlockInbox(shop: Shop): Promise<void> {
  unlocking.value = true;
  unlockProblem.value = '';
  try {
    await deriveSessionKey(shop);
  } catch (error) {
    unlockProblem.value = keyProblem(error);
  } finally {
    unlocking.value = false;
  }
}

// The IPFS API the workspace writes through: config.json's, or one the seller enters (kept for the session).
export const ipfsApiSetting = signal<string | null>(null);
export function ipfsApi(shop: Shop): string | null {
  return ipfsApiSetting.value ?? shop.config.ipfsApi;
}

export type ShipTo =
  | { status: 'none' }
  | { status: 'locked' }
  | { status: 'opening' }
  | { status: 'ok'; details: ShippingDetails }
  | { status: 'failed'; reason: string };

export const orderRefOf = (o: { productId: bigint; orderNo: bigint }) => `${o.productId}-${o.orderNo}`;

const contextOf = (shop: Shop, order: Order) => ({
  chainId: shop.config.chainId,
  catalog: shop.config.address,
  productId: order.productId,
  buyer: order.buyer,
});

/** Each open order's address: decrypted with the session key once there is one. */
export function useAddresses(
  shop: Shop,
  account: Address,
  orders: readonly Order[],
  orderData: Readonly<Record<string, Hex>>,
): Map<string, ShipTo> {
  const key = sessionKey(shop, account);
  const [opened, setOpened] = useState(new Map<string, ShipTo>());
  const refs = orders.map(orderRefOf).join();
  useEffect(() => {
    if (!key) return;
    let live = true;
    void (async () => {
      const { openEnvelope } = await loadCrypto();
      const out = new Map<string, ShipTo>();
      for (const order of orders) {
        const data = orderData[orderRefOf(order)];
        if (!data || data === '0x') continue;
        try {
          out.set(orderRefOf(order), { status: 'ok', details: await openEnvelope(data, key, contextOf(shop, order)) });
        } catch (error) {
          // Never a crash: whatever went wrong is said on the card (DecryptionError says why it can).
          const reason = (error as Error).name === 'DecryptionError' ? (error as Error).message : String(error);
          out.set(orderRefOf(order), { status: 'failed', reason: reason.replace(/^cannot decrypt [^:]*: /, '') });
        }
      }
      if (live) setOpened(out);
    })();
    return () => {
      live = false;
    };
  }, [key, refs, orderData]);
  const result = new Map<string, ShipTo>();
  for (const order of orders) {
    const ref = orderRefOf(order);
    const data = orderData[ref];
    if (!data || data === '0x') result.set(ref, { status: 'none' });
    else if (!key) result.set(ref, { status: 'locked' });
    else result.set(ref, opened.get(ref) ?? { status: 'opening' });
  }
  return result;
}

/** The address as a label would have it, one line each. */
export function addressLines(d: ShippingDetails): string[] {
  const cityLine = [d.postcode, d.city].filter(Boolean).join(' ');
  return [d.name, ...d.lines, cityLine, d.region, d.country].filter(Boolean);
}

const optionText = (d: ShippingDetails) =>
  Object.entries(d.options)
    .map(([name, value]) => `${name[0]!.toUpperCase()}${name.slice(1)}: ${value}`)
    .join(' · ');

export function AddressBox({ address, onUnlock }: { address: ShipTo; onUnlock: () => void }) {
  const [copied, setCopied] = useState('');
  if (address.status === 'none') {
    return <p class="ship-to small muted">No shipping address came with this order.</p>;
  }
  if (address.status === 'locked') {
    return (
      <p class="ship-to small muted" data-address="locked">
        {'🔒 Encrypted shipping address. '}
        <button class="link" type="button" onClick={onUnlock}>
          Show addresses
        </button>
      </p>
    );
  }
  if (address.status === 'opening') return <p class="ship-to small muted">Decrypting…</p>;
  if (address.status === 'failed') {
    return (
      <p class="ship-to small warn-text" data-address="failed">
        {`Cannot decrypt this address: ${address.reason}.`}
      </p>
    );
  }
  const d = address.details;
  const lines = addressLines(d);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(lines.join('\n'));
      setCopied('Copied');
    } catch {
      setCopied('Your browser did not allow copying: select the address instead.');
    }
  };
  return (
    <div class="ship-to" data-address="ok">
      <address>
        {lines.map((line, i) => (
          <span key={i}>{line}</span>
        ))}
      </address>
      <div class="ship-extra small">
        {Object.keys(d.options).length ? <strong class="ship-options">{optionText(d)}</strong> : null}
        {d.email ? <span>{d.email}</span> : null}
        {d.phone ? <span>{d.phone}</span> : null}
        {d.note ? <span class="buyer-note">{`“${d.note}”`}</span> : null}
        <button class="btn secondary small-btn" type="button" data-action="copy-address" onClick={copy}>
          Copy address
        </button>
        {copied ? <span class="muted">{copied}</span> : null}
      </div>
    </div>
  );
}

const CSV_HEADER = ['order', 'product', 'quantity', 'name', 'address', 'city', 'postcode', 'region', 'country'];

/** One CSV cell: quoted, and a leading = + - @ defused so a spreadsheet never runs it as a formula. */
function cell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${safe.replace(/"/g, '""')}"`;
}

/** The orders to ship (Paid) with their decrypted addresses, as CSV (RFC 4180, CRLF). */
export function shippingCsv(rows: readonly { order: Order; product: string; address: ShipTo }[]): {
  csv: string;
  count: number;
  missing: number;
} {
  const lines = [[...CSV_HEADER, 'email', 'phone', 'options', 'buyer note', 'buyer account'].map(cell).join(',')];
  let missing = 0;
  for (const { order, product, address } of rows) {
    if (Number(order.state) !== STATE.Paid) continue;
    const d = address.status === 'ok' ? address.details : null;
    if (!d) missing++;
    const options = d
      ? Object.entries(d.options)
          .map(([k, v]) => `${k}=${v}`)
          .join('; ')
      : '';
    const values = [
      orderRefOf(order),
      product,
      String(order.quantity),
      d?.name ?? (address.status === 'failed' ? '(cannot decrypt)' : '(no address)'),
      d?.lines.join(', ') ?? '',
      d?.city ?? '',
      d?.postcode ?? '',
      d?.region ?? '',
      d?.country ?? '',
      d?.email ?? '',
      d?.phone ?? '',
      options,
      d?.note ?? '',
      order.buyer,
    ];
    lines.push(values.map(cell).join(','));
  }
  return { csv: lines.join('\r\n') + '\r\n', count: lines.length - 1, missing };
}

/** Orders seen before, per seller, in this browser: an order not among them is new. `page` names the page of
 * the inbox shown (with an indexer): a page first turned to marks nothing new, as the first visit does. */
export function useFreshOrders(shop: Shop, account: Address, refs: readonly string[], page = ''): Set<string> {
  const storeKey = `inbox-seen:${keyId(shop, account)}`;
  const fresh = useRef(new Set<string>());
  const known = useRef<Set<string> | null>(null);
  const shown = useRef(page);
  if (shown.current !== page) {
    shown.current = page;
    for (const r of refs) known.current?.add(r);
  }
  if (known.current === null) {
    let saved: string[] | null = null;
    try {
      saved = JSON.parse(localStorage.getItem(storeKey) ?? 'null') as string[] | null;
    } catch {
      saved = null;
    }
    // The first visit marks nothing new; later ones, what arrived since.
    known.current = new Set(saved ?? refs);
  }
  const arrived = refs.filter((r) => !known.current!.has(r));
  for (const r of arrived) {
    fresh.current.add(r);
    known.current.add(r);
  }
  useEffect(() => {
    try {
      localStorage.setItem(storeKey, JSON.stringify([...known.current!]));
    } catch {
      // storage full or blocked: new orders are still marked for this session
    }
    if (arrived.length && notifyNewOrders.value && 'Notification' in window && Notification.permission === 'granted') {
      new Notification(arrived.length === 1 ? 'New order' : `${arrived.length} new orders`, {
        body: `Order ${arrived.join(', ')} in ${shop.shopName.value}`,
      });
    }
  }, [refs.join()]);
  return fresh.current;
}

/** True once the seller asked for browser notifications (and the browser allowed them). */
export const notifyNewOrders = signal(false);

/** Ask the chain for a new block every few seconds while the inbox is open: a new one re-reads the view. */
export function useLiveBlocks(shop: Shop, interval = 4000): void {
  useEffect(() => {
    let last: string | null = null;
    let stopped = false;
    const tick = async () => {
      try {
        const block = await shop.node.rpc<string>('eth_blockNumber', []);
        if (last !== null && block !== last && !stopped) kit().refresh(shop);
        last = block;
      } catch {
        // the node is away for a moment: try again at the next tick
      }
    };
    void tick();
    const timer = setInterval(() => void tick(), interval);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, []);
}

export function InboxBar({
  shop,
  account,
  rows,
  paged = false,
}: {
  shop: Shop;
  account: Address;
  rows: readonly { order: Order; product: string; address: ShipTo }[];
  /** The inbox is one page of several (an indexer's): the export covers the page shown, and says so. */
  paged?: boolean;
}) {
  const key = sessionKey(shop, account);
  const [problem, setProblem] = useState('');
  const busy = unlocking.value;
  const [download, setDownload] = useState<{ url: string; count: number; missing: number } | null>(null);
  const unlock = () => void unlockInbox(shop);
  const exportCsv = () => {
    const { csv, count, missing } = shippingCsv(rows);
    const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
    setDownload({ url, count, missing });
    const a = document.createElement('a');
    a.href = url;
    a.download = `orders-to-ship-${new Date().toISOString().slice(0, 10)}.csv`;
    a.click();
  };
  const notify = async () => {
    const allowed = await Notification.requestPermission();
    notifyNewOrders.value = allowed === 'granted';
    if (allowed !== 'granted')
      setProblem('Your browser did not allow notifications; new orders are still marked here.');
  };
  const toShip = rows.filter((r) => Number(r.order.state) === STATE.Paid).length;
  return (
    <div class="inbox-bar" data-unlocked={key ? 'true' : 'false'}>
      {key ? (
        <p class="small">
          <strong>Addresses decrypted</strong> with your shop key (derived from your wallet for this visit; it is not
          stored).
        </p>
      ) : (
        <p class="small">
          Shipping addresses are encrypted to your shop key. Your wallet signs one message twice to make it (free, no
          transaction) and the addresses are decrypted here, in your browser.
        </p>
      )}
      <div class="actions">
        {key ? null : (
          <button class="btn primary" type="button" data-action="unlock" disabled={busy} onClick={unlock}>
            {busy ? 'Waiting for your wallet…' : 'Show addresses'}
          </button>
        )}
        <button
          class="btn secondary"
          type="button"
          data-action="export-csv"
          disabled={!key || !toShip}
          onClick={exportCsv}
        >
          {`Export CSV (${toShip} to ship${paged ? ' on this page' : ''})`}
        </button>
        {'Notification' in globalThis && !notifyNewOrders.value ? (
          <button class="btn secondary" type="button" data-action="notify" onClick={notify}>
            Notify me of new orders
          </button>
        ) : null}
      </div>
      {download ? (
        <p class="small muted">
          <a href={download.url} download="orders-to-ship.csv">
            {`orders-to-ship.csv`}
          </a>
          {` · ${download.count} order${download.count === 1 ? '' : 's'}`}
          {download.missing ? ` (${download.missing} without a readable address)` : ''}
        </p>
      ) : null}
      <p class="small warn-text" data-problem="inbox">
        {problem || unlockProblem.value}
      </p>
    </div>
  );
}

/** Mark shipped, with an optional tracking note encrypted to the buyer. */
export function ShipForm({
  shop,
  order,
  product,
  orderData,
  onUnlock,
}: {
  shop: Shop;
  order: Order;
  product: Product;
  orderData: Hex | undefined;
  onUnlock: () => void;
}) {
  const { act, catalogCall } = kit();
  const [note, setNote] = useState('');
  const [problem, setProblem] = useState('');
  const account = shop.account.value;
  const key = account ? sessionKey(shop, account) : undefined;
  const sealed = Boolean(orderData && orderData !== '0x');
  const api = ipfsApi(shop);
  const store = shop.config.address;
  const ref = [order.productId, order.orderNo] as const;
  const title = `Mark shipped · order ${orderRefOf(order)}`;
  const submit = async () => {
    setProblem('');
    const text = note.trim() ? note : '';
    if (!text) {
      void act(shop, title, product.currency, () => [
        { label: 'Mark shipped', call: () => catalogCall(store, 'ship', [...ref, `0x${'0'.repeat(64)}`, 0]) },
      ]);
      return;
    }
    if (!sealed)
      return setProblem('This order carries no encrypted address, so a note cannot be encrypted to the buyer.');
    if (!key) return setProblem('Show addresses first: the note is encrypted with the key that opens this order.');
    if (!api) {
      return setProblem(
        'No IPFS node to add the encrypted note to: enter a Kubo RPC API under “Shop profile” below, or ship without a note.',
      );
    }
    const { checkNote, openContentKey, sealNote } = await loadCrypto();
    try {
      checkNote(text);
    } catch (error) {
      return setProblem(`Note: ${(error as { problem?: string }).problem ?? (error as Error).message}`);
    }
    let block: Awaited<ReturnType<typeof rawBlock>>;
    let bytes: Uint8Array;
    try {
      const context = contextOf(shop, order);
      const contentKey = await openContentKey(orderData!, key, context);
      bytes = await sealNote(contentKey, context, order.orderNo, text);
      contentKey.fill(0);
      block = await rawBlock(bytes);
    } catch (error) {
      return setProblem((error as Error).message);
    }
    const call = catalogCall(store, 'ship', [...ref, block.digest, block.codec]);
    void act(shop, title, product.currency, (wallet) => [
      {
        label: 'Encrypt the note and add it to IPFS',
        waiting: 'checking, then uploading',
        doneNote: `${block.cid.slice(0, 16)}…`,
        send: async () => {
          // the write is checked before anything is uploaded: a doomed ship costs no upload
          await shop.node.simulate(call, wallet.account);
          return putBlock(apiUrl(api), bytes, block);
        },
      },
      { label: 'Mark shipped with the note', call: () => call },
    ]);
  };
  return (
    <div class="ship-form">
      <label class="small" for={`note-${orderRefOf(order)}`}>
        Tracking note for the buyer (optional; encrypted, only the buyer and you can read it)
      </label>
      <textarea
        id={`note-${orderRefOf(order)}`}
        rows={2}
        maxLength={2000}
        placeholder="e.g. DHL 00340434161094042557, posted today"
        aria-label="Tracking note"
        value={note}
        disabled={!sealed}
        onInput={(e) => setNote(e.currentTarget.value)}
      />
      {!sealed ? (
        <p class="small muted">
          This order came without an encrypted address, so there is no key to encrypt a note to the buyer: it ships
          without one.
        </p>
      ) : !key ? (
        <p class="small muted">
          {'A note is encrypted with the key that opens this order: '}
          <button class="link" type="button" onClick={onUnlock}>
            show addresses
          </button>
          {' first.'}
        </p>
      ) : null}
      <div class="actions">
        <button class="btn primary" type="button" data-action="ship-send" onClick={() => void submit()}>
          {note.trim() ? 'Mark shipped with note' : 'Mark shipped'}
        </button>
      </div>
      <p class="small warn-text" data-problem="ship">
        {problem}
      </p>
    </div>
  );
}

/** The props of the page's OrderCard that the inbox fills in. */
export interface CardProps {
  order: Order;
  product: Product;
  now: number;
  role: 'seller';
  extra?: ComponentChildren;
  shipForm?: ComponentChildren;
  fresh?: boolean;
}

/** The "Orders to handle" section: the bar, and each order as the page's own card with its address. */
export function Inbox({
  shop,
  account,
  open,
  orderData,
  now,
  Card,
  page,
}: {
  shop: Shop;
  account: Address;
  open: readonly { order: Order; product: Product }[];
  orderData: Readonly<Record<string, Hex>>;
  now: number;
  Card: (props: CardProps) => ComponentChildren;
  /** The page of the inbox shown, with an indexer. */
  page?: ListPage;
}) {
  useLiveBlocks(shop);
  const orders = open.map((o) => o.order);
  const addresses = useAddresses(shop, account, orders, orderData);
  const at = page?.at;
  const fresh = useFreshOrders(shop, account, orders.map(orderRefOf), at ? `${at.after ?? ''}/${at.before ?? ''}` : '');
  const unlock = () => void unlockInbox(shop);
  const rows = open.map(({ order, product }) => ({
    order,
    product: `#${product.id}`,
    address: addresses.get(orderRefOf(order)) ?? { status: 'none' as const },
  }));
  return (
    <>
      {open.some(({ order }) => orderData[orderRefOf(order)]) ? (
        <InboxBar shop={shop} account={account} rows={rows} paged={!!page && (!!page.previous || !!page.next)} />
      ) : null}
      {open.length ? (
        <div class="orders">
          {open.map(({ order, product }) => {
            const ref = orderRefOf(order);
            return (
              <Card
                key={ref}
                order={order}
                product={product}
                now={now}
                role="seller"
                fresh={fresh.has(ref)}
                extra={<AddressBox address={addresses.get(ref) ?? { status: 'none' }} onUnlock={unlock} />}
                shipForm={
                  <ShipForm shop={shop} order={order} product={product} orderData={orderData[ref]} onUnlock={unlock} />
                }
              />
            );
          })}
        </div>
      ) : (
        <p class="muted">Nothing to ship or settle.</p>
      )}
    </>
  );
}
