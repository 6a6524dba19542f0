// The burner wallet, for local test chains only (31337, 1337): a key generated in this browser and kept in
// localStorage, signing locally. Loaded as its own chunk, so other chains never download the signing code.
import { createClient, encodeFunctionData, http, parseEther, type Address, type Hex } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { getBalance, sendTransaction } from 'viem/actions';
import type { Config } from '../config';
import { forgetWallet, rememberWallet, type ShopWallet } from '../wallet';
import type { Reader } from './reader';

const KEY = 'ownerless-store:burner-key';
// The demo token's open test faucet (TestUSD.mint): not the Catalog's ABI, and not every token has one.
const MINT = [
  {
    type: 'function',
    name: 'mint',
    stateMutability: 'nonpayable',
    inputs: [
      { type: 'address', name: 'to' },
      { type: 'uint256', name: 'amount' },
    ],
    outputs: [],
  },
] as const;

export function createBurner(config: Config, node: Reader): ShopWallet {
  let key = localStorage.getItem(KEY);
  if (!key || !/^0x[0-9a-f]{64}$/i.test(key)) {
    key = generatePrivateKey();
    localStorage.setItem(KEY, key);
  }
  rememberWallet('burner');
  const account = privateKeyToAccount(key as Hex);
  const chain = node.chain;
  const transport = http(config.rpcUrl);
  const client = createClient({ account, chain, transport });
  return {
    name: 'Burner wallet (local testing)',
    burner: true,
    account: account.address,
    async connect() {
      return account.address;
    },
    async resume() {
      return account.address;
    },
    onChange() {},
    async chainId() {
      return chain.id;
    },
    async ensureChain() {},
    disconnect() {
      forgetWallet();
    },
    send({ to, data, value }) {
      return sendTransaction(client, { to, data, value, account, chain });
    },
    signTypedData(typedData) {
      return account.signTypedData(typedData);
    },
    signMessage(message) {
      return account.signMessage({ message });
    },
    balance() {
      return getBalance(client, { address: account.address });
    },
    /**
     * Dev nodes unlock their first account: it sends the burner 10 test ETH, and mints it 1,000 of every
     * token the shop prices in that has an open test faucet (`mint(to, amount)`, like the demo's Test
     * USD); a token without one is skipped. Returns what arrived, e.g. ["10 ETH", "1000 tUSD"].
     */
    async fund() {
      const [funder] = await node.rpc<Address[]>('eth_accounts', []);
      if (!funder) throw new Error('This node has no unlocked account to fund the burner from.');
      const send = (params: Record<string, unknown>) =>
        node.rpc<Hex>('eth_sendTransaction', [{ from: funder, ...params }]);
      await node.receipt(await send({ to: account.address, value: `0x${parseEther('10').toString(16)}` }));
      const got = ['10 ETH'];
      await node.loadTokens((await node.products()).map((p) => p.currency));
      for (const [token, { symbol, decimals, unknown }] of node.tokens) {
        if (unknown) continue;
        const amount = 1000n * 10n ** BigInt(decimals);
        const data = encodeFunctionData({ abi: MINT, functionName: 'mint', args: [account.address, amount] });
        try {
          await node.rpc('eth_call', [{ from: funder, to: token, data }, 'latest']);
        } catch {
          continue; // no open faucet on this token
        }
        await node.receipt(await send({ to: token, data }));
        got.push(`1000 ${symbol}`);
      }
      return got;
    },
  };
}
