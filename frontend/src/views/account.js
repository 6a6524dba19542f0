// The connected account's side of the store: My orders (`#/orders`), Seller (`#/sell`) and Arbiter
// (`#/arbiter`). Each lists what the account can act on, with only the actions the contract would accept.
import { app, money, readyWallet, refresh } from '../app.js';
import { ZERO_ADDRESS, isZeroAddress } from '../chain.js';
import { digestToCid } from '../cid.js';
import { reviewDocument, sha256Hex } from '../docs.js';
import { h } from '../dom.js';
import { formatDate, formatDeadline, parseUnits, shortAddress } from '../format.js';
import { STATE, allowedActions, stateLabel, stateTone } from '../orders.js';
import { runSteps } from '../tx.js';
import { imageBox, needWallet, productName, sellerLink, stockText } from './common.js';

const MAX_PRICE = 2n ** 96n - 1n; // the contract stores prices as uint96 and stock as uint32
const MAX_STOCK = 2n ** 32n - 1n;

const ACTION_LABELS = {
  confirm: 'Confirm receipt',
  dispute: 'Open a dispute',
  cancel: 'Cancel for a full refund',
  review: 'Write a review',
  ship: 'Mark shipped',
  refund: 'Refund buyer',
  release: 'Release payment',
  resolve: 'Settle dispute',
};

function act(title, product, steps) {
  return (async () => {
    const wallet = await readyWallet();
    if (!wallet) return false;
    return runSteps({ title, wallet, reader: app.reader, steps, format: money(product.currency), onDone: refresh });
  })();
}

/** A button's words: confirming a disputed order withdraws the dispute and pays the seller. */
function actionLabel(action, order) {
  if (action === 'confirm' && Number(order.state) === STATE.Disputed) return 'Withdraw dispute and pay seller';
  return ACTION_LABELS[action];
}

const call = (functionName, args) => [{ label: ACTION_LABELS[functionName] ?? functionName, request: () => ({ functionName, args }) }];

function stateBadge(state) {
  return h(`span.state.${stateTone(state)}`, { dataset: { state: String(state) } }, stateLabel(state));
}

/** What an order's state means for whoever looks at it, in one sentence. */
function stateNote(order, product, now, role) {
  const s = Number(order.state);
  const deadline = Number(order.deadline);
  if (s === STATE.Paid) {
    return now >= deadline
      ? `Not shipped by the handling deadline (${formatDate(deadline)}): ${role === 'buyer' ? 'you may cancel for a full refund' : 'the buyer may cancel'}.`
      : `To be shipped by ${formatDate(deadline)} (${formatDeadline(deadline, now)}).`;
  }
  if (s === STATE.Shipped) {
    return now < deadline
      ? `Shipped. ${role === 'buyer' ? 'Confirm when it arrives, or dispute' : 'The buyer can confirm or dispute'} until ${formatDate(deadline)}.`
      : 'Shipped; the dispute window has closed, so anyone may release the payment to the seller.';
  }
  if (s === STATE.Disputed) {
    return isZeroAddress(product.arbiter)
      ? 'Disputed. No arbiter: the payment stays frozen until the seller refunds or the buyer withdraws the dispute.'
      : `Disputed. The arbiter ${shortAddress(product.arbiter)} will split the payment.`;
  }
  if (s === STATE.Completed) return role === 'buyer' ? 'Completed. You can leave a review.' : 'Completed: the seller was paid.';
  if (s === STATE.Refunded) return 'Refunded in full to the buyer.';
  if (s === STATE.Cancelled) return 'Cancelled by the buyer: refunded in full.';
  if (s === STATE.Resolved) return 'Settled by the arbiter.';
  if (s === STATE.Reviewed) return 'Completed and reviewed.';
  return '';
}

// --- My orders ------------------------------------------------------------------------------------

