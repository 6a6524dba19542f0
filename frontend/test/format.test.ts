import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  averageRating,
  currencyInfo,
  formatAmount,
  formatDate,
  formatDeadline,
  formatDuration,
  formatUnits,
  parseQuantity,
  parseUnits,
  shortAddress,
} from '../src/format';

test('formatUnits is exact, trims zeros, keeps two decimals', () => {
  assert.equal(formatUnits(12_500_000n, 6), '12.50');
  assert.equal(formatUnits(20_000_000_000_000_000n, 18), '0.02');
  assert.equal(formatUnits(1n, 18), '0.000000000000000001');
  assert.equal(formatUnits(1_234_567_000_000n, 6), '1,234,567.00');
  assert.equal(formatUnits(0n, 18), '0.00');
  assert.equal(formatUnits(7n, 0), '7');
  assert.equal(formatUnits(-1_500_000n, 6), '-1.50');
  assert.equal(formatUnits(1_234_000n, 3, { group: false }), '1234.00');
});

test('formatAmount names the currency', () => {
  const tokens = new Map([['0x00000000000000000000000000000000000000aa', { symbol: 'tUSD', decimals: 6 }]]);
  assert.equal(
    formatAmount(12_500_000n, currencyInfo('0x00000000000000000000000000000000000000AA', tokens)),
    '12.50 tUSD',
  );
  assert.equal(formatAmount(10n ** 18n, currencyInfo(`0x${'0'.repeat(40)}`, tokens)), '1.00 ETH');
  assert.equal(currencyInfo(`0x${'1'.repeat(40)}`, tokens).unknown, true);
});

test('parseUnits round-trips and refuses junk', () => {
  assert.equal(parseUnits('12.5', 6), 12_500_000n);
  assert.equal(parseUnits('1,000', 6), 1_000_000_000n);
  assert.equal(parseUnits('.25', 2), 25n);
  assert.equal(formatUnits(parseUnits('0.0015', 18), 18), '0.0015');
  for (const bad of ['', '.', '1.2.3', '-1', 'abc', '1e6']) assert.throws(() => parseUnits(bad, 6), RangeError);
  assert.throws(() => parseUnits('0.1234567', 6), /at most 6 decimals/);
});

test('durations use the two largest units', () => {
  assert.equal(formatDuration(0), '0 seconds');
  assert.equal(formatDuration(1), '1 second');
  assert.equal(formatDuration(45 * 60), '45 minutes');
  assert.equal(formatDuration(3 * 86400), '3 days');
  assert.equal(formatDuration(2 * 86400 + 4 * 3600 + 59), '2 days 4 hours');
  assert.equal(formatDuration(86400 + 30), '1 day 30 seconds');
  assert.equal(formatDuration(14n * 86400n), '14 days');
});

test('deadlines read relative to now', () => {
  assert.equal(formatDeadline(1000 + 7200, 1000), 'in 2 hours');
  assert.equal(formatDeadline(1000, 1000 + 300), '5 minutes ago');
});

test('addresses, ratings and dates', () => {
  assert.equal(shortAddress('0x1234567890abcdef1234567890abcdef12345678'), '0x1234…5678');
  assert.equal(averageRating(0n, 0n), null);
  assert.equal(averageRating(14n, 3n), 4.7);
  assert.equal(formatDate(0), '1970-01-01 00:00 UTC');
});

test('a quantity is what was typed, or refused in words: never rounded or clamped into another', () => {
  assert.deepEqual(parseQuantity('2', 3), { value: 2 });
  assert.deepEqual(parseQuantity(' 3 ', 3), { value: 3 });
  assert.deepEqual(parseQuantity('0', 3), { error: 'Quantity: enter at least 1.' });
  assert.deepEqual(parseQuantity('4', 3), { error: 'Quantity: only 3 in stock.' });
  for (const bad of ['', '-1', '1.5', '1e3', 'two', '0x2']) {
    assert.deepEqual(parseQuantity(bad, 3), { error: 'Quantity: enter a whole number of at least 1.' }, bad);
  }
});
