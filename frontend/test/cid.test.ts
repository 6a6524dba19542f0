import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { cidToDigest, digestToCid, isEmptyDigest, normalizeCid } from '../src/cid';

// `ipfs add --cid-version=1` of the bytes "hello\n" (a raw leaf: the CID digest is the file's sha-256).
const HELLO_CID = 'bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am';
// The empty UnixFS directory, dag-pb, in v0 and v1 form.
const EMPTY_DIR_V0 = 'QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn';
const EMPTY_DIR_V1 = 'bafybeiczsscdsbs7ffqz55asqdf3smv6klcw3gofszvwlyarci47bgf354';

test('a raw CID carries the sha-256 of the bytes', () => {
  const digest = `0x${createHash('sha256').update('hello\n').digest('hex')}`;
  assert.deepEqual(cidToDigest(HELLO_CID), { digest, codec: 0 });
  assert.equal(digestToCid(digest, 0), HELLO_CID);
});

test('dag-pb CIDs round-trip, and v0 is read as v1', () => {
  const { digest, codec } = cidToDigest(EMPTY_DIR_V0);
  assert.equal(codec, 1);
  assert.equal(digestToCid(digest, codec), EMPTY_DIR_V1);
  assert.deepEqual(cidToDigest(EMPTY_DIR_V1), { digest, codec });
  assert.equal(normalizeCid(EMPTY_DIR_V0), EMPTY_DIR_V1);
});

test('bad input is refused', () => {
  assert.throws(() => digestToCid('0x1234', 0), RangeError);
  assert.throws(() => digestToCid(`0x${'ab'.repeat(32)}`, 2), /unknown codec/);
  assert.throws(() => cidToDigest('not a cid'));
  // dag-cbor (0x71) is neither codec the contract stores
  assert.throws(
    () => cidToDigest('bafyreigbtj4x7ip5legnfznufuopl4sg4knzc2cof6duas4b3q2fy6swua'),
    /neither raw nor dag-pb/,
  );
  assert.equal(normalizeCid('<script>'), null);
});

test('the zero digest means no document', () => {
  assert.equal(isEmptyDigest(`0x${'0'.repeat(64)}`), true);
  assert.equal(isEmptyDigest(`0x${'0'.repeat(63)}1`), false);
});
