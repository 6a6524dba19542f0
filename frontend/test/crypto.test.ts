// The page's shipping crypto: RFC 9180's own vector (A.2.1) through the suite the envelope uses, the
// shared details table and key golden values (the same files the Python tests read), and the envelope.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { privateKeyToAccount } from 'viem/accounts';
import {
  DecryptionError,
  NondeterministicSignerError,
  ShippingDetailsError,
  ShippingKeyError,
  decodeDetails,
  deriveKeyPair,
  deriveKeyPairChecked,
  encodeDetails,
  envelopeSize,
  keyMessage,
  openEnvelope,
  seal,
  shippingDetails,
  type ShippingInput,
} from '../src/crypto';
import { bytesToHex, canonicalSignature, hexToBytes, suite } from '../src/crypto/keys';

// The fixtures live with the Python tests (tests/shipping/). This file runs from a bundle, so look upwards
// from the bundle and from the working directory (frontend/ under `make test-page` and pytest).
function fixture(name: string): any {
  for (const start of [dirname(fileURLToPath(import.meta.url)), process.cwd()]) {
    let dir = start;
    for (let i = 0; i < 6; i++, dir = dirname(dir)) {
      const path = join(dir, 'tests', 'shipping', name);
      if (existsSync(path)) return JSON.parse(readFileSync(path, 'utf8'));
    }
  }
  throw new Error(`tests/shipping/${name} not found above ${process.cwd()}`);
}

const V = fixture('rfc9180_a2_1.json');
const h = (hex: string) => hexToBytes('vector', hex);
const hex = (bytes: ArrayBuffer | Uint8Array) => bytesToHex(new Uint8Array(bytes)).slice(2);
const label = (text: string) => new TextEncoder().encode(text);

test('RFC 9180 A.2.1: DeriveKeyPair', async () => {
  assert.deepEqual([V.mode, V.kem_id, V.kdf_id, V.aead_id], [0, 0x20, 0x01, 0x03]);
  const kem = suite().kem;
  for (const who of ['E', 'R']) {
    const pair = await kem.deriveKeyPair(h(V[`ikm${who}`]));
    assert.equal(hex(await kem.serializePublicKey(pair.publicKey)), V[`pk${who}m`]);
    assert.equal(hex(await kem.serializePrivateKey(pair.privateKey)), V[`sk${who}m`]);
  }
});

test('RFC 9180 A.2.1: encap and decap', async () => {
  const kem = suite().kem;
  const recipientPublicKey = await kem.deserializePublicKey(h(V.pkRm));
  const { sharedSecret, enc } = await kem.encap({ recipientPublicKey, ekm: h(V.ikmE) });
  assert.equal(hex(enc), V.enc);
  assert.equal(hex(sharedSecret), V.shared_secret);
  const recipientKey = await kem.deserializePrivateKey(h(V.skRm));
  assert.equal(hex(await kem.decap({ recipientKey, enc })), V.shared_secret);
});

test('RFC 9180 A.2.1: key schedule', async () => {
  const kdf = suite().kdf;
  const pskIdHash = new Uint8Array(await kdf.labeledExtract(new Uint8Array(), label('psk_id_hash'), new Uint8Array()));
  const infoHash = new Uint8Array(await kdf.labeledExtract(new Uint8Array(), label('info_hash'), h(V.info)));
  const context = new Uint8Array([0, ...pskIdHash, ...infoHash]);
  assert.equal(hex(context), V.key_schedule_context);
  const secret = await kdf.labeledExtract(h(V.shared_secret), label('secret'), new Uint8Array());
  assert.equal(hex(secret), V.secret);
  assert.equal(hex(await kdf.labeledExpand(secret, label('key'), context, 32)), V.key);
  assert.equal(hex(await kdf.labeledExpand(secret, label('base_nonce'), context, 12)), V.base_nonce);
  assert.equal(hex(await kdf.labeledExpand(secret, label('exp'), context, 32)), V.exporter_secret);
});

test('RFC 9180 A.2.1: every encryption and exported value', async () => {
  const hpke = suite();
  const recipientPublicKey = await hpke.kem.deserializePublicKey(h(V.pkRm));
  const sender = await hpke.createSenderContext({ recipientPublicKey, info: h(V.info), ekm: h(V.ikmE) });
  assert.equal(hex(sender.enc), V.enc);
  const recipientKey = await hpke.kem.deserializePrivateKey(h(V.skRm));
  const recipient = await hpke.createRecipientContext({ recipientKey, enc: sender.enc, info: h(V.info) });
  const wanted = new Map<number, any>(V.encryptions.map((e: any) => [e.sequence_number, e]));
  let seen = 0;
  for (let sequence = 0; sequence <= Math.max(...wanted.keys()); sequence++) {
    const vector = wanted.get(sequence);
    const pt = vector ? h(vector.pt) : label('x');
    const aad = vector ? h(vector.aad) : new Uint8Array();
    const ct = await sender.seal(pt, aad);
    assert.equal(hex(await recipient.open(ct, aad)), hex(pt));
    if (vector) {
      assert.equal(hex(ct), vector.ct, `sequence number ${sequence}`);
      seen++;
    }
  }
  assert.equal(seen, 6);
  for (const e of V.exports) {
    assert.equal(hex(await sender.export(h(e.exporter_context), e.L)), e.exported_value);
    assert.equal(hex(await recipient.export(h(e.exporter_context), e.L)), e.exported_value);
  }
});

