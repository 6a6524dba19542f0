// Wallets: EIP-6963 discovery (window.ethereum as a fallback), connecting from a click, the right chain,
// and the two things the page asks of a wallet: send a transaction, sign a permit. Plain EIP-1193 requests
// through viem's custom transport (the wallet fills in gas and fees).
import {
  createClient,
  custom,
  numberToHex,
  type Address,
  type Chain,
  type Client,
  type EIP1193Provider,
  type Hex,
  type Transport,
  type TypedDataDefinition,
} from 'viem';
import type { Call } from './chain/contract';

const LAST_WALLET = 'ownerless-store:wallet';

export interface WalletInfo {
  uuid: string;
  name: string;
  rdns?: string;
  icon: string | null;
}
export interface WalletEntry {
  info: WalletInfo;
  provider: EIP1193Provider;
}

/** What the page asks of a wallet, injected or the burner. */
export interface ShopWallet {
  readonly name: string;
  readonly burner: boolean;
  readonly account: Address | null;
  connect(): Promise<Address>;
  resume(): Promise<Address | null>;
  onChange(callback: () => void): void;
  chainId(): Promise<number>;
  ensureChain(): Promise<void>;
  disconnect(): void;
  /** eth_sendTransaction; returns the hash. */
  send(call: Call): Promise<Hex>;
  /** EIP-712; returns the 65-byte signature. */
  signTypedData(typedData: TypedDataDefinition): Promise<Hex>;
  /** personal_sign of a text (the shipping key's message); returns the 65-byte signature. */
  signMessage(message: string): Promise<Hex>;
  /** The burner's ETH balance and its dev-node faucet (local chains only). */
  balance?(): Promise<bigint>;
  fund?(): Promise<string[]>;
}

/** Wallets announced through EIP-6963, kept up to date; `onChange` runs whenever one is added. */
export function discoverWallets(onChange: (found: WalletEntry[]) => void): WalletEntry[] {
  const found: WalletEntry[] = [];
  window.addEventListener('eip6963:announceProvider', (event) => {
    const { info, provider } = (event as CustomEvent).detail ?? {};
    if (!info?.uuid || !provider || found.some((w) => w.info.uuid === info.uuid)) return;
    // Only inline icons: a page on IPFS loads nothing from other origins.
    const icon = typeof info.icon === 'string' && info.icon.startsWith('data:image/') ? info.icon : null;
    const name = String(info.name || 'Wallet').slice(0, 40);
    found.push({ info: { uuid: String(info.uuid), name, rdns: info.rdns, icon }, provider });
    onChange([...found]);
  });
  window.dispatchEvent(new Event('eip6963:requestProvider'));
  return found;
}

/** The list offered to the user: announced wallets, else the legacy injected one. */
export function walletChoices(found: readonly WalletEntry[]): readonly WalletEntry[] {
  if (found.length > 0) return found;
  const injected = (window as { ethereum?: EIP1193Provider }).ethereum;
  if (injected)
    return [{ info: { uuid: 'injected', name: 'Browser wallet', rdns: 'injected', icon: null }, provider: injected }];
  return [];
}

export const walletKey = (entry: WalletEntry): string => entry.info.rdns ?? entry.info.uuid;

interface Coded {
  code?: unknown;
  message?: unknown;
  cause?: { code?: unknown };
  data?: { originalError?: { code?: unknown } };
}
const isUnknownChain = (error: unknown): boolean => {
  const e = error as Coded | null;
  return (
    [e?.code, e?.cause?.code, e?.data?.originalError?.code].includes(4902) ||
    /4902|unrecognized chain/i.test(String(e?.message))
  );
};

export class Wallet implements ShopWallet {
  readonly name: string;
  readonly burner = false;
  account: Address | null = null;
  private readonly client: Client<Transport, Chain>;

  constructor(
    private readonly entry: WalletEntry,
    private readonly chain: Chain,
  ) {
    this.name = entry.info.name;
    this.client = createClient({ chain, transport: custom(entry.provider, { retryCount: 0 }) });
  }

  private request<T>(method: string, params?: unknown[]): Promise<T> {
    const request = this.client.request as (args: { method: string; params?: unknown[] }) => Promise<T>;
    return request({ method, params });
  }

  /** Ask for accounts (from a click only: wallets open a prompt). */
  async connect(): Promise<Address> {
    const [account] = await this.request<Address[]>('eth_requestAccounts');
    if (!account) throw new Error('The wallet shared no account.');
    this.account = account;
    localStorage.setItem(LAST_WALLET, walletKey(this.entry));
    return account;
  }

  /** Reconnect silently to a wallet used before (eth_accounts: no prompt). */
  async resume(): Promise<Address | null> {
    const [account] = await this.request<Address[]>('eth_accounts');
    this.account = account ?? null;
    return this.account;
  }

  onChange(callback: () => void): void {
    const provider = this.entry.provider;
    provider.on?.('accountsChanged', (accounts: Address[]) => {
      this.account = accounts?.[0] ?? null;
      callback();
    });
    provider.on?.('chainChanged', () => callback());
  }

  async chainId(): Promise<number> {
    return Number(await this.request<Hex>('eth_chainId'));
  }

  /** Switch the wallet to the store's chain, adding the chain first when the wallet does not know it. */
  async ensureChain(): Promise<void> {
    if ((await this.chainId()) === this.chain.id) return;
    const chainId = numberToHex(this.chain.id);
    try {
      await this.request('wallet_switchEthereumChain', [{ chainId }]);
    } catch (error) {
      if (!isUnknownChain(error)) throw error;
      await this.request('wallet_addEthereumChain', [
        {
          chainId,
          chainName: this.chain.name,
          nativeCurrency: this.chain.nativeCurrency,
          rpcUrls: this.chain.rpcUrls.default?.http,
        },
      ]);
      if ((await this.chainId()) !== this.chain.id) await this.request('wallet_switchEthereumChain', [{ chainId }]);
    }
    if ((await this.chainId()) !== this.chain.id)
      throw new Error(`The wallet did not switch to chain ${this.chain.id}.`);
  }

  send({ to, data, value }: Call): Promise<Hex> {
    const tx = { from: this.account, to, data, ...(value ? { value: numberToHex(value) } : {}) };
    return this.request('eth_sendTransaction', [tx]);
  }

  /** eth_signTypedData_v4; the EIP-712 serializer loads with the first signature. */
  async signTypedData(typedData: TypedDataDefinition): Promise<Hex> {
    const { typedDataJson } = await import('./chain/typed-data');
    return this.request('eth_signTypedData_v4', [this.account, typedDataJson(typedData)]);
  }

  signMessage(message: string): Promise<Hex> {
    const hex = `0x${Array.from(new TextEncoder().encode(message), (b) => b.toString(16).padStart(2, '0')).join('')}`;
    return this.request('personal_sign', [hex, this.account]);
  }

  disconnect(): void {
    localStorage.removeItem(LAST_WALLET);
    this.account = null;
  }
}

export function lastWalletKey(): string | null {
  return localStorage.getItem(LAST_WALLET);
}

export function rememberWallet(key: string): void {
  localStorage.setItem(LAST_WALLET, key);
}

export function forgetWallet(): void {
  localStorage.removeItem(LAST_WALLET);
}
