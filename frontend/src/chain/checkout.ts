// Buying a product: ETH straight away; a token with the allowance already given, with an EIP-2612 permit
// signed in the wallet (no approve transaction), or with approve then buy when the token has no permit.
// Accepting a settlement offer as it was shown. Loaded with the first write: browsing never downloads it.
import { domainSeparator, encodeErrorResult, size, type Address, type Hex, type TypedDataDomain } from 'viem';
import { describeError } from '../errors';
import { currencyInfo, moneyIn, type Money } from '../format';
import type { Shop } from '../state';
import type { ShopWallet } from '../wallet';
import { abi, catalogCall, isZeroAddress, tokenCall, type Order, type Product } from './contract';
import { refuse, runSteps, type Step } from './tx';

// EIP-2612 and EIP-5267: enough of a token to sign a permit for it (standard interfaces, not our ABI).
export const permitAbi = [
  {
    type: 'function',
    name: 'nonces',
    stateMutability: 'view',
    inputs: [{ type: 'address', name: 'owner' }],
    outputs: [{ type: 'uint256', name: '' }],
  },
  {
    type: 'function',
    name: 'DOMAIN_SEPARATOR',
    stateMutability: 'view',
    inputs: [],
    outputs: [{ type: 'bytes32', name: '' }],
  },
  { type: 'function', name: 'name', stateMutability: 'view', inputs: [], outputs: [{ type: 'string', name: '' }] },
  {
    type: 'function',
    name: 'allowance',
    stateMutability: 'view',
    inputs: [
      { type: 'address', name: 'owner' },
      { type: 'address', name: 'spender' },
    ],
    outputs: [{ type: 'uint256', name: '' }],
  },
  {
    type: 'function',
    name: 'eip712Domain',
    stateMutability: 'view',
    inputs: [],
    outputs: [
      { type: 'bytes1', name: 'fields' },
      { type: 'string', name: 'name' },
      { type: 'string', name: 'version' },
      { type: 'uint256', name: 'chainId' },
      { type: 'address', name: 'verifyingContract' },
      { type: 'bytes32', name: 'salt' },
      { type: 'uint256[]', name: 'extensions' },
    ],
  },
] as const;

export const PERMIT_TYPES = {
  Permit: [
    { name: 'owner', type: 'address' },
    { name: 'spender', type: 'address' },
    { name: 'value', type: 'uint256' },
    { name: 'nonce', type: 'uint256' },
    { name: 'deadline', type: 'uint256' },
  ],
} as const;

export interface PermitDomain {
  domain: TypedDataDomain;
  nonce: bigint;
}

/** The token's EIP-712 domain and the owner's nonce when it supports permit (EIP-2612), else null. */
export async function permitDomain(shop: Shop, token: Address, owner: Address): Promise<PermitDomain | null> {
  const node = shop.node;
  try {
    const [nonce, separator] = await Promise.all([
      node.view(token, permitAbi, 'nonces', [owner]),
      node.view(token, permitAbi, 'DOMAIN_SEPARATOR'),
    ]);
    let domain: TypedDataDomain;
    try {
      const [, name, version, chainId, verifyingContract] = await node.view(token, permitAbi, 'eip712Domain');
      domain = { name, version, chainId: Number(chainId), verifyingContract };
    } catch {
      domain = {
        name: await node.view(token, permitAbi, 'name'),
        version: '1',
        chainId: shop.config.chainId,
        verifyingContract: token,
      };
    }
    return domainSeparator({ domain }).toLowerCase() === separator.toLowerCase() ? { domain, nonce } : null;
  } catch {
    return null;
  }
}

/** A 65-byte signature as (v, r, s); v is 27 or 28. */
export function splitSignature(signature: Hex): [number, Hex, Hex] {
  const hex = signature.slice(2);
  let v = parseInt(hex.slice(128, 130), 16);
  if (v < 27) v += 27;
  return [v, `0x${hex.slice(0, 64)}`, `0x${hex.slice(64, 128)}`];
}

/**
 * Buy `quantity` of `product` with the wallet, carrying `orderData` (order-data.ts; `0x` for none); the card
 * says how it went. True when the purchase confirmed.
 */
