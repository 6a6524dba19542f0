// The burner wallet, for local test chains only (31337, 1337): a key generated in this browser and kept in
// localStorage, signing locally. Loaded as its own chunk, so other chains never download the signing code.
import { createClient, http, parseEther } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { getBalance, sendTransaction } from 'viem/actions';

const KEY = 'ownerless-store:burner-key';

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
    /** Dev nodes unlock their first account: it sends the burner 10 test ETH. */
    async fund() {
      const node = createClient({ chain, transport });
      const [funder] = await node.request({ method: 'eth_accounts' });
      if (!funder) throw new Error('This node has no unlocked account to fund the burner from.');
      const hash = await node.request({
        method: 'eth_sendTransaction',
        params: [{ from: funder, to: account.address, value: `0x${parseEther('10').toString(16)}` }],
      });
      await reader.receipt(hash);
    },
  };
}
