import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gatewayFor } from '../src/gateway';

const DOC = 'bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am';
const PAGE = 'bafybeiczsscdsbs7ffqz55asqdf3smv6klcw3gofszvwlyarci47bgf354';
const NAME = 'k51qzi5uqu5dk0o4xqkfp0yb4wzjras6uckl4g1gn869sxxoqvi44rks5mo8yj';

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
  assert.equal(gw.pageCid, null);
  assert.equal(gw.pageName, null);
  assert.equal(gw.nameUrl(NAME), `http://localhost:5173/ipns/${NAME}/`);
});

test('under an IPNS name: no page CID, documents still under /ipfs/ in the same form', () => {
  const path = gatewayFor(loc(`http://127.0.0.1:8080/ipns/${NAME}/#/product/3`));
  assert.equal(path.kind, 'path');
  assert.equal(path.pageCid, null);
  assert.equal(path.pageName, NAME);
  assert.equal(path.url(DOC), `http://127.0.0.1:8080/ipfs/${DOC}`);
  const sub = gatewayFor(loc(`http://${NAME}.ipns.localhost:8080/`));
  assert.equal(sub.kind, 'subdomain');
  assert.equal(sub.pageName, NAME);
  assert.equal(sub.url(DOC), `http://${DOC}.ipfs.localhost:8080/`);
  assert.equal(sub.nameUrl(NAME), `http://${NAME}.ipns.localhost:8080/`);
  // A DNSLink name on a subdomain gateway: dots become dashes in the label.
  assert.equal(gatewayFor(loc('https://shop-example-com.ipns.dweb.link/')).pageName, 'shop-example-com');
});

test('the /ipns/ address of a name, in the form of an /ipfs/ page', () => {
  assert.equal(
    gatewayFor(loc(`http://127.0.0.1:8080/ipfs/${PAGE}/`)).nameUrl(NAME),
    `http://127.0.0.1:8080/ipns/${NAME}/`,
  );
  assert.equal(
    gatewayFor(loc(`http://${PAGE}.ipfs.localhost:8080/`)).nameUrl(NAME),
    `http://${NAME}.ipns.localhost:8080/`,
  );
});