export function ordersView() {
  return async (render, current) => {
    const account = app.wallet?.account;
    if (!account) return needWallet(render, 'your orders');
    render.loading(h('h1', 'My orders'), h('p.muted', 'Loading your orders…'));
    await app.checked;
    const logs = await app.reader.logs('Purchased', { buyer: account });
    const refs = logs.map((l) => [l.args.productId, l.args.orderNo]);
    const productIds = [...new Set(refs.map(([p]) => p))];
    const [orders, products, now] = await Promise.all([
      Promise.all(refs.map(([p, o]) => app.reader.order(p, o))),
      Promise.all(productIds.map((id) => app.reader.product(id))),
      app.reader.now(),
    ]);
    const byId = new Map(products.map((p) => [p.id, p]));
    await app.reader.loadTokens(products.map((p) => p.currency));
    const balances = await balancesFor(account, products);
    if (!current()) return;
    orders.reverse();
    render(
      h('h1', 'My orders'),
      balancesPanel(balances, 'Refunds and settlements credited to you'),
      orders.length
        ? h('div.orders', orders.map((o) => orderCard(o, byId.get(o.productId), now, 'buyer')))
        : h('div.empty', h('h2', 'No orders yet'), h('p', h('a', { href: '#/' }, 'Browse the shop'))),
    );
  };
}

// Order ref -> the form the user opened on it (a review, a split): a re-render opens it again while the
// order still allows it, and keep.js carries what was typed in it over. The stars picked are no field.
const openForms = new Map();
const pickedStars = new Map();

function orderCard(order, product, now, role, extra) {
  const fmt = money(product.currency);
  const actions = allowedActions(order, product, role, now);
  const form = h('div.order-form');
  const opened = openForms.get(`${order.productId}-${order.orderNo}`);
  if (actions.includes(opened)) onAction(opened, order, product, form);
  const buttons = actions.map((action) =>
    h(
      `button.btn.${action === 'dispute' || action === 'refund' || action === 'cancel' ? 'secondary' : 'primary'}`,
      { type: 'button', dataset: { action }, onclick: () => onAction(action, order, product, form) },
      actionLabel(action, order),
    ),
  );
  return h(
    'article.order',
    { dataset: { order: `${order.productId}-${order.orderNo}`, state: String(order.state) } },
    h('a.order-thumb', { href: `#/product/${product.id}` }, imageBox(product, 'media.small')),
    h(
      'div.order-body',
      h('div.order-head', h('a', { href: `#/product/${product.id}` }, productName(product, 'strong.name')), stateBadge(order.state)),
      h(
        'p.small.muted',
        `Order ${order.productId}-${order.orderNo} · ${order.quantity} × ${fmt.amount(order.unitPrice)} = `,
        h('strong', fmt.amount(order.amount)),
        role === 'buyer' ? [' · seller ', sellerLink(product.seller)] : [' · buyer ', h('span.mono.addr', shortAddress(order.buyer))],
      ),
      h('p.note', stateNote(order, product, now, role)),
      extra ?? null,
      buttons.length ? h('div.actions', buttons) : null,
      form,
    ),
  );
}

function onAction(action, order, product, form) {
  const ref = [order.productId, order.orderNo];
  const label = `${ACTION_LABELS[action]} · order ${order.productId}-${order.orderNo}`;
  if (action === 'review' || action === 'resolve') openForms.set(`${order.productId}-${order.orderNo}`, action);
  if (action === 'review') return form.replaceChildren(reviewForm(order, product));
  if (action === 'resolve') return form.replaceChildren(splitControl(order, product));
  if (action === 'ship') return act(label, product, [{ label: 'Mark shipped', request: () => ({ functionName: 'ship', args: [...ref, `0x${'0'.repeat(64)}`, 0] }) }]);
  return act(label, product, call(action, ref));
}

