// The seller desk's pages with an indexer: which rows a page holds and where its neighbours are (indexer.ts
// listPage), and the pager that moves one list while the other stays (workspace/pager.tsx).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderToString } from 'preact-render-to-string';
import { listPage, type ListAt } from '../src/indexer';
import { DeskPager, moved, showing, type DeskPages } from '../src/workspace/pager';

const info = (hasPreviousPage: boolean, hasNextPage: boolean, rows = true) => ({
  hasPreviousPage,
  hasNextPage,
  startCursor: rows ? 'start' : null,
  endCursor: rows ? 'end' : null,
});

test('the first page counts from 1 and leads to the rows after its last', () => {
  const page = listPage(undefined, 50, info(false, true), 10_000, 50);
  assert.deepEqual(page, {
    at: { from: 1 },
    from: 1,
    to: 50,
    total: 10_000,
    next: { after: 'end', from: 51 },
    previous: null,
  });
  assert.equal(showing(page), 'Showing 1–50 of 10,000');
  // Everything on one page: no neighbours.
  const all = listPage(undefined, 3, info(false, false), 3, 50);
  assert.deepEqual([all.from, all.to, all.next, all.previous], [1, 3, null, null]);
});

test('a middle page counts from where the seller came from, both ways', () => {
  const at: ListAt = { after: 'c50', from: 51 };
  const page = listPage(at, 50, info(true, true), 10_000, 50);
  assert.deepEqual([page.at, page.from, page.to], [at, 51, 100]);
  assert.deepEqual(page.next, { after: 'end', from: 101 });
  assert.deepEqual(page.previous, { before: 'start', from: 1 });
  const back = listPage({ before: 'c101', from: 51 }, 50, info(true, true), 10_000, 50);
  assert.deepEqual([back.from, back.to, back.previous], [51, 100, { before: 'start', from: 1 }]);
});

test('a page back to the start of the list is the first, whatever the seller counted', () => {
  // Orders before it left the inbox meanwhile: the indexer says nothing comes before.
  const page = listPage({ before: 'c60', from: 11 }, 50, info(false, true), 9_000, 50);
  assert.deepEqual([page.from, page.to, page.previous], [1, 50, null]);
});

test('the last page counts back from the total', () => {
  const page = listPage({ after: 'c9950', from: 9_951 }, 45, info(true, false), 9_990, 50);
  assert.deepEqual([page.from, page.to, page.next], [9_946, 9_990, null]);
  assert.equal(showing(page), 'Showing 9,946–9,990 of 9,990');
});

test('a page the list no longer reaches says so and leads back to the first', () => {
  const page = listPage({ after: 'gone', from: 101 }, 0, info(false, false, false), 80, 50);
  assert.deepEqual([page.from, page.to, page.next, page.previous], [101, 100, null, { from: 1 }]);
  assert.equal(showing(page), 'None of 80 on this page');
});

test('a total smaller than the rows shown (a lying indexer) is raised to them', () => {
  assert.equal(listPage(undefined, 50, info(false, true), 3, 50).total, 50);
});

test('the pager moves its own list and keeps the other where it is', () => {
  const orders = listPage({ after: 'o50', from: 51 }, 50, info(true, true), 2_000, 50);
  const products = listPage({ after: 'p50', from: 51 }, 50, info(true, true), 200, 50);
  const pages: DeskPages = { orders, products };
  assert.deepEqual(moved(pages, 'orders', orders.next!), {
    orders: { after: 'end', from: 101 },
    products: { after: 'p50', from: 51 },
  });
  assert.deepEqual(moved(pages, 'products', products.previous!), {
    orders: { after: 'o50', from: 51 },
    products: { before: 'start', from: 1 },
  });
  const html = renderToString(<DeskPager list="orders" pages={pages} go={() => {}} />);
  assert.match(html, /data-list="orders"/);
  assert.match(html, /‹ Older orders/);
  assert.match(html, /Showing 51–100 of 2,000/);
  assert.match(html, /Newer orders ›/);
  assert.doesNotMatch(html, /disabled/);
  const first = { orders: listPage(undefined, 50, info(false, true), 2_000, 50), products };
  assert.match(renderToString(<DeskPager list="orders" pages={first} go={() => {}} />), /disabled/);
  const one = { orders: listPage(undefined, 2, info(false, false), 2, 50), products };
  assert.equal(renderToString(<DeskPager list="orders" pages={one} go={() => {}} />), '');
});

test("the inbox's CSV export says it covers the page shown when the inbox pages", async () => {
  const { InboxBar } = await import('../src/workspace/inbox');
  const shop = { config: { chainId: 31337, catalog: '0x' + '11'.repeat(20) } } as never;
  const order = { productId: 1n, orderNo: 1n, state: 1 } as never;
  const rows = [{ order, product: '#1', address: { status: 'none' as const } }];
  const account = ('0x' + '22'.repeat(20)) as `0x${string}`;
  const label = (paged: boolean) =>
    renderToString(<InboxBar shop={shop} account={account} rows={rows} paged={paged} />).match(
      /Export CSV \([^)]*\)/,
    )?.[0];
  assert.equal(label(false), 'Export CSV (1 to ship)');
  assert.equal(label(true), 'Export CSV (1 to ship on this page)');
});
