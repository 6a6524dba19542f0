// Pinning a listing's CIDs on a remote service through the IPFS Pinning Service API
// (ipfs.github.io/pinning-services-api-spec: Pinata, Filebase, IPFS Cluster's pinsvcapi…). The API takes no
// bytes: it pins CIDs a node already provides, so the page adds them to the seller's Kubo first (ipfs.ts) and
// names that node's addresses as `origins`. The token travels in the Authorization header only: never in a
// URL, never in a message, never stored by this module.

const TIMEOUT_MS = 30000;
const MAX_ORIGINS = 20; // the spec's cap
const POLL_FIRST_MS = 1000;
const POLL_MAX_MS = 5000;
export const WATCH_MS = 10 * 60 * 1000; // after this the panel stops asking and says so

export type PinState = 'queued' | 'pinning' | 'pinned' | 'failed';
const STATES: readonly string[] = ['queued', 'pinning', 'pinned', 'failed'];

/** A pinning service refused or could not be reached; the message names the endpoint, never the token. */
export class PinningError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PinningError';
  }
}

export interface PinService {
  /** The endpoint as typed, checked: http(s), no credentials, query or fragment; no trailing slash. */
  endpoint: string;
  token: string;
}

export interface PinStatus {
  requestid: string;
  status: PinState;
}

