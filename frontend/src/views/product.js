// A product (`#/product/ID`): pictures, description, price, what protects the buyer, Buy, and reviews.
import { domainSeparator } from 'viem';
import { app, canTransact, money, readyWallet, refresh } from '../app.js';
import { isZeroAddress, permitAbi } from '../chain.js';
import { h, icon, stars } from '../dom.js';
import { formatDate, formatDuration, parseQuantity, shortAddress } from '../format.js';
import { refuse, runSteps } from '../tx.js';
import { badges, priceText, productDoc, ratingLine, sellerLink, stockText } from './common.js';

const REVIEW_SCHEMA = 'ownerless-store/review@1';
const chosen = new Map(); // product id -> quantity the shopper picked
// Why a product document was not shown (docs.js reasons), in words.
const DOC_PROBLEMS = {
  'content does not match its digest': 'the document the gateway returned does not match what the seller published on chain',
  'not JSON': 'the document the seller published is not valid JSON',
  'document too large': 'the document the seller published is larger than 1 MiB',
  'unexpected document type': 'the document the seller published is not a product description',
  'fields of the wrong type': 'the document the seller published has fields of the wrong type',
  'not a raw document': 'the document is not stored as a single file the page can check',
};

export function productView(id) {
  return async (render, current) => {
    render.loading(h('div.product.skeleton', h('div.gallery', h('div.media.big')), h('div.info', h('span.line'), h('span.line.short'))));
    const [deployment, product] = await Promise.all([app.checked, app.reader.product(id)]);
    if (deployment.status === 'bad') {
      render(h('div.empty', h('h2', 'Shop closed on this network'), h('p', deployment.reason)));
      return;
    }
    await app.reader.loadTokens([product.currency]);
    const doc = await productDoc(product);
    if (!current()) return;
    const name = doc.status === 'ok' ? doc.data.name : `Product #${product.id}`;
    document.title = `${name} · ${app.shopName}`;
    render(
      h('nav.crumbs.small', h('a', { href: '#/' }, app.shopName), ' / ', h('span', name)),
      h(
        'article.product',
        { dataset: { product: product.id, doc: doc.status } },
        gallery(doc, name),
        h(
          'div.info',
          h('h1.name', name),
          doc.status === 'unavailable'
            ? h('p.doc-warning', `The description of this product is unavailable: ${DOC_PROBLEMS[doc.reason] ?? doc.reason}.`)
            : null,
          h('p.small.muted', 'Sold by ', sellerLink(product.seller), ' · ', ratingLine(product)),
          h('div.price.big', priceText(product)),
          badges(product),
          buyBox(product),
          protection(product),
        ),
      ),
      doc.status === 'ok' && doc.data.description
        ? h('section.description', h('h2', 'About this item'), h('p.prose', doc.data.description))
        : null,
      reviewsSection(product, current),
    );
  };
}

function gallery(doc, name) {
  const images = doc.status === 'ok' ? doc.data.images : [];
  const main = h('div.media.big', h('span.media-fallback', icon('shop', 48)));
  const show = (cid) => {
    main.querySelector('img')?.remove();
    const img = h('img', { src: app.docs.imageUrl(cid), alt: name });
    img.addEventListener('load', () => main.classList.add('loaded'));
    main.append(img);
    if (img.complete && img.naturalWidth) main.classList.add('loaded');
  };
  if (images[0]) show(images[0]);
  return h(
    'div.gallery',
    main,
    images.length > 1
      ? h(
          'div.thumbs',
          images.map((cid, i) =>
            h('button.thumb', { type: 'button', 'aria-label': `Picture ${i + 1}`, onclick: () => show(cid) }, h('img', { src: app.docs.imageUrl(cid), alt: '' })),
          ),
        )
      : null,
  );
}

function protection(product) {
  const escrow = Number(product.escrowWindow) > 0;
  const items = escrow
    ? [
        ['box', `The seller ships within ${formatDuration(product.handlingTime)}. If not, you can cancel for a full refund.`],
        ['shield', `Your payment waits in escrow. After shipping you have ${formatDuration(product.escrowWindow)} to confirm receipt or open a dispute.`],
        isZeroAddress(product.arbiter)
          ? ['scale', 'No arbiter: a disputed order stays frozen until the seller refunds you or you withdraw the dispute. Neither side gains by a false claim.']
          : ['scale', h('span', 'Disputes are decided by ', h('span.mono.addr', { title: product.arbiter }, shortAddress(product.arbiter)), ', who can split the amount between you and the seller but never receives any of it.')],
      ]
    : [['bolt', 'Paid directly to the seller when you buy: there is no escrow, so no refund through the store.']];
  return h('section.protection', h('h2', escrow ? 'Buyer protection' : 'Payment'), h('ul', items.map(([kind, text]) => h('li', h('span.icon', icon(kind, 20)), h('span', text)))));
}

