// Reads from the chain: one viem client over the configured RPC, JSON-RPC batching so that the catalog's
// first render costs one or two HTTP requests (code check + products, then token symbols).
// The ABI comes from the package's compiled artifact (dapp/artifacts/Catalog.json) through build.mjs.
import { abi } from 'catalog-artifact';
import { createClient, decodeFunctionResult, encodeFunctionData, erc20Abi, http, keccak256 } from 'viem';
import { getLogs } from 'viem/actions';

export { abi };

const PAGE = 250n; // products per getProducts call: ~150 KB of return data, well inside node limits
const ZERO = '0x0000000000000000000000000000000000000000';

export function chainFor(config) {
  return {
    id: config.chainId,
    name: config.chainName,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [config.rpcUrl] } },
  };
}

/**
 * Reads go straight to JSON-RPC (encode, eth_call, decode) rather than through viem's public actions: the
 * same requests, a third of the code (the initial JS budget is 60 KB gzip). viem's http transport batches
 * every request made in the same tick into one HTTP request.
 */
export class Reader {
  constructor(config) {
    this.config = config;
    this.chain = chainFor(config);
    this.client = createClient({
      chain: this.chain,
      transport: http(config.rpcUrl, { batch: { wait: 0 }, retryCount: 1, timeout: 8000 }),
    });
    this.contract = { address: config.address, abi };
    this.tokens = new Map(); // lower-case address -> { symbol, decimals } | { unknown }
  }

  rpc(method, params) {
    return this.client.request({ method, params });
  }

  /** eth_call of a view; reverts surface with their data for errors.js to decode. */
  async view({ address, abi: callAbi, functionName, args }) {
    const data = encodeFunctionData({ abi: callAbi, functionName, args });
    const result = await this.rpc('eth_call', [{ to: address, data }, 'latest']);
    return decodeFunctionResult({ abi: callAbi, functionName, data: result });
  }

  read(functionName, args) {
    return this.view({ ...this.contract, functionName, args });
  }

  /** Simulate a write as `from`; throws the node's error (with revert data) when it would revert. */
  async simulate({ address, abi: callAbi, functionName, args, value, account }) {
    const data = encodeFunctionData({ abi: callAbi, functionName, args });
    const tx = { from: account, to: address, data, ...(value ? { value: `0x${value.toString(16)}` } : {}) };
    await this.rpc('eth_call', [tx, 'latest']);
    return { to: address, data, value: value ?? 0n };
  }

  /** The receipt of `hash`, polled until it is mined (anvil can answer eth_sendTransaction first). */
  async receipt(hash, { interval = 400, timeout = 120000 } = {}) {
    const deadline = Date.now() + timeout;
    for (;;) {
      const receipt = await this.rpc('eth_getTransactionReceipt', [hash]);
      if (receipt?.blockNumber) {
        return { status: receipt.status === '0x1' ? 'success' : 'reverted', blockNumber: BigInt(receipt.blockNumber) };
      }
      if (Date.now() > deadline) throw new Error(`Transaction ${hash} was not mined within ${timeout / 1000} s.`);
      await new Promise((resolve) => setTimeout(resolve, interval));
    }
  }

  /** { ok, reason }: the node is on the configured chain and has the code the page was built for. */
  async checkDeployment() {
    const [chainIdHex, code] = await Promise.all([
      this.rpc('eth_chainId', []),
      this.rpc('eth_getCode', [this.config.address, 'latest']),
    ]);
    const chainId = Number(chainIdHex);
    if (chainId !== this.config.chainId) {
      return { ok: false, reason: `The node answers for chain ${chainId}, but this store lives on chain ${this.config.chainId}.` };
    }
    if (!code || code === '0x') return { ok: false, reason: 'There is no contract at the store address on this chain.' };
    if (keccak256(code).toLowerCase() !== this.config.codeHash) {
      return { ok: false, reason: 'The contract at the store address is not the one this page was built for.' };
    }
    return { ok: true };
  }

  /** Every product, a page of 250 per eth_call. */
  async products() {
    const all = [];
    for (let offset = 0n; ; offset += PAGE) {
      const page = await this.read('getProducts', [offset, PAGE]);
      all.push(...page);
      if (BigInt(page.length) < PAGE) return all;
    }
  }

  product(id) {
    return this.read('getProduct', [BigInt(id)]);
  }

  async orders(productId, count) {
    const all = [];
    for (let offset = 0n; offset < BigInt(count); offset += PAGE) {
      all.push(...(await this.read('getOrders', [BigInt(productId), offset, PAGE])));
    }
    return all;
  }

  order(productId, orderNo) {
    return this.read('getOrder', [BigInt(productId), BigInt(orderNo)]);
  }

  withdrawable(account, currency) {
    return this.read('withdrawable', [account, currency]);
  }

  /** Symbols and decimals of the tokens among `currencies`, read once each (batched into one request). */
  async loadTokens(currencies) {
    const missing = [...new Set(currencies.map((c) => c.toLowerCase()))].filter(
      (c) => c !== ZERO && !this.tokens.has(c),
    );
    await Promise.all(
      missing.map(async (address) => {
        try {
          const [symbol, decimals] = await Promise.all([
            this.view({ address, abi: erc20Abi, functionName: 'symbol' }),
            this.view({ address, abi: erc20Abi, functionName: 'decimals' }),
          ]);
          this.tokens.set(address, { symbol: String(symbol).slice(0, 12), decimals: Number(decimals) });
        } catch {
          this.tokens.set(address, { symbol: 'tokens', decimals: 0, unknown: true });
        }
      }),
    );
    return this.tokens;
  }

  async logs(eventName, args) {
    const event = abi.find((item) => item.type === 'event' && item.name === eventName);
    return getLogs(this.client, {
      address: this.config.address,
      event,
      args,
      fromBlock: this.config.deploymentBlock,
      toBlock: 'latest',
    });
  }

  /** Chain time (anvil's clock may run ahead of the wall clock). */
  async now() {
    const block = await this.rpc('eth_getBlockByNumber', ['latest', false]);
    return Number(block.timestamp);
  }

  balanceOf(token, account) {
    return this.view({ address: token, abi: erc20Abi, functionName: 'balanceOf', args: [account] });
  }
}

export const ZERO_ADDRESS = ZERO;
export const isZeroAddress = (a) => !a || /^0x0{40}$/i.test(a);

// EIP-2612 and EIP-5267: enough of a token to sign a permit for it (standard interfaces, not our ABI).
const view = (name, inputs, outputs) => ({ type: 'function', name, stateMutability: 'view', inputs, outputs });
const p = (type, name = '') => ({ type, name });
export const permitAbi = [
  view('nonces', [p('address', 'owner')], [p('uint256')]),
  view('DOMAIN_SEPARATOR', [], [p('bytes32')]),
  view('name', [], [p('string')]),
  view('eip712Domain', [], [
    p('bytes1', 'fields'),
    p('string', 'name'),
    p('string', 'version'),
    p('uint256', 'chainId'),
    p('address', 'verifyingContract'),
    p('bytes32', 'salt'),
    p('uint256[]', 'extensions'),
  ]),
];
