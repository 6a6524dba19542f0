import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseVariant } from '../src/docs';
import { rawBlock } from '../src/workspace/ipfs';
import {
  MAX_COMBINATIONS,
  cartesian,
  editedDocuments,
  optionGroup,
  productDocument,
  slug,
  variantLabel,
} from '../src/workspace/product';

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

// Two options, as `dapp list-product --option size=S,M --option 'colour=Black,Off white'` builds them.
const PYTHON_COMBO_CIDS = [
  ['S/Black', 'bafkreigpcqaajyha2ckbjg26kgx53kqgn54miksulncuni3hqh2q2c2rwy'],
  ['S/Off white', 'bafkreibghj5p2gjtim37pmdtppml7vuobmlrobkip2ctnejhox7mhnx6y4'],
  ['M/Black', 'bafkreicgfbz5ddlpxjszaxun7d5ixptlh756yezyicurtrajo6cdm6ndua'],
  ['M/Off white', 'bafkreibtqdv55n4pqatnixzi6bzyq5apybmupd3pkzxz4mb3lz77n6sl7a'],
];
const PYTHON_M_OFF_WHITE =
  '{"description":"Heavyweight \\"tee\\"\\nLisbon — é 🎸","images":["bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy",' +
  '"bafkreie7ohywtosou76tasm7j63yigtzxe7d3ouy6jvdb6qmqdlnkb3pcq"],"name":"Tour Hoodie 2026, black",' +
  '"schema":"ownerless-store/product@1","variant":{"choices":{"colour":["Black","Off white"],"size":["S","M"]},' +
  '"group":"tour-hoodie-2026-black","options":{"colour":"Off white","size":"M"}}}';

/** A stock per combination, named as the CLI's --stock names it ("M/Black"). */
const stock = (table: Record<string, string>) => (values: readonly string[]) => table[values.join('/')] ?? '';
const one = (name: string, values: string) => [{ name, values }];

test('a group of sizes is one document per value, the bytes and CIDs the CLI gives', async () => {
  const group = optionGroup(TITLE, one('size', ' S, M ,L '), stock({ S: '3', M: '5', L: '2' }));
  assert.ok(group);
  assert.equal(group.group, 'tour-hoodie-2026-black');
  assert.deepEqual(group.names, ['size']);
  assert.deepEqual(
    group.combos.map((c) => c.label),
    ['S', 'M', 'L'],
  );
  assert.deepEqual(
    group.combos.map((c) => c.stock),
    [3n, 5n, 2n],
  );
  const documents = group.combos.map((c) => productDocument(TITLE, DESCRIPTION, IMAGES, c.variant));
  assert.equal(new TextDecoder().decode(documents[2]!), PYTHON_L);
  const cids = await Promise.all(documents.map(async (d) => (await rawBlock(d)).cid));
  assert.deepEqual(cids, PYTHON_CIDS);
  for (const [i, { variant }] of group.combos.entries()) {
    assert.deepEqual(parseVariant(JSON.parse(new TextDecoder().decode(documents[i]!)).variant), variant);
  }
});

test('two options list every combination, the first varying slowest, each the document the CLI builds', async () => {
  const fields = [
    { name: ' size ', values: 'S, M' },
    { name: '', values: '' }, // an empty row is no option
    { name: 'colour', values: 'Black, Off white' },
  ];
  const group = optionGroup(
    TITLE,
    fields,
    stock({ 'S/Black': '3', 'S/Off white': '0', 'M/Black': '5', 'M/Off white': '1' }),
  );
  assert.ok(group);
  assert.deepEqual(group.names, ['size', 'colour']);
  assert.deepEqual(
    group.combos.map((c) => [c.label, c.stock]),
    [
      ['S/Black', 3n],
      ['S/Off white', 0n], // listed, sold out: the seller raises its stock later
      ['M/Black', 5n],
      ['M/Off white', 1n],
    ],
  );
  assert.deepEqual(group.combos[3]!.variant, {
    group: 'tour-hoodie-2026-black',
    options: { size: 'M', colour: 'Off white' },
    choices: { size: ['S', 'M'], colour: ['Black', 'Off white'] },
  });
  const documents = group.combos.map((c) => productDocument(TITLE, DESCRIPTION, IMAGES, c.variant));
  assert.equal(new TextDecoder().decode(documents[3]!), PYTHON_M_OFF_WHITE);
  const cids = await Promise.all(documents.map(async (d) => (await rawBlock(d)).cid));
  assert.deepEqual(
    group.combos.map((c, i) => [c.label, cids[i]]),
    PYTHON_COMBO_CIDS,
  );
  for (const [i, { variant }] of group.combos.entries()) {
    const parsed = parseVariant(JSON.parse(new TextDecoder().decode(documents[i]!)).variant);
    assert.deepEqual(parsed?.options, variant.options);
  }
});

