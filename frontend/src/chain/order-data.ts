// The checkout's private part, loaded when the buyer starts checkout (browsing never downloads it): the
// shipping form's checks (the rules of ../crypto/details.ts, the same as Python's ShippingDetails), the
// buyer's shipping key (personal_sign, derived twice and compared), the envelope sealed to the seller's key
// and the buyer's, which the purchase carries as its `orderData` (emitted in the Purchased event, never
// stored), and opening it again for the buyer's "Show my address", and the seller's tracking note (MERCH-SPEC
// §2) with the content key of that envelope. The address saved in this browser, only
// when the buyer asks for it. Module state: the buyer's key pair, kept in memory for this page load only.
import type { Address, Hex } from 'viem';
import {
  DecryptionError,
  NondeterministicSignerError,
  ShippingDetailsError,
  deriveKeyPairChecked,
  envelopeSize,
  openContentKey,
  openEnvelope,
  openNote,
  seal,
  shippingDetails,
  type OrderContext,
  type ShippingDetails,
  type ShippingKeyPair,
} from '../crypto';
import type { Shop } from '../state';
import type { ShopWallet } from '../wallet';
import type { Product } from './contract';

export { DecryptionError, NondeterministicSignerError };
export type { ShippingDetails };

/** What the form holds: text as typed. */
export interface AddressFields {
  name: string;
  line1: string;
  line2: string;
  city: string;
  region: string;
  postcode: string;
  country: string;
  email: string;
  phone: string;
  note: string;
}
export type FieldName = keyof AddressFields;
export const FIELDS: readonly FieldName[] = [
  'name',
  'line1',
  'line2',
  'city',
  'region',
  'postcode',
  'country',
  'email',
  'phone',
  'note',
];

// ISO 3166-1 alpha-2 codes; the form names them in the browser's language (Intl.DisplayNames).
export const COUNTRIES = (
  'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY ' +
  'BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK ' +
  'FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR ' +
  'IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ' +
  'ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM ' +
  'PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF ' +
  'TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS XK YE YT ZA ZM ZW'
).split(' ');

const input = (f: AddressFields, options: Readonly<Record<string, string>>) => ({
  name: f.name,
  lines: [f.line1, f.line2],
  city: f.city,
  region: f.region,
  postcode: f.postcode,
  country: f.country,
  email: f.email,
  phone: f.phone,
  note: f.note,
  options: detailsOptions(options),
});

/** A product's options as shipping details carry them: option names may hold spaces, details keys not. */
export function detailsOptions(options: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(options).map(([k, v]) => [k.replaceAll(' ', '-'), v]));
}

// Filler that passes every rule: each field is checked alone, in place of its filler, so that the form can
// say what is wrong with every field at once (shippingDetails stops at the first).
const GOOD: AddressFields = {
  name: 'A',
  line1: 'A',
  line2: '',
  city: 'A',
  region: '',
  postcode: '1',
  country: 'GB',
  email: '',
  phone: '',
  note: '',
};

const FIELD_OF: Record<string, FieldName> = {
  name: 'name',
  address: 'line1',
  'address line 1': 'line1',
  'address line 2': 'line2',
  city: 'city',
  region: 'region',
  postcode: 'postcode',
  country: 'country',
  email: 'email',
  phone: 'phone',
  note: 'note',
};
const WORDS: Record<FieldName, string> = {
  name: 'Full name',
  line1: 'Address',
  line2: 'Address line 2',
  city: 'Town or city',
  region: 'County, state or region',
  postcode: 'Postcode',
  country: 'Country',
  email: 'Email',
  phone: 'Phone',
  note: 'Note',
};

function problemOf(error: unknown): [FieldName | null, string] {
  if (!(error instanceof ShippingDetailsError)) throw error;
  const field = FIELD_OF[error.field] ?? null;
  const end = error.problem.endsWith('.') ? '' : '.';
  return [field, `${field ? WORDS[field] : error.field} ${error.problem}${end}`];
}

/** What is wrong with each field (nothing: an empty object), and with the whole (`form`). */
export function fieldErrors(
  fields: AddressFields,
  options: Readonly<Record<string, string>> = {},
): Partial<Record<FieldName | 'form', string>> {
  const out: Partial<Record<FieldName | 'form', string>> = {};
  const country = /^[A-Za-z]{2}$/.test(fields.country.trim()) ? fields.country : GOOD.country;
  for (const name of FIELDS) {
    // The postcode's rule depends on the country (some have none): check it with the buyer's country.
    const one = { ...GOOD, ...(name === 'postcode' ? { country } : {}), [name]: fields[name] };
    try {
      shippingDetails(input(one, {}));
    } catch (error) {
      const [field, message] = problemOf(error);
      out[field ?? name] ??= message;
    }
  }
  if (Object.keys(out).length) return out;
  try {
    shippingDetails(input(fields, options));
  } catch (error) {
    const [field, message] = problemOf(error);
    out[field ?? 'form'] = message;
  }
  return out;
}

/** The checked details; ShippingDetailsError when a field breaks a rule (fieldErrors says which). */
export function detailsOf(fields: AddressFields, options: Readonly<Record<string, string>>): ShippingDetails {
  return shippingDetails(input(fields, options));
}

