// config.json, written next to index.html by `dapp page build`: the one deployment this page serves.
import { isAddress } from 'viem';
import { normalizeCid } from './cid.js';

export class ConfigError extends Error {}

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const HASH = /^0x[0-9a-fA-F]{64}$/;
export const LOCAL_CHAINS = new Set([31337, 1337]);

function httpUrl(value, what) {
  let url;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${what} is not a URL: ${value}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(`${what} must be http(s): ${value}`);
  return url.toString().replace(/\/$/, '');
}

function need(ok, message) {
  if (!ok) throw new ConfigError(message);
}

/**
 * Validate config.json and apply the URL's `?rpc=` override. Returns a frozen plain object:
 * { chainId, chainName, address, deploymentBlock (bigint), codeHash, rpcUrl, rpcOverridden, seller,
 *   sellerDocument, ipfsApi (a Kubo API that accepts the page's uploads, local runs only), local }.
 */
export function parseConfig(raw, search = '') {
  need(raw && typeof raw === 'object' && !Array.isArray(raw), 'config.json must be a JSON object');
  need(Number.isSafeInteger(raw.chainId) && raw.chainId > 0, 'config.json: chainId must be a positive integer');
  need(typeof raw.address === 'string' && ADDRESS.test(raw.address), 'config.json: address must be a 0x address');
  need(isAddress(raw.address), `config.json: address ${raw.address} fails its checksum (its mix of upper and lower case)`);
  need(
    Number.isSafeInteger(raw.deploymentBlock) && raw.deploymentBlock >= 0,
    'config.json: deploymentBlock must be a block number',
  );
  need(typeof raw.codeHash === 'string' && HASH.test(raw.codeHash), 'config.json: codeHash must be a 32-byte hash');
  need(typeof raw.rpcUrl === 'string', 'config.json: rpcUrl is missing');
  const seller = raw.seller ?? null;
  need(seller === null || (typeof seller === 'string' && ADDRESS.test(seller)), 'config.json: seller must be an address');
  need(seller === null || isAddress(seller), `config.json: seller ${seller} fails its checksum (its mix of upper and lower case)`);
  const sellerDocument = raw.sellerDocument ?? null;
  need(sellerDocument === null || normalizeCid(sellerDocument) !== null, 'config.json: sellerDocument must be a CID');
  // A CIDv0 names a dag-pb file, which the page cannot check with one hash: it would never be shown.
  need(
    sellerDocument === null || !String(sellerDocument).trim().startsWith('Qm'),
    'config.json: sellerDocument is a CIDv0: add the document with `ipfs add --cid-version=1` and use that CID',
  );

  const ipfsApi = raw.ipfsApi ? httpUrl(raw.ipfsApi, 'config.json: ipfsApi') : null;
  const override = new URLSearchParams(search).get('rpc');
  return Object.freeze({
    chainId: raw.chainId,
    chainName: typeof raw.chainName === 'string' && raw.chainName ? raw.chainName : `Chain ${raw.chainId}`,
    address: raw.address,
    deploymentBlock: BigInt(raw.deploymentBlock),
    codeHash: raw.codeHash.toLowerCase(),
    rpcUrl: override ? httpUrl(override, '?rpc=') : httpUrl(raw.rpcUrl, 'config.json: rpcUrl'),
    rpcOverridden: Boolean(override),
    seller,
    sellerDocument: sellerDocument && normalizeCid(sellerDocument),
    ipfsApi,
    local: LOCAL_CHAINS.has(raw.chainId),
  });
}
