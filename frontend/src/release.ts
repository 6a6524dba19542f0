// Which release of the page this is, and whether the shop's stable name now points at a newer one.
//
// Under a mutable address (an IPNS name, `/ipns/NAME/` or `NAME.ipns.host`, or a DNSLink host) the page
// cannot know its CID from its URL: it asks the gateway, whose answer for its own index names the root in
// `X-Ipfs-Roots` (Kubo 0.39: the CIDs along the path, root first; `X-Ipfs-Path` is the path as asked).
// Under an immutable `/ipfs/CID/` address the CID is in the URL, and one HEAD of `/ipns/<ipnsName>/` on the
// same gateway says where the name points now: another CID means a newer release (or a rollback: the name
// is what the shop's owner says is current). Kubo sends `Access-Control-Expose-Headers: X-Ipfs-Roots`, so a
// subdomain page (another origin than `NAME.ipns.host`) reads it too. Any failure gives null: say nothing.
import { normalizeCid } from './cid';
import type { ReleaseSource } from './config';
import type { Gateway } from './gateway';

const TIMEOUT_MS = 15_000;

export type Fetcher = (url: string, init: RequestInit) => Promise<Pick<Response, 'ok' | 'headers'>>;

export interface Release {
  /** The CID of the release this page runs, when known. */
  cid: string | null;
  /** The stable name points at another release: where that one opens. */
  newer: { cid: string; url: string } | null;
}

/** The root CID a gateway response names (first of `X-Ipfs-Roots`, else an `/ipfs/CID` `X-Ipfs-Path`). */
export function rootOf(headers: Pick<Headers, 'get'>): string | null {
  const roots = headers.get('x-ipfs-roots');
  if (roots) return normalizeCid(roots.split(',')[0]);
  const path = /^\/ipfs\/([^/?#]+)/.exec(headers.get('x-ipfs-path') ?? '');
  return path ? normalizeCid(path[1]) : null;
}

/** The root CID the gateway serves at `url` (one HEAD, never from the browser's cache), or null. */
export async function rootAt(url: string, fetcher: Fetcher = fetch): Promise<string | null> {
  try {
    const response = await fetcher(url, {
      method: 'HEAD',
      cache: 'no-store',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    return response.ok ? rootOf(response.headers) : null;
  } catch {
    return null;
  }
}

/** What this page can say about its release: `self` is the page's own index (`./` of its address). */
export async function learnRelease(
  gateway: Gateway,
  source: ReleaseSource,
  self: string,
  fetcher: Fetcher = fetch,
): Promise<Release> {
  const pageCid = gateway.pageCid === null ? null : normalizeCid(gateway.pageCid);
  if (pageCid === null) {
    // A mutable address: whatever the gateway resolves it to now is the release that loaded (a name moved in
    // the instant between loading and this request would name its successor, which the link then opens).
    return { cid: await rootAt(self, fetcher), newer: null };
  }
  // A page built by `dapp page build`/`dapp up` is no release: its CID is in the address bar already.
  if (!source.ipnsName) return { cid: source.sourceCommit ? pageCid : null, newer: null };
  const url = gateway.nameUrl(source.ipnsName);
  const current = await rootAt(url, fetcher);
  return { cid: pageCid, newer: current !== null && current !== pageCid ? { cid: current, url } : null };
}

/** `bafybe…6dxla`: enough of a CID to tell releases apart; the full one is in the link. */
export function shortCid(cid: string): string {
  return cid.length > 16 ? `${cid.slice(0, 6)}…${cid.slice(-6)}` : cid;
}
