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
  /** A product's place in a group of options (sizes, colours): MERCH-SPEC §1. */
  variant: Variant | null;
  /** A seller's X25519 public key for shipping details (0x + 64 hex), or null when it published none. */
  encryptionKey: string | null;
}

/** One product of a group: its value for every option name, and the group's names -> values in order. */
export interface Variant {
  group: string;
  options: Readonly<Record<string, string>>;
  choices: Readonly<Record<string, readonly string[]>>;
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
      (data.images === undefined || Array.isArray(data.images)) &&
      (data.variant === undefined || parseVariant(data.variant) !== null)
    );
  }
  if (schema === SCHEMAS.review)
    return (
      Number.isInteger(data.rating) && (data.rating as number) >= 1 && (data.rating as number) <= 5 && isText(data.text)
    );
  return (
    isText(data.name) &&
    isText(data.description) &&
    (data.encryptionKey === undefined || parseKey(data.encryptionKey) !== null)
  );
}

const GROUP = /^[a-z0-9-]{1,64}$/;
// No spaces: an option name is also a key of the sealed shipping details (crypto/details.ts).
const OPTION_NAME = /^[a-z][a-z0-9-]{0,19}$/;
// A value as dapp.ipfs.metadata checks it: no control character, no surrounding white space (Python's
// str.isspace() set, so both sides refuse the same values).
const CONTROL = /[\x00-\x1f\x7f-\x9f]/;
const SPACE = /^[\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;
const optionValue = (v: unknown): boolean => {
  if (typeof v !== 'string') return false;
  const chars = [...v];
  return chars.length >= 1 && chars.length <= 20 && !CONTROL.test(v) && !SPACE.test(v) && !SPACE.test(chars.at(-1)!);
};
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const sameKeys = (a: object, b: readonly string[]) =>
  Object.keys(a).length === b.length && b.every((k) => Object.hasOwn(a, k));

/** A product document's "variant" as MERCH-SPEC §1 allows it, or null: a document with anything else in it
 * is not trusted at all (docs marks it unavailable), like dapp.ipfs.metadata's MetadataError. */
export function parseVariant(value: unknown): Variant | null {
  if (!isRecord(value) || !sameKeys(value, ['group', 'options', 'choices'])) return null;
  const { group, options, choices } = value;
  if (typeof group !== 'string' || !GROUP.test(group) || !isRecord(choices) || !isRecord(options)) return null;
  const names = Object.keys(choices);
  if (names.length < 1 || names.length > 3 || !sameKeys(options, names)) return null;
  const out: Record<string, string[]> = {};
  for (const name of names) {
    const values = choices[name];
    if (!OPTION_NAME.test(name) || !Array.isArray(values) || values.length < 1 || values.length > 20) return null;
    if (!values.every(optionValue)) return null;
    if (new Set(values).size !== values.length) return null;
    if (!values.includes(options[name])) return null;
    out[name] = values as string[];
  }
  return { group, options: options as Record<string, string>, choices: out };
}

const KEY = /^(?:0x)?([0-9a-fA-F]{64})$/;
/** A profile's encryptionKey: 32 bytes of hex, not all zero (dapp.shipping.keys.parse_public_key). */
function parseKey(value: unknown): string | null {
  const hex = typeof value === 'string' ? KEY.exec(value)?.[1] : undefined;
  return hex && !/^0+$/.test(hex) ? `0x${hex.toLowerCase()}` : null;
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
    variant: data.variant === undefined ? null : parseVariant(data.variant),
    encryptionKey: data.encryptionKey === undefined ? null : parseKey(data.encryptionKey),
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
