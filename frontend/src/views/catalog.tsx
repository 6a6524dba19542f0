// The catalog grid (`#/`, `#/seller/ADDRESS`): every listed product from the paginated view, in one or
// two JSON-RPC requests; names and images fill in from IPFS as their documents arrive and check out.
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { Address } from 'viem';
import type { Product } from '../chain/contract';
import { SCHEMAS, type Variant } from '../docs';
import { groupCards, type Member } from '../variants';
import { shortAddress } from '../format';
import type { Shop } from '../state';
import {
  Badges,
  Empty,
  ImageBox,
  PriceText,
  ProductName,
  RatingLine,
  SkeletonGrid,
  StockText,
  docProblem,
  useChainData,
  usePromise,
  useShop,
} from './common';
import { loadProfile } from '../profiles';
import { ViewError } from './error';

export type CatalogData = { closed: string } | { closed?: undefined; products: readonly Product[] };

/** The listed products (of one seller, when `seller` is set), with their currencies' symbols loaded. */
export async function loadCatalog(shop: Shop, seller: Address | null): Promise<CatalogData> {
  const [deployment, all] = await Promise.all([shop.checked, shop.reader.products()]);
  if (deployment.status === 'bad') return { closed: deployment.reason };
  const products = all.filter((p) => p.listed && (!seller || p.seller.toLowerCase() === seller.toLowerCase()));
  await shop.reader.loadTokens(products.map((p) => p.currency));
  return { products };
}

export function CatalogView({ seller }: { seller: Address | null }) {
  const shop = useShop();
  const state = useChainData(() => loadCatalog(shop, seller));
  if (state.status === 'loading') {
    return (
      <>
        <Hero seller={seller} />
        <SkeletonGrid />
      </>
    );
  }
  if (state.status === 'error') return <ViewError error={state.error} />;
  if (state.data.closed !== undefined) {
    return (
      <>
        <Hero seller={seller} />
        <Empty title="Shop closed on this network">
          <p>{state.data.closed}</p>
        </Empty>
      </>
    );
  }
  return <Catalog seller={seller} products={state.data.products} />;
}

/**
 * The options (MERCH-SPEC §1) of the products whose documents have arrived and name a group. The cards show
 * at once; a group folds into its first product's card when its documents are in. Only a document with
 * options re-renders the grid: a store without options never does.
 */
function useVariants(products: readonly Product[], initial?: ReadonlyMap<bigint, Variant>) {
  const shop = useShop();
  const found = useRef(new Map<bigint, Variant>(initial));
  const [, setCount] = useState(0);
  useEffect(() => {
    let live = true;
    for (const p of products) {
      void shop.docs.load(p.metadataDigest, p.metadataCodec, SCHEMAS.product).then((doc) => {
        if (!live || doc.status !== 'ok' || !doc.data.variant || found.current.has(p.id)) return;
        found.current.set(p.id, doc.data.variant);
        setCount(found.current.size);
      });
    }
    return () => {
      live = false;
    };
  }, [products]);
  return found.current;
}

export function Catalog({
  seller,
  products,
  variants: known,
}: {
  seller: Address | null;
  products: readonly Product[];
  /** Options already known (view tests, which render once). */
  variants?: ReadonlyMap<bigint, Variant>;
}) {
  useLayoutEffect(() => {
    document.body.dataset.rendered = 'catalog';
    performance.mark('catalog-rendered');
  }, []);
  const variants = useVariants(products, known);
  const cards = groupCards(products, (p) => variants.get(p.id) ?? null);
  return (
    <>
      <Hero seller={seller} count={products.length} />
      {products.length ? (
        <div class="grid" data-count={cards.length}>
          {cards.map(({ product, group }) => (
            <Card key={String(product.id)} product={product} seller={seller} group={group} />
          ))}
        </div>
      ) : (
        <Empty title="Nothing for sale yet">
          <p>Sellers list products with the dapp command line tool.</p>
        </Empty>
      )}
    </>
  );
}

function Hero({ seller, count }: { seller: Address | null; count?: number }) {
  const shop = useShop();
  const profile = usePromise(() => (seller ? loadProfile(shop, seller) : Promise.resolve(null)), [seller]);
  const countText = count === undefined ? '' : `${count} product${count === 1 ? '' : 's'}`;
  if (profile?.status === 'ok') {
    const banner = profile.banner ? shop.docs.imageUrl(profile.banner) : null;
    return (
      <section class="hero storefront" data-profile={profile.source}>
        {banner ? (
          <div class="hero-banner">
            <img src={banner} alt="" />
          </div>
        ) : null}
        <div class="hero-text">
          <h1>{profile.name}</h1>
          {profile.description ? <p>{profile.description}</p> : null}
          <p class="muted small">{countText}</p>
        </div>
      </section>
    );
  }
  if (seller) {
    return (
      <section class="hero" data-profile={profile?.status ?? 'loading'}>
        <h1>Shop of {shortAddress(seller)}</h1>
        <p class="muted">
          {countText}
          {' · '}
          <span class="mono small">{seller}</span>
        </p>
        {profile?.status === 'unavailable' ? (
          <p class="doc-warning profile-warning">
            {`This seller's profile is unavailable: ${docProblem(profile.reason, 'a seller profile')}.`}
          </p>
        ) : null}
      </section>
    );
  }
  return (
    <section class="hero">
      <h1>Shop directly from makers</h1>
      <p class="muted">
        {'Pay with your wallet. Escrowed orders protect you until the item arrives. '}
        {countText ? `${countText}.` : ''}
      </p>
    </section>
  );
}

/** "Size: S, M, L, XL": the options a group's card offers. */
function optionsLine(group: readonly Member[]): string {
  return Object.entries(group[0]!.variant.choices)
    .map(([name, values]) => `${name.charAt(0).toUpperCase()}${name.slice(1)}: ${values.join(', ')}`)
    .join(' · ');
}

/** A group's lowest price in the card's currency, when its options are not all at the card's price. */
function fromPrice(product: Product, group: readonly Member[] | null): bigint | null {
  const same = (group ?? []).filter((m) => m.product.currency.toLowerCase() === product.currency.toLowerCase());
  const prices = same.map((m) => m.product.price);
  return prices.some((p) => p !== product.price) ? prices.reduce((a, b) => (b < a ? b : a)) : null;
}

function Card({ product, seller, group }: { product: Product; seller: Address | null; group: Member[] | null }) {
  const from = fromPrice(product, group);
  return (
    <a
      class="card"
      href={`#/product/${product.id}`}
      data-product={String(product.id)}
      data-group={group ? group.map((m) => String(m.product.id)).join(' ') : undefined}
    >
      <ImageBox product={product} />
      <div class="card-body">
        <ProductName product={product} tag="h3" />
        <div class="price">
          {from === null ? (
            <PriceText product={product} />
          ) : (
            <>
              from <PriceText product={{ ...product, price: from }} />
            </>
          )}
        </div>
        <div class="meta">
          {/* a group's stock is its options' together: sold out only when every option is */}
          <StockText
            product={group ? { ...product, stock: group.reduce((n, m) => n + m.product.stock, 0n) } : product}
          />
          <RatingLine product={product} />
        </div>
        {group ? <div class="card-options small">{optionsLine(group)}</div> : null}
        <Badges product={product} />
        {seller ? null : (
          <div class="by small muted">
            by <span>{shortAddress(product.seller)}</span>
          </div>
        )}
      </div>
    </a>
  );
}
