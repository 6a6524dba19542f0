// Shipping keys: an X25519 key pair derived from a wallet signature, so there is no new secret to keep.
// The same derivation as dapp/shipping/keys.py: RFC 9180 DeriveKeyPair of DHKEM(X25519, HKDF-SHA256) with
// the canonical 65-byte personal_sign signature of keyMessage(chainId, catalog) as ikm. The CLI signs the
// same text with the account's key and gets the same key pair. Nothing here logs a key or a signature.
import { CipherSuite, DhkemX25519HkdfSha256, HkdfSha256 } from '@hpke/core';
import { Chacha20Poly1305 } from '@hpke/chacha20poly1305';
import { getAddress, isAddress } from 'viem';

export const KEY_MESSAGE_VERSION = 1;
export const PUBLIC_KEY_SIZE = 32;
const SIGNATURE_SIZE = 65;
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/** A key cannot be made or used: a malformed signature, or a public key that is not an X25519 key. */
export class ShippingKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShippingKeyError';
  }
}

/** The wallet gave two different signatures of the same message: its key would change every time. */
export class NondeterministicSignerError extends ShippingKeyError {
  constructor() {
    super(
      'this wallet does not sign deterministically (two signatures of the same message differ), so it cannot ' +
        'hold a shipping key: use a wallet whose signatures are deterministic (RFC 6979), as most are, or the dapp CLI',
    );
    this.name = 'NondeterministicSignerError';
  }
}

/** An X25519 key pair. The private key is a WebCrypto key: its bytes are never in a string or a log. */
export interface ShippingKeyPair {
  readonly publicKey: Uint8Array;
  readonly privateKey: CryptoKey;
}

let cached: CipherSuite | undefined;
/** The RFC 9180 suite 0x0020/0x0001/0x0003, made on first use (importing this module does nothing). */
export function suite(): CipherSuite {
  cached ??= new CipherSuite({
    kem: new DhkemX25519HkdfSha256(),
    kdf: new HkdfSha256(),
    aead: new Chacha20Poly1305(),
  });
  return cached;
}

/** The text a party signs to make its shipping key for one Catalog on one chain (version 1). */
export function keyMessage(chainId: number | bigint, catalog: string): string {
  if (typeof chainId === 'number' ? !Number.isSafeInteger(chainId) || chainId < 1 : chainId < 1n) {
    throw new RangeError(`chain id must be a positive integer, got ${String(chainId)}`);
  }
  if (!isAddress(catalog)) throw new RangeError(`Catalog address is not an Ethereum address: ${catalog}`);
  return (
    `Ownerless Store shipping key, version ${KEY_MESSAGE_VERSION}\n` +
    '\n' +
    'Signing this makes the key that encrypts the shipping addresses of your orders in this shop and lets ' +
    'you read them. It is free and sends no transaction.\n' +
    '\n' +
    "Sign it only on this shop's own page or in the dapp command line: anyone who has this signature can " +
    'read the shipping addresses of your orders here.\n' +
    '\n' +
    `Chain ID: ${String(chainId)}\n` +
    `Catalog: ${getAddress(catalog)}`
  );
}

export function hexToBytes(what: string, value: string): Uint8Array {
  const hex = value.startsWith('0x') || value.startsWith('0X') ? value.slice(2) : value;
  if (hex.length % 2 || !/^[0-9a-fA-F]*$/.test(hex)) throw new ShippingKeyError(`${what} is not hex`);
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function bytesToHex(bytes: Uint8Array): `0x${string}` {
  return `0x${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

const toBigInt = (bytes: Uint8Array): bigint => BigInt(bytesToHex(bytes));
const to32 = (n: bigint): Uint8Array => hexToBytes('', n.toString(16).padStart(64, '0'));

/** r || s || v with s in the lower half of the curve order and v in {27, 28}: one encoding per signature. */
export function canonicalSignature(signature: string | Uint8Array): Uint8Array {
  const sig = typeof signature === 'string' ? hexToBytes('the signature', signature) : signature;
  if (sig.length !== SIGNATURE_SIZE) {
    throw new ShippingKeyError(`a wallet signature has ${SIGNATURE_SIZE} bytes, this one ${sig.length}`);
  }
  const r = toBigInt(sig.subarray(0, 32));
  let s = toBigInt(sig.subarray(32, 64));
  let v = sig[64]!;
  if (v === 0 || v === 1) v += 27;
  if ((v !== 27 && v !== 28) || r <= 0n || r >= SECP256K1_N || s <= 0n || s >= SECP256K1_N) {
    throw new ShippingKeyError('the signature is not a secp256k1 signature (r, s or v out of range)');
  }
  if (s > SECP256K1_N / 2n) {
    s = SECP256K1_N - s;
    v = 55 - v; // 27 <-> 28: the same signature, its other encoding
  }
  const out = new Uint8Array(SIGNATURE_SIZE);
  out.set(to32(r), 0);
  out.set(to32(s), 32);
  out[64] = v;
  return out;
}

/** The key pair of whoever made `signature` over keyMessage(...): RFC 9180 DeriveKeyPair, ikm = signature. */
export async function deriveKeyPair(signature: string | Uint8Array): Promise<ShippingKeyPair> {
  const ikm = canonicalSignature(signature);
  const kem = suite().kem;
  const pair = await kem.deriveKeyPair(ikm);
  ikm.fill(0);
  return { publicKey: new Uint8Array(await kem.serializePublicKey(pair.publicKey)), privateKey: pair.privateKey };
}

/** Sign the key message twice and derive the key pair; NondeterministicSignerError if the signatures differ.
 * `sign` is the wallet's personal_sign of the given text (viem's signMessage). */
export async function deriveKeyPairChecked(
  sign: (message: string) => Promise<string | Uint8Array>,
  chainId: number | bigint,
  catalog: string,
): Promise<ShippingKeyPair> {
  const message = keyMessage(chainId, catalog);
  const first = canonicalSignature(await sign(message));
  const second = canonicalSignature(await sign(message));
  if (first.some((byte, i) => byte !== second[i])) throw new NondeterministicSignerError();
  return deriveKeyPair(first);
}

/** A 32-byte X25519 public key from bytes or hex (as a profile stores it); ShippingKeyError otherwise. */
export function parsePublicKey(value: string | Uint8Array, whose = 'the public key'): Uint8Array {
  const key = typeof value === 'string' ? hexToBytes(whose, value) : value;
  if (key.length !== PUBLIC_KEY_SIZE) {
    throw new ShippingKeyError(`${whose} has ${key.length} bytes; an X25519 public key has ${PUBLIC_KEY_SIZE}`);
  }
  if (key.every((b) => b === 0))
    throw new ShippingKeyError(`${whose} is empty (all zero): no shipping key was published`);
  return key;
}
