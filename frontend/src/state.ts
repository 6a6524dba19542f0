// The page's state: one Shop per loaded config, every field declared here and nowhere else. Signals, so that
// whatever reads a field re-renders when it changes. Creating a Shop has no side effects: boot.tsx creates
// the one the page uses, and view tests create their own around a fake reader.
import { computed, signal, type ReadonlySignal, type Signal } from '@preact/signals';
import type { Address } from 'viem';
import type { Reader, ChainReader } from './chain/reader';
import type { Config } from './config';
import type { DocumentSource } from './docs';
import { currencyInfo, moneyIn, type Money } from './format';
import type { ShopWallet, WalletEntry } from './wallet';

export type Deployment =
  { status: 'checking' } | { status: 'ok' } | { status: 'bad'; reason: string } | { status: 'down'; reason: string };

export type BannerKind = 'config' | 'deployment' | 'rpc' | 'chain';
export interface Banner {
  kind: BannerKind;
  title: string;
  text: string;
  action?: { label: string; secondary?: boolean; run(): void };
}

export type StepState = 'todo' | 'active' | 'done' | 'failed' | 'skipped';
export interface TxStep {
  label: string;
  state: StepState;
  note: string;
}
/** One transaction card (a toast): its steps as they go, and how it ended. */
export interface TxCard {
  id: number;
  title: string;
  status: 'pending' | 'confirmed' | 'reverted' | 'rejected' | 'error';
  steps: TxStep[];
  message: string;
  /** The custom error a revert named. */
  error?: string;
}

/** The seller's storefront document (config.sellerDocument), once it arrived and checked out. */
export interface Storefront {
  name: string;
  description: string;
  banner: string | null;
}

export interface Shop {
  readonly config: Config;
  /** What views read of the chain. */
  readonly reader: ChainReader;
  /** The JSON-RPC node itself: deployment check, simulations, receipts (transactions only). */
  readonly node: Reader;
  readonly docs: DocumentSource;
  /** Settles once the deployment check came back; views wait on it before offering writes. */
  readonly checked: Promise<Deployment>;
  readonly deployment: Signal<Deployment>;
  readonly wallet: Signal<ShopWallet | null>;
  /** The connected account: set whenever the wallet connects, switches account or goes. */
  readonly account: Signal<Address | null>;
  readonly walletChain: Signal<number | null>;
  /** EIP-6963 wallets announced so far. */
  readonly found: Signal<readonly WalletEntry[]>;
  readonly dialog: Signal<{ open: boolean; note: string }>;
  readonly storefront: Signal<Storefront | null>;
  readonly shopName: ReadonlySignal<string>;
  readonly banners: Signal<readonly Banner[]>;
  readonly toasts: Signal<readonly TxCard[]>;
  /** The location hash the router shows. */
  readonly hash: Signal<string>;
  /** Bumped to make the current view re-read the chain in place (a transaction confirmed, a new wallet). */
  readonly version: Signal<number>;
}

export interface ShopParts {
  config: Config;
  reader: ChainReader;
  node: Reader;
  docs: DocumentSource;
  checked: Promise<Deployment>;
  hash?: string;
}

export function createShop({ config, reader, node, docs, checked, hash = '' }: ShopParts): Shop {
  const storefront = signal<Storefront | null>(null);
  return {
    config,
    reader,
    node,
    docs,
    checked,
    deployment: signal<Deployment>({ status: 'checking' }),
    wallet: signal(null),
    account: signal(null),
    walletChain: signal(null),
    found: signal([]),
    dialog: signal({ open: false, note: '' }),
    storefront,
    shopName: computed(() => storefront.value?.name || 'Ownerless Store'),
    banners: signal([]),
    toasts: signal([]),
    hash: signal(hash),
    version: signal(0),
  };
}

/** Amounts in a currency the shop knows (the reader caches token symbols and decimals). */
export function money(shop: Shop, currency: string): Money {
  return moneyIn(currencyInfo(currency, shop.reader.tokens));
}

/** True when writes may be offered: the contract is the one the page was built for. */
export function canTransact(shop: Shop): boolean {
  return shop.deployment.value.status === 'ok';
}
