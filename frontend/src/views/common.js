// Pieces several views share: a product's document, image, price, stock and protection badges.
import { app, money } from '../app.js';
import { h, icon, stars } from '../dom.js';
import { averageRating, formatDuration, shortAddress } from '../format.js';
import { isZeroAddress } from '../chain.js';

export const PRODUCT_SCHEMA = 'ownerless-store/product@1';

export function productDoc(product) {
  return app.docs.load(product.metadataDigest, product.metadataCodec, PRODUCT_SCHEMA);
}

/** An image box with a fixed aspect ratio (no layout jump when the picture arrives). */
export function imageBox(product, cls = 'media') {
  const box = h(`div.${cls}`, h('span.media-fallback', `#${product.id}`));
  productDoc(product).then((doc) => {
    const cid = doc.status === 'ok' ? doc.data.images[0] : null;
    const url = cid && app.docs.imageUrl(cid);
    if (!url) return;
    const img = h('img', { src: url, alt: doc.data.name, loading: 'lazy', decoding: 'async' });
    img.addEventListener('load', () => box.classList.add('loaded'));
    box.append(img);
    if (img.complete && img.naturalWidth) box.classList.add('loaded'); // cached: no flash on re-render
  });
  return box;
}

/** The product's name as text, filled in when its document arrives (or marked unavailable). */
export function productName(product, tag = 'span.name') {
  const el = h(tag, { dataset: { doc: 'loading' } }, `Product #${product.id}`);
  productDoc(product).then((doc) => {
    el.dataset.doc = doc.status;
    if (doc.status === 'ok' && doc.data.name) el.textContent = doc.data.name;
    else if (doc.status === 'unavailable') el.textContent = `Product #${product.id} (details unavailable)`;
  });
  return el;
}

export function priceText(product) {
  return money(product.currency).amount(product.price);
}

export function stockText(product) {
  const stock = Number(product.stock);
  if (!product.listed) return h('span.stock.off', 'No longer for sale');
  if (stock === 0) return h('span.stock.off', 'Sold out');
  if (stock <= 3) return h('span.stock.low', `Only ${stock} left`);
  return h('span.stock', `${stock} in stock`);
}

export function ratingLine(product) {
  const avg = averageRating(product.ratingSum, product.ratingCount);
  if (avg === null) return h('span.rating.none', 'No reviews yet');
  return h('span.rating', stars(avg), ` ${avg.toFixed(1)} (${product.ratingCount})`);
}

export function badges(product) {
  const escrow = Number(product.escrowWindow) > 0;
  return h(
    'div.badges',
    escrow
      ? h('span.badge.escrow', { title: `Paid into escrow; ${formatDuration(product.escrowWindow)} to confirm or dispute after shipping` }, icon('shield', 14), 'Buyer protection')
      : h('span.badge.direct', icon('bolt', 14), 'Paid directly'),
    isZeroAddress(product.currency) ? null : h('span.badge.token', money(product.currency).info.symbol),
  );
}

export function sellerLink(address) {
  return h('a.seller-link', { href: `#/seller/${address}` }, shortAddress(address));
}

export function needWallet(render, what) {
  return render(
    h(
      'div.empty',
      h('h2', `Connect a wallet to see ${what}`),
      h('p', 'Browsing the shop needs no wallet; your orders and sales belong to your address.'),
      h('button.btn', { type: 'button', onclick: () => import('../app.js').then((m) => m.openWalletDialog()) }, 'Connect wallet'),
    ),
  );
}

export function skeletonGrid(count = 8) {
  return h(
    'div.grid',
    { 'aria-busy': 'true' },
    Array.from({ length: count }, () => h('div.card.skeleton', h('div.media'), h('div.card-body', h('span.line'), h('span.line.short')))),
  );
}
