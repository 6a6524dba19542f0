// A product (`#/product/ID`): pictures, description, price, what protects the buyer, Buy, and reviews.
import type { ComponentChildren } from 'preact';
import { getAddress, type Hex } from 'viem';
import { useEffect, useState } from 'preact/hooks';
import { canTransact, readyWallet, refresh } from '../actions';
import { isZeroAddress, type Order, type Product } from '../chain/contract';
import type { ReviewedLog } from '../chain/reader';
import { SCHEMAS, type Doc } from '../docs';
import { sellerKey, type SellerKey } from '../profiles';
import { groupOf, picker, type Member } from '../variants';
import type { Kit } from './checkout';
import { handOver } from '../handover';
import { formatDate, formatDuration, parseQuantity, shortAddress } from '../format';
import { indexFor } from '../indexing';
import { STATE } from '../orders';
import { money, type Shop } from '../state';
import {
  Badges,
  Empty,
  Icon,
  IndexerWarnings,
  Picture,
  PriceText,
  RatingLine,
  ScanNote,
  SellerLink,
  Stars,
  StockText,
  docProblem,
  useChainData,
  usePromise,
  useShop,
} from './common';
import { ViewError } from './error';

export type ProductData =
  { closed: string } | { closed?: undefined; product: Product; doc: Doc; group: readonly Member[] | null };

export async function loadProduct(shop: Shop, id: bigint): Promise<ProductData> {
  const [deployment, product] = await Promise.all([shop.checked, shop.reader.product(id)]);
  if (deployment.status === 'bad') return { closed: deployment.reason };
  await shop.reader.loadTokens([product.currency]);
  const doc = await shop.docs.load(product.metadataDigest, product.metadataCodec, SCHEMAS.product);
  const variant = doc.status === 'ok' ? doc.data.variant : null;
  return { product, doc, group: variant ? await loadGroup(shop, { product, variant }) : null };
}

/** The seller's listed products in `current`'s group, with `current` (null: it is shown on its own). */
async function loadGroup(shop: Shop, current: Member): Promise<Member[] | null> {
  const seller = current.product.seller.toLowerCase();
  const candidates = (await shop.reader.products()).filter(
    (p) => p.listed && p.seller.toLowerCase() === seller && p.id !== current.product.id,
  );
  const docs = await Promise.all(
    candidates.map((p) => shop.docs.load(p.metadataDigest, p.metadataCodec, SCHEMAS.product)),
  );
  const members = candidates.flatMap((product, i) => {
    const doc = docs[i]!;
    return doc.status === 'ok' && doc.data.variant ? [{ product, variant: doc.data.variant }] : [];
  });
  return groupOf(current, members);
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
  return <ProductPage product={state.data.product} doc={state.data.doc} group={state.data.group} />;
}

