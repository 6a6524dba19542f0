// Reads from the chain: one viem client over the configured RPC, JSON-RPC batching so that the catalog's
// first render costs one or two HTTP requests (code check + products, then token symbols).
import {
  createClient,
  decodeFunctionResult,
  encodeFunctionData,
  erc20Abi,
  http,
  keccak256,
  toEventSelector,
  type Abi,
  type Address,
  type Chain,
  type Client,
  type ContractFunctionArgs,
  type ContractFunctionName,
  type ContractFunctionReturnType,
  type DecodeFunctionResultParameters,
  type EncodeFunctionDataParameters,
  type Hex,
  type Transport,
} from 'viem';
import type { Config } from '../config';
import type { PurchasedEvent, RawLog } from './logs';
import type { CurrencyInfo } from '../format';
import {
  abi,
  ZERO_ADDRESS,
  type Call,
  type CatalogAbi,
  type Order,
  type Product,
  type ReadArgs,
  type ReadName,
  type ReadResult,
} from './contract';

const PAGE = 250n; // products per getProducts call: ~150 KB of return data, well inside node limits
// Blocks per eth_getLogs request: public RPCs commonly refuse wider ranges (10,000 is a common cap).
const LOG_RANGE = 10_000n;
const PURCHASED = abi.find((item) => item.type === 'event' && item.name === 'Purchased') as PurchasedEvent;

/** Blocks scanned so far of a log scan, for a view to show. */
export type ScanProgress = (done: bigint, total: bigint) => void;

type Reads = 'view' | 'pure';

export function chainFor(config: Config): Chain {
  return {
    id: config.chainId,
    name: config.chainName,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [config.rpcUrl] } },
  };
}

export type DeploymentCheck = { ok: true } | { ok: false; reason: string };
export interface Receipt {
  status: 'success' | 'reverted';
  blockNumber: bigint;
}
/** `orderData`: what the purchase carried (the sealed shipping details, or `0x`); the event is its only copy. */
export type PurchasedLog = { productId: bigint; buyer: Address; orderNo: bigint; orderData?: Hex };
/** An order's OrderShipped event: its tracking document (a zero digest: none). */
export type ShippedLog = { productId: bigint; orderNo: bigint; trackingDigest: Hex; trackingCodec: number };
/** A seller's latest ProfileSet: its profile document's digest (zero: cleared) and codec. */
export type ProfileLog = { seller: Address; digest: Hex; codec: number };
export type ReviewedLog = {
  productId: bigint;
  reviewer: Address;
  orderNo: bigint;
  rating: number;
  reviewDigest: Hex;
  reviewCodec: number;
};

/**
 * What views read of the chain. Reader is the real one; view tests hand in a fake with the same shape.
 */
export interface ChainReader {
  readonly tokens: ReadonlyMap<string, CurrencyInfo>;
  products(): Promise<readonly Product[]>;
  product(id: bigint): Promise<Product>;
  orders(productId: bigint, count: bigint): Promise<readonly Order[]>;
  order(productId: bigint, orderNo: bigint): Promise<Order>;
  withdrawable(account: Address, currency: Address): Promise<bigint>;
  loadTokens(currencies: readonly string[]): Promise<ReadonlyMap<string, CurrencyInfo>>;
  purchases(buyer: Address, progress?: ScanProgress): Promise<PurchasedLog[]>;
  /** The purchases of these products with their orderData (the sealed shipping details), oldest first. */
  sales(productIds: readonly bigint[], progress?: ScanProgress): Promise<PurchasedLog[]>;
  reviews(productId: bigint, progress?: ScanProgress): Promise<ReviewedLog[]>;
  /** The Purchased log of order `orderNo` of `productId` if block `block` has it, else null. */
  purchaseIn(block: bigint, productId: bigint, orderNo: bigint): Promise<PurchasedLog | null>;
  /** The OrderShipped events of these products. */
  shipments(productIds: readonly bigint[], progress?: ScanProgress): Promise<ShippedLog[]>;
  /** The seller's latest ProfileSet event, or null when it never set a profile. */
  profile(seller: Address): Promise<ProfileLog | null>;
  now(): Promise<number>;
}

/**
 * Reads go straight to JSON-RPC (encode, eth_call, decode) rather than through viem's public actions: the
 * same requests, a third of the code (the initial JS budget is 60 KB gzip). viem's http transport batches
 * every request made in the same tick into one HTTP request.
 */
export class Reader implements ChainReader {
  readonly chain: Chain;
  readonly client: Client<Transport, Chain>;
  readonly tokens = new Map<string, CurrencyInfo>(); // lower-case address -> symbol and decimals

  constructor(readonly config: Config) {
    this.chain = chainFor(config);
    this.client = createClient({
      chain: this.chain,
      transport: http(config.rpcUrl, { batch: { wait: 0 }, retryCount: 1, timeout: 8000 }),
    });
  }

  rpc<T = unknown>(method: string, params: unknown[]): Promise<T> {
    return (this.client.request as (args: { method: string; params: unknown[] }) => Promise<T>)({ method, params });
  }

