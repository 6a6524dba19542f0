// The product@1 document the listing form publishes, byte for byte what dapp.ipfs.metadata builds (canonical
// JSON: keys sorted at every depth, no spaces, UTF-8), so the page and `dapp list-product` give the same CIDs.
// A group of options (sizes) is one document per value, each with its "variant" (MERCH-SPEC §1); the form's
// option fields are checked here, with the CLI's rules and messages in the form's words, before anything is sent.
import { parseVariant, type Variant } from '../docs';
import { rawBlock, type RawBlock } from './ipfs';

const PRODUCT_SCHEMA = 'ownerless-store/product@1';
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]|\r(?!\n)/;
const OPTION_NAME = /^[a-z][a-z0-9-]{0,19}$/;
export const MAX_OPTION_VALUES = 20;
const MAX_OPTION_VALUE = 20;
const MAX_STOCK = 2n ** 32n - 1n;

type Json = string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json };

/** Python's json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False) of `value`. */
export function canonicalJson(value: Json): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const record = value as { readonly [key: string]: Json };
    const keys = Object.keys(record).sort(); // ASCII keys here: UTF-16 order is code point order
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k]!)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The product@1 document's canonical bytes; with `variant`, one product of a group of options. */
export function productDocument(
  name: string,
  description: string,
  images: readonly string[],
  variant?: Variant,
): Uint8Array {
  if (!name.trim()) throw new Error('Title: must not be empty');
  if (name.length > 200) throw new Error(`Title: ${name.length} characters; at most 200`);
  if (description.length > 10000) throw new Error(`Description: ${description.length} characters; at most 10000`);
  if (CONTROL.test(name) || CONTROL.test(description)) throw new Error('Title and description: only text, please');
  const fields: Record<string, Json> = { description, images: [...images], name, schema: PRODUCT_SCHEMA };
  if (variant) {
    if (!parseVariant(variant)) throw new Error('Options: not a valid group of options'); // checked before, by optionGroup
    const choices = Object.fromEntries(Object.entries(variant.choices).map(([k, v]) => [k, [...v]]));
    fields.variant = { group: variant.group, options: { ...variant.options }, choices };
  }
  return new TextEncoder().encode(canonicalJson(fields));
}

/** A group id from a product's title, as `dapp list-product` makes it: "Tour T-shirt, black" -> "tour-t-shirt-black". */
export function slug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64)
    .replace(/^-+|-+$/g, '');
}

/** "S, M, L" -> ["S", "M", "L"]: split on commas, each value trimmed (as `--option size=S,M,L`). */
export function splitValues(text: string): string[] {
  return text.trim() ? text.split(',').map((v) => v.trim()) : [];
}

export const MAX_OPTION_NAMES = 3;
// Each combination is its own product and its own transaction (the contract lists one per call): the form
// lists at most this many at once, where the spec's 3 names of 20 values would allow 8000.
export const MAX_COMBINATIONS = 100;

/** One option as typed in the form: its name and its comma-separated values. */
export interface OptionField {
  name: string;
  values: string;
}

/** The form's words for the option in row `index`: "Option", "Option 2", "Option 3". */
export const optionLabel = (index: number) => (index ? `Option ${index + 1}` : 'Option');

