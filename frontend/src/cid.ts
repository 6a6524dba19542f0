// CIDv1 strings <-> the (sha2-256 digest, codec) pair the contract stores: codec 0 is raw, 1 is dag-pb.
import { CID } from 'multiformats/cid';
import * as Digest from 'multiformats/hashes/digest';
import type { Hex } from 'viem';

const SHA2_256 = 0x12;
const CODECS = [0x55, 0x70]; // contract codec index -> multicodec
const ZERO = /^0x0{64}$/i;

function hexToBytes(hex: string): Uint8Array {
  const clean = hex.startsWith('0x') ? hex.slice(2) : hex;
  if (!/^[0-9a-fA-F]{64}$/.test(clean)) throw new RangeError('a sha2-256 digest is 32 bytes of hex');
  const bytes = new Uint8Array(32);
  for (let i = 0; i < 32; i++) bytes[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

export function bytesToHex(bytes: Uint8Array): Hex {
  return `0x${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** True when the contract stores no document (an all-zero digest). */
export function isEmptyDigest(digest: string): boolean {
  return ZERO.test(digest);
}

/** Base32 CIDv1 (`bafkrei…` for raw, `bafybei…` for dag-pb). */
export function digestToCid(digest: string, codec: number | bigint): string {
  const code = CODECS[Number(codec)];
  if (code === undefined) throw new RangeError(`unknown codec ${codec}`);
  return CID.createV1(code, Digest.create(SHA2_256, hexToBytes(digest))).toString();
}

/** The contract's (digest, codec) of a CIDv1 or CIDv0 string; throws on anything else. */
export function cidToDigest(text: string): { digest: Hex; codec: number } {
  const cid = CID.parse(String(text).trim()).toV1();
  const codec = CODECS.indexOf(cid.code);
  if (codec < 0) throw new RangeError(`codec 0x${cid.code.toString(16)} is neither raw nor dag-pb`);
  if (cid.multihash.code !== SHA2_256 || cid.multihash.size !== 32) throw new RangeError('not a sha2-256 CID');
  return { digest: bytesToHex(cid.multihash.digest), codec };
}

/** A CID string in the canonical base32 v1 form, or null when it is not a CID. */
export function normalizeCid(text: unknown): string | null {
  try {
    return CID.parse(String(text).trim()).toV1().toString();
  } catch {
    return null;
  }
}
