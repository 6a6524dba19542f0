import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PinningError, pinService } from '../src/workspace/pinning';

// The listing form's pinning fields; the requests themselves run against a real IPFS Cluster in
// tests/page/test_workspace.py and tests/page/test_bad_input.py.
test('no endpoint and no token: no pinning service', () => {
  assert.equal(pinService('  ', ''), null);
});

test('an endpoint is kept with its path, without a trailing slash; the token trimmed', () => {
  assert.deepEqual(pinService(' https://api.pinata.cloud/psa/ ', ' jwt.abc \n'), {
    endpoint: 'https://api.pinata.cloud/psa',
    token: 'jwt.abc',
  });
  assert.deepEqual(pinService('http://127.0.0.1:9097', 't'), { endpoint: 'http://127.0.0.1:9097', token: 't' });
});

test('bad endpoints and a missing half are refused in words', () => {
  const refused = (endpoint: string, token: string, words: RegExp) =>
    assert.throws(
      () => pinService(endpoint, token),
      (e: unknown) => e instanceof PinningError && words.test(e.message),
    );
  refused('ftp://pins.example/psa', 't', /must be http or https, not ftp:/);
  refused('pins.example', 't', /“pins\.example” is not a URL/);
  refused('https://user:secret@pins.example/psa', 't', /put the access token in its own field, not in the URL/);
  refused('https://pins.example/psa?token=t', 't', /takes no \?query or #fragment/);
  refused('https://pins.example/psa', ' ', /enter the access token of https:\/\/pins\.example$/);
  refused('', 'secret', /enter its endpoint URL too, or clear the token/);
});

test('a refusal never carries the token', () => {
  for (const [endpoint, token] of [
    ['ftp://x', 'tok-123'],
    ['https://u:p@x', 'tok-123'],
    ['', 'tok-123'],
  ] as const) {
    assert.throws(
      () => pinService(endpoint, token),
      (e: unknown) => !(e as Error).message.includes('tok-123'),
    );
  }
});
