// The page's link to our indexer: check it before any use (indexer.ts's checks), say in a banner why it is not
// used, and re-check one that is behind the chain until it catches up. Views ask `indexFor(shop)`: the
// indexer's module and URL while it is usable, null while they should read the chain instead.
import { banner, refresh } from './actions';
import type { IndexApi, Shop } from './state';

/** How often an indexer that is behind the chain (or down) is checked again. */
const RECHECK_MS = 4000;

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
  const head = headOf(shop);
  let api: IndexApi;
  try {
    api = await import('./indexer');
  } catch {
    shop.indexer.value = { status: 'off', url, message: 'The indexer code could not be loaded.' };
    return;
  }
  await check(shop, url, api, head);
}

const headOf = (shop: Shop): Promise<bigint> => shop.node.rpc<string>('eth_blockNumber', []).then(BigInt);

/** The full check the first time (`head` given), only the height after that. */
async function check(shop: Shop, url: string, api: IndexApi, head: Promise<bigint> | null): Promise<void> {
  const { chainId, address } = shop.config;
  const first = head !== null;
  let result;
  try {
    result = first
      ? await api.checkIndexer(url, chainId, address, await head)
      : await api.checkHeight(url, await headOf(shop));
  } catch {
    result = { ok: false as const, problem: 'unreachable' as const, message: `The chain node did not answer.` };
  }
  if (result.ok) {
    shop.indexer.value = { status: 'ready', url, api };
    banner(shop, 'indexer', null);
    if (!first) refresh(shop); // the views now on screen re-read from the indexer
    return;
  }
  const waiting = result.problem === 'behind' || (result.problem === 'unreachable' && !first);
  shop.indexer.value = waiting
    ? { status: 'behind', url, message: result.message }
    : { status: 'off', url, message: result.message };
  banner(shop, 'indexer', {
    title: waiting ? 'The indexer is behind the chain' : 'The indexer is not used',
    text: waiting
      ? `${result.message} Until it catches up, products and orders are read from the chain (slower; search covers only what is loaded).`
      : `${result.message} Products and orders are read from the chain instead (slower; search covers only what is loaded).`,
  });
  // Only an indexer of this store that is behind is waited for; one of another store never becomes usable.
  if (result.problem === 'behind' || (result.problem === 'unreachable' && !first)) {
    setTimeout(() => void check(shop, url, api, null), RECHECK_MS);
  }
}
