// The shop page: boot (config, deployment check), the shell (header, banners, wallet), and the hash router.
import { isAddress } from 'viem';
import { parseConfig } from './config.js';
import { Reader, abi, isZeroAddress } from './chain.js';
import { Documents } from './docs.js';
import { clear, h, icon } from './dom.js';
import { describeError } from './errors.js';
import { currencyInfo, formatAmount, formatDate, shortAddress } from './format.js';
import { gatewayFor } from './gateway.js';
import { swapKeepingEdits, trackEdits } from './keep.js';
import { Wallet, discoverWallets, lastWalletKey, walletChoices } from './wallet.js';
import { catalogView } from './views/catalog.js';
import { productView } from './views/product.js';
import { arbiterView, ordersView, sellerView } from './views/account.js';

const $ = (selector) => document.querySelector(selector);

export const app = {
  config: null,
  reader: null,
  docs: null,
  deployment: { status: 'checking' },
  wallet: null,
  found: [],
  walletChain: null,
  renderId: 0,
  shopName: 'Ownerless Store',
};

/** Formatting helpers for amounts in a product's currency and chain times, for views and error words. */
export function money(currency) {
  const info = currencyInfo(currency, app.reader.tokens);
  return { amount: (v) => formatAmount(v, info), time: (t) => formatDate(t), info };
}

/** Re-render the current route in place (after a transaction, a wallet change): no loading state in
 * between, so the page does not flash while it re-reads the chain. */
export function refresh() {
  route(true);
}

export function banner(kind, title, text, action) {
  const box = $('#banners');
  box.querySelector(`[data-kind="${kind}"]`)?.remove();
  if (!title) return;
  box.append(
    h('div.banner', { dataset: { kind }, role: 'alert' }, h('div', h('strong', title), h('p', text)), action ?? null),
  );
}

/** True when writes may be offered: the contract is the one the page was built for. */
export function canTransact() {
  return app.deployment.status === 'ok';
}

/** Make sure a wallet is connected and on the store's chain; opens the wallet list when none is. */
export async function readyWallet() {
  if (!app.wallet?.account) {
    openWalletDialog();
    return null;
  }
  try {
    await app.wallet.ensureChain();
  } catch (error) {
    const said = describeError(error, []);
    banner('chain', 'Wrong network', `Your wallet stays on another network: ${said.message}`);
    return null;
  }
  await updateWalletChain();
  return app.wallet;
}

// --- boot -----------------------------------------------------------------------------------------

async function boot() {
  discoverWallets((found) => {
    app.found = found;
    renderWalletDialog();
    resumeWallet();
  });
  let raw;
  try {
    const response = await fetch('./config.json', { cache: 'no-cache' });
    if (!response.ok) throw new Error(`config.json could not be loaded (HTTP ${response.status}): the page was published without it`);
    try {
      raw = JSON.parse(await response.text());
    } catch (error) {
      throw new Error(`config.json is not valid JSON (${error.message})`, { cause: error });
    }
    app.config = parseConfig(raw, location.search);
  } catch (error) {
    fatal('This page has no valid store configuration.', String(error.message ?? error));
    return;
  }
  app.reader = new Reader(app.config);
  app.docs = new Documents(gatewayFor(location));
  renderFooter();
  window.addEventListener('hashchange', () => route());
  trackEdits($('#view'));
  // The deployment check rides in the same JSON-RPC batch as the first view's reads.
  app.checked = app.reader.checkDeployment().then(
    (result) => {
      app.deployment = result.ok ? { status: 'ok' } : { status: 'bad', reason: result.reason };
      if (!result.ok) {
        banner('deployment', 'This store cannot be trusted on this network', `${result.reason} Purchases are disabled.`);
      }
      renderFooter();
      return app.deployment;
    },
    (error) => {
      app.deployment = { status: 'down', reason: describeError(error, []).message };
      nodeDown();
      return app.deployment;
    },
  );
  renderWallet();
  route();
  resumeWallet();
  if (app.config.sellerDocument) loadStorefront();
}

export function nodeDown() {
  banner(
    'rpc',
    'The store is unreachable',
    `The Ethereum node at ${app.config.rpcUrl} does not answer, or what answers there is not an Ethereum node, so products and orders cannot be shown. ` +
      'Check your connection and reload, or open this page with ?rpc= pointing at another node.',
    h('button.btn.secondary', { type: 'button', onclick: () => location.reload() }, 'Try again'),
  );
}

function fatal(title, text) {
  banner('config', title, text);
  clear($('#view'));
}

async function loadStorefront() {
  const doc = await app.docs.loadCid(app.config.sellerDocument, 'ownerless-store/seller@1');
  if (doc.status === 'ok' && doc.data.name) {
    app.storefront = doc.data;
    app.shopName = doc.data.name;
    $('#shop-name').textContent = doc.data.name;
    document.title = doc.data.name;
    if ((location.hash || '#/') === '#/') route();
  }
}

