// The page's shipping crypto behind a line protocol, for tests/shipping/test_interop.py: Python sends one
// JSON request a line ({op, ...}) and reads one JSON answer a line ({ok} or {error: {name, message}}).
// Key pairs stay in this process, named by their public key; no private key crosses the pipe.
import { createInterface } from 'node:readline';
import { privateKeyToAccount } from 'viem/accounts';
import {
  type OrderContext,
  type ShippingInput,
  type ShippingKeyPair,
  deriveKeyPair,
  deriveKeyPairChecked,
  keyMessage,
  openContentKey,
  openEnvelope,
  openNote,
  sealNote,
  seal,
  shippingDetails,
} from '../src/crypto';
import { bytesToHex, hexToBytes } from '../src/crypto/keys';

type Request = Record<string, unknown> & { op: string };
const pairs = new Map<string, ShippingKeyPair>();

function remember(pair: ShippingKeyPair): string {
  const name = bytesToHex(pair.publicKey);
  pairs.set(name, pair);
  return name;
}

function pair(name: unknown): ShippingKeyPair {
  const found = pairs.get(String(name));
  if (!found) throw new Error(`no key pair ${String(name)} in this process`);
  return found;
}

const ops: Record<string, (r: Request) => Promise<unknown>> = {
  keyMessage: async (r) => keyMessage(r.chainId as number, r.catalog as string),
  sign: async (r) => privateKeyToAccount(r.privateKey as `0x${string}`).signMessage({ message: r.message as string }),
  derive: async (r) => remember(await deriveKeyPair(r.signature as string)),
  deriveAccount: async (r) => {
    const account = privateKeyToAccount(r.privateKey as `0x${string}`);
    const sign = (message: string) => account.signMessage({ message });
    return remember(await deriveKeyPairChecked(sign, r.chainId as number, r.catalog as string));
  },
  details: async (r) => shippingDetails(r.input as ShippingInput),
  seal: async (r) =>
    bytesToHex(
      await seal(
        shippingDetails(r.input as ShippingInput),
        r.seller as string,
        r.buyer as string,
        r.context as OrderContext,
      ),
    ),
  open: async (r) => openEnvelope(r.envelope as string, pair(r.key), r.context as OrderContext),
  // The content key stays here too: a note is sealed or opened with the key of an envelope this process opens.
  sealNote: async (r) => {
    const context = r.context as OrderContext;
    const key = await openContentKey(r.envelope as string, pair(r.key), context);
    return bytesToHex(await sealNote(key, context, BigInt(r.orderNo as string), r.text as string));
  },
  openNote: async (r) => {
    const context = r.context as OrderContext;
    const key = await openContentKey(r.envelope as string, pair(r.key), context);
    return openNote(hexToBytes('the note', r.note as string), key, context, BigInt(r.orderNo as string));
  },
  time: async (r) => {
    const details = shippingDetails(r.input as ShippingInput);
    const context = r.context as OrderContext;
    const rounds = r.rounds as number;
    let envelope: Uint8Array = new Uint8Array();
    const t0 = performance.now();
    for (let i = 0; i < rounds; i++) envelope = await seal(details, r.seller as string, r.buyer as string, context);
    const t1 = performance.now();
    for (let i = 0; i < rounds; i++) await openEnvelope(envelope, pair(r.key), context);
    const t2 = performance.now();
    return { sealMs: (t1 - t0) / rounds, openMs: (t2 - t1) / rounds };
  },
};

for await (const line of createInterface({ input: process.stdin })) {
  let answer: unknown;
  try {
    const request = JSON.parse(line) as Request;
    const op = ops[request.op];
    if (!op) throw new Error(`unknown op ${request.op}`);
    answer = { ok: await op(request) };
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    answer = { error: { name: e.name, message: e.message, field: (e as { field?: string }).field ?? null } };
  }
  process.stdout.write(`${JSON.stringify(answer)}\n`);
}