/** ["a", "b", "c"] -> "a, b and c". */
export function andList(items: readonly string[]): string {
  return items.length < 2 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]!}`;
}

/** A combination's values as `dapp list-product --stock M/black=3` names it. */
export const comboLabel = (values: readonly string[]) => values.join('/');

/** Every combination of one value per list, the first list varying slowest (itertools.product, the CLI's order). */
export function cartesian(lists: readonly (readonly string[])[]): string[][] {
  return lists.reduce<string[][]>((combos, values) => combos.flatMap((c) => values.map((v) => [...c, v])), [[]]);
}

export interface Combination {
  /** This product's value of each option, in the order the options were given. */
  values: string[];
  label: string;
  stock: bigint;
  variant: Variant;
}

export interface OptionGroup {
  group: string;
  /** The option names, in the order given. */
  names: string[];
  /** One per product to list, in listing order. */
  combos: Combination[];
}

/**
 * The form's option fields checked: null when the product has no options (every row empty), else the group,
 * one combination per product; the first problem in words otherwise. `stockOf` gives the stock typed for a
 * combination's values.
 */
export function optionGroup(
  title: string,
  fields: readonly OptionField[],
  stockOf: (values: readonly string[]) => string,
): OptionGroup | null {
  const typed = fields
    .map((f, i) => ({ label: optionLabel(i), name: f.name.trim(), values: splitValues(f.values) }))
    .filter((f) => f.name || f.values.length);
  if (!typed.length) return null;
  if (typed.length > MAX_OPTION_NAMES) {
    throw new Error(`Options: ${typed.length} options; at most ${MAX_OPTION_NAMES} (such as size, colour, fit)`);
  }
  const choices: [string, string[]][] = [];
  for (const { label, name, values } of typed) {
    if (!name)
      throw new Error(`${label}: give its name (such as ${choices.length ? 'colour' : 'size'}) for the values`);
    if (!OPTION_NAME.test(name)) {
      throw new Error(
        `${label}: “${name}” must be a lower-case letter, then up to 19 of a-z, 0-9 and - (such as size, colour)`,
      );
    }
    if (choices.some(([n]) => n === name)) {
      throw new Error(`${label}: “${name}” is given twice; give each option once, with all its values`);
    }
    if (!values.length) throw new Error(`Values of ${name}: give them separated by commas, such as S, M, L`);
    if (values.length > MAX_OPTION_VALUES) {
      throw new Error(`Values of ${name}: ${values.length} values; at most ${MAX_OPTION_VALUES}`);
    }
    values.forEach((value, i) => {
      if (!value)
        throw new Error(`Values of ${name}: value ${i + 1} is empty (two commas in a row, or one at the end)`);
      if ([...value].length > MAX_OPTION_VALUE) {
        throw new Error(
          `Values of ${name}: “${value}” is ${[...value].length} characters; at most ${MAX_OPTION_VALUE}`,
        );
      }
      if (CONTROL.test(value) || /[\n\t\r]/.test(value)) throw new Error(`Values of ${name}: only text, please`);
      if (values.indexOf(value) !== i) throw new Error(`Values of ${name}: “${value}” is given twice`);
    });
    choices.push([name, values]);
  }
  const count = choices.reduce((n, [, values]) => n * values.length, 1);
  if (count > MAX_COMBINATIONS) {
    const sizes = choices.map(([name, values], i) => `${values.length}${i ? '' : ' values'} of ${name}`);
    throw new Error(
      `Options: ${andList(sizes)} make ${count} products; the page lists at most ${MAX_COMBINATIONS} at once ` +
        '(each is its own transaction)',
    );
  }
  const group = slug(title);
  if (!group) throw new Error('Title: needs a letter or digit to make the group’s id from (a-z, 0-9)');
  const names = choices.map(([name]) => name);
  const all = Object.fromEntries(choices);
  const combos = cartesian(choices.map(([, values]) => values)).map((values) => {
    const label = comboLabel(values);
    const stockTyped = stockOf(values).trim();
    if (!/^\d+$/.test(stockTyped)) throw new Error(`Stock of ${label}: a whole number`);
    const stock = BigInt(stockTyped);
    if (stock > MAX_STOCK) throw new Error(`Stock of ${label}: at most ${MAX_STOCK}`);
    const options = Object.fromEntries(names.map((name, i) => [name, values[i]!]));
    return { values, label, stock, variant: { group, options, choices: all } };
  });
  // The page's own reader must accept what it publishes (values with odd spaces: the same rule as Python's).
  const refused = choices.find(
    ([name, values]) => !parseVariant({ group, options: { [name]: values[0] }, choices: { [name]: values } }),
  );
  if (refused) throw new Error(`Values of ${refused[0]}: only text, without spaces around a value`);
  return { group, names, combos };
}

/** A product's own values of its group's options, in the group's order: "M/Black". */
export const variantLabel = (variant: Variant) =>
  comboLabel(Object.keys(variant.choices).map((n) => variant.options[n]!));

/** A product as the edit form sees it: its document on chain and its place in a group (kept as it is). */
export interface EditTarget {
  metadataDigest: string;
  metadataCodec: number | bigint;
  variant: Variant | null;
}

export interface EditedDocument<T extends EditTarget> {
  target: T;
  bytes: Uint8Array;
  block: RawBlock;
}

/**
 * The new document of each target whose document the edit changes (each keeps its own `variant`); a target
 * whose new document is the one on chain is left out. Throws the first problem with the fields in words.
 */
export async function editedDocuments<T extends EditTarget>(
  name: string,
  description: string,
  images: readonly string[],
  targets: readonly T[],
): Promise<EditedDocument<T>[]> {
  const built = targets.map((target) => ({
    target,
    bytes: productDocument(name, description, images, target.variant ?? undefined),
  }));
  const edited = await Promise.all(built.map(async (b) => ({ ...b, block: await rawBlock(b.bytes) })));
  return edited.filter(
    ({ target, block }) =>
      Number(target.metadataCodec) !== block.codec ||
      target.metadataDigest.toLowerCase() !== block.digest.toLowerCase(),
  );
}
