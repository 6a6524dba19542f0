// The burner wallet, for local test chains only (31337, 1337): a key generated in this browser and kept in
// localStorage, signing locally. Loaded as its own chunk, so other chains never download the signing code.
import { createClient, encodeFunctionData, http, parseEther } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { getBalance, sendTransaction } from 'viem/actions';

const KEY = 'ownerless-store:burner-key';
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
];

export function createBurner(config, chain, reader) {
  let key = localStorage.getItem(KEY);
  if (!/^0x[0-9a-f]{64}$/i.test(key ?? '')) {
    key = generatePrivateKey();
    localStorage.setItem(KEY, key);
  }
  const account = privateKeyToAccount(key);
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
      localStorage.removeItem('ownerless-store:wallet');
    },
    send({ to, data, value }) {
      return sendTransaction(client, { to, data, value });
    },
    signTypedData(typedData) {
      return account.signTypedData(typedData);
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
      const node = createClient({ chain, transport });
      const [funder] = await node.request({ method: 'eth_accounts' });
      if (!funder) throw new Error('This node has no unlocked account to fund the burner from.');
      const send = (params) => node.request({ method: 'eth_sendTransaction', params: [{ from: funder, ...params }] });
      await reader.receipt(await send({ to: account.address, value: `0x${parseEther('10').toString(16)}` }));
      const got = ['10 ETH'];
      await reader.loadTokens((await reader.products()).map((p) => p.currency));
      for (const [token, { symbol, decimals, unknown }] of reader.tokens) {
        if (unknown) continue;
        const data = encodeFunctionData({ abi: MINT, functionName: 'mint', args: [account.address, 1000n * 10n ** BigInt(decimals)] });
        try {
          await node.request({ method: 'eth_call', params: [{ from: funder, to: token, data }, 'latest'] });
        } catch {
          continue; // no open faucet on this token
        }
        await reader.receipt(await send({ to: token, data }));
        got.push(`1000 ${symbol}`);
      }
      return got;
    },
  };
}
