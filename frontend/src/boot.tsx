// The page's entry point, and the only module that does anything on import: load config.json, create the
// shop, start the deployment check, mount the shell, follow the location hash, resume the last wallet.
import type { Address } from 'viem';
import { Reader } from './chain/reader';
import { parseConfig } from './config';
import { Documents } from './docs';
import { describeError } from './errors';
import { gatewayFor } from './gateway';
import { connectIndexer } from './indexing';
import { loadProfile } from './profiles';
import { banner, nodeDown, resumeWallet } from './actions';
import { mountFatal, mountShell } from './shell';
import { createShop, type Deployment, type Shop } from './state';
import { discoverWallets, type WalletEntry } from './wallet';

async function loadConfig() {
  const response = await fetch('./config.json', { cache: 'no-cache' });
  if (!response.ok) {
    throw new Error(`config.json could not be loaded (HTTP ${response.status}): the page was published without it`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(await response.text());
  } catch (error) {
    throw new Error(`config.json is not valid JSON (${(error as Error).message})`, { cause: error });
  }
  return parseConfig(raw, location.search);
}

async function loadStorefront(shop: Shop, seller: Address): Promise<void> {
  const profile = await loadProfile(shop, seller);
  if (profile.status === 'ok') {
    shop.storefront.value = { name: profile.name, description: profile.description, banner: profile.banner };
  }
}

async function boot(): Promise<void> {
  // Wallets announce themselves from the first moment: listen before anything else.
  let shop: Shop | null = null;
  let found: readonly WalletEntry[] = [];
  discoverWallets((all) => {
    found = all;
    if (!shop) return;
    shop.found.value = all;
    void resumeWallet(shop);
  });
  let config;
  try {
    config = await loadConfig();
  } catch (error) {
    const text = String((error as Error).message ?? error);
    mountFatal({ kind: 'config', title: 'This page has no valid store configuration.', text });
    return;
  }
  const reader = new Reader(config);
  // The deployment check rides in the same JSON-RPC batch as the first view's reads (mounted below, in
  // this same task).
  const checked: Promise<Deployment> = reader.checkDeployment().then(
    (result) => {
      const deployment: Deployment = result.ok ? { status: 'ok' } : { status: 'bad', reason: result.reason };
      current.deployment.value = deployment;
      if (!result.ok) {
        banner(current, 'deployment', {
          title: 'This store cannot be trusted on this network',
          text: `${result.reason} Purchases are disabled.`,
        });
      }
      return deployment;
    },
    (error: unknown) => {
      const deployment: Deployment = { status: 'down', reason: describeError(error, []).message };
      current.deployment.value = deployment;
      nodeDown(current);
      return deployment;
    },
  );
  const docs = new Documents(gatewayFor(location));
  let indexed = () => {};
  const indexChecked = new Promise<void>((resolve) => (indexed = resolve));
  const current = createShop({ config, reader, node: reader, docs, checked, hash: location.hash, indexChecked });
  shop = current;
  void connectIndexer(current).finally(indexed);
  current.found.value = found;
  mountShell(current);
  window.addEventListener('hashchange', () => (current.hash.value = location.hash));
  void resumeWallet(current);
  if (config.seller) void loadStorefront(current, config.seller);
}

void boot();