const CASES = fixture('details_cases.json');

test('details: the shared table of valid inputs', () => {
  for (const c of CASES.valid) {
    const details = shippingDetails(c.input as ShippingInput);
    const plaintext = encodeDetails(details);
    assert.equal(plaintext.length % 32, 0, c.case);
    let end = plaintext.length;
    while (plaintext[end - 1] === 0) end--;
    assert.equal(new TextDecoder().decode(plaintext.subarray(0, end)), c.text, c.case);
    assert.deepEqual(decodeDetails(plaintext), details, c.case);
  }
});

test('details: the shared table of invalid inputs names the field', () => {
  for (const c of CASES.invalid) {
    assert.throws(
      () => shippingDetails(c.input as ShippingInput),
      (e: unknown) => e instanceof ShippingDetailsError && e.field === c.field,
      c.case,
    );
  }
});

const KEYS = fixture('key_cases.json').cases;

test('keys: golden message, viem signature and public key', async () => {
  const { createHash } = await import('node:crypto');
  for (const c of KEYS) {
    const message = keyMessage(c.chain_id, c.catalog);
    assert.equal(createHash('sha256').update(message).digest('hex'), c.message_sha256);
    const signature = await privateKeyToAccount(c.account_private_key).signMessage({ message });
    assert.equal(signature, c.signature);
    assert.equal(bytesToHex((await deriveKeyPair(signature)).publicKey), c.public_key);
  }
});

test('keys: other encodings of one signature give one key; bad ones are refused', async () => {
  const signature = h(KEYS[0].signature.slice(2));
  const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
  const highS = signature.slice();
  highS.set(hexToBytes('', (n - BigInt(bytesToHex(signature.subarray(32, 64)))).toString(16).padStart(64, '0')), 32);
  highS[64] = 55 - signature[64]!;
  const zeroOneV = signature.slice();
  zeroOneV[64] = signature[64]! - 27;
  for (const variant of [highS, zeroOneV]) assert.deepEqual(canonicalSignature(variant), signature);
  assert.throws(() => canonicalSignature(new Uint8Array(64)), ShippingKeyError);
  assert.throws(() => canonicalSignature('0xzz'), ShippingKeyError);
  assert.throws(() => canonicalSignature(new Uint8Array(65)), /out of range/);
});

test('keys: a wallet that signs differently each time is refused', async () => {
  const accounts = [privateKeyToAccount(`0x${'11'.repeat(32)}`), privateKeyToAccount(`0x${'22'.repeat(32)}`)];
  let call = 0;
  const sign = (message: string) => accounts[call++ % 2]!.signMessage({ message });
  await assert.rejects(deriveKeyPairChecked(sign, 31337, KEYS[0].catalog), NondeterministicSignerError);
});

test('envelope: both readers open it; a stranger, another order, tampering and truncation cannot', async () => {
  const catalog = KEYS[0].catalog;
  const keyOf = async (byte: string) => {
    const account = privateKeyToAccount(`0x${byte.repeat(32)}`);
    return { account, pair: await deriveKeyPairChecked((m) => account.signMessage({ message: m }), 31337, catalog) };
  };
  const [seller, buyer, stranger] = await Promise.all(['11', '22', '33'].map(keyOf));
  const context = { chainId: 31337, catalog, productId: 3n, buyer: buyer!.account.address };
  const details = shippingDetails({
    name: 'Ada Lovelace',
    lines: '12 Rose Street',
    city: 'London',
    postcode: 'N1 9GU',
    country: 'GB',
    options: { size: 'M' },
  });
  const envelope = await seal(details, seller!.pair.publicKey, bytesToHex(buyer!.pair.publicKey), context);
  assert.equal(envelope.length, envelopeSize(details));
  assert.equal(envelope.length, 177 + 64);
  assert.deepEqual(await openEnvelope(envelope, seller!.pair, context), details);
  assert.deepEqual(await openEnvelope(bytesToHex(envelope), buyer!.pair, context), details);

  const refused = (what: string) => (e: unknown) => e instanceof DecryptionError && e.message.includes(what);
  await assert.rejects(openEnvelope(envelope, stranger!.pair, context), refused('this key does not open it'));
  for (const other of [{ productId: 4 }, { buyer: stranger!.account.address }, { chainId: 1 }]) {
    await assert.rejects(openEnvelope(envelope, buyer!.pair, { ...context, ...other }), refused('another order'));
  }
  for (let at = 0; at < envelope.length; at += 7) {
    const altered = envelope.slice();
    altered[at]! ^= 1;
    await assert.rejects(openEnvelope(altered, seller!.pair, context), DecryptionError, `byte ${at}`);
  }
  for (const length of [0, 1, 160, 176, 200, envelope.length - 1]) {
    await assert.rejects(openEnvelope(envelope.subarray(0, length), seller!.pair, context), DecryptionError);
  }
  const v2 = envelope.slice();
  v2[0] = 2;
  await assert.rejects(openEnvelope(v2, seller!.pair, context), refused('version 2; this program reads version 1'));
  await assert.rejects(seal(details, new Uint8Array(32), buyer!.pair.publicKey, context), ShippingKeyError);
  const lowOrder = new Uint8Array(32);
  lowOrder[0] = 1;
  await assert.rejects(seal(details, lowOrder, buyer!.pair.publicKey, context), ShippingKeyError);
});
