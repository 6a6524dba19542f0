// Wallets: EIP-6963 discovery (window.ethereum as a fallback), connecting from a click, the right chain,
// and the two things the page asks of a wallet: send a transaction, sign a permit. Plain EIP-1193 requests
// through viem's custom transport (the wallet fills in gas and fees).
import { createClient, custom, numberToHex, serializeTypedData } from 'viem';

const LAST_WALLET = 'ownerless-store:wallet';

/** Wallets announced through EIP-6963, kept up to date; `onChange` runs whenever one is added. */
export function discoverWallets(onChange) {
  const found = [];
  window.addEventListener('eip6963:announceProvider', (event) => {
    const { info, provider } = event.detail ?? {};
    if (!info?.uuid || !provider || found.some((w) => w.info.uuid === info.uuid)) return;
    // Only inline icons: a page on IPFS loads nothing from other origins.
    const icon = typeof info.icon === 'string' && info.icon.startsWith('data:image/') ? info.icon : null;
    found.push({ info: { uuid: info.uuid, name: String(info.name || 'Wallet').slice(0, 40), rdns: info.rdns, icon }, provider });
    onChange(found);
  });
  window.dispatchEvent(new Event('eip6963:requestProvider'));
  return found;
}

/** The list offered to the user: announced wallets, else the legacy injected one. */
export function walletChoices(found) {
  if (found.length > 0) return found;
  if (window.ethereum) return [{ info: { uuid: 'injected', name: 'Browser wallet', rdns: 'injected', icon: null }, provider: window.ethereum }];
  return [];
}

const isUnknownChain = (error) =>
  [error?.code, error?.cause?.code, error?.data?.originalError?.code].includes(4902) || /4902|unrecognized chain/i.test(String(error?.message));

export class Wallet {
  constructor(entry, chain) {
    this.entry = entry;
    this.name = entry.info.name;
    this.chain = chain;
    this.burner = false;
    this.client = createClient({ chain, transport: custom(entry.provider, { retryCount: 0 }) });
    this.account = null;
  }

  request(method, params) {
    return this.client.request({ method, params });
  }

  /** Ask for accounts (from a click only: wallets open a prompt). */
  async connect() {
    const [account] = await this.request('eth_requestAccounts');
    this.account = account;
    localStorage.setItem(LAST_WALLET, this.entry.info.rdns ?? this.entry.info.uuid);
    return account;
  }

  /** Reconnect silently to a wallet used before (eth_accounts: no prompt). */
  async resume() {
    const [account] = await this.request('eth_accounts');
    this.account = account ?? null;
    return this.account;
  }

  onChange(callback) {
    const provider = this.entry.provider;
    provider.on?.('accountsChanged', (accounts) => {
      this.account = accounts?.[0] ?? null;
      callback();
    });
    provider.on?.('chainChanged', () => callback());
  }

  async chainId() {
    return Number(await this.request('eth_chainId'));
  }

  /** Switch the wallet to the store's chain, adding the chain first when the wallet does not know it. */
  async ensureChain() {
    if ((await this.chainId()) === this.chain.id) return;
    const chainId = numberToHex(this.chain.id);
    try {
      await this.request('wallet_switchEthereumChain', [{ chainId }]);
    } catch (error) {
      if (!isUnknownChain(error)) throw error;
      await this.request('wallet_addEthereumChain', [
        { chainId, chainName: this.chain.name, nativeCurrency: this.chain.nativeCurrency, rpcUrls: this.chain.rpcUrls.default.http },
      ]);
      if ((await this.chainId()) !== this.chain.id) await this.request('wallet_switchEthereumChain', [{ chainId }]);
    }
    if ((await this.chainId()) !== this.chain.id) throw new Error(`The wallet did not switch to chain ${this.chain.id}.`);
  }

  /** eth_sendTransaction; returns the hash. */
  send({ to, data, value }) {
    const tx = { from: this.account, to, data, ...(value ? { value: numberToHex(value) } : {}) };
    return this.request('eth_sendTransaction', [tx]);
  }

  /** eth_signTypedData_v4 (EIP-712); returns the 65-byte signature. */
  signTypedData(typedData) {
    const { domain, types, primaryType, message } = typedData;
    const EIP712Domain = [
      domain.name !== undefined && { name: 'name', type: 'string' },
      domain.version !== undefined && { name: 'version', type: 'string' },
      domain.chainId !== undefined && { name: 'chainId', type: 'uint256' },
      domain.verifyingContract !== undefined && { name: 'verifyingContract', type: 'address' },
    ].filter(Boolean);
    const json = serializeTypedData({ domain, types: { EIP712Domain, ...types }, primaryType, message });
    return this.request('eth_signTypedData_v4', [this.account, json]);
  }

  disconnect() {
    localStorage.removeItem(LAST_WALLET);
    this.account = null;
  }
}

export function lastWalletKey() {
  return localStorage.getItem(LAST_WALLET);
}