  /** eth_call of a view of any contract; reverts surface with their data for errors.ts to decode. */
  async view<const A extends Abi, F extends ContractFunctionName<A, Reads>>(
    address: Address,
    callAbi: A,
    functionName: F,
    ...args: ContractFunctionArgs<A, Reads, F> extends readonly [] ? [] : [ContractFunctionArgs<A, Reads, F>]
  ): Promise<ContractFunctionReturnType<A, Reads, F>> {
    const params = { abi: callAbi, functionName, args: args[0] } as unknown as EncodeFunctionDataParameters;
    const data = encodeFunctionData(params);
    const result = await this.rpc<Hex>('eth_call', [{ to: address, data }, 'latest']);
    const decode = { abi: callAbi, functionName, data: result } as unknown as DecodeFunctionResultParameters;
    return decodeFunctionResult(decode) as ContractFunctionReturnType<A, Reads, F>;
  }

  /** A view of the store's Catalog. */
  read<F extends ReadName>(functionName: F, args: ReadArgs<F>): Promise<ReadResult<F>> {
    const params = { abi, functionName, args } as unknown as EncodeFunctionDataParameters;
    const data = encodeFunctionData(params);
    return this.rpc<Hex>('eth_call', [{ to: this.config.address, data }, 'latest']).then(
      (result) =>
        decodeFunctionResult({
          abi,
          functionName,
          data: result,
        } as unknown as DecodeFunctionResultParameters<CatalogAbi>) as ReadResult<F>,
    );
  }

  /** Simulate a write as `from`; throws the node's error (with revert data) when it would revert. */
  async simulate(call: Call, from: Address): Promise<void> {
    const value = call.value ? { value: `0x${call.value.toString(16)}` } : {};
    await this.rpc('eth_call', [{ from, to: call.to, data: call.data, ...value }, 'latest']);
  }

  /** Replay `call` on the block it was mined in: the error a reverted transaction ran into. */
  async replay(call: Call, from: Address, blockNumber: bigint): Promise<unknown> {
    const tx = { from, to: call.to, data: call.data, value: `0x${call.value.toString(16)}` };
    return this.rpc('eth_call', [tx, `0x${blockNumber.toString(16)}`]).then(
      () => null,
      (error: unknown) => error,
    );
  }

  /** The receipt of `hash`, polled until it is mined (anvil can answer eth_sendTransaction first). */
  async receipt(hash: Hex, { interval = 400, timeout = 120000 } = {}): Promise<Receipt> {
    const deadline = Date.now() + timeout;
    for (;;) {
      const receipt = await this.rpc<{ blockNumber?: Hex; status?: Hex } | null>('eth_getTransactionReceipt', [hash]);
      if (receipt?.blockNumber) {
        return { status: receipt.status === '0x1' ? 'success' : 'reverted', blockNumber: BigInt(receipt.blockNumber) };
      }
      if (Date.now() > deadline) throw new Error(`Transaction ${hash} was not mined within ${timeout / 1000} s.`);
      await new Promise((resolve) => setTimeout(resolve, interval));
    }
  }

  /** The node is on the configured chain and has the code the page was built for. */
  async checkDeployment(): Promise<DeploymentCheck> {
    const [chainIdHex, code] = await Promise.all([
      this.rpc<Hex>('eth_chainId', []),
      this.rpc<Hex>('eth_getCode', [this.config.address, 'latest']),
    ]);
    const chainId = Number(chainIdHex);
    if (chainId !== this.config.chainId) {
      return {
        ok: false,
        reason: `The node answers for chain ${chainId}, but this store lives on chain ${this.config.chainId}.`,
      };
    }
    if (!code || code === '0x')
      return { ok: false, reason: 'There is no contract at the store address on this chain.' };
    if (keccak256(code).toLowerCase() !== this.config.codeHash) {
      return { ok: false, reason: 'The contract at the store address is not the one this page was built for.' };
    }
    return { ok: true };
  }

  /** Every product, a page of 250 per eth_call. */
  async products(): Promise<readonly Product[]> {
    const all: Product[] = [];
    for (let offset = 0n; ; offset += PAGE) {
      const page = await this.read('getProducts', [offset, PAGE]);
      all.push(...page);
      if (BigInt(page.length) < PAGE) return all;
    }
  }

  product(id: bigint): Promise<Product> {
    return this.read('getProduct', [id]);
  }

  async orders(productId: bigint, count: bigint): Promise<readonly Order[]> {
    const all: Order[] = [];
    for (let offset = 0n; offset < count; offset += PAGE) {
      all.push(...(await this.read('getOrders', [productId, offset, PAGE])));
    }
    return all;
  }

  order(productId: bigint, orderNo: bigint): Promise<Order> {
    return this.read('getOrder', [productId, orderNo]);
  }

  withdrawable(account: Address, currency: Address): Promise<bigint> {
    return this.read('withdrawable', [account, currency]);
  }

