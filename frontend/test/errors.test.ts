import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BaseError, encodeErrorResult, type Abi, type Hex, HttpRequestError, UserRejectedRequestError } from 'viem';
import { decodeRevert, describeError, isUserRejection } from '../src/errors';

// Error entries as the Catalog v2 ABI declares them (the page bundles the real artifact; the decoder
// only needs these shapes).
const u = (name: string) => ({ name, type: 'uint256' });
const ABI: Abi = [
  { type: 'error', name: 'CatalogPriceChanged', inputs: [u('productId'), u('expected'), u('actual')] },
  { type: 'error', name: 'CatalogInsufficientStock', inputs: [u('productId'), u('requested'), u('available')] },
  { type: 'error', name: 'CatalogHandlingTimeNotOver', inputs: [u('productId'), u('orderNo'), u('deadline')] },
  {
    type: 'error',
    name: 'CatalogWrongOrderState',
    inputs: [u('productId'), u('orderNo'), { name: 'state', type: 'uint8' }],
  },
  { type: 'error', name: 'CatalogSomethingNew', inputs: [u('x')] },
];

const data = (errorName: string, args: unknown[]) => encodeErrorResult({ abi: ABI, errorName, args });
const rpcError = (hex: Hex) => {
  // What an EIP-1193 wallet or a JSON-RPC node gives: { code: 3, data } nested in viem's wrappers.
  const inner = Object.assign(new Error('execution reverted'), { code: 3, data: hex });
  return new BaseError('Execution reverted.', { cause: inner });
};
const fmt = { amount: (v: bigint) => `${Number(v) / 1e6} tUSD`, time: (t: number | bigint) => `T${t}` };

test('a revert comes out by name, with named arguments', () => {
  const revert = decodeRevert(rpcError(data('CatalogPriceChanged', [3n, 10_000_000n, 12_500_000n])), ABI);
  assert.deepEqual(revert, {
    name: 'CatalogPriceChanged',
    args: { productId: 3n, expected: 10_000_000n, actual: 12_500_000n },
  });
});

test('reverts become sentences with the amounts in the product currency', () => {
  const said = describeError(rpcError(data('CatalogPriceChanged', [3n, 10_000_000n, 12_500_000n])), ABI, fmt);
  assert.equal(said.kind, 'revert');
  assert.equal(said.name, 'CatalogPriceChanged');
  assert.match(said.message, /price changed from 10 tUSD to 12.5 tUSD/);
  assert.match(said.message, /Nothing was charged/);
  assert.match(describeError(rpcError(data('CatalogInsufficientStock', [1n, 5n, 2n])), ABI).message, /Only 2 left/);
  assert.match(describeError(rpcError(data('CatalogHandlingTimeNotOver', [1n, 1n, 99n])), ABI, fmt).message, /by T99/);
  assert.match(
    describeError(rpcError(data('CatalogWrongOrderState', [1n, 2n, 5])), ABI).message,
    /Order 1-2 is refunded/,
  );
});

test('an error without words still names itself', () => {
  const said = describeError(rpcError(data('CatalogSomethingNew', [7n])), ABI);
  assert.equal(said.message, 'The contract refused: CatalogSomethingNew(x=7).');
});

test('a wallet rejection is calm', () => {
  const rejected = new UserRejectedRequestError(new Error('User denied'));
  assert.equal(isUserRejection(rejected), true);
  assert.equal(isUserRejection(Object.assign(new Error('no'), { code: 4001 })), true);
  const said = describeError(rejected, ABI);
  assert.equal(said.kind, 'rejected');
  assert.match(said.message, /Nothing was sent/);
});

test('a dead node is a network problem, anything else keeps its short message', () => {
  const down = new HttpRequestError({ url: 'http://127.0.0.1:1', details: 'fetch failed' });
  assert.equal(describeError(down, ABI).kind, 'network');
  const other = describeError(new BaseError('Chain mismatch.'), ABI);
  assert.deepEqual([other.kind, other.message], ['other', 'Chain mismatch.']);
  assert.equal(describeError(rpcError('0xdeadbeef'), ABI).kind, 'other');
});

test("a token's own EIP-6093 errors are named though the store's ABI does not declare them", () => {
  const tokenErrors = [
    {
      type: 'error',
      name: 'ERC20InsufficientBalance',
      inputs: [{ name: 'sender', type: 'address' }, u('balance'), u('needed')],
    },
  ];
  const hex = encodeErrorResult({
    abi: tokenErrors,
    errorName: 'ERC20InsufficientBalance',
    args: [`0x${'1'.repeat(40)}`, 0n, 12_000_000n],
  });
  const said = describeError(rpcError(hex), ABI, fmt);
  assert.equal(said.name, 'ERC20InsufficientBalance');
  assert.match(said.message, /Your balance is 0 tUSD but 12 tUSD is needed/);
});
