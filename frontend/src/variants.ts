// Products with options (sizes, colours): MERCH-SPEC §1. Each combination is its own Catalog product;
// products of the same seller whose documents name the same group form one group, shown as one card and,
// on the product page, as a picker. A product whose choices differ from its group's first product's is
// shown on its own. Pure: views hand in what they loaded.
import type { Product } from './chain/contract';
import type { Variant } from './docs';

export interface Member {
  product: Product;
  variant: Variant;
}

const key = (product: Product, variant: Variant) => `${product.seller.toLowerCase()}/${variant.group}`;

/** Same option names and values, in the same order. */
export function sameChoices(a: Variant, b: Variant): boolean {
  return JSON.stringify(a.choices) === JSON.stringify(b.choices);
}

export interface CardItem {
  product: Product;
  /** The group's products (the card's own first) when it stands for a group of more than one. */
  group: Member[] | null;
}

/** The catalog's cards in listing order: a group's first product stands for the group, its others go. */
export function groupCards(products: readonly Product[], variantOf: (p: Product) => Variant | null): CardItem[] {
  const heads = new Map<string, Member[]>();
  const cards: CardItem[] = [];
  for (const product of products) {
    const variant = variantOf(product);
    if (!variant) {
      cards.push({ product, group: null });
      continue;
    }
    const members = heads.get(key(product, variant));
    if (!members) {
      const group = [{ product, variant }];
      heads.set(key(product, variant), group);
      cards.push({ product, group });
    } else if (sameChoices(members[0]!.variant, variant)) {
      members.push({ product, variant });
    } else {
      cards.push({ product, group: null });
    }
  }
  return cards.map((c) => (c.group && c.group.length > 1 ? c : { product: c.product, group: null }));
}

/**
 * The members of `current`'s group among `candidates` (`current` included, listing order): those whose
 * choices agree with the group's first product's. Null when `current` itself disagrees with that first
 * product: it is shown on its own, like its catalog card.
 */
export function groupOf(current: Member, candidates: readonly Member[]): Member[] | null {
  const k = key(current.product, current.variant);
  const all = [
    current,
    ...candidates.filter((m) => m.product.id !== current.product.id && key(m.product, m.variant) === k),
  ];
  all.sort((a, b) => (a.product.id < b.product.id ? -1 : 1));
  const first = all[0]!;
  if (!sameChoices(first.variant, current.variant)) return null;
  return all.filter((m) => sameChoices(m.variant, first.variant));
}

export interface Choice {
  value: string;
  /**
   * The product this value switches to: the one that keeps the other options; when that combination is not
   * offered, one with this value that is in stock (else any), so every product of the group stays reachable.
   */
  target: Product | null;
  /** The other options' values the target changes (none when it keeps them). */
  changes: string[];
  selected: boolean;
}

/** For each option name, in display order, its values and where each leads from `current`. */
export function picker(current: Member, members: readonly Member[]): [string, Choice[]][] {
  const { choices, options } = current.variant;
  return Object.entries(choices).map(([name, values]) => [
    name,
    values.map((value) => {
      const withValue = members.filter((m) => m.variant.options[name] === value);
      const others = (m: Member) =>
        Object.keys(options).filter((n) => n !== name && m.variant.options[n] !== options[n]);
      const target =
        withValue.find((m) => !others(m).length) ??
        withValue.find((m) => m.product.listed && m.product.stock > 0n) ??
        withValue[0];
      return {
        value,
        target: target?.product ?? null,
        changes: target ? others(target).map((n) => target.variant.options[n]!) : [],
        selected: options[name] === value,
      };
    }),
  ]);
}
