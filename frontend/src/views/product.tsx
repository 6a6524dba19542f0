// A product (`#/product/ID`): pictures, description, price, what protects the buyer, Buy, and reviews.
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { canTransact, readyWallet, refresh } from '../actions';
import { isZeroAddress, type Order, type Product } from '../chain/contract';
import type { ReviewedLog } from '../chain/reader';
import { SCHEMAS, type Doc } from '../docs';
import { formatDate, formatDuration, parseQuantity, shortAddress } from '../format';
import { money, type Shop } from '../state';
import {
  Badges,
  Empty,
  Icon,
  Picture,
  PriceText,
  RatingLine,
  SellerLink,
  Stars,
  StockText,
  useChainData,
  usePromise,
  useShop,
} from './common';
import { ViewError } from './error';

// Why a product document was not shown (docs.ts reasons), in words.
const DOC_PROBLEMS: Record<string, string> = {
  'content does not match its digest':
    'the document the gateway returned does not match what the seller published on chain',
  'not JSON': 'the document the seller published is not valid JSON',
  'document too large': 'the document the seller published is larger than 1 MiB',
  'unexpected document type': 'the document the seller published is not a product description',
  'fields of the wrong type': 'the document the seller published has fields of the wrong type',
  'not a raw document': 'the document is not stored as a single file the page can check',
};

export type ProductData = { closed: string } | { closed?: undefined; product: Product; doc: Doc };

export async function loadProduct(shop: Shop, id: bigint): Promise<ProductData> {
  const [deployment, product] = await Promise.all([shop.checked, shop.reader.product(id)]);
  if (deployment.status === 'bad') return { closed: deployment.reason };
  await shop.reader.loadTokens([product.currency]);
  const doc = await shop.docs.load(product.metadataDigest, product.metadataCodec, SCHEMAS.product);
  return { product, doc };
}

export function ProductView({ id }: { id: bigint }) {
  const shop = useShop();
  const state = useChainData(() => loadProduct(shop, id));
  if (state.status === 'loading') {
    return (
      <div class="product skeleton">
        <div class="gallery">
          <div class="media big" />
        </div>
        <div class="info">
          <span class="line" />
          <span class="line short" />
        </div>
      </div>
    );
  }
  if (state.status === 'error') return <ViewError error={state.error} />;
  if (state.data.closed !== undefined) {
    return (
      <Empty title="Shop closed on this network">
        <p>{state.data.closed}</p>
      </Empty>
    );
  }
  return <ProductPage product={state.data.product} doc={state.data.doc} />;
}

export function ProductPage({ product, doc }: { product: Product; doc: Doc }) {
  const shop = useShop();
  const name = doc.status === 'ok' ? doc.data.name : `Product #${product.id}`;
  const shopName = shop.shopName.value;
  useEffect(() => {
    document.title = `${name} · ${shopName}`;
  }, [name, shopName]);
  return (
    <>
      <nav class="crumbs small">
        <a href="#/">{shopName}</a>
        {' / '}
        <span>{name}</span>
      </nav>
      <article class="product" data-product={String(product.id)} data-doc={doc.status}>
        <Gallery doc={doc} name={name} />
        <div class="info">
          <h1 class="name">{name}</h1>
          {doc.status === 'unavailable' ? (
            <p class="doc-warning">
              The description of this product is unavailable: {DOC_PROBLEMS[doc.reason] ?? doc.reason}.
            </p>
          ) : null}
          <p class="small muted">
            {'Sold by '}
            <SellerLink address={product.seller} />
            {' · '}
            <RatingLine product={product} />
          </p>
          <div class="price big">
            <PriceText product={product} />
          </div>
          <Badges product={product} />
          <BuyBox key={String(product.id)} product={product} />
          <Protection product={product} />
        </div>
      </article>
      {doc.status === 'ok' && doc.data.description ? (
        <section class="description">
          <h2>About this item</h2>
          <p class="prose">{doc.data.description}</p>
        </section>
      ) : null}
      <Reviews product={product} />
    </>
  );
}

function Gallery({ doc, name }: { doc: Doc; name: string }) {
  const shop = useShop();
  const images = doc.status === 'ok' ? doc.data.images : [];
  const [shown, setShown] = useState(0);
  const main = images[shown] ? shop.docs.imageUrl(images[shown]) : null;
  return (
    <div class="gallery">
      {main ? (
        <Picture key={main} src={main} alt={name} box="media big" />
      ) : (
        <div class="media big">
          <span class="media-fallback">
            <Icon name="shop" size={48} />
          </span>
        </div>
      )}
      {images.length > 1 ? (
        <div class="thumbs">
          {images.map((cid, i) => (
            <button class="thumb" type="button" aria-label={`Picture ${i + 1}`} onClick={() => setShown(i)} key={cid}>
              <img src={shop.docs.imageUrl(cid) ?? ''} alt="" />
            </button>
          ))}
        </div>
      ) : null}
    </div>
  );
}

