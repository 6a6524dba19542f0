import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseVariant } from '../src/docs';
import { rawBlock } from '../src/workspace/ipfs';
import { optionGroup, productDocument, slug } from '../src/workspace/product';

// What dapp.ipfs.metadata.build_product_metadata gives for the same inputs (with make_variant and
// dapp.cli.merch.slug, as `dapp list-product --option size=S,M,L` builds them); tests/page/test_workspace.py
// checks the page's listing against the Python builder itself.
const TITLE = 'Tour Hoodie 2026, black';
const DESCRIPTION = 'Heavyweight "tee"\nLisbon — é 🎸';
const IMAGES = [
  'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy',
  'bafkreie7ohywtosou76tasm7j63yigtzxe7d3ouy6jvdb6qmqdlnkb3pcq',
];
const PYTHON_CIDS = [
  'bafkreiglcfuetl3czkz25gnzgssu7pyzdbwfwhkc5eqqrsehd2z5evcrxa',
  'bafkreidyoxzt6gsvbaxow2k2gwb73yqtqxjxrxysvee5bqnwmimfpaghky',
  'bafkreifp55gdtu2ags7jt74kq7y7ss6rmlbjx3665wzo7awmqy3o6eq35u',
];
const PYTHON_L =
  '{"description":"Heavyweight \\"tee\\"\\nLisbon — é 🎸","images":["bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy",' +
  '"bafkreie7ohywtosou76tasm7j63yigtzxe7d3ouy6jvdb6qmqdlnkb3pcq"],"name":"Tour Hoodie 2026, black",' +
  '"schema":"ownerless-store/product@1","variant":{"choices":{"size":["S","M","L"]},"group":"tour-hoodie-2026-black",' +
  '"options":{"size":"L"}}}';

const stock = (table: Record<string, string>) => (value: string) => table[value] ?? '';

test('a group of sizes is one document per value, the bytes and CIDs the CLI gives', async () => {
  const group = optionGroup(TITLE, 'size', ' S, M ,L ', stock({ S: '3', M: '5', L: '2' }));
  assert.ok(group);
  assert.equal(group.group, 'tour-hoodie-2026-black');
  assert.deepEqual(group.values, ['S', 'M', 'L']);
  assert.deepEqual(group.stocks, [3n, 5n, 2n]);
  const documents = group.variants.map((v) => productDocument(TITLE, DESCRIPTION, IMAGES, v));
  assert.equal(new TextDecoder().decode(documents[2]!), PYTHON_L);
  const cids = await Promise.all(documents.map(async (d) => (await rawBlock(d)).cid));
  assert.deepEqual(cids, PYTHON_CIDS);
  for (const [i, variant] of group.variants.entries()) {
    assert.deepEqual(parseVariant(JSON.parse(new TextDecoder().decode(documents[i]!)).variant), variant);
  }
});

test('a product without options keeps its document (and CID) unchanged', async () => {
  assert.equal(optionGroup('Mug', '', '  ', stock({})), null);
  const document = productDocument('Mug', '', []);
  assert.equal(
    new TextDecoder().decode(document),
    '{"description":"","images":[],"name":"Mug","schema":"ownerless-store/product@1"}',
  );
  assert.equal((await rawBlock(document)).cid, 'bafkreic2ljkydlkhmv7glwuz3ryejw4p7z4pvlcofulrmbwljg4bmjtxhe');
});

test('the group id is made from the title as `dapp list-product` makes it', () => {
  assert.equal(slug('Tour T-shirt, black'), 'tour-t-shirt-black');
  assert.equal(slug('  --Été 2026!! '), 't-2026');
  assert.equal(slug(`${'a'.repeat(63)} b`), 'a'.repeat(63));
  assert.equal(slug('🎸'), '');
});

test('bad option fields are refused with the problem in words, before anything is sent', () => {
  const ok = stock({ S: '1', M: '1', L: '1' });
  const cases: [string, string, string, RegExp][] = [
    ['Tee', 'size', 'S, , L', /value 2 is empty/],
    ['Tee', 'size', 'S, M,', /value 3 is empty/],
    ['Tee', 'size', 'S, M, S', /“S” is given twice/],
    ['Tee', 'size', Array.from({ length: 21 }, (_, i) => `V${i}`).join(','), /21 values; at most 20/],
    ['Tee', 'Size', 'S, M', /“Size” must be a lower-case letter/],
    ['Tee', 'gift wrap', 'yes', /must be a lower-case letter/],
    ['Tee', '', 'S, M', /give its name/],
    ['Tee', 'size', '', /give them separated by commas/],
    ['Tee', 'size', 'S, Extra extra extra large', /at most 20/],
    ['🎸', 'size', 'S, M', /group’s id/],
  ];
  for (const [title, name, values, message] of cases) {
    assert.throws(() => optionGroup(title, name, values, ok), message, `${name}=${values}`);
  }
  assert.throws(() => optionGroup('Tee', 'size', 'S, M', stock({ S: '2', M: 'many' })), /Stock of M: a whole number/);
  assert.throws(() => optionGroup('Tee', 'size', 'S', stock({ S: '4294967296' })), /Stock of S: at most 4294967295/);
});
