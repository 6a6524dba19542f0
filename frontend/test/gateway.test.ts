import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gatewayFor } from '../src/gateway';

const DOC = 'bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am';
const PAGE = 'bafybeiczsscdsbs7ffqz55asqdf3smv6klcw3gofszvwlyarci47bgf354';

const loc = (href: string) => {
  const u = new URL(href);
  return { protocol: u.protocol, hostname: u.hostname, port: u.port, pathname: u.pathname };
};

test('path gateway: same origin, /ipfs/CID', () => {
  const gw = gatewayFor(loc(`http://127.0.0.1:8080/ipfs/${PAGE}/#/product/3`));
  assert.equal(gw.kind, 'path');
  assert.equal(gw.pageCid, PAGE);
  assert.equal(gw.url(DOC), `http://127.0.0.1:8080/ipfs/${DOC}`);
});

test('subdomain gateway: one origin per CID, port kept', () => {
  const gw = gatewayFor(loc(`http://${PAGE}.ipfs.localhost:8080/`));
  assert.equal(gw.kind, 'subdomain');
  assert.equal(gw.pageCid, PAGE);
  assert.equal(gw.url(DOC), `http://${DOC}.ipfs.localhost:8080/`);
  const https = gatewayFor(loc(`https://${PAGE}.ipfs.dweb.link/index.html`));
  assert.equal(https.url(DOC), `https://${DOC}.ipfs.dweb.link/`);
});

test('anything else is a path gateway on the page origin', () => {
  const gw = gatewayFor(loc('http://localhost:5173/index.html'));
  assert.equal(gw.kind, 'origin');
  assert.equal(gw.url(DOC), `http://localhost:5173/ipfs/${DOC}`);
});
