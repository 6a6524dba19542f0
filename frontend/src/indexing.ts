// The page's link to our indexer: check it before any use, say in a banner why it is not used, and re-check
// one that is behind the chain until it catches up (indexer.ts: watchIndexer, in the indexer's chunk). Views
// ask `indexFor(shop)`: the indexer's module and URL while it is usable, null while they should read the
// chain instead.
import { banner, refresh } from './actions';
import type { IndexApi, Shop } from './state';

export interface Index {
  url: string;
  api: IndexApi;
}

/** The indexer to read from now, or null (none configured, not checked out, or behind): read the chain. */
export async function indexFor(shop: Shop): Promise<Index | null> {
  await shop.indexChecked;
  const state = shop.indexer.value;
  return state.status === 'ready' ? { url: state.url, api: state.api } : null;
}

/** Set the shop's indexer state from config.json, checking the indexer; settles after the first check. */
export async function connectIndexer(shop: Shop): Promise<void> {
  const { indexer: url, indexerProblem } = shop.config;
  if (indexerProblem) {
    shop.indexer.value = { status: 'off', url: null, message: indexerProblem };
    banner(shop, 'indexer', {
      title: 'The indexer is not used',
      text: `${indexerProblem}. Products and orders are read from the chain instead.`,
    });
    return;
  }
  if (!url) return;
  shop.indexer.value = { status: 'checking', url };
  // Asked now, so it rides in the JSON-RPC batch of the first view's reads while the module loads.
  const head = shop.node.rpc<string>('eth_blockNumber', []).then(BigInt);
  let api: IndexApi;
  try {
    api = await import('./indexer');
  } catch {
    shop.indexer.value = { status: 'off', url, message: 'The indexer code could not be loaded.' };
    return;
  }
  // The checks, their banners and the re-checks of one that is behind live in the indexer's chunk.
  await api.watchIndexer(shop, url, api, head, { banner, refresh });
}