export async function purchase(
  shop: Shop,
  wallet: ShopWallet & { account: Address },
  product: Product,
  quantity: number,
  orderData: Hex,
  onDone: () => void,
): Promise<boolean> {
  const store = shop.config.address;
  const amount = product.price * BigInt(quantity);
  const fmt = moneyIn(currencyInfo(product.currency, shop.reader.tokens));
  // The purchase names the terms the buyer saw: currency, unit price and terms version.
  const terms = [product.id, BigInt(quantity), product.currency, product.price, product.termsVersion] as const;
  const title = `Buy ${quantity} × ${fmt.amount(product.price)}`;
  const pay = `Pay ${fmt.amount(amount)}`;
  const run = (steps: Step[]) => runSteps(shop, { title, wallet, steps, format: fmt, onDone });
  if (size(orderData) > 0) {
    // The contract's own cap, asked of it: said before a permit prompt, in the words of its error.
    const max = await shop.node.read('MAX_ORDER_DATA', []);
    if (BigInt(size(orderData)) > max) {
      const said = describeError(tooLarge(BigInt(size(orderData)), max), abi);
      refuse(shop, title, pay, said.message, said.name);
      return false;
    }
  }
  if (isZeroAddress(product.currency)) {
    return run([{ label: pay, call: () => catalogCall(store, 'buy', [...terms, orderData], amount) }]);
  }
  const owner = wallet.account;
  const token = product.currency;
  const [balance, allowance, permit] = await Promise.all([
    shop.node.balanceOf(token, owner),
    shop.node.view(token, permitAbi, 'allowance', [owner, store]),
    permitDomain(shop, token, owner),
  ]);
  if (balance < amount) {
    // Said before any signature: a permit and a doomed purchase would only cost the buyer a prompt.
    const topUp = wallet.burner ? ' Get test funds from the wallet menu, then try again.' : '';
    const message = `You have ${fmt.amount(balance)}; this costs ${fmt.amount(amount)}. Nothing was sent.${topUp}`;
    refuse(shop, title, pay, message);
    return false;
  }
  if (allowance >= amount) {
    return run([{ label: pay, call: () => catalogCall(store, 'buy', [...terms, orderData]) }]);
  } else if (permit) {
    const deadline = BigInt((await shop.reader.now()) + 3600);
    return run([
      {
        label: `Sign a permit for ${fmt.amount(amount)} (no transaction, no gas)`,
        key: 'signature',
        send: () =>
          wallet.signTypedData({
            domain: permit.domain,
            types: PERMIT_TYPES,
            primaryType: 'Permit',
            message: { owner, spender: store, value: amount, nonce: permit.nonce, deadline },
          }),
      },
      {
        label: pay,
        call: (ctx) =>
          catalogCall(store, 'buyWithPermit', [...terms, deadline, ...splitSignature(ctx.signature as Hex), orderData]),
      },
    ]);
  } else {
    return run([
      {
        label: `Allow the store to take ${fmt.amount(amount)}`,
        call: () => tokenCall(token, 'approve', [store, amount]),
      },
      { label: pay, call: () => catalogCall(store, 'buy', [...terms, orderData]) },
    ]);
  }
}

/** The revert the contract would give for order data of `got` bytes, for the page to say before it sends. */
function tooLarge(got: bigint, max: bigint): { data: Hex } {
  return { data: encodeErrorResult({ abi, errorName: 'CatalogOrderDataTooLarge', args: [got, max] }) };
}

/**
 * Accept the other party's settlement offer as the card showed it: the buyer gets `order.offerBuyerAmount`
 * back. The offer is read again just before the wallet is asked; one that was withdrawn, replaced or changed
 * meanwhile is refused here, in the contract's own words, and nothing is sent (the contract would refuse a
 * changed amount too: acceptSettlement names the amount it accepts).
 */
export async function acceptOffer(
  shop: Shop,
  wallet: ShopWallet & { account: Address },
  order: Order,
  fmt: Money,
  onDone: () => void,
): Promise<boolean> {
  const { productId, orderNo } = order;
  const seen = order.offerBuyerAmount;
  const title = `Accept the offer · order ${productId}-${orderNo}`;
  const label = `Accept: buyer gets ${fmt.amount(seen)}, seller ${fmt.amount(order.amount - seen)}`;
  const now = await shop.node.order(productId, orderNo);
  let foreseen: Hex | null = null;
  if (isZeroAddress(now.offerBy)) {
    foreseen = encodeErrorResult({ abi, errorName: 'CatalogNoOffer', args: [productId, orderNo] });
  } else if (now.offerBy.toLowerCase() === wallet.account.toLowerCase()) {
    foreseen = encodeErrorResult({ abi, errorName: 'CatalogOwnOffer', args: [productId, orderNo] });
  } else if (now.offerBuyerAmount !== seen || now.offerBy.toLowerCase() !== order.offerBy.toLowerCase()) {
    const args = [productId, orderNo, now.offerBuyerAmount, seen] as const;
    foreseen = encodeErrorResult({ abi, errorName: 'CatalogOfferMismatch', args });
  }
  if (foreseen) {
    const said = describeError({ data: foreseen }, abi, fmt);
    refuse(shop, title, label, said.message, said.name);
    onDone(); // show the offer as it stands now
    return false;
  }
  const call = () => catalogCall(shop.config.address, 'acceptSettlement', [productId, orderNo, seen]);
  return runSteps(shop, { title, wallet, steps: [{ label, call }], format: fmt, onDone });
}

// The transaction runner travels in this module: every write loads it from here.
export { runSteps } from './tx';
