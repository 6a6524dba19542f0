// Product, review and seller documents from IPFS, trusted only when their bytes hash to the digest on
// chain (sha-256 through WebCrypto). The gateway is the one that served the page.
import { bytesToHex, cidToDigest, digestToCid, isEmptyDigest, normalizeCid } from './cid.js';

const MAX_DOCUMENT = 1024 * 1024;
const TIMEOUT_MS = 10000;
export const SCHEMAS = {
  product: 'ownerless-store/product@1',
  review: 'ownerless-store/review@1',
  seller: 'ownerless-store/seller@1',
};

export class Documents {
  constructor(gateway) {
    this.gateway = gateway;
    this.cache = new Map(); // cid -> Promise<result>
  }

  imageUrl(cid) {
    const clean = normalizeCid(cid);
    return clean ? this.gateway.url(clean) : null;
  }

  /**
   * { status: "ok", cid, data } | { status: "none" } | { status: "unavailable", cid, reason }.
   * Only raw CIDs can be checked by one hash of the bytes; documents are small, so they are raw.
   */
  load(digest, codec, schema) {
    if (isEmptyDigest(digest)) return Promise.resolve({ status: 'none' });
    const cid = digestToCid(digest, codec);
    if (!this.cache.has(cid)) this.cache.set(cid, this.fetchChecked(cid, digest, Number(codec), schema));
    return this.cache.get(cid);
  }

  loadCid(cid, schema) {
    const clean = normalizeCid(cid);
    if (!clean) return Promise.resolve({ status: 'unavailable', cid, reason: 'not a CID' });
    if (!this.cache.has(clean)) this.cache.set(clean, this.fetchChecked(clean, null, null, schema));
    return this.cache.get(clean);
  }

  async fetchChecked(cid, digest, codec, schema) {
    const fail = (reason) => ({ status: 'unavailable', cid, reason });
    let bytes;
    try {
      const response = await fetch(this.gateway.url(cid), { signal: AbortSignal.timeout(TIMEOUT_MS) });
      if (!response.ok) return fail(`gateway answered ${response.status}`);
      bytes = new Uint8Array(await response.arrayBuffer());
    } catch (error) {
      return fail(`gateway unreachable (${error.name})`);
    }
    if (bytes.length > MAX_DOCUMENT) return fail('document too large');
    if (digest === null) {
      // A CID from config (seller document): check it the same way, against its own digest.
      ({ digest, codec } = cidToDigest(cid));
    }
    if (codec !== 0) return fail('not a raw document');
    const actual = bytesToHex(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)));
    if (actual.toLowerCase() !== digest.toLowerCase()) return fail('content does not match its digest');
    let data;
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

const isText = (value) => value === undefined || typeof value === 'string';

// The fields a document of each schema must have, as dapp.ipfs.metadata checks them: a product document
// whose name is not text is refused, not shown as a product without a name.
function wellFormed(data, schema) {
  if (schema === SCHEMAS.product) {
    return typeof data.name === 'string' && data.name.trim() !== '' && isText(data.description) && (data.images === undefined || Array.isArray(data.images));
  }
  if (schema === SCHEMAS.review) return Number.isInteger(data.rating) && data.rating >= 1 && data.rating <= 5 && isText(data.text);
  return isText(data.name) && isText(data.description);
}

const text = (value, limit) => (typeof value === 'string' ? value.slice(0, limit) : '');

// Keep only the fields the page shows, each coerced to its type (text stays text: rendered with textContent).
function clean(data) {
  return {
    name: text(data.name, 200),
    description: text(data.description, 10000),
    text: text(data.text, 10000),
    rating: Number.isInteger(data.rating) ? data.rating : null,
    images: Array.isArray(data.images) ? data.images.map(normalizeCid).filter(Boolean).slice(0, 12) : [],
    banner: normalizeCid(data.banner ?? ''),
  };
}

/** A review document's canonical bytes (sorted keys, no spaces), as the CLI writes them. */
export function reviewDocument(rating, reviewText) {
  return new TextEncoder().encode(JSON.stringify({ rating, schema: SCHEMAS.review, text: reviewText }));
}

/** The sha-256 of bytes as the contract stores it. */
export async function sha256Hex(bytes) {
  return bytesToHex(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)));
}
