// The catalog grid (`#/`, `#/seller/ADDRESS`): every listed product from the paginated view, in one or
// two JSON-RPC requests; names and images fill in from IPFS as their documents arrive and check out.
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { Address } from 'viem';
import type { Product } from '../chain/contract';
import { SCHEMAS, type Variant } from '../docs';
import { groupCards, type Member } from '../variants';
import { shortAddress } from '../format';
import { banner } from '../actions';
import { indexFor } from '../indexing';
import { money, type Shop } from '../state';
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

export type Sort = 'listed' | 'newest' | 'price-asc' | 'price-desc' | 'rating';
export interface CatalogQuery {
  text: string;
  sort: Sort;
  /** A currency's address, lower-case, or '' for any. */
  currency: string;
  inStock: boolean;
  page: number;
  /** With an indexer: the page after (Next) or before (Previous) a cursor of its answer. */
  after?: string | null;
  before?: string | null;
}
export const PAGE_SIZE = 24;
const FIRST: CatalogQuery = { text: '', sort: 'listed', currency: '', inStock: false, page: 0 };

export interface CatalogResult {
  closed?: undefined;
  /** This page's products, as the chain has them. */
  products: readonly Product[];
  /** How many products match, over every page. */
  total: number;
  /** Where the list came from: the indexer searches everything; without it, only loaded names are searched. */
  source: 'indexer' | 'chain';
  /** Without an indexer, a search looks at the names loaded so far: how many of the matching products that was. */
  searched?: { named: number; of: number };
  /** Products whose indexer row disagrees with the chain (the chain's values are shown), by id. */
  disagree: ReadonlyMap<bigint, string>;
  /** Currencies to filter on. */
  currencies: readonly string[];
  /** With an indexer: the cursors of the pages after and before this one. */
  next?: string | null;
  previous?: string | null;
}
export type CatalogData = { closed: string } | CatalogResult;

const byId = (a: Product, b: Product) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const rating = (p: Product) => (p.ratingCount ? Number(p.ratingSum) / Number(p.ratingCount) : 0);
const SORTS: Record<Sort, (a: Product, b: Product) => number> = {
  listed: byId,
  newest: (a, b) => byId(b, a),
  'price-asc': (a, b) => (a.price < b.price ? -1 : a.price > b.price ? 1 : byId(b, a)),
  'price-desc': (a, b) => (a.price > b.price ? -1 : a.price < b.price ? 1 : byId(b, a)),
  rating: (a, b) => rating(b) - rating(a) || Number(b.ratingCount - a.ratingCount) || byId(b, a),
};

/**
 * One page of the listed products matching `query` (of one seller, when `seller` is set). With a usable
 * indexer, it picks and orders them over the whole catalog, and each is then read from the chain (what is
 * shown is the chain's; a price the indexer has otherwise is flagged). Without one, every product is read
 * from the chain and a search looks only at the names whose documents have arrived.
 */
export async function loadCatalog(
  shop: Shop,
  seller: Address | null,
  query: CatalogQuery = FIRST,
): Promise<CatalogData> {
  const index = await indexFor(shop);
  if (index) {
    try {
      return await index.api.catalogFromIndex(shop, index.url, seller, query);
    } catch (error) {
      if (!(error instanceof index.api.IndexerError)) throw error;
      banner(shop, 'indexer', {
        title: 'The indexer is not used',
        text: `${error.message} Products are read from the chain instead.`,
      });
    }
  }
  const [deployment, all] = await Promise.all([shop.checked, shop.reader.products()]);
  if (deployment.status === 'bad') return { closed: deployment.reason };
  const listed = all.filter((p) => p.listed && (!seller || p.seller.toLowerCase() === seller.toLowerCase()));
  const currencies = [...new Set(listed.map((p) => p.currency.toLowerCase()))].sort();
  let matching = listed.filter(
    (p) => (!query.currency || p.currency.toLowerCase() === query.currency) && (!query.inStock || p.stock > 0n),
  );
  let searched: CatalogResult['searched'];
  const text = query.text.trim().toLowerCase();
  if (text) {
    const names = matching.map((p) => shop.docs.loaded?.(p.metadataDigest, p.metadataCodec));
    searched = { named: names.filter((d) => d?.status === 'ok').length, of: matching.length };
    matching = matching.filter((_, i) => {
      const doc = names[i];
      return doc?.status === 'ok' && `${doc.data.name}\n${doc.data.description}`.toLowerCase().includes(text);
    });
  }
  matching.sort(SORTS[query.sort]);
  const products = matching.slice(query.page * PAGE_SIZE, (query.page + 1) * PAGE_SIZE);
  await shop.reader.loadTokens(currencies);
  return { products, total: matching.length, source: 'chain', searched, disagree: new Map(), currencies };
}

