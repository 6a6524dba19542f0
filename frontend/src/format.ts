// Amounts, durations and addresses as a shopper reads them. Pure: no DOM, no network.

export interface CurrencyInfo {
  symbol: string;
  decimals: number;
  /** A currency the page could not read as a token: its amounts mean nothing. */
  unknown?: boolean;
}

const ETH: CurrencyInfo = { symbol: 'ETH', decimals: 18 };

/** The currency of a product: ETH for the zero address, else the token's symbol and decimals. */
export function currencyInfo(currency: string, tokens?: ReadonlyMap<string, CurrencyInfo>): CurrencyInfo {
  if (/^0x0{40}$/i.test(currency)) return ETH;
  const token = tokens?.get(currency.toLowerCase());
  return token ?? { symbol: 'tokens', decimals: 0, unknown: true };
}

/**
 * An exact base-unit amount as a decimal string: `formatUnits(12500000n, 6)` is "12.50".
 * Never rounds (a price is a promise); trailing zeros go, but at least `minFraction` digits stay.
 */
export function formatUnits(
  value: bigint | number | string,
  decimals: number,
  { minFraction = 2, group = true }: { minFraction?: number; group?: boolean } = {},
): string {
  const big = BigInt(value);
  const negative = big < 0n;
  const digits = (negative ? -big : big).toString().padStart(decimals + 1, '0');
  let whole = digits.slice(0, digits.length - decimals);
  let fraction = decimals > 0 ? digits.slice(digits.length - decimals).replace(/0+$/, '') : '';
  if (fraction.length < minFraction && decimals > 0) fraction = fraction.padEnd(Math.min(minFraction, decimals), '0');
  if (group) whole = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return (negative ? '-' : '') + whole + (fraction ? `.${fraction}` : '');
}

/** "0.02 ETH", "12.50 tUSD". */
export function formatAmount(value: bigint, info: CurrencyInfo): string {
  return `${formatUnits(value, info.decimals)} ${info.symbol}`;
}

/** A decimal string typed by a person into base units; throws RangeError on anything else. */
export function parseUnits(text: string, decimals: number): bigint {
  const clean = String(text).trim().replace(/,/g, '');
  const match = /^(\d*)(?:\.(\d*))?$/.exec(clean);
  if (!match || (match[1] === '' && (match[2] ?? '') === '')) throw new RangeError(`not an amount: ${text}`);
  const fraction = match[2] ?? '';
  if (fraction.length > decimals) throw new RangeError(`at most ${decimals} decimals`);
  return BigInt((match[1] || '0') + fraction.padEnd(decimals, '0'));
}

export type Quantity = { value: number; error?: undefined } | { value?: undefined; error: string };

/** { value } for a whole number from 1 to `stock` as typed, else { error } in words. */
export function parseQuantity(text: string, stock: number): Quantity {
  const raw = String(text).trim();
  if (!/^\d+$/.test(raw)) return { error: 'Quantity: enter a whole number of at least 1.' };
  const n = Number(raw);
  if (n < 1) return { error: 'Quantity: enter at least 1.' };
  if (n > stock) return { error: `Quantity: only ${stock} in stock.` };
  return { value: n };
}

const UNITS: [string, number][] = [
  ['day', 86400],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1],
];

/** "3 days", "2 days 4 hours", "45 minutes": the two largest non-zero units. */
export function formatDuration(seconds: number | bigint): string {
  let rest = Math.max(0, Math.floor(Number(seconds)));
  if (rest === 0) return '0 seconds';
  const parts = [];
  for (const [name, size] of UNITS) {
    const count = Math.floor(rest / size);
    if (count > 0) {
      parts.push(`${count} ${name}${count === 1 ? '' : 's'}`);
      rest -= count * size;
    }
    if (parts.length === 2) break;
  }
  return parts.join(' ');
}

/** A deadline relative to now: "in 2 days 3 hours" or "5 minutes ago". */
export function formatDeadline(deadline: number | bigint, now: number | bigint): string {
  const delta = Number(deadline) - Number(now);
  return delta >= 0 ? `in ${formatDuration(delta)}` : `${formatDuration(-delta)} ago`;
}

/** 0x1234…abcd */
export function shortAddress(address: string): string {
  return `${address.slice(0, 6)}…${address.slice(-4)}`;
}

/** Average rating with one decimal, or null when nobody rated. */
export function averageRating(sum: number | bigint, count: number | bigint): number | null {
  const n = Number(count);
  if (n === 0) return null;
  return Math.round((Number(sum) * 10) / n) / 10;
}

/** UTC date and time of a unix timestamp, stable across time zones (tests and screenshots). */
export function formatDate(timestamp: number | bigint): string {
  const iso = new Date(Number(timestamp) * 1000).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** Amounts in one currency and chain times, for views and the words of errors. */
export interface Money {
  info: CurrencyInfo;
  amount(value: bigint): string;
  time(timestamp: number | bigint): string;
}

export function moneyIn(info: CurrencyInfo): Money {
  return { info, amount: (v) => formatAmount(v, info), time: (t) => formatDate(t) };
}

/** An amount as a person would type it back into a field: "1250.5", no grouping, no symbol. */
export function plainAmount(value: bigint, info: CurrencyInfo): string {
  return formatUnits(value, info.decimals, { group: false });
}