/** The endpoint and token the seller typed, checked; null when both are empty (no pinning service). */
export function pinService(endpoint: string, token: string): PinService | null {
  const typed = endpoint.trim();
  const secret = token.trim();
  if (!typed && !secret) return null;
  if (!typed) throw new PinningError('Pinning service: enter its endpoint URL too, or clear the token');
  let url: URL;
  try {
    url = new URL(typed);
  } catch {
    throw new PinningError(
      `Pinning service: “${typed}” is not a URL (an http or https address ending in /psa, as services give it)`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new PinningError(`Pinning service: the endpoint must be http or https, not ${url.protocol}`);
  }
  if (url.username || url.password) {
    throw new PinningError('Pinning service: put the access token in its own field, not in the URL');
  }
  if (url.search || url.hash) throw new PinningError('Pinning service: the endpoint URL takes no ?query or #fragment');
  if (!secret) throw new PinningError(`Pinning service: enter the access token of ${url.origin}`);
  return { endpoint: `${url.origin}${url.pathname}`.replace(/\/+$/, ''), token: secret };
}

/** The spec's error body ({"error": {"reason", "details"}}) in words, the token cut out if echoed. */
async function reason(response: Response, token: string): Promise<string> {
  let words = '';
  try {
    const failure = ((await response.json()) as { error?: { reason?: unknown; details?: unknown } }).error;
    words = [failure?.reason, failure?.details].filter((w) => typeof w === 'string' && w).join(': ');
  } catch {
    words = '';
  }
  words = words.split(token).join('…').slice(0, 200);
  const hint = response.status === 401 || response.status === 403 ? 'the access token was refused' : '';
  return [hint, words].filter(Boolean).join('; ');
}

async function call(
  service: PinService,
  method: 'GET' | 'POST',
  path: string,
  doing: string,
  body?: unknown,
): Promise<unknown> {
  const where = service.endpoint;
  let response: Response;
  try {
    response = await fetch(`${where}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${service.token}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? null : JSON.stringify(body),
      credentials: 'omit',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    throw await unreadable(`${where}${path}`, where, doing, error as Error);
  }
  if (!response.ok) {
    const why = await reason(response, service.token);
    throw new PinningError(
      `the pinning service at ${where} refused ${doing} (HTTP ${response.status}${why ? `: ${why}` : ''})`,
    );
  }
  try {
    return await response.json();
  } catch {
    throw new PinningError(`what answers at ${where} is not a Pinning Service API (no JSON after ${doing})`);
  }
}

/**
 * Why a request failed with no response the page may read: nothing answers at all, or the service answered
 * without CORS headers (so the browser hides its reply). A bare no-cors GET tells the two apart. IPFS
 * Cluster checks the token before CORS, so its 401 is such an unreadable reply.
 */
async function unreadable(url: string, where: string, doing: string, error: Error): Promise<PinningError> {
  if (error.name === 'TimeoutError') {
    return new PinningError(`the pinning service at ${where} did not answer ${doing} within ${TIMEOUT_MS / 1000} s`);
  }
  try {
    await fetch(url, { mode: 'no-cors', credentials: 'omit', signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch {
    return new PinningError(
      `the pinning service at ${where} does not answer (${error.name}): is it running, and is the endpoint right?`,
    );
  }
  return new PinningError(
    `the pinning service at ${where} answered ${doing} without CORS headers, so this page cannot read why: ` +
      `most likely the access token was refused (IPFS Cluster sends its HTTP 401 so), or the service does not ` +
      `allow this page’s origin (${location.origin}) to send GET and POST with an Authorization header`,
  );
}

function status(value: unknown, where: string): PinStatus {
  const item = value as { requestid?: unknown; status?: unknown } | null;
  if (typeof item?.requestid !== 'string' || !item.requestid || !STATES.includes(String(item.status))) {
    throw new PinningError(`what answers at ${where} is not a Pinning Service API (no requestid and status)`);
  }
  return { requestid: item.requestid, status: item.status as PinState };
}

/** One listing of the service's pins: the token and the page's origin are accepted (nothing is pinned). */
export async function checkService(service: PinService): Promise<void> {
  const listing = (await call(service, 'GET', '/pins?limit=1', 'the token check')) as { count?: unknown } | null;
  if (typeof listing?.count !== 'number') {
    throw new PinningError(`what answers at ${service.endpoint} is not a Pinning Service API (GET /pins has no count)`);
  }
}

/** Ask the service to pin `cid`, fetching it from `origins` (multiaddrs of a node that has it). */
export async function requestPin(
  service: PinService,
  cid: string,
  name: string,
  origins: readonly string[],
): Promise<PinStatus> {
  const body = { cid, name: name.slice(0, 255), ...(origins.length ? { origins: origins.slice(0, MAX_ORIGINS) } : {}) };
  return status(await call(service, 'POST', '/pins', `the pin request for ${cid}`, body), service.endpoint);
}

export async function pinStatus(service: PinService, requestid: string): Promise<PinStatus> {
  const path = `/pins/${encodeURIComponent(requestid)}`;
  return status(await call(service, 'GET', path, 'a status request'), service.endpoint);
}

/**
 * Ask for every request's status until each is pinned or failed (or `WATCH_MS` passed, or `alive()` says
 * stop), calling `report` with each change. A status request that fails is said once and asked again.
 */
export async function watchPins(
  service: PinService,
  requests: readonly string[],
  report: (requestid: string, state: PinState) => void,
  alive: () => boolean,
  problem: (message: string) => void,
  sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
): Promise<'done' | 'timeout' | 'stopped'> {
  const open = new Set(requests);
  const started = Date.now();
  let wait = POLL_FIRST_MS;
  let said = false;
  while (open.size) {
    await sleep(wait);
    if (!alive()) return 'stopped';
    if (Date.now() - started > WATCH_MS) return 'timeout';
    for (const id of [...open]) {
      try {
        const now = await pinStatus(service, id);
        report(id, now.status);
        if (now.status === 'pinned' || now.status === 'failed') open.delete(id);
      } catch (error) {
        if (!said) problem((error as Error).message);
        said = true;
        break;
      }
    }
    wait = Math.min(POLL_MAX_MS, wait * 1.5);
  }
  return 'done';
}

/** The swarm addresses of the Kubo node at `api` (its `id`), or none when it does not say quickly. */
export async function nodeOrigins(api: string): Promise<string[]> {
  try {
    const response = await fetch(`${api}/api/v0/id`, { method: 'POST', signal: AbortSignal.timeout(5000) });
    const addresses = ((await response.json()) as { Addresses?: unknown }).Addresses;
    return Array.isArray(addresses) ? addresses.filter((a): a is string => typeof a === 'string') : [];
  } catch {
    return [];
  }
}