function Protection({ product }: { product: Product }) {
  const escrow = Number(product.escrowWindow) > 0;
  const items: [string, ComponentChildren][] = escrow
    ? [
        [
          'box',
          `The seller ships within ${formatDuration(product.handlingTime)}. If not, you can cancel for a full refund.`,
        ],
        [
          'shield',
          `Your payment waits in escrow. After shipping you have ${formatDuration(product.escrowWindow)} to confirm receipt or open a dispute.`,
        ],
        isZeroAddress(product.arbiter)
          ? [
              'scale',
              'No arbiter: a disputed order stays frozen until the seller refunds you or you withdraw the dispute. Neither side gains by a false claim.',
            ]
          : [
              'scale',
              <span>
                {'Disputes are decided by '}
                <span class="mono addr" title={product.arbiter}>
                  {shortAddress(product.arbiter)}
                </span>
                , who can split the amount between you and the seller but never receives any of it.
              </span>,
            ],
      ]
    : [['bolt', 'Paid directly to the seller when you buy: there is no escrow, so no refund through the store.']];
  return (
    <section class="protection">
      <h2>{escrow ? 'Buyer protection' : 'Payment'}</h2>
      <ul>
        {items.map(([kind, text]) => (
          <li key={kind}>
            <span class="icon">
              <Icon name={kind} size={20} />
            </span>
            <span>{text}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

function BuyBox({ product }: { product: Product }) {
  const shop = useShop();
  const stock = Number(product.stock);
  const fmt = money(shop, product.currency);
  // What was typed is what is bought: a quantity that is not a whole number from 1 to the stock is
  // refused in words, never rounded or clamped into another purchase. It survives re-renders (a wallet
  // connecting, a transaction confirming) as this component's state.
  const [typed, setTyped] = useState('1');
  const q = parseQuantity(typed, stock);
  const total = q.error === undefined && q.value > 1 ? `Total ${fmt.amount(product.price * BigInt(q.value))}` : '';
  const available = product.listed && stock > 0;
  // A currency the page could not read as a token (a contract that is not one): its amounts mean nothing.
  const payable = !fmt.info.unknown;
  const open = canTransact(shop);
  const buy = async () => {
    if (q.error !== undefined) return;
    const wallet = await readyWallet(shop);
    if (!wallet) return;
    const { purchase } = await import('../chain/checkout');
    await purchase(shop, wallet, product, q.value, () => refresh(shop));
  };
  const button = (
    <button class="btn buy" type="button" disabled={!available || !payable || !open} onClick={buy}>
      {available ? 'Buy now' : 'Sold out'}
    </button>
  );
  return (
    <div class="buybox">
      <div class="row">
        <StockText product={product} />
        <span class="total">{total}</span>
      </div>
      {available ? (
        <div class="row">
          <label class="qty-label">
            {'Quantity '}
            <input
              class="qty"
              type="number"
              min={1}
              max={Math.max(1, stock)}
              step={1}
              value={typed}
              inputMode="numeric"
              aria-label="Quantity"
              onInput={(e) => setTyped(e.currentTarget.value)}
            />
          </label>
          {button}
        </div>
      ) : (
        <div class="row">{button}</div>
      )}
      {/* no gap in the buy box while there is nothing to say */}
      <p class="small warn-text qty-error" role="alert" hidden={q.error === undefined}>
        {q.error ?? ''}
      </p>
      {!payable ? (
        <p class="small warn-text currency-error" role="alert">
          This product is priced in {product.currency}, which is not a token this page can read: it cannot be bought
          here.
        </p>
      ) : open ? (
        <p class="small muted">{shop.account.value ? '' : 'You will be asked to connect a wallet.'}</p>
      ) : (
        <p class="small warn-text">Purchases are disabled: see the notice above.</p>
      )}
    </div>
  );
}

// --- reviews -------------------------------------------------------------------------------------

interface ReviewItem {
  log: ReviewedLog;
  order: Order | undefined;
  doc: Doc;
}

async function loadReviews(shop: Shop, product: Product): Promise<ReviewItem[]> {
  const [logs, orders] = await Promise.all([
    shop.reader.reviews(product.id),
    shop.reader.orders(product.id, product.orderCount),
  ]);
  const byNo = new Map(orders.map((o) => [o.orderNo, o]));
  return Promise.all(
    logs.reverse().map(async (log) => ({
      log,
      order: byNo.get(log.orderNo),
      doc: await shop.docs.load(log.reviewDigest, log.reviewCodec, SCHEMAS.review),
    })),
  );
}

function Reviews({ product }: { product: Product }) {
  const shop = useShop();
  const none = Number(product.ratingCount) === 0;
  const version = shop.version.value;
  const items = usePromise(
    () => (none ? Promise.resolve([]) : loadReviews(shop, product).catch(() => null)),
    [product.id, product.ratingCount, version],
  );
  let list: ComponentChildren;
  if (none) list = <p class="muted">No reviews yet. Buyers can review an order once it is completed.</p>;
  else if (items === null) list = <p class="muted">Loading reviews…</p>;
  else list = items.map((item) => <Review key={String(item.log.orderNo)} product={product} {...item} />);
  return (
    <section class="reviews">
      <h2>
        {'Reviews '}
        <span class="muted small">
          <RatingLine product={product} />
        </span>
      </h2>
      <div class="reviews-list">{list}</div>
    </section>
  );
}

function Review({ product, log, order, doc }: ReviewItem & { product: Product }) {
  const shop = useShop();
  const fmt = money(shop, product.currency);
  return (
    <article class="review" data-order={String(log.orderNo)} data-doc={doc.status}>
      <div class="review-head">
        <Stars rating={log.rating} />
        <span class="small muted">{shortAddress(log.reviewer)}</span>
      </div>
      {doc.status === 'ok' ? (
        <p class="prose">{doc.data.text || '(no text)'}</p>
      ) : (
        <p class="muted small">
          {doc.status === 'none'
            ? '(no text)'
            : 'Review text unavailable (the document does not match its digest or is not on IPFS yet).'}
        </p>
      )}
      {order ? (
        <p class="small paid">
          {`Verified purchase · paid ${fmt.amount(order.amount)}`}
          {order.quantity > 1n ? ` for ${order.quantity}` : ''}
          {order.placedAt > 0n ? ` · ${formatDate(order.placedAt)}` : ''}
        </p>
      ) : null}
    </article>
  );
}
