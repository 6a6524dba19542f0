// The page's state: one Shop per loaded config, every field declared here and nowhere else. Signals, so that
// whatever reads a field re-renders when it changes. Creating a Shop has no side effects: boot.tsx creates
// the one the page uses, and view tests create their own around a fake reader.
import { computed, signal, type ReadonlySignal, type Signal } from '@preact/signals';
import type { Address } from 'viem';
import type { Reader, ChainReader } from './chain/reader';
import type { Config } from './config';
import type { DocumentSource } from './docs';
import { currencyInfo, moneyIn, type Money } from './format';
import type { Profile, Storefront } from './profiles';
import type { ShopWallet, WalletEntry } from './wallet';

export type Deployment =
  { status: 'checking' } | { status: 'ok' } | { status: 'bad'; reason: string } | { status: 'down'; reason: string };

export type BannerKind = 'config' | 'deployment' | 'rpc' | 'chain' | 'indexer';

/** The indexer's module (a chunk of its own) and the URL it answered on. */
export type IndexApi = typeof import('./indexer');
export type IndexerState =
  | { status: 'none' }
  | { status: 'checking'; url: string }
  | { status: 'ready'; url: string; api: IndexApi }
  | { status: 'off'; url: string | null; message: string }
  | { status: 'behind'; url: string; message: string };
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
  /** The page's own seller's profile (config.seller), once it arrived and checked out: the shop's name. */
  readonly storefront: Signal<Storefront | null>;
  /** Seller profiles read so far, by lower-case address (profiles.ts). */
  readonly profiles: Map<string, Promise<Profile>>;
  readonly shopName: ReadonlySignal<string>;
  readonly banners: Signal<readonly Banner[]>;
  /** Our indexer, when config.json names one: usable only while `ready` (indexing.ts checks it). */
  readonly indexer: Signal<IndexerState>;
  /** Settles once the first indexer check came back (at once without an indexer). */
  readonly indexChecked: Promise<void>;
  /** A log scan under way, for the views that show its progress: blocks done of blocks to scan. */
  readonly scan: Signal<{ done: bigint; total: bigint } | null>;
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
  indexChecked?: Promise<void>;
}

export function createShop({
  config,
  reader,
  node,
  docs,
  checked,
  hash = '',
  indexChecked = Promise.resolve(),
}: ShopParts): Shop {
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
    profiles: new Map(),
    shopName: computed(() => storefront.value?.name || 'Ownerless Store'),
    banners: signal([]),
    indexer: signal<IndexerState>({ status: 'none' }),
    indexChecked,
    scan: signal(null),
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