// --- router ---------------------------------------------------------------------------------------

const MAX_UINT256 = 2n ** 256n - 1n;

// A link a person typed or pasted: one that is nearly right says what is wrong with it.
const ROUTES = [
  [/^#?\/?$/, () => catalogView(app.config.seller)],
  [/^#\/product\/(\d+)$/, (m) => (BigInt(m[1]) <= MAX_UINT256 ? productView(BigInt(m[1])) : notFound(`There is no product #${m[1]}.`))],
  [/^#\/product\/(.*)$/, (m) => notFound(`“${decode(m[1])}” is not a product number: product links end in a number, like #/product/3.`)],
  [/^#\/orders$/, () => ordersView()],
  [/^#\/sell$/, () => sellerView()],
  [
    /^#\/seller\/(0x[0-9a-fA-F]{40})$/,
    (m) => (isAddress(m[1]) ? catalogView(m[1]) : notFound(`${m[1]} fails its checksum (its mix of upper and lower case): check the address for a typo.`)),
  ],
  [/^#\/seller\/(.*)$/, (m) => notFound(`“${decode(m[1])}” is not a seller address: seller links end in a 0x address of 40 hex digits.`)],
  [/^#\/arbiter$/, () => arbiterView()],
];

function decode(text) {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** A view that only says what is wrong with the link. */
function notFound(reason) {
  return async (render) => render(h('div.empty', { dataset: { problem: 'route' } }, h('h2', 'Page not found'), h('p', reason), h('p', h('a', { href: '#/' }, 'Back to the shop'))));
}

async function route(quiet = false) {
  const id = ++app.renderId;
  const hash = location.hash;
  for (const link of document.querySelectorAll('#nav a')) {
    link.classList.toggle('active', link.getAttribute('href') === (hash || '#/'));
  }
  for (const [pattern, view] of ROUTES) {
    const match = pattern.exec(hash);
    if (!match) continue;
    const render = (...children) => {
      if (id !== app.renderId) return false;
      const view = $('#view');
      // Re-reading the same route must not wipe what the user is typing in it.
      if (view.dataset.route === hash) swapKeepingEdits(view, () => clear(view, ...children));
      else clear(view, ...children);
      view.dataset.route = hash;
      return true;
    };
    render.loading = (...children) => quiet || render(...children);
    document.body.dataset.busy = 'true'; // tests wait for a settled view; so could a spinner
    try {
      await view(match)(render, () => id === app.renderId);
    } catch (error) {
      if (id !== app.renderId) return;
      const said = describeError(error, abi); // a view that reverts (no such product) says so by name
      if (said.kind === 'network') nodeDown();
      render(h('div.empty', h('h2', said.kind === 'network' ? 'The store is unreachable' : said.title), h('p', said.message)));
    } finally {
      if (id === app.renderId) delete document.body.dataset.busy;
    }
    return;
  }
  clear($('#view'), h('div.empty', h('h2', 'Page not found'), h('p', h('a', { href: '#/' }, 'Back to the shop'))));
}

// --- wallet ---------------------------------------------------------------------------------------

async function resumeWallet() {
  const key = lastWalletKey();
  if (!key || app.wallet || !app.config) return;
  if (key === 'burner' && app.config.local) return useBurner(false);
  const entry = walletChoices(app.found).find((w) => (w.info.rdns ?? w.info.uuid) === key);
  if (!entry) return;
  const wallet = new Wallet(entry, app.reader.chain);
  try {
    if (await wallet.resume()) setWallet(wallet);
  } catch {
    /* the wallet forgot us: stay disconnected */
  }
}

function setWallet(wallet) {
  app.wallet = wallet;
  wallet.onChange(() => {
    renderWallet();
    updateWalletChain();
    refresh();
  });
  renderWallet();
  updateWalletChain();
  refresh();
}

async function updateWalletChain() {
  if (!app.wallet?.account) return banner('chain');
  try {
    app.walletChain = await app.wallet.chainId();
  } catch {
    return;
  }
  if (app.walletChain === app.config.chainId) return banner('chain');
  banner(
    'chain',
    'Your wallet is on another network',
    `It is on chain ${app.walletChain}; this store is on ${app.config.chainName} (chain ${app.config.chainId}).`,
    h('button.btn', { type: 'button', onclick: () => readyWallet() }, `Switch to ${app.config.chainName}`),
  );
}

async function connectEntry(entry) {
  const wallet = new Wallet(entry, app.reader.chain);
  try {
    await wallet.connect();
  } catch (error) {
    const said = describeError(error, []);
    walletNote(said.kind === 'rejected' ? 'You declined the connection in your wallet. You can keep browsing.' : said.message);
    return;
  }
  $('#wallet-dialog').close();
  setWallet(wallet);
}

async function useBurner(fromClick = true) {
  // BURNER_MODULE: the burner's own bundle, named by build.mjs (loaded only on local chains).
  const { createBurner } = await import(BURNER_MODULE);
  const burner = createBurner(app.config, app.reader.chain, app.reader);
  localStorage.setItem('ownerless-store:wallet', 'burner');
  if (fromClick) $('#wallet-dialog').close();
  setWallet(burner);
}

function walletNote(text) {
  const note = $('#wallet-dialog .dialog-note');
  if (note) note.textContent = text;
}

export function openWalletDialog() {
  renderWalletDialog();
  const dialog = $('#wallet-dialog');
  if (!dialog.open) dialog.showModal();
}

function renderWalletDialog() {
  const dialog = $('#wallet-dialog');
  if (!dialog || !app.config) return;
  const choices = walletChoices(app.found);
  clear(
    dialog,
    h('header.dialog-head', h('h2', 'Connect a wallet'), h('button.icon-btn', { type: 'button', 'aria-label': 'Close', onclick: () => dialog.close() }, '×')),
    choices.length
      ? h(
          'ul.wallet-list',
          choices.map((entry) =>
            h(
              'li',
              h(
                'button.wallet-choice',
                { type: 'button', onclick: () => connectEntry(entry) },
                entry.info.icon ? h('img', { src: entry.info.icon, alt: '', width: 28, height: 28 }) : h('span.wallet-dot', icon('wallet', 18)),
                h('span', entry.info.name),
              ),
            ),
          ),
        )
      : h('p.muted', 'No browser wallet found. You can still browse everything; to buy, install a wallet extension.'),
    app.config.local
      ? h(
          'div.burner-offer',
          h('button.wallet-choice', { type: 'button', onclick: () => useBurner(true) }, h('span.wallet-dot.burner', icon('flame', 18)), h('span', 'Burner wallet')),
          h('p.muted.small', 'For local testing only: a throwaway key kept in this browser. Never send real funds to it.'),
        )
      : null,
    h('p.dialog-note.small'),
  );
}

function renderWallet() {
  const slot = $('#wallet-slot');
  const wallet = app.wallet;
  if (!wallet?.account) {
    clear(slot, h('button.btn.connect', { type: 'button', onclick: openWalletDialog }, 'Connect wallet'));
    return;
  }
  const menu = h(
    'div.wallet-menu',
    { hidden: true },
    h('p.small.muted', wallet.name),
    h('p.mono', wallet.account),
    wallet.burner ? h('p.small.warn-text', 'Local testing only. The key lives in this browser.') : null,
    wallet.burner ? h('p.small', { id: 'burner-balance' }, '…') : null,
    wallet.burner
      ? h('button.btn.secondary', { type: 'button', onclick: (e) => fundBurner(e.currentTarget) }, 'Get test funds')
      : null,
    h(
      'button.btn.ghost',
      {
        type: 'button',
        onclick: () => {
          wallet.disconnect();
          app.wallet = null;
          renderWallet();
          banner('chain');
          refresh();
        },
      },
      'Disconnect',
    ),
  );
  const chip = h(
    'button.wallet-chip',
    {
      type: 'button',
      'aria-haspopup': 'true',
      onclick: () => {
        menu.hidden = !menu.hidden;
        if (!menu.hidden && wallet.burner) showBurnerBalance(wallet);
      },
    },
    h('span.dot'),
    wallet.burner ? 'Burner ' : '',
    shortAddress(wallet.account),
  );
  clear(slot, h('div.wallet-box', chip, menu));
}

async function showBurnerBalance(wallet) {
  const el = $('#burner-balance');
  try {
    el.textContent = `Balance: ${formatAmount(await wallet.balance(), { symbol: 'ETH', decimals: 18 })}`;
  } catch {
    el.textContent = 'Balance unavailable';
  }
}

async function fundBurner(button) {
  button.disabled = true;
  button.textContent = 'Funding…';
  try {
    const got = await app.wallet.fund();
    button.textContent = `Funded: ${got.join(', ')}`;
    showBurnerBalance(app.wallet);
  } catch (error) {
    button.textContent = describeError(error, []).message.slice(0, 80);
  }
}

// --- footer ---------------------------------------------------------------------------------------

function renderFooter() {
  const c = app.config;
  const status = { ok: 'contract verified', bad: 'contract NOT verified', down: 'node unreachable', checking: 'checking contract…' }[
    app.deployment.status
  ];
  clear(
    $('#footer'),
    h('p', 'No account needed to browse. Payments go to the contract, which has no owner: nobody can pause it or take a cut.'),
    h(
      'p.small.muted',
      `Store contract ${c.address} on ${c.chainName} (chain ${c.chainId}) · `,
      h('span', { dataset: { deployment: app.deployment.status } }, status),
      c.rpcOverridden ? ` · RPC ${c.rpcUrl}` : '',
    ),
  );
}

export { isZeroAddress };
boot();
