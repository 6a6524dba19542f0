// Product, review and seller documents from IPFS, trusted only when their bytes hash to the digest on
// chain (sha-256 through WebCrypto). The gateway is the one that served the page.
import type { Hex } from 'viem';
import { bytesToHex, cidToDigest, digestToCid, isEmptyDigest, normalizeCid } from './cid';
import type { Gateway } from './gateway';

const MAX_DOCUMENT = 1024 * 1024;
const TIMEOUT_MS = 10000;
export const SCHEMAS = {
  product: 'ownerless-store/product@1',
  review: 'ownerless-store/review@1',
  seller: 'ownerless-store/seller@1',
} as const;
export type Schema = (typeof SCHEMAS)[keyof typeof SCHEMAS];

/** The fields the page shows of any document, each of its type (text stays text). */
export interface DocData {
  name: string;
  description: string;
  text: string;
  rating: number | null;
  images: string[];
  banner: string | null;
}

export type Doc =
  | { status: 'ok'; cid: string; data: DocData }
  | { status: 'none' }
  | { status: 'unavailable'; cid: string; reason: string };

/** What views need of the documents: tests hand views a fake one. */
export interface DocumentSource {
  imageUrl(cid: string): string | null;
  load(digest: Hex, codec: number | bigint, schema: Schema): Promise<Doc>;
  loadCid(cid: string, schema: Schema): Promise<Doc>;
  /** The document if it already arrived (what a search without an indexer can look at), else undefined. */
  loaded?(digest: Hex, codec: number | bigint): Doc | undefined;
}

export class Documents implements DocumentSource {
  private readonly cache = new Map<string, Promise<Doc>>();
  private readonly arrived = new Map<string, Doc>();

  constructor(private readonly gateway: Gateway) {}

  imageUrl(cid: string): string | null {
    const clean = normalizeCid(cid);
    return clean ? this.gateway.url(clean) : null;
  }

  /**
   * { status: "ok", cid, data } | { status: "none" } | { status: "unavailable", cid, reason }.
   * Only raw CIDs can be checked by one hash of the bytes; documents are small, so they are raw.
   */
  load(digest: Hex, codec: number | bigint, schema: Schema): Promise<Doc> {
    if (isEmptyDigest(digest)) return Promise.resolve({ status: 'none' });
    const cid = digestToCid(digest, codec);
    return this.cached(cid, () => this.fetchChecked(cid, digest, Number(codec), schema));
  }

  loadCid(cid: string, schema: Schema): Promise<Doc> {
    const clean = normalizeCid(cid);
    if (!clean) return Promise.resolve({ status: 'unavailable', cid, reason: 'not a CID' });
    return this.cached(clean, () => this.fetchChecked(clean, null, null, schema));
  }

  loaded(digest: Hex, codec: number | bigint): Doc | undefined {
    return isEmptyDigest(digest) ? undefined : this.arrived.get(digestToCid(digest, codec));
  }

  private cached(cid: string, load: () => Promise<Doc>): Promise<Doc> {
    let doc = this.cache.get(cid);
    if (!doc) {
      doc = load();
      this.cache.set(cid, doc);
      void doc.then((settled) => this.arrived.set(cid, settled));
    }
    return doc;
  }

  private async fetchChecked(cid: string, digest: Hex | null, codec: number | null, schema: Schema): Promise<Doc> {
    const fail = (reason: string): Doc => ({ status: 'unavailable', cid, reason });
    let bytes;
    try {
      const response = await fetch(this.gateway.url(cid), { signal: AbortSignal.timeout(TIMEOUT_MS) });
      if (!response.ok) return fail(`gateway answered ${response.status}`);
      bytes = new Uint8Array(await response.arrayBuffer());
    } catch (error) {
      return fail(`gateway unreachable (${(error as Error).name})`);
    }
    if (bytes.length > MAX_DOCUMENT) return fail('document too large');
    if (digest === null) {
      // A CID from config (seller document): check it the same way, against its own digest.
      ({ digest, codec } = cidToDigest(cid));
    }
    if (codec !== 0) return fail('not a raw document');
    const actual = bytesToHex(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)));
    if (actual.toLowerCase() !== digest.toLowerCase()) return fail('content does not match its digest');
    let data: Record<string, unknown> | null;
    try {
      data = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    } catch {
      return fail('not JSON');
    }
    if (!data || typeof data !== 'object' || data.schema !== schema) return fail('unexpected document type');
    if (!wellFormed(data, schema)) return fail('fields of the wrong type');
    return { status: 'ok', cid, data: clean(data) };
  }
}

const isText = (value: unknown) => value === undefined || typeof value === 'string';

// The fields a document of each schema must have, as dapp.ipfs.metadata checks them: a product document
// whose name is not text is refused, not shown as a product without a name.
function wellFormed(data: Record<string, unknown>, schema: Schema): boolean {
  if (schema === SCHEMAS.product) {
    return (
      typeof data.name === 'string' &&
      data.name.trim() !== '' &&
      isText(data.description) &&
      (data.images === undefined || Array.isArray(data.images))
    );
  }
  if (schema === SCHEMAS.review)
    return (
      Number.isInteger(data.rating) && (data.rating as number) >= 1 && (data.rating as number) <= 5 && isText(data.text)
    );
  return isText(data.name) && isText(data.description);
}

const text = (value: unknown, limit: number) => (typeof value === 'string' ? value.slice(0, limit) : '');

// Keep only the fields the page shows, each coerced to its type (text stays text: rendered with textContent).
function clean(data: Record<string, unknown>): DocData {
  return {
    name: text(data.name, 200),
    description: text(data.description, 10000),
    text: text(data.text, 10000),
    rating: Number.isInteger(data.rating) ? (data.rating as number) : null,
    images: Array.isArray(data.images)
      ? data.images
          .map(normalizeCid)
          .filter((c): c is string => c !== null)
          .slice(0, 12)
      : [],
    banner: normalizeCid(data.banner ?? ''),
  };
}

/** A review document's canonical bytes (sorted keys, no spaces), as the CLI writes them. */
export function reviewDocument(rating: number, reviewText: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(JSON.stringify({ rating, schema: SCHEMAS.review, text: reviewText }));
}

/** The sha-256 of bytes as the contract stores it. */
export async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<Hex> {
  return bytesToHex(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)));
}
