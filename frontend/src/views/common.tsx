// Pieces several views share: the shop from context, loading chain data, a product's document, image,
// price, stock and protection badges.
import { createContext, type ComponentChildren } from 'preact';
import { useContext, useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { Address } from 'viem';
import { openWalletDialog } from '../actions';
import { isZeroAddress, type Product } from '../chain/contract';
import { SCHEMAS, type Doc } from '../docs';
import { averageRating, formatDuration, shortAddress } from '../format';
import { money, type Shop } from '../state';

export const ShopContext = createContext<Shop | null>(null);

export function useShop(): Shop {
  const shop = useContext(ShopContext);
  if (!shop) throw new Error('no Shop in context');
  return shop;
}

export type Loaded<T> = { status: 'loading' } | { status: 'ok'; data: T } | { status: 'error'; error: unknown };

// Tests (and a spinner, could there be one) wait for a settled view: body[data-busy] is set from the moment
// a view (or the code of a lazy one) starts loading until what it loaded is on screen.
const busy = new Set<object>();
export function setBusy(owner: object, on: boolean): void {
  if (on) busy.add(owner);
  else busy.delete(owner);
  if (typeof document === 'undefined') return;
  if (busy.size) document.body.dataset.busy = 'true';
  else delete document.body.dataset.busy;
}

/**
 * Run `load` when the view mounts and again, in place, whenever the shop's version moves (a transaction
 * confirmed, the wallet changed): what is on screen stays until the new data replaces it, so nothing
 * flashes and the components keep their state (what the user is typing, focus, caret).
 */
export function useChainData<T>(load: () => Promise<T>, deps: unknown[] = []): Loaded<T> {
  const shop = useShop();
  const version = shop.version.value;
  const [state, setState] = useState<Loaded<T> & { run?: number }>({ status: 'loading' });
  const owner = useRef({});
  const latest = useRef(0);
  // A layout effect: the first reads leave in the same task as boot's deployment check (one RPC batch).
  useLayoutEffect(() => {
    const run = ++latest.current;
    setBusy(owner.current, true);
    load().then(
      (data) => run === latest.current && setState({ status: 'ok', data, run }),
      (error: unknown) => run === latest.current && setState({ status: 'error', error, run }),
    );
  }, [version, ...deps]);
  useLayoutEffect(() => {
    if (state.run === latest.current) setBusy(owner.current, false);
  }, [state]);
  useEffect(
    () => () => {
      latest.current = -1;
      setBusy(owner.current, false);
    },
    [],
  );
  return state;
}

/** A promise's value once it settles (null until then); for documents, which fill in after the view. */
export function usePromise<T>(make: () => Promise<T>, deps: unknown[]): T | null {
  const [value, setValue] = useState<T | null>(null);
  useEffect(() => {
    let live = true;
    make().then(
      (v) => live && setValue(() => v),
      () => {},
    );
    return () => {
      live = false;
    };
  }, deps);
  return value;
}

/** A log scan's progress callback that shows in `ScanNote` (and clears itself when done). */
export function scanning(shop: Shop): (done: bigint, total: bigint) => void {
  return (done, total) => {
    shop.scan.value = done >= total ? null : { done, total };
  };
}

/** While a view loads: where its history comes from, and how far a log scan got. */
export function ScanNote({ what }: { what: string }) {
  const shop = useShop();
  const scan = shop.scan.value;
  const indexed = shop.indexer.value.status === 'ready';
  let text = `Loading ${what}…`;
  if (!indexed && scan) {
    const pct = scan.total ? Number((scan.done * 100n) / scan.total) : 0;
    text =
      `Reading ${what} from the chain, without an indexer: ` +
      `${scan.done.toLocaleString('en-US')} of ${scan.total.toLocaleString('en-US')} blocks of event logs scanned (${pct}%)…`;
  } else if (!indexed) text = `Reading ${what} from the chain, without an indexer…`;
  return (
    <p class="muted scan-progress" data-source={indexed ? 'indexer' : 'chain'}>
      {text}
    </p>
  );
}

/** Warnings where the indexer's answer differs from the chain's (the chain's values are shown). */
export function IndexerWarnings({ warnings }: { warnings: readonly string[] }) {
  if (!warnings.length) return null;
  return (
    <div class="doc-warning indexer-warning" role="status">
      {warnings.map((w) => (
        <p key={w}>{w}</p>
      ))}
    </div>
  );
}

export function useProductDoc(product: Product): Doc | null {
  const shop = useShop();
  return usePromise(
    () => shop.docs.load(product.metadataDigest, product.metadataCodec, SCHEMAS.product),
    [product.metadataDigest],
  );
}

/** Why a document (docs.ts reasons) was not shown, in words; `kind` is what it should have been. */
export function docProblem(reason: string, kind: string): string {
  const words: Record<string, string> = {
    'content does not match its digest':
      'the document the gateway returned does not match what the seller published on chain',
    'not JSON': 'the document the seller published is not valid JSON',
    'document too large': 'the document the seller published is larger than 1 MiB',
    'unexpected document type': `the document the seller published is not ${kind}`,
    'fields of the wrong type': 'the document the seller published has fields of the wrong type',
    'not a raw document': 'the document is not stored as a single file the page can check',
  };
  return words[reason] ?? reason;
}

/** One of the page's own icons (public/icons/NAME.svg), decorative. */
export function Icon({ name, size = 16 }: { name: string; size?: number }) {
  return <img class="icon" src={`./icons/${name}.svg`} alt="" width={size} height={size} />;
}

/** Stars as text: ★★★★☆ for 4 (aria-label carries the number). */
export function Stars({ rating }: { rating: number }) {
  const full = Math.round(Number(rating));
  return (
    <span class="stars" aria-label={`${rating} out of 5`}>
      {'★'.repeat(full) + '☆'.repeat(Math.max(0, 5 - full))}
    </span>
  );
}

/** A picture that marks its box `loaded` once it arrived (cached ones at once: no flash on re-render). */
export function Picture({ src, alt, box, lazy = false }: { src: string; alt: string; box: string; lazy?: boolean }) {
  const [loaded, setLoaded] = useState(false);
  const ref = useRef<HTMLImageElement>(null);
  useLayoutEffect(() => {
    setLoaded(Boolean(ref.current?.complete && ref.current.naturalWidth));
  }, [src]);
  return (
    <div class={`${box}${loaded ? ' loaded' : ''}`}>
      <span class="media-fallback">
        <Icon name="shop" size={48} />
      </span>
      <img
        ref={ref}
        src={src}
        alt={alt}
        onLoad={() => setLoaded(true)}
        {...(lazy ? { loading: 'lazy', decoding: 'async' } : {})}
      />
    </div>
  );
}

/** An image box with a fixed aspect ratio (no layout jump when the picture arrives). */
export function ImageBox({ product, cls = 'media' }: { product: Product; cls?: string }) {
  const shop = useShop();
  const doc = useProductDoc(product);
  const [loaded, setLoaded] = useState(false);
  const ref = useRef<HTMLImageElement>(null);
  const cid = doc?.status === 'ok' ? doc.data.images[0] : undefined;
  const url = cid ? shop.docs.imageUrl(cid) : null;
  useLayoutEffect(() => {
    if (ref.current?.complete && ref.current.naturalWidth) setLoaded(true);
  }, [url]);
  return (
    <div class={`${cls.replace(/\./g, ' ')}${loaded ? ' loaded' : ''}`}>
      <span class="media-fallback">#{String(product.id)}</span>
      {url && doc?.status === 'ok' ? (
        <img ref={ref} src={url} alt={doc.data.name} loading="lazy" decoding="async" onLoad={() => setLoaded(true)} />
      ) : null}
    </div>
  );
}

/** The product's name as text, filled in when its document arrives (or marked unavailable). */
export function ProductName({ product, tag = 'span' }: { product: Product; tag?: 'span' | 'strong' | 'h3' }) {
  const doc = useProductDoc(product);
  const Tag = tag;
  let text = `Product #${product.id}`;
  if (doc?.status === 'ok' && doc.data.name) text = doc.data.name;
  else if (doc?.status === 'unavailable') text = `Product #${product.id} (details unavailable)`;
  return (
    <Tag class="name" data-doc={doc?.status ?? 'loading'}>
      {text}
    </Tag>
  );
}

export function PriceText({ product }: { product: Product }) {
  const shop = useShop();
  return <>{money(shop, product.currency).amount(product.price)}</>;
}

export function StockText({ product }: { product: Product }) {
  const stock = Number(product.stock);
  if (!product.listed) return <span class="stock off">No longer for sale</span>;
  if (stock === 0) return <span class="stock off">Sold out</span>;
  if (stock <= 3) return <span class="stock low">Only {stock} left</span>;
  return <span class="stock">{stock} in stock</span>;
}

export function RatingLine({ product }: { product: Product }) {
  const avg = averageRating(product.ratingSum, product.ratingCount);
  if (avg === null) return <span class="rating none">No reviews yet</span>;
  return (
    <span class="rating">
      <Stars rating={avg} />
      {` ${avg.toFixed(1)} (${product.ratingCount})`}
    </span>
  );
}

export function Badges({ product }: { product: Product }) {
  const shop = useShop();
  const escrow = Number(product.escrowWindow) > 0;
  const window = formatDuration(product.escrowWindow);
  return (
    <div class="badges">
      {escrow ? (
        <span class="badge escrow" title={`Paid into escrow; ${window} to confirm or dispute after shipping`}>
          <Icon name="shield" size={14} />
          Buyer protection
        </span>
      ) : (
        <span class="badge direct">
          <Icon name="bolt" size={14} />
          Paid directly
        </span>
      )}
      {isZeroAddress(product.currency) ? null : (
        <span class="badge token">{money(shop, product.currency).info.symbol}</span>
      )}
    </div>
  );
}

export function SellerLink({ address }: { address: Address }) {
  return (
    <a class="seller-link" href={`#/seller/${address}`}>
      {shortAddress(address)}
    </a>
  );
}

export function Empty({ title, children, problem }: { title: string; children?: ComponentChildren; problem?: string }) {
  return (
    <div class="empty" data-problem={problem}>
      <h2>{title}</h2>
      {children}
    </div>
  );
}

export function NeedWallet({ what }: { what: string }) {
  const shop = useShop();
  return (
    <Empty title={`Connect a wallet to see ${what}`}>
      <p>Browsing the shop needs no wallet; your orders and sales belong to your address.</p>
      <button class="btn" type="button" onClick={() => openWalletDialog(shop)}>
        Connect wallet
      </button>
    </Empty>
  );
}

export function SkeletonGrid({ count = 8 }: { count?: number }) {
  return (
    <div class="grid" aria-busy="true">
      {Array.from({ length: count }, (_, i) => (
        <div class="card skeleton" key={i}>
          <div class="media" />
          <div class="card-body">
            <span class="line" />
            <span class="line short" />
          </div>
        </div>
      ))}
    </div>
  );
}
