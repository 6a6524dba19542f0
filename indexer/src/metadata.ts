// Product documents through an IPFS gateway, trusted only when their bytes hash to the digest on chain,
// with the page's rules (frontend/src/docs.js): a raw CID, at most 1 MiB, JSON of the product schema, a
// non-empty name. Anything else is marked, with the reason, and its text is never indexed.
import { createHash } from "node:crypto";

const MAX_DOCUMENT = 1024 * 1024;
const MAX_NAME = 200;
const MAX_TEXT = 10_000;
const PRODUCT_SCHEMA = "ownerless-store/product@1";
const RAW = 0x55;
const DAG_PB = 0x70;
const CODECS = [RAW, DAG_PB]; // the contract's codec byte -> multicodec

export type ProductDocument =
  | { status: "ok"; name: string; description: string }
  | { status: "missing" | "invalid"; problem: string };

const gateway = (process.env.CATALOG_GATEWAY_URL ?? "").replace(/\/+$/, "");
const timeoutMs = Number(process.env.CATALOG_GATEWAY_TIMEOUT_MS ?? 5000);

const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";

function base32(bytes: Uint8Array): string {
  let out = "";
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/** The base32 CIDv1 string (`bafkrei…`) of a sha2-256 digest and the contract's codec byte. */
export function cidOf(digest: `0x${string}`, codec: number): string {
  const code = CODECS[codec] ?? RAW;
  const multicodec = code < 0x80 ? [code] : [(code & 0x7f) | 0x80, code >> 7];
  const bytes = Uint8Array.from([0x01, ...multicodec, 0x12, 0x20, ...Buffer.from(digest.slice(2), "hex")]);
  return `b${base32(bytes)}`;
}

const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]/;

export async function fetchProductDocument(digest: `0x${string}`, codec: number): Promise<ProductDocument> {
  if (codec !== 0) return { status: "invalid", problem: "not a raw document" };
  if (!gateway) return { status: "missing", problem: "no gateway configured" };
  const url = `${gateway}/ipfs/${cidOf(digest, codec)}`;
  let bytes: Buffer;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) return { status: "missing", problem: `gateway answered ${response.status}` };
    const length = Number(response.headers.get("content-length") ?? 0);
    if (length > MAX_DOCUMENT) return { status: "invalid", problem: "document too large" };
    bytes = Buffer.from(await response.arrayBuffer());
  } catch (error) {
    return { status: "missing", problem: `gateway unreachable (${(error as Error).name})` };
  }
  if (bytes.length > MAX_DOCUMENT) return { status: "invalid", problem: "document too large" };
  const actual = `0x${createHash("sha256").update(bytes).digest("hex")}`;
  if (actual !== digest.toLowerCase()) return { status: "invalid", problem: "content does not match its digest" };
  let data: unknown;
  try {
    data = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    return { status: "invalid", problem: "not JSON" };
  }
  if (!data || typeof data !== "object") return { status: "invalid", problem: "unexpected document type" };
  const doc = data as Record<string, unknown>;
  if (doc.schema !== PRODUCT_SCHEMA) return { status: "invalid", problem: "unexpected document type" };
  const { name, description = "" } = doc;
  if (typeof name !== "string" || !name.trim() || name.length > MAX_NAME || CONTROL.test(name)) {
    return { status: "invalid", problem: "name is not a short line of text" };
  }
  if (typeof description !== "string" || description.length > MAX_TEXT || CONTROL.test(description.replace(/\r\n/g, "\n"))) {
    return { status: "invalid", problem: "description is not text" };
  }
  return { status: "ok", name, description };
}
