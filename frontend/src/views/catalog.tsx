// The catalog grid (`#/`, `#/seller/ADDRESS`): every listed product from the paginated view, in one or
// two JSON-RPC requests; names and images fill in from IPFS as their documents arrive and check out.
import { useLayoutEffect } from 'preact/hooks';
import type { Address } from 'viem';
import type { Product } from '../chain/contract';
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
  useChainData,
  useShop,
} from './common';
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

export function Catalog({ seller, products }: { seller: Address | null; products: readonly Product[] }) {
  useLayoutEffect(() => {
    document.body.dataset.rendered = 'catalog';
    performance.mark('catalog-rendered');
  }, []);
  return (
    <>
      <Hero seller={seller} count={products.length} />
      {products.length ? (
        <div class="grid" data-count={products.length}>
          {products.map((p) => (
            <Card key={String(p.id)} product={p} seller={seller} />
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
  const own = shop.config.seller;
  const store = own && seller && seller.toLowerCase() === own.toLowerCase() ? shop.storefront.value : null;
  const countText = count === undefined ? '' : `${count} product${count === 1 ? '' : 's'}`;
  if (store) {
    const banner = store.banner ? shop.docs.imageUrl(store.banner) : null;
    return (
      <section class="hero storefront">
        {banner ? (
          <div class="hero-banner">
            <img src={banner} alt="" />
          </div>
        ) : null}
        <div class="hero-text">
          <h1>{store.name}</h1>
          {store.description ? <p>{store.description}</p> : null}
          <p class="muted small">{countText}</p>
        </div>
      </section>
    );
  }
  if (seller) {
    return (
      <section class="hero">
        <h1>Shop of {shortAddress(seller)}</h1>
        <p class="muted">
          {countText}
          {' · '}
          <span class="mono small">{seller}</span>
        </p>
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

function Card({ product, seller }: { product: Product; seller: Address | null }) {
  return (
    <a class="card" href={`#/product/${product.id}`} data-product={String(product.id)}>
      <ImageBox product={product} />
      <div class="card-body">
        <ProductName product={product} tag="h3" />
        <div class="price">
          <PriceText product={product} />
        </div>
        <div class="meta">
          <StockText product={product} />
          <RatingLine product={product} />
        </div>
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
