// Where IPFS content comes from: the gateway that served this page, in the same form it used.
//   subdomain: http://<pageCID>.ipfs.localhost:8080/  -> http://<cid>.ipfs.localhost:8080/
//              http://<name>.ipns.localhost:8080/     -> http://<cid>.ipfs.localhost:8080/
//   path:      http://127.0.0.1:8080/ipfs/<pageCID>/  -> http://127.0.0.1:8080/ipfs/<cid>
//              http://127.0.0.1:8080/ipns/<name>/     -> http://127.0.0.1:8080/ipfs/<cid>
// Anything else (a DNSLink host, a local dev server) is treated as a path gateway on the same origin.

const SUBDOMAIN = /^([a-z0-9-]+)\.(ipfs|ipns)\.(.+)$/;
const PATH = /^\/(ipfs|ipns)\/([^/]+)(\/|$)/;

export interface Gateway {
  kind: 'subdomain' | 'path' | 'origin';
  /** The CID in the page's address (`/ipfs/CID/`, `CID.ipfs.host`): the page cannot change under it. */
  pageCid: string | null;
  /** The IPNS name in the page's address (`/ipns/NAME/`, `NAME.ipns.host`): the page may change under it. */
  pageName: string | null;
  url(cid: string): string;
  /** Where an IPNS name opens on this gateway, in the same form. */
  nameUrl(name: string): string;
}

export type LocationLike = Pick<Location, 'protocol' | 'hostname' | 'port' | 'pathname'>;

/** The gateway of a `location`-like object (protocol, hostname, port, pathname). */
export function gatewayFor(location: LocationLike): Gateway {
  const port = location.port ? `:${location.port}` : '';
  const sub = SUBDOMAIN.exec(location.hostname);
  if (sub) {
    const [, label = '', namespace, parent = ''] = sub;
    return {
      kind: 'subdomain',
      pageCid: namespace === 'ipfs' ? label : null,
      pageName: namespace === 'ipns' ? label : null,
      url: (cid) => `${location.protocol}//${cid}.ipfs.${parent}${port}/`,
      nameUrl: (name) => `${location.protocol}//${name}.ipns.${parent}${port}/`,
    };
  }
  const origin = `${location.protocol}//${location.hostname}${port}`;
  const path = PATH.exec(location.pathname);
  return {
    kind: path ? 'path' : 'origin',
    pageCid: path?.[1] === 'ipfs' ? (path[2] ?? null) : null,
    pageName: path?.[1] === 'ipns' ? (path[2] ?? null) : null,
    url: (cid) => `${origin}/ipfs/${cid}`,
    nameUrl: (name) => `${origin}/ipns/${name}/`,
  };
}
