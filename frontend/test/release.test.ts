import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gatewayFor } from '../src/gateway';
import { learnRelease, rootOf, shortCid, type Fetcher } from '../src/release';

const A = 'bafybeiarnvbrw6vsboxbr7bacvijiqznf3fyuypkapew7rkzg4dcshjkei';
const B = 'bafybeiheydsqnafsjbb2aw7n32sffkmix72yqbtevizl7bf7quttp6dxla';
const FILE = 'bafkreidlq2zhh7zu7tqz224aj37vup2xi6w2j2vcf4outqa6klo3pb23jm';
const NAME = 'k51qzi5uqu5dk0o4xqkfp0yb4wzjras6uckl4g1gn869sxxoqvi44rks5mo8yj';
const SOURCE = { ipnsName: NAME, sourceCommit: null, sourceDate: null, sourceDirty: false };

const loc = (href: string) => {
  const u = new URL(href);
  return { protocol: u.protocol, hostname: u.hostname, port: u.port, pathname: u.pathname };
};

/** A gateway that answers HEAD with the headers given per URL (what Kubo 0.39 sends), 404 elsewhere. */
function gateway(answers: Record<string, Record<string, string> | Error>) {
  const asked: { url: string; init: RequestInit }[] = [];
  const fetcher: Fetcher = async (url, init) => {
    asked.push({ url, init });
    const answer = answers[url];
    if (answer instanceof Error) throw answer;
    return { ok: answer !== undefined, headers: new Headers(answer ?? {}) };
  };
  return { fetcher, asked };
}

test('the root is the first of X-Ipfs-Roots, else the CID of an /ipfs/ X-Ipfs-Path', () => {
  assert.equal(
    rootOf(new Headers({ 'X-Ipfs-Roots': `${A},bafybeiehygd6omrxdri66dbqbqfjco45lpa6nhjppbxc4daejzmbkhypya,${FILE}` })),
    A,
  );
  assert.equal(rootOf(new Headers({ 'X-Ipfs-Path': `/ipfs/${A}/assets/app.js` })), A);
  assert.equal(rootOf(new Headers({ 'X-Ipfs-Path': `/ipns/${NAME}/` })), null); // a name is not a release
  assert.equal(rootOf(new Headers({ 'X-Ipfs-Roots': 'not-a-cid' })), null);
  assert.equal(rootOf(new Headers({})), null);
  // CIDv0 roots are given in the page's canonical form (base32 v1).
  assert.equal(
    rootOf(new Headers({ 'X-Ipfs-Roots': 'QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn' })),
    'bafybeiczsscdsbs7ffqz55asqdf3smv6klcw3gofszvwlyarci47bgf354',
  );
});

test('under an IPNS name the page asks the gateway for its own root, with one uncached HEAD', async () => {
  const self = `http://127.0.0.1:8080/ipns/${NAME}/`;
  const { fetcher, asked } = gateway({ [self]: { 'X-Ipfs-Path': `/ipns/${NAME}/`, 'X-Ipfs-Roots': A } });
  const release = await learnRelease(gatewayFor(loc(`${self}#/product/2`)), SOURCE, self, fetcher);
  assert.deepEqual(release, { cid: A, newer: null });
  assert.equal(asked.length, 1);
  assert.equal(asked[0]?.init.method, 'HEAD');
  assert.equal(asked[0]?.init.cache, 'no-store');
});

test('a DNSLink host is asked the same way; a server that is no gateway gives no CID', async () => {
  const self = 'https://shop.example/';
  const dnslink = gateway({ [self]: { 'X-Ipfs-Path': '/ipns/shop.example/', 'X-Ipfs-Roots': B } });
  assert.deepEqual(await learnRelease(gatewayFor(loc(self)), SOURCE, self, dnslink.fetcher), { cid: B, newer: null });
  const plain = gateway({ [self]: {} });
  assert.deepEqual(await learnRelease(gatewayFor(loc(self)), SOURCE, self, plain.fetcher), { cid: null, newer: null });
  const down = gateway({ [self]: new TypeError('Failed to fetch') });
  assert.deepEqual(await learnRelease(gatewayFor(loc(self)), SOURCE, self, down.fetcher), { cid: null, newer: null });
});

test('under /ipfs/CID the name is resolved on the same gateway: another CID is a newer release', async () => {
  const page = `http://127.0.0.1:8080/ipfs/${A}/`;
  const name = `http://127.0.0.1:8080/ipns/${NAME}/`;
  const moved = gateway({ [name]: { 'X-Ipfs-Roots': B } });
  assert.deepEqual(await learnRelease(gatewayFor(loc(page)), SOURCE, page, moved.fetcher), {
    cid: A,
    newer: { cid: B, url: name },
  });
  assert.deepEqual(
    moved.asked.map((a) => a.url),
    [name],
  ); // the page's own CID is in its address
  const same = gateway({ [name]: { 'X-Ipfs-Roots': A } });
  assert.deepEqual(await learnRelease(gatewayFor(loc(page)), SOURCE, page, same.fetcher), { cid: A, newer: null });
  const unresolvable = gateway({});
  assert.deepEqual(await learnRelease(gatewayFor(loc(page)), SOURCE, page, unresolvable.fetcher), {
    cid: A,
    newer: null,
  });
  // No name to ask about: nothing is asked; a page that is no release at all says nothing.
  const noName = gateway({});
  const commit = 'ebe5b4c'.padEnd(40, '0');
  const built = await learnRelease(
    gatewayFor(loc(page)),
    { ...SOURCE, ipnsName: null, sourceCommit: commit },
    page,
    noName.fetcher,
  );
  assert.deepEqual(built, { cid: A, newer: null });
  const plain = await learnRelease(gatewayFor(loc(page)), { ...SOURCE, ipnsName: null }, page, noName.fetcher);
  assert.deepEqual(plain, { cid: null, newer: null });
  assert.equal(noName.asked.length, 0);
});

test('a subdomain page asks the name subdomain (Kubo exposes X-Ipfs-Roots to other origins)', async () => {
  const page = `http://${A}.ipfs.localhost:8080/`;
  const name = `http://${NAME}.ipns.localhost:8080/`;
  const moved = gateway({ [name]: { 'X-Ipfs-Roots': B } });
  assert.deepEqual(await learnRelease(gatewayFor(loc(page)), SOURCE, page, moved.fetcher), {
    cid: A,
    newer: { cid: B, url: name },
  });
});

test('short CIDs keep both ends', () => {
  assert.equal(shortCid(A), 'bafybe…shjkei');
  assert.equal(shortCid('bafy'), 'bafy');
});
