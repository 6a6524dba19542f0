// The seller's tracking note, encrypted to the buyer: a raw IPFS block that ship() names as the order's
// tracking document. Byte for byte dapp/shipping/note.py (whose docstring explains it):
//   version 0x01 || nonce (12, random) || ChaCha20-Poly1305(note key, nonce, {"note": text}, aad)
// note key = HKDF-SHA256(the order's envelope content key, salt empty, info "ownerless-store/tracking/v1");
// aad = the envelope's associated data || the order number (32 bytes, big-endian).
import { Chacha20Poly1305 } from '@hpke/chacha20poly1305';
import { ShippingDetailsError } from './details';
import { DecryptionError, associatedData, concat, type OrderContext } from './envelope';

export const NOTE_VERSION = 1;
export const MAX_NOTE = 500; // characters (code points), as Python counts them
const INFO = new TextEncoder().encode('ownerless-store/tracking/v1');
const NONCE_SIZE = 12;
const TAG = 16;
const KEY_SIZE = 32;
const WHAT = 'the tracking note';
// Controls but tab and newline: the CLI shows notes in a terminal.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

/** The note text if it can be sent (1..500 characters, not blank, no control characters); a
 * ShippingDetailsError on field "note" with Python's words otherwise. */
export function checkNote(text: unknown): string {
  if (typeof text !== 'string') throw new ShippingDetailsError('note', `must be text, not ${typeof text}`);
  if (!text.trim()) throw new ShippingDetailsError('note', 'is empty');
  const length = [...text].length;
  if (length > MAX_NOTE) throw new ShippingDetailsError('note', `is ${length} characters long; at most ${MAX_NOTE}`);
  if (CONTROL.test(text)) {
    throw new ShippingDetailsError('note', 'contains control characters; only text, tabs and new lines');
  }
  return text;
}

/** HKDF-SHA256(content key, salt empty, info "ownerless-store/tracking/v1"), 32 bytes, through WebCrypto. */
export async function noteKey(contentKey: Uint8Array): Promise<Uint8Array> {
  if (contentKey.length !== KEY_SIZE) {
    throw new DecryptionError(`a content key has ${KEY_SIZE} bytes, this one ${contentKey.length}`, WHAT);
  }
  const ikm = await crypto.subtle.importKey('raw', new Uint8Array(contentKey), 'HKDF', false, ['deriveBits']);
  const params = { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: INFO };
  return new Uint8Array(await crypto.subtle.deriveBits(params, ikm, KEY_SIZE * 8));
}

/** The envelope's associated data || the order number as 32 bytes, big-endian. */
export function noteAssociatedData(context: OrderContext, orderNo: number | bigint): Uint8Array {
  const n = typeof orderNo === 'number' && Number.isSafeInteger(orderNo) ? BigInt(orderNo) : orderNo;
  if (typeof n !== 'bigint' || n < 0n || n >= 1n << 256n) {
    throw new RangeError(`order number must be an integer between 0 and 2^256-1, got ${String(orderNo)}`);
  }
  const number = new Uint8Array(32);
  let rest = n;
  for (let i = 31; i >= 0 && rest; i--, rest >>= 8n) number[i] = Number(rest & 0xffn);
  return concat(associatedData(context), number);
}

/** Canonical JSON {"note": text}: one key, so JSON.stringify already writes what Python's sort_keys does. */
export function notePlaintext(text: string): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ note: checkNote(text) }));
}

/** The note block for order `orderNo` in `context`. */
export async function sealNote(
  contentKey: Uint8Array,
  context: OrderContext,
  orderNo: number | bigint,
  text: string,
): Promise<Uint8Array> {
  const plaintext = notePlaintext(text);
  const aad = noteAssociatedData(context, orderNo);
  const nonce = crypto.getRandomValues(new Uint8Array(NONCE_SIZE));
  const key = await noteKey(contentKey);
  const sealed = await new Chacha20Poly1305().createEncryptionContext(key).seal(nonce, plaintext, aad);
  key.fill(0);
  return concat(Uint8Array.of(NOTE_VERSION), nonce, new Uint8Array(sealed));
}

/** The text of a note block. DecryptionError (never another error, never another text) if it is of an
 * unknown version, truncated, altered, or belongs to another order or content key. */
export async function openNote(
  blob: Uint8Array,
  contentKey: Uint8Array,
  context: OrderContext,
  orderNo: number | bigint,
): Promise<string> {
  if (!blob.length) throw new DecryptionError('the block is empty', WHAT);
  if (blob[0] !== NOTE_VERSION) {
    throw new DecryptionError(`it is a note of version ${blob[0]}; this program reads version ${NOTE_VERSION}`, WHAT);
  }
  if (blob.length < 1 + NONCE_SIZE + TAG + 1) {
    throw new DecryptionError(`it is ${blob.length} bytes long, which no complete note is (truncated?)`, WHAT);
  }
  const aad = noteAssociatedData(context, orderNo);
  const key = await noteKey(contentKey);
  let plaintext: Uint8Array;
  try {
    const aead = new Chacha20Poly1305().createEncryptionContext(key);
    plaintext = new Uint8Array(await aead.open(blob.slice(1, 1 + NONCE_SIZE), blob.slice(1 + NONCE_SIZE), aad));
  } catch {
    throw new DecryptionError('this key does not open it: it was altered, or belongs to another order', WHAT);
  } finally {
    key.fill(0);
  }
  try {
    const doc = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(plaintext)) as unknown;
    if (!doc || typeof doc !== 'object' || Array.isArray(doc) || Object.keys(doc).join() !== 'note') {
      throw new Error('not a note document');
    }
    return checkNote((doc as { note: unknown }).note);
  } catch {
    throw new DecryptionError('it opens, but does not hold a valid note', WHAT);
  }
}