export function ProductPage({
  product,
  doc,
  group = null,
}: {
  product: Product;
  doc: Doc;
  group?: readonly Member[] | null;
}) {
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
              The description of this product is unavailable: {docProblem(doc.reason, 'a product description')}.
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
          {group && doc.status === 'ok' && doc.data.variant ? (
            <OptionPicker current={{ product, variant: doc.data.variant }} members={group} />
          ) : null}
          <BuyBox
            key={String(product.id)}
            product={product}
            options={doc.status === 'ok' && doc.data.variant ? doc.data.variant.options : {}}
          />
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

/** The rules of a purchase, in words, before it is made (the contract enforces each of them). */
function Protection({ product }: { product: Product }) {
  const escrow = Number(product.escrowWindow) > 0;
  const items: [string, string, ComponentChildren][] = escrow
    ? [
        [
          'ship',
          'box',
          `The seller ships within ${formatDuration(product.handlingTime)}. From then on it can no longer ship, and you can cancel for a full refund.`,
        ],
        [
          'escrow',
          'shield',
          `Your payment waits in escrow. After shipping you have ${formatDuration(product.escrowWindow)} to confirm receipt or open a dispute; then the seller can be paid.`,
        ],
        [
          'settle',
          'swap',
          'Until the order ends, you and the seller can settle by agreement: either side offers how much you get back, and the other accepts exactly that amount.',
        ],
        isZeroAddress(product.arbiter)
          ? [
              'arbiter',
              'scale',
              'No arbiter: a disputed order stays frozen until the seller refunds you, you withdraw the dispute, or you both agree on a settlement.',
            ]
          : [
              'arbiter',
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
    : [
        [
          'direct',
          'bolt',
          'Paid directly to the seller when you buy: there is no escrow, so no refund through the store.',
        ],
      ];
  return (
    <section class="protection">
      <h2>{escrow ? 'Buyer protection' : 'Payment'}</h2>
      <ul>
        {items.map(([key, icon, text]) => (
          <li key={key} data-rule={key}>
            <span class="icon">
              <Icon name={icon} size={20} />
            </span>
            <span>{text}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

const LOW_STOCK = 3;
const titleCase = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** One row per option name: its values, each a link to the product that has it, with its stock in words. */
function OptionPicker({ current, members }: { current: Member; members: readonly Member[] }) {
  return (
    <div class="options">
      {picker(current, members).map(([name, choices]) => {
        const selected = choices.find((c) => c.selected)?.value ?? '';
        const low: string[] = [];
        return (
          <fieldset class="option" key={name} data-option={name}>
            <legend>
              {`${titleCase(name)}: `}
              <strong>{selected}</strong>
            </legend>
            <div class="choices">
              {choices.map((c) => {
                const stock = c.target ? Number(c.target.stock) : 0;
                const state = !c.target
                  ? 'missing'
                  : !c.target.listed || stock === 0
                    ? 'sold-out'
                    : stock <= LOW_STOCK
                      ? 'low'
                      : 'ok';
                if (state === 'low') low.push(`Only ${stock} left in ${c.value}`);
                // not offered with the other options chosen: it leads to one that is, and says what changes
                const words =
                  state === 'sold-out'
                    ? 'sold out'
                    : state === 'missing'
                      ? 'not offered'
                      : c.changes.length
                        ? `with ${c.changes.join(', ')}`
                        : '';
                const body = (
                  <>
                    <span class="value">{c.value}</span>
                    {words ? <small>{words}</small> : null}
                  </>
                );
                const attrs = { key: c.value, 'data-value': c.value, 'data-state': state };
                if (c.selected)
                  return (
                    <span class={`choice selected ${state}`} aria-current="true" {...attrs}>
                      {body}
                    </span>
                  );
                if (!c.target)
                  return (
                    <span class={`choice ${state}`} aria-disabled="true" {...attrs}>
                      {body}
                    </span>
                  );
                return (
                  <a
                    class={`choice ${state}${c.changes.length ? ' other' : ''}`}
                    href={`#/product/${c.target.id}`}
                    aria-label={`${titleCase(name)} ${c.value}${words ? `, ${words}` : ''}`}
                    {...attrs}
                  >
                    {body}
                  </a>
                );
              })}
            </div>
            {low.length ? <p class="option-stock small">{low.join(' · ')}</p> : null}
          </fieldset>
        );
      })}
    </div>
  );
}

function BuyBox({ product, options }: { product: Product; options: Readonly<Record<string, string>> }) {
  const shop = useShop();
  const stock = Number(product.stock);
  const fmt = money(shop, product.currency);
  // What was typed is what is bought: a quantity that is not a whole number from 1 to the stock is
  // refused in words, never rounded or clamped into another purchase. It survives re-renders (a wallet
  // connecting, a transaction confirming) as this component's state.
  const [typed, setTyped] = useState('1');
  // The checkout step, once started: its code (checks, keys, encryption) arrives with the first click.
  const [kit, setKit] = useState<{ data: Kit; form: typeof import('./checkout-form') } | null>(null);
  const [checkout, setCheckout] = useState<{ quantity: number; key: string } | null>(null);
  const key = usePromise<SellerKey>(() => sellerKey(shop, product.seller), [product.seller]);
  const q = parseQuantity(typed, stock);
  const total = q.error === undefined && q.value > 1 ? `Total ${fmt.amount(product.price * BigInt(q.value))}` : '';
  const available = product.listed && stock > 0;
  // A currency the page could not read as a token (a contract that is not one): its amounts mean nothing.
  const payable = !fmt.info.unknown;
  const open = canTransact(shop);
  const account = shop.account.value;
  // The contract refuses a seller's purchase of its own product (a fake review's way in): not offered.
  const own = account !== null && account.toLowerCase() === product.seller.toLowerCase();
  const buy = async () => {
    if (q.error !== undefined) return;
    const known = key ?? (await sellerKey(shop, product.seller));
    if (known.status === 'key') {
      // Where it goes first, then the wallet: the form is the checkout's first step.
      handOver();
      const [data, form] = await Promise.all([import('../chain/order-data'), import('./checkout-form')]);
      setKit({ data, form });
      setCheckout({ quantity: q.value, key: known.key });
      return;
    }
    // No key to encrypt to: the buyer was told so below the button, and buys without an address.
    const wallet = await readyWallet(shop);
    if (!wallet) return;
    const { purchase } = await import('../chain/checkout');
    await purchase(shop, wallet, product, q.value, '0x', () => refresh(shop));
  };
  if (own) {
    return (
      <div class="buybox" data-own="true">
        <div class="row">
          <StockText product={product} />
        </div>
        <p class="small muted own-product">This is your product: sellers cannot buy their own products.</p>
      </div>
    );
  }
  if (kit && checkout) {
    return (
      <div class="buybox checking-out">
        <p class="small muted">
          {`${checkout.quantity} × ${fmt.amount(product.price)}`}
          {Object.entries(options).map(([k, v]) => ` · ${k} ${v}`)}
        </p>
        <kit.form.Checkout
          shop={shop}
          kit={kit.data}
          product={product}
          quantity={checkout.quantity}
          options={options}
          sellerKey={checkout.key}
          onClose={() => setCheckout(null)}
        />
      </div>
    );
  }
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
      {available && key && key.status !== 'key' ? (
        <p class="small no-key" data-key={key.status}>
          {key.status === 'none'
            ? 'This seller has published no shipping key, so this page cannot send it your address: '
            : "This seller's profile cannot be read, so this page cannot send it your address: "}
          buying sends none. If the item needs shipping, arrange delivery with the seller yourself, or do not buy.
        </p>
      ) : null}
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

/** A product's reviews: from the indexer when it is usable, else from the chain's Reviewed logs. */
async function reviewLogs(shop: Shop, product: Product): Promise<{ logs: ReviewedLog[]; indexed: boolean }> {
  const index = await indexFor(shop);
  if (index) {
    try {
      const rows = await index.api.reviews(index.url, product.id);
      return {
        logs: rows.map((r) => ({ ...r, reviewer: getAddress(r.reviewer), reviewDigest: r.reviewDigest as Hex })),
        indexed: true,
      };
    } catch (error) {
      if (!(error instanceof index.api.IndexerError)) throw error;
    }
  }
  return { logs: await shop.reader.reviews(product.id), indexed: false };
}

async function loadReviews(shop: Shop, product: Product): Promise<{ items: ReviewItem[]; warning: string }> {
  const [{ logs, indexed }, orders] = await Promise.all([
    reviewLogs(shop, product),
    shop.reader.orders(product.id, product.orderCount),
  ]);
  const byNo = new Map(orders.map((o) => [o.orderNo, o]));
  // A review counts on chain only once per order, in the product's ratingCount: the indexer's list must match.
  const real = logs.filter((log) => Number(byNo.get(log.orderNo)?.state) === STATE.Reviewed);
  const warning =
    indexed && (real.length !== logs.length || BigInt(real.length) !== product.ratingCount)
      ? `The indexer lists ${logs.length} review${logs.length === 1 ? '' : 's'} of this product; the chain counts ${product.ratingCount}.`
      : '';
  const items = await Promise.all(
    real.reverse().map(async (log) => ({
      log,
      order: byNo.get(log.orderNo),
      doc: await shop.docs.load(log.reviewDigest, log.reviewCodec, SCHEMAS.review),
    })),
  );
  return { items, warning };
}

function Reviews({ product }: { product: Product }) {
  const shop = useShop();
  const none = Number(product.ratingCount) === 0;
  const version = shop.version.value;
  const loaded = usePromise(
    () => (none ? Promise.resolve({ items: [], warning: '' }) : loadReviews(shop, product).catch(() => null)),
    [product.id, product.ratingCount, version],
  );
  let list: ComponentChildren;
  if (none)
    list = (
      <p class="muted">
        No reviews yet. Buyers review an order once it is completed, resolved by the arbiter or settled.
      </p>
    );
  else if (loaded === null) list = <ScanNote what="reviews" />;
  else list = loaded.items.map((item) => <Review key={String(item.log.orderNo)} product={product} {...item} />);
  return (
    <section class="reviews">
      <h2>
        {'Reviews '}
        <span class="muted small">
          <RatingLine product={product} />
        </span>
      </h2>
      {loaded?.warning ? <IndexerWarnings warnings={[loaded.warning]} /> : null}
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