function reviewForm(order, product) {
  const ref = `${order.productId}-${order.orderNo}`;
  let rating = pickedStars.get(ref) ?? 5;
  const starButtons = [1, 2, 3, 4, 5].map((n) =>
    h('button.star', { type: 'button', 'aria-label': `${n} stars`, dataset: { n }, onclick: () => pick(n) }, '★'),
  );
  const pick = (n) => {
    rating = n;
    pickedStars.set(ref, n);
    starButtons.forEach((b, i) => b.classList.toggle('on', i < n));
  };
  pick(rating);
  const text = h('textarea', { rows: 3, maxLength: 10000, placeholder: 'How was it? (optional)', 'aria-label': 'Review text' });
  const note = h('p.small.muted');
  const submit = h('button.btn', { type: 'button' }, 'Publish review');
  submit.addEventListener('click', async () => {
    const bytes = reviewDocument(rating, text.value.trim());
    const digest = await sha256Hex(bytes);
    const cid = digestToCid(digest, 0);
    const steps = [];
    if (app.config.ipfsApi) {
      steps.push({ label: 'Put the review text on IPFS', waiting: 'uploading', doneNote: cid.slice(0, 16) + '…', send: () => publish(bytes, cid) });
    }
    steps.push({ label: `Review with ${rating} star${rating > 1 ? 's' : ''}`, request: () => ({ functionName: 'review', args: [order.productId, order.orderNo, BigInt(rating), digest, 0] }) });
    const ok = await act(`Review order ${order.productId}-${order.orderNo}`, product, steps);
    if (ok && !app.config.ipfsApi) {
      note.replaceChildren(
        'Your rating is on chain. Its text appears once this document is on IPFS: ',
        h('a', { href: URL.createObjectURL(new Blob([bytes], { type: 'application/json' })), download: `review-${cid}.json` }, 'download it'),
        ` and add it with \`ipfs add --cid-version=1\` (CID ${cid}).`,
      );
    }
  });
  return h('div.review-form', h('div.star-pick', starButtons), text, h('div.actions', submit), note);
}

async function publish(bytes, cid) {
  const body = new FormData();
  body.append('file', new Blob([bytes]), 'review.json');
  const response = await fetch(`${app.config.ipfsApi}/api/v0/add?cid-version=1&raw-leaves=true&pin=true`, { method: 'POST', body });
  if (!response.ok) throw new Error(`The IPFS node refused the upload (${response.status}).`);
  const added = await response.json();
  if (added.Hash !== cid) throw new Error(`The IPFS node stored the review under ${added.Hash}, not ${cid}.`);
  return cid;
}

function splitControl(order, product) {
  const fmt = money(product.currency);
  const info = fmt.info;
  const amount = order.amount;
  const slider = h('input.split-range', { type: 'range', min: 0, max: 100, value: 50, 'aria-label': 'Buyer share in percent' });
  const buyerInput = h('input.split-amount', { type: 'text', inputMode: 'decimal', 'aria-label': `Buyer amount in ${info.symbol}` });
  const summary = h('p.small');
  let buyerAmount = 0n; // null while the typed amount is not one: Settle must not send an older one
  const show = () => {
    summary.classList.remove('warn-text');
    summary.textContent = `Buyer gets ${fmt.amount(buyerAmount)}, seller gets ${fmt.amount(amount - buyerAmount)}.`;
  };
  const fromSlider = () => {
    buyerAmount = (amount * BigInt(slider.value)) / 100n;
    buyerInput.value = fmt.amount(buyerAmount).split(' ')[0].replace(/,/g, '');
    show();
  };
  const refuse = () => {
    buyerAmount = null;
    summary.classList.add('warn-text');
    summary.textContent = `Enter an amount from 0 to ${fmt.amount(amount)}.`;
  };
  buyerInput.addEventListener('input', () => {
    try {
      const value = parseUnits(buyerInput.value, info.decimals);
      if (value > amount) throw new RangeError('too much');
      buyerAmount = value;
      slider.value = String(Number((value * 100n) / (amount || 1n)));
      show();
    } catch {
      refuse();
    }
  });
  slider.addEventListener('input', fromSlider);
  fromSlider();
  const go = h(
    'button.btn',
    {
      type: 'button',
      onclick: () => {
        if (buyerAmount === null) return refuse();
        const share = buyerAmount;
        act(`Settle order ${order.productId}-${order.orderNo}`, product, [{ label: 'Settle dispute', request: () => ({ functionName: 'resolve', args: [order.productId, order.orderNo, share] }) }]);
      },
    },
    'Settle',
  );
  return h('div.split', h('div.split-row', h('span.small', 'Seller'), slider, h('span.small', 'Buyer')), h('label.small', 'Buyer amount ', buyerInput, ` ${info.symbol}`), summary, h('div.actions', go));
}

