// A buyer's shipping details: the fields, their checks, and the compact text that gets encrypted.
// The same rules and format as dapp/shipping/details.py (the module docstring there describes the format);
// tests/shipping/details_cases.json runs against both. Lengths are UTF-8 bytes, text is NFC, and only
// ASCII spaces, tabs and line breaks are trimmed, so that Python and JavaScript agree on every input.

export const PAD_TO = 32;
export const MAX_PLAINTEXT = 1024;
export const MAX_OPTIONS = 8;

export const LIMITS = {
  name: 100,
  line: 100,
  city: 64,
  region: 64,
  postcode: 16,
  email: 254,
  phone: 32,
  note: 280,
  optionKey: 32,
  optionValue: 64,
} as const;

// Countries whose addresses have no postcode: the same list as details.py (Google's libaddressinput data).
export const NO_POSTCODE: ReadonlySet<string> = new Set(
  (
    'AE AG AO AQ AW BF BI BJ BO BQ BS BV BW BZ CD CF CG CI CK CM CW DJ DM ER FJ GA GD GH GM GQ GY HK JM KI ' +
    'KM KN LC LY ML MO MR MS MW NR NU PA PS QA RW SB SC SL SR SS ST SX SY TD TF TG TK TL TO TT TV UG VU WS YE ZW'
  ).split(' '),
);

/** What a buyer types at checkout; `shippingDetails` checks and normalizes it. */
export interface ShippingInput {
  name: string;
  lines: readonly string[] | string;
  city: string;
  country: string;
  postcode?: string;
  region?: string;
  email?: string;
  phone?: string;
  note?: string;
  options?: Readonly<Record<string, string>>;
}

/** Checked and normalized details: every optional field is a string ('' when absent), options sorted. */
export interface ShippingDetails {
  readonly name: string;
  readonly lines: readonly string[];
  readonly city: string;
  readonly country: string;
  readonly postcode: string;
  readonly region: string;
  readonly email: string;
  readonly phone: string;
  readonly note: string;
  readonly options: Readonly<Record<string, string>>;
}

/** A field is missing or malformed; `field` names it, as the checkout form shows it. */
export class ShippingDetailsError extends Error {
  readonly field: string;
  readonly problem: string;
  constructor(field: string, problem: string) {
    super(`shipping details: ${field} ${problem}`);
    this.name = 'ShippingDetailsError';
    this.field = field;
    this.problem = problem;
  }
}

const CONTROL = /[\x00-\x1f\x7f-\x9f]/;
const TRIM = /^[ \t\r\n]+|[ \t\r\n]+$/g;
const COUNTRY = /^[A-Z]{2}$/;
const POSTCODE = /^[A-Za-z0-9][A-Za-z0-9 -]*$/;
const EMAIL = /^[^ @]+@[^ @]+\.[^ @]+$/; // no \s: Python and JavaScript differ on what it matches
const PHONE = /^\+?[0-9][0-9 ().-]*$/;
const OPTION_KEY = /^[a-z][a-z0-9_-]*$/;
const FIXED_FIELDS = 11;

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

function text(field: string, value: unknown, limit: number, required = false): string {
  if (value === undefined || value === null) value = '';
  if (typeof value !== 'string') throw new ShippingDetailsError(field, `must be text, got ${typeof value}`);
  const out = value.normalize('NFC').replace(TRIM, '');
  if (!out) {
    if (required) throw new ShippingDetailsError(field, 'is missing');
    return '';
  }
  if (CONTROL.test(out)) {
    throw new ShippingDetailsError(field, 'contains a control character (a line break or tab inside it?)');
  }
  const size = utf8(out).length;
  if (size > limit) throw new ShippingDetailsError(field, `is too long (${size} bytes, at most ${limit})`);
  return out;
}

function checkOptions(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ShippingDetailsError('options', `must be a mapping such as {size: 'M'}, got ${typeof value}`);
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > MAX_OPTIONS) {
    throw new ShippingDetailsError('options', `has ${entries.length} entries, at most ${MAX_OPTIONS}`);
  }
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const out: Record<string, string> = {};
  for (const [key, raw] of entries) {
    if (!OPTION_KEY.test(key) || key.length > LIMITS.optionKey) {
      throw new ShippingDetailsError(
        'options',
        `key ${JSON.stringify(key)} must be lower-case letters, digits, _ or - (starting with a letter, at most 32)`,
      );
    }
    out[key] = text(`option ${key}`, raw, LIMITS.optionValue, true);
  }
  return out;
}

