// The hash router: a location hash -> the view to show. Pure; a link a person typed or pasted that is nearly
// right says what is wrong with it.
import { isAddress, type Address } from 'viem';

export type Route =
  | { view: 'catalog'; seller: Address | null }
  | { view: 'product'; id: bigint }
  | { view: 'orders' }
  | { view: 'sell' }
  | { view: 'arbiter' }
  | { view: 'notFound'; reason: string | null };

const MAX_UINT256 = 2n ** 256n - 1n;

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

const notFound = (reason: string | null): Route => ({ view: 'notFound', reason });

const ROUTES: [RegExp, (m: RegExpExecArray) => Route][] = [
  [/^#?\/?$/, () => ({ view: 'catalog', seller: null })],
  [
    /^#\/product\/(\d+)$/,
    (m) => {
      const id = BigInt(m[1]!);
      return id <= MAX_UINT256 ? { view: 'product', id } : notFound(`There is no product #${m[1]}.`);
    },
  ],
  [
    /^#\/product\/(.*)$/,
    (m) => notFound(`“${decode(m[1]!)}” is not a product number: product links end in a number, like #/product/3.`),
  ],
  [/^#\/orders$/, () => ({ view: 'orders' })],
  [/^#\/sell$/, () => ({ view: 'sell' })],
  [
    /^#\/seller\/(0x[0-9a-fA-F]{40})$/,
    (m) =>
      isAddress(m[1]!)
        ? { view: 'catalog', seller: m[1] as Address }
        : notFound(`${m[1]} fails its checksum (its mix of upper and lower case): check the address for a typo.`),
  ],
  [
    /^#\/seller\/(.*)$/,
    (m) => notFound(`“${decode(m[1]!)}” is not a seller address: seller links end in a 0x address of 40 hex digits.`),
  ],
  [/^#\/arbiter$/, () => ({ view: 'arbiter' })],
];

export function parseRoute(hash: string): Route {
  for (const [pattern, route] of ROUTES) {
    const match = pattern.exec(hash);
    if (match) return route(match);
  }
  return notFound(null);
}

/** The nav link that is active on `hash`. */
export function activeLink(hash: string): string {
  return hash || '#/';
}
