import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, parseConfig } from '../src/config';

const GOOD = {
  chainId: 31337,
  address: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
  deploymentBlock: 1,
  codeHash: `0x${'AB'.repeat(32)}`,
  rpcUrl: 'http://127.0.0.1:8545',
};

test('a good config parses, with local-chain detection and a lower-case hash', () => {
  const config = parseConfig(GOOD);
  assert.equal(config.chainId, 31337);
  assert.equal(config.local, true);
  assert.equal(config.deploymentBlock, 1n);
  assert.equal(config.codeHash, `0x${'ab'.repeat(32)}`);
  assert.equal(config.rpcUrl, 'http://127.0.0.1:8545');
  assert.equal(config.seller, null);
  assert.equal(config.rpcOverridden, false);
  assert.ok(Object.isFrozen(config));
  assert.equal(parseConfig({ ...GOOD, chainId: 11155111 }).local, false);
});

test('?rpc= overrides the RPC, but only with an http(s) URL', () => {
  const config = parseConfig(GOOD, '?rpc=https%3A%2F%2Fnode.example%2Fv1');
  assert.equal(config.rpcUrl, 'https://node.example/v1');
  assert.equal(config.rpcOverridden, true);
  assert.throws(() => parseConfig(GOOD, '?rpc=javascript:alert(1)'), ConfigError);
  assert.throws(() => parseConfig(GOOD, '?rpc=nonsense'), ConfigError);
});

test('storefront fields are checked', () => {
  const config = parseConfig({
    ...GOOD,
    seller: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
    sellerDocument: ' bafkreif4xyug5bggrqeayzahtwgcr23aq3ubqhumu4fdayahccwuwncxsa',
  });
  assert.equal(config.seller, '0x70997970C51812dc3A010C7d01b50e0d17dc79C8');
  assert.equal(config.sellerDocument, 'bafkreif4xyug5bggrqeayzahtwgcr23aq3ubqhumu4fdayahccwuwncxsa');
  assert.throws(() => parseConfig({ ...GOOD, seller: 'bob' }), /seller/);
  assert.throws(
    () => parseConfig({ ...GOOD, seller: '0x70997970c51812dc3A010C7d01b50e0d17dc79C8' }),
    /seller .* fails its checksum/,
  );
  assert.throws(() => parseConfig({ ...GOOD, sellerDocument: 'nope' }), /sellerDocument/);
  // A CIDv0 names a dag-pb file the page could never check: refused, as `dapp page build` refuses it.
  assert.throws(
    () => parseConfig({ ...GOOD, sellerDocument: 'QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn' }),
    /CIDv0/,
  );
  assert.throws(
    () => parseConfig({ ...GOOD, address: '0x5fbDB2315678afecb367f032d93F642f64180aa3' }),
    /address .* fails its checksum/,
  );
  // All lower case carries no checksum: accepted, as everywhere else.
  assert.equal(parseConfig({ ...GOOD, address: GOOD.address.toLowerCase() }).address, GOOD.address.toLowerCase());
});

test('every required field is checked', () => {
  for (const [key, value] of <[string, unknown][]>[
    ['chainId', '31337'],
    ['chainId', 0],
    ['address', '0x1234'],
    ['deploymentBlock', -1],
    ['codeHash', '0x12'],
    ['rpcUrl', undefined],
    ['rpcUrl', 'ftp://x'],
  ]) {
    assert.throws(() => parseConfig({ ...GOOD, [key]: value }), ConfigError, `${key}=${value}`);
  }
  assert.throws(() => parseConfig(null), ConfigError);
  assert.throws(() => parseConfig([]), ConfigError);
});

test('release fields: what `dapp page release` embeds, each checked', () => {
  const none = parseConfig(GOOD).release;
  assert.deepEqual(none, { ipnsName: null, sourceCommit: null, sourceDate: null, sourceDirty: false });
  const name = 'k51qzi5uqu5dk0o4xqkfp0yb4wzjras6uckl4g1gn869sxxoqvi44rks5mo8yj';
  const commit = 'ebe5b4c'.padEnd(40, '0');
  const release = parseConfig({
    ...GOOD,
    ipnsName: name,
    sourceCommit: commit,
    sourceDate: '2026-12-05T06:00:00+00:00',
    sourceDirty: true,
  }).release;
  assert.deepEqual(release, {
    ipnsName: name,
    sourceCommit: commit,
    sourceDate: '2026-12-05T06:00:00+00:00',
    sourceDirty: true,
  });
  assert.ok(Object.isFrozen(release));
  assert.throws(() => parseConfig({ ...GOOD, ipnsName: 'shop.example' }), /ipnsName must be an IPNS name/);
  assert.throws(() => parseConfig({ ...GOOD, ipnsName: 42 }), /ipnsName/);
  assert.throws(() => parseConfig({ ...GOOD, sourceCommit: 'ebe5b4c' }), /sourceCommit must be a git commit id/);
  assert.throws(() => parseConfig({ ...GOOD, sourceDate: 'yesterday' }), /sourceDate must be an ISO 8601 date/);
  assert.throws(() => parseConfig({ ...GOOD, sourceDirty: 'yes' }), /sourceDirty must be true or false/);
});

test('the indexer comes from config.json or ?indexer=, and a bad one is set aside with the reason', () => {
  assert.equal(parseConfig(GOOD).indexer, null);
  const configured = parseConfig({ ...GOOD, indexer: 'http://127.0.0.1:42069/' });
  assert.equal(configured.indexer, 'http://127.0.0.1:42069');
  assert.equal(configured.indexerProblem, null);
  assert.equal(
    parseConfig({ ...GOOD, indexer: 'http://a.example' }, '?indexer=https%3A%2F%2Fidx.example').indexer,
    'https://idx.example',
  );
  assert.equal(parseConfig({ ...GOOD, indexer: 'http://a.example' }, '?indexer=').indexer, null);
  const bad = parseConfig(GOOD, '?indexer=ftp://idx.example');
  assert.equal(bad.indexer, null);
  assert.match(bad.indexerProblem ?? '', /\?indexer= must be http\(s\)/);
  assert.match(parseConfig({ ...GOOD, indexer: 'nonsense' }).indexerProblem ?? '', /config.json: indexer is not a URL/);
});
