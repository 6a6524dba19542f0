// Where IPFS content comes from: the gateway that served this page, in the same form it used.
//   subdomain: http://<pageCID>.ipfs.localhost:8080/  -> http://<cid>.ipfs.localhost:8080/
//   path:      http://127.0.0.1:8080/ipfs/<pageCID>/  -> http://127.0.0.1:8080/ipfs/<cid>
// Anything else (a local dev server) is treated as a path gateway on the same origin.

const SUBDOMAIN = /^([a-z0-9]+)\.ipfs\.(.+)$/;
const PATH = /^\/ipfs\/([^/]+)(\/|$)/;

export interface Gateway {
  kind: 'subdomain' | 'path' | 'origin';
  pageCid: string | null;
  url(cid: string): string;
}

export type LocationLike = Pick<Location, 'protocol' | 'hostname' | 'port' | 'pathname'>;

/** The gateway of a `location`-like object (protocol, hostname, port, pathname). */
export function gatewayFor(location: LocationLike): Gateway {
  const port = location.port ? `:${location.port}` : '';
  const sub = SUBDOMAIN.exec(location.hostname);
  if (sub) {
    const parent = sub[2];
    return {
      kind: 'subdomain',
      pageCid: sub[1] ?? null,
      url: (cid) => `${location.protocol}//${cid}.ipfs.${parent}${port}/`,
    };
  }
  const origin = `${location.protocol}//${location.hostname}${port}`;
  const path = PATH.exec(location.pathname);
  return {
    kind: path ? 'path' : 'origin',
    pageCid: path?.[1] ?? null,
    url: (cid) => `${origin}/ipfs/${cid}`,
  };
}