// --- balances -------------------------------------------------------------------------------------

async function balancesFor(account, products) {
  const currencies = [...new Set([ZERO_ADDRESS, ...products.map((p) => p.currency.toLowerCase())])];
  const amounts = await Promise.all(currencies.map((c) => app.reader.withdrawable(account, c)));
  return currencies.map((currency, i) => ({ currency, amount: amounts[i] }));
}

function balancesPanel(balances, caption) {
  const due = balances.filter((b) => b.amount > 0n);
  if (due.length === 0) return null;
  return h(
    'section.balances',
    h('h2', 'Ready to withdraw'),
    h('p.small.muted', caption),
    h(
      'ul',
      due.map((b) => {
        const fmt = money(b.currency);
        return h(
          'li',
          { dataset: { currency: b.currency } },
          h('strong.amount', fmt.amount(b.amount)),
          h(
            'button.btn.secondary',
            {
              type: 'button',
              dataset: { action: 'withdraw' },
              onclick: () => act(`Withdraw ${fmt.amount(b.amount)}`, { currency: b.currency }, [{ label: `Withdraw ${fmt.amount(b.amount)}`, request: () => ({ functionName: 'withdraw', args: [b.currency, app.wallet.account] }) }]),
            },
            'Withdraw',
          ),
        );
      }),
    ),
  );
}

// --- Seller ---------------------------------------------------------------------------------------

export function sellerView() {
  return async (render, current) => {
    const account = app.wallet?.account;
    if (!account) return needWallet(render, 'your shop');
    render.loading(h('h1', 'Your shop'), h('p.muted', 'Loading your products…'));
    await app.checked;
    const all = await app.reader.products();
    const mine = all.filter((p) => p.seller.toLowerCase() === account.toLowerCase());
    await app.reader.loadTokens(mine.map((p) => p.currency));
    const [ordersPer, balances, now] = await Promise.all([
      Promise.all(mine.map((p) => (p.orderCount > 0n ? app.reader.orders(p.id, p.orderCount) : []))),
      balancesFor(account, mine),
      app.reader.now(),
    ]);
    if (!current()) return;
    const open = [];
    mine.forEach((p, i) => {
      for (const o of ordersPer[i]) if ([STATE.Paid, STATE.Shipped, STATE.Disputed].includes(Number(o.state))) open.push([o, p]);
    });
    // Orders to ship first, the nearest handling deadline on top.
    open.sort(([a], [b]) => Number(a.state) - Number(b.state) || Number(a.deadline) - Number(b.deadline));
    render(
      h('h1', 'Your shop'),
      h('p.muted.small', 'Listing a new product stays in the command line (', h('code', 'dapp list-product'), '): it needs an IPFS node to publish the pictures.'),
      balancesPanel(balances, 'Payments for completed orders'),
      h('section', h('h2', `Orders to handle (${open.length})`), open.length ? h('div.orders', open.map(([o, p]) => orderCard(o, p, now, 'seller'))) : h('p.muted', 'Nothing to ship or settle.')),
      h('section', h('h2', `Products (${mine.length})`), mine.length ? h('div.seller-products', mine.map(productRow)) : h('p.muted', 'You have not listed anything yet.')),
    );
  };
}

