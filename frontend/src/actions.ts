// What views and the shell do to the shop's state: banners, the wallet (connect, switch chain, burner) and
// transactions. Functions of a Shop, no module state, no side effects on import.
import type { Address } from 'viem';
import { abi } from './chain/contract';
import type { Step } from './chain/tx';
import { describeError } from './errors';
import { canTransact, money, type Banner, type BannerKind, type Shop } from './state';
import {
  Wallet,
  forgetWallet,
  lastWalletKey,
  walletChoices,
  walletKey,
  type ShopWallet,
  type WalletEntry,
} from './wallet';

export { canTransact };

/** Show a banner of `kind` (replacing the one before), or take it away with null. */
export function banner(shop: Shop, kind: BannerKind, content: Omit<Banner, 'kind'> | null): void {
  const others = shop.banners.value.filter((b) => b.kind !== kind);
  shop.banners.value = content ? [...others, { kind, ...content }] : others;
}

/** Re-read the chain for the current view, in place: no loading state in between, so nothing flashes. */
export function refresh(shop: Shop): void {
  shop.version.value++;
}

export function nodeDown(shop: Shop): void {
  banner(shop, 'rpc', {
    title: 'The store is unreachable',
    text:
      `The Ethereum node at ${shop.config.rpcUrl} does not answer, or what answers there is not an Ethereum node, ` +
      'so products and orders cannot be shown. Check your connection and reload, or open this page with ?rpc= ' +
      'pointing at another node.',
    action: { label: 'Try again', secondary: true, run: () => location.reload() },
  });
}

export function openWalletDialog(shop: Shop, note = ''): void {
  shop.dialog.value = { open: true, note };
}

export function closeWalletDialog(shop: Shop): void {
  shop.dialog.value = { open: false, note: '' };
}

/** Make sure a wallet is connected and on the store's chain; opens the wallet list when none is. */
export async function readyWallet(shop: Shop): Promise<(ShopWallet & { account: Address }) | null> {
  const wallet = shop.wallet.value;
  if (!wallet?.account) {
    openWalletDialog(shop);
    return null;
  }
  try {
    await wallet.ensureChain();
  } catch (error) {
    const said = describeError(error, []);
    banner(shop, 'chain', { title: 'Wrong network', text: `Your wallet stays on another network: ${said.message}` });
    return null;
  }
  await updateWalletChain(shop);
  return wallet.account ? (wallet as ShopWallet & { account: Address }) : null;
}

/** The chain banner: shown while the wallet is on another chain than the store's. */
export async function updateWalletChain(shop: Shop): Promise<void> {
  const wallet = shop.wallet.value;
  if (!wallet?.account) return banner(shop, 'chain', null);
  try {
    shop.walletChain.value = await wallet.chainId();
  } catch {
    return;
  }
  const { chainId, chainName } = shop.config;
  if (shop.walletChain.value === chainId) return banner(shop, 'chain', null);
  banner(shop, 'chain', {
    title: 'Your wallet is on another network',
    text: `It is on chain ${shop.walletChain.value}; this store is on ${chainName} (chain ${chainId}).`,
    action: { label: `Switch to ${chainName}`, run: () => void readyWallet(shop) },
  });
}

export function setWallet(shop: Shop, wallet: ShopWallet | null): void {
  shop.wallet.value = wallet;
  shop.account.value = wallet?.account ?? null;
  wallet?.onChange(() => {
    shop.account.value = wallet.account;
    void updateWalletChain(shop);
    refresh(shop);
  });
  void updateWalletChain(shop);
  refresh(shop);
}

export function disconnect(shop: Shop): void {
  shop.wallet.value?.disconnect();
  setWallet(shop, null);
}

export async function connectEntry(shop: Shop, entry: WalletEntry): Promise<void> {
  const wallet = new Wallet(entry, shop.node.chain);
  try {
    await wallet.connect();
  } catch (error) {
    const said = describeError(error, []);
    const note =
      said.kind === 'rejected' ? 'You declined the connection in your wallet. You can keep browsing.' : said.message;
    shop.dialog.value = { open: true, note };
    return;
  }
  closeWalletDialog(shop);
  setWallet(shop, wallet);
}

/** The burner wallet (local chains only): its signing code is a chunk of its own, loaded now. */
export async function useBurner(shop: Shop, fromClick: boolean): Promise<void> {
  const { createBurner } = await import('./chain/burner');
  const burner = createBurner(shop.config, shop.node);
  if (fromClick) closeWalletDialog(shop);
  setWallet(shop, burner);
}

/** Reconnect, without a prompt, to the wallet used last time (once it has announced itself). */
export async function resumeWallet(shop: Shop): Promise<void> {
  const key = lastWalletKey();
  if (!key || shop.wallet.value) return;
  if (key === 'burner') {
    if (shop.config.local) await useBurner(shop, false);
    return;
  }
  const entry = walletChoices(shop.found.value).find((w) => walletKey(w) === key);
  if (!entry) return;
  const wallet = new Wallet(entry, shop.node.chain);
  try {
    if ((await wallet.resume()) && !shop.wallet.value) setWallet(shop, wallet);
  } catch {
    forgetWallet(); // the wallet forgot us: stay disconnected
  }
}

/**
 * Run the steps of one write as a transaction card, with the wallet made ready first. The transaction code
 * (simulate, send, receipt, revert words) is loaded with the first write. True when every step confirmed.
 */
export async function act(
  shop: Shop,
  title: string,
  currency: string,
  steps: (wallet: ShopWallet & { account: Address }) => Step[],
): Promise<boolean> {
  const wallet = await readyWallet(shop);
  if (!wallet) return false;
  const { runSteps } = await import('./chain/checkout');
  return runSteps(shop, {
    title,
    wallet,
    steps: steps(wallet),
    format: money(shop, currency),
    onDone: () => refresh(shop),
  });
}

/** Words for an error a view ran into, by the store's custom error names when it is a revert. */
export function said(error: unknown) {
  return describeError(error, abi);
}