export function CatalogView({ seller }: { seller: Address | null }) {
  const shop = useShop();
  const [query, setQuery] = useState<CatalogQuery>(FIRST);
  const state = useChainData(() => loadCatalog(shop, seller, query), [query]);
  const last = useRef<CatalogResult | null>(null);
  if (state.status === 'ok' && state.data.closed === undefined) last.current = state.data;
  if (state.status === 'error') return <ViewError error={state.error} />;
  if (state.status === 'ok' && state.data.closed !== undefined) {
    return (
      <>
        <Hero seller={seller} />
        <Empty title="Shop closed on this network">
          <p>{state.data.closed}</p>
        </Empty>
      </>
    );
  }
  // A new query keeps the last results on screen until its own arrive (no flash while typing).
  const data = state.status === 'ok' ? (state.data as CatalogResult) : last.current;
  if (!data) {
    return (
      <>
        <Hero seller={seller} />
        <SkeletonGrid />
      </>
    );
  }
  return <Catalog seller={seller} products={data.products} result={data} query={query} onQuery={setQuery} />;
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
  result,
  query = FIRST,
  onQuery,
  variants: known,
}: {
  seller: Address | null;
  products: readonly Product[];
  result?: CatalogResult;
  query?: CatalogQuery;
  onQuery?: (query: CatalogQuery) => void;
  /** Options already known (view tests, which render once). */
  variants?: ReadonlyMap<bigint, Variant>;
}) {
  useLayoutEffect(() => {
    document.body.dataset.rendered = 'catalog';
    performance.mark('catalog-rendered');
  }, []);
  // Options group the cards of the page shown (with an indexer: of the page of results it gave).
  const variants = useVariants(products, known);
  const cards = groupCards(products, (p) => variants.get(p.id) ?? null);
  const total = result?.total ?? products.length;
  const filtered = Boolean(query.text.trim() || query.currency || query.inStock);
  return (
    <>
      <Hero seller={seller} count={filtered ? undefined : total} />
      {result && onQuery ? <Filters result={result} query={query} onQuery={onQuery} /> : null}
      {result?.disagree.size ? (
        <p class="doc-warning indexer-warning" role="status">
          {`The indexer's answer differs from the chain for ${result.disagree.size} product${result.disagree.size === 1 ? '' : 's'} here: what is shown is read from the chain.`}
        </p>
      ) : null}
      {products.length ? (
        <div
          class="grid"
          data-count={result ? total : cards.length}
          data-cards={cards.length}
          data-source={result?.source ?? 'chain'}
        >
          {cards.map(({ product, group }) => (
            <Card
              key={String(product.id)}
              product={product}
              seller={seller}
              group={group}
              warning={result?.disagree.get(product.id)}
            />
          ))}
        </div>
      ) : filtered ? (
        <Empty title="No products match">
          <p>Try other words or filters.</p>
        </Empty>
      ) : (
        <Empty title="Nothing for sale yet">
          <p>Sellers list products with the dapp command line tool.</p>
        </Empty>
      )}
      {result && onQuery ? <Pager result={result} query={query} onQuery={onQuery} /> : null}
    </>
  );
}

/** What the catalog's search controls and pager read and change. */
interface QueryProps {
  result: CatalogResult;
  query: CatalogQuery;
  onQuery: (query: CatalogQuery) => void;
}

