// The shell around the views: banners, the wallet button and menu, the wallet dialog, transaction cards,
// the footer, and the view the route names. Each part renders into its own slot of index.html, whose static
// header and layout paint before any script runs.
import { effect } from '@preact/signals';
import { render, type ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { closeWalletDialog, connectEntry, disconnect, openWalletDialog, useBurner } from './actions';
import { describeError } from './errors';
import { formatAmount, shortAddress } from './format';
import { gatewayFor, type Gateway } from './gateway';
import { learnRelease, shortCid, type Release } from './release';
import { activeLink, parseRoute, type Route } from './router';
import type { Banner, Shop, TxCard } from './state';
import { CatalogView } from './views/catalog';
import { Icon, ShopContext, setBusy, usePromise, useShop } from './views/common';
import { NotFound } from './views/error';
import { ProductView } from './views/product';
import { walletChoices, type ShopWallet } from './wallet';

export function Banners({ banners }: { banners: readonly Banner[] }) {
  return (
    <>
      {banners.map((b) => (
        <div class="banner" data-kind={b.kind} role="alert" key={b.kind}>
          <div>
            <strong>{b.title}</strong>
            <p>{b.text}</p>
          </div>
          {b.action ? (
            <button class={b.action.secondary ? 'btn secondary' : 'btn'} type="button" onClick={b.action.run}>
              {b.action.label}
            </button>
          ) : null}
        </div>
      ))}
    </>
  );
}

function ShopBanners() {
  return <Banners banners={useShop().banners.value} />;
}

// --- the view ------------------------------------------------------------------------------------

/** A view whose code is a chunk of its own (the account views): loaded on the first visit. */
function Lazy<P extends object>({ load, props }: { load: () => Promise<(p: P) => ComponentChildren>; props: P }) {
  const owner = useRef({});
  const View = usePromise(() => {
    setBusy(owner.current, true);
    return load().finally(() => setBusy(owner.current, false));
  }, []);
  useEffect(() => () => setBusy(owner.current, false), []);
  return View ? <View {...props} /> : null;
}

const loadOrders = () => import('./views/orders').then((m) => m.OrdersView);
const loadSeller = () => import('./views/seller').then((m) => m.SellerView);
const loadArbiter = () => import('./views/arbiter').then((m) => m.ArbiterView);

export function RouteView({ route }: { route: Route }) {
  const shop = useShop();
  switch (route.view) {
    case 'catalog':
      // The shop's own page (`#/`) is its seller's storefront when the page was built for one seller.
      return <CatalogView seller={route.seller ?? shop.config.seller} />;
    case 'product':
      return <ProductView id={route.id} />;
    case 'orders':
      return <Lazy load={loadOrders} props={{}} />;
    case 'sell':
      return <Lazy load={loadSeller} props={{}} />;
    case 'arbiter':
      return <Lazy load={loadArbiter} props={{}} />;
    case 'notFound':
      return <NotFound reason={route.reason} />;
  }
}

function Main() {
  const hash = useShop().hash.value;
  return <RouteView key={hash} route={parseRoute(hash)} />;
}

// --- wallet --------------------------------------------------------------------------------------

function WalletSlot() {
  const shop = useShop();
  const wallet = shop.wallet.value;
  const account = shop.account.value;
  if (!wallet || !account) {
    return (
      <button class="btn connect" type="button" onClick={() => openWalletDialog(shop)}>
        Connect wallet
      </button>
    );
  }
  return <WalletBox key={account} wallet={wallet} account={account} />;
}

function WalletBox({ wallet, account }: { wallet: ShopWallet; account: string }) {
  const shop = useShop();
  const [open, setOpen] = useState(false);
  const [balance, setBalance] = useState('…');
  const [funding, setFunding] = useState<{ busy: boolean; text: string } | null>(null);
  const showBalance = async () => {
    try {
      setBalance(`Balance: ${formatAmount((await wallet.balance?.()) ?? 0n, { symbol: 'ETH', decimals: 18 })}`);
    } catch {
      setBalance('Balance unavailable');
    }
  };
  const fund = async () => {
    setFunding({ busy: true, text: 'Funding…' });
    try {
      const got = (await wallet.fund?.()) ?? [];
      setFunding({ busy: true, text: `Funded: ${got.join(', ')}` });
      void showBalance();
    } catch (error) {
      setFunding({ busy: true, text: describeError(error, []).message.slice(0, 80) });
    }
  };
  return (
    <div class="wallet-box">
      <button
        class="wallet-chip"
        type="button"
        aria-haspopup="true"
        onClick={() => {
          setOpen(!open);
          if (!open && wallet.burner) void showBalance();
        }}
      >
        <span class="dot" />
        {wallet.burner ? 'Burner ' : ''}
        {shortAddress(account)}
      </button>
      <div class="wallet-menu" hidden={!open}>
        <p class="small muted">{wallet.name}</p>
        <p class="mono">{account}</p>
        {wallet.burner ? (
          <>
            <p class="small warn-text">Local testing only. The key lives in this browser.</p>
            <p class="small" id="burner-balance">
              {balance}
            </p>
            <button class="btn secondary" type="button" disabled={funding?.busy} onClick={fund}>
              {funding?.text ?? 'Get test funds'}
            </button>
          </>
        ) : null}
        <button class="btn ghost" type="button" onClick={() => disconnect(shop)}>
          Disconnect
        </button>
      </div>
    </div>
  );
}

function WalletDialog({ dialog }: { dialog: HTMLDialogElement }) {
  const shop = useShop();
  const { open, note } = shop.dialog.value;
  const choices = walletChoices(shop.found.value);
  useEffect(() => {
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  useEffect(() => {
    const closed = () => shop.dialog.value.open && closeWalletDialog(shop); // Escape closes it too
    dialog.addEventListener('close', closed);
    return () => dialog.removeEventListener('close', closed);
  }, []);
  return (
    <>
      <header class="dialog-head">
        <h2>Connect a wallet</h2>
        <button class="icon-btn" type="button" aria-label="Close" onClick={() => closeWalletDialog(shop)}>
          ×
        </button>
      </header>
      {choices.length ? (
        <ul class="wallet-list">
          {choices.map((entry) => (
            <li key={entry.info.uuid}>
              <button class="wallet-choice" type="button" onClick={() => void connectEntry(shop, entry)}>
                {entry.info.icon ? (
                  <img src={entry.info.icon} alt="" width={28} height={28} />
                ) : (
                  <span class="wallet-dot">
                    <Icon name="wallet" size={18} />
                  </span>
                )}
                <span>{entry.info.name}</span>
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">
          No browser wallet found. You can still browse everything; to buy, install a wallet extension.
        </p>
      )}
      {shop.config.local ? (
        <div class="burner-offer">
          <button class="wallet-choice" type="button" onClick={() => void useBurner(shop, true)}>
            <span class="wallet-dot burner">
              <Icon name="flame" size={18} />
            </span>
            <span>Burner wallet</span>
          </button>
          <p class="muted small">
            For local testing only: a throwaway key kept in this browser. Never send real funds to it.
          </p>
        </div>
      ) : null}
      <p class="dialog-note small">{note}</p>
    </>
  );
}

// --- transactions and footer ---------------------------------------------------------------------

const ICONS = { todo: '○', active: '◌', done: '✓', failed: '✕', skipped: '–' };

export function TxCards({ cards, onClose }: { cards: readonly TxCard[]; onClose: (id: number) => void }) {
  return (
    <>
      {cards.map((card) => (
        <section class="tx-card" data-status={card.status} data-error={card.error} role="status" key={card.id}>
          <header>
            <strong>{card.title}</strong>
            <button class="tx-close" type="button" aria-label="Close" onClick={() => onClose(card.id)}>
              ×
            </button>
          </header>
          <ol class="tx-steps">
            {card.steps.map((step, i) => (
              <li data-state={step.state} key={i}>
                <span class="tx-icon">{ICONS[step.state]}</span>
                <span>
                  <span class="tx-label">{step.label}</span>
                  <span class="tx-detail">{step.note ? ` · ${step.note}` : ''}</span>
                </span>
              </li>
            ))}
          </ol>
          <p class="tx-message">{card.message}</p>
        </section>
      ))}
    </>
  );
}

function Toasts() {
  const shop = useShop();
  const close = (id: number) => (shop.toasts.value = shop.toasts.value.filter((c) => c.id !== id));
  return <TxCards cards={shop.toasts.value} onClose={close} />;
}

const STATUS = {
  ok: 'contract verified',
  bad: 'contract NOT verified',
  down: 'node unreachable',
  checking: 'checking contract…',
};

export function Footer() {
  const shop = useShop();
  const c = shop.config;
  const status = shop.deployment.value.status;
  return (
    <>
      <p>
        No account needed to browse. Payments go to the contract, which has no owner: nobody can pause it or take a cut.
      </p>
      <p class="small muted">
        {`Store contract ${c.address} on ${c.chainName} (chain ${c.chainId}) · `}
        <span data-deployment={status}>{STATUS[status]}</span>
        {c.rpcOverridden ? ` · RPC ${c.rpcUrl}` : ''}
      </p>
      <ReleaseLine />
    </>
  );
}

/** Which release this is (CID, commit, its date) and, under an /ipfs/ address, whether the shop's name now
 * points at another release. Learnt after the first render; `data-release` says how far it got. */
export function ReleaseLine({ where }: { where?: { gateway: Gateway; self: string } }) {
  const source = useShop().config.release;
  const [release, setRelease] = useState<Release | 'checking'>('checking');
  const at = where ?? { gateway: gatewayFor(location), self: new URL('./', location.href).href };
  useEffect(() => {
    let live = true;
    void learnRelease(at.gateway, source, at.self).then((r) => live && setRelease(r));
    return () => {
      live = false;
    };
  }, []);
  if (release === 'checking') return <p class="release" data-release="checking" hidden />;
  const { cid, newer } = release;
  const immutable = (id: string) => at.gateway.url(id).replace(/\/?$/, '/');
  const commit = source.sourceCommit;
  const date = source.sourceDate ? new Date(source.sourceDate).toISOString().slice(0, 10) : null;
  const state = newer ? 'newer' : cid ? 'known' : 'unknown';
  return (
    <>
      <p class="small muted release" data-release={state} hidden={!cid && !commit}>
        {cid ? (
          <>
            {'Release '}
            <a class="mono" href={immutable(cid)} title={cid} data-cid={cid}>
              {shortCid(cid)}
            </a>
          </>
        ) : null}
        {commit ? (
          <>
            {cid ? ' · built from commit ' : 'Built from commit '}
            <span class="mono" title={commit} data-commit={commit}>
              {commit.slice(0, 8)}
            </span>
            {source.sourceDirty ? ' with uncommitted changes' : ''}
            {date ? ` (${date})` : ''}
          </>
        ) : null}
      </p>
      {newer ? (
        <p class="small release-newer" role="status">
          A newer release of this shop exists.{' '}
          <a href={newer.url} data-newer-cid={newer.cid}>
            Open the latest release
          </a>
        </p>
      ) : null}
    </>
  );
}

// --- mounting ------------------------------------------------------------------------------------

function slot(selector: string): HTMLElement {
  const el = document.querySelector<HTMLElement>(selector);
  if (!el) throw new Error(`index.html has no ${selector}`);
  return el;
}

/** Render every part of the shell into its slot of index.html, for `shop`. */
export function mountShell(shop: Shop): void {
  const withShop = (children: ComponentChildren) => (
    <ShopContext.Provider value={shop}>{children}</ShopContext.Provider>
  );
  const dialog = slot('#wallet-dialog') as HTMLDialogElement;
  render(withShop(<ShopBanners />), slot('#banners'));
  render(withShop(<WalletSlot />), slot('#wallet-slot'));
  render(withShop(<WalletDialog dialog={dialog} />), dialog);
  render(withShop(<Footer />), slot('#footer'));
  render(withShop(<Toasts />), slot('#toasts'));
  render(withShop(<Main />), slot('#view'));
  const name = slot('#shop-name');
  effect(() => {
    const active = activeLink(shop.hash.value);
    for (const link of document.querySelectorAll('#nav a')) {
      link.classList.toggle('active', link.getAttribute('href') === active);
    }
  });
  effect(() => {
    const store = shop.storefront.value;
    if (!store) return;
    name.textContent = store.name;
    document.title = store.name;
  });
}

/** The page without a usable config: only a banner saying why. */
export function mountFatal(banner: Banner): void {
  render(<Banners banners={[banner]} />, slot('#banners'));
  slot('#view').replaceChildren();
}