  /** Symbols and decimals of the tokens among `currencies`, read once each (batched into one request). */
  async loadTokens(currencies: readonly string[]): Promise<ReadonlyMap<string, CurrencyInfo>> {
    const missing = [...new Set(currencies.map((c) => c.toLowerCase()))].filter(
      (c) => c !== ZERO_ADDRESS && !this.tokens.has(c),
    );
    await Promise.all(
      missing.map(async (address) => {
        const token = address as Address;
        try {
          const [symbol, decimals] = await Promise.all([
            this.view(token, erc20Abi, 'symbol'),
            this.view(token, erc20Abi, 'decimals'),
          ]);
          this.tokens.set(address, { symbol: String(symbol).slice(0, 12), decimals: Number(decimals) });
        } catch {
          this.tokens.set(address, { symbol: 'tokens', decimals: 0, unknown: true });
        }
      }),
    );
    return this.tokens;
  }

  balanceOf(token: Address, account: Address): Promise<bigint> {
    return this.view(token, erc20Abi, 'balanceOf', [account]);
  }

  /** The buyer's purchases, oldest first (Purchased logs since the deployment block). */
  async purchases(buyer: Address, progress?: ScanProgress): Promise<PurchasedLog[]> {
    const logs = await this.logs('Purchased', { buyer }, progress);
    return logs.map((l) => l.args as PurchasedLog);
  }

  async sales(productIds: readonly bigint[], progress?: ScanProgress): Promise<PurchasedLog[]> {
    if (!productIds.length) return [];
    const logs = await this.logs('Purchased', { productId: [...productIds] }, progress);
    return logs.map((l) => l.args as PurchasedLog);
  }

  /**
   * Check an indexer's word that order `orderNo` of `productId` was placed in block `block`: that block's
   * Purchased logs of the product (one block, filtered on the indexed product id: no RPC caps such a range),
   * requested at once so that it rides in the caller's JSON-RPC batch, decoded by the logs chunk.
   */
  purchaseIn(block: bigint, productId: bigint, orderNo: bigint): Promise<PurchasedLog | null> {
    const at = `0x${block.toString(16)}`;
    const topics = [toEventSelector(PURCHASED), `0x${productId.toString(16).padStart(64, '0')}`];
    return Promise.all([
      this.rpc<RawLog[]>('eth_getLogs', [{ address: this.config.address, fromBlock: at, toBlock: at, topics }]),
      import('./logs'),
    ]).then(([found, { purchaseOf }]) => purchaseOf(PURCHASED, found, productId, orderNo));
  }

  async shipments(productIds: readonly bigint[], progress?: ScanProgress): Promise<ShippedLog[]> {
    if (!productIds.length) return [];
    const logs = await this.logs('OrderShipped', { productId: [...productIds] }, progress);
    return logs.map((l) => l.args as ShippedLog);
  }

  /** The product's reviews, oldest first. */
  async reviews(productId: bigint, progress?: ScanProgress): Promise<ReviewedLog[]> {
    const logs = await this.logs('Reviewed', { productId }, progress);
    return logs.map((l) => l.args as ReviewedLog);
  }

  /** The latest event wins: a seller's profile is what it set last (a zero digest clears it). */
  async profile(seller: Address): Promise<ProfileLog | null> {
    const logs = await this.logs('ProfileSet', { seller });
    const last = logs.at(-1);
    return last ? (last.args as ProfileLog) : null;
  }

  // viem's getLogs (filter encoding, log decoding) is loaded with the first view that needs logs: the
  // catalog's first render never does. From the deployment block to the head, LOG_RANGE blocks a request
  // (one request on a young chain), reporting the blocks done after each.
  private async logs(
    eventName: 'Purchased' | 'Reviewed' | 'ProfileSet' | 'OrderShipped',
    args: Record<string, unknown>,
    progress?: ScanProgress,
  ) {
    const [{ getLogs }, headHex] = await Promise.all([import('./logs'), this.rpc<Hex>('eth_blockNumber', [])]);
    const event = abi.find((item) => item.type === 'event' && item.name === eventName);
    const first = this.config.deploymentBlock;
    const head = BigInt(headHex);
    const total = head >= first ? head - first + 1n : 0n;
    const found = [];
    progress?.(0n, total);
    for (let from = first; from <= head; from += LOG_RANGE) {
      const to = from + LOG_RANGE - 1n < head ? from + LOG_RANGE - 1n : head;
      found.push(
        ...(await getLogs(this.client, {
          address: this.config.address,
          event: event as Extract<CatalogAbi[number], { type: 'event' }>,
          args: args as never,
          fromBlock: from,
          toBlock: to,
        })),
      );
      progress?.(to - first + 1n, total);
    }
    return found;
  }

  /** Chain time (anvil's clock may run ahead of the wall clock). */
  async now(): Promise<number> {
    const block = await this.rpc<{ timestamp: Hex }>('eth_getBlockByNumber', ['latest', false]);
    return Number(block.timestamp);
  }
}