function Filters({ result, query, onQuery }: QueryProps) {
  const shop = useShop();
  // With the indexer, the currencies of every listed product: asked once, off the first render's path.
  const indexed = usePromise(async () => {
    const index = result.source === 'indexer' ? await indexFor(shop) : null;
    if (!index) return null;
    const all = await index.api.currencies(index.url);
    await shop.reader.loadTokens(all);
    return all;
  }, [result.source]);
  const currencies = indexed ?? result.currencies;
  const set = (change: Partial<CatalogQuery>) => onQuery({ ...query, page: 0, after: null, before: null, ...change });
  let scope = '';
  if (result.source === 'chain' && query.text.trim()) {
    const { named, of } = result.searched ?? { named: 0, of: 0 };
    scope =
      `Without an indexer, search covers only the product names loaded so far on this page ` +
      `(${named} of ${of}), not the whole catalog.`;
  } else if (result.source === 'indexer' && query.text.trim()) {
    scope = `${result.total} product${result.total === 1 ? '' : 's'} found by the indexer, over the whole catalog.`;
  }
  return (
    <>
      <form class="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <input
          type="search"
          name="q"
          placeholder="Search products"
          aria-label="Search products"
          value={query.text}
          onInput={(e) => set({ text: e.currentTarget.value })}
        />
        <select
          name="sort"
          aria-label="Sort"
          value={query.sort}
          onChange={(e) => set({ sort: e.currentTarget.value as Sort })}
        >
          <option value="listed">Listing order</option>
          <option value="newest">Newest first</option>
          <option value="price-asc">Price: low to high</option>
          <option value="price-desc">Price: high to low</option>
          <option value="rating">Best rated</option>
        </select>
        <select
          name="currency"
          aria-label="Currency"
          value={query.currency}
          onChange={(e) => set({ currency: e.currentTarget.value })}
        >
          <option value="">Any currency</option>
          {currencies.map((c) => (
            <option key={c} value={c}>
              {money(shop, c).info.symbol}
            </option>
          ))}
        </select>
        <label class="small">
          <input
            type="checkbox"
            name="stock"
            checked={query.inStock}
            onChange={(e) => set({ inStock: e.currentTarget.checked })}
          />
          {' In stock'}
        </label>
      </form>
      {scope ? (
        <p class="small muted search-scope" data-source={result.source}>
          {scope}
        </p>
      ) : null}
    </>
  );
}

function Pager({ result, query, onQuery }: QueryProps) {
  const pages = Math.max(1, Math.ceil(result.total / PAGE_SIZE));
  if (pages <= 1) return null;
  const indexed = result.source === 'indexer';
  const hasNext = indexed ? Boolean(result.next) : query.page + 1 < pages;
  const hasPrevious = indexed ? Boolean(result.previous) && query.page > 0 : query.page > 0;
  const next = () => onQuery({ ...query, page: query.page + 1, after: result.next ?? null, before: null });
  const previous = () =>
    onQuery({ ...query, page: query.page - 1, after: null, before: query.page > 1 ? (result.previous ?? null) : null });
  return (
    <nav class="pager" aria-label="Pages">
      <button
        class="btn secondary"
        type="button"
        data-action="previous-page"
        disabled={!hasPrevious}
        onClick={previous}
      >
        Previous
      </button>
      <span class="small muted" data-page={query.page + 1}>
        {`Page ${(query.page + 1).toLocaleString('en-US')} of ${pages.toLocaleString('en-US')}`}
      </span>
      <button class="btn secondary" type="button" data-action="next-page" disabled={!hasNext} onClick={next}>
        Next
      </button>
    </nav>
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

function Card({
  product,
  seller,
  group,
  warning,
}: {
  product: Product;
  seller: Address | null;
  group: Member[] | null;
  warning?: string | undefined;
}) {
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
        {warning ? <p class="small warn-text indexer-warning">{warning}</p> : null}
        {seller ? null : (
          <div class="by small muted">
            by <span>{shortAddress(product.seller)}</span>
          </div>
        )}
      </div>
    </a>
  );
}
