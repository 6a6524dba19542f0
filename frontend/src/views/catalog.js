// The catalog grid (`#/`, `#/seller/ADDRESS`): every listed product from the paginated view, in one or
// two JSON-RPC requests; names and images fill in from IPFS as their documents arrive and check out.
import { app } from '../app.js';
import { h } from '../dom.js';
import { shortAddress } from '../format.js';
import { badges, imageBox, priceText, productName, ratingLine, skeletonGrid, stockText } from './common.js';

export function catalogView(seller) {
  return async (render, current) => {
    render.loading(hero(seller), skeletonGrid());
    const [deployment, all] = await Promise.all([app.checked, app.reader.products()]);
    if (deployment.status === 'bad') {
      render(hero(seller), h('div.empty', h('h2', 'Shop closed on this network'), h('p', deployment.reason)));
      return;
    }
    const products = all.filter((p) => p.listed && (!seller || p.seller.toLowerCase() === seller.toLowerCase()));
    await app.reader.loadTokens(products.map((p) => p.currency));
    if (!current()) return;
    render(
      hero(seller, products.length),
      products.length
        ? h('div.grid', { dataset: { count: products.length } }, products.map((p) => card(p, seller)))
        : h('div.empty', h('h2', 'Nothing for sale yet'), h('p', 'Sellers list products with the dapp command line tool.')),
    );
    document.body.dataset.rendered = 'catalog';
    performance.mark('catalog-rendered');
  };
}

function hero(seller, count) {
  const store = app.config.seller && seller && seller.toLowerCase() === app.config.seller.toLowerCase() ? app.storefront : null;
  const countText = count === undefined ? '' : `${count} product${count === 1 ? '' : 's'}`;
  if (store) {
    const banner = store.banner ? app.docs.imageUrl(store.banner) : null;
    return h(
      'section.hero.storefront',
      banner ? h('div.hero-banner', h('img', { src: banner, alt: '' })) : null,
      h('div.hero-text', h('h1', store.name), store.description ? h('p', store.description) : null, h('p.muted.small', countText)),
    );
  }
  if (seller) {
    return h('section.hero', h('h1', `Shop of ${shortAddress(seller)}`), h('p.muted', countText, ' · ', h('span.mono.small', seller)));
  }
  return h(
    'section.hero',
    h('h1', 'Shop directly from makers'),
    h('p.muted', 'Pay with your wallet. Escrowed orders protect you until the item arrives. ', countText ? `${countText}.` : ''),
  );
}

function card(product, seller) {
  return h(
    'a.card',
    { href: `#/product/${product.id}`, dataset: { product: product.id } },
    imageBox(product),
    h(
      'div.card-body',
      productName(product, 'h3.name'),
      h('div.price', priceText(product)),
      h('div.meta', stockText(product), ratingLine(product)),
      badges(product),
      seller ? null : h('div.by.small.muted', 'by ', h('span', shortAddress(product.seller))),
    ),
  );
}
