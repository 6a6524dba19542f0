// The encrypted envelope a buyer puts on chain as an order's orderData, readable by the seller and the buyer.
// Byte for byte the format of dapp/shipping/envelope.py (whose docstring explains the construction and the
// choice of it): version 0x01 || HPKE stanza to the seller || HPKE stanza to the buyer || payload, where each
// stanza seals a fresh content key (RFC 9180 base mode, DHKEM(X25519, HKDF-SHA256), HKDF-SHA256,
// ChaCha20-Poly1305) and the payload is ChaCha20-Poly1305 of the padded details under that key.
// Associated data: the chain id, Catalog, product id and buyer, so an envelope copied to another order
// (another product, buyer, Catalog or chain) does not decrypt.
import { Chacha20Poly1305 } from '@hpke/chacha20poly1305';
import { isAddress } from 'viem';
import { type ShippingDetails, ShippingDetailsError, PAD_TO, decodeDetails, encodeDetails } from './details';
import { type ShippingKeyPair, ShippingKeyError, hexToBytes, parsePublicKey, suite } from './keys';

export const VERSION = 1;
const ROLES = ['seller', 'buyer'] as const;
const KEY_SIZE = 32;
const TAG = 16;
const STANZA = 32 + KEY_SIZE + TAG;
const HEADER = 1 + ROLES.length * STANZA;
export const OVERHEAD = HEADER + TAG; // 177: envelope size = OVERHEAD + padded plaintext
const NONCE = new Uint8Array(12);

const info = (role: (typeof ROLES)[number]): Uint8Array =>
  new TextEncoder().encode(`ownerless-store/shipping/v${VERSION}/${role}`);

/** The details of this order cannot be read with this key; `reason` says why as far as it can be known. */
export class DecryptionError extends Error {
  readonly reason: string;
  constructor(reason: string, what = 'the shipping details') {
    super(`cannot decrypt ${what}: ${reason}`);
    this.name = 'DecryptionError';
    this.reason = reason;
  }
}

/** What an envelope is bound to: chain, Catalog, product and buyer. */
export interface OrderContext {
  chainId: number | bigint;
  catalog: string;
  productId: number | bigint;
  buyer: string;
}

function uint256(what: string, value: number | bigint, minimum: bigint): Uint8Array {
  const n = typeof value === 'number' && Number.isSafeInteger(value) ? BigInt(value) : value;
  if (typeof n !== 'bigint' || n < minimum || n >= 1n << 256n) {
    throw new RangeError(`${what} must be an integer between ${minimum} and 2^256-1, got ${String(value)}`);
  }
  return hexToBytes(what, n.toString(16).padStart(64, '0'));
}

function address(what: string, value: string): Uint8Array {
  if (!isAddress(value)) throw new RangeError(`${what} is not an Ethereum address: ${value}`);
  return hexToBytes(what, value);
}

