// The seller desk's pager (`#/sell` with an indexer): a list of thousands of orders or products is shown a page
// at a time, moved by the indexer's cursors; each page's rows are read from the chain (indexer.ts).
import type { DeskAt, ListAt, ListPage } from '../indexer';

type List = 'orders' | 'products';
export type DeskPages = Record<List, ListPage>;

// The inbox runs oldest first (the next to ship on top), the products newest first.
const WORDS: Record<List, [string, string]> = {
  orders: ['‹ Older orders', 'Newer orders ›'],
  products: ['‹ Newer products', 'Older products ›'],
};

/** "Showing 51–100 of 10,000" (a page the list no longer reaches: "None of 10,000 on this page"). */
export function showing(page: ListPage): string {
  const n = (x: number) => x.toLocaleString('en-US');
  return page.to < page.from
    ? `None of ${n(page.total)} on this page`
    : `Showing ${n(page.from)}–${n(page.to)} of ${n(page.total)}`;
}

/** Where the desk goes when `list` moves `to` a page: the other list stays where it is. */
export const moved = (pages: DeskPages, list: List, to: ListAt): DeskAt => ({
  orders: pages.orders.at,
  products: pages.products.at,
  [list]: to,
});

/** Previous, "Showing a–b of n", Next; nothing when the whole list is on this page. */
export function DeskPager({ list, pages, go }: { list: List; pages: DeskPages; go: (at: DeskAt) => void }) {
  const page = pages[list];
  if (!page.previous && !page.next) return null;
  const [back, forward] = WORDS[list];
  const to = (where: ListAt | null, button: HTMLElement) => {
    if (!where) return;
    go(moved(pages, list, where));
    // From the pager under a long list: back to the top of the section, where the new page begins.
    const section = button.closest('section');
    if (section && section.getBoundingClientRect().top < 0) section.scrollIntoView();
  };
  const button = (action: string, where: ListAt | null, label: string) => (
    <button
      class="btn secondary"
      type="button"
      data-action={action}
      disabled={!where}
      onClick={(e) => to(where, e.currentTarget)}
    >
      {label}
    </button>
  );
  return (
    <nav class="pager desk-pager" aria-label={`Pages of ${list}`} data-list={list}>
      {button('previous-page', page.previous, back)}
      <span class="small muted" data-showing={`${page.from}-${page.to}`}>
        {showing(page)}
      </span>
      {button('next-page', page.next, forward)}
    </nav>
  );
}