/** How many bytes the sealed details will be on chain (the same for every seal of them). */
export function sealedSize(details: ShippingDetails): number {
  return envelopeSize(details);
}

// --- keys --------------------------------------------------------------------------------------------

const keys = new WeakMap<Shop, Map<string, Promise<ShippingKeyPair>>>();

/** The connected account's shipping key pair: two personal_sign prompts the first time in a page load. */
export function buyerKeyPair(shop: Shop, wallet: ShopWallet & { account: Address }): Promise<ShippingKeyPair> {
  const mine = keys.get(shop) ?? new Map<string, Promise<ShippingKeyPair>>();
  keys.set(shop, mine);
  const account = wallet.account.toLowerCase();
  let pair = mine.get(account);
  if (!pair) {
    pair = deriveKeyPairChecked((m) => wallet.signMessage(m), shop.config.chainId, shop.config.address);
    mine.set(account, pair);
    pair.catch(() => mine.delete(account)); // a refusal is not remembered: the next try asks again
  }
  return pair;
}

const context = (shop: Shop, productId: bigint, buyer: Address): OrderContext => ({
  chainId: shop.config.chainId,
  catalog: shop.config.address,
  productId,
  buyer,
});

const hex = (bytes: Uint8Array): Hex => `0x${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;

/**
 * The order data of a purchase of `product` by the wallet's account: `details` sealed to the seller's public
 * key and the buyer's own. The buyer signs first (its key), then the page encrypts; `encrypt` is measured
 * in the page (performance entry "ownerless-encrypt").
 */
export async function sealOrderData(
  shop: Shop,
  wallet: ShopWallet & { account: Address },
  product: Product,
  details: ShippingDetails,
  sellerPublicKey: string,
): Promise<Hex> {
  const pair = await buyerKeyPair(shop, wallet);
  const start = performance.now();
  const sealed = await seal(details, sellerPublicKey, pair.publicKey, context(shop, product.id, wallet.account));
  performance.measure('ownerless-encrypt', { start, end: performance.now() });
  return hex(sealed);
}

/** The details the buyer sent with an order, opened with its own key (DecryptionError if it cannot). */
export async function openMyOrderData(
  shop: Shop,
  wallet: ShopWallet & { account: Address },
  productId: bigint,
  orderData: Hex,
): Promise<ShippingDetails> {
  const pair = await buyerKeyPair(shop, wallet);
  const start = performance.now();
  const details = await openEnvelope(orderData, pair, context(shop, productId, wallet.account));
  performance.measure('ownerless-decrypt', { start, end: performance.now() });
  return details;
}

const NOTE_VERSION = 1;

/**
 * The seller's tracking note on order `orderNo`, opened with the buyer's own key: the block at `url` (the
 * gateway's), checked against the sha2-256 `digest` the OrderShipped event names, then the order's content
 * key from `orderData` and the note from that. null when the block is not an encrypted note (a plain tracking
 * document); DecryptionError when it is one this key cannot open, or the block is not the one on chain.
 */
export async function openMyNote(
  shop: Shop,
  wallet: ShopWallet & { account: Address },
  productId: bigint,
  orderNo: bigint,
  orderData: Hex,
  digest: Hex,
  url: string,
): Promise<string | null> {
  const what = 'the tracking note';
  let blob: Uint8Array<ArrayBuffer>;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(30000) });
    if (!response.ok) throw new Error(`the gateway answered ${response.status}`);
    blob = new Uint8Array(await response.arrayBuffer());
  } catch (error) {
    throw new DecryptionError(`its block could not be fetched (${(error as Error).message})`, what);
  }
  const actual = hex(new Uint8Array(await crypto.subtle.digest('SHA-256', blob)));
  if (actual !== digest.toLowerCase()) {
    throw new DecryptionError('the gateway sent a block that is not the one named on chain', what);
  }
  if (blob[0] !== NOTE_VERSION) return null;
  const pair = await buyerKeyPair(shop, wallet);
  const ctx = context(shop, productId, wallet.account);
  const contentKey = await openContentKey(orderData, pair, ctx);
  try {
    return await openNote(blob, contentKey, ctx, orderNo);
  } finally {
    contentKey.fill(0);
  }
}

// --- the address kept in this browser ---------------------------------------------------------------

const SAVED = 'ownerless-store:ship-to';
const KEPT: readonly FieldName[] = FIELDS.filter((f) => f !== 'note');

/** The address the buyer asked this browser to remember, or null. */
export function savedAddress(): Partial<AddressFields> | null {
  try {
    const data = JSON.parse(localStorage.getItem(SAVED) ?? 'null') as Record<string, unknown> | null;
    if (!data || typeof data !== 'object') return null;
    return Object.fromEntries(KEPT.filter((f) => typeof data[f] === 'string').map((f) => [f, data[f] as string]));
  } catch {
    return null;
  }
}

/** Remember the address (not the note) in this browser's storage for this site. */
export function saveAddress(fields: AddressFields): void {
  localStorage.setItem(SAVED, JSON.stringify(Object.fromEntries(KEPT.map((f) => [f, fields[f]]))));
}

export function forgetAddress(): void {
  localStorage.removeItem(SAVED);
}