/** Checked, normalized details, or ShippingDetailsError naming the first field at fault. */
export function shippingDetails(input: ShippingInput): ShippingDetails {
  const name = text('name', input.name, LIMITS.name, true);
  const rawLines: readonly unknown[] = typeof input.lines === 'string' ? [input.lines] : input.lines;
  if (!Array.isArray(rawLines)) {
    throw new ShippingDetailsError('address', `lines must be a list of text, got ${typeof rawLines}`);
  }
  if (rawLines.length > 3) throw new ShippingDetailsError('address', `has ${rawLines.length} lines, at most 3`);
  const lines = rawLines.map((line, i) => text(`address line ${i + 1}`, line, LIMITS.line)).filter((l) => l);
  if (!lines.length) throw new ShippingDetailsError('address line 1', 'is missing');
  const city = text('city', input.city, LIMITS.city, true);
  const country = text('country', input.country, 8, true).toUpperCase();
  if (!COUNTRY.test(country)) {
    throw new ShippingDetailsError('country', 'must be a two-letter ISO 3166 code such as GB');
  }
  const postcode = text('postcode', input.postcode, LIMITS.postcode, !NO_POSTCODE.has(country));
  if (postcode && !POSTCODE.test(postcode)) {
    throw new ShippingDetailsError('postcode', 'may hold only letters, digits, spaces and hyphens');
  }
  const region = text('region', input.region, LIMITS.region);
  const email = text('email', input.email, LIMITS.email);
  if (email && !EMAIL.test(email)) throw new ShippingDetailsError('email', 'is not an email address');
  const phone = text('phone', input.phone, LIMITS.phone);
  if (phone && !PHONE.test(phone)) {
    throw new ShippingDetailsError('phone', 'may hold only digits, a leading +, spaces and ( ) - .');
  }
  const note = text('note', input.note, LIMITS.note);
  const options = checkOptions(input.options);
  const details: ShippingDetails = { name, lines, city, country, postcode, region, email, phone, note, options };
  const size = join(details).length;
  if (size > MAX_PLAINTEXT) {
    throw new ShippingDetailsError('shipping details', `are too long (${size} bytes, at most ${MAX_PLAINTEXT})`);
  }
  return details;
}

function join(d: ShippingDetails): Uint8Array {
  const lines = [...d.lines, '', ''].slice(0, 3);
  const fields = [d.name, ...lines, d.city, d.region, d.postcode, d.country, d.email, d.phone, d.note];
  for (const [key, value] of Object.entries(d.options)) fields.push(`${key}=${value}`);
  return utf8(fields.join('\n'));
}

/** The padded plaintext of envelope version 1. */
export function encodeDetails(details: ShippingDetails): Uint8Array {
  const body = join(details);
  const out = new Uint8Array(body.length + ((PAD_TO - (body.length % PAD_TO)) % PAD_TO));
  out.set(body);
  return out;
}

/** ShippingDetails from a decrypted plaintext; ShippingDetailsError if it breaks any rule. */
export function decodeDetails(plaintext: Uint8Array): ShippingDetails {
  if (plaintext.length % PAD_TO) {
    throw new ShippingDetailsError('shipping details', `plaintext of ${plaintext.length} bytes is not padded`);
  }
  let end = plaintext.length;
  while (end > 0 && plaintext[end - 1] === 0) end -= 1;
  let body: string;
  try {
    body = new TextDecoder('utf-8', { fatal: true }).decode(plaintext.subarray(0, end));
  } catch {
    throw new ShippingDetailsError('shipping details', 'are not UTF-8 text');
  }
  const parts = body.split('\n');
  if (parts.length < FIXED_FIELDS) {
    throw new ShippingDetailsError(
      'shipping details',
      `have ${parts.length} fields, expected at least ${FIXED_FIELDS}`,
    );
  }
  const [name, line1, line2, line3, city, region, postcode, country, email, phone, note] = parts as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const options: Record<string, string> = {};
  for (const entry of parts.slice(FIXED_FIELDS)) {
    const at = entry.indexOf('=');
    const key = entry.slice(0, at);
    if (at < 0 || Object.hasOwn(options, key)) {
      throw new ShippingDetailsError('options', 'has a line that is not a single key=value');
    }
    options[key] = entry.slice(at + 1);
  }
  return shippingDetails({
    name,
    lines: [line1, line2, line3],
    city,
    country,
    postcode,
    region,
    email,
    phone,
    note,
    options,
  });
}