/** version || chain id (32) || Catalog (20) || product id (32) || buyer (20): 105 bytes. */
export function associatedData(context: OrderContext): Uint8Array {
  return concat(
    Uint8Array.of(VERSION),
    uint256('chain id', context.chainId, 1n),
    address('Catalog address', context.catalog),
    uint256('product id', context.productId, 0n),
    address('buyer address', context.buyer),
  );
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** The envelope size for these details (the same for every seal of them). */
export function envelopeSize(details: ShippingDetails): number {
  return OVERHEAD + encodeDetails(details).length;
}

/** The envelope of `details` for the seller and the buyer, bound to `context`. ShippingKeyError if a public
 * key is missing or unusable: a seller that published no key gets no address. */
export async function seal(
  details: ShippingDetails,
  sellerPublicKey: string | Uint8Array,
  buyerPublicKey: string | Uint8Array,
  context: OrderContext,
): Promise<Uint8Array> {
  const keys = {
    seller: parsePublicKey(sellerPublicKey, "the seller's shipping key"),
    buyer: parsePublicKey(buyerPublicKey, "the buyer's shipping key"),
  };
  const aad = associatedData(context);
  const plaintext = encodeDetails(details);
  const hpke = suite();
  const contentKey = crypto.getRandomValues(new Uint8Array(KEY_SIZE));
  const parts: Uint8Array[] = [Uint8Array.of(VERSION)];
  for (const role of ROLES) {
    try {
      const recipientPublicKey = await hpke.kem.deserializePublicKey(keys[role]);
      const { enc, ct } = await hpke.seal({ recipientPublicKey, info: info(role) }, contentKey, aad);
      parts.push(new Uint8Array(enc), new Uint8Array(ct));
    } catch {
      // WebCrypto refuses a low-order point (the X25519 shared secret would be all zero)
      throw new ShippingKeyError(`the ${role}'s shipping key is not a usable X25519 public key`);
    }
  }
  const header = concat(...parts);
  const payload = await new Chacha20Poly1305()
    .createEncryptionContext(contentKey)
    .seal(NONCE, plaintext, concat(aad, header));
  contentKey.fill(0);
  return concat(header, new Uint8Array(payload));
}

/** The details in `envelope`, for the seller's or the buyer's key pair and the order's context.
 * DecryptionError (never another error, never other details) if the envelope is of an unknown version,
 * truncated, altered, sealed to other keys, or bound to another product, buyer, Catalog or chain. */
export async function openEnvelope(
  envelope: string | Uint8Array,
  keyPair: ShippingKeyPair,
  context: OrderContext,
): Promise<ShippingDetails> {
  const { contentKey, plaintext } = await open(envelope, keyPair, context);
  contentKey.fill(0);
  try {
    return decodeDetails(plaintext);
  } catch (error) {
    if (error instanceof ShippingDetailsError) {
      throw new DecryptionError(
        `it opens, but does not hold valid shipping details (${error.field}: ${error.problem})`,
      );
    }
    throw error;
  }
}

/** The 32-byte content key of `envelope`, once the whole envelope opened (the payload too, so an altered
 * envelope gives no key): what the tracking note is derived from (note.ts). DecryptionError as openEnvelope. */
export async function openContentKey(
  envelope: string | Uint8Array,
  keyPair: ShippingKeyPair,
  context: OrderContext,
): Promise<Uint8Array> {
  return (await open(envelope, keyPair, context)).contentKey;
}

async function open(
  envelope: string | Uint8Array,
  keyPair: ShippingKeyPair,
  context: OrderContext,
): Promise<{ contentKey: Uint8Array; plaintext: Uint8Array }> {
  let data: Uint8Array;
  try {
    data = typeof envelope === 'string' ? hexToBytes('the envelope', envelope) : envelope;
  } catch {
    throw new DecryptionError('the envelope is not hex');
  }
  if (!data.length) throw new DecryptionError('the order carries no encrypted shipping details');
  if (data[0] !== VERSION) {
    throw new DecryptionError(`it is an envelope of version ${data[0]}; this program reads version ${VERSION}`);
  }
  if (data.length < OVERHEAD + PAD_TO || (data.length - OVERHEAD) % PAD_TO) {
    throw new DecryptionError(`it is ${data.length} bytes long, which no complete envelope is (truncated?)`);
  }
  const header = data.subarray(0, HEADER);
  const payload = data.subarray(HEADER);
  const aad = associatedData(context);
  let contentKey: Uint8Array | undefined;
  for (const [index, role] of ROLES.entries()) {
    const start = 1 + index * STANZA;
    contentKey = await unwrap(header.subarray(start, start + STANZA), keyPair.privateKey, info(role), aad);
    if (contentKey) break;
  }
  if (!contentKey) {
    throw new DecryptionError(
      'this key does not open it: it was sealed to other keys, altered, or belongs to another order ' +
        '(another product, buyer, Catalog or chain)',
    );
  }
  try {
    const aead = new Chacha20Poly1305().createEncryptionContext(contentKey);
    return { contentKey, plaintext: new Uint8Array(await aead.open(NONCE, payload, concat(aad, header))) };
  } catch {
    contentKey.fill(0);
    throw new DecryptionError('its encrypted details were altered');
  }
}

async function unwrap(stanza: Uint8Array, recipientKey: CryptoKey, info: Uint8Array, aad: Uint8Array) {
  try {
    const key = await suite().open({ recipientKey, enc: stanza.slice(0, 32), info }, stanza.slice(32), aad);
    return key.byteLength === KEY_SIZE ? new Uint8Array(key) : undefined;
  } catch {
    return undefined;
  }
}