test("combinations are the cartesian product of the values, in the CLI's order", () => {
  assert.deepEqual(cartesian([['S', 'M'], ['Black'], ['Regular', 'Slim']]), [
    ['S', 'Black', 'Regular'],
    ['S', 'Black', 'Slim'],
    ['M', 'Black', 'Regular'],
    ['M', 'Black', 'Slim'],
  ]);
  assert.deepEqual(cartesian([]), [[]]);
  const three = optionGroup(
    'Tee',
    [
      { name: 'size', values: 'S, M, L' },
      { name: 'colour', values: 'Black, White' },
      { name: 'fit', values: 'Regular, Slim' },
    ],
    () => '2',
  );
  assert.equal(three?.combos.length, 12);
  assert.equal(three?.combos[11]!.label, 'L/White/Slim');
});

test('a product without options keeps its document (and CID) unchanged', async () => {
  assert.equal(optionGroup('Mug', one('', '  '), stock({})), null);
  assert.equal(optionGroup('Mug', [], stock({})), null);
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
    assert.throws(() => optionGroup(title, one(name, values), ok), message, `${name}=${values}`);
  }
  assert.throws(
    () => optionGroup('Tee', one('size', 'S, M'), stock({ S: '2', M: 'many' })),
    /Stock of M: a whole number/,
  );
  assert.throws(
    () => optionGroup('Tee', one('size', 'S'), stock({ S: '4294967296' })),
    /Stock of S: at most 4294967295/,
  );
});

test('bad fields of several options are refused, each named by its row, before anything is sent', () => {
  const size = { name: 'size', values: 'S, M' };
  const cases: [{ name: string; values: string }[], string][] = [
    [
      [size, { name: 'size', values: 'L' }],
      'Option 2: “size” is given twice; give each option once, with all its values',
    ],
    [[size, { name: '', values: 'Black' }], 'Option 2: give its name (such as colour) for the values'],
    [
      [size, { name: 'Colour', values: 'Black' }],
      'Option 2: “Colour” must be a lower-case letter, then up to 19 of a-z, 0-9 and - (such as size, colour)',
    ],
    [[size, { name: 'colour', values: '' }], 'Values of colour: give them separated by commas, such as S, M, L'],
    [[size, { name: 'colour', values: 'Black, black, Black' }], 'Values of colour: “Black” is given twice'],
    [
      [size, { name: '', values: '' }, { name: 'fit', values: 'Slim,' }],
      'Values of fit: value 2 is empty (two commas in a row, or one at the end)',
    ],
    [
      [size, { name: 'colour', values: 'A' }, { name: 'fit', values: 'B' }, { name: 'cut', values: 'C' }],
      'Options: 4 options; at most 3 (such as size, colour, fit)',
    ],
    [
      [
        { name: 'size', values: 'A,B,C,D,E,F' },
        { name: 'colour', values: 'A,B,C,D,E,F' },
        { name: 'fit', values: 'A,B,C' },
      ],
      `Options: 6 values of size, 6 of colour and 3 of fit make 108 products; the page lists at most ${MAX_COMBINATIONS} at once (each is its own transaction)`,
    ],
  ];
  for (const [fields, message] of cases) {
    assert.throws(() => optionGroup('Tee', fields, () => '1'), { message }, JSON.stringify(fields));
  }
  const colours = [size, { name: 'colour', values: 'Black, White' }];
  assert.throws(
    () => optionGroup('Tee', colours, stock({ 'S/Black': '1', 'S/White': '1', 'M/Black': '', 'M/White': '1' })),
    { message: 'Stock of M/Black: a whole number' },
  );
});

test('an edit gives each product of a group its new document, its own options kept; unchanged ones are left out', async () => {
  const group = optionGroup(TITLE, one('size', 'S, M, L'), () => '1');
  assert.ok(group);
  // On chain: S and M have the old document, L already the new one (a save stopped midway, tried again).
  const onChain = async (title: string, variant: (typeof group.combos)[number]['variant']) => {
    const block = await rawBlock(productDocument(title, DESCRIPTION, IMAGES, variant));
    return { metadataDigest: block.digest.toUpperCase().replace('0X', '0x'), metadataCodec: 0n, variant };
  };
  const targets = await Promise.all(group.combos.map((c, i) => onChain(i === 2 ? TITLE : 'Old title', c.variant)));
  const edits = await editedDocuments(TITLE, DESCRIPTION, IMAGES, targets);
  assert.deepEqual(
    edits.map((e) => variantLabel(e.target.variant!)),
    ['S', 'M'],
  );
  assert.deepEqual(
    edits.map((e) => e.block.cid),
    PYTHON_CIDS.slice(0, 2),
  );
  assert.deepEqual(await editedDocuments(TITLE, DESCRIPTION, IMAGES, targets.slice(2)), []);
  // A product without options: no variant in its document; a dag-pb document on chain is always replaced.
  const plain = {
    metadataDigest: (await rawBlock(productDocument('Mug', '', []))).digest,
    metadataCodec: 1,
    variant: null,
  };
  assert.equal((await editedDocuments('Mug', '', [], [plain])).length, 1);
  assert.equal((await editedDocuments('Mug', '', [], [{ ...plain, metadataCodec: 0 }])).length, 0);
  await assert.rejects(editedDocuments('  ', '', [], [plain]), { message: 'Title: must not be empty' });
  assert.equal(
    variantLabel({ group: 'g', options: { size: 'M', colour: 'Black' }, choices: { colour: ['Black'], size: ['M'] } }),
    'Black/M',
  );
});
