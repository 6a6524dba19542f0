// config.json, written next to index.html by `dapp page build`: the one deployment this page serves.
import { isAddress, type Address, type Hex } from 'viem';
import { normalizeCid } from './cid';

export class ConfigError extends Error {}

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const HASH = /^0x[0-9a-fA-F]{64}$/;
// An IPNS name as `dapp page release` writes it: a libp2p-key CIDv1 in base36 (`k51…`).
const IPNS_NAME = /^k[0-9a-z]{40,100}$/;
const COMMIT = /^[0-9a-f]{40}([0-9a-f]{24})?$/; // a git commit id: sha1, or sha256 repositories'
export const LOCAL_CHAINS = new Set([31337, 1337]);

export interface Config {
  readonly chainId: number;
  readonly chainName: string;
  readonly address: Address;
  readonly deploymentBlock: bigint;
  readonly codeHash: Hex;
  readonly rpcUrl: string;
  readonly rpcOverridden: boolean;
  readonly seller: Address | null;
  readonly sellerDocument: string | null;
  /** A Kubo API that accepts the page's uploads (local runs only). */
  readonly ipfsApi: string | null;
  /** Our Ponder indexer of this Catalog (config.json's `indexer`, or `?indexer=`; `?indexer=` empty: none). */
  readonly indexer: string | null;
  /** Why the indexer URL given was not used (the page then reads everything from the chain). */
  readonly indexerProblem: string | null;
  readonly local: boolean;
  /** What a release (`dapp page release`) embeds so the page can say which release it runs: the IPNS name
   * it is published under, the commit it was built from, that commit's date, and whether the checkout had
   * changes the commit does not hold. */
  readonly release: ReleaseSource;
}

export interface ReleaseSource {
  readonly ipnsName: string | null;
  readonly sourceCommit: string | null;
  readonly sourceDate: string | null;
  readonly sourceDirty: boolean;
}

function httpUrl(value: unknown, what: string): string {
  let url;
  try {
    url = new URL(String(value));
  } catch {
    throw new ConfigError(`${what} is not a URL: ${value}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(`${what} must be http(s): ${value}`);
  return url.toString().replace(/\/$/, '');
}

function need(ok: unknown, message: string): asserts ok {
  if (!ok) throw new ConfigError(message);
}

/** Validate config.json and apply the URL's `?rpc=` override. */
export function parseConfig(raw: unknown, search = ''): Config {
  need(raw && typeof raw === 'object' && !Array.isArray(raw), 'config.json must be a JSON object');
  const r = raw as Record<string, unknown>;
  const chainId = r.chainId;
  need(Number.isSafeInteger(chainId) && (chainId as number) > 0, 'config.json: chainId must be a positive integer');
  const address = r.address;
  need(typeof address === 'string' && ADDRESS.test(address), 'config.json: address must be a 0x address');
  need(isAddress(address), `config.json: address ${address} fails its checksum (its mix of upper and lower case)`);
  const block = r.deploymentBlock;
  need(Number.isSafeInteger(block) && (block as number) >= 0, 'config.json: deploymentBlock must be a block number');
  const codeHash = r.codeHash;
  need(typeof codeHash === 'string' && HASH.test(codeHash), 'config.json: codeHash must be a 32-byte hash');
  need(typeof r.rpcUrl === 'string', 'config.json: rpcUrl is missing');
  const seller = r.seller ?? null;
  need(
    seller === null || (typeof seller === 'string' && ADDRESS.test(seller)),
    'config.json: seller must be an address',
  );
  need(
    seller === null || isAddress(seller),
    `config.json: seller ${seller} fails its checksum (its mix of upper and lower case)`,
  );
  const sellerDocument = r.sellerDocument ?? null;
  need(sellerDocument === null || normalizeCid(sellerDocument) !== null, 'config.json: sellerDocument must be a CID');
  // A CIDv0 names a dag-pb file, which the page cannot check with one hash: it would never be shown.
  need(
    sellerDocument === null || !String(sellerDocument).trim().startsWith('Qm'),
    'config.json: sellerDocument is a CIDv0: add the document with `ipfs add --cid-version=1` and use that CID',
  );

  const ipnsName = r.ipnsName ?? null;
  need(
    ipnsName === null || (typeof ipnsName === 'string' && IPNS_NAME.test(ipnsName)),
    'config.json: ipnsName must be an IPNS name in base36 (k51…)',
  );
  const sourceCommit = r.sourceCommit ?? null;
  need(
    sourceCommit === null || (typeof sourceCommit === 'string' && COMMIT.test(sourceCommit)),
    'config.json: sourceCommit must be a git commit id (40 hex digits)',
  );
  const sourceDate = r.sourceDate ?? null;
  need(
    sourceDate === null || (typeof sourceDate === 'string' && !Number.isNaN(Date.parse(sourceDate))),
    'config.json: sourceDate must be an ISO 8601 date',
  );
  const sourceDirty = r.sourceDirty ?? false;
  need(typeof sourceDirty === 'boolean', 'config.json: sourceDirty must be true or false');

  const ipfsApi = r.ipfsApi ? httpUrl(r.ipfsApi, 'config.json: ipfsApi') : null;
  const query = new URLSearchParams(search);
  const override = query.get('rpc');
  // A bad indexer URL is no reason to refuse the store: the page says so and reads the chain instead.
  const indexerRaw = query.has('indexer') ? query.get('indexer') || null : (r.indexer ?? null);
  let indexer: string | null = null;
  let indexerProblem: string | null = null;
  if (indexerRaw !== null) {
    try {
      indexer = httpUrl(indexerRaw, query.has('indexer') ? '?indexer=' : 'config.json: indexer');
    } catch (error) {
      indexerProblem = (error as Error).message;
    }
  }
  const id = chainId as number;
  return Object.freeze({
    chainId: id,
    chainName: typeof r.chainName === 'string' && r.chainName ? r.chainName : `Chain ${id}`,
    address,
    deploymentBlock: BigInt(block as number),
    codeHash: codeHash.toLowerCase() as Hex,
    rpcUrl: override ? httpUrl(override, '?rpc=') : httpUrl(r.rpcUrl, 'config.json: rpcUrl'),
    rpcOverridden: Boolean(override),
    seller: seller as Address | null,
    sellerDocument: sellerDocument === null ? null : normalizeCid(sellerDocument),
    ipfsApi,
    indexer,
    indexerProblem,
    local: LOCAL_CHAINS.has(id),
    release: Object.freeze({ ipnsName, sourceCommit, sourceDate, sourceDirty }),
  });
}
