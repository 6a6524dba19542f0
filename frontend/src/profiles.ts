// Seller profiles: a seller's name, description and banner, from the document its latest ProfileSet event
// names on chain, checked against that digest like a product document. Which one is shown:
//   1. the seller's latest ProfileSet event, when it has one: its document (a zero digest: no profile);
//   2. otherwise (it never set one, or the chain cannot be asked) the document config.json names for the
//      page's own seller (`sellerDocument`, given at build time), checked against its own CID.
// So the chain wins: a seller changes its storefront without a new page.
import type { Address } from 'viem';
import { SCHEMAS, type Doc } from './docs';
import type { Shop } from './state';

export interface Storefront {
  name: string;
  description: string;
  banner: string | null;
}

export type Profile =
  | ({ status: 'ok'; source: 'chain' | 'build'; cid: string; encryptionKey: string | null } & Storefront)
  | { status: 'none' }
  | { status: 'unavailable'; source: 'chain' | 'build'; cid: string; reason: string };

function fromDoc(doc: Doc, source: 'chain' | 'build'): Profile {
  if (doc.status === 'none') return { status: 'none' };
  if (doc.status === 'unavailable') return { status: 'unavailable', source, cid: doc.cid, reason: doc.reason };
  const { name, description, banner, encryptionKey } = doc.data;
  // A profile without a name gives the storefront nothing to call itself: the address stays its title.
  return name.trim()
    ? { status: 'ok', source, cid: doc.cid, name, description, banner, encryptionKey }
    : { status: 'none' };
}

async function readProfile(shop: Shop, seller: Address): Promise<Profile> {
  const { config, docs, reader } = shop;
  const deployment = await shop.checked;
  if (deployment.status === 'ok') {
    let log;
    try {
      log = await reader.profile(seller);
    } catch {
      log = undefined; // the node would not say: fall back to the build-time document, if any
    }
    if (log) return fromDoc(await docs.load(log.digest, log.codec, SCHEMAS.seller), 'chain');
  }
  const own = config.seller && config.seller.toLowerCase() === seller.toLowerCase();
  if (own && config.sellerDocument) return fromDoc(await docs.loadCid(config.sellerDocument, SCHEMAS.seller), 'build');
  return { status: 'none' };
}

/** The seller's profile, read once per page load. */
export function loadProfile(shop: Shop, seller: Address): Promise<Profile> {
  const key = seller.toLowerCase();
  let profile = shop.profiles.get(key);
  if (!profile) shop.profiles.set(key, (profile = readProfile(shop, seller)));
  return profile;
}

/** Where the seller's shipping key stands: its public key, none published, or its profile unreadable. */
export type SellerKey = { status: 'key'; key: string } | { status: 'none' } | { status: 'unavailable'; reason: string };

/** The seller's shipping key from its profile (read from the chain, its document checked against the digest). */
export async function sellerKey(shop: Shop, seller: Address): Promise<SellerKey> {
  const profile = await loadProfile(shop, seller);
  if (profile.status === 'unavailable') return { status: 'unavailable', reason: profile.reason };
  if (profile.status === 'ok' && profile.encryptionKey) return { status: 'key', key: profile.encryptionKey };
  return { status: 'none' };
}