function productRow(product) {
  const fmt = money(product.currency);
  const price = h('input', { type: 'text', inputMode: 'decimal', value: fmt.amount(product.price).split(' ')[0].replace(/,/g, ''), 'aria-label': 'New price' });
  const stock = h('input', { type: 'number', min: 0, value: String(product.stock), 'aria-label': 'New stock' });
  const error = h('p.small.warn-text');
  const savePrice = () => {
    let value;
    try {
      value = parseUnits(price.value, fmt.info.decimals);
    } catch (e) {
      error.textContent = `Price: ${e.message}`;
      return;
    }
    // The contract's limits, said before the wallet is asked (a uint96 price, never zero).
    if (value === 0n || value > MAX_PRICE) {
      error.textContent = value === 0n ? 'Price: must be more than 0' : `Price: at most ${fmt.amount(MAX_PRICE)}`;
      return;
    }
    error.textContent = '';
    act(`New price ${fmt.amount(value)}`, product, [{ label: `Set price to ${fmt.amount(value)}`, request: () => ({ functionName: 'setPrice', args: [product.id, value] }) }]);
  };
  const saveStock = () => {
    if (!/^\d+$/.test(stock.value.trim())) {
      error.textContent = 'Stock: a whole number';
      return;
    }
    if (BigInt(stock.value.trim()) > MAX_STOCK) {
      error.textContent = `Stock: at most ${MAX_STOCK}`;
      return;
    }
    error.textContent = '';
    const units = BigInt(stock.value.trim());
    act(`Stock ${units}`, product, [{ label: `Set stock to ${units}`, request: () => ({ functionName: 'setStock', args: [product.id, units] }) }]);
  };
  return h(
    'article.seller-product',
    { dataset: { product: String(product.id) } },
    h('a.order-thumb', { href: `#/product/${product.id}` }, imageBox(product, 'media.small')),
    h(
      'div.order-body',
      h('div.order-head', productName(product, 'strong.name'), product.listed ? stockText(product) : h('span.stock.off', 'Delisted')),
      h('p.small.muted', `#${product.id} · ${product.orderCount} order${product.orderCount === 1n ? '' : 's'}`),
      product.listed
        ? h(
            'div.edit-row',
            h('label.small', 'Price ', price, ` ${fmt.info.symbol} `, h('button.btn.secondary', { type: 'button', dataset: { action: 'set-price' }, onclick: savePrice }, 'Save')),
            h('label.small', 'Stock ', stock, ' ', h('button.btn.secondary', { type: 'button', dataset: { action: 'set-stock' }, onclick: saveStock }, 'Save')),
          )
        : null,
      error,
    ),
  );
}

// --- Arbiter --------------------------------------------------------------------------------------

export function arbiterView() {
  return async (render, current) => {
    const account = app.wallet?.account;
    if (!account) return needWallet(render, 'the disputes you settle');
    render.loading(h('h1', 'Disputes to settle'), h('p.muted', 'Loading…'));
    await app.checked;
    const all = await app.reader.products();
    const mine = all.filter((p) => !isZeroAddress(p.arbiter) && p.arbiter.toLowerCase() === account.toLowerCase());
    await app.reader.loadTokens(mine.map((p) => p.currency));
    const [ordersPer, now] = await Promise.all([
      Promise.all(mine.map((p) => (p.orderCount > 0n ? app.reader.orders(p.id, p.orderCount) : []))),
      app.reader.now(),
    ]);
    if (!current()) return;
    const disputed = [];
    mine.forEach((p, i) => ordersPer[i].forEach((o) => Number(o.state) === STATE.Disputed && disputed.push([o, p])));
    render(
      h('h1', 'Disputes to settle'),
      h('p.muted', `You arbitrate ${mine.length} product${mine.length === 1 ? '' : 's'}. Split each disputed payment between buyer and seller; none of it can go to you.`),
      disputed.length
        ? h('div.orders', disputed.map(([o, p]) => orderCard(o, p, now, 'arbiter')))
        : h('div.empty', h('h2', 'No open disputes'), h('p', 'Disputed orders of the products you arbitrate appear here.')),
    );
  };
}