function buyBox(product) {
  const stock = Number(product.stock);
  const fmt = money(product.currency);
  // The chosen quantity survives a re-render (after a wallet connects or a transaction confirms).
  const quantity = h('input.qty', { type: 'number', min: 1, max: Math.max(1, stock), step: 1, value: chosen.get(product.id) ?? 1, inputMode: 'numeric', 'aria-label': 'Quantity' });
  const total = h('span.total');
  const problem = h('p.small.warn-text.qty-error', { role: 'alert' });
  // What was typed is what is bought: a quantity that is not a whole number from 1 to the stock is
  // refused in words, never rounded or clamped into another purchase.
  const check = () => {
    const q = parseQuantity(quantity.value, stock);
    problem.textContent = q.error ?? '';
    problem.hidden = q.error === undefined; // no gap in the buy box while there is nothing to say
    total.textContent = q.error === undefined && q.value > 1 ? `Total ${fmt.amount(product.price * BigInt(q.value))}` : '';
    if (q.error === undefined) chosen.set(product.id, q.value);
    return q;
  };
  quantity.addEventListener('input', check);
  check();
  const available = product.listed && stock > 0;
  // A currency the page could not read as a token (a contract that is not one): its amounts mean nothing.
  const payable = !fmt.info.unknown;
  const buy = h(
    'button.btn.buy',
    {
      type: 'button',
      disabled: !available || !payable || !canTransact(),
      onclick: () => {
        const q = check();
        if (q.error === undefined) purchase(product, q.value);
      },
    },
    available ? 'Buy now' : 'Sold out',
  );
  return h(
    'div.buybox',
    h('div.row', stockText(product), total),
    available ? h('div.row', h('label.qty-label', 'Quantity ', quantity), buy) : h('div.row', buy),
    problem,
    !payable
      ? h('p.small.warn-text.currency-error', { role: 'alert' }, `This product is priced in ${product.currency}, which is not a token this page can read: it cannot be bought here.`)
      : canTransact()
        ? h('p.small.muted', app.wallet?.account ? '' : 'You will be asked to connect a wallet.')
        : h('p.small.warn-text', 'Purchases are disabled: see the notice above.'),
  );
}

async function purchase(product, quantity) {
  const wallet = await readyWallet();
  if (!wallet) return;
  const amount = product.price * BigInt(quantity);
  const fmt = money(product.currency);
  // The purchase names the terms the buyer saw: currency, unit price and terms version.
  const terms = [product.id, BigInt(quantity), product.currency, product.price, product.termsVersion];
  const title = `Buy ${quantity} × ${fmt.amount(product.price)}`;
  const common = { wallet, reader: app.reader, format: fmt, onDone: refresh };
  if (isZeroAddress(product.currency)) {
    await runSteps({ ...common, title, steps: [{ label: `Pay ${fmt.amount(amount)}`, request: () => ({ functionName: 'buy', args: terms, value: amount }) }] });
    return;
  }
  const owner = wallet.account;
  const [balance, allowance, permit] = await Promise.all([
    app.reader.balanceOf(product.currency, owner),
    app.reader.view({ address: product.currency, abi: erc20Allowance, functionName: 'allowance', args: [owner, app.config.address] }),
    permitDomain(product.currency, owner),
  ]);
  if (balance < amount) {
    // Said before any signature: a permit and a doomed purchase would only cost the buyer a prompt.
    const topUp = wallet.burner ? ' Get test funds from the wallet menu, then try again.' : '';
    refuse(title, `Pay ${fmt.amount(amount)}`, `You have ${fmt.amount(balance)}; this costs ${fmt.amount(amount)}. Nothing was sent.${topUp}`);
    return;
  }
  if (allowance >= amount) {
    await runSteps({ ...common, title, steps: [{ label: `Pay ${fmt.amount(amount)}`, request: () => ({ functionName: 'buy', args: terms }) }] });
  } else if (permit) {
    const deadline = BigInt((await app.reader.now()) + 3600);
    await runSteps({
      ...common,
      title,
      steps: [
        {
          label: `Sign a permit for ${fmt.amount(amount)} (no transaction, no gas)`,
          key: 'signature',
          send: () =>
            wallet.signTypedData({
              domain: permit.domain,
              types: PERMIT_TYPES,
              primaryType: 'Permit',
              message: { owner, spender: app.config.address, value: amount, nonce: permit.nonce, deadline },
            }),
        },
        {
          label: `Pay ${fmt.amount(amount)}`,
          request: (ctx) => ({ functionName: 'buyWithPermit', args: [...terms, deadline, ...splitSignature(ctx.signature)] }),
        },
      ],
    });
  } else {
    await runSteps({
      ...common,
      title,
      steps: [
        { label: `Allow the store to take ${fmt.amount(amount)}`, target: { address: product.currency, abi: erc20Allowance }, request: () => ({ functionName: 'approve', args: [app.config.address, amount] }) },
        { label: `Pay ${fmt.amount(amount)}`, request: () => ({ functionName: 'buy', args: terms }) },
      ],
    });
  }
}

