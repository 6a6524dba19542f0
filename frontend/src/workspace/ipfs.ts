// Writing to IPFS from the page: a small document or block added through a Kubo RPC API (the one config.json
// names, or one the seller enters, e.g. IPFS Desktop's with this page's origin allowed), checked against the
// CID the page computed itself before anything goes on chain. Documents and notes are raw blocks (CIDv1,
// codec raw, sha2-256): what `ipfs add --cid-version=1 --raw-leaves` makes of a file up to 256 KiB, and the
// only kind of document the page trusts (docs.ts hashes the bytes once).
import { CID } from 'multiformats/cid';
import * as Digest from 'multiformats/hashes/digest';
import type { Hex } from 'viem';
import { bytesToHex } from '../cid';

const RAW = 0x55;
const SHA2_256 = 0x12;
export const MAX_BLOCK = 256 * 1024; // Kubo's default chunk size: a larger file is no longer one raw block
const TIMEOUT_MS = 30000;

/** Adding to IPFS failed; the message says what happened and that nothing went on chain. */
export class IpfsWriteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IpfsWriteError';
  }
}

export interface RawBlock {
  cid: string;
  /** The sha2-256 digest and codec (0: raw) the contract stores. */
  digest: Hex;
  codec: 0;
}

/** The CID of `bytes` as one raw block, computed here (no node asked). */
export async function rawBlock(bytes: Uint8Array): Promise<RawBlock> {
  if (bytes.length > MAX_BLOCK) {
    throw new IpfsWriteError(`it is ${bytes.length} bytes; a document is at most ${MAX_BLOCK} bytes (one block)`);
  }
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', new Uint8Array(bytes)));
  return { cid: CID.createV1(RAW, Digest.create(SHA2_256, hash)).toString(), digest: bytesToHex(hash), codec: 0 };
}

/** The API URL the seller typed, checked: http(s); its origin. */
export function apiUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new IpfsWriteError(
      `“${text}” is not a URL: enter the http URL of a Kubo RPC API (IPFS Desktop’s listens on port 5001)`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new IpfsWriteError(`the IPFS API must be http or https, not ${url.protocol}`);
  }
  return url.origin;
}

/**
 * Put `bytes` on the node at `api` as a raw block, pinned, and check the node names it by `expected.cid`.
 * IpfsWriteError when the node cannot be reached, refuses, or reports another CID.
 */
export async function putBlock(api: string, bytes: Uint8Array, expected: RawBlock): Promise<string> {
  const body = new FormData();
  body.append('file', new Blob([new Uint8Array(bytes)]), 'block');
  const url = `${api}/api/v0/block/put?cid-codec=raw&mhtype=sha2-256&pin=true`;
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', body, signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (error) {
    throw new IpfsWriteError(
      `the IPFS node at ${api} does not answer (${(error as Error).name}): is it running, and does its API allow ` +
        'this page’s origin (API.HTTPHeaders.Access-Control-Allow-Origin)? Nothing was sent on chain.',
    );
  }
  if (!response.ok) {
    throw new IpfsWriteError(
      `the IPFS node at ${api} refused the block (HTTP ${response.status}). Nothing was sent on chain.`,
    );
  }
  let reported: unknown;
  try {
    reported = ((await response.json()) as { Key?: unknown }).Key;
  } catch {
    throw new IpfsWriteError(`what answers at ${api} is not a Kubo RPC API (no JSON). Nothing was sent on chain.`);
  }
  let same = false;
  try {
    same = CID.parse(String(reported)).toV1().equals(CID.parse(expected.cid));
  } catch {
    same = false;
  }
  if (!same) {
    throw new IpfsWriteError(
      `the IPFS node at ${api} stored it under ${String(reported)}, not ${expected.cid} (the CID this page ` +
        'computed), so the chain would name content the node does not serve. Nothing was sent on chain.',
    );
  }
  return expected.cid;
}