const PERMIT_TYPES = {
  Permit: [
    { name: 'owner', type: 'address' },
    { name: 'spender', type: 'address' },
    { name: 'value', type: 'uint256' },
    { name: 'nonce', type: 'uint256' },
    { name: 'deadline', type: 'uint256' },
  ],
};

const fn = (name, inputs, outputs, stateMutability) => ({ type: 'function', name, inputs, outputs, stateMutability });
const erc20Allowance = [
  fn('allowance', [{ type: 'address', name: 'owner' }, { type: 'address', name: 'spender' }], [{ type: 'uint256', name: '' }], 'view'),
  fn('approve', [{ type: 'address', name: 'spender' }, { type: 'uint256', name: 'value' }], [{ type: 'bool', name: '' }], 'nonpayable'),
];

/** The token's EIP-712 domain and the owner's nonce when it supports permit (EIP-2612), else null. */
async function permitDomain(token, owner) {
  const read = (functionName, args) => app.reader.view({ address: token, abi: permitAbi, functionName, args });
  try {
    const [nonce, separator] = await Promise.all([read('nonces', [owner]), read('DOMAIN_SEPARATOR')]);
    let domain;
    try {
      const [, name, version, chainId, verifyingContract] = await read('eip712Domain');
      domain = { name, version, chainId: Number(chainId), verifyingContract };
    } catch {
      domain = { name: await read('name'), version: '1', chainId: app.config.chainId, verifyingContract: token };
    }
    return domainSeparator({ domain }).toLowerCase() === separator.toLowerCase() ? { domain, nonce } : null;
  } catch {
    return null;
  }
}

/** A 65-byte signature as (v, r, s); v is 27 or 28. */
export function splitSignature(signature) {
  const hex = signature.slice(2);
  let v = parseInt(hex.slice(128, 130), 16);
  if (v < 27) v += 27;
  return [v, `0x${hex.slice(0, 64)}`, `0x${hex.slice(64, 128)}`];
}

// --- reviews -------------------------------------------------------------------------------------

function reviewsSection(product, current) {
  const list = h('div.reviews-list', h('p.muted', 'Loading reviews…'));
  const section = h('section.reviews', h('h2', 'Reviews ', h('span.muted.small', ratingLine(product))), list);
  if (Number(product.ratingCount) === 0) {
    list.replaceChildren(h('p.muted', 'No reviews yet. Buyers can review an order once it is completed.'));
    return section;
  }
  loadReviews(product).then((items) => {
    if (!current()) return;
    list.replaceChildren(...items);
  }, () => list.replaceChildren(h('p.muted', 'Reviews could not be loaded.')));
  return section;
}

async function loadReviews(product) {
  const fmt = money(product.currency);
  const [logs, orders] = await Promise.all([
    app.reader.logs('Reviewed', { productId: product.id }),
    app.reader.orders(product.id, product.orderCount),
  ]);
  const byNo = new Map(orders.map((o) => [o.orderNo, o]));
  return Promise.all(
    logs.reverse().map(async (log) => {
      const { reviewer, orderNo, rating, reviewDigest, reviewCodec } = log.args;
      const order = byNo.get(orderNo);
      const doc = await app.docs.load(reviewDigest, reviewCodec, REVIEW_SCHEMA);
      const text =
        doc.status === 'ok'
          ? h('p.prose', doc.data.text || '(no text)')
          : h('p.muted.small', doc.status === 'none' ? '(no text)' : 'Review text unavailable (the document does not match its digest or is not on IPFS yet).');
      return h(
        'article.review',
        { dataset: { order: String(orderNo), doc: doc.status } },
        h('div.review-head', stars(rating), h('span.small.muted', shortAddress(reviewer))),
        text,
        order
          ? h('p.small.paid', `Verified purchase · paid ${fmt.amount(order.amount)}`, order.quantity > 1n ? ` for ${order.quantity}` : '', order.placedAt > 0n ? ` · ${formatDate(order.placedAt)}` : '')
          : null,
      );
    }),
  );
}
